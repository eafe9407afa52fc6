"""The one numeric model every engine shares: values saturate at ±2^53.

The preview (Python numbers), the simulator (numpy arrays) and the exact analysis evaluate
the same expressions; every arithmetic result is clamped to ±VALUE_BOUND so that no engine
grows unbounded integers, wraps 64-bit integers or reaches infinity, and all three agree.
2^53 is where floats stop holding every whole number exactly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

VALUE_BOUND = 2**53
_FLOAT_BOUND = float(VALUE_BOUND)


def bound_scalar(value: Any) -> Any:
    """One value clamped to ±VALUE_BOUND (ints stay ints, NaN reads as 0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return (
            VALUE_BOUND if value > VALUE_BOUND else -VALUE_BOUND if value < -VALUE_BOUND else value
        )
    if isinstance(value, float):
        if math.isnan(value):
            return 0.0
        return min(max(value, -_FLOAT_BOUND), _FLOAT_BOUND)
    return value


def bound_vector(values: Any) -> Any:
    """Array version of `bound_scalar`: integer arrays stay int64, floats stay floats."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype.kind in "iu":
        return np.clip(arr, -VALUE_BOUND, VALUE_BOUND)
    arr = np.nan_to_num(arr.astype(float, copy=False), nan=0.0)
    return np.clip(arr, -_FLOAT_BOUND, _FLOAT_BOUND)


def product_vector(a: Any, b: Any) -> Any:
    """Bounded product of arrays: computed in floats (int64 would wrap), exact below the bound."""
    a, b = np.asarray(a), np.asarray(b)
    out = bound_vector(a.astype(float) * b.astype(float))
    if a.dtype.kind in "iub" and b.dtype.kind in "iub":
        return out.astype(np.int64)
    return out
