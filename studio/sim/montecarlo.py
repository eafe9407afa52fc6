"""The Monte Carlo night: many dreamers walk the dreamscape at once, one numpy step at a time.

Each step moves every still-dreaming dreamer: the out edges of their current nodes are
laid out as (dreamer, edge) pairs, conditions are evaluated per template over all pairs
that need them, and one weighted draw per dreamer picks among the enabled edges using
cumulative weights. Dream time is the sum of node minutes; it is laid onto the night's
REM windows only when a dreamer's place in the night is asked for, because a pause
between windows never changes what happens in the dream.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from studio.model import Dreamscape
from studio.model.expressions import clamp

from .night import rem_lengths
from .program import EffectTable, Program, TemplateGroup, compile_program
from .result import SimulationResult, Trajectory

STEP_CAP = 20_000
EPS = 1e-9


class SimulationCancelled(Exception):
    """The caller asked the simulation to stop (a newer edit made it stale)."""


def _split(keys: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(key, positions holding it) for every non-negative key present, one sort for all."""
    positions = np.flatnonzero(keys >= 0)
    if positions.size == 0:
        return
    keys = keys[positions]
    first = int(keys[0])
    if (keys == first).all():
        yield first, positions
        return
    order = np.argsort(keys, kind="stable")
    keys, positions = keys[order], positions[order]
    bounds = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), keys.size]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        yield int(keys[lo]), positions[lo:hi]


def _as_bool(value: object, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value).astype(bool, copy=False), (size,))


