"""One numeric model for the preview and the simulator: values saturate at ±2^53, and
numbers a file may hold never break the numerics (issue 18, defects 1 and 2)."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.ethics.exits import raised_exit_weights
from studio.model.expressions import coerce, coerce_vector, compile_expression
from studio.model.numeric import VALUE_BOUND
from studio.sim import PlayEngine, simulate
from studio.sim.montecarlo import STEP_CAP, default_max_steps
from studio.sim.program import compile_program

from .builders import build

POWER_9 = "x * x * x * x * x * x * x * x * x"


def squaring_loop(var_type: str = "int", initial: object = 2**20) -> object:
    """A self-loop raising a variable to the ninth power each pass; the exit opens at the bound."""
    return build(
        [("onset", "entry", 1), ("loop", "scene", 1), ("wake", "exit", 1)],
        [
            ("onset", "loop"),
            ("loop", "loop", 1.0, None, {"x": POWER_9}),
            ("loop", "wake", 1.0, f"x >= {VALUE_BOUND}"),
        ],
        variables={"x": (var_type, initial)},
        rem=[60],
    )


def test_preview_saturates_at_the_bound_instead_of_growing_without_end() -> None:
    eng = PlayEngine(squaring_loop())
    eng.take("e1")
    for _ in range(3):  # unbounded: 2^1620 after three passes, a 4-million-digit int by the 7th
        eng.take("e2")
    assert eng.variables["x"] == VALUE_BOUND
    assert eng.problems == []
    assert [c.enabled for c in eng.choices()] == [True, True]


def test_simulator_saturates_like_the_preview_instead_of_wrapping_int64() -> None:
    ds = squaring_loop()
    r = simulate(ds, dreamers=300, seed=4)
    # After one pass x = 2^180 saturates to 2^53, so the exit opens for every dreamer;
    # wrapped int64 arithmetic gave 0 and nobody ever left.
    eng = PlayEngine(ds)
    eng.take("e1")
    eng.take("e2")
    assert eng.choices()[1].enabled
    assert r.finished.all()


def test_float_overflow_is_clamped_the_same_way_in_both_engines() -> None:
    expr = compile_expression("x * 1e15 * 1e15 / 0.000001")
    scalar = coerce(expr.evaluate({"x": 3}), "int")
    vector = coerce_vector(expr.evaluate_vector({"x": np.array([3], dtype=np.int64)}), "int", 1)
    assert scalar == int(vector[0]) == VALUE_BOUND
    assert coerce(float("inf"), "int") == VALUE_BOUND
    assert coerce(-float("inf"), "float") == -float(VALUE_BOUND)


@pytest.mark.parametrize("source", ["x * x", "x + x", "x - -x", "0 - x * x", "x / 0.5"])
def test_every_operator_agrees_between_engines_at_the_bound(source: str) -> None:
    expr = compile_expression(source)
    for x in (VALUE_BOUND, -VALUE_BOUND, 2**40, 7):
        scalar = expr.evaluate({"x": x})
        vector = expr.evaluate_vector({"x": np.array([x], dtype=np.int64)})
        assert abs(scalar) <= VALUE_BOUND
        assert float(scalar) == float(np.asarray(vector).reshape(-1)[0]), (source, x)


def test_tiny_scene_minutes_do_not_overflow_the_step_cap() -> None:
    ds = build(
        [("onset", "entry", 1e-310), ("pier", "scene", 2), ("wake", "exit", 1)],
        [("onset", "pier"), ("pier", "onset", 3.0), ("pier", "wake", 1.0)],
        rem=[30],
    )
    assert default_max_steps(compile_program(ds), 30.0) == STEP_CAP
    r = simulate(ds, dreamers=200, seed=1)
    assert r.finished.any()


def test_exit_fix_handles_a_subnormal_exit_weight() -> None:
    ds = build(
        [("onset", "entry", 1), ("pier", "scene", 2), ("wake", "exit", 1)],
        [("onset", "pier"), ("pier", "onset", 1.0), ("pier", "wake", 5e-324)],
    )
    new = raised_exit_weights(ds, "pier", 0.1)
    assert set(new) == {"e3"}
    assert new["e3"] / (new["e3"] + 1.0) >= 0.1
    assert new["e3"] < 0.2
