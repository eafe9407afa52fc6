"""Whole-process timings (start-up included), as users and CI feel them: `dreamstudio
--version` and `lint --help` against `python -c pass`, and `dreamstudio simulate` of 100,000
dreamers on 1,000 scenes against a plain per-dreamer Python walk (tests/bench/plain_walk.py).
Figures land in extra_info; print them with `pytest -m bench tests/bench/test_bench_startup.py -s`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.io import save_dreamscape
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[2]
DREAMSTUDIO = [sys.executable, "-m", "studio.cli.main"]


def _wall(argv: list[str], rounds: int) -> tuple[float, str]:
    """The best wall time of `rounds` runs, and the last run's output."""
    best, out = float("inf"), ""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(rounds):
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
        best = min(best, time.perf_counter() - t0)
        out = done.stdout
    return best, out


def test_startup_within_3x_of_python(benchmark) -> None:
    base, _ = _wall([sys.executable, "-c", "pass"], 7)
    version, out = _wall([*DREAMSTUDIO, "--version"], 7)
    lint_help, help_out = _wall([*DREAMSTUDIO, "lint", "--help"], 7)
    benchmark.pedantic(lambda: None, rounds=1)
    benchmark.extra_info.update(
        python_pass=base,
        version=version,
        lint_help=lint_help,
        version_ratio=version / base,
        lint_help_ratio=lint_help / base,
    )
    print(
        f"\npython -c pass {base:.3f}s; --version {version:.3f}s ({version / base:.1f}x); "
        f"lint --help {lint_help:.3f}s ({lint_help / base:.1f}x)"
    )
    assert out.startswith("dreamstudio ") and "--format" in help_out


def test_simulate_100k_dreamers_vs_plain_walk(benchmark, tmp_path: Path) -> None:
    path = tmp_path / "night.dream"
    save_dreamscape(generate_dreamscape(1000, seed=0, conditions=True, variables=3), path)
    sim, sim_out = _wall(
        [*DREAMSTUDIO, "simulate", str(path), "--dreamers", "100000", "--format", "json"], 3
    )
    walk, walk_out = _wall(
        [sys.executable, str(ROOT / "tests/bench/plain_walk.py"), str(path), "100000", "0"], 2
    )
    benchmark.pedantic(lambda: None, rounds=1)
    benchmark.extra_info.update(simulate=sim, plain_walk=walk, ratio=walk / sim)
    print(f"\nsimulate 100k {sim:.2f}s; plain walk {walk:.2f}s; ratio {walk / sim:.1f}x")
    import json

    share = json.loads(sim_out)["finished_fraction"]
    assert abs(share - float(walk_out)) < 0.01  # the same chain, within sampling noise
