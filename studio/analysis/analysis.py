"""Exact facts of a dreamscape over (scene, valuation) states, for the linter, CLI and editor.

The states are explored with the play engine's rules (states.py), the three dreamers are
solved exactly (mdp.py), and everything is aggregated back to scenes: a scene's value is the
min/max over the valuations it is reached with. When the exploration hit its state cap the
method is `bounded` and every figure is partial (a lower bound on reaching an exit).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from studio.model import Dreamscape

from .chain import ChainSolveError
from .mdp import Dreamer, Model, Typical, compulsive, leaving, reach_back, typical
from .states import DEFAULT_MAX_STATES, StateSpace, explore
from .witness import Witness, concrete, nearest, overrun_path, state_path

CERTAIN = 1.0 - 1e-9
DREAMERS = ("typical", "leaving", "compulsive")


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
    method: str = "exact"
    states: int = 0
    max_states: int = DEFAULT_MAX_STATES
    grew: list[str] = field(default_factory=list)
    collapsed: dict[str, str] = field(default_factory=dict)
    dreamers: dict[str, dict[str, float | None]] = field(default_factory=dict)
    scenes: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    witnesses: list[Witness] = field(default_factory=list)
    stall_nodes: list[str] = field(default_factory=list)
    conditions: dict[str, str] = field(default_factory=dict)
    night_rem_minutes: float | None = None
    space: StateSpace | None = field(default=None, repr=False)
    model: Model | None = field(default=None, repr=False)
    solved: dict[str, Any] = field(default_factory=dict, repr=False)
    _reach: dict[str, float] = field(default_factory=dict, repr=False)
    _overrun: list[Witness | None] = field(default_factory=list, repr=False)

    @property
    def partial(self) -> bool:
        """True when the state cap cut the exploration short: figures are bounds, not values."""
        return self.method != "exact"

    def partial_note(self) -> str:
        """What a rule appends to its message when the figure is partial."""
        if not self.partial:
            return ""
        grew = f"; {', '.join(self.grew)} kept growing" if self.grew else ""
        return f" (partial: analysis bounded at {self.states:,} states{grew})"

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

    def reach_probability(self, scene: str) -> float:
        """P(a typical dreamer ever enters `scene`), solved on demand and remembered."""
        if scene not in self._reach:
            self._reach[scene] = _reach_probability(self, scene)
        return self._reach[scene]

    def overrun_witness(self, budget: float) -> Witness | None:
        """The fewest-steps walk from the entry that passes `budget` dream minutes (computed once)."""
        if not self._overrun:
            space = self.space
            path = overrun_path(space, budget) if space is not None else None
            self._overrun.append(concrete(space, path, "overrun") if space and path else None)
        return self._overrun[0]

    def witness_for(self, kind: str, scene: str | None = None) -> Witness | None:
        """The first witness of a kind (and scene, if given)."""
        for w in self.witnesses:
            if w.kind == kind and (scene is None or w.scene == scene):
                return w
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able facts; the first six keys are what `dreamstudio analyze --format json` promises."""
        return {
            "exit_probability": self.exit_probability,
            "expected_minutes": self.expected_minutes,
            "trap_nodes": list(self.trap_nodes),
            "unreachable_nodes": list(self.unreachable_nodes),
            "steps_to_exit": dict(self.steps_to_exit),
            "expected_visits": dict(self.expected_visits),
            "method": self.method,
            "states": self.states,
            "max_states": self.max_states,
            "grew": list(self.grew),
            "collapsed": dict(self.collapsed),
            "dreamers": {k: dict(v) for k, v in self.dreamers.items()},
            "scenes": self.scenes,
            "policies": self.policies,
            "witnesses": [w.to_dict() for w in self.witnesses],
            "stall_nodes": list(self.stall_nodes),
            "conditions": dict(self.conditions),
            "entry": self.entry,
            "exits": list(self.exits),
            "trap_components": [list(c) for c in self.trap_components],
            "closed_regions": [list(c) for c in self.closed_regions],
            "cycles": [list(c) for c in self.cycles],
            "exit_probability_by_node": dict(self.exit_probability_by_node),
            "expected_minutes_by_node": dict(self.expected_minutes_by_node),
            "solver": self.solver,
        }


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def model_of(space: StateSpace) -> Model:
    """The solver's view of an explored state space (unexpanded states absorb, like stalls)."""
    g = space.prog.g
    return Model(
        n=space.n,
        offsets=space.offsets,
        src=space.source,
        dst=space.target,
        prob=space.prob,
        is_exit=space.is_exit,
        is_choice=space.is_choice,
        minutes=np.where(space.is_exit, 0.0, g.minutes[space.scene]),
    )


