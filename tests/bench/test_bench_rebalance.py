"""Benchmarks for the rebalancer (run with `pytest -m bench tests/bench/test_bench_rebalance.py -s`).

Targets: Eli's dreamgame rebalanced (search, full-strength verification and the 1-minimal
certificate) <= 5 s; a blocked generated 1,000-scene design <= 60 s. Each prints the
proposal's edit count, score before and after, and lint runs used.
"""

from __future__ import annotations

import pytest

from studio.io import load_dreamscape
from studio.lint import load_rules
from studio.repair import Proposal, rebalance
from tests.bench.generate import generate_dreamscape
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.bench


def _report(name: str, proposal: Proposal) -> None:
    print(
        f"\n{name}: {len(proposal.edits)} edits, risk {proposal.score_before} -> "
        f"{proposal.score_after}, allowed={proposal.allowed}, minimal={proposal.minimal}, "
        f"stopped={proposal.stopped}, {proposal.evaluations} lint runs, "
        f"{proposal.seconds:.2f} s"
    )


def test_bench_rebalance_eli(benchmark) -> None:
    load_rules()
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    proposal = benchmark.pedantic(lambda: rebalance(ds, budget=60), rounds=3, iterations=1)
    _report("Eli's dreamgame", proposal)
    assert proposal.allowed and proposal.minimal


def test_bench_rebalance_1k(benchmark) -> None:
    load_rules()
    ds = generate_dreamscape(1000, seed=0)
    proposal = benchmark.pedantic(lambda: rebalance(ds, budget=180), rounds=1, iterations=1)
    _report("generated 1,000 scenes", proposal)
    assert not proposal.allowed_before
    assert proposal.allowed
