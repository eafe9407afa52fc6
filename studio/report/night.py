"""The night as sleep labs draw it: one staging of the hypnogram for the app and the report.

Pure Python so the report (no numpy, no Qt) and the app's night plot draw the same night.
"""

from __future__ import annotations

import math

from studio.model import Night

# Hypnogram levels, top to bottom as sleep labs draw them.
STAGES: tuple[str, ...] = ("N3", "N2", "N1", "REM", "Wake")
WAKE, REM, N1, N2, N3 = 4, 3, 2, 1, 0


def hypnogram_steps(night: Night) -> tuple[list[float], list[float]]:
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

    go(WAKE, max(0.0, float(night.onset_minutes)))
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
    return xs, ys


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
