"""File handling of the editor: save/reopen, prompts, bad files, autosave recovery, layout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from studio.io import dumps_dreamscape, load_dreamscape
from studio.ui import autosave, dialogs, settings
from studio.ui.document import Document
from studio.ui.main_window import WINDOWS, MainWindow
from studio.ui.recovery import offer_recoveries
from tests.conftest import EXAMPLES, ROOT

EXAMPLE = EXAMPLES / "maes-garden.dream"


@pytest.fixture
def make_window(qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    made: list[MainWindow] = []

    def make(path: Path | None = None, **kwargs) -> MainWindow:
        doc = Document(load_dreamscape(path), path) if path else None
        win = MainWindow(doc, live_panels=False, **kwargs)
        win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        if win in WINDOWS:
            win.document.set_modified(False)
            win.close()
    WINDOWS.clear()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_save_as_then_reopen_gives_the_same_canonical_file(
    make_window, monkeypatch, tmp_path
) -> None:
    win = make_window(EXAMPLE)
    win.document.add_node("anchor", 100, 900)
    target = tmp_path / "garden-copy"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: target.with_suffix(".dream"))
    assert win.save_as()
    saved = target.with_suffix(".dream")
    assert not win.isWindowModified() and win.windowTitle().endswith("garden-copy.dream[*]")
    text = saved.read_text(encoding="utf-8")
    assert text == dumps_dreamscape(win.document.ds)
    other = make_window()
    assert other.open_path(saved)
    assert dumps_dreamscape(other.document.ds) == text
    assert settings.recent_files()[0] == saved.resolve()
    other.rebuild_recent_menu()
    assert any(a.text().endswith("garden-copy.dream") for a in other.recent_menu.actions())


def test_unsaved_changes_prompt_cancel_discard_and_save(make_window, monkeypatch, tmp_path) -> None:
    path = tmp_path / "g.dream"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    win = make_window(path)
    win.document.add_node("scene", 0, 0)
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_save_changes", lambda parent, name, *_: asked.append(name) or "cancel"
    )
    assert not win.close() and win.isVisible()
    assert asked == ["g.dream"]
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name, *_: "save")
    assert win.close()
    assert len(load_dreamscape(path).nodes) == len(load_dreamscape(EXAMPLE).nodes) + 1
    win2 = make_window(path)
    win2.document.add_node("scene", 0, 0)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name, *_: "discard")
    assert win2.close()
    assert len(load_dreamscape(path).nodes) == len(load_dreamscape(EXAMPLE).nodes) + 1


def test_bad_file_shows_every_error_and_keeps_the_current_document(
    make_window, monkeypatch, tmp_path
) -> None:
    win = make_window(EXAMPLE)
    win.document.add_node("scene", 0, 0)
    before = dumps_dreamscape(win.document.ds)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["nodes"][0]["kind"] = "dragon"
    data["nodes"][1]["intensity"] = 7
    data["edges"][0]["to"] = "nowhere"
    bad = tmp_path / "bad.dream"
    bad.write_text(json.dumps(data), encoding="utf-8")
    shown = []
    monkeypatch.setattr(dialogs, "show_errors", lambda *args: shown.append(args))
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: pytest.fail("must not prompt"))
    assert not win.open_path(bad)
    lines = shown[0][3]
    assert len(lines) == 3 and all(line.startswith(str(bad)) for line in lines)
    assert any("nodes[0].kind" in line for line in lines)
    assert any("nodes[1].intensity" in line for line in lines)
    assert any("edges[0].to" in line for line in lines)
    assert dumps_dreamscape(win.document.ds) == before and win.document.modified
    assert win.document.path == EXAMPLE


def test_revert_restores_the_file(make_window, monkeypatch) -> None:
    win = make_window(EXAMPLE)
    win.document.add_node("scene", 0, 0)
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: True)
    win.actions_.revert.trigger()
    assert dumps_dreamscape(win.document.ds) == dumps_dreamscape(load_dreamscape(EXAMPLE))
    assert not win.document.modified and win.document.undo_stack.count() == 0


def test_autosave_writes_a_recovery_copy_and_saving_removes_it(
    qtbot, make_window, tmp_path
) -> None:
    path = tmp_path / "g.dream"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    win = make_window(path)
    win.autosaver.set_interval(30)
    recovery = win.autosaver.file
    qtbot.wait(120)
    assert not recovery.exists()  # nothing unsaved, nothing written
    win.document.add_node("reward", 40, 40)
    qtbot.waitUntil(recovery.exists, timeout=3000)
    # One record holds content, path and owner: no crash can separate them (issue 18).
    info = json.loads(recovery.read_text(encoding="utf-8"))
    assert info["content"] == dumps_dreamscape(win.document.ds)
    assert info["path"] == str(path.resolve()) and info["owner"]["pid"] == os.getpid()
    assert sorted(p.name for p in recovery.parent.iterdir()) == [recovery.name]
    assert autosave.orphaned_recoveries() == []  # ours, still being edited
    win.save()
    assert not recovery.exists() and not list(recovery.parent.iterdir())


def test_recovery_after_a_crash_is_offered_and_restored(
    qtbot, make_window, monkeypatch, tmp_path
) -> None:
    crashed = make_window()
    crashed.document.add_node("nightmare", 10, 10)
    crashed.document.ds.meta.title = "Eli's unsaved night"
    assert crashed.autosaver.save_now()
    leftover = crashed.autosaver.file
    # Simulate a crash: the process that wrote it is gone and nothing closes it cleanly.
    info = json.loads(leftover.read_text(encoding="utf-8"))
    info["owner"]["pid"] = _dead_pid()
    leftover.write_text(json.dumps(info), encoding="utf-8")
    autosave._active_keys.discard(crashed.autosaver.key)
    crashed.autosaver.timer.stop()
    expected = dumps_dreamscape(crashed.document.ds)

    offered = []
    monkeypatch.setattr(
        dialogs,
        "ask_restore",
        lambda parent, descriptions: offered.extend(descriptions) or "restore",
    )
    fresh = make_window()
    opened = offer_recoveries(fresh)
    assert opened == [fresh] and "Eli's unsaved night" in offered[0]
    assert dumps_dreamscape(fresh.document.ds) == expected
    assert fresh.document.modified and fresh.isWindowModified()
    assert fresh.autosaver.key == leftover.name.removesuffix(".recovery")
    fresh.document.set_modified(False)
    assert not leftover.exists()


def test_discarding_recoveries_deletes_them(make_window, monkeypatch) -> None:
    folder = autosave.recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "untitled-9.dream").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "untitled-9.json").write_text(json.dumps({"pid": _dead_pid(), "title": "Old"}))
    monkeypatch.setattr(dialogs, "ask_restore", lambda *a: "discard")
    assert offer_recoveries(make_window()) == []
    assert not list(folder.glob("untitled-9.*"))


def test_opening_a_file_with_a_newer_recovery_offers_it(make_window, monkeypatch, tmp_path) -> None:
    path = tmp_path / "g.dream"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    ds = load_dreamscape(path)
    ds.meta.title = "Recovered garden"
    key = autosave.path_key(path)
    folder = autosave.recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.dream").write_text(dumps_dreamscape(ds), encoding="utf-8")
    (folder / f"{key}.json").write_text(
        json.dumps({"path": str(path), "pid": _dead_pid(), "title": "Recovered garden"})
    )
    future = path.stat().st_mtime + 10
    os.utime(folder / f"{key}.dream", (future, future))
    monkeypatch.setattr(dialogs, "ask_restore", lambda *a: "restore")
    win = make_window()
    assert win.open_path(path)
    assert win.document.ds.meta.title == "Recovered garden" and win.document.modified
    assert win.document.path == path


def test_window_layout_is_remembered(make_window) -> None:
    win = make_window(remember_layout=True)
    win.resize(730, 560)
    win.outline_dock.hide()
    QApplication.processEvents()
    win.close()
    geometry, state = settings.window_state()
    assert geometry and state
    again = make_window(remember_layout=True)
    QApplication.processEvents()
    assert again.size().width() == 730 and not again.outline_dock.isVisible()


def test_screenshot_renders_a_png_and_bad_files_exit_2(tmp_path) -> None:
    out = tmp_path / "shot.png"
    env = {
        **os.environ,
        "ADJUSTER_STUDIO_RECOVERY_DIR": str(tmp_path / "rec"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            str(EXAMPLE),
            "--screenshot",
            str(out),
            "--size",
            "1200x800",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 1200
    bad = tmp_path / "bad.dream"
    bad.write_text(
        '{"format": "dreamscape", "version": 1, "nodes": [{"id": "x"}]}', encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), str(bad), "--screenshot", str(tmp_path / "no.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert f"{bad}: nodes[0].kind: missing" in run.stderr
    assert not (tmp_path / "no.png").exists()
