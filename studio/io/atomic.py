"""Atomic file writes: a crash or a full disk mid-save never leaves a half-written file.

A save writes `.<name>.<random>.tmp` beside the target, fsyncs it and renames it over the
target. Any failure raises WriteError naming the target, and leaves the target as it was.
Temp files a killed process left behind are removed by the next save to the same folder
once they are older than STALE_AFTER_S.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from .errors import WriteError

STALE_AFTER_S = 300.0
_TEMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp").fullmatch


class _GuardedFile:
    """The temp file as the caller sees it: a failed write names the target, not the temp."""

    def __init__(self, handle: IO[Any], target: Path) -> None:
        self._handle = handle
        self._target = target

    def write(self, data: Any) -> int:
        try:
            return self._handle.write(data)
        except OSError as exc:
            raise WriteError(self._target, exc) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Yield a temp file beside the target; on success fsync and rename it over the target.

    Any exception leaves the target untouched and removes the temp file; file-system
    failures of the save itself raise WriteError. A symlinked target is written through
    (the link stays a link), and the existing file's permission bits are kept.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise WriteError(path, IsADirectoryError(21, "Is a directory"))
    directory = path.parent if str(path.parent) else Path(".")
    clean_stale_temps(directory)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WriteError(path, exc) from exc
    try:
        yield from _written(fd, mode, path)
        _keep_mode(tmp_name, path)
        try:
            os.replace(tmp_name, path)
        except OSError as exc:
            raise WriteError(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _sync_directory(directory)


def _written(fd: int, mode: str, path: Path) -> Iterator[BinaryIO]:
    """Hand out the temp file; a failure of the save itself becomes WriteError."""
    body_done = False
    try:
        with os.fdopen(fd, mode) as handle:
            yield cast(BinaryIO, _GuardedFile(handle, path))
            body_done = True
            _finish(handle, path)
    except WriteError:
        raise
    except OSError as exc:
        if isinstance(exc.__context__, WriteError):  # closing failed after a failed write
            raise exc.__context__ from None
        if body_done:
            raise WriteError(path, exc) from exc
        raise


def _finish(handle: IO[Any], target: Path) -> None:
    """Flush and fsync: a full disk often shows only here."""
    try:
        handle.flush()
        os.fsync(handle.fileno())
    except OSError as exc:
        raise WriteError(target, exc) from exc


def _keep_mode(tmp_name: str, path: Path) -> None:
    """The new file gets the old file's permission bits, or the umask's for a new file."""
    with contextlib.suppress(OSError):
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)


def clean_stale_temps(directory: str | Path, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove our atomic-write temp files a killed process left in a folder; never fails."""
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    with contextlib.suppress(OSError):
        with os.scandir(directory) as entries:
            for entry in entries:
                if not (_TEMP_NAME(entry.name) and entry.is_file(follow_symlinks=False)):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
    return removed


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temp file beside the target, fsync, then rename over it."""
    with atomic_open(path) as handle:
        handle.write(data)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); silently skipped where folders cannot be opened."""
    flags = getattr(os, "O_DIRECTORY", 0) | os.O_RDONLY
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, flags)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    """UTF-8 text with `\\n` line ends, written atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))
