"""How numbers read, the same in the app and the report (one rounding for both)."""

from __future__ import annotations

import math


def points_text(value: float | None) -> str:
    """Score points with one decimal: 23.75 reads 23.8 everywhere."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    return f"{float(value):.1f}"
