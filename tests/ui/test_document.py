"""The Document turns intent into undoable steps over model ops; tested without the canvas."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.io import DreamFileError, dumps_dreamscape, load_dreamscape, loads_dreamscape
from studio.model import ModelError
from studio.model.ops import UpdateEdge, UpdateNode
from studio.model.starter import starter_dreamscape
from studio.ui.clipboard import (
    MIME_TYPE,
    copy_data,
    put_on_clipboard,
    read_clipboard,
)
from studio.ui.document import Document
from tests.conftest import EXAMPLES


@pytest.fixture
def doc(qapp) -> Document:
    return Document(load_dreamscape(EXAMPLES / "reality-somnos.dream"))


def test_move_many_nodes_is_one_undo_step(doc: Document) -> None:
    ids = [n.id for n in doc.ds.nodes[:30]]
    before = {i: (doc.ds.node(i).x, doc.ds.node(i).y) for i in ids}
    after = {i: (x + 100, y - 20) for i, (x, y) in before.items()}
    assert doc.move_nodes(before, after)
    assert doc.undo_stack.count() == 1 and doc.modified
    assert doc.undo_stack.undoText() == "Move 30 scenes"
    assert all((doc.ds.node(i).x, doc.ds.node(i).y) == after[i] for i in ids)
    doc.undo_stack.undo()
    assert all((doc.ds.node(i).x, doc.ds.node(i).y) == before[i] for i in ids)
    assert not doc.modified
    assert not doc.move_nodes(before, before)


def test_add_node_uses_kind_defaults_and_snaps(doc: Document) -> None:
    doc.snap_grid = 20
    nid = doc.add_node("reward", 101, 47)
    node = doc.ds.node(nid)
    assert (node.kind, node.reward, node.x, node.y) == ("reward", 1, 100, 40)
    assert node.title
    doc.undo_stack.undo()
    assert not doc.ds.has_node(nid)


def test_connect_makes_fresh_edge_labelled_after_target(doc: Document) -> None:
    a, b = doc.ds.nodes[0].id, doc.ds.nodes[5].id
    ids = {e.id for e in doc.ds.edges}
    eid = doc.connect_scenes(a, b)
    assert eid not in ids
    edge = doc.ds.edge(eid)
    assert (edge.source, edge.target, edge.label) == (a, b, "")  # issue 13: no label by default
    doc.undo_stack.undo()
    assert not doc.ds.has_edge(eid)


def test_delete_node_then_undo_restores_its_edges_and_order(doc: Document) -> None:
    text = dumps_dreamscape(doc.ds)
    victim = next(n.id for n in doc.ds.nodes if len(doc.ds.edges_of(n.id)) >= 3)
    edge_ids = [e.id for e in doc.ds.edges_of(victim)]
    other_edge = next(e.id for e in doc.ds.edges if e.id not in edge_ids)
    assert doc.delete([victim], [other_edge, edge_ids[0]])
    assert not doc.ds.has_node(victim)
    assert not any(doc.ds.has_edge(e) for e in [*edge_ids, other_edge])
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert dumps_dreamscape(doc.ds) == text
    doc.undo_stack.redo()
    assert not doc.ds.has_node(victim)


def test_deleting_all_members_removes_the_group_and_undo_brings_it_back(doc: Document) -> None:
    gid = doc.group([doc.ds.nodes[1].id, doc.ds.nodes[2].id], "Pier")
    members = list(doc.ds.group(gid).nodes)
    doc.delete(members)
    assert all(g.id != gid for g in doc.ds.groups)
    doc.undo_stack.undo()
    assert doc.ds.group(gid).nodes == members and doc.ds.group(gid).title == "Pier"


def test_copy_paste_remaps_ids_keeps_internal_edges_and_drops_external(doc: Document) -> None:
    ds = doc.ds
    ids = [ds.nodes[0].id, ds.nodes[1].id, ds.nodes[2].id]
    internal = [e for e in ds.edges if e.source in ids and e.target in ids]
    assert internal, "the example should connect its first scenes"
    data = json.loads(json.dumps(copy_data(ds, ids)))
    before_nodes, before_edges = len(ds.nodes), len(ds.edges)
    new_nodes, new_edges = doc.paste(data, at=(1000, 2000))
    assert len(new_nodes) == 3 and not set(new_nodes) & set(ids)
    assert len(new_edges) == len(internal)
    for eid in new_edges:
        edge = ds.edge(eid)
        assert edge.source in new_nodes and edge.target in new_nodes
    assert min(ds.node(n).x for n in new_nodes) == 1000
    assert min(ds.node(n).y for n in new_nodes) == 2000
    assert len(ds.nodes) == before_nodes + 3
    doc.undo_stack.undo()
    assert (len(ds.nodes), len(ds.edges)) == (before_nodes, before_edges)


def test_paste_into_other_document_adds_missing_variables(doc: Document) -> None:
    source = doc.ds
    uses = next(n for n in source.nodes if n.effects)
    other = Document(load_dreamscape(EXAMPLES / "maes-garden.dream"))
    for name in list(other.ds.variables):
        if name in uses.effects:
            other.ds.put_variable(name, None)
    nodes, _ = other.paste(copy_data(source, [uses.id]))
    assert set(uses.effects) <= set(other.ds.variables)
    assert other.ds.node(nodes[0]).effects == uses.effects


@pytest.mark.parametrize(
    "junk",
    [
        "hello",
        [],
        {"nodes": []},
        {"nodes": [{"id": "x", "kind": "dragon"}]},
        {"nodes": [{"id": "x", "kind": "scene", "effects": {"ghost": "ghost + 1"}}]},
    ],
)
def test_junk_paste_is_refused_with_a_message_and_changes_nothing(doc: Document, junk) -> None:
    text = dumps_dreamscape(doc.ds)
    with pytest.raises(DreamFileError) as info:
        doc.paste(junk)
    assert info.value.lines() and all(line.startswith("clipboard") for line in info.value.lines())
    assert dumps_dreamscape(doc.ds) == text and doc.undo_stack.count() == 0


def test_system_clipboard_round_trip_with_mime_and_text(doc: Document, qapp) -> None:
    data = copy_data(doc.ds, [doc.ds.nodes[3].id])
    put_on_clipboard(data)
    mime = qapp.clipboard().mimeData()
    assert mime.hasFormat(MIME_TYPE) and json.loads(mime.text()) == data
    assert read_clipboard() == data
    qapp.clipboard().setText("not json at all")
    with pytest.raises(DreamFileError):
        read_clipboard()


def test_duplicate_offsets_copies(doc: Document) -> None:
    n = doc.ds.nodes[4]
    (new,), _ = doc.duplicate([n.id])
    copy = doc.ds.node(new)
    assert (copy.x, copy.y) == (n.x + 40, n.y + 40) and copy.title == n.title
    assert doc.undo_stack.undoText().startswith("Duplicate")


def test_group_and_ungroup_are_undoable(doc: Document) -> None:
    ids = [doc.ds.nodes[1].id, doc.ds.nodes[2].id]
    gid = doc.group(ids, "Arena")
    assert doc.ds.group(gid).nodes == ids
    doc.ungroup(gid)
    assert all(g.id != gid for g in doc.ds.groups)
    doc.undo_stack.undo()
    assert doc.ds.group(gid).title == "Arena"


def test_auto_layout_is_one_step_and_undoes(doc: Document) -> None:
    before = {n.id: (n.x, n.y) for n in doc.ds.nodes}
    assert doc.auto_layout()
    assert doc.undo_stack.count() == 1
    assert doc.ds.node(doc.ds.entry.id).x == 0
    doc.undo_stack.undo()
    assert {n.id: (n.x, n.y) for n in doc.ds.nodes} == before


def test_typing_in_one_field_merges_into_one_step(doc: Document) -> None:
    nid = doc.ds.nodes[2].id
    original = doc.ds.node(nid).text
    for text in ("A", "Ab", "Abc"):
        doc.push(UpdateNode(nid, {"text": text}), "Edit text", merge_key=("node", nid, "text"))
    assert doc.undo_stack.count() == 1 and doc.ds.node(nid).text == "Abc"
    doc.push(UpdateNode(nid, {"title": "T"}), "Edit title", merge_key=("node", nid, "title"))
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.ds.node(nid).text == original


def test_refused_op_raises_and_leaves_no_step(doc: Document) -> None:
    with pytest.raises(ModelError):
        doc.push(UpdateEdge("no-such-edge", {"label": "x"}), "Edit")
    assert doc.undo_stack.count() == 0 and not doc.modified


def test_save_marks_clean_and_reopen_is_identical(doc: Document, tmp_path) -> None:
    doc.add_node("scene", 10, 10)
    seen = []
    doc.modified_changed.connect(seen.append)
    target = doc.save(tmp_path / "copy.dream")
    assert not doc.modified and seen[-1] is False and doc.path == target
    assert target.read_text(encoding="utf-8") == dumps_dreamscape(load_dreamscape(target))
    assert dumps_dreamscape(load_dreamscape(target)) == dumps_dreamscape(doc.ds)


def test_revert_reloads_and_clears_history(doc: Document, tmp_path) -> None:
    doc.save(tmp_path / "a.dream")
    original = dumps_dreamscape(doc.ds)
    doc.add_node("scene", 0, 0)
    replaced = []
    doc.document_replaced.connect(lambda: replaced.append(True))
    doc.revert()
    assert replaced and dumps_dreamscape(doc.ds) == original
    assert doc.undo_stack.count() == 0 and not doc.modified


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["scene", "reward", "e1", "onset", "courage + 1", "x", ""]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "kind",
                    "from",
                    "to",
                    "effects",
                    "x",
                    "y",
                    "minutes",
                    "nodes",
                    "edges",
                    "variables",
                    "groups",
                    "courage",
                    "type",
                    "initial",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
_node = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "onset", "1bad", 3])},
    optional={
        "kind": st.sampled_from(["scene", "exit", "dragon", None]),
        "x": _json,
        "effects": _json,
        "intensity": _json,
    },
)


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        _json,
        st.fixed_dictionaries(
            {"nodes": st.lists(_node, max_size=3)},
            optional={
                "edges": st.lists(
                    st.dictionaries(
                        st.sampled_from(["id", "from", "to", "condition"]), _json, max_size=4
                    ),
                    max_size=3,
                ),
                "variables": _json,
                "groups": _json,
            },
        ),
    )
)
def test_any_clipboard_content_pastes_cleanly_or_is_refused_untouched(qapp, data) -> None:
    doc = Document(starter_dreamscape())
    before = dumps_dreamscape(doc.ds)
    try:
        nodes, edges = doc.paste(data, at=(10, 10))
    except DreamFileError as exc:
        assert exc.lines()
        assert dumps_dreamscape(doc.ds) == before and doc.undo_stack.count() == 0
        return
    assert nodes and all(doc.ds.has_node(n) for n in nodes)
    assert all(doc.ds.edge(e).source in nodes for e in edges)
    reloaded = loads_dreamscape(dumps_dreamscape(doc.ds))  # the result is still a valid file
    assert len(reloaded.nodes) == len(doc.ds.nodes)
    doc.undo_stack.undo()
    assert dumps_dreamscape(doc.ds) == before
