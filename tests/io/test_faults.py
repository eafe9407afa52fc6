"""Fault injection: a failing disk never loses work, never prints a traceback, and always
says what failed and where (issue 18, defect 5 and the package limits of defect 4).

The writer is patched to fail like a full disk, a denied permission or a read-only mount;
where the test runs as root and may mount a 64 KiB tmpfs, the same is done for real.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import WriteError, dumps_dreamscape, load_dreamscape, save_dreamscape
from studio.io import atomic as atomic_module
from studio.io.atomic import STALE_AFTER_S, clean_stale_temps
from studio.io.package_verify import Limits, import_package, verify_package
from studio.model.starter import starter_dreamscape
from studio.store import Library, LibraryError

from .test_package_hostile import Entry, assert_rejected, build, good_entries, relisted
from .test_package_write import make_project, write

FAULTS = {
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied",
    errno.EROFS: "the file system is read-only",
}


@pytest.fixture(params=sorted(FAULTS), ids=lambda e: errno.errorcode[e])
def failing_disk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Every atomic save fails with one errno, after half the data reached the temp file."""
    code = int(request.param)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.fstat(fd).st_size:  # a file being saved, not a folder sync
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(atomic_module.os, "fsync", fsync)
    yield code


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "lantern-bay.dream"
    ds = starter_dreamscape("Lantern Bay", "Jamie", "teen")
    ds.node("first_scene").text = "Mae waves from the pier."
    path.write_text(dumps_dreamscape(ds), encoding="utf-8")  # not through the failing writer
    return path


def _no_debris(folder: Path, expected: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == expected


def test_save_keeps_the_original_and_names_the_path(tmp_path: Path, failing_disk: int) -> None:
    path = _project(tmp_path)
    original = path.read_bytes()
    ds = load_dreamscape(path)
    ds.node("first_scene").title = "Kites over the harbour"
    with pytest.raises(WriteError) as info:
        save_dreamscape(ds)
    assert str(info.value).startswith(f"{path}: cannot save: {FAULTS[failing_disk]}")
    assert info.value.errno == failing_disk
    assert path.read_bytes() == original
    _no_debris(tmp_path, {path.name})


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _fixable(tmp_path: Path) -> Path:
    """The exit holds 1% of the scene's weight (a way back holds the rest): EXT005 can fix it."""
    path = _project(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["edges"][1]["weight"] = 0.01
    data["edges"].append({"id": "back", "from": "first_scene", "to": "onset", "weight": 1.0})
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["format", "new", "library show -o", "lint --fix"])
def test_cli_commands_report_a_failing_disk_with_exit_2(
    tmp_path: Path, failing_disk: int, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fixable(tmp_path) if command == "lint --fix" else _project(tmp_path)
    library = tmp_path / "lib.db"
    if command == "library show -o":
        with Library.open(library) as lib:
            lib.record_save(load_dreamscape(path), path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    target = path
    if command == "format":
        path.write_bytes(path.read_bytes().replace(b"\n  ", b"\n    ", 1))
        before[path.name] = path.read_bytes()
        argv = ["format", str(path)]
    elif command == "new":
        target = tmp_path / "new-bay.dream"
        argv = ["new", str(target)]
    elif command == "library show -o":
        target = tmp_path / "old.dream"
        argv = ["library", "--library", str(library), "show", str(path), "-o", str(target)]
    else:
        argv = ["lint", "--fix", str(path)]
    code, err = _run(argv, capsys)
    assert code == 2, err
    assert f"{target}: cannot save: {FAULTS[failing_disk]}" in err
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for name in ("lib.db-wal", "lib.db-shm"):
        before.pop(name, None), after.pop(name, None)
    assert after.keys() == before.keys()
    assert after[path.name] == before[path.name]


def test_an_output_path_that_is_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    library = tmp_path / "lib.db"
    with Library.open(library) as lib:
        lib.record_save(load_dreamscape(path), path)
    folder = tmp_path / "shelf"
    folder.mkdir()
    (folder / "keep.txt").write_text("Eli's notes")
    code, err = _run(
        ["library", "--library", str(library), "show", str(path), "-o", str(folder)], capsys
    )
    assert code == 2
    assert f"{folder}: cannot save: it is a folder" in err
    assert (folder / "keep.txt").read_text() == "Eli's notes"


def test_format_refuses_a_read_only_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"\n  ", b"\n    ", 1))
    before = path.read_bytes()
    path.chmod(0o444)
    code, err = _run(["format", str(path)], capsys)
    assert code == 2
    assert f"{path}: is read-only; not rewriting it" in err
    assert path.read_bytes() == before
    assert main(["format", "--check", str(path)]) == 1  # checking still works


def test_library_write_failures_name_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    path = _project(tmp_path)
    library = tmp_path / "lib.db"
    with Library.open(library) as lib:
        lib.record_save(load_dreamscape(path), path)
        ds = load_dreamscape(path)
        ds.node("first_scene").title = "Kites"

        class FullConnection:
            def __init__(self, conn: sqlite3.Connection) -> None:
                self._conn = conn

            def execute(self, sql: str, *args: object) -> object:
                if sql.startswith("INSERT"):
                    error = sqlite3.OperationalError("database or disk is full")
                    error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
                    raise error
                return self._conn.execute(sql, *args)

            def __getattr__(self, name: str) -> object:
                return getattr(self._conn, name)

        real = lib.conn
        monkeypatch.setattr(lib, "conn", FullConnection(real))
        with pytest.raises(LibraryError, match=f"{library}: the disk is full"):
            lib.record_save(ds, path)
        monkeypatch.setattr(lib, "conn", real)
        assert [r.number for r in lib.history(path)] == [1]


def test_verify_and_import_refuse_a_review_that_is_not_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = good_entries(tmp_path)
    manifest = json.loads(next(e.data for e in entries if e.name == "manifest.json"))
    manifest["review"] = "approved by Dr. Lorne"
    entries = [
        Entry(e.name, json.dumps(manifest).encode()) if e.name == "manifest.json" else e
        for e in entries
    ]
    pkg = tmp_path / "odd-review.dreampkg"
    pkg.write_bytes(build(entries))
    code, err = _run(["verify", str(pkg)], capsys)
    assert code == 1
    assert "manifest.json: review must be an object or null" in err
    assert_rejected(tmp_path, build(entries), "review must be an object")


def _many_small_bombs(tmp_path: Path, count: int = 24) -> bytes:
    """`count` entries of exactly 1 MiB of zeros: each under the per-entry ratio floor."""
    zeros = [Entry(f"assets/zeros-{i:03}.bin", bytes(1 << 20)) for i in range(count)]
    return build(relisted(good_entries(tmp_path) + zeros))


def test_a_bomb_spread_over_many_entries_is_refused_before_writing(tmp_path: Path) -> None:
    archive = _many_small_bombs(tmp_path)
    assert len(archive) < 200_000  # 24 MiB declared
    assert_rejected(tmp_path, archive, "compressed in all")


def test_a_person_can_raise_or_lower_the_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "zeros.dreampkg"
    pkg.write_bytes(_many_small_bombs(tmp_path))
    code, err = _run(["verify", str(pkg)], capsys)
    assert code == 1 and "zip bomb" in err
    code, err = _run(["verify", str(pkg), "--max-ratio", "5000"], capsys)
    assert "zip bomb" not in err and "compressed in all" not in err
    code, err = _run(["verify", str(pkg), "--max-ratio", "5000", "--max-total-size", "8M"], capsys)
    assert code == 1 and "over the 8.0 MiB limit" in err
    with pytest.raises(SystemExit) as bad_flag:
        main(["verify", str(pkg), "--max-total-size", "lots"])
    assert bad_flag.value.code == 2
    assert verify_package(pkg, Limits(max_ratio=5000)).problems == [
        p for p in verify_package(pkg, Limits(max_ratio=5000)).problems if "bomb" not in p
    ]
    dest = tmp_path / "shelf"
    with pytest.raises(Exception, match="compressed in all"):
        import_package(pkg, dest)
    assert not dest.exists()


def test_stale_temp_files_are_cleaned_by_the_next_save(tmp_path: Path) -> None:
    path = _project(tmp_path)
    stale = tmp_path / f".{path.name}.k1llm3x9.tmp"
    fresh = tmp_path / f".{path.name}.inflight.tmp"
    other = tmp_path / ".notes.tmp"
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"half a dream")
    old = os.stat(stale).st_mtime - STALE_AFTER_S - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    save_dreamscape(load_dreamscape(path))
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # young, or not ours
    assert clean_stale_temps(tmp_path, older_than_s=-1) == [fresh]


