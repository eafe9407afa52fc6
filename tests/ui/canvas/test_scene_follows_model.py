"""The scene mirrors the model through its events, whatever edits the model receives."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from studio.model import Edge, Group, Node
from studio.model.ops import (
    AddEdge,
    AddGroup,
    AddNode,
    MoveNodes,
    RemoveEdge,
    RemoveGroup,
    RemoveNode,
    RenameNode,
    UpdateEdge,
    UpdateGroup,
    UpdateNode,
)
from studio.ui.canvas import DreamScene
from studio.ui.canvas.items import NODE_H, NODE_W, OUT_PORT


def _consistent(scene: DreamScene) -> None:
    ds = scene.dreamscape
    assert {i.node.id for i in scene.node_items()} == {n.id for n in ds.nodes}
    assert {i.edge.id for i in scene.edge_items()} == {e.id for e in ds.edges}
    for node in ds.nodes:
        item = scene.node_item(node.id)
        assert item is not None and item.node is node
        assert item.pos() == QPointF(node.x, node.y)
    for edge in ds.edges:
        item = scene.edge_item(edge.id)
        assert item.source is scene.node_item(edge.source)
        assert item.target is scene.node_item(edge.target)
        assert item in item.source.edges and item in item.target.edges


def test_builds_every_item(qtbot, ds) -> None:
    scene = DreamScene(ds)
    _consistent(scene)
    assert scene.group_item("g_home").members == [
        scene.node_item("kitchen"),
        scene.node_item("wake"),
    ]


def test_add_remove_node_and_undo(qtbot, ds) -> None:
    scene = DreamScene(ds)
    undo = AddNode(Node("star", "anchor", "Star chart", x=900, y=300)).apply(ds)
    assert scene.node_item("star") is not None
    _consistent(scene)
    undo.apply(ds)
    assert scene.node_item("star") is None
    # removing a node removes its edges and group membership; undo brings all back
    undo = RemoveNode("kitchen").apply(ds)
    assert scene.node_item("kitchen") is None
    assert scene.edge_item("e3") is None and scene.edge_item("e5") is None
    assert scene.group_item("g_home").members == [scene.node_item("wake")]
    assert all(e.edge.id not in ("e3", "e5") for e in scene.node_item("hall").edges)
    _consistent(scene)
    undo.apply(ds)
    _consistent(scene)
    assert scene.group_item("g_home").members == [
        scene.node_item("kitchen"),
        scene.node_item("wake"),
    ]


def test_move_updates_items_edges_and_group(qtbot, ds) -> None:
    scene = DreamScene(ds)
    edge = scene.edge_item("e1")
    frame_before = scene.group_item("g_home").frame_rect()
    MoveNodes({"onset": (-100.0, 50.0), "kitchen": (600.0, 400.0)}).apply(ds)
    assert scene.node_item("onset").pos() == QPointF(-100, 50)
    assert edge.path().elementAt(0).x == -100 + OUT_PORT.x()
    assert edge.path().elementAt(0).y == 50 + OUT_PORT.y()
    frame = scene.group_item("g_home").frame_rect()
    assert frame != frame_before
    assert frame.contains(QPointF(600 + NODE_W, 400 + NODE_H))
    _consistent(scene)


def test_update_and_rename(qtbot, ds) -> None:
    scene = DreamScene(ds)
    item = scene.node_item("hall")
    UpdateNode("hall", {"title": "The long hall", "kind": "scene"}).apply(ds)
    assert item.node.title == "The long hall" and item._texts is None
    RenameNode("hall", "long_hall").apply(ds)
    assert scene.node_item("hall") is None
    assert scene.node_item("long_hall") is item
    _consistent(scene)


def test_edge_events(qtbot, ds) -> None:
    scene = DreamScene(ds)
    AddEdge(Edge("e9", "arena", "kitchen", "Go home")).apply(ds)
    assert scene.edge_item("e9").target is scene.node_item("kitchen")
    UpdateEdge("e9", {"target": "onset", "condition": "courage >= 2"}).apply(ds)
    assert scene.edge_item("e9").target is scene.node_item("onset")
    assert scene.edge_item("e9") not in scene.node_item("kitchen").edges
    UpdateEdge("e1", {"label": "Walk"}).apply(ds)
    assert scene.edge_item("e1").edge.label == "Walk"
    RemoveEdge("e9").apply(ds)
    assert scene.edge_item("e9") is None
    _consistent(scene)


def test_self_loop_is_drawn_as_a_loop_above_the_card(qtbot, ds) -> None:
    scene = DreamScene(ds)
    AddEdge(Edge("loop", "hall", "hall", "Again")).apply(ds)
    item = scene.edge_item("loop")
    assert item.source is item.target
    assert scene.node_item("hall").edges.count(item) == 1
    assert item.boundingRect().top() < scene.node_item("hall").pos().y() - 40


def test_group_events(qtbot, ds) -> None:
    scene = DreamScene(ds)
    AddGroup(Group("g_arena", "The arena", ["arena", "hall"], "#e1a15b")).apply(ds)
    group = scene.group_item("g_arena")
    assert {m.node.id for m in group.members} == {"arena", "hall"}
    UpdateGroup("g_arena", {"nodes": ["arena"], "title": "Arena"}).apply(ds)
    assert [m.node.id for m in group.members] == ["arena"]
    assert group not in scene.node_item("hall").groups
    RemoveGroup("g_arena").apply(ds)
    assert scene.group_item("g_arena") is None
    assert group not in scene.node_item("arena").groups


def test_set_dreamscape_rebinds(qtbot, ds) -> None:
    from tests.ui.canvas.conftest import small_dreamscape

    scene = DreamScene(ds)
    replaced = []
    scene.dreamscape_replaced.connect(lambda: replaced.append(True))
    other = small_dreamscape()
    scene.set_dreamscape(other)
    assert replaced and scene.dreamscape is other
    AddNode(Node("old_only", x=5, y=5)).apply(ds)  # the old document no longer drives the scene
    assert scene.node_item("old_only") is None
    AddNode(Node("new_one", x=5, y=5)).apply(other)
    assert scene.node_item("new_one") is not None
    _consistent(scene)


def test_items_bounding_rect_covers_nodes_and_groups(qtbot, ds) -> None:
    scene = DreamScene(ds)
    rect = scene.items_bounding_rect()
    for item in scene.node_items():
        assert rect.contains(item.sceneBoundingRect().adjusted(12, 12, -12, -12))
    assert rect.contains(scene.group_item("g_home").frame_rect())
