"""Mouse and keyboard on the real view become intent signals; the model is never touched."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.io import dumps_dreamscape
from studio.model import Edge, Node
from studio.model.ops import AddEdge, AddNode, MoveNodes
from studio.ui.canvas import KIND_MIME
from studio.ui.canvas.items import IN_PORT, NODE_H, NODE_W, OUT_PORT

from .conftest import click, drag, send_mouse, view_pos


def _centre(scene, node_id: str) -> QPointF:
    return scene.node_item(node_id).pos() + QPointF(NODE_W / 2, NODE_H / 2 + 10)


def test_drag_node_emits_one_move_and_leaves_model_alone(canvas) -> None:
    scene, view = canvas
    text_before = dumps_dreamscape(scene.dreamscape)
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append((b, a)))
    start = view_pos(view, _centre(scene, "hall"))
    drag(view.viewport(), [start, start + QPoint(60, 40)])
    assert len(moves) == 1
    before, after = moves[0]
    assert before == {"hall": (260.0, 0.0)}
    assert after == {"hall": (320.0, 40.0)}
    assert dumps_dreamscape(scene.dreamscape) == text_before
    # nothing applied the intent, so the card shows the model's position again
    assert scene.node_item("hall").pos() == QPointF(260, 0)


def test_drag_selection_applied_by_a_document_is_one_step(canvas) -> None:
    scene, view = canvas
    ds = scene.dreamscape
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append((b, a)))
    scene.nodes_moved.connect(lambda b, a: MoveNodes(a).apply(ds))  # what the Document does
    scene.select(["onset", "hall"])
    start = view_pos(view, _centre(scene, "onset"))
    drag(view.viewport(), [start, start + QPoint(30, 90)])
    assert len(moves) == 1
    assert set(moves[0][1]) == {"onset", "hall"}
    assert (ds.node("onset").x, ds.node("onset").y) == (30.0, 90.0)
    assert (ds.node("hall").x, ds.node("hall").y) == (290.0, 90.0)
    assert scene.node_item("hall").pos() == QPointF(290, 90)
    # applying a model move afterwards does not look like a user gesture
    MoveNodes({"hall": (0.0, 400.0)}).apply(ds)
    assert len(moves) == 1 and scene.node_item("hall").pos() == QPointF(0, 400)


def test_drag_snaps_to_grid_when_enabled(canvas) -> None:
    scene, view = canvas
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append(a))
    scene.set_snap(True, 20)
    assert scene.snap_enabled
    start = view_pos(view, _centre(scene, "hall"))
    drag(view.viewport(), [start, start + QPoint(33, 47)])
    ((x, y),) = moves[0].values()
    assert x % 20 == 0 and y % 20 == 0
    assert abs(x - 293) <= 10 and abs(y - 47) <= 10


def test_click_without_moving_emits_no_move(canvas) -> None:
    scene, view = canvas
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append(a))
    click(view.viewport(), view_pos(view, _centre(scene, "hall")))
    assert moves == []
    assert scene.selected_node_ids() == ["hall"]


def test_drag_from_output_port_to_node_requests_connection(canvas) -> None:
    scene, view = canvas
    wanted = []
    scene.connect_requested.connect(lambda s, t: wanted.append((s, t)))
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append(a))
    port = view_pos(view, scene.node_item("onset").pos() + OUT_PORT)
    # onto the body of another card
    drag(view.viewport(), [port, view_pos(view, _centre(scene, "arena"))])
    # onto an input port
    drag(view.viewport(), [port, view_pos(view, scene.node_item("kitchen").pos() + IN_PORT)])
    assert wanted == [("onset", "arena"), ("onset", "kitchen")]
    assert moves == []
    assert scene.node_item("onset").pos() == QPointF(0, 0)
    assert not any(i.drop_target for i in scene.node_items())
    assert not scene.is_connecting()


def test_connection_dropped_on_canvas_quick_adds_and_connects(canvas, qtbot) -> None:
    scene, view = canvas
    ds = scene.dreamscape
    wanted, added = [], []
    scene.connect_requested.connect(lambda s, t: wanted.append((s, t)))

    def add(kind: str, x: float, y: float) -> None:  # the Document's part, in one line
        added.append((kind, x, y))
        AddNode(Node(f"new_{kind}", kind, x=x, y=y)).apply(ds)

    scene.add_node_requested.connect(add)
    port = view_pos(view, scene.node_item("wake").pos() + OUT_PORT)
    empty = port + QPoint(150, 120)
    drag(view.viewport(), [port, empty])
    QApplication.processEvents()
    popup = view.quick_add_popup()
    assert popup.isVisible()
    qtbot.keyClicks(popup.search, "anch")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [a[0] for a in added] == ["anchor"]
    assert wanted == [("wake", "new_anchor")]
    drop = view.mapToScene(empty)
    assert abs(added[0][1] - drop.x()) < 1 and abs(added[0][2] + NODE_H / 2 - drop.y()) < 1


def test_connection_released_on_nothing_and_escaped_does_nothing(canvas, qtbot) -> None:
    scene, view = canvas
    wanted, added = [], []
    scene.connect_requested.connect(lambda s, t: wanted.append((s, t)))
    scene.add_node_requested.connect(lambda *a: added.append(a))
    port = view_pos(view, scene.node_item("wake").pos() + OUT_PORT)
    drag(view.viewport(), [port, port + QPoint(200, 0)])
    popup = view.quick_add_popup()
    QTest.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert wanted == [] and added == []


def test_rubber_band_selects_nodes_not_crossing_edges(canvas) -> None:
    scene, view = canvas
    changes = []
    scene.selection_changed_ids.connect(lambda n, e: changes.append((n, e)))
    a = view_pos(view, QPointF(-40, -60))
    b = view_pos(view, QPointF(300, 100))  # covers onset, and part of hall
    drag(view.viewport(), [a, b])
    assert scene.selected_node_ids() == ["onset", "hall"]
    assert scene.selected_edge_ids() == []
    assert changes and changes[-1] == (["onset", "hall"], [])


def test_ctrl_click_toggles(canvas) -> None:
    scene, view = canvas
    ctrl = Qt.KeyboardModifier.ControlModifier
    click(view.viewport(), view_pos(view, _centre(scene, "hall")))
    click(view.viewport(), view_pos(view, _centre(scene, "arena")), ctrl)
    assert scene.selected_node_ids() == ["hall", "arena"]
    click(view.viewport(), view_pos(view, _centre(scene, "hall")), ctrl)
    assert scene.selected_node_ids() == ["arena"]


def test_click_edge_selects_it_and_delete_requests_removal(canvas) -> None:
    scene, view = canvas
    deletions = []
    scene.delete_requested.connect(lambda n, e: deletions.append((n, e)))
    edge = scene.edge_item("e4")
    point = edge.path().pointAtPercent(0.3)
    click(view.viewport(), view_pos(view, point))
    assert scene.selected_edge_ids() == ["e4"]
    click(
        view.viewport(),
        view_pos(view, _centre(scene, "kitchen")),
        Qt.KeyboardModifier.ControlModifier,
    )
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert deletions == [(["kitchen"], ["e4"])]
    assert scene.dreamscape.has_node("kitchen")  # only intent


def test_select_all_and_selection_signal(canvas) -> None:
    scene, view = canvas
    changes = []
    scene.selection_changed_ids.connect(lambda n, e: changes.append((n, e)))
    scene.select_all()
    assert len(changes) == 1
    assert changes[0][0] == [n.id for n in scene.dreamscape.nodes]
    assert changes[0][1] == [e.id for e in scene.dreamscape.edges]
    scene.clear_selection()
    assert changes[-1] == ([], [])


def test_tab_opens_quick_add_at_cursor(canvas, qtbot) -> None:
    scene, view = canvas
    added = []
    scene.add_node_requested.connect(lambda k, x, y: added.append((k, x, y)))
    cursor = QPoint(700, 500)
    send_mouse(view.viewport(), QEvent.Type.MouseMove, cursor, Qt.MouseButton.NoButton)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Tab)
    popup = view.quick_add_popup()
    assert popup.isVisible()
    qtbot.keyClicks(popup.search, "rew")
    assert popup.visible_kinds() == ["reward"]
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    target = view.mapToScene(cursor)
    assert added == [("reward", target.x(), target.y())]


def test_double_click_canvas_opens_quick_add_and_node_activates(canvas, qtbot) -> None:
    scene, view = canvas
    activated, added = [], []
    scene.node_activated.connect(activated.append)
    scene.add_node_requested.connect(lambda k, x, y: added.append(k))
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(60, 700))
    popup = view.quick_add_popup()
    assert popup.isVisible()
    popup.list.setCurrentRow(3)
    QTest.keyClick(popup.search, Qt.Key.Key_Down)  # arrows move through the list
    QTest.keyClick(popup.search, Qt.Key.Key_Enter)
    assert added == ["social"]
    QTest.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view_pos(view, _centre(scene, "kitchen"))
    )
    assert activated == ["kitchen"]


def test_drop_of_a_kind_requests_a_node_there(canvas) -> None:
    scene, view = canvas
    added = []
    scene.add_node_requested.connect(lambda k, x, y: added.append((k, x, y)))
    mime = QMimeData()
    mime.setData(KIND_MIME, b"nightmare")
    pos = QPointF(400, 300)
    event = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    target = view.mapToScene(pos.toPoint())
    assert added == [("nightmare", target.x(), target.y())]


def test_context_menu_names_what_is_under_the_cursor(canvas) -> None:
    from PySide6.QtGui import QContextMenuEvent

    scene, view = canvas
    asked = []
    scene.context_menu_requested.connect(lambda kind, ident, pos: asked.append((kind, ident)))
    for point in (view_pos(view, _centre(scene, "arena")), QPoint(30, 780)):
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
        )
        QApplication.sendEvent(view.viewport(), event)
    assert asked == [("node", "arena"), ("canvas", "")]


def test_middle_drag_and_space_drag_pan_without_selecting(canvas) -> None:
    scene, view = canvas
    centre = view.mapToScene(view.viewport().rect().center())
    drag(view.viewport(), [QPoint(600, 400), QPoint(500, 350)], Qt.MouseButton.MiddleButton)
    after = view.mapToScene(view.viewport().rect().center())
    assert abs((after - centre).x() - 100) <= 1 and abs((after - centre).y() - 50) <= 1
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    start = view_pos(view, _centre(scene, "hall"))  # even on a card, space+drag pans
    drag(view.viewport(), [start, start + QPoint(-80, 0)])
    QTest.keyRelease(view, Qt.Key.Key_Space)
    final = view.mapToScene(view.viewport().rect().center())
    assert abs((final - after).x() - 80) <= 1
    assert scene.selected_node_ids() == []
    assert scene.node_item("hall").pos() == QPointF(260, 0)


def test_group_title_drag_moves_every_member_in_one_intent(canvas) -> None:
    scene, view = canvas
    ds = scene.dreamscape
    moves = []
    scene.nodes_moved.connect(lambda b, a: moves.append((b, a)))
    scene.nodes_moved.connect(lambda b, a: MoveNodes(a).apply(ds))
    group = scene.group_item("g_home")
    title = group.title_rect()
    start = view_pos(view, QPointF(title.x() + 40, title.center().y()))
    drag(view.viewport(), [start, start + QPoint(50, -30)])
    assert len(moves) == 1
    before, after = moves[0]
    assert before == {"kitchen": (520.0, 160.0), "wake": (800.0, 0.0)}
    assert after == {"kitchen": (570.0, 130.0), "wake": (850.0, -30.0)}
    assert scene.selected_node_ids() == ["kitchen", "wake"]
    assert group.frame_rect().contains(
        scene.node_item("kitchen").sceneBoundingRect().adjusted(12, 12, -12, -12)
    )


def test_clicking_inside_a_group_frame_is_canvas(canvas) -> None:
    scene, view = canvas
    group = scene.group_item("g_home")
    frame = group.frame_rect()
    inside = QPointF(frame.left() + 8, frame.bottom() - 6)  # padding, no card here
    assert scene.items(inside) == [] or all(
        not isinstance(i, type(scene.node_item("wake"))) for i in scene.items(inside)
    )
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view_pos(view, inside))
    assert view.quick_add_popup().isVisible()
    view.quick_add_popup().close()


def test_new_edge_from_model_appears_between_ports(canvas) -> None:
    scene, view = canvas
    AddEdge(Edge("e7", "onset", "wake", "Sleep through")).apply(scene.dreamscape)
    item = scene.edge_item("e7")
    start = item.path().elementAt(0)
    assert QPointF(start.x, start.y) == scene.node_item("onset").pos() + OUT_PORT


def test_edges_and_group_follow_a_card_while_it_is_dragged(canvas) -> None:
    scene, view = canvas
    kitchen = scene.node_item("kitchen")
    frame = scene.group_item("g_home").frame_rect()
    start = view_pos(view, _centre(scene, "kitchen"))
    send_mouse(view.viewport(), QEvent.Type.MouseButtonPress, start)
    for i in range(1, 7):
        send_mouse(
            view.viewport(),
            QEvent.Type.MouseMove,
            start + QPoint(0, 20 * i),
            buttons=Qt.MouseButton.LeftButton,
        )
    assert kitchen.pos() == QPointF(520, 280)  # moved on screen, not yet in the model
    incoming = scene.edge_item("e3").path()
    end = incoming.elementAt(incoming.elementCount() - 1)
    assert QPointF(end.x, end.y).y() == 280 + NODE_H / 2
    outgoing = scene.edge_item("e5").path().elementAt(0)
    assert QPointF(outgoing.x, outgoing.y) == kitchen.pos() + OUT_PORT
    assert scene.group_item("g_home").frame_rect().bottom() > frame.bottom() + 100
    send_mouse(view.viewport(), QEvent.Type.MouseButtonRelease, start + QPoint(0, 120))
    assert kitchen.pos() == QPointF(520, 160)  # no Document: back where the model says
    assert scene.edge_item("e5").path().elementAt(0).y == 160 + NODE_H / 2