def _per_scene(space: StateSpace, values: np.ndarray, how: str) -> np.ndarray:
    """min / max / sum of a per-state value over the states that stand for each scene."""
    n_scenes = space.prog.g.n
    mask = _standing(space)
    scene = space.scene[mask]
    vals = values[mask]
    if how == "sum":
        out = np.zeros(n_scenes)
        np.add.at(out, scene, vals)
        return out
    fill = np.inf if how == "min" else -np.inf
    out = np.full(n_scenes, fill)
    (np.minimum if how == "min" else np.maximum).at(out, scene, vals)
    return out


def _standing(space: StateSpace) -> np.ndarray:
    """A scene's values come from its states reached from the entry, else from its own root."""
    reached = np.zeros(space.prog.g.n, dtype=bool)
    reached[space.scene[space.from_entry]] = True
    return space.from_entry | ~reached[space.scene]


def _scene_groups(space: StateSpace, states: np.ndarray, same_scc: bool = False) -> list[list[str]]:
    """Scenes of the given states, grouped by the scene-level loops among them, in file order."""
    g = space.prog.g
    src, dst = space.source, space.target
    use = states[src] & states[dst]
    if same_scc:
        use &= _scc_labels(space)[src] == _scc_labels(space)[dst]
    scenes = np.zeros(g.n, dtype=bool)
    scenes[space.scene[states]] = True
    a, b = space.scene[src[use]], space.scene[dst[use]]
    adj = sparse.csr_matrix((np.ones(a.size), (a, b)), shape=(g.n, g.n))
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for i in np.flatnonzero(scenes).tolist():
        groups.setdefault(int(labels[i]), []).append(g.ids[i])
    return list(groups.values())


def _scc_labels(space: StateSpace) -> np.ndarray:
    src, dst = space.source, space.target
    adj = sparse.csr_matrix((np.ones(src.size), (src, dst)), shape=(space.n, space.n))
    return csgraph.connected_components(adj, directed=True, connection="strong")[1]


def _on_cycle(space: StateSpace) -> np.ndarray:
    """States on a loop: in a strongly connected class of two or more, or with a self branch."""
    labels = _scc_labels(space)
    sizes = np.bincount(labels, minlength=int(labels.max(initial=-1)) + 1)
    src, dst = space.source, space.target
    looped = sizes[labels] > 1
    looped[src[src == dst]] = True
    return looped


def _steps(space: StateSpace, m: Model) -> np.ndarray:
    """Fewest steps from each state to an exit (inf where none can be reached)."""
    exits = np.flatnonzero(m.is_exit)
    if exits.size == 0:
        return np.full(m.n, np.inf)
    adj = sparse.csr_matrix((np.ones(m.src.size), (m.dst, m.src)), shape=(m.n, m.n))
    return csgraph.dijkstra(adj, directed=True, indices=exits, unweighted=True, min_only=True)


def _ids(ids: list[str], mask: np.ndarray) -> list[str]:
    return [ids[i] for i in np.flatnonzero(mask).tolist()]


def _conditions(space: StateSpace) -> dict[str, str]:
    """For each gated edge leaving a reached scene: `never`, `always` or `both` true."""
    g = space.prog.g
    out = {}
    for i, edge in enumerate(g.edges):
        if edge.condition is None:
            continue
        t, f = bool(space.cond_true[i]), bool(space.cond_false[i])
        if t or f:
            out[edge.id] = "both" if t and f else ("always" if t else "never")
    return out


