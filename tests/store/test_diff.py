"""The diff is empty exactly when the content is the same, and names every element that changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.io import content_hash, dreamscape_to_data
from studio.model.elements import Edge, Group, Node, Variable
from studio.model.ops import (
    AddEdge,
    AddGroup,
    AddNode,
    RemoveEdge,
    RemoveNode,
    RenameNode,
    SetVariable,
    UpdateEdge,
    UpdateNode,
    UpdateRecord,
)
from studio.model.starter import starter_dreamscape
from studio.store import diff_data

EDITS = st.sampled_from(
    [
        lambda: UpdateNode("first_scene", {"text": "Eli climbs the lighthouse stairs."}),
        lambda: UpdateNode("wake", {"intensity": 0.05, "minutes": 2}),
        lambda: AddNode(Node("pond", "anchor", "The pond", "Mae's voice calls from the kitchen.")),
        lambda: RemoveNode("first_scene"),
        lambda: AddEdge(Edge("e9", "onset", "wake", "Wake gently")),
        lambda: RemoveEdge("e1"),
        lambda: UpdateEdge("e2", {"weight": 2.5, "label": "Fade"}),
        lambda: RenameNode("wake", "morning"),
        lambda: SetVariable("courage", Variable("courage", "int", 0)),
        lambda: AddGroup(Group("g1", "The bay", ["onset"])),
        lambda: UpdateRecord("meta", {"audience": "teen"}),
        lambda: UpdateRecord("night", {"cycle_minutes": 95}),
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(EDITS, max_size=5))
def test_diff_empty_iff_same_content(edits: list) -> None:
    before = starter_dreamscape("Lantern Bay", "Jamie")
    after = before.clone()
    for make in edits:
        try:
            make().apply(after)
        except Exception:  # an edit that does not apply here (e.g. node already removed)
            continue
    diff = diff_data(dreamscape_to_data(before), dreamscape_to_data(after))
    assert bool(diff) == (content_hash(before) != content_hash(after))
    assert bool(diff.lines()) == bool(diff)


def test_field_by_field_changes_and_renames() -> None:
    before = starter_dreamscape("Lantern Bay", "Jamie")
    after = before.clone()
    UpdateEdge("e2", {"weight": 2.5}).apply(after)
    RenameNode("wake", "morning").apply(after)
    UpdateRecord("meta", {"title": "Lantern Bay at dawn"}).apply(after)
    diff = diff_data(dreamscape_to_data(before), dreamscape_to_data(after))
    assert diff.nodes.added == ["morning"] and diff.nodes.removed == ["wake"]
    assert diff.edges.changed == {"e2": {"to": ("wake", "morning"), "weight": (1.0, 2.5)}}
    assert diff.records == {"meta": {"title": ("Lantern Bay", "Lantern Bay at dawn")}}
    assert "~ edge e2.weight: 1.0 -> 2.5" in diff.lines()
    assert diff.summary() == "nodes +1 -1, edges ~1, settings meta"
    data = diff.to_dict()
    assert data["edges"]["changed"]["e2"]["weight"] == {"old": 1.0, "new": 2.5}


def test_reordering_is_a_change() -> None:
    before = starter_dreamscape()
    after = before.clone()
    edge = after.edges[0]
    RemoveEdge(edge.id).apply(after)
    AddEdge(edge).apply(after)
    diff = diff_data(dreamscape_to_data(before), dreamscape_to_data(after))
    assert diff.edges.reordered and not diff.edges.changed and diff.lines() == ["~ edges reordered"]