class _Night:
    """Mutable per-dreamer state of one simulation run."""

    def __init__(self, prog: Program, dreamers: int, total: float) -> None:
        d = dreamers
        self.prog = prog
        self.total = total
        self.cur = np.zeros(d, dtype=np.int64)
        self.t = np.zeros(d)
        self.finished = np.zeros(d, dtype=bool)
        self.captured = np.zeros(d, dtype=bool)
        self.stalled = np.zeros(d, dtype=bool)
        self.minutes = np.full(d, np.nan)
        self.dream_minutes = np.zeros(d)
        self.rewards = np.zeros(d)
        self.anchors = np.zeros(d, dtype=np.int64)
        self.socials = np.zeros(d, dtype=np.int64)
        self.peak = np.zeros(d)
        self.cue_run = np.zeros(d)
        self.cue_best = np.zeros(d)
        self.cue_end = np.full(d, -1, dtype=np.int64)
        self.high_run = np.zeros(d)
        self.high_best = np.zeros(d)
        self.high_end = np.full(d, -1, dtype=np.int64)
        self.visits = np.zeros(prog.n, dtype=np.int64)
        self.variables: dict[str, np.ndarray] = {}
        for name, var_type in prog.types.items():
            dtype = bool if var_type == "bool" else np.int64 if var_type == "int" else float
            self.variables[name] = np.full(d, prog.initial[name], dtype=dtype)
        self.trajectory = Trajectory()
        self.problems: list[str] = list(prog.problems)

    # ------------------------------------------------------------ expressions
    def _evaluate(self, group: TemplateGroup, who: np.ndarray, rows: np.ndarray) -> object:
        try:
            return group.expr.evaluate_vector(group.env(self.variables, who, rows))
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            message = f"'{group.expr.source}': {exc}"
            if message not in self.problems:
                self.problems.append(message)
            return None

    def apply_effects(self, table: EffectTable, owners: np.ndarray, who: np.ndarray) -> None:
        """Apply each owner's effects in their listed order (slot by slot) to its dreamers."""
        for p in range(len(table.slot_groups)):
            for gid, sel in _split(table.group[owners, p]):
                group = table.groups[gid]
                w = who[sel]
                value = self._evaluate(group, w, table.row[owners[sel], p])
                if value is None:
                    continue
                target = self.variables[group.target]  # type: ignore[index]
                arr = np.broadcast_to(np.asarray(value), (w.size,))
                if target.dtype == np.int64:
                    arr = np.trunc(arr.astype(float)).astype(np.int64)
                    arr = clamp(arr, *self.prog.bounds.get(group.target or "", (None, None)))
                target[w] = arr

    # ------------------------------------------------------------------ moves
    def _stretch(
        self, who: np.ndarray, nodes: np.ndarray, spent: np.ndarray, entering: bool
    ) -> None:
        """Extend the no-cue and high-intensity stretches by `spent` minutes in `nodes`.

        Entering a cue scene (anchor, social, exit) resets the no-cue stretch; entering a
        cooldown scene (intensity < 0.4) resets the high one. Lingering in a scene (after
        a stall or at the step cap) only adds time.
        """
        prog = self.prog
        cue_reset = prog.is_cue[nodes] if entering else np.zeros(nodes.size, dtype=bool)
        cool_reset = prog.is_cool[nodes] if entering else np.zeros(nodes.size, dtype=bool)
        run = np.where(cue_reset, 0.0, self.cue_run[who] + np.where(prog.is_cue[nodes], 0.0, spent))
        self.cue_run[who] = run
        better = run > self.cue_best[who]
        if better.any():
            self.cue_best[who[better]] = run[better]
            self.cue_end[who[better]] = nodes[better]
        high = np.where(
            cool_reset, 0.0, self.high_run[who] + np.where(prog.is_high[nodes], spent, 0.0)
        )
        self.high_run[who] = high
        better = high > self.high_best[who]
        if better.any():
            self.high_best[who[better]] = high[better]
            self.high_end[who[better]] = nodes[better]

    def linger(self, who: np.ndarray) -> None:
        """Dreamers who can go nowhere stay in their scene until the REM time is spent."""
        nodes = self.cur[who]
        self.dream_minutes[who] = self.total
        self._stretch(who, nodes, np.maximum(self.total - self.t[who], 0.0), entering=False)
        self.trajectory.add(who, nodes, self.t[who], np.full(who.size, self.total))

    def enter(self, who: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Dreamers `who` enter `nodes`; returns the ones still dreaming afterwards."""
        prog = self.prog
        t0 = self.t[who]
        self.visits += np.bincount(nodes, minlength=prog.n)
        self.rewards[who] += prog.reward[nodes]
        self.anchors[who] += prog.is_anchor[nodes]
        self.socials[who] += prog.is_social[nodes]
        self.peak[who] = np.maximum(self.peak[who], prog.intensity[nodes])
        is_exit = prog.is_exit[nodes]
        m = np.where(is_exit, 0.0, prog.minutes[nodes])
        t1 = t0 + m
        cap = t1 > self.total + EPS
        spent = np.where(cap, np.maximum(self.total - t0, 0.0), m)
        self.trajectory.add(who, nodes, t0, np.minimum(t1, self.total))

        self._stretch(who, nodes, spent, entering=True)

        if is_exit.any():
            done = who[is_exit]
            self.finished[done] = True
            self.minutes[done] = t0[is_exit]
            self.dream_minutes[done] = t0[is_exit]
        if cap.any():
            gone = who[cap]
            self.captured[gone] = True
            self.dream_minutes[gone] = self.total
        going = ~(is_exit | cap)
        if not going.all():
            who, nodes, t1 = who[going], nodes[going], t1[going]
        self.t[who] = t1
        self.cur[who] = nodes
        if prog.node_effects.slot_groups:
            self.apply_effects(prog.node_effects, nodes, who)
        return who

    def step(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One move for every active dreamer; returns who is still dreaming."""
        prog = self.prog
        cur = self.cur[who]
        deg = prog.degree[cur]
        ends = np.cumsum(deg)
        firsts = ends - deg
        total_pairs = int(ends[-1]) if ends.size else 0
        owner = np.repeat(np.arange(who.size), deg)
        edge = prog.offsets[cur][owner] + (np.arange(total_pairs) - firsts[owner])
        weight = prog.edge_weight[edge]
        cg = prog.cond_group[edge]
        gated = cg != -1
        if gated.any():
            weight = weight.copy()
            weight[cg == -2] = 0.0
            for gid, sel in _split(cg):
                group = prog.cond_groups[gid]
                value = self._evaluate(group, who[owner[sel]], prog.cond_row[edge[sel]])
                ok = np.zeros(sel.size, dtype=bool) if value is None else _as_bool(value, sel.size)
                weight[sel[~ok]] = 0.0
        cw = np.cumsum(weight)
        has = deg > 0
        top = np.zeros(who.size)
        top[has] = cw[ends[has] - 1]
        base = np.zeros(who.size)
        inner = has & (firsts > 0)
        base[inner] = cw[firsts[inner] - 1]
        span = top - base
        movable = span > 0
        u = rng.random(who.size)
        if not movable.all():
            stuck = who[~movable]
            self.stalled[stuck] = True
            self.linger(stuck)
            who, u, base, span, ends = (
                who[movable],
                u[movable],
                base[movable],
                span[movable],
                ends[movable],
            )
        if who.size == 0:
            return who
        pick = np.searchsorted(cw, base + u * span, side="right")
        # Guard the top end against rounding: step back to the last edge with weight.
        pick = np.minimum(pick, ends - 1)
        zero = weight[pick] <= 0
        if zero.any():
            last = np.maximum.accumulate(np.where(weight > 0, np.arange(weight.size), -1))
            pick[zero] = last[pick[zero]]
        chosen = edge[pick]
        if prog.edge_effects.slot_groups:
            self.apply_effects(prog.edge_effects, chosen, who)
        return self.enter(who, prog.edge_target[chosen])


def default_max_steps(prog: Program, total: float) -> int:
    """Enough steps for any dreamer to spend the whole REM time, within a hard cap."""
    positive = prog.minutes[(prog.minutes > 0) & ~prog.is_exit]
    if positive.size == 0:
        return min(STEP_CAP, 1000)
    return int(min(STEP_CAP, math.ceil(total / float(positive.min())) + 2))


def simulate(
    ds: Dreamscape,
    dreamers: int = 10_000,
    seed: int = 0,
    max_steps: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    start: str | None = None,
) -> SimulationResult:
    """Simulate a night for `dreamers` dreamers; the same document and seed give the same result."""
    dreamers = max(0, int(dreamers))
    prog = compile_program(ds, start)
    night = ds.night
    rem = rem_lengths(night)
    total = float(sum(rem))
    state = _Night(prog, dreamers, total)
    rng = np.random.default_rng(seed)
    cap = default_max_steps(prog, total) if max_steps is None else max(0, int(max_steps))
    steps = 0
    if prog.start is None:
        state.problems.append("the dreamscape has no single entry node: nobody can start dreaming")
        state.stalled[:] = True
    elif dreamers:
        who = state.enter(np.arange(dreamers), np.full(dreamers, prog.start, dtype=np.int64))
        while who.size and steps < cap:
            if should_stop is not None and should_stop():
                raise SimulationCancelled()
            who = state.step(who, rng)
            steps += 1
        if who.size:
            # Still walking at the step cap: the night is treated as lost to the dream.
            state.captured[who] = True
            state.linger(who)
    return SimulationResult.from_state(state, prog, night, rem, seed, steps)
