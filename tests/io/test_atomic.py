"""Saves are atomic: a failure at any point leaves the old file byte-identical and no debris."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from studio.io import (
    DreamFileError,
    WriteError,
    atomic_write_text,
    dumps_dreamscape,
    load_dreamscape,
    loads_dreamscape,
    save_dreamscape,
)
from studio.io import atomic as atomic_module
from studio.model.ops import UpdateNode, UpdateRecord

from .conftest import valid_data, valid_text


@pytest.fixture()
def saved(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "bay.dream"
    original = valid_text().encode("utf-8")
    path.write_bytes(original)
    return path, original


def _edited(path: Path) -> Any:
    ds = load_dreamscape(path)
    UpdateRecord("meta", {"title": "Lantern Bay, revised"}).apply(ds)
    return ds


def test_failed_rename_keeps_old_file_and_no_temp(
    saved: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = saved
    ds = _edited(path)

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(atomic_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_dreamscape(ds)
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["bay.dream"]


def test_disk_full_mid_write_keeps_old_file_and_no_temp(
    saved: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = saved
    ds = _edited(path)
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: Any) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(
        atomic_module.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode))
    )
    with pytest.raises(WriteError, match="the disk is full") as info:
        save_dreamscape(ds)
    assert str(path) in str(info.value) and info.value.errno == errno.ENOSPC
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["bay.dream"]


def test_interrupt_during_sync_cleans_up(
    saved: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, original = saved

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(path, "half a dream")
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["bay.dream"]


def test_unwritable_document_never_touches_the_file(saved: tuple[Path, bytes]) -> None:
    path, original = saved
    ds = load_dreamscape(path)
    UpdateNode("pier", {"x": float("inf")}).apply(ds)
    with pytest.raises(ValueError):
        save_dreamscape(ds)
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["bay.dream"]


def test_successful_save_replaces_and_keeps_mode(saved: tuple[Path, bytes]) -> None:
    path, _ = saved
    os.chmod(path, 0o640)
    ds = _edited(path)
    assert save_dreamscape(ds) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_dreamscape(path).meta.title == "Lantern Bay, revised"
    assert sorted(p.name for p in path.parent.iterdir()) == ["bay.dream"]


def test_new_file_honours_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.dream", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.dream").stat().st_mode) == 0o640


def test_save_through_a_symlink_keeps_the_link(saved: tuple[Path, bytes], tmp_path: Path) -> None:
    path, _ = saved
    link = tmp_path / "link.dream"
    link.symlink_to(path)
    ds = load_dreamscape(link)
    UpdateRecord("meta", {"author": "Jamie and Mae"}).apply(ds)
    save_dreamscape(ds)
    assert link.is_symlink()
    assert load_dreamscape(path).meta.author == "Jamie and Mae"


def test_saves_preserve_unknown_keys(tmp_path: Path) -> None:
    data = valid_data()
    data["x_studio"] = {"zoom": 2}
    data["nodes"][0]["x_color"] = "#112233"
    data["edges"][0]["x_curve"] = [0.5]
    path = tmp_path / "bay.dream"
    path.write_text(json.dumps(data), encoding="utf-8")
    ds = load_dreamscape(path)
    UpdateNode("onset", {"title": "Falling asleep"}).apply(ds)
    save_dreamscape(ds)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["x_studio"] == {"zoom": 2}
    assert again["nodes"][0]["x_color"] == "#112233"
    assert again["edges"][0]["x_curve"] == [0.5]
    assert again["nodes"][0]["title"] == "Falling asleep"


def test_save_needs_a_path(tmp_path: Path) -> None:
    ds = loads_dreamscape(valid_text())
    with pytest.raises(ValueError, match="no file"):
        save_dreamscape(ds)
    target = save_dreamscape(ds, tmp_path / "first.dream")
    assert ds.path == target
    assert target.read_text(encoding="utf-8") == dumps_dreamscape(ds)


def test_load_reports_missing_files_and_folders(tmp_path: Path) -> None:
    with pytest.raises(DreamFileError) as info:
        load_dreamscape(tmp_path / "nowhere.dream")
    assert info.value.lines() == [f"{tmp_path / 'nowhere.dream'}: no such file"]
    with pytest.raises(DreamFileError) as info:
        load_dreamscape(tmp_path)
    assert "folder" in info.value.lines()[0]
