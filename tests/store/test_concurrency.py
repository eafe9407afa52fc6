"""Two processes writing to one library at once (two windows, or the CLI beside the app)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from studio.model.starter import starter_dreamscape
from studio.store import CURRENT_SCHEMA, Library

ROOT = Path(__file__).resolve().parents[2]
SAVES = 40

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from studio.model.starter import starter_dreamscape
    from studio.store import Library

    db, go, name, shared, saves = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    while not go.exists():
        time.sleep(0.005)
    lib = Library.open(db)            # both open a fresh database at once: migrations race too
    own = Path(db).with_name(name + ".dream")
    for i in range(saves):
        ds = starter_dreamscape(f"{name} {i}", name)
        assert lib.record_save(ds, own, author=name) is not None
        shared_ds = starter_dreamscape(f"shared by {name} {i}", name)
        lib.record_save(shared_ds, shared, author=name, message=f"{name} {i}")
        rev = lib.revision(shared)
        lib.add_review(rev.content_hash, name, "approve",
                       lint={"score": 1, "band": "low", "findings": []})
    lib.close()
    print("done", name)
""")


def test_two_processes_write_without_corruption(tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    go = tmp_path / "go"
    shared = tmp_path / "shared.dream"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(go), name, str(shared), str(SAVES)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("jamie", "lorne")
    ]
    go.touch()
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("done")

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Library.open(db) as lib:
        assert lib.schema_version == CURRENT_SCHEMA
        for name in ("jamie", "lorne"):
            history = lib.history(tmp_path / f"{name}.dream")
            assert [r.number for r in history] == list(range(1, SAVES + 1))
            assert {r.author for r in history} == {name}
        shared_history = lib.history(shared)
        # Numbers are unique and gap-free however the two writers interleaved.
        assert [r.number for r in shared_history] == list(range(1, len(shared_history) + 1))
        assert len(shared_history) >= SAVES
        # No two consecutive revisions hold the same content.
        hashes = [r.content_hash for r in shared_history]
        assert all(a != b for a, b in zip(hashes, hashes[1:], strict=False))
        reviews = sum(len(lib.reviews_for(h)) for h in set(hashes))
        assert reviews == 2 * SAVES
        assert len(lib.files()) == 3
        assert len(lib.search("shared")) == 1


def test_one_library_shared_by_threads(tmp_path: Path) -> None:
    """A window's library used from background jobs while the window keeps saving."""
    lib = Library.open(tmp_path / "library.db")

    def save(worker: int) -> int:
        made = 0
        for i in range(25):
            ds = starter_dreamscape(f"worker {worker} save {i}")
            if lib.record_save(ds, tmp_path / f"w{worker}.dream") is not None:
                made += 1
            lib.search("worker")
            lib.files()
        return made

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(save, range(4)))
    assert made == [25] * 4
    assert [len(lib.history(tmp_path / f"w{w}.dream")) for w in range(4)] == [25] * 4
    lib.close()
