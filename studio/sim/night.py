"""Dream time laid onto the night: DreamSync plays only inside REM windows, pausing between them.

Dream minute t falls in the first window whose cumulative REM length reaches t; a node
longer than what is left of a window simply carries on in the next one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.model import Night


def rem_lengths(night: Night) -> list[float]:
    """REM window lengths, negatives treated as empty."""
    return [max(0.0, float(r)) for r in night.rem_minutes]


def windows_spanned(rem: Sequence[float], dream_minutes: np.ndarray) -> np.ndarray:
    """How many REM windows a dream of `dream_minutes` touches (at least one once started)."""
    ends = np.cumsum(np.asarray(rem, dtype=float))
    if ends.size == 0:
        return np.zeros(np.shape(dream_minutes), dtype=np.int64)
    spanned = np.searchsorted(ends, np.asarray(dream_minutes, dtype=float) - 1e-9, side="left") + 1
    return np.minimum(spanned, ends.size).astype(np.int64)


def dream_to_clock(night: Night, dream_minutes: np.ndarray | float) -> np.ndarray:
    """Clock minutes since lights out at which the dream reaches `dream_minutes` of dream time."""
    rem = rem_lengths(night)
    t = np.asarray(dream_minutes, dtype=float)
    windows = night.rem_windows()
    if not windows:
        return np.full(t.shape, np.nan)
    starts = np.asarray([w[0] for w in windows], dtype=float)
    ends = np.cumsum(rem)
    before = ends - np.asarray(rem)
    i = np.minimum(np.searchsorted(ends, t - 1e-9, side="left"), len(rem) - 1)
    return starts[i] + (t - before[i])
