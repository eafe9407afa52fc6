"""Benchmarks for the ethics linter (run with `pytest -m bench`).

Targets: linting a 1,000-node dreamscape with every rule, simulation included (2,000
dreamers, the editor's live setting), <= 150 ms after start-up; 10,000 nodes <= 2 s.
Rule discovery and imports happen once before timing, as in a running studio.
"""

from __future__ import annotations

import pytest

from studio.lint import lint_dreamscape, load_rules
from studio.model import Dreamscape
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def ds1k() -> Dreamscape:
    return generate_dreamscape(1000, seed=0)


@pytest.fixture(scope="module")
def ds10k() -> Dreamscape:
    return generate_dreamscape(10_000, seed=0)


def _lint(ds: Dreamscape):
    return lint_dreamscape(ds, dreamers=2000, seed=0)


def _check(report) -> None:
    # Every rule ran, the simulation included, and nothing broke.
    assert report.simulation is not None and report.analysis is not None
    assert report.rule_errors == [] and report.plugin_errors == []
    assert len(report.rules_run) == len(load_rules().rules) - 1  # DS005: no folder to check


def test_bench_lint_1k(benchmark, ds1k: Dreamscape) -> None:
    load_rules()
    _lint(ds1k)  # start-up: imports, phrase patterns, expression cache
    report = benchmark.pedantic(_lint, args=(ds1k,), rounds=15, iterations=1, warmup_rounds=1)
    _check(report)


def test_bench_lint_10k(benchmark, ds10k: Dreamscape) -> None:
    load_rules()
    _lint(ds10k)
    report = benchmark.pedantic(_lint, args=(ds10k,), rounds=5, iterations=1, warmup_rounds=0)
    _check(report)
