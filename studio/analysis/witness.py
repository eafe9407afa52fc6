"""Witness paths: the shortest concrete walk from the entry into a trap, a stall or an overrun.

Paths come from the breadth-first parents of the exploration (so they are shortest in steps),
and the variable values are replayed along them without merging, so every value shown is the
one a dreamer on that walk really has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .states import StateSpace

OVERRUN_WORK_MAX = 40_000_000


@dataclass(frozen=True, slots=True)
class WitnessStep:
    """One step: the scene entered, the edge taken to get there, the values after it."""

    scene: str
    edge: str | None
    variables: dict[str, Any]
    choice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "edge": self.edge,
            "variables": dict(self.variables),
            "choice": self.choice,
        }


@dataclass(frozen=True, slots=True)
class Witness:
    """A concrete walk showing a problem; `loop_from` marks where a repeating loop starts."""

    kind: str
    scene: str
    steps: tuple[WitnessStep, ...]
    loop_from: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scene": self.scene,
            "steps": [s.to_dict() for s in self.steps],
            "loop_from": self.loop_from,
        }

    def text(self) -> str:
        """One line: the scenes walked, with the choice and values where they change."""
        parts = []
        before: dict[str, Any] = {}
        for i, step in enumerate(self.steps):
            changed = {k: v for k, v in step.variables.items() if i == 0 or before.get(k) != v}
            before = step.variables
            values = ", ".join(f"{k}={_fmt(v)}" for k, v in changed.items())
            mark = "⟲ " if self.loop_from == i else ""
            parts.append(mark + step.scene + (f" [{values}]" if values else ""))
        line = " → ".join(parts)
        return line + (" → (repeats)" if self.loop_from is not None else "")


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def state_path(space: StateSpace, state: int) -> list[tuple[int, int]]:
    """(state, file edge taken into it) from the root down to `state`."""
    path = []
    s = state
    while s >= 0:
        path.append((s, int(space.parent_edge[s])))
        s = int(space.parent[s])
    return path[::-1]


def concrete(
    space: StateSpace, path: list[tuple[int, int]], kind: str, loop_from: int | None = None
) -> Witness:
    """Replay a path of (state, edge) with unmerged values, as a dreamer would live it."""
    prog = space.prog
    g = prog.g
    csr_of = np.empty(prog.edge_order.size, dtype=np.int64)
    csr_of[prog.edge_order] = np.arange(prog.edge_order.size)
    first_scene = int(space.scene[path[0][0]])
    row = prog.start_row(first_scene, collapse=False)
    steps = []
    prev_scene: int | None = None
    for state, edge in path:
        scene = int(space.scene[state])
        if edge >= 0:
            chain = int(prog.chain_id[csr_of[edge]])
            if chain >= 0:
                row = prog.run(chain, row, collapse=False)
        values = {
            name: _typed(float(row[0, i]), prog.types[i]) for i, name in enumerate(prog.names)
        }
        choice = None
        if edge >= 0 and prev_scene is not None and g.kinds[prev_scene] == "choice":
            choice = g.edges[edge].label or g.edge_ids[edge]
        steps.append(
            WitnessStep(g.ids[scene], g.edge_ids[edge] if edge >= 0 else None, values, choice)
        )
        prev_scene = scene
    return Witness(kind, g.ids[int(space.scene[path[-1][0]])], tuple(steps), loop_from)


def _typed(value: float, var_type: str) -> Any:
    if var_type == "bool":
        return bool(value)
    if var_type == "int":
        return int(value)
    return value


def nearest(space: StateSpace, states: np.ndarray) -> int | None:
    """The state among `states` (from the entry) with the shortest path."""
    cand = np.flatnonzero(states & space.from_entry)
    if cand.size == 0:
        return None
    return int(cand[np.argmin(space.depth[cand])])


def overrun_path(space: StateSpace, budget: float) -> list[tuple[int, int]] | None:
    """Fewest steps from the entry whose dream minutes pass `budget` without reaching an exit."""
    if space.entry_state is None:
        return None
    g = space.prog.g
    n = space.n
    minutes = np.where(space.is_exit, -np.inf, g.minutes[space.scene])
    smallest = float(np.min(minutes[np.isfinite(minutes)], initial=np.inf))
    if not np.isfinite(smallest) or smallest <= 0:
        return None
    limit = int(budget // smallest) + 2
    if limit * max(n, 1) > OVERRUN_WORK_MAX:
        return None
    src, dst, off = space.source, space.target, space.offsets
    has = np.diff(off) > 0
    starts = off[:-1][has]
    layers = [minutes.copy()]
    best = minutes.copy()
    for _ in range(limit):
        cand = np.where(space.is_exit[dst], -np.inf, best[dst])
        nxt = minutes.copy()
        if cand.size:
            nxt[has] = minutes[has] + np.maximum(np.maximum.reduceat(cand, starts), 0.0)
        best = nxt
        layers.append(best)
        if best[space.entry_state] > budget:
            return _walk(space, layers, minutes, src, dst)
    return None


def _walk(
    space: StateSpace,
    layers: list[np.ndarray],
    minutes: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
) -> list[tuple[int, int]]:
    """Follow the best branch layer by layer down from the entry."""
    state = int(space.entry_state or 0)
    path = [(state, -1)]
    for k in range(len(layers) - 1, 0, -1):
        lo, hi = int(space.offsets[state]), int(space.offsets[state + 1])
        if lo == hi:
            break
        values = layers[k - 1][dst[lo:hi]]
        values = np.where(space.is_exit[dst[lo:hi]], -np.inf, values)
        pick = lo + int(np.argmax(values))
        if not np.isfinite(values.max()):
            break
        state = int(dst[pick])
        path.append((state, int(space.edge[pick])))
    return path
