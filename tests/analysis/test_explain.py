"""Graph explanations: concrete loops and ways in, named by scene, agreeing with the analysis."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.analysis import analyze
from studio.analysis.explain import describe_walk, scene_graph, shortest_loop, way_in
from studio.model import Dreamscape, Edge, Node


def _ds(edges: list[tuple[str, str]], extra: tuple[str, ...] = ()) -> Dreamscape:
    ds = Dreamscape()
    ids = list(dict.fromkeys([*(a for a, _ in edges), *(b for _, b in edges), *extra]))
    for i, node_id in enumerate(ids):
        ds.insert_node(Node(node_id, "entry" if i == 0 else "scene", title=node_id.title()))
    for k, (a, b) in enumerate(edges):
        ds.insert_edge(Edge(f"e{k}", a, b))
    return ds


def test_shortest_loop_stays_inside_and_takes_the_fewest_steps() -> None:
    ds = _ds([("onset", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("b", "a"), ("c", "onset")])
    graph = scene_graph(ds)
    assert shortest_loop(graph, "a", {"a", "b", "c"}) == ["a", "b", "a"]
    assert shortest_loop(graph, "a", {"a", "c"}) == []  # a→c needs b
    assert shortest_loop(graph, "onset", {"onset"}) == []
    ds.insert_edge(Edge("self", "c", "c"))
    assert shortest_loop(scene_graph(ds), "c", {"c"}) == ["c", "c"]


def test_way_in_is_the_shortest_walk_to_the_region() -> None:
    ds = _ds([("onset", "a"), ("a", "b"), ("onset", "b"), ("b", "trap"), ("trap", "trap")])
    graph = scene_graph(ds)
    assert way_in(graph, "onset", {"trap"}) == ["onset", "b", "trap"]
    assert way_in(graph, "onset", {"onset", "a"}) == ["onset"]
    assert way_in(graph, "trap", {"a"}) == []
    assert way_in(graph, "nowhere", {"a"}) == []


def test_describe_walk_uses_titles_and_keeps_both_ends() -> None:
    ds = _ds([(f"s{i}", f"s{i + 1}") for i in range(12)])
    walk = [f"s{i}" for i in range(13)]
    assert describe_walk(ds, walk[:3]) == "S0 → S1 → S2"
    text = describe_walk(ds, walk, limit=5)
    assert text == "S0 → S1 → S2 → … → S12"


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=20))
def test_each_analysis_cycle_group_has_a_loop_through_every_member(
    pairs: list[tuple[int, int]],
) -> None:
    edges = [("n0", "n1"), *((f"n{a}", f"n{b}") for a, b in pairs)]
    ds = _ds(edges)
    groups = analyze(ds).cycles
    graph = scene_graph(ds)
    # The scipy analysis and networkx agree on which scenes lie on loops.
    on_loops = {n for c in nx.simple_cycles(graph) for n in c}
    assert {n for g in groups for n in g} == on_loops & set(analyze(ds).reachable)
    for group in groups:
        for member in group:
            loop = shortest_loop(graph, member, group)
            assert loop[0] == loop[-1] == member and set(loop) <= set(group)
            assert all(graph.has_edge(a, b) for a, b in zip(loop, loop[1:], strict=False))
