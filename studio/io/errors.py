"""Located problems in input files: every problem, with its field path, never a traceback."""

from __future__ import annotations

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
