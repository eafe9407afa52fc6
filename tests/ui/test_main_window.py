"""The editor window driven with real mouse and keyboard events (offscreen)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from studio.io import loads_dreamscape
from studio.ui import dialogs
from studio.ui.document import Document
from studio.ui.main_window import WINDOWS, MainWindow
from tests.ui.gui_helpers import click, drag, send_mouse

NODES = [
    {
        "id": "onset",
        "kind": "entry",
        "title": "Lights down",
        "text": "Eli's room dims.",
        "x": 0,
        "y": 0,
    },
    {
        "id": "hall",
        "kind": "choice",
        "title": "Hall of doors",
        "text": "Three doors.",
        "x": 300,
        "y": 0,
    },
    {
        "id": "arena",
        "kind": "reward",
        "title": "The arena",
        "text": "The crowd roars.",
        "x": 600,
        "y": -200,
    },
    {
        "id": "kitchen",
        "kind": "social",
        "title": "Mae's kitchen",
        "text": "Cocoa with Mae.",
        "x": 600,
        "y": 200,
    },
    {"id": "wake", "kind": "exit", "title": "Morning", "text": "Back to sleep.", "x": 900, "y": 0},
]
EDGES = [
    {"id": "e1", "from": "onset", "to": "hall", "label": "Follow the lantern"},
    {"id": "e2", "from": "hall", "to": "arena", "label": "Stadium", "condition": "courage >= 1"},
    {"id": "e3", "from": "hall", "to": "kitchen", "label": "Cocoa"},
    {"id": "e4", "from": "arena", "to": "wake", "label": "Wake"},
    {
        "id": "e5",
        "from": "kitchen",
        "to": "wake",
        "label": "Goodnight",
        "effects": {"courage": "courage + 1"},
    },
]


def small_text() -> str:
    return json.dumps(
        {
            "format": "dreamscape",
            "version": 1,
            "meta": {"title": "Eli's evening", "author": "Jamie", "audience": "teen"},
            "variables": {"courage": {"type": "int", "initial": 0}},
            "nodes": NODES,
            "edges": EDGES,
        }
    )


@pytest.fixture
def window(qtbot, monkeypatch):
    # pytest-qt closes widgets before fixtures tear down: never block on the save prompt.
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    ds = loads_dreamscape(small_text(), "small.dream")
    win = MainWindow(Document(ds), live_panels=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.actions_.snap.setChecked(False)
    win.view.set_zoom(1.0)
    win.view.centerOn(450, 40)
    QApplication.processEvents()
    yield win
    WINDOWS.clear()


def vp(win, x: float, y: float):
    return win.view.mapFromScene(QPointF(x, y))


def node_centre(win, node_id: str):
    item = win.scene.node_item(node_id)
    return vp(win, *_centre(item))


def _centre(item):
    rect = item.sceneBoundingRect()
    return rect.center().x(), rect.center().y()


def test_quick_add_with_tab_adds_the_chosen_kind_at_the_cursor(qtbot, window) -> None:
    view = window.view
    target = vp(window, 450, 400)
    send_mouse(view.viewport(), QEvent.Type.MouseMove, target, Qt.MouseButton.NoButton)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    popup = view.quick_add_popup()
    assert popup.isVisible()
    qtbot.keyClicks(popup.search, "nightm")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    added = [n for n in window.document.ds.nodes if n.kind == "nightmare"]
    assert len(added) == 1
    assert abs(added[0].x - 450) < 120 and abs(added[0].y - 400) < 120
    assert window.scene.selected_node_ids() == [added[0].id]
    assert window.document.undo_stack.undoText() == "Add nightmare"


def test_drag_from_output_port_to_another_node_connects(qtbot, window) -> None:
    scene = window.scene
    start = window.view.mapFromScene(scene.node_item("onset").out_port_scene())
    end = node_centre(window, "wake")
    before = len(window.document.ds.edges)
    drag(window.view.viewport(), [start, end])
    ds = window.document.ds
    assert len(ds.edges) == before + 1
    edge = ds.edges[-1]
    assert (edge.source, edge.target) == ("onset", "wake")
    window.document.undo_stack.undo()
    assert len(ds.edges) == before


def test_move_selection_is_one_undo_step(qtbot, window) -> None:
    ds = window.document.ds
    window.scene.select(["hall", "arena", "kitchen"])
    before = {n: (ds.node(n).x, ds.node(n).y) for n in ("hall", "arena", "kitchen")}
    start = node_centre(window, "hall")
    drag(window.view.viewport(), [start, start + vp(window, 100, 60) - vp(window, 0, 0)])
    moved = {n: (ds.node(n).x, ds.node(n).y) for n in before}
    assert all(moved[n] != before[n] for n in before)
    dx = moved["hall"][0] - before["hall"][0]
    assert all(abs((moved[n][0] - before[n][0]) - dx) < 1e-6 for n in before)
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert {n: (ds.node(n).x, ds.node(n).y) for n in before} == before


def test_delete_key_then_undo_brings_edges_back(qtbot, window) -> None:
    ds = window.document.ds
    click(window.view.viewport(), node_centre(window, "hall"))
    assert window.scene.selected_node_ids() == ["hall"]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert not ds.has_node("hall") and not ds.has_edge("e1") and not ds.has_edge("e3")
    window.actions_.undo.trigger()
    assert ds.has_node("hall") and [e.id for e in ds.edges] == ["e1", "e2", "e3", "e4", "e5"]
    assert window.scene.node_item("hall") is not None and window.scene.edge_item("e3") is not None


def test_copy_paste_remaps_ids_and_selects_the_copies(qtbot, window) -> None:
    ds = window.document.ds
    window.scene.select(["hall", "arena", "kitchen"])
    window.actions_.copy.trigger()
    new_nodes = window.paste((2000, 2000))
    assert len(new_nodes) == 3 and not {"hall", "arena", "kitchen"} & set(new_nodes)
    assert sorted(window.scene.selected_node_ids()) == sorted(new_nodes)
    pasted_edges = [e for e in ds.edges if e.source in new_nodes]
    assert len(pasted_edges) == 2  # hall→arena and hall→kitchen; edges to wake stay behind
    assert all(e.target in new_nodes for e in pasted_edges)
    window.actions_.undo.trigger()
    assert len(ds.nodes) == 5
    window.scene.select(["arena"])
    window.actions_.cut.trigger()
    assert not ds.has_node("arena") and window.document.undo_stack.undoText() == "Cut 1 scene"
    assert window.paste((0, 600)) and any(n.title == "The arena" for n in ds.nodes)


def test_junk_on_the_clipboard_shows_a_message(qtbot, window, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(dialogs, "show_errors", lambda *args: shown.append(args))
    QApplication.clipboard().setText('{"nodes": [{"id": "x", "kind": "dragon"}]}')
    assert window.paste() == []
    assert shown and any("dragon" in line for line in shown[0][3])
    assert len(window.document.ds.nodes) == 5


def test_inspector_follows_canvas_selection_and_undo(qtbot, window) -> None:
    click(window.view.viewport(), node_centre(window, "kitchen"))
    form = window.inspector.node_form
    assert window.inspector.stack.currentWidget() is form and form.subject == "kitchen"
    form.title.setFocus()
    form.title.selectAll()
    qtbot.keyClicks(form.title, "Mae's warm kitchen")
    qtbot.keyClick(form.title, Qt.Key.Key_Return)
    assert window.document.ds.node("kitchen").title == "Mae's warm kitchen"
    assert window.isWindowModified()
    window.actions_.undo.trigger()
    qtbot.waitUntil(lambda: form.title.text() == "Mae's kitchen")
    assert window.actions_.redo.text() == "&Redo Edit title of Mae's kitchen"
    window.actions_.redo.trigger()
    qtbot.waitUntil(lambda: form.title.text() == "Mae's warm kitchen")


def test_group_then_drag_the_frame_moves_members_in_one_step(qtbot, window, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Home with Mae")
    ds = window.document.ds
    window.scene.select(["kitchen", "wake"])
    window.actions_.group.trigger()
    group = ds.groups[-1]
    assert group.title == "Home with Mae" and group.nodes == ["kitchen", "wake"]
    QApplication.processEvents()
    frame = window.scene.group_item(group.id)
    rect = frame.title_rect()
    title = QPointF(rect.x() + 40, rect.center().y())
    window.view.centerOn(title)
    QApplication.processEvents()
    before = {n: (ds.node(n).x, ds.node(n).y) for n in group.nodes}
    steps = window.document.undo_stack.count()
    start = window.view.mapFromScene(title)
    drag(window.view.viewport(), [start, start + vp(window, 80, 40) - vp(window, 0, 0)])
    after = {n: (ds.node(n).x, ds.node(n).y) for n in group.nodes}
    assert all(after[n] != before[n] for n in before)
    assert window.document.undo_stack.count() == steps + 1
    window.actions_.undo.trigger()
    assert {n: (ds.node(n).x, ds.node(n).y) for n in group.nodes} == before
    window.scene.select(["kitchen"])
    window.actions_.ungroup.trigger()
    assert not ds.groups


def test_auto_layout_and_undo(qtbot, window) -> None:
    ds = window.document.ds
    before = {n.id: (n.x, n.y) for n in ds.nodes}
    window.actions_.layout_all.trigger()
    assert ds.node("onset").x == 0 and ds.node("hall").x == 260
    assert window.document.undo_stack.undoText().startswith("Auto-layout")
    window.actions_.undo.trigger()
    assert {n.id: (n.x, n.y) for n in ds.nodes} == before


def test_status_bar_title_and_shortcuts_dialog(qtbot, window, monkeypatch) -> None:
    assert (
        "5 scenes" in window.counts_label.text() and "5 transitions" in window.counts_label.text()
    )
    assert window.zoom_label.text() == "100%"
    assert window.windowTitle().startswith("Eli's evening — ")
    window.document.add_node("scene", 0, 500)
    qtbot.waitUntil(lambda: "6 scenes" in window.counts_label.text())
    assert window.isWindowModified()
    rows = []
    monkeypatch.setattr(dialogs, "show_shortcuts", lambda parent, r: rows.extend(r))
    window.actions_.shortcuts.trigger()
    listed = {(menu, action) for menu, action, _ in rows}
    for menu, actions in window.actions_.menus:
        for action in actions:
            if not action.shortcuts():
                continue
            assert (menu, action.text().replace("&", "").rstrip(".")) in listed
    assert ("Edit", "Copy") in listed and any(m == "Canvas" for m, _ in listed)


def test_two_windows_paste_between_them(qtbot, window) -> None:
    other = window.new_window()
    try:
        window.scene.select(["arena", "wake"])
        window.copy()
        pasted = other.paste((100, 100))
        assert len(pasted) == 2
        ds2 = other.document.ds
        assert {ds2.node(n).title for n in pasted} == {"The arena", "Morning"}
        assert any(e.source in pasted and e.target in pasted for e in ds2.edges)
        assert "courage" in ds2.variables or not any(ds2.node(n).effects for n in pasted)
        assert window.document.undo_stack.count() == 0  # copying changes nothing
    finally:
        other.document.set_modified(False)
        other.close()


def test_palette_double_click_and_outline_search(qtbot, window) -> None:
    palette = window.palette_list
    item = palette.item(
        list(palette.item(i).data(Qt.ItemDataRole.UserRole) for i in range(palette.count())).index(
            "anchor"
        )
    )
    palette.kind_activated.emit(item.data(Qt.ItemDataRole.UserRole))
    assert any(n.kind == "anchor" for n in window.document.ds.nodes)
    assert palette.mimeData([item]).data("application/x-dreamstudio-kind").data() == b"anchor"
    window.actions_.find.trigger()
    qtbot.keyClicks(window.outline.search, "cocoa")
    assert window.outline.visible_ids() == ["kitchen"]
    qtbot.keyClick(window.outline.search, Qt.Key.Key_Return)
    assert window.scene.selected_node_ids() == ["kitchen"]


def test_view_menu_theme_snap_zoom_and_minimap(qtbot, window) -> None:
    from studio.ui import settings

    window.actions_.themes["light"].trigger()
    assert settings.theme_name() == "light" and window.scene.theme.name == "light"
    assert "calm light theme" in QApplication.instance().styleSheet()
    window.actions_.themes["dark"].trigger()
    assert window.scene.theme.name == "dark"
    window.actions_.snap.setChecked(True)
    assert settings.snap_enabled() and window.document.snap_grid == 20
    node_id = window.document.add_node("scene", 33, 47)
    assert (window.document.ds.node(node_id).x, window.document.ds.node(node_id).y) == (40, 40)
    window.actions_.zoom_in.trigger()
    assert window.zoom_label.text() == "125%"
    window.actions_.zoom_reset.trigger()
    assert window.zoom_label.text() == "100%"
    window.actions_.fit_all.trigger()
    assert window.view.zoom() <= 1.0
    window.actions_.minimap.setChecked(False)
    assert not window.minimap.isVisible()
    window.actions_.minimap.setChecked(True)
    assert window.minimap.isVisible()
