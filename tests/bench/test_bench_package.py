"""Benchmarks for packages (run with `pytest -m bench`).

Targets: exporting a 10,000-node dreamscape with 50 MB of assets <= 5 s — the whole
publish step: lint with the simulation (2,000 dreamers), the gate with the library's
review, the report, and the package written atomically — and verifying that package
<= 2 s. The assets are 100 incompressible 500 kB images (like PNG/JPEG art).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from studio.io import load_dreamscape, save_dreamscape
from studio.io.package_verify import verify_package
from studio.lint import load_rules
from studio.store import Library
from studio.store.keys import new_key
from studio.store.package_check import check_package
from studio.store.publish import evaluate, export_dreamscape, review_dreamscape
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench

IMAGES = 100
IMAGE_BYTES = 500_000
JUSTIFICATION = "Synthetic scale-test content; never played to a sleeper."


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, Library]:
    """A saved 10k-node dreamscape using 50 MB of art, with a reviewer's override recorded
    (the generated graph scores high, as a dense synthetic graph does)."""
    folder = tmp_path_factory.mktemp("bench-package")
    keys = pytest.MonkeyPatch()  # module-scoped: the per-test keys folder is not set up yet
    keys.setenv("DREAMSTUDIO_KEYS_DIR", str(folder / "keys"))
    rng = random.Random(7)
    (folder / "art").mkdir()
    for i in range(IMAGES):
        (folder / "art" / f"scene{i:03}.png").write_bytes(rng.randbytes(IMAGE_BYTES))
    ds = generate_dreamscape(10_000, seed=0)
    for i, node in enumerate(ds.nodes[: 2 * IMAGES]):
        node.assets = [f"art/scene{i % IMAGES:03}.png"]
    path = folder / "scale.dream"
    save_dreamscape(ds, path)
    lib = Library.open(folder / "library.db")
    load_rules()
    evaluation = evaluate(ds, base_dir=folder, library=lib)
    assert not evaluation.report.fatal
    lorne = new_key("Dr. Lorne")
    lib.trust_key(lorne.public)
    review_dreamscape(
        lib, ds, path, "Dr. Lorne", "override", JUSTIFICATION, evaluation=evaluation, key=lorne
    )
    yield path, lib
    lib.close()
    keys.undo()


def _export(path: Path, lib: Library, out: Path):
    """What `dreamstudio export` does after start-up: load, lint, gate, package, record."""
    ds = load_dreamscape(path)
    return export_dreamscape(ds, path, out, library=lib)


def test_bench_export_10k_50mb(benchmark, project) -> None:
    path, lib = project
    out = path.with_suffix(".dreampkg")
    result = benchmark.pedantic(
        _export, args=(path, lib, out), rounds=3, iterations=1, warmup_rounds=1
    )
    assert result.evaluation.verdict.allowed
    assert result.package.size > IMAGES * IMAGE_BYTES
    assert len(result.package.manifest["files"]) == IMAGES + 3


def test_bench_verify_10k_50mb(benchmark, project) -> None:
    path, lib = project
    out = path.with_name("verify-me.dreampkg")
    _export(path, lib, out)
    result = benchmark.pedantic(
        verify_package, args=(out,), rounds=5, iterations=1, warmup_rounds=1
    )
    assert result.ok, result.problems


def test_bench_check_package_10k_50mb(benchmark, project) -> None:
    """What `dreamstudio verify` does: the archive, the review's signature, the re-lint with
    the recorded simulation settings, and the gate re-applied."""
    path, lib = project
    out = path.with_name("check-me.dreampkg")
    _export(path, lib, out)
    trust = lib.trust_store()
    check = benchmark.pedantic(
        check_package, args=(out, trust), rounds=3, iterations=1, warmup_rounds=1
    )
    assert check.ok, check.problems
