"""Benchmarks for the .dream format (run with `pytest -m bench`).

Targets on a 2-core machine, 10,000 nodes / 25,000 edges (about 8 MB of canonical text):
load + full validation from text <= 0.3 s; save (canonical text) <= 0.2 s. The
expression cache is cleared before every load round, so each round compiles every
condition and effect again, as the first load in a fresh studio does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.io import dumps_dreamscape, load_dreamscape, loads_dreamscape, save_dreamscape
from studio.model import Dreamscape
from studio.model.expressions import compile_expression
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench

NODES, EDGES = 10_000, 25_000


@pytest.fixture(scope="module")
def big() -> Dreamscape:
    return generate_dreamscape(NODES, EDGES, seed=0)


@pytest.fixture(scope="module")
def big_text(big: Dreamscape) -> str:
    return dumps_dreamscape(big)


def _cold_cache() -> None:
    compile_expression.cache_clear()


def test_bench_load_validate_10k(benchmark, big_text: str) -> None:
    ds = benchmark.pedantic(
        loads_dreamscape,
        args=(big_text,),
        setup=_cold_cache,
        rounds=10,
        iterations=1,
        warmup_rounds=1,
    )
    assert len(ds.nodes) == NODES and len(ds.edges) == EDGES
    assert sum(1 for e in ds.edges if e.condition) > EDGES // 10


def test_bench_save_10k(benchmark, big: Dreamscape, big_text: str) -> None:
    text = benchmark.pedantic(
        dumps_dreamscape, args=(big,), rounds=10, iterations=1, warmup_rounds=1
    )
    assert text == big_text


def test_bench_save_file_10k(benchmark, big: Dreamscape, tmp_path: Path) -> None:
    """The whole save: canonical text, UTF-8, temp file, fsync, rename."""
    path = tmp_path / "big.dream"
    benchmark.pedantic(save_dreamscape, args=(big, path), rounds=8, iterations=1, warmup_rounds=1)
    assert path.stat().st_size > 1_000_000


def test_bench_load_file_10k(benchmark, big: Dreamscape, tmp_path: Path) -> None:
    path = save_dreamscape(big, tmp_path / "big.dream")
    ds = benchmark.pedantic(
        load_dreamscape, args=(path,), setup=_cold_cache, rounds=8, iterations=1, warmup_rounds=1
    )
    assert len(ds.edges) == EDGES and ds.path == path
