"""The three dreamers solved exactly over the explored states (a Markov decision process).

At `choice` scenes the dreamer picks one enabled edge (an action); every other scene draws
by weight. The *typical* dreamer draws at choices too (the simulator's model); the *leaving*
dreamer maximises P(exit) and then minimises minutes; the *compulsive* dreamer minimises
P(exit) and then maximises minutes. Graph algorithms settle the states with P = 0 and P = 1
first (no numerics there); policy iteration with sparse linear solves does the rest. Expected
minutes are finite only where P(exit) = 1 (the same convention as PRISM and Storm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from .chain import solve_components

IMPROVE_TOL = 1e-12
MAX_ROUNDS = 200


@dataclass(slots=True)
class Model:
    """The solver's view: branches (CSR by state), which states choose, which absorb."""

    n: int
    offsets: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    prob: np.ndarray
    is_exit: np.ndarray
    is_choice: np.ndarray
    minutes: np.ndarray

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def random(self) -> np.ndarray:
        """States whose next scene is drawn by weight for every dreamer."""
        return ~self.is_choice


@dataclass(slots=True)
class Dreamer:
    """One dreamer's exact values per state and, at choice states, the branch it takes."""

    exit_probability: np.ndarray
    minutes: np.ndarray
    policy: np.ndarray
    solver: str


@dataclass(slots=True)
class Typical:
    """The weight-drawing dreamer: absorption, minutes, visits from the entry."""

    exit_probability: np.ndarray
    stall_probability: np.ndarray
    minutes: np.ndarray
    visits: np.ndarray
    recurrent: np.ndarray
    solver: str


def reach_back(m: Model, seeds: np.ndarray, branches: np.ndarray | None = None) -> np.ndarray:
    """States with a path (over the allowed branches) into `seeds`."""
    if not seeds.any():
        return np.zeros(m.n, dtype=bool)
    keep = np.ones(m.src.size, bool) if branches is None else branches
    src, dst = m.src[keep], m.dst[keep]
    seed_idx = np.flatnonzero(seeds)
    rows = np.concatenate([dst, np.full(seed_idx.size, m.n)])
    cols = np.concatenate([src, seed_idx])
    adj = sparse.csr_matrix((np.ones(rows.size, np.int8), (rows, cols)), shape=(m.n + 1, m.n + 1))
    order = csgraph.breadth_first_order(adj, m.n, directed=True, return_predecessors=False)
    out = np.zeros(m.n + 1, dtype=bool)
    out[order] = True
    return out[: m.n]


def attractor(m: Model, targets: np.ndarray, need_all: np.ndarray) -> np.ndarray:
    """States forced into `targets`: `need_all` states when every branch leads in, others when any.

    States with no branch are never attracted (unless they are targets).
    """
    order = np.argsort(m.dst, kind="stable")
    rev_src = m.src[order]
    rev_off = np.zeros(m.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(m.dst, minlength=m.n), out=rev_off[1:])
    left = m.degree.astype(np.int64).copy()
    inside = targets.copy()
    frontier = np.flatnonzero(targets)
    while frontier.size:
        deg = rev_off[frontier + 1] - rev_off[frontier]
        firsts = np.cumsum(deg) - deg
        idx = np.repeat(rev_off[frontier] - firsts, deg) + np.arange(int(deg.sum()))
        preds = rev_src[idx]
        preds = preds[~inside[preds]]
        if preds.size == 0:
            break
        hits = np.bincount(preds, minlength=m.n)
        touched = np.flatnonzero(hits)
        left[touched] -= hits[touched]
        ready = touched[~need_all[touched] | (left[touched] == 0)]
        inside[ready] = True
        frontier = ready
    return inside


def _solve_values(
    m: Model, unknown: np.ndarray, prob: np.ndarray, known: np.ndarray, reward: np.ndarray
) -> tuple[np.ndarray, str]:
    """x = reward + Σ p·x over the branches (policy probabilities), `known` outside `unknown`."""
    out = known.copy()
    idx = np.flatnonzero(unknown)
    if idx.size == 0:
        return out, "none"
    pos = np.full(m.n, -1, dtype=np.int64)
    pos[idx] = np.arange(idx.size)
    use = (prob > 0) & unknown[m.src]
    s, d, p = m.src[use], m.dst[use], prob[use]
    inner = unknown[d]
    q = sparse.csr_matrix((p[inner], (pos[s[inner]], pos[d[inner]])), shape=(idx.size,) * 2)
    b = reward[idx] + np.bincount(
        pos[s[~inner]], weights=p[~inner] * known[d[~inner]], minlength=idx.size
    )
    (x,), _, solver = solve_components(q, [b], [])
    out[idx] = x
    return out, solver


