"""Exact graph facts of a dreamscape with every edge enabled: reachability, traps, loops and
the absorbing Markov chain (exit probability, expected minutes, expected visits).

Exits are absorbing: the dream ends there, so edges leaving an exit never fire. Nodes in a
closed loop (a strongly connected region no edge leaves) are recurrent: a dreamer who
enters never leaves, so visits there are unbounded. Every other non-exit node is
transient; (I − Q) over them is a nonsingular M-matrix, and mass that flows into a closed
loop or stalls at a dead end is simply lost, which is what makes exit probability < 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from studio.model import Dreamscape

from .chain import ChainSolveError, solve_chain
from .graph import GraphArrays, graph_arrays

CERTAIN = 1.0 - 1e-9


@dataclass(slots=True)
class Analysis:
    """What the exact analysis knows about a dreamscape; lists are in file order."""

    entry: str | None
    reachable: frozenset[str]
    unreachable_nodes: list[str]
    exits: list[str]
    trap_nodes: list[str]
    trap_components: list[list[str]]
    closed_regions: list[list[str]]
    cycles: list[list[str]]
    steps_to_exit: dict[str, int | None]
    exit_probability: float
    exit_probability_by_node: dict[str, float]
    expected_minutes: float | None
    expected_minutes_by_node: dict[str, float | None]
    expected_visits: dict[str, float | None]
    solver: str
    minutes: dict[str, float] = field(default_factory=dict, repr=False)
    exits_set: frozenset[str] = field(default_factory=frozenset, repr=False)

    def expected_dwell(self, node_ids: Iterable[str]) -> float | None:
        """Expected dream minutes per night spent in these scenes; None when visits are unbounded."""
        total = 0.0
        for node_id in node_ids:
            if node_id in self.exits_set or node_id not in self.expected_visits:
                continue
            visits = self.expected_visits[node_id]
            if visits is None:
                return None
            total += visits * self.minutes.get(node_id, 0.0)
        return total

    @property
    def max_steps_to_exit(self) -> int | None:
        """The deepest reachable scene's distance to its nearest exit (None if some cannot exit)."""
        steps = [self.steps_to_exit.get(n) for n in self.reachable]
        if not steps or any(s is None for s in steps):
            return None
        return max(s for s in steps if s is not None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able facts; the first six keys are what `dreamstudio analyze --format json` promises."""
        return {
            "exit_probability": self.exit_probability,
            "expected_minutes": self.expected_minutes,
            "trap_nodes": list(self.trap_nodes),
            "unreachable_nodes": list(self.unreachable_nodes),
            "steps_to_exit": dict(self.steps_to_exit),
            "expected_visits": dict(self.expected_visits),
            "entry": self.entry,
            "exits": list(self.exits),
            "trap_components": [list(c) for c in self.trap_components],
            "closed_regions": [list(c) for c in self.closed_regions],
            "cycles": [list(c) for c in self.cycles],
            "exit_probability_by_node": dict(self.exit_probability_by_node),
            "expected_minutes_by_node": dict(self.expected_minutes_by_node),
            "solver": self.solver,
        }


def _bfs(adj: sparse.csr_matrix, starts: np.ndarray) -> np.ndarray:
    """Boolean mask of nodes reachable from any start (starts included)."""
    n = adj.shape[0]
    seen = np.zeros(n, dtype=bool)
    if starts.size == 0:
        return seen
    if starts.size == 1:
        seen[
            csgraph.breadth_first_order(
                adj, int(starts[0]), directed=True, return_predecessors=False
            )
        ] = True
        return seen
    dist = csgraph.dijkstra(adj, directed=True, indices=starts, unweighted=True, min_only=True)
    return np.isfinite(dist)


def _optional(values: np.ndarray) -> list[float | None]:
    """Floats for JSON, with None where the value is undefined (NaN or infinite)."""
    return [x if math.isfinite(x) else None for x in np.asarray(values, dtype=float).tolist()]


def _groups(labels: np.ndarray, members: np.ndarray, ids: list[str]) -> list[list[str]]:
    """Members grouped by label, groups ordered by their first member in file order."""
    groups: dict[int, list[str]] = {}
    where = np.flatnonzero(members)
    for i, label in zip(where.tolist(), labels[where].tolist(), strict=True):
        groups.setdefault(label, []).append(ids[i])
    return list(groups.values())


def _pick(ids: list[str], mask: np.ndarray) -> list[str]:
    """Ids where the mask is set, in file order."""
    return [ids[i] for i in np.flatnonzero(mask).tolist()]


def _chain(
    g: GraphArrays, transient: np.ndarray, entry: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Exit probability, expected minutes (raw), visits over transient nodes, exit inflow; solver."""
    n = g.n
    keep = g.live()
    s, d, w = g.src[keep], g.dst[keep], g.weight[keep]
    totals = np.bincount(s, weights=w, minlength=n)
    p = w / totals[s] if s.size else w
    pos = np.full(n, -1, dtype=np.int64)
    t_idx = np.flatnonzero(transient)
    pos[t_idx] = np.arange(t_idx.size)
    k = t_idx.size
    inner = transient[s] & transient[d]
    q = sparse.csr_matrix((p[inner], (pos[s[inner]], pos[d[inner]])), shape=(k, k))
    a = (sparse.identity(k, format="csr") - q).tocsr()
    to_exit = transient[s] & g.is_exit[d]
    r = np.bincount(pos[s[to_exit]], weights=p[to_exit], minlength=k) if k else np.zeros(0)
    m = g.minutes[t_idx]
    rhs_t = []
    if entry is not None and transient[entry]:
        e = np.zeros(k)
        e[pos[entry]] = 1.0
        rhs_t.append(e)
    (h, t), ys, solver = solve_chain(a, [r, m], rhs_t)
    v = ys[0] if ys else np.zeros(k)
    h_full = np.zeros(n)
    h_full[t_idx] = np.clip(h, 0.0, 1.0)
    h_full[g.is_exit] = 1.0
    t_full = np.zeros(n)
    t_full[t_idx] = t
    v_full = np.zeros(n)
    v_full[t_idx] = np.maximum(v, 0.0)
    # Each exit is entered at most once: its visits are the probability mass flowing in.
    if k:
        v_full += np.bincount(d[to_exit], weights=v_full[s[to_exit]] * p[to_exit], minlength=n)
    if entry is not None and g.is_exit[entry]:
        v_full[entry] = 1.0
    return h_full, t_full, v_full, pos, solver


def analyze(ds: Dreamscape) -> Analysis:
    """Every exact fact the linter, the CLI and the editor need, computed once per revision."""
    g = graph_arrays(ds)
    n, ids = g.n, g.ids
    adj = g.adjacency()
    exits = np.flatnonzero(g.is_exit)
    entry = g.entry

    reach = _bfs(adj, np.asarray([entry])) if entry is not None else np.zeros(n, dtype=bool)
    radj = adj.T.tocsr()
    if exits.size:
        dist = csgraph.dijkstra(radj, directed=True, indices=exits, unweighted=True, min_only=True)
    else:
        dist = np.full(n, np.inf)
    can_exit = np.isfinite(dist)

    n_comp, labels = (
        csgraph.connected_components(adj, directed=True, connection="strong")
        if n
        else (0, np.zeros(0, dtype=np.int64))
    )
    keep = g.live()
    s, d = g.src[keep], g.dst[keep]
    sizes = np.bincount(labels, minlength=n_comp)
    self_loop = np.zeros(n_comp, dtype=bool)
    self_loop[labels[s[s == d]]] = True
    nontrivial = (sizes > 1) | self_loop
    leaky = np.zeros(n_comp, dtype=bool)
    leaky[labels[s[labels[s] != labels[d]]]] = True
    closed_comp = nontrivial & ~leaky
    closed = closed_comp[labels] if n else np.zeros(0, dtype=bool)
    transient = ~g.is_exit & ~closed

    # A node is surely absorbed at an exit iff it cannot reach any node that cannot exit.
    stuck = ~g.is_exit & ~can_exit
    leaks = _bfs(radj, np.flatnonzero(stuck))
    try:
        h, t, v, _pos, solver = _chain(g, transient, entry)
    except ChainSolveError:
        h, t, v, solver = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), "failed"
    h[~leaks & can_exit] = 1.0
    h[~can_exit] = 0.0

    certain = (h >= CERTAIN) & np.isfinite(t)
    exp_by_node = dict(zip(ids, _optional(np.where(certain, t, np.nan)), strict=True))
    v = np.where(reach & np.isfinite(v), v, 0.0)
    v[closed & reach] = np.nan
    visits = dict(zip(ids, _optional(v), strict=True))

    trap = reach & stuck
    cyc = reach & nontrivial[labels] if n else np.zeros(0, dtype=bool)
    entry_id = ids[entry] if entry is not None else None
    return Analysis(
        entry=entry_id,
        reachable=frozenset(_pick(ids, reach)),
        unreachable_nodes=_pick(ids, ~reach) if entry is not None else [],
        exits=_pick(ids, g.is_exit),
        trap_nodes=_pick(ids, trap),
        trap_components=_groups(labels, trap, ids),
        closed_regions=_groups(labels, closed & reach, ids),
        cycles=_groups(labels, cyc, ids),
        steps_to_exit=dict(
            zip(ids, [None if x is None else int(x) for x in _optional(dist)], strict=True)
        ),
        exit_probability=float(h[entry]) if entry is not None and np.isfinite(h[entry]) else 0.0,
        exit_probability_by_node=dict(zip(ids, np.nan_to_num(h, nan=0.0).tolist(), strict=True)),
        expected_minutes=exp_by_node[entry_id] if entry_id is not None else None,
        expected_minutes_by_node=exp_by_node,
        expected_visits=visits,
        solver=solver,
        minutes=dict(zip(ids, g.minutes.tolist(), strict=True)),
        exits_set=frozenset(_pick(ids, g.is_exit)),
    )
