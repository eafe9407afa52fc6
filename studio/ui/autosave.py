"""Autosave to recovery files so a crash or power cut never costs more than a minute of work.

Each open document with unsaved changes is written every interval to one record,
`<user data>/recovery/<key>.recovery`: a JSON object holding the canonical content, the
original path, the title and the owning editor process, in one atomic write (a crash can
never leave content without its path). The owner is identified by pid, boot id and the
process's start time, so a pid reused after a reboot does not hide a copy. Saving or
closing cleanly removes the record; records whose owner is gone are offered for restore at
the next start. A record that is not ours is never overwritten: an editor that finds one
under its key writes beside it (`<key>-2`, …) until the person has chosen. Records of the
older two-file layout (`<key>.dream` + `<key>.json`) are still found and offered.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from studio.identity import user_data_path
from studio.io import DreamFileError, Issue, atomic_write_text, dumps_dreamscape, loads_dreamscape
from studio.io.atomic import clean_stale_temps
from studio.model import Dreamscape

from .document import Document

DEFAULT_INTERVAL_MS = 60_000
ENV_DIR = "ADJUSTER_STUDIO_RECOVERY_DIR"
RECORD_SUFFIX = ".recovery"
RECORD_FORMAT = "adjuster-studio-recovery"
BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
_active_keys: set[str] = set()


def recovery_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    base = Path(override) if override else user_data_path() / "recovery"
    return base


def path_key(path: Path) -> str:
    digest = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"file-{digest}"


def _taken_keys() -> set[str]:
    folder = recovery_dir()
    found = {p.name.removesuffix(RECORD_SUFFIX) for p in folder.glob(f"*{RECORD_SUFFIX}")}
    return found | {p.stem for p in folder.glob("*.dream")} | _active_keys


def _untitled_key() -> str:
    taken = _taken_keys()
    n = 1
    while f"untitled-{n}" in taken:
        n += 1
    return f"untitled-{n}"


# ------------------------------------------------------------ who owns a record
def boot_id() -> str | None:
    """This boot of the machine (Linux); None where the system does not say."""
    try:
        return BOOT_ID_FILE.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def process_start(pid: int) -> int | None:
    """When a process started, in clock ticks since boot (Linux /proc); None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


@lru_cache(maxsize=1)
def current_owner() -> dict[str, Any]:
    """This editor process as a record names it."""
    pid = os.getpid()
    return {"pid": pid, "boot_id": boot_id(), "started": process_start(pid)}


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


def owner_alive(owner: Any) -> bool:
    """Whether the editor that wrote a record still runs: same boot, pid, start time."""
    if not isinstance(owner, dict) or not isinstance(owner.get("pid"), int):
        return False
    pid = owner["pid"]
    here = current_owner()
    recorded_boot = owner.get("boot_id")
    if recorded_boot and here["boot_id"] and recorded_boot != here["boot_id"]:
        return False  # written before a reboot: whoever holds the pid now is someone else
    if pid <= 0 or not _process_alive(pid):
        return False
    started = owner.get("started")
    now = current_owner()["started"] if pid == here["pid"] else process_start(pid)
    return not (isinstance(started, int) and now is not None and started != now)


def _is_ours(owner: Any) -> bool:
    here = current_owner()
    return isinstance(owner, dict) and all(owner.get(k) == here[k] for k in here)


# ------------------------------------------------------------------ records
@dataclass(frozen=True)
class Recovery:
    """One recovery copy on disk."""

    key: str
    file: Path
    original: Path | None
    title: str
    saved_at: float
    content: str | None = None

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        where = str(self.original) if self.original else "never saved"
        return f"{self.title} ({where}), autosaved {when}"

    def load(self) -> Dreamscape:
        """The autosaved document; DreamFileError if the copy is damaged."""
        if self.content is None:
            try:
                return loads_dreamscape(self.file.read_bytes(), self.file)
            except OSError as exc:
                raise DreamFileError(self.file, [Issue("", f"cannot read: {exc}")]) from None
        return loads_dreamscape(self.content, self.file)

    def discard(self) -> None:
        for path in _files_of(recovery_dir(), self.key):
            path.unlink(missing_ok=True)


