"""What a simulated night found: per-dreamer arrays, curves across dreamers, and the summary.

Finished dreamers reached an exit within the night's REM time; captured ones were still
dreaming when it was spent; stalled ones reached a scene with no enabled way on and stay
in it for the rest of the night (so they count as still dreaming on the survival curve).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from studio.model import Night

from .night import dream_to_clock, windows_spanned

if TYPE_CHECKING:
    from .program import IntensityLevels, Program

BAND_RESOLUTION = 1000


class Trajectory:
    """Segments (node, start, end) of dream time, kept for the curves drawn on demand."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, who: np.ndarray, nodes: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        """Record that dreamers `who` were in `nodes` from `start` to `end` dream minutes."""
        self.parts.append((nodes, start, end))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.parts:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty, empty
        nodes = np.concatenate([p[0] for p in self.parts])
        start = np.concatenate([p[1] for p in self.parts])
        end = np.concatenate([p[2] for p in self.parts])
        return nodes, start, end


def _float(value: float) -> float | None:
    """JSON has no NaN: undefined numbers are null."""
    return None if value is None or not math.isfinite(value) else float(value)


class NightState(Protocol):
    """The simulator's per-dreamer tallies a result is made from (montecarlo's night)."""

    finished: np.ndarray
    captured: np.ndarray
    stalled: np.ndarray
    minutes: np.ndarray
    dream_minutes: np.ndarray
    rewards: np.ndarray
    anchors: np.ndarray
    socials: np.ndarray
    peak: np.ndarray
    cue_best: np.ndarray
    cue_end: np.ndarray
    high_best: np.ndarray
    high_end: np.ndarray
    visits: np.ndarray
    problems: list[str]
    trajectory: Trajectory


@dataclass(slots=True)
class SimulationResult:
    """Per-dreamer outcomes of one seeded night, plus the curves and summary built from them."""

    dreamers: int
    seed: int
    total_rem_minutes: float
    finished: np.ndarray
    captured: np.ndarray
    stalled: np.ndarray
    minutes: np.ndarray
    dream_minutes: np.ndarray
    rem_windows: np.ndarray
    end_clock: np.ndarray
    rewards: np.ndarray
    anchors: np.ndarray
    socials: np.ndarray
    peak_intensity: np.ndarray
    longest_no_cue_minutes: np.ndarray
    longest_no_cue_end: np.ndarray
    longest_high_minutes: np.ndarray
    longest_high_end: np.ndarray
    node_ids: list[str]
    visit_counts: np.ndarray
    steps: int
    problems: list[str]
    _intensity: np.ndarray = field(repr=False)
    _trajectory: Trajectory = field(repr=False)
    levels: IntensityLevels | None = None  # what counted as high and cooling, if measured

    @classmethod
    def from_state(
        cls,
        state: NightState,
        prog: Program,
        night: Night,
        rem: list[float],
        seed: int,
        steps: int,
        levels: IntensityLevels | None = None,
    ) -> SimulationResult:
        dream = state.dream_minutes
        return cls(
            dreamers=int(state.finished.size),
            seed=int(seed),
            total_rem_minutes=float(sum(rem)),
            finished=state.finished,
            captured=state.captured,
            stalled=state.stalled,
            minutes=state.minutes,
            dream_minutes=dream,
            rem_windows=windows_spanned(rem, dream),
            end_clock=np.where(state.finished, dream_to_clock(night, dream), np.nan),
            rewards=state.rewards,
            anchors=state.anchors,
            socials=state.socials,
            peak_intensity=state.peak,
            longest_no_cue_minutes=state.cue_best,
            longest_no_cue_end=state.cue_end,
            longest_high_minutes=state.high_best,
            longest_high_end=state.high_end,
            node_ids=list(prog.ids),
            visit_counts=state.visits,
            steps=steps,
            problems=state.problems,
            _intensity=prog.intensity,
            _trajectory=state.trajectory,
            levels=levels,
        )

    # ---------------------------------------------------------------- curves
    @property
    def node_visits(self) -> dict[str, float]:
        """Mean visits per dreamer of every node (exits: the share of dreamers leaving there)."""
        d = max(self.dreamers, 1)
        return {
            node_id: float(c) / d
            for node_id, c in zip(self.node_ids, self.visit_counts, strict=True)
        }

    def _grid(self) -> np.ndarray:
        return np.arange(0, math.ceil(self.total_rem_minutes) + 1, dtype=float)

    @property
    def survival(self) -> tuple[np.ndarray, np.ndarray]:
        """P(still dreaming after t dream minutes), at every whole minute of REM time."""
        t = self._grid()
        if self.dreamers == 0:
            return t, np.zeros(t.size)
        ends = np.sort(np.where(self.finished, self.minutes, np.inf))
        # Count dreamers whose dream ends at or before t; the rest are still dreaming.
        done = np.searchsorted(ends, t, side="right")
        return t, 1.0 - done / self.dreamers

    @property
    def intensity_band(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, 10th and 90th percentile intensity by dream minute over dreamers still dreaming."""
        t = self._grid()[:-1] if self.total_rem_minutes > 0 else np.zeros(0)
        k = t.size
        nodes, start, end = self._trajectory.arrays()
        lo = np.ceil(start - 1e-9).astype(np.int64)
        hi = np.minimum(np.ceil(end - 1e-9).astype(np.int64), k)
        count = np.maximum(hi - lo, 0)
        mean = np.full(k, np.nan)
        p10 = np.full(k, np.nan)
        p90 = np.full(k, np.nan)
        if k == 0 or count.sum() == 0:
            return t, mean, p10, p90
        seg = np.repeat(np.arange(count.size), count)
        offset = np.arange(seg.size) - np.repeat(np.cumsum(count) - count, count)
        minute = lo[seg] + offset
        value = self._intensity[nodes[seg]]
        alive = np.bincount(minute, minlength=k).astype(float)
        total = np.bincount(minute, weights=value, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(alive > 0, total / alive, np.nan)
        levels = np.clip(np.rint(value * BAND_RESOLUTION), 0, BAND_RESOLUTION).astype(np.int64)
        hist = np.bincount(
            minute * (BAND_RESOLUTION + 1) + levels, minlength=k * (BAND_RESOLUTION + 1)
        ).reshape(k, BAND_RESOLUTION + 1)
        cum = np.cumsum(hist, axis=1)
        for q, out in ((0.1, p10), (0.9, p90)):
            rank = np.maximum(np.ceil(q * alive), 1)
            idx = (cum < rank[:, None]).sum(axis=1)
            out[:] = np.where(alive > 0, idx / BAND_RESOLUTION, np.nan)
        return t, mean, p10, p90

    def histogram(self, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """Bin edges and counts of minutes to exit over finished dreamers."""
        done = self.minutes[self.finished]
        if done.size == 0:
            return np.linspace(0.0, max(self.total_rem_minutes, 1.0), bins + 1), np.zeros(bins, int)
        counts, edges = np.histogram(done, bins=bins)
        return edges, counts

    # --------------------------------------------------------------- summary
    def summary(self) -> dict[str, Any]:
        """The numbers `dreamstudio simulate --format json` prints (JSON-able, no NaN)."""
        d = self.dreamers
        done = self.minutes[self.finished]
        has = done.size > 0
        dreamt = float(self.dream_minutes.sum())
        t, p = self.survival
        return {
            "dreamers": d,
            "seed": self.seed,
            "finished_fraction": float(self.finished.mean()) if d else 0.0,
            "captured_fraction": float(self.captured.mean()) if d else 0.0,
            "stalled_fraction": float(self.stalled.mean()) if d else 0.0,
            "mean_minutes": _float(done.mean()) if has else None,
            "median_minutes": _float(np.median(done)) if has else None,
            "p95_minutes": _float(np.percentile(done, 95)) if has else None,
            "min_minutes": _float(done.min()) if has else None,
            "max_minutes": _float(done.max()) if has else None,
            "mean_rem_windows": float(self.rem_windows.mean()) if d else 0.0,
            "reward_rate": float(self.rewards.sum()) / dreamt if dreamt > 0 else 0.0,
            "anchor_coverage": float((self.anchors[self.finished] > 0).mean()) if has else None,
            "social_coverage": float((self.socials[self.finished] > 0).mean()) if has else None,
            "survival": [[float(a), float(b)] for a, b in zip(t, p, strict=True)],
            "node_visits": self.node_visits,
        }
