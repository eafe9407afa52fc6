"""The proof: the exact analysis agrees with the Monte Carlo simulator and with Storm.

(a) The typical dreamer's P(exit) and expected minutes equal the simulated night's within the
sample's standard error (a long night, so nobody is cut off by the clock). (b) Our PRISM export
checked by Storm (stormpy, the optional `verify` extra) gives the same Pmin, Pmax, Emin, Emax
and typical values to 1e-6; those tests skip when stormpy is not installed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from studio.analysis import analyze, to_prism
from studio.io import load_dreamscape
from studio.model import Dreamscape
from studio.sim import simulate

from .designs import designs

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "assets" / "examples").glob("*.dream"))
DREAMERS = 4000
STEPS = 1500
SIGMAS = 5.0


def long_night(ds: Dreamscape) -> Dreamscape:
    ds.night.rem_minutes = [1e7]
    ds.night.cycle_minutes = 1e7
    return ds


def assert_matches_simulation(ds: Dreamscape, dreamers: int = DREAMERS) -> None:
    a = analyze(ds)
    r = simulate(long_night(ds), dreamers=dreamers, seed=11, max_steps=STEPS)
    finished = np.asarray(r.finished, bool)
    p = a.exit_probability
    se = math.sqrt(max(p * (1 - p), 1e-12) / dreamers)
    # Dreamers still walking at the step cap count as not finished: allow that tail.
    assert abs(float(finished.mean()) - p) <= SIGMAS * se + 2e-3, (p, finished.mean())
    if a.expected_minutes is not None and finished.all():
        minutes = np.asarray(r.minutes, float)
        mean, sd = float(minutes.mean()), float(minutes.std(ddof=1))
        assert abs(mean - a.expected_minutes) <= SIGMAS * sd / math.sqrt(dreamers) + 1e-9, (
            mean,
            a.expected_minutes,
        )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_agree_with_the_simulator(path: Path) -> None:
    assert_matches_simulation(load_dreamscape(path))


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_generated_designs_agree_with_the_simulator(ds: Dreamscape) -> None:
    assert_matches_simulation(ds, dreamers=3000)


# ------------------------------------------------------------------ Storm


def storm_values(text: str, props: list[str], tmp: Path) -> tuple[int, list[float]]:
    stormpy = pytest.importorskip("stormpy")
    from stormpy import environments as envs

    path = tmp / "model.prism"
    path.write_text(text)
    program = stormpy.parse_prism_program(str(path))
    formulas = stormpy.parse_properties(";".join(props), program)
    model = stormpy.build_model(program, formulas)
    env = stormpy.Environment()
    solver = env.solver()
    solver.set_linear_equation_solver_type(envs.EquationSolverType.EIGEN)
    solver.min_max().method = envs.MinMaxMethod.POLICY_ITERATION
    init = model.initial_states[0]
    out = []
    for f in formulas:
        result = stormpy.model_checking(model, f, only_initial_states=True, environment=env)
        out.append(float(result.get_value(init)))
    return model.nr_states, out


MDP_PROPS = [
    'Pmax=? [ F "exit" ]',
    'Pmin=? [ F "exit" ]',
    'R{"minutes"}min=? [ F "exit" ]',
    'R{"minutes"}max=? [ F "exit" ]',
]
DTMC_PROPS = ['P=? [ F "exit" ]', 'R{"minutes"}=? [ F "exit" ]']


def _close(ours: float | None, theirs: float) -> bool:
    if ours is None or not math.isfinite(ours):
        return math.isinf(theirs)
    # Expected minutes of 1e10 and more come from chains that almost never leak (ill
    # conditioned: both solvers lose digits there), so those compare to 1e-5 relative.
    rel = 1e-6 if abs(theirs) < 1e6 else 1e-5
    return abs(ours - theirs) <= rel * max(1.0, abs(theirs))


def assert_matches_storm(ds: Dreamscape, tmp: Path) -> None:
    a = analyze(ds)
    assert a.space is not None and a.entry is not None
    n, (pmax, pmin, emin, emax) = storm_values(to_prism(a.space), MDP_PROPS, tmp)
    assert n == int(a.space.from_entry.sum())
    d = a.dreamers
    assert _close(d["leaving"]["exit_probability"], pmax)
    assert _close(d["compulsive"]["exit_probability"], pmin)
    assert _close(d["leaving"]["expected_minutes"], emin), (d["leaving"], emin)
    assert _close(d["compulsive"]["expected_minutes"], emax), (d["compulsive"], emax)
    _, (p, e) = storm_values(to_prism(a.space, dtmc=True), DTMC_PROPS, tmp)
    assert _close(d["typical"]["exit_probability"], p)
    assert _close(d["typical"]["expected_minutes"], e)


@pytest.mark.parametrize("name", ["maes-garden", "reality-somnos"])
def test_examples_agree_with_storm(name: str, tmp_path: Path) -> None:
    assert_matches_storm(load_dreamscape(next(p for p in EXAMPLES if p.stem == name)), tmp_path)


@settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(designs())
def test_generated_designs_agree_with_storm(tmp_path: Path, ds: Dreamscape) -> None:
    assert_matches_storm(ds, tmp_path)
