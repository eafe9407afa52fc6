"""Located problems in input files: every problem, with its field path, never a traceback."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem at one field path, e.g. `edges[3].to: unknown node 'pier2'`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DreamFileError(Exception):
    """A file that could not be loaded; carries every problem found."""

    def __init__(self, source: str | Path, issues: list[Issue]) -> None:
        self.source = str(source)
        self.issues = list(issues)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """`FILE: path: message` lines, as the CLI prints them and the app shows them."""
        return [f"{self.source}: {issue}" for issue in self.issues]


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOENT: "the folder does not exist",
    errno.EFBIG: "the file is too large for this file system",
    errno.EIO: "the disk reported an input/output error",
}


def os_reason(exc: OSError) -> str:
    """A plain-words reason for a failed file operation."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


class WriteError(OSError):
    """A save that failed (full disk, permission, read-only mount, a folder in the way).

    The file that was there before is untouched; `str()` says what failed and where.
    """

    def __init__(self, path: str | Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror, str(path))
        self.path = Path(path)
        self.reason = os_reason(cause)

    def __str__(self) -> str:
        return f"{self.path}: cannot save: {self.reason} (nothing on disk was changed)"
