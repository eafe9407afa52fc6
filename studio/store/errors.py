"""Problems the library reports to the person, as one clear sentence each."""

from __future__ import annotations

import os
from pathlib import Path


class LibraryError(Exception):
    """The library database cannot be opened or used (named in the message)."""


class ReviewError(Exception):
    """A review the rules refuse, with why (e.g. an override of a fatal finding)."""


def _folder_state(path: Path) -> str:
    """'full', 'read-only' or '' for the folder holding the library."""
    try:
        stats = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return ""
    if stats.f_flag & getattr(os, "ST_RDONLY", 1):
        return "read-only"
    return "full" if stats.f_bavail * stats.f_frsize < 256 * 1024 else ""


_SQLITE_REASONS = {
    "SQLITE_FULL": "the disk is full; nothing was changed",
    "SQLITE_READONLY": "the library is read-only (file permissions or a read-only mount)",
    "SQLITE_CANTOPEN": "cannot open the database file (permissions, or a missing folder)",
    "SQLITE_BUSY": "the library is busy (another studio is writing); try again",
    "SQLITE_LOCKED": "the library is busy (another studio is writing); try again",
    "SQLITE_IOERR": "the disk reported an input/output error",
}


def sqlite_problem(path: str | Path, exc: Exception) -> LibraryError:
    """A database failure in the person's words, naming the library file."""
    name = str(getattr(exc, "sqlite_errorname", "")).split("_")[:2]
    code = "_".join(name)
    state = _folder_state(Path(path)) if code in ("SQLITE_IOERR", "SQLITE_CANTOPEN") else ""
    if state == "full":
        code = "SQLITE_FULL"
    elif state == "read-only":
        code = "SQLITE_READONLY"
    reason = _SQLITE_REASONS.get(code, f"not a usable library database ({exc})")
    return LibraryError(f"{path}: {reason}")
