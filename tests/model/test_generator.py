"""The synthetic dreamscape generator keeps the promises benchmarks and scale tests rely on."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from studio.io import dumps_dreamscape, loads_dreamscape
from studio.model import Dreamscape
from studio.model.expressions import compile_expression
from tests.bench.generate import generate_dreamscape, generate_text


def _graph(ds: Dreamscape) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(n.id for n in ds.nodes)
    g.add_edges_from((e.source, e.target) for e in ds.edges)
    return g


@pytest.mark.parametrize(("n", "seed"), [(2, 0), (3, 1), (25, 2), (400, 3), (2500, 4)])
def test_structure(n: int, seed: int) -> None:
    ds = generate_dreamscape(n, seed=seed)
    g = _graph(ds)
    exits = {node.id for node in ds.nodes if node.kind == "exit"}
    assert len(ds.nodes) == n and len(ds.entries()) == 1 and ds.nodes[0].kind == "entry"
    assert exits and len(exits) == max(1, round(n * 0.02))
    assert nx.descendants(g, ds.nodes[0].id) | {ds.nodes[0].id} == set(g.nodes)
    reaches_exit = set(exits).union(*(nx.ancestors(g, x) for x in exits))
    assert reaches_exit == set(g.nodes), "every node must have a way out (absorbing chain)"
    assert all(g.out_degree(v) > 0 for v in g.nodes if v not in exits)
    assert all(g.out_degree(x) == 0 for x in exits)
    if n >= 400:
        assert abs(len(ds.edges) - 2.5 * n) <= 1
        assert not nx.is_directed_acyclic_graph(g), "back edges make loops"
        kinds = Counter(node.kind for node in ds.nodes)
        assert {"scene", "choice", "reward", "social", "anchor", "nightmare"} <= set(kinds)
        share = sum(1 for e in ds.edges if e.condition) / len(ds.edges)
        assert 0.15 <= share <= 0.25
        assert any(e.effects for e in ds.edges) and any(v.effects for v in ds.nodes)
        positions = {(v.x, v.y) for v in ds.nodes}
        assert len(positions) == n  # a grid: no two nodes on top of each other


def test_expressions_are_declared_and_valid() -> None:
    ds = generate_dreamscape(800, seed=9, variables=5)
    for edge in ds.edges:
        if edge.condition:
            assert compile_expression(edge.condition).names <= set(ds.variables)
        for name, source in edge.effects.items():
            assert name in ds.variables
            assert compile_expression(source).names <= set(ds.variables)


def test_seeded_and_loadable() -> None:
    text = generate_text(300, seed=7)
    assert text == generate_text(300, seed=7)
    assert text != generate_text(300, seed=8)
    assert dumps_dreamscape(loads_dreamscape(text)) == text


def test_options() -> None:
    plain = generate_dreamscape(200, n_edges=300, seed=1, conditions=False, variables=0)
    assert len(plain.edges) == 300 and not plain.variables
    assert not any(e.condition or e.effects for e in plain.edges)
    sparse = generate_dreamscape(200, n_edges=10, seed=1)
    assert len(sparse.edges) >= 199  # structure wins over a too-small edge count
    with pytest.raises(ValueError):
        generate_dreamscape(1)