def _policies(space: StateSpace, dreamer: Dreamer) -> dict[str, list[str]]:
    """For each choice scene reached, the edges this dreamer picks over its valuations."""
    g = space.prog.g
    mask = space.is_choice & space.from_entry & (dreamer.policy >= 0)
    out: dict[str, set[str]] = {}
    for state in np.flatnonzero(mask).tolist():
        edge = int(space.edge[dreamer.policy[state]])
        out.setdefault(g.ids[int(space.scene[state])], set()).add(g.edge_ids[edge])
    return {k: sorted(v) for k, v in out.items()}


def _range(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, i: int) -> list[float | None]:
    return [_finite(lo[i]), _finite(hi[i])]


def _scene_facts(space: StateSpace, t: Typical, dreamers: dict[str, Dreamer]) -> dict[str, Any]:
    g = space.prog.g
    counts = np.bincount(space.scene[_standing(space)], minlength=g.n)
    facts: dict[str, Any] = {}
    tables = {
        "typical": (t.exit_probability, t.minutes),
        **{k: (d.exit_probability, d.minutes) for k, d in dreamers.items()},
    }
    agg = {
        name: [_per_scene(space, arr, how) for arr in pair for how in ("min", "max")]
        for name, pair in tables.items()
    }
    stall_lo = _per_scene(space, t.stall_probability, "min")
    stall_hi = _per_scene(space, t.stall_probability, "max")
    visits = _per_scene(space, np.where(space.from_entry, t.visits, 0.0), "sum")
    for i, scene in enumerate(g.ids):
        if counts[i] == 0:
            continue
        item: dict[str, Any] = {"valuations": int(counts[i])}
        for name, (p_lo, p_hi, m_lo, m_hi) in agg.items():
            item[name] = {
                "exit_probability": [_finite(p_lo[i]), _finite(p_hi[i])],
                "expected_minutes": [_finite(m_lo[i]), _finite(m_hi[i])],
            }
        item["typical"]["stall_probability"] = [_finite(stall_lo[i]), _finite(stall_hi[i])]
        item["typical"]["expected_visits"] = _finite(visits[i])
        facts[scene] = item
    return facts


def _witnesses(space: StateSpace, trap_states: np.ndarray, stall: np.ndarray) -> list[Witness]:
    """The shortest walk out, then one shortest walk into each trap region and stall scene."""
    out = []
    way_out = nearest(space, space.is_exit)
    if way_out is not None:
        out.append(concrete(space, state_path(space, way_out), "exit"))
    for group in _scene_groups(space, trap_states & ~stall):
        members = np.isin(space.scene, [space.prog.g.index[s] for s in group])
        state = nearest(space, trap_states & members)
        if state is not None:
            out.append(concrete(space, state_path(space, state), "trap"))
    for scene in np.unique(space.scene[stall & space.from_entry]).tolist():
        state = nearest(space, stall & (space.scene == scene))
        if state is not None:
            out.append(concrete(space, state_path(space, state), "stall"))
    return out


def _reach_probability(a: Analysis, scene: str) -> float:
    """P(reach scene) from the entry: the scene's states made absorbing with value 1."""
    space, m = a.space, a.model
    if space is None or m is None or space.entry_state is None or scene not in space.prog.g.index:
        return 0.0
    from .mdp import _solve_values

    target = space.scene == space.prog.g.index[scene]
    if target[space.entry_state]:
        return 1.0
    cut = ~target[m.src]
    can = reach_back(m, target, cut) & ~target
    if not can[space.entry_state]:
        return 0.0
    prob = np.where(cut, m.prob, 0.0)
    values, _ = _solve_values(m, can, prob, target.astype(float), np.zeros(m.n))
    return float(np.clip(values[space.entry_state], 0.0, 1.0))


def _rem(ds: Dreamscape) -> float | None:
    try:
        return float(ds.night.total_rem_minutes)
    except (TypeError, ValueError):
        return None