# ------------------------------------------------------------------ a real tiny disk
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, when the test may mount one (root on Linux); skipped otherwise."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    """Write until the disk refuses another byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, bytes(1024)):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_really_full_disk(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _project(tiny_disk)
    path.write_bytes(path.read_bytes().replace(b"\n  ", b"\n    ", 1))
    original = path.read_bytes()
    _fill(tiny_disk)
    code, err = _run(["format", str(path)], capsys)
    assert code == 2 and f"{path}: cannot save: the disk is full" in err
    assert path.read_bytes() == original
    code, err = _run(["library", "--library", str(tiny_disk / "lib.db"), "add", str(path)], capsys)
    assert code == 2 and "the disk is full" in err and "not a usable" not in err
    assert path.read_bytes() == original
    assert not [p for p in tiny_disk.iterdir() if p.name.endswith(".tmp")]


def test_a_really_read_only_mount(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _project(tiny_disk)
    original = path.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    try:
        code, err = _run(["lint", "--fix", str(path)], capsys)
        assert code in (0, 1)  # nothing to fix: nothing written
        code, err = _run(["new", str(tiny_disk / "more.dream")], capsys)
        assert code == 2 and "more.dream" in err
        code, err = _run(["library", "--library", str(tiny_disk / "l.db"), "list"], capsys)
        assert code == 2 and "read-only" in err
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=False)
    assert path.read_bytes() == original


def test_exports_through_the_guarded_writer_still_verify(tmp_path: Path) -> None:
    """The guarded temp file is transparent to zipfile (write, seek, tell, read back)."""
    ds, path = make_project(tmp_path, png_bytes=5_000)
    info = write(ds, path, tmp_path / "ok.dreampkg")
    assert verify_package(info.path).ok
