"""Infinite treadmills: loops a dreamer can choose to stay in forever, paying out rewards, with
no anchor or social scene on them (Zagal et al. 2013).

Over the explored states without exits, anchors and social scenes, the maximal end components
are the regions where some way of choosing stays forever: every random state in one keeps all
its branches inside, every choice state at least one. A region holding a `reward` scene, that
some choice could have left, is a treadmill (one no choice can leave is a trap, EXT002's case).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from .states import StateSpace
from .witness import Witness, concrete, state_path

BREAK_KINDS = ("anchor", "social", "exit")


@dataclass(frozen=True, slots=True)
class Treadmill:
    """One region: its scenes (file order), the reward scenes in it, the doors out, a witness."""

    scenes: list[str]
    rewards: list[str]
    exits_declined: list[str]
    witness: Witness


def _components(space: StateSpace, keep: np.ndarray, use: np.ndarray) -> np.ndarray:
    """SCC labels over the kept states and branches (-1 for dropped states)."""
    src, dst = space.source[use], space.target[use]
    adj = sparse.csr_matrix((np.ones(src.size), (src, dst)), shape=(space.n, space.n))
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    return np.where(keep, labels, -1)


def end_components(space: StateSpace, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximal end components inside `allowed`: (labels per state or -1, branches inside)."""
    src, dst = space.source, space.target
    choice = space.is_choice
    keep = allowed.copy()
    while True:
        use = keep[src] & keep[dst]
        labels = _components(space, keep, use)
        inside = use & (labels[src] == labels[dst])
        leaks = np.zeros(space.n, dtype=bool)
        leaks[src[~inside & ~choice[src]]] = True
        has = np.zeros(space.n, dtype=bool)
        has[src[inside]] = True
        new = keep & has & ~(leaks & ~choice)
        if np.array_equal(new, keep):
            return labels, inside & new[src]
        keep = new


def treadmills(space: StateSpace, limit: int = 10) -> list[Treadmill]:
    """Every treadmill region reached from the entry, each with a witness loop."""
    g = space.prog.g
    kinds = np.asarray(g.kinds, dtype=object)
    breaks = np.isin(kinds, BREAK_KINDS)[space.scene] if space.n else np.zeros(0, bool)
    allowed = space.from_entry & space.expanded & ~breaks
    labels, inside = end_components(space, allowed)
    src, dst = space.source, space.target
    reward = (kinds == "reward")[space.scene] if space.n else np.zeros(0, bool)
    out: list[Treadmill] = []
    for label in np.unique(labels[labels >= 0]).tolist():
        members = labels == label
        if not (members & reward).any():
            continue
        doors = members[src] & space.is_choice[src] & ~members[dst]
        if not doors.any():
            continue
        out.append(_treadmill(space, members, inside & members[src], reward, doors))
        if len(out) >= limit:
            break
    return out


def _treadmill(
    space: StateSpace,
    members: np.ndarray,
    inside: np.ndarray,
    reward: np.ndarray,
    doors: np.ndarray,
) -> Treadmill:
    g = space.prog.g
    cand = np.flatnonzero(members)
    start = int(cand[np.argmin(space.depth[cand])])
    lead = state_path(space, start)
    loop = _loop(space, inside, start, members & reward)
    steps = lead + loop
    witness = concrete(space, steps, "treadmill", loop_from=len(lead) - 1)
    scene_mask = np.zeros(g.n, dtype=bool)
    scene_mask[space.scene[members]] = True
    declined = sorted({g.edge_ids[int(e)] for e in space.edge[doors].tolist()})
    return Treadmill(
        scenes=[g.ids[i] for i in np.flatnonzero(scene_mask).tolist()],
        rewards=[g.ids[i] for i in np.flatnonzero(scene_mask).tolist() if g.kinds[i] == "reward"],
        exits_declined=declined,
        witness=witness,
    )


def _loop(
    space: StateSpace, inside: np.ndarray, start: int, goal: np.ndarray
) -> list[tuple[int, int]]:
    """A walk inside the region from `start` through a reward state and back to `start`."""
    idx = np.flatnonzero(inside)
    src, dst = space.source[idx], space.target[idx]
    adj = sparse.csr_matrix((idx + 1.0, (src, dst)), shape=(space.n, space.n))
    adj.sum_duplicates()

    def path(a: int, targets: np.ndarray) -> list[tuple[int, int]]:
        dist, pred = csgraph.shortest_path(
            adj.astype(bool).astype(float), indices=a, unweighted=True, return_predecessors=True
        )
        cand = np.flatnonzero(targets & np.isfinite(dist))
        if a in cand.tolist() and len(cand) > 1:
            cand = cand[cand != a]
        end = int(cand[np.argmin(dist[cand])])
        chain = [end]
        while chain[-1] != a:
            chain.append(int(pred[chain[-1]]))
        chain = chain[::-1]
        return [(b, _edge(space, inside, chain[i], b)) for i, b in enumerate(chain[1:])]

    first = path(start, goal)
    back_from = first[-1][0] if first else start
    home = np.zeros(space.n, dtype=bool)
    home[start] = True
    second = path(back_from, home) if back_from != start else []
    return first + second


def _edge(space: StateSpace, inside: np.ndarray, a: int, b: int) -> int:
    lo, hi = int(space.offsets[a]), int(space.offsets[a + 1])
    for k in range(lo, hi):
        if inside[k] and int(space.target[k]) == b:
            return int(space.edge[k])
    return -1
