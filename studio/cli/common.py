"""Shared pieces of the command line: exit codes, loading with located errors, output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the heavy layers load only when a command runs (fast --help/--version)
    from studio.io import DreamFileError
    from studio.model import Dreamscape

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_BAD_INPUT = 2


class CliError(Exception):
    """A usage or input problem reported as one line and exit code 2."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def report_file_error(exc: DreamFileError) -> None:
    """Print a bad file's located `FILE: path: message` lines to stderr."""
    for line in exc.lines():
        print(line, file=sys.stderr)


def load_or_report(path: str | Path) -> Dreamscape | None:
    """Load a dreamscape or print its located errors to stderr and return None."""
    from studio.io import DreamFileError, load_dreamscape

    try:
        return load_dreamscape(path)
    except DreamFileError as exc:
        report_file_error(exc)
        return None


def print_json(data: Any) -> None:
    """Machine-readable output: stable key order, UTF-8, trailing newline."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def add_format_flag(parser: Any, choices: tuple[str, ...] = ("text", "json")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format")
