"""Everything the plots draw, computed as plain arrays in the worker thread.

The GUI thread only hands these arrays to pyqtgraph, so a 10,000-node night never costs
the event loop more than setting a few curves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.model import Night

# Hypnogram levels, top to bottom as sleep labs draw them.
STAGES: tuple[str, ...] = ("N3", "N2", "N1", "REM", "Wake")
WAKE, REM, N1, N2, N3 = 4, 3, 2, 1, 0
HEADLINE_KEYS = (
    "finished_fraction",
    "captured_fraction",
    "stalled_fraction",
    "mean_minutes",
    "median_minutes",
    "p95_minutes",
    "anchor_coverage",
    "social_coverage",
    "reward_rate",
    "mean_rem_windows",
    "dreamers",
)


@dataclass
class PlotData:
    """Curves, headline numbers and the heat overlay of one simulated night."""

    survival: tuple[np.ndarray, np.ndarray] | None = None
    band: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    histogram: tuple[np.ndarray, np.ndarray] | None = None
    hypnogram: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0), np.zeros(0))
    )
    rem_windows: list[tuple[float, float]] = field(default_factory=list)
    dream_segments: list[tuple[float, float]] = field(default_factory=list)
    dream_end_clock: float | None = None
    headline: dict[str, Any] = field(default_factory=dict)
    heat: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def hypnogram(night: Night) -> tuple[np.ndarray, np.ndarray]:
    """A textbook night as a step curve: each cycle descends to deep sleep and ends in REM.

    Deep sleep (N3) fills much of the first cycles and fades later in the night, while the
    REM windows are exactly the night's own (they are when the dream may play).
    """
    xs: list[float] = [0.0]
    ys: list[float] = [WAKE]
    t = 0.0

    def go(stage: int, minutes: float) -> None:
        nonlocal t
        if minutes <= 0:
            return
        xs.extend([t, t + minutes])
        ys.extend([stage, stage])
        t += minutes

    onset = max(0.0, float(night.onset_minutes))
    go(WAKE, onset)
    cycle = max(1.0, float(night.cycle_minutes))
    count = len(night.rem_minutes)
    for i, rem in enumerate(night.rem_minutes):
        rem = max(0.0, min(float(rem), cycle))
        nrem = cycle - rem
        deep_share = max(0.0, 0.45 - 0.12 * i)
        n1 = nrem * 0.1
        n3 = nrem * deep_share
        n2 = nrem - n1 - n3
        go(N1, n1)
        go(N2, n2 / 2 if n3 > 0 else n2)
        go(N3, n3)
        if n3 > 0:
            go(N2, n2 / 2)
        go(REM, rem)
        if i == count - 1:
            go(WAKE, 10.0)
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def dream_segments(night: Night, dream_minutes: float | None) -> list[tuple[float, float]]:
    """Clock spans the dream occupies: REM windows filled in order until its minutes run out."""
    windows = night.rem_windows()
    if dream_minutes is None or not math.isfinite(dream_minutes):
        return [(s, e) for s, e in windows]  # still dreaming at dawn: every window is the dream's
    left = max(0.0, float(dream_minutes))
    out = []
    for start, end in windows:
        if left <= 0:
            break
        used = min(end - start, left)
        if used > 0:
            out.append((start, start + used))
        left -= used
    return out


def heat_values(analysis: Any, simulation: Any) -> dict[str, float]:
    """0..1 per node: the typical dreamer's expected visits over the busiest scene's (plain,
    not log-scaled; 0 where no valuation reaches); unbounded visits are the hottest."""
    raw: dict[str, float | None] = {}
    visits = getattr(analysis, "expected_visits", None)
    if visits:
        raw = dict(visits)
    elif simulation is not None:
        raw = dict(simulation.node_visits)
    finite = [v for v in raw.values() if v is not None and math.isfinite(v) and v > 0]
    top = max(finite) if finite else 1.0
    out: dict[str, float] = {}
    for node_id, v in raw.items():
        if v is None or not math.isfinite(v):
            out[node_id] = 1.0
        elif v <= 0:
            out[node_id] = 0.0
        else:
            out[node_id] = min(1.0, v / top)
    return out


def median_dreamer_minutes(simulation: Any) -> float | None:
    """Dream minutes of the median dreamer over all of them; None if that one never finishes."""
    finished = np.asarray(simulation.finished, bool)
    if finished.size == 0:
        return None
    ends = np.sort(np.where(finished, np.asarray(simulation.minutes, float), np.inf))
    median = float(ends[(ends.size - 1) // 2])
    return median if math.isfinite(median) else None


def plot_data(simulation: Any, analysis: Any, night: Night) -> PlotData:
    """All plotted arrays for one result; works with a missing simulation (night only)."""
    data = PlotData()
    data.hypnogram = hypnogram(night)
    data.rem_windows = list(night.rem_windows())
    if simulation is not None:
        t, p = simulation.survival
        data.survival = (np.asarray(t, float), np.asarray(p, float))
        data.band = tuple(np.asarray(a, float) for a in simulation.intensity_band)  # type: ignore[assignment]
        edges, counts = simulation.histogram(bins=30)
        data.histogram = (np.asarray(edges, float), np.asarray(counts, float))
        summary = simulation.summary()
        data.headline = {k: summary.get(k) for k in HEADLINE_KEYS}
        median_dream = median_dreamer_minutes(simulation)
        data.dream_segments = dream_segments(night, median_dream)
        if median_dream is not None and data.dream_segments:
            data.dream_end_clock = data.dream_segments[-1][1]
        data.problems = list(getattr(simulation, "problems", []) or [])
    data.heat = heat_values(analysis, simulation)
    return data
