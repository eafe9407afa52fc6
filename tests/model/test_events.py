"""Every primitive edit tells listeners exactly what changed, and failed edits tell nothing."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from studio.model import Dreamscape, Event, ModelError
from studio.model.elements import Edge, Group, Node, Variable
from studio.model.events import DreamscapeEvents


class Recorder:
    """Connects to every event of a dreamscape and records (name, args)."""

    def __init__(self, ds: Dreamscape) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        for name in DreamscapeEvents.__slots__:
            getattr(ds.events, name).connect(self._handler(name))

    def _handler(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, args))

    def take(self) -> list[tuple[str, tuple[Any, ...]]]:
        calls, self.calls = self.calls, []
        return calls


@pytest.fixture()
def doc() -> tuple[Dreamscape, Recorder]:
    ds = Dreamscape()
    ds.load_elements(
        [Node("a", "entry"), Node("b"), Node("z", "exit")],
        [Edge("e1", "a", "b"), Edge("e2", "b", "z")],
    )
    ds.groups = [Group("g1", "Bay", ["a"])]
    return ds, Recorder(ds)


def test_node_primitives(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    node = Node("c")
    rev = ds.revision
    assert ds.insert_node(node, 1) == 1
    assert rec.take() == [("node_added", (node, 1)), ("changed", ("node_added",))]
    old = ds.set_node_fields("c", {"title": "Pier", "minutes": 3})
    assert old == {"title": "", "minutes": 5}
    assert rec.take() == [
        ("node_changed", (node, ("title", "minutes"))),
        ("changed", ("node_changed",)),
    ]
    ds.rename_node("c", "pier")
    assert rec.take() == [("node_renamed", (node, "c")), ("changed", ("node_renamed",))]
    assert ds.pop_node("pier") == (node, 1)
    assert rec.take() == [("node_removed", (node, 1)), ("changed", ("node_removed",))]
    assert ds.revision == rev + 4


def test_edge_primitives(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    edge = Edge("e3", "a", "z", "Wake")
    ds.insert_edge(edge, 0)
    assert rec.take() == [("edge_added", (edge, 0)), ("changed", ("edge_added",))]
    ds.set_edge_fields("e3", {"weight": 2.0, "condition": "1"})
    assert rec.take() == [
        ("edge_changed", (edge, ("weight", "condition"))),
        ("changed", ("edge_changed",)),
    ]
    assert ds.pop_edge("e3") == (edge, 0)
    assert rec.take() == [("edge_removed", (edge, 0)), ("changed", ("edge_removed",))]


def test_variable_group_and_record_primitives(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    ds.put_variable("courage", Variable("courage", "int", 1))
    assert rec.take() == [("variables_changed", ("courage",)), ("changed", ("variables_changed",))]
    group = Group("g2", "Garden")
    ds.insert_group(group)
    assert rec.take() == [("group_added", (group, 1)), ("changed", ("group_added",))]
    ds.set_group_fields("g2", {"nodes": ["b"]})
    assert rec.take() == [("group_changed", (group, ("nodes",))), ("changed", ("group_changed",))]
    assert ds.pop_group("g2") == (group, 1)
    assert rec.take() == [("group_removed", (group, 1)), ("changed", ("group_removed",))]
    for record, changes in (
        ("meta", {"title": "Lantern Bay"}),
        ("night", {"cycle_minutes": 80}),
        ("lint", {"threshold": 60}),
    ):
        ds.set_record_fields(record, changes)
        assert rec.take() == [
            (f"{record}_changed", (tuple(changes),)),
            ("changed", (f"{record}_changed",)),
        ]


def test_failed_edits_emit_nothing(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    rev = ds.revision
    for bad in (
        lambda: ds.insert_node(Node("a")),
        lambda: ds.insert_edge(Edge("e1", "a", "b")),
        lambda: ds.insert_edge(Edge("e9", "a", "nowhere")),
        lambda: ds.pop_node("a"),
        lambda: ds.pop_edge("nope"),
        lambda: ds.rename_node("a", "b"),
        lambda: ds.set_node_fields("a", {"bogus": 1}),
        lambda: ds.set_edge_fields("e1", {"source": "nowhere"}),
        lambda: ds.insert_group(Group("g1")),
    ):
        with pytest.raises(ModelError):
            bad()
    ds.rename_node("a", "a")  # a no-op is not a change
    assert rec.take() == []
    assert ds.revision == rev


def test_event_connect_disconnect_and_self_removal() -> None:
    event = Event("ping")
    seen: list[int] = []

    def once(value: int) -> None:
        seen.append(value)
        event.disconnect(once)

    event.connect(once)
    event.connect(once)  # connecting twice keeps one subscription
    assert len(event) == 1
    event.emit(1)
    event.emit(2)
    assert seen == [1]
    event.disconnect(once)  # unknown handlers are ignored


def test_adjacency_follows_edits(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, _ = doc
    assert [e.id for e in ds.out_edges("a")] == ["e1"]
    ds.set_edge_fields("e1", {"target": "z"})
    assert ds.in_edges("b") == [] and [e.id for e in ds.in_edges("z")] == ["e1", "e2"]
    ds.insert_edge(Edge("e0", "b", "b"), 0)
    assert [e.id for e in ds.edges_of("b")] == ["e0", "e2"]
    assert ds.entry is not None and ds.entry.id == "a"
    ds.insert_node(Node("a2", "entry"))
    assert ds.entry is None and len(ds.entries()) == 2


def test_clone_is_independent_and_silent(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    copy = ds.clone()
    copy.set_node_fields("a", {"title": "changed"})
    copy.insert_node(Node("new"))
    assert ds.node("a").title == "" and not ds.has_node("new")
    assert rec.take() == []
    assert copy.groups[0] is not ds.groups[0] and copy.groups[0].nodes == ["a"]


def test_shallow_clone_copies_every_field_and_shares_containers(
    doc: tuple[Dreamscape, Recorder],
) -> None:
    ds, rec = doc
    ds.set_node_fields("a", {"tags": ["bay"], "effects": {}})
    copy = ds.clone(share_containers=True)
    for mine, theirs in [
        *zip(ds.nodes, copy.nodes, strict=True),
        *zip(ds.edges, copy.edges, strict=True),
    ]:
        assert mine is not theirs
        for spec in fields(mine):  # a field the copy forgot would differ here
            assert getattr(theirs, spec.name) is getattr(mine, spec.name), spec.name
    copy.set_node_fields("a", {"title": "changed"})
    assert ds.node("a").title == ""
    assert copy.groups[0] is not ds.groups[0] and copy.groups[0].nodes == ["a"]


def test_node_defaults_and_ranges_live_in_the_model() -> None:
    from studio.model.elements import KIND_PRESETS, NODE_KINDS, NODE_RANGES, node_default

    assert node_default("intensity") == Node("x").intensity
    assert node_default("reward", "reward") == 1 and node_default("reward") == 0
    assert node_default("tags") == []
    assert 0 not in NODE_RANGES["minutes"] and 0.5 in NODE_RANGES["minutes"]
    assert 1 in NODE_RANGES["intensity"] and 1.01 not in NODE_RANGES["intensity"]
    assert -1 in NODE_RANGES["valence"] and -1.01 not in NODE_RANGES["valence"]
    for kind, preset in KIND_PRESETS.items():  # the editor's presets respect the ranges
        assert kind in NODE_KINDS
        assert all(value in NODE_RANGES[name] for name, value in preset.items()), kind


def test_unique_id_avoids_every_kind_of_id(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, _ = doc
    assert ds.unique_id("a") == "a_2"
    assert ds.unique_id("e1") == "e1_2"
    assert ds.unique_id("g1") == "g1_2"
    assert ds.unique_id("pier") == "pier"
    assert ds.unique_id("9lives").startswith("n9")
    assert ds.unique_id("pier", taken=["pier"]) == "pier_2"


def test_invalid_ids_never_enter_the_model(doc: tuple[Dreamscape, Recorder]) -> None:
    ds, rec = doc
    for bad in ("", "9lives", "a b", "x" * 65, "pier.2"):
        with pytest.raises(ModelError, match="invalid"):
            ds.insert_node(Node(bad))
        with pytest.raises(ModelError, match="invalid"):
            ds.insert_edge(Edge(bad, "a", "b"))
        with pytest.raises(ModelError, match="invalid"):
            ds.insert_group(Group(bad))
        with pytest.raises(ModelError, match="invalid"):
            ds.rename_node("a", bad)
    assert rec.take() == []
    assert ds.unique_id("copy of a") == "copy_of_a"
    assert ds.unique_id("é") == "n_"


def test_refused_field_edits_change_nothing(doc: tuple[Dreamscape, Recorder]) -> None:
    from studio.io import dumps_dreamscape

    ds, rec = doc
    before = dumps_dreamscape(ds)
    for bad in (
        lambda: ds.set_edge_fields("e1", {"condition": "1", "target": "nowhere"}),
        lambda: ds.set_node_fields("a", {"title": "x", "bogus": 1}),
        lambda: ds.set_group_fields("g1", {"title": "x", "bogus": 1}),
        lambda: ds.set_record_fields("meta", {"title": "x", "bogus": 1}),
        lambda: ds.set_record_fields("night", {"onset_minutes": 3, "extra": {}}),
    ):
        with pytest.raises(ModelError):
            bad()
    assert dumps_dreamscape(ds) == before
    assert rec.take() == []
