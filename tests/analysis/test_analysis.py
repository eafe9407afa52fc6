"""Exact analysis: graph facts on hand-made graphs, and the chain checked against dense numpy."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.analysis import analyze
from studio.model import Dreamscape
from tests.sim.builders import build, drunkards_walk


def dense_reference(ds: Dreamscape) -> dict[str, np.ndarray]:
    """Textbook absorbing-chain answers with numpy, over the nodes that can reach an exit."""
    ids = [n.id for n in ds.nodes]
    n = len(ids)
    idx = {k: i for i, k in enumerate(ids)}
    exit_ = np.array([node.kind == "exit" for node in ds.nodes])
    p = np.zeros((n, n))
    for e in ds.edges:
        if not exit_[idx[e.source]]:
            p[idx[e.source], idx[e.target]] += e.weight
    rows = p.sum(axis=1, keepdims=True)
    p = np.divide(p, rows, out=np.zeros_like(p), where=rows > 0)
    # Can reach an exit: iterate reachability on the dense matrix.
    reach = exit_.copy()
    for _ in range(n):
        reach = reach | ((p > 0) @ reach.astype(float) > 0)
    s = np.flatnonzero(reach & ~exit_)
    q = p[np.ix_(s, s)]
    r = p[np.ix_(s, np.flatnonzero(exit_))]
    big_n = np.linalg.inv(np.eye(s.size) - q)
    m = np.array([ds.nodes[i].minutes for i in s], dtype=float)
    return {
        "S": s,
        "h": big_n @ r.sum(axis=1),
        "t": big_n @ m,
        "N": big_n,
        "exit": exit_,
        "reach": reach,
    }


def random_graph(seed: int, n: int, traps: bool) -> Dreamscape:
    rng = random.Random(seed)
    kinds = ["entry"] + ["scene"] * (n - 1)
    for i in rng.sample(range(1, n), max(1, n // 6)):
        kinds[i] = "exit"
    nodes = [(f"n{i}", kinds[i], rng.choice([1, 2, 5, 7.5])) for i in range(n)]
    edges = []
    for i in range(n):
        if kinds[i] == "exit":
            continue
        for j in rng.sample(range(n), rng.randint(1, 3)):
            edges.append((f"n{i}", f"n{j}", rng.choice([0.5, 1.0, 2.0, 3.0])))
    if traps:
        # A closed loop fed from the entry and a dead end.
        nodes += [("t1", "scene", 2), ("t2", "scene", 3), ("dead", "scene", 4)]
        edges += [("n0", "t1", 0.5), ("t1", "t2"), ("t2", "t1"), ("n0", "dead", 0.25)]
    return build(nodes, edges)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("traps", [False, True])
def test_chain_matches_dense_numpy(seed: int, traps: bool) -> None:
    ds = random_graph(seed, 12 + seed, traps)
    a = analyze(ds)
    ref = dense_reference(ds)
    ids = [n.id for n in ds.nodes]
    for k, i in enumerate(ref["S"]):
        assert a.exit_probability_by_node[ids[i]] == pytest.approx(ref["h"][k], abs=1e-10)
        if ref["h"][k] >= 1 - 1e-9:
            assert a.expected_minutes_by_node[ids[i]] == pytest.approx(ref["t"][k], rel=1e-9)
        else:
            assert a.expected_minutes_by_node[ids[i]] is None
    for i in np.flatnonzero(~ref["reach"]):
        assert a.exit_probability_by_node[ids[i]] == 0.0
        assert a.steps_to_exit[ids[i]] is None
    # Expected visits from the entry are the entry's row of N wherever no trap can be entered.
    if not traps and 0 in ref["S"]:
        row = ref["N"][list(ref["S"]).index(0)]
        for k, i in enumerate(ref["S"]):
            assert a.expected_visits[ids[i]] == pytest.approx(row[k], rel=1e-8, abs=1e-12)
        assert a.exit_probability == pytest.approx(1.0)


def test_traps_closed_loops_and_dead_ends() -> None:
    ds = build(
        [
            ("onset", "entry", 2),
            ("hub", "choice", 1),
            ("vault", "scene", 3),
            ("spin", "reward", 2),
            ("bonus", "reward", 2),
            ("dead", "scene", 4),
            ("lost", "scene", 1),
            ("wake", "exit", 1),
        ],
        [
            ("onset", "hub"),
            ("hub", "wake", 2.0),
            ("hub", "vault", 1.0),
            ("hub", "dead", 1.0),
            ("vault", "spin"),
            ("spin", "bonus"),
            ("bonus", "spin"),
        ],
    )
    a = analyze(ds)
    assert a.entry == "onset" and a.exits == ["wake"]
    assert a.trap_nodes == ["vault", "spin", "bonus", "dead"]
    assert a.trap_components == [["vault"], ["spin", "bonus"], ["dead"]]
    assert a.closed_regions == [["spin", "bonus"]]
    assert a.cycles == [["spin", "bonus"]]
    assert a.unreachable_nodes == ["lost"]
    assert a.exit_probability == pytest.approx(0.5)
    assert a.expected_minutes is None and a.expected_minutes_by_node["hub"] is None
    assert a.expected_visits["spin"] is None and a.expected_visits["bonus"] is None
    assert a.expected_visits["vault"] == pytest.approx(0.25)
    assert a.expected_visits["dead"] == pytest.approx(0.25)
    assert a.expected_visits["wake"] == pytest.approx(0.5)
    assert a.expected_visits["lost"] == 0.0
    assert a.steps_to_exit == {
        "onset": 2,
        "hub": 1,
        "vault": None,
        "spin": None,
        "bonus": None,
        "dead": None,
        "lost": None,
        "wake": 0,
    }
    assert a.expected_dwell(["spin", "bonus"]) is None
    assert a.expected_dwell(["onset", "hub", "dead", "wake"]) == pytest.approx(2 + 1 + 0.25 * 4)


def test_exit_is_absorbing_and_loops_report_sccs() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("a", "scene", 1),
            ("b", "scene", 1),
            ("wake", "exit", 1),
            ("after", "scene", 1),
        ],
        [("onset", "a"), ("a", "b"), ("b", "a"), ("a", "a"), ("b", "wake"), ("wake", "after")],
    )
    a = analyze(ds)
    assert a.cycles == [["a", "b"]]
    assert a.unreachable_nodes == ["after"], "nothing is reached through an exit"
    assert a.exit_probability == 1.0 and a.trap_nodes == []
    # a: 1/2 self, 1/2 to b; b: 1/2 to a, 1/2 exit. t_a = 1 + t_a/2 + t_b/2, t_b = 1 + t_a/2,
    # so t_a = 2 + t_b and t_b = 4.
    assert a.expected_minutes_by_node["b"] == pytest.approx(4.0)
    assert a.expected_minutes_by_node["a"] == pytest.approx(6.0)
    assert a.expected_minutes == pytest.approx(7.0)
    assert a.expected_dwell(["a"]) == pytest.approx(4.0)


def test_self_loop_is_a_cycle() -> None:
    ds = build([("onset", "entry"), ("wake", "exit")], [("onset", "onset"), ("onset", "wake")])
    a = analyze(ds)
    assert a.cycles == [["onset"]]
    assert a.expected_visits["onset"] == pytest.approx(2.0)


def test_drunkards_walk_closed_form() -> None:
    ds = drunkards_walk(10, 3)
    a = analyze(ds)
    assert a.expected_minutes == pytest.approx(21.0)
    for k in range(1, 10):
        assert a.expected_minutes_by_node[f"p{k}"] == pytest.approx(k * (10 - k))
        assert a.exit_probability_by_node[f"p{k}"] == 1.0
    # Probability of leaving at the far end from k is k/N.
    assert a.expected_visits["p10"] == pytest.approx(0.3)
    assert a.expected_visits["p0"] == pytest.approx(0.7)
    assert a.steps_to_exit["p3"] == 3 and a.steps_to_exit["p6"] == 4


@pytest.mark.parametrize(
    "ds",
    [
        build([], []),
        build([("a", "scene"), ("b", "scene")], [("a", "b")]),
        build([("a", "entry"), ("b", "entry"), ("w", "exit")], [("a", "w"), ("b", "w")]),
        build([("a", "entry"), ("b", "scene")], [("a", "b"), ("b", "a")]),
        build([("a", "entry")], []),
        build([("a", "exit"), ("b", "exit")], [("a", "b")]),
    ],
)
def test_odd_graphs_never_raise(ds: Dreamscape) -> None:
    a = analyze(ds)
    json.dumps(a.to_dict(), allow_nan=False)
    assert a.expected_minutes is None or a.exit_probability >= 1 - 1e-9
    assert 0.0 <= a.exit_probability <= 1.0


def test_no_entry_and_no_exit_specifics() -> None:
    two_entries = build([("a", "entry"), ("b", "entry"), ("w", "exit")], [("a", "w"), ("b", "w")])
    a = analyze(two_entries)
    assert a.entry is None and a.exit_probability == 0.0 and a.expected_minutes is None
    assert a.reachable == frozenset() and a.steps_to_exit == {"a": 1, "b": 1, "w": 0}
    closed = analyze(build([("a", "entry"), ("b", "scene")], [("a", "b"), ("b", "a")]))
    assert closed.trap_nodes == ["a", "b"] and closed.closed_regions == [["a", "b"]]
    assert closed.expected_visits == {"a": None, "b": None}
    assert closed.exit_probability == 0.0


def test_to_dict_keys() -> None:
    d = analyze(drunkards_walk(4, 2)).to_dict()
    assert list(d)[:6] == [
        "exit_probability",
        "expected_minutes",
        "trap_nodes",
        "unreachable_nodes",
        "steps_to_exit",
        "expected_visits",
    ]
    assert d["expected_minutes"] == pytest.approx(4.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 20), st.booleans())
def test_analysis_consistent_on_random_graphs(seed: int, n: int, traps: bool) -> None:
    a = analyze(random_graph(seed, n, traps))
    for node_id, h in a.exit_probability_by_node.items():
        assert -1e-12 <= h <= 1 + 1e-12
        assert (a.steps_to_exit[node_id] is None) == (h == 0.0)
    for node_id in a.trap_nodes:
        assert a.steps_to_exit[node_id] is None and node_id in a.reachable
    visits_to_exits = sum(a.expected_visits[x] or 0.0 for x in a.exits)
    assert visits_to_exits == pytest.approx(a.exit_probability, abs=1e-8)