def _files_of(folder: Path, key: str) -> list[Path]:
    return [folder / f"{key}{RECORD_SUFFIX}", folder / f"{key}.dream", folder / f"{key}.json"]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _describe(key: str, file: Path, info: dict[str, Any], content: str | None) -> Recovery:
    original = info.get("path")
    saved_at = info.get("saved_at")
    if not isinstance(saved_at, int | float):
        with contextlib.suppress(OSError):
            saved_at = file.stat().st_mtime
    return Recovery(
        key,
        file,
        Path(original) if isinstance(original, str) else None,
        str(info.get("title") or key),
        float(saved_at) if isinstance(saved_at, int | float) else 0.0,
        content,
    )


def _read(key: str) -> Recovery | None:
    """The record under a key, unless it is being edited (here or by a running studio)."""
    if key in _active_keys:
        return None
    folder = recovery_dir()
    record = folder / f"{key}{RECORD_SUFFIX}"
    if record.is_file():
        info = _read_json(record)
        owner = info.get("owner")
        content = info.get("content")
        if owner_alive(owner) or not isinstance(content, str):
            return None
        return _describe(key, record, info, content)
    legacy = folder / f"{key}.dream"
    if not legacy.is_file():
        return None
    info = _read_json(legacy.with_suffix(".json"))
    if owner_alive({"pid": info.get("pid")}):
        return None
    return _describe(key, legacy, info, None)


def _keys_present(folder: Path, prefix: str = "") -> list[str]:
    names = {p.name.removesuffix(RECORD_SUFFIX) for p in folder.glob(f"{prefix}*{RECORD_SUFFIX}")}
    return sorted(names | {p.stem for p in folder.glob(f"{prefix}*.dream")})


def orphaned_recoveries() -> list[Recovery]:
    """Recovery copies nobody is editing: what a crash left behind, newest first."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    clean_stale_temps(folder)
    found = [r for key in _keys_present(folder) if (r := _read(key)) is not None]
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def recovery_for(path: Path) -> Recovery | None:
    """The newest leftover recovery copy of this file that is newer than the file itself."""
    folder = recovery_dir()
    base = path_key(path)
    if not folder.is_dir():
        return None
    keys = [k for k in _keys_present(folder, base) if k == base or k.startswith(f"{base}-")]
    found = [r for k in keys if (r := _read(k)) is not None]
    if not found:
        return None
    newest = max(found, key=lambda r: r.saved_at)
    try:
        if Path(path).stat().st_mtime >= newest.file.stat().st_mtime:
            return None
    except OSError:
        pass
    return newest


def _free_key(base: str) -> str:
    """`base`, or `base-2`, `base-3`, … : never a key holding someone else's record."""
    folder = recovery_dir()
    key, n = base, 1
    while key in _active_keys or any(
        f.exists() and not _is_ours(_read_json(f).get("owner")) for f in _files_of(folder, key)
    ):
        n += 1
        key = f"{base}-{n}"
    return key


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
        return _free_key(path_key(path)) if path is not None else _untitled_key()

    @property
    def file(self) -> Path:
        return recovery_dir() / f"{self.key}{RECORD_SUFFIX}"

    def set_interval(self, interval_ms: int) -> None:
        self.timer.setInterval(interval_ms)

    def adopt(self, key: str) -> None:
        """Take over a restored recovery copy (kept until the work is saved)."""
        self._release()
        self.key = key
        _active_keys.add(key)

    def save_now(self) -> bool:
        """Write the recovery record if there is unsaved work; errors never interrupt editing."""
        if not self.document.modified:
            return False
        path = self.document.path
        record = {
            "format": RECORD_FORMAT,
            "version": 1,
            "path": str(path.resolve()) if path else None,
            "title": self.document.ds.meta.title,
            "owner": current_owner(),
            "saved_at": time.time(),
            "content": dumps_dreamscape(self.document.ds),
        }
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(record, ensure_ascii=False))
        except (OSError, UnicodeEncodeError):
            return False
        return True

    def discard(self) -> None:
        for file in _files_of(recovery_dir(), self.key):
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