def _branch_prob(m: Model, policy: np.ndarray) -> np.ndarray:
    """Branch probabilities under a policy: chosen branch 1 at choice states, weights elsewhere."""
    prob = np.where(m.is_choice[m.src], 0.0, m.prob)
    chosen = policy[m.is_choice & (policy >= 0)]
    prob[chosen] = 1.0
    return prob


def _improve(
    m: Model,
    policy: np.ndarray,
    values: np.ndarray,
    states: np.ndarray,
    allowed: np.ndarray,
    maximize: bool,
) -> bool:
    """Switch choice states in `states` to a strictly better allowed branch; True if any moved."""
    sel = allowed & states[m.src] & m.is_choice[m.src]
    if not sel.any():
        return False
    score = values[m.dst[sel]]
    owner = m.src[sel]
    branch = np.flatnonzero(sel)
    key = -score if maximize else score
    order = np.lexsort((branch, key, owner))
    owner_sorted = owner[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = owner_sorted[1:] != owner_sorted[:-1]
    best_state = owner_sorted[first]
    best_branch = branch[order][first]
    best_score = score[order][first]
    current = values[m.dst[policy[best_state]]]
    gain = (best_score - current) if maximize else (current - best_score)
    scale = np.maximum(1.0, np.abs(current))
    move = gain > IMPROVE_TOL * scale
    policy[best_state[move]] = best_branch[move]
    return bool(move.any())


def _first_branch(m: Model, allowed: np.ndarray) -> np.ndarray:
    """For each choice state, its first allowed branch (-1 when none)."""
    policy = np.full(m.n, -1, dtype=np.int64)
    idx = np.flatnonzero(allowed & m.is_choice[m.src])
    owners = m.src[idx]
    # Reverse assignment so the first branch of each state wins.
    policy[owners[::-1]] = idx[::-1]
    return policy


def _toward(m: Model, goal: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """At choice states, an allowed branch one step closer (in steps) to `goal`."""
    keep = allowed
    adj = sparse.csr_matrix(
        (np.ones(int(keep.sum())), (m.dst[keep], m.src[keep])), shape=(m.n, m.n)
    )
    seeds = np.flatnonzero(goal)
    if seeds.size == 0:
        return _first_branch(m, allowed)
    dist = csgraph.dijkstra(adj, directed=True, indices=seeds, unweighted=True, min_only=True)
    policy = np.full(m.n, -1, dtype=np.int64)
    sel = allowed & m.is_choice[m.src] & np.isfinite(dist[m.dst])
    idx = np.flatnonzero(sel)
    order = np.lexsort((idx, dist[m.dst[idx]], m.src[idx]))
    owners = m.src[idx][order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    policy[owners[first]] = idx[order][first]
    missing = m.is_choice & (policy < 0)
    fallback = _first_branch(m, allowed)
    policy[missing] = fallback[missing]
    return policy


def _iterate(
    m: Model,
    policy: np.ndarray,
    unknown: np.ndarray,
    known: np.ndarray,
    reward: np.ndarray,
    allowed: np.ndarray,
    maximize: bool,
) -> tuple[np.ndarray, str]:
    solver = "none"
    values = known
    for _ in range(MAX_ROUNDS):
        values, solver = _solve_values(m, unknown, _branch_prob(m, policy), known, reward)
        if not _improve(m, policy, values, unknown, allowed, maximize):
            break
    return values, solver


def _stays(m: Model, region: np.ndarray) -> np.ndarray:
    """Branches that stay inside a region (or reach an exit)."""
    return region[m.dst] | m.is_exit[m.dst]


def prob1_exists(m: Model, can_exit: np.ndarray) -> np.ndarray:
    """States from which some way of choosing reaches an exit with probability 1."""
    region = can_exit.copy()
    while True:
        inside = _stays(m, region)
        bad_random = np.zeros(m.n, dtype=bool)
        bad_random[m.src[~inside & m.random[m.src]]] = True
        good_choice = np.zeros(m.n, dtype=bool)
        good_choice[m.src[inside & m.is_choice[m.src]]] = True
        keep = region & (m.is_exit | (m.random & ~bad_random) | (m.is_choice & good_choice))
        branches = keep[m.src] & (keep[m.dst])
        keep = keep & (m.is_exit | reach_back(m, m.is_exit & keep, branches))
        if np.array_equal(keep, region):
            return region
        region = keep


def _choice_dreamer(m: Model, can_exit: np.ndarray, leaving: bool) -> Dreamer:
    """Pmax then Emin (leaving), or Pmin then Emax (compulsive)."""
    if leaving:
        sure = prob1_exists(m, can_exit)
        never = ~can_exit
    else:
        forced = attractor(m, m.is_exit, need_all=m.is_choice)
        never = ~forced
        sure = ~reach_back(m, never)
    unknown = ~(sure | never | m.is_exit)
    known = sure.astype(float)
    every = np.ones(m.src.size, dtype=bool)
    if leaving:
        policy = _toward(m, m.is_exit, every)
    else:
        policy = _toward(m, never, every)
    p, solver = _iterate(m, policy, unknown, known, np.zeros(m.n), every, maximize=leaving)
    p[never] = 0.0
    p[sure] = 1.0
    # Minutes where every step of the chosen play keeps P(exit) = 1.
    finite = sure & ~m.is_exit
    allowed = _stays(m, sure)
    if leaving:
        sure_policy = _toward(m, m.is_exit, allowed)
        keep = finite & m.is_choice
        policy[keep] = sure_policy[keep]
    minutes, solver2 = _iterate(
        m, policy, finite, np.zeros(m.n), m.minutes, allowed, maximize=not leaving
    )
    minutes[~(sure | m.is_exit)] = np.inf
    return Dreamer(np.clip(p, 0.0, 1.0), minutes, policy, solver2 if solver == "none" else solver)


def leaving(m: Model, can_exit: np.ndarray) -> Dreamer:
    """The dreamer who wants to wake: Pmax, then Emin where Pmax = 1."""
    return _choice_dreamer(m, can_exit, leaving=True)


def compulsive(m: Model, can_exit: np.ndarray) -> Dreamer:
    """The dreamer who keeps choosing to stay: Pmin, then Emax where Pmin = 1."""
    return _choice_dreamer(m, can_exit, leaving=False)


def closed_classes(m: Model) -> tuple[np.ndarray, np.ndarray]:
    """Non-exit states in a bottom strongly connected class with a branch: never left again."""
    adj = sparse.csr_matrix((np.ones(m.src.size), (m.src, m.dst)), shape=(m.n, m.n))
    n_comp, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    leaky = np.zeros(n_comp, dtype=bool)
    leaky[labels[m.src[labels[m.src] != labels[m.dst]]]] = True
    has_branch = np.zeros(n_comp, dtype=bool)
    has_branch[labels[m.src]] = True
    closed = has_branch & ~leaky
    return closed[labels] & ~m.is_exit, labels


def typical(m: Model, can_exit: np.ndarray, entry: int | None) -> Typical:
    """Absorption probabilities, minutes to exit and visits when every node draws by weight."""
    recurrent, labels = closed_classes(m)
    absorbing = m.is_exit | (m.degree == 0)
    transient = ~absorbing & ~recurrent
    sure = ~reach_back(m, ~can_exit)
    idx = np.flatnonzero(transient)
    pos = np.full(m.n, -1, dtype=np.int64)
    pos[idx] = np.arange(idx.size)
    s, d, p = m.src, m.dst, m.prob
    from_t = transient[s]
    inner = from_t & transient[d]
    k = idx.size
    q = sparse.csr_matrix((p[inner], (pos[s[inner]], pos[d[inner]])), shape=(k, k))
    out_exit = from_t & m.is_exit[d]
    out_stall = from_t & ~m.is_exit[d] & absorbing[d]
    b_exit = np.bincount(pos[s[out_exit]], weights=p[out_exit], minlength=k)
    b_stall = np.bincount(pos[s[out_stall]], weights=p[out_stall], minlength=k)
    rhs_t = []
    if entry is not None and transient[entry]:
        e = np.zeros(k)
        e[pos[entry]] = 1.0
        rhs_t.append(e)
    (h, st, t), ys, solver = solve_components(q, [b_exit, b_stall, m.minutes[idx]], rhs_t)
    p_exit = m.is_exit.astype(float)
    p_exit[idx] = np.clip(h, 0.0, 1.0)
    p_exit[~can_exit] = 0.0
    p_exit[sure] = 1.0
    p_stall = (absorbing & ~m.is_exit).astype(float)
    p_stall[idx] = np.clip(st, 0.0, 1.0)
    minutes = np.full(m.n, np.inf)
    minutes[m.is_exit] = 0.0
    minutes[idx] = t
    minutes[~sure] = np.inf
    visits = np.zeros(m.n)
    if ys:
        visits[idx] = np.maximum(ys[0], 0.0)
        into = from_t & ~transient[d]
        visits += np.bincount(d[into], weights=visits[s[into]] * p[into], minlength=m.n)
    if entry is not None and not transient[entry]:
        visits[entry] = np.inf if recurrent[entry] else 1.0
    entered = np.unique(labels[recurrent & (visits > 0)])
    visits[recurrent & np.isin(labels, entered)] = np.inf
    return Typical(p_exit, p_stall, minutes, visits, recurrent, solver)
