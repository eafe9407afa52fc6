"""What `dreamstudio lint` reads: files, folders (every `.dream` below), globs and stdin."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import CliError

STDIN = "-"
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Input:
    """One design to lint: the path shown in reports, and its text when not read from disk."""

    display: str
    text: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.display)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".dream"):
                yield Path(root) / name


def _display(path: Path) -> str:
    text = str(path)
    return text[2:] if text.startswith("./") else text


def expand(paths: Iterable[str], stdin_filename: str | None = None) -> list[Input]:
    """Folders become their `.dream` files, globs their matches; order kept, duplicates once.
    A path that does not exist is passed on, so the loader reports it with the others."""
    found: list[Input] = []
    seen: set[str] = set()

    def add(item: Input) -> None:
        key = item.display if item.text is not None else os.path.abspath(item.display)
        if key not in seen:
            seen.add(key)
            found.append(item)

    for raw in list(paths) or ["."]:
        if raw == STDIN:
            add(Input(stdin_filename or "<stdin>", sys.stdin.read()))
        elif Path(raw).is_dir():
            for path in _walk(Path(raw)):
                add(Input(_display(path)))
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise CliError(f"{raw}: no file matches this pattern")
            for match in matches:
                if Path(match).is_dir():
                    for path in _walk(Path(match)):
                        add(Input(_display(path)))
                else:
                    add(Input(match))
        else:
            add(Input(raw))
    if not found:
        raise CliError(f"no .dream files found in {', '.join(paths) or '.'}")
    return found
