"""Crash recovery that cannot be lost (issue 18, defect 6): one atomic record per document,
owners identified by boot, pid and start time, and no record overwritten before it is offered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.io import dumps_dreamscape, load_dreamscape
from studio.ui import autosave, dialogs
from studio.ui.recovery import offer_recoveries

from . import test_files
from .test_files import EXAMPLE

make_window = test_files.make_window  # the window fixture, shared

LINUX_PROC = Path("/proc/self/stat").exists()


def _record(path: Path | None, title: str, owner: dict[str, object], key: str) -> Path:
    ds = load_dreamscape(EXAMPLE)
    ds.meta.title = title
    folder = autosave.recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{key}{autosave.RECORD_SUFFIX}"
    record = {
        "format": autosave.RECORD_FORMAT,
        "version": 1,
        "path": str(path) if path else None,
        "title": title,
        "owner": owner,
        "saved_at": time.time() + 5,
        "content": dumps_dreamscape(ds),
    }
    file.write_text(json.dumps(record), encoding="utf-8")
    future = time.time() + 30
    os.utime(file, (future, future))
    return file


@pytest.fixture
def running_process() -> Iterator[subprocess.Popen[bytes]]:
    """A live process whose pid a stale record may name."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _offered(monkeypatch: pytest.MonkeyPatch, answer: str = "later") -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(
        dialogs, "ask_restore", lambda parent, descriptions: seen.extend(descriptions) or answer
    )
    return seen


def test_a_record_from_before_a_reboot_is_offered_though_its_pid_is_alive_again(
    make_window, monkeypatch, running_process
) -> None:
    owner = {"pid": running_process.pid, "boot_id": "an-earlier-boot", "started": 1}
    _record(None, "Eli's night before the reboot", owner, "untitled-4")
    seen = _offered(monkeypatch)
    offer_recoveries(make_window())
    assert any("Eli's night before the reboot" in d for d in seen)


@pytest.mark.skipif(not LINUX_PROC, reason="process start times come from /proc")
def test_a_reused_pid_with_another_start_time_does_not_hide_a_record(
    make_window, monkeypatch, running_process
) -> None:
    started = autosave.process_start(running_process.pid)
    assert started is not None
    owner = {"pid": running_process.pid, "boot_id": autosave.boot_id(), "started": started - 1}
    _record(None, "Mae's garden, pid reused", owner, "untitled-5")
    seen = _offered(monkeypatch)
    offer_recoveries(make_window())
    assert any("pid reused" in d for d in seen)


def test_a_record_of_a_running_studio_is_left_to_it(
    make_window, monkeypatch, running_process
) -> None:
    pid = running_process.pid
    owner = {"pid": pid, "boot_id": autosave.boot_id(), "started": autosave.process_start(pid)}
    _record(None, "Jamie's other window", owner, "untitled-6")
    seen = _offered(monkeypatch)
    offer_recoveries(make_window())
    assert seen == []


def test_a_record_not_yet_offered_is_never_overwritten(
    make_window, monkeypatch, tmp_path, qtbot
) -> None:
    path = tmp_path / "garden.dream"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    dead = {"pid": 2**22 + 7, "boot_id": autosave.boot_id(), "started": 5}
    leftover = _record(path, "Unsaved garden", dead, autosave.path_key(path))
    kept = leftover.read_bytes()
    _offered(monkeypatch, "later")  # the person postpones the choice
    win = make_window()
    assert win.open_path(path)
    win.document.add_node("anchor", 20, 20)
    assert win.autosaver.save_now()
    assert leftover.read_bytes() == kept  # still there for the next start
    assert win.autosaver.file != leftover and win.autosaver.file.exists()
    mine = json.loads(win.autosaver.file.read_text(encoding="utf-8"))
    assert mine["path"] == str(path.resolve()) and mine["content"].startswith("{")
    win.document.set_modified(False)
    offered = [r.title for r in autosave.orphaned_recoveries()]
    assert offered == ["Unsaved garden"]


def test_restoring_takes_the_record_over_and_saving_removes_it(
    make_window, monkeypatch, tmp_path
) -> None:
    path = tmp_path / "garden.dream"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    dead = {"pid": 2**22 + 9, "boot_id": autosave.boot_id(), "started": 5}
    leftover = _record(path, "Restored garden", dead, autosave.path_key(path))
    _offered(monkeypatch, "restore")
    win = make_window()
    assert win.open_path(path)
    assert win.document.ds.meta.title == "Restored garden" and win.document.path == path
    assert json.loads(leftover.read_text(encoding="utf-8"))["owner"] == autosave.current_owner()
    assert win.save()
    assert not leftover.exists()
    assert autosave.orphaned_recoveries() == []


def test_owner_identity_names_this_boot_and_process() -> None:
    me = autosave.current_owner()
    assert me["pid"] == os.getpid()
    assert autosave.owner_alive(me)
    assert not autosave.owner_alive({**me, "boot_id": "another-boot"}) or me["boot_id"] is None
    assert not autosave.owner_alive({"pid": "7"})
