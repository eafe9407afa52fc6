"""Benchmarks for the night simulator and the exact analysis (run with `pytest -m bench`).

Targets: 10,000 dreamers on a 1,000-node dreamscape with conditions <= 1 s; exact analysis
of 10,000 nodes <= 0.5 s and of 100,000 nodes <= 5 s. The per-dreamer Python loop (the
play engine driven dreamer by dreamer) is measured on the same graph for the speed-up.
"""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from studio.analysis import analyze
from studio.model import Dreamscape
from studio.sim import PlayEngine, simulate
from tests.bench.generate import generate_dreamscape
from tests.sim.builders import build

pytestmark = pytest.mark.bench
ROUNDS = 5


@pytest.fixture(scope="module")
def ds1k() -> Dreamscape:
    return generate_dreamscape(1000, seed=0, conditions=True, variables=3)


@pytest.fixture(scope="module")
def ds10k() -> Dreamscape:
    return generate_dreamscape(10_000, seed=0)


@pytest.fixture(scope="module")
def ds100k() -> Dreamscape:
    return generate_dreamscape(100_000, seed=0)


def python_loop_night(ds: Dreamscape, dreamers: int, seed: int) -> tuple[int, float]:
    """The straightforward way: one PlayEngine walk per dreamer; returns (finished, mean minutes)."""
    rng = random.Random(seed)
    total = ds.night.total_rem_minutes
    eng = PlayEngine(ds)
    finished, minutes = 0, 0.0
    for _ in range(dreamers):
        eng.restart()
        while not eng.is_exit and eng.minutes <= total:
            enabled = [c for c in eng.choices() if c.enabled]
            if not enabled:
                break
            pick = rng.choices(enabled, weights=[c.probability for c in enabled])[0]
            eng.take(pick.edge.id)
        if eng.is_exit and eng.minutes <= total:
            finished += 1
            minutes += eng.minutes
    return finished, minutes / max(finished, 1)


def test_simulate_10000_dreamers_1000_nodes(benchmark, ds1k: Dreamscape) -> None:
    r = benchmark.pedantic(
        simulate, args=(ds1k,), kwargs={"dreamers": 10_000, "seed": 0}, rounds=ROUNDS, iterations=1
    )
    assert r.dreamers == 10_000 and r.finished.any()
    assert any(e.condition for e in ds1k.edges)


def test_simulate_2000_dreamers_1000_nodes(benchmark, ds1k: Dreamscape) -> None:
    """The linter's per-edit simulation size."""
    r = benchmark.pedantic(
        simulate,
        args=(ds1k,),
        kwargs={"dreamers": 2000, "seed": 0},
        rounds=ROUNDS * 2,
        iterations=1,
    )
    assert r.dreamers == 2000


def test_python_loop_vs_vectorized(benchmark, ds1k: Dreamscape) -> None:
    """Per-dreamer Python loop on the same graph; the speed-up lands in extra_info."""
    dreamers = 2000
    finished, mean = benchmark.pedantic(
        python_loop_night, args=(ds1k, dreamers, 0), rounds=2, iterations=1
    )
    loop_per_dreamer = benchmark.stats.stats.min / dreamers
    best = min(_timed(lambda: simulate(ds1k, dreamers=10_000, seed=0)) for _ in range(ROUNDS))
    r = simulate(ds1k, dreamers=10_000, seed=0)
    benchmark.extra_info["loop_seconds_per_10000"] = loop_per_dreamer * 10_000
    benchmark.extra_info["vectorized_seconds_per_10000"] = best
    benchmark.extra_info["speedup"] = loop_per_dreamer * 10_000 / best
    # Both walk the same chain: the finished share must agree within sampling noise.
    share = finished / dreamers
    assert abs(share - r.finished.mean()) < 4 * np.sqrt(share * (1 - share) / dreamers) + 0.01


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_analyze_10000_nodes(benchmark, ds10k: Dreamscape) -> None:
    a = benchmark.pedantic(analyze, args=(ds10k,), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["solver"] = a.solver
    assert a.exit_probability == 1.0 and a.expected_minutes is not None


def test_analyze_100000_nodes(benchmark, ds100k: Dreamscape) -> None:
    a = benchmark.pedantic(analyze, args=(ds100k,), rounds=3, iterations=1)
    benchmark.extra_info["solver"] = a.solver
    assert a.exit_probability == 1.0 and a.expected_minutes is not None


def _tangled(n: int, seed: int = 0) -> Dreamscape:
    """Edges to anywhere in the file: the case where sparse LU fill-in explodes."""
    rng = np.random.default_rng(seed)
    kinds = ["entry"] + ["exit" if rng.random() < 0.02 else "scene" for _ in range(n - 1)]
    nodes = [(f"n{i}", kinds[i], float(rng.integers(1, 9))) for i in range(n)]
    edges = [
        (f"n{i}", f"n{j}", 1.0)
        for i in range(n)
        if kinds[i] != "exit"
        for j in rng.choice(n, 3, replace=False)
    ]
    return build(nodes, edges)


def test_analyze_10000_tangled_nodes(benchmark) -> None:
    ds = _tangled(10_000)
    a = benchmark.pedantic(analyze, args=(ds,), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["solver"] = a.solver
    assert a.solver == "gmres" and a.expected_minutes is not None