def analyze(
    ds: Dreamscape,
    max_states: int = DEFAULT_MAX_STATES,
    should_stop: Callable[[], bool] | None = None,
) -> Analysis:
    """Every exact fact the linter, the CLI and the editor need, computed once per revision.

    `should_stop` is polled between exploration layers; it raises AnalysisCancelled.
    """
    space = explore(ds, max_states, should_stop)
    m = model_of(space)
    g = space.prog.g
    can_exit = reach_back(m, m.is_exit)
    try:
        t = typical(m, can_exit, space.entry_state)
        dreamers = {"leaving": leaving(m, can_exit), "compulsive": compulsive(m, can_exit)}
    except ChainSolveError as exc:
        raise ChainSolveError(f"{exc} over {space.n} states") from exc
    entry = space.entry_state
    reach = np.zeros(g.n, dtype=bool)
    reach[space.scene[space.from_entry]] = True
    stall = space.is_stall
    trap_states = space.from_entry & ~can_exit & ~space.is_exit
    trap = np.zeros(g.n, dtype=bool)
    trap[space.scene[trap_states]] = True
    stall_scenes = np.zeros(g.n, dtype=bool)
    stall_scenes[space.scene[stall & space.from_entry]] = True
    steps = _per_scene(space, _steps(space, m), "max")
    p_by = _per_scene(space, t.exit_probability, "min")
    t_by = _per_scene(space, t.minutes, "max")
    visits = _per_scene(space, np.where(space.from_entry, t.visits, 0.0), "sum")
    ids = g.ids
    entry_id = ids[g.entry] if g.entry is not None else None
    p_entry = float(t.exit_probability[entry]) if entry is not None else 0.0
    summary = {"typical": (t.exit_probability, t.minutes)} | {
        k: (d.exit_probability, d.minutes) for k, d in dreamers.items()
    }
    on_cycle = _on_cycle(space) & space.from_entry
    return Analysis(
        entry=entry_id,
        reachable=frozenset(_ids(ids, reach)),
        unreachable_nodes=_ids(ids, ~reach) if entry_id is not None else [],
        exits=_ids(ids, g.is_exit),
        trap_nodes=_ids(ids, trap),
        trap_components=_scene_groups(space, trap_states),
        closed_regions=_scene_groups(space, t.recurrent & space.from_entry),
        cycles=_scene_groups(space, on_cycle, same_scc=True),
        steps_to_exit={
            s: (int(v) if math.isfinite(v) else None) if v > -np.inf else None
            for s, v in zip(ids, steps.tolist(), strict=True)
        },
        exit_probability=p_entry,
        exit_probability_by_node={
            s: (float(v) if math.isfinite(v) else 0.0) for s, v in zip(ids, p_by, strict=True)
        },
        expected_minutes=_finite(t.minutes[entry]) if entry is not None else None,
        expected_minutes_by_node={
            s: (float(v) if math.isfinite(v) and v > -np.inf else None)
            for s, v in zip(ids, t_by, strict=True)
        },
        expected_visits={
            s: (float(v) if math.isfinite(v) else None) for s, v in zip(ids, visits, strict=True)
        },
        solver=t.solver,
        minutes=dict(zip(ids, g.minutes.tolist(), strict=True)),
        exits_set=frozenset(_ids(ids, g.is_exit)),
        method="exact" if space.complete else "bounded",
        states=space.n,
        max_states=max_states,
        grew=list(space.grew),
        collapsed={k: v.describe(k) for k, v in space.prog.plan.items()},
        dreamers={
            k: {
                "exit_probability": float(p[entry]) if entry is not None else 0.0,
                "expected_minutes": _finite(e[entry]) if entry is not None else None,
            }
            for k, (p, e) in summary.items()
        },
        scenes=_scene_facts(space, t, dreamers),
        policies={k: _policies(space, d) for k, d in dreamers.items()},
        witnesses=_witnesses(space, trap_states, stall),
        stall_nodes=_ids(ids, stall_scenes),
        conditions=_conditions(space),
        night_rem_minutes=_rem(ds),
        space=space,
        model=m,
        solved={"typical": t, "can_exit": can_exit, **dreamers},
    )
