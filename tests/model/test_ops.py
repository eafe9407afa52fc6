"""Reversible operations: undo gives back the exact document, redo the exact edit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io import dumps_dreamscape, loads_dreamscape
from studio.model import Dreamscape, ModelError
from studio.model.elements import NODE_KINDS, Edge, Group, Node, Variable
from studio.model.ops import (
    AddEdge,
    AddGroup,
    AddNode,
    Batch,
    MoveNodes,
    Op,
    RemoveEdge,
    RemoveGroup,
    RemoveNode,
    RenameNode,
    RenameVariable,
    SetVariable,
    UpdateEdge,
    UpdateGroup,
    UpdateNode,
    UpdateRecord,
    apply_all,
)
from tests.bench.generate import generate_dreamscape
from tests.conftest import EXAMPLES


def _base(which: str) -> Dreamscape:
    """Small documents with everything an op can touch, including unknown keys."""
    if which == "example":
        ds = loads_dreamscape((EXAMPLES / "maes-garden.dream").read_text(encoding="utf-8"))
    else:
        ds = generate_dreamscape(14, seed=3, variables=4)
    ds.lint.update({"rules": {"EXT003": {"warning": 5}}, "profile": "strict"})
    ds.nodes[1].extra["studio_note"] = {"pinned": True}
    ds.edges[0].extra["curve"] = 0.25
    ds.extra["x_custom"] = [1, 2]
    if not ds.groups:
        ds.insert_group(Group("g_first", "First", [ds.nodes[0].id, ds.nodes[2].id]))
    ds.insert_group(Group("g_second", "Second", [ds.nodes[1].id, ds.nodes[2].id], "#abcdef"))
    return loads_dreamscape(dumps_dreamscape(ds))


BASES = {name: dumps_dreamscape(_base(name)) for name in ("example", "generated")}
_fresh = itertools.count()


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_fresh)}"


EXPRESSIONS = ["1", "true", "{v} + 1", "{v} >= 2", "not {v}", "max({v}, 3) - 1"]


def draw_op(data: st.DataObject, ds: Dreamscape) -> Op:
    """A valid op for the document as it is now."""
    node_ids = [n.id for n in ds.nodes]
    edge_ids = [e.id for e in ds.edges]
    group_ids = [g.id for g in ds.groups]
    var_names = list(ds.variables)
    kinds = [
        "add_node",
        "update_node",
        "move",
        "rename_node",
        "add_edge",
        "set_variable",
        "add_group",
        "record",
        "batch",
    ]
    if len(node_ids) > 2:
        kinds.append("remove_node")
    if edge_ids:
        kinds += ["remove_edge", "update_edge"]
    if group_ids:
        kinds += ["remove_group", "update_group"]
    if var_names:
        kinds += ["rename_variable", "delete_variable"]
    kind = data.draw(st.sampled_from(kinds), label="op")
    pick = lambda seq: data.draw(st.sampled_from(seq))  # noqa: E731
    index = data.draw(st.one_of(st.none(), st.integers(0, 60)))

    def expression() -> str:
        return pick(EXPRESSIONS).format(v=pick(var_names)) if var_names else "1"

    if kind == "add_node":
        return AddNode(
            Node(
                fresh("n_new"),
                pick(NODE_KINDS),
                title=fresh("T"),
                minutes=data.draw(st.integers(1, 9)),
                x=3.5,
                y=-2,
            ),
            index,
        )
    if kind == "remove_node":
        return RemoveNode(pick(node_ids))
    if kind == "update_node":
        changes = data.draw(
            st.dictionaries(
                st.sampled_from(
                    [
                        "kind",
                        "title",
                        "text",
                        "minutes",
                        "intensity",
                        "valence",
                        "tags",
                        "effects",
                        "lint_ignore",
                        "reward",
                    ]
                ),
                st.just(None),
                min_size=1,
                max_size=4,
            )
        )
        values = {
            "kind": pick(NODE_KINDS),
            "title": fresh("title "),
            "text": "Mae waves.",
            "minutes": 7,
            "intensity": 0.9,
            "valence": -0.5,
            "tags": ["a", fresh("t")],
            "effects": {pick(var_names): expression()} if var_names else {},
            "lint_ignore": {"INT001": "Jamie reviewed this"},
            "reward": 0.5,
        }
        return UpdateNode(pick(node_ids), {k: values[k] for k in changes})
    if kind == "move":
        chosen = data.draw(st.lists(st.sampled_from(node_ids), min_size=1, max_size=4, unique=True))
        return MoveNodes({n: (float(i * 10), -7.5) for i, n in enumerate(chosen)})
    if kind == "rename_node":
        return RenameNode(pick(node_ids), fresh("renamed"))
    if kind == "add_edge":
        edge = Edge(
            fresh("e_new"),
            pick(node_ids),
            pick(node_ids),
            label="go",
            weight=data.draw(st.sampled_from([0.5, 1.0, 2.0])),
            condition=data.draw(st.one_of(st.none(), st.just(expression()))),
        )
        return AddEdge(edge, index)
    if kind == "remove_edge":
        return RemoveEdge(pick(edge_ids))
    if kind == "update_edge":
        values = {
            "source": pick(node_ids),
            "target": pick(node_ids),
            "label": fresh("l"),
            "weight": 3.0,
            "condition": expression(),
            "lint_ignore": {"EXT005": "ok here"},
            "effects": {pick(var_names): expression()} if var_names else {},
        }
        keys = data.draw(
            st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=3, unique=True)
        )
        return UpdateEdge(pick(edge_ids), {k: values[k] for k in keys})
    if kind == "set_variable":
        name = pick(var_names + [fresh("v")])
        return SetVariable(name, Variable(name, "int", data.draw(st.integers(0, 5))), index)
    if kind == "delete_variable":
        return SetVariable(pick(var_names), None)
    if kind == "rename_variable":
        return RenameVariable(pick(var_names), fresh("var"))
    if kind == "add_group":
        members = data.draw(st.lists(st.sampled_from(node_ids), max_size=3, unique=True))
        return AddGroup(Group(fresh("g"), "Garden", members), index)
    if kind == "remove_group":
        return RemoveGroup(pick(group_ids))
    if kind == "update_group":
        members = data.draw(st.lists(st.sampled_from(node_ids), max_size=3, unique=True))
        return UpdateGroup(
            pick(group_ids), {"nodes": members, "title": fresh("G"), "color": "#123456"}
        )
    if kind == "record":
        record = pick(["meta", "night", "lint"])
        if record == "meta":
            return UpdateRecord(
                "meta", {"title": fresh("Title "), "audience": "teen", "tags": ["x"]}
            )
        if record == "night":
            return UpdateRecord("night", {"rem_minutes": [10, 20], "onset_minutes": 5})
        key = pick(["select", "ignore", "threshold", "rules", "profile", "new_key"])
        value = data.draw(st.sampled_from([None, 55, ["DS", "EXT"], {"k": 1}]))
        return UpdateRecord("lint", {key: value})
    # batch: a couple of ops that are valid against the current document
    return Batch([draw_op(data, ds)], "Batch")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_undo_in_reverse_restores_and_redo_replays(base: str, data: st.DataObject) -> None:
    ds = loads_dreamscape(BASES[base])
    before = dumps_dreamscape(ds)
    inverses: list[Op] = []
    steps = data.draw(st.integers(1, 12), label="steps")
    for _ in range(steps):
        op = draw_op(data, ds)
        try:
            inverses.append(op.apply(ds))
        except ModelError:
            continue  # a rejected edit must leave nothing half-done
        assert dumps_dreamscape(ds)  # still writable
    after = dumps_dreamscape(ds)
    redos = [inverse.apply(ds) for inverse in reversed(inverses)]
    assert dumps_dreamscape(ds) == before
    for redo in reversed(redos):
        redo.apply(ds)
    assert dumps_dreamscape(ds) == after


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_rejected_batch_rolls_back(data: st.DataObject) -> None:
    ds = loads_dreamscape(BASES["example"])
    before = dumps_dreamscape(ds)
    ops = [draw_op(data, ds) for _ in range(data.draw(st.integers(0, 3)))]
    bad = Batch(ops + [RemoveEdge("no_such_edge")])
    with pytest.raises(ModelError):
        bad.apply(ds)
    assert dumps_dreamscape(ds) == before


def _two_groups_doc() -> Dreamscape:
    ds = Dreamscape()
    ds.load_elements(
        [Node("a", "entry"), Node("b"), Node("c"), Node("d", "exit")],
        [
            Edge("e1", "a", "b"),
            Edge("e2", "b", "c"),
            Edge("e3", "c", "b"),
            Edge("e4", "a", "c"),
            Edge("e5", "b", "b"),
            Edge("e6", "c", "d"),
            Edge("e7", "b", "d"),
        ],
    )
    ds.groups = [Group("g1", "One", ["a", "b", "c"]), Group("g2", "Two", ["b"])]
    return ds


def test_remove_node_restores_edges_in_order_and_groups() -> None:
    ds = _two_groups_doc()
    before = dumps_dreamscape(ds)
    undo = RemoveNode("b").apply(ds)
    assert [e.id for e in ds.edges] == ["e4", "e6"]
    assert [g.nodes for g in ds.groups] == [["a", "c"], []]
    assert not ds.has_node("b")
    assert ds.out_edges("a") == [ds.edge("e4")]
    undo.apply(ds)
    assert [e.id for e in ds.edges] == ["e1", "e2", "e3", "e4", "e5", "e6", "e7"]
    assert [g.nodes for g in ds.groups] == [["a", "b", "c"], ["b"]]
    assert [n.id for n in ds.nodes] == ["a", "b", "c", "d"]
    assert [e.id for e in ds.out_edges("b")] == ["e2", "e5", "e7"]
    assert dumps_dreamscape(ds) == before


def test_rename_node_updates_references_and_undoes() -> None:
    ds = _two_groups_doc()
    undo = RenameNode("b", "bench").apply(ds)
    assert ds.edge("e1").target == "bench" and ds.edge("e5").source == "bench"
    assert ds.groups[1].nodes == ["bench"]
    assert [e.id for e in ds.in_edges("bench")] == ["e1", "e3", "e5"]
    undo.apply(ds)
    assert ds.edge("e1").target == "b" and ds.groups[1].nodes == ["b"]
    with pytest.raises(ModelError):
        RenameNode("a", "c").apply(ds)


def test_rename_variable_rewrites_expressions() -> None:
    ds = loads_dreamscape(BASES["example"])
    name = next(iter(ds.variables))
    users = [e.id for e in ds.edges if e.condition and name in e.condition]
    assert users, "the example should read its first variable in a condition"
    before = dumps_dreamscape(ds)
    undo = RenameVariable(name, "renamed_var").apply(ds)
    assert "renamed_var" in ds.variables and name not in ds.variables
    assert all("renamed_var" in ds.edge(e).condition for e in users)
    loads_dreamscape(dumps_dreamscape(ds))  # still a valid file
    undo.apply(ds)
    assert dumps_dreamscape(ds) == before


def test_lint_keys_keep_their_place_through_undo() -> None:
    ds = Dreamscape()
    ds.lint.update({"rules": {}, "profile": "strict", "extra": 1})
    order = list(ds.lint)
    undo = UpdateRecord("lint", {"rules": None, "profile": "loose"}).apply(ds)
    assert "rules" not in ds.lint
    redo = undo.apply(ds)
    assert list(ds.lint) == order and ds.lint["profile"] == "strict"
    redo.apply(ds)
    assert list(ds.lint) == ["select", "ignore", "threshold", "profile", "extra"]


def test_apply_all_is_one_step() -> None:
    ds = _two_groups_doc()
    before = dumps_dreamscape(ds)
    undo = apply_all(
        ds,
        [AddNode(Node("x")), AddEdge(Edge("ex", "a", "x")), UpdateNode("x", {"title": "Pier"})],
        "Add pier",
    )
    assert ds.node("x").title == "Pier" and ds.edge("ex").target == "x"
    assert isinstance(undo, Batch) and undo.label == "Add pier"
    undo.apply(ds)
    assert dumps_dreamscape(ds) == before


def test_invalid_edits_raise_model_error() -> None:
    ds = _two_groups_doc()
    with pytest.raises(ModelError):
        AddNode(Node("a")).apply(ds)
    with pytest.raises(ModelError):
        AddNode(Node("e1")).apply(ds)
    with pytest.raises(ModelError):
        AddEdge(Edge("e9", "a", "nowhere")).apply(ds)
    with pytest.raises(ModelError):
        UpdateEdge("e1", {"target": "nowhere"}).apply(ds)
    with pytest.raises(ModelError):
        UpdateNode("a", {"id": "z"}).apply(ds)
    with pytest.raises(ModelError):
        UpdateRecord("meta", {"nonsense": 1}).apply(ds)
    with pytest.raises(ModelError):
        UpdateRecord("elsewhere", {}).apply(ds)
    with pytest.raises(ModelError):
        ds.pop_node("a")  # still has edges
    with pytest.raises(ModelError):
        AddGroup(Group("g1")).apply(ds)


def test_rename_variable_refuses_unknown_and_taken_names() -> None:
    ds = loads_dreamscape(BASES["example"])
    first, second = list(ds.variables)[:2]
    with pytest.raises(ModelError):
        RenameVariable(first, second).apply(ds)
    with pytest.raises(ModelError):
        RenameVariable("no_such_variable", "x").apply(ds)
    assert dumps_dreamscape(ds) == BASES["example"]
