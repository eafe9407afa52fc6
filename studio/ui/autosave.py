"""Autosave to recovery files so a crash or power cut never costs more than a minute of work.

Each open document with unsaved changes is written every interval to
`<user data>/recovery/<key>.dream` with a small `<key>.json` beside it (original path,
title, owning process). Saving or closing cleanly removes both; files left behind by a
process that is no longer running are offered for restore at the next start.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from studio.identity import user_data_path
from studio.io import atomic_write_text, dumps_dreamscape

from .document import Document

DEFAULT_INTERVAL_MS = 60_000
ENV_DIR = "ADJUSTER_STUDIO_RECOVERY_DIR"
_active_keys: set[str] = set()


def recovery_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    base = Path(override) if override else user_data_path() / "recovery"
    return base


def path_key(path: Path) -> str:
    digest = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"file-{digest}"


def _untitled_key() -> str:
    taken = {p.stem for p in recovery_dir().glob("untitled-*.dream")} | _active_keys
    n = 1
    while f"untitled-{n}" in taken:
        n += 1
    return f"untitled-{n}"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would terminate the process there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


@dataclass(frozen=True)
class Recovery:
    """One recovery copy on disk."""

    key: str
    file: Path
    original: Path | None
    title: str
    saved_at: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        where = str(self.original) if self.original else "never saved"
        return f"{self.title} ({where}), autosaved {when}"

    def discard(self) -> None:
        for path in (self.file, self.file.with_suffix(".json")):
            path.unlink(missing_ok=True)


def _read(file: Path) -> Recovery | None:
    try:
        info = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict):
        info = {}
    pid = info.get("pid")
    if file.stem in _active_keys or (
        isinstance(pid, int) and pid != os.getpid() and _process_alive(pid)
    ):
        return None  # still being edited, here or in another running studio
    original = info.get("path")
    saved_at = info.get("saved_at")
    return Recovery(
        file.stem,
        file,
        Path(original) if isinstance(original, str) else None,
        str(info.get("title") or file.stem),
        saved_at if isinstance(saved_at, int | float) else file.stat().st_mtime,
    )


def orphaned_recoveries() -> list[Recovery]:
    """Recovery copies nobody is editing: what a crash left behind, newest first."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = [r for f in folder.glob("*.dream") if (r := _read(f)) is not None]
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def recovery_for(path: Path) -> Recovery | None:
    """A leftover recovery copy of this file that is newer than the file itself."""
    file = recovery_dir() / f"{path_key(path)}.dream"
    if not file.is_file():
        return None
    found = _read(file)
    if found is None:
        return None
    try:
        if Path(path).stat().st_mtime >= file.stat().st_mtime:
            return None
    except OSError:
        pass
    return found


class Autosaver(QObject):
    """Writes one document's recovery copy on a timer while it has unsaved changes."""

    def __init__(
        self,
        document: Document,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.key = self._key_for(document.path)
        _active_keys.add(self.key)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()
        document.modified_changed.connect(self._on_modified)
        document.path_changed.connect(self._on_path)

    @staticmethod
    def _key_for(path: Path | None) -> str:
        return path_key(path) if path is not None else _untitled_key()

    @property
    def file(self) -> Path:
        return recovery_dir() / f"{self.key}.dream"

    def set_interval(self, interval_ms: int) -> None:
        self.timer.setInterval(interval_ms)

    def adopt(self, key: str) -> None:
        """Take over a restored recovery copy (kept until the work is saved)."""
        self._release()
        self.key = key
        _active_keys.add(key)

    def save_now(self) -> bool:
        """Write the recovery copy if there is unsaved work; errors never interrupt editing."""
        if not self.document.modified:
            return False
        path = self.document.path
        info = {
            "path": str(path.resolve()) if path else None,
            "title": self.document.ds.meta.title,
            "pid": os.getpid(),
            "saved_at": time.time(),
        }
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, dumps_dreamscape(self.document.ds))
            atomic_write_text(self.file.with_suffix(".json"), json.dumps(info))
        except OSError:
            return False
        return True

    def discard(self) -> None:
        for file in (self.file, self.file.with_suffix(".json")):
            file.unlink(missing_ok=True)

    def _release(self) -> None:
        self.discard()
        _active_keys.discard(self.key)

    def _on_modified(self, modified: bool) -> None:
        if not modified:
            self.discard()

    def _on_path(self, path: object) -> None:
        self._release()
        self.key = self._key_for(path if isinstance(path, Path) else None)
        _active_keys.add(self.key)

    def close(self) -> None:
        """A clean close: stop and remove the recovery copy."""
        self.timer.stop()
        self._release()
