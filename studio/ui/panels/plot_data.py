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
from studio.report.night import REM, STAGES, dream_segments, hypnogram_steps

__all__ = ["REM", "STAGES", "PlotData", "dream_segments", "hypnogram", "plot_data"]

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
    """The report's staging of the night (studio.report.night) as arrays for pyqtgraph."""
    xs, ys = hypnogram_steps(night)
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


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
