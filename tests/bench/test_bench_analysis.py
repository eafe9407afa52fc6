"""Benchmarks for the exact product analysis (run with `pytest -m bench`).

Targets (issue 11): 1,000 scenes with 3 booleans (about 8,000 states) whole-process
`dreamstudio analyze` <= 1 s; 1,000,000 product states <= 10 s and <= 2 GB peak; our time
against Storm's parse + build + check on the same export at 10k and 1M states; re-analysis
of a 1,000-scene design after one edit <= 150 ms.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.analysis import analyze, to_prism
from studio.io import save_dreamscape
from studio.model import Dreamscape
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench
FLAGS = ("lucid", "met_mae", "remembered_home")


def with_booleans(scenes: int, seed: int = 0, flags: tuple[str, ...] = FLAGS) -> Dreamscape:
    """A generated design whose state is the scene and a few booleans set and read on the way."""
    from studio.model import Variable

    ds = generate_dreamscape(scenes, seed=seed, conditions=False, variables=0)
    rng = random.Random(seed)
    ds.variables = {f: Variable(f, "bool", False) for f in flags}
    for node in ds.nodes:
        if node.kind != "exit" and rng.random() < 0.15:
            node.effects = {rng.choice(flags): rng.choice(["true", "false", f"not {flags[0]}"])}
    for edge in ds.edges:
        if rng.random() < 0.1 and len(ds.out_edges(edge.source)) > 1:
            edge.condition = rng.choice([*flags, *(f"not {f}" for f in flags)])
    return ds


def test_analyze_1k_scenes_3_booleans_whole_process(tmp_path: Path, benchmark) -> None:
    ds = with_booleans(1000)
    path = tmp_path / "big.dream"
    save_dreamscape(ds, path)
    cmd = [sys.executable, "-m", "studio.cli.main", "analyze", str(path), "--format", "json"]

    def run() -> None:
        subprocess.run(cmd, check=True, capture_output=True)

    benchmark.pedantic(run, rounds=3, iterations=1)
    a = analyze(ds)
    benchmark.extra_info["states"] = a.states
    assert a.method == "exact" and 4000 <= a.states <= 9000


def test_analyze_million_states(benchmark) -> None:
    ds = with_booleans(62_500, flags=FLAGS + ("shell",))
    before = time.perf_counter()
    a = benchmark.pedantic(lambda: analyze(ds, max_states=2_000_000), rounds=1, iterations=1)
    benchmark.extra_info["seconds"] = time.perf_counter() - before
    benchmark.extra_info["states"] = a.states
    benchmark.extra_info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert a.method == "exact"


@pytest.mark.parametrize("scenes", [1500, 62_500])
def test_ours_against_storm(scenes: int, tmp_path: Path, benchmark) -> None:
    stormpy = pytest.importorskip("stormpy")
    ds = with_booleans(scenes, flags=FLAGS + ("shell",))
    start = time.perf_counter()
    a = analyze(ds, max_states=2_000_000)
    ours = time.perf_counter() - start
    path = tmp_path / "model.prism"
    path.write_text(to_prism(a.space))

    def storm() -> None:
        program = stormpy.parse_prism_program(str(path))
        props = stormpy.parse_properties('Pmax=? [ F "exit" ]; Pmin=? [ F "exit" ]', program)
        model = stormpy.build_model(program, props)
        for p in props:
            stormpy.model_checking(model, p, only_initial_states=True)

    before = time.perf_counter()
    benchmark.pedantic(storm, rounds=1, iterations=1)
    theirs = time.perf_counter() - before
    benchmark.extra_info.update(states=a.states, ours_s=ours, storm_s=theirs, ratio=ours / theirs)


def test_reanalysis_after_one_edit(benchmark) -> None:
    ds = with_booleans(1000)
    analyze(ds)
    edge = ds.edges[10]

    def edit_and_analyze() -> None:
        edge.weight = 2.0 if edge.weight == 1.0 else 1.0
        analyze(ds)

    benchmark.pedantic(edit_and_analyze, rounds=5, iterations=1)
