"""Layered auto-layout: left-to-right layers from the entry, selections anchored, fewer crossings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.analysis.layout import crossings, layered_layout
from studio.io import load_dreamscape
from studio.model import Dreamscape, Edge, Node
from tests.conftest import EXAMPLES


def _ds(nodes: list[tuple[str, str]], edges: list[tuple[str, str]]) -> Dreamscape:
    ds = Dreamscape()
    ds.load_elements(
        [Node(i, kind, x=17 * k, y=-9 * k) for k, (i, kind) in enumerate(nodes)],
        [Edge(f"e{k}", a, b) for k, (a, b) in enumerate(edges)],
    )
    return ds


def test_layers_follow_bfs_depth_from_entry_left_to_right() -> None:
    ds = _ds(
        [("c", "scene"), ("a", "entry"), ("b", "scene"), ("d", "exit")],
        [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")],
    )
    pos = layered_layout(ds, x_gap=100, y_gap=50)
    assert pos["a"][0] == 0
    assert pos["b"][0] == 100 and pos["c"][0] == 100  # c is one hop from the entry
    assert pos["d"][0] == 200
    assert pos["b"][1] != pos["c"][1]


def test_back_edges_do_not_push_nodes_right() -> None:
    ds = _ds(
        [("a", "entry"), ("b", "scene"), ("c", "scene")],
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "b")],
    )
    pos = layered_layout(ds, x_gap=10)
    assert [pos[i][0] for i in "abc"] == [0, 10, 20]


def test_unreachable_nodes_are_placed_after_the_reachable_ones() -> None:
    ds = _ds(
        [("a", "entry"), ("b", "scene"), ("lone", "scene"), ("lone2", "scene")],
        [("a", "b"), ("lone", "lone2")],
    )
    pos = layered_layout(ds, x_gap=10)
    assert pos["lone"][0] > pos["b"][0]
    assert pos["lone2"][0] > pos["lone"][0]


def test_selection_is_anchored_at_its_top_left_and_others_untouched() -> None:
    ds = _ds(
        [("a", "entry"), ("b", "scene"), ("c", "scene"), ("d", "scene")],
        [("a", "b"), ("b", "c"), ("c", "d")],
    )
    for node, (x, y) in zip(ds.nodes, [(0, 0), (500, 300), (520, 420), (900, 310)], strict=True):
        node.x, node.y = x, y
    pos = layered_layout(ds, ["b", "c", "d"], x_gap=100, y_gap=50)
    assert set(pos) == {"b", "c", "d"}
    assert min(x for x, _ in pos.values()) == 500
    assert min(y for _, y in pos.values()) == 300
    assert pos["b"][0] < pos["c"][0] < pos["d"][0]


def test_barycenter_ordering_removes_avoidable_crossings() -> None:
    # a fans out to b1, b2; b1 -> c2, b2 -> c1 in file order would cross without reordering.
    ds = _ds(
        [("a", "entry"), ("b1", "scene"), ("b2", "scene"), ("c1", "scene"), ("c2", "scene")],
        [("a", "b1"), ("a", "b2"), ("b2", "c1"), ("b1", "c2")],
    )
    pos = layered_layout(ds)
    assert crossings(ds, pos) == 0


def test_no_two_nodes_share_a_position_on_an_example() -> None:
    ds = load_dreamscape(EXAMPLES / "reality-somnos.dream")
    pos = layered_layout(ds)
    assert set(pos) == {n.id for n in ds.nodes}
    assert len(set(pos.values())) == len(pos)
    assert pos[ds.entry.id][0] == 0


def test_empty_selection_gives_nothing() -> None:
    assert layered_layout(_ds([], []), []) == {}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30),
        )
    )
)
def test_any_graph_gets_distinct_positions_with_entry_leftmost(case: tuple[int, list]) -> None:
    n, pairs = case
    nodes = [("n0", "entry")] + [(f"n{i}", "scene") for i in range(1, n)]
    ds = _ds(nodes, [(f"n{a}", f"n{b}") for a, b in pairs])
    pos = layered_layout(ds)
    assert set(pos) == {f"n{i}" for i in range(n)}
    assert len(set(pos.values())) == n
    assert pos["n0"][0] == min(x for x, _ in pos.values())
    for a, b in pairs:  # every edge from the reachable part goes at most one layer right
        if pos[f"n{b}"][0] > pos[f"n{a}"][0] and pos[f"n{a}"][0] == 0:
            assert pos[f"n{b}"][0] == 260


def test_exits_go_in_the_last_column_and_cards_never_overlap() -> None:
    ds = _ds(
        [("a", "entry"), ("quick", "exit"), ("b", "scene"), ("c", "scene"), ("d", "exit")],
        [("a", "quick"), ("a", "b"), ("b", "c"), ("c", "d")],
    )
    pos = layered_layout(ds, x_gap=260, y_gap=150)
    last = max(x for x, _ in pos.values())
    assert pos["quick"][0] == last and pos["d"][0] == last
    assert all(pos[i][0] < last for i in ("a", "b", "c"))
    boxes = list(pos.values())
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= 180 or abs(y1 - y2) >= 84


def test_examples_lay_out_with_the_entry_first_and_exits_last() -> None:
    for path in EXAMPLES.glob("*.dream"):
        ds = load_dreamscape(path)
        pos = layered_layout(ds)
        entry = next(n.id for n in ds.nodes if n.kind == "entry")
        xs = [x for x, _ in pos.values()]
        assert pos[entry][0] == min(xs), path.name
        for node in ds.nodes:
            if node.kind == "exit":
                assert pos[node.id][0] == max(xs), (path.name, node.id)
