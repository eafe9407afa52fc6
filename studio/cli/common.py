"""Shared pieces of the command line: exit codes, loading with located errors, output."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the heavy layers load only when a command runs (fast --help/--version)
    from studio.io import DreamFileError
    from studio.model import Dreamscape

if TYPE_CHECKING:
    from studio.io.package_verify import Limits

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


def report_os_error(exc: OSError) -> int:
    """A failed save or file operation: what failed and where, one line, exit 2."""
    from studio.io import WriteError
    from studio.io.errors import os_reason

    if isinstance(exc, WriteError):
        print(f"dreamstudio: {exc}", file=sys.stderr)
    else:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"dreamstudio: {where}{os_reason(exc)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def load_or_report(path: str | Path) -> Dreamscape | None:
    """Load a dreamscape or print its located errors to stderr and return None."""
    from studio.io import DreamFileError, load_dreamscape

    try:
        return load_dreamscape(path)
    except DreamFileError as exc:
        report_file_error(exc)
        return None


def emit_text(text: str, output: str | None, what: str) -> bool:
    """Print `text`, or write it atomically to `output`; True when it went to a file."""
    if not output:
        sys.stdout.write(text)
        return False
    from studio.io.atomic import atomic_write_text

    try:
        atomic_write_text(Path(output), text)
    except OSError as exc:
        raise CliError(f"{output}: cannot write {what}: {exc.strerror or exc}") from None
    return True


def print_json(data: Any) -> None:
    """Machine-readable output: stable key order, UTF-8, trailing newline."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def add_format_flag(parser: Any, choices: tuple[str, ...] = ("text", "json")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format")


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """`4G`, `500M`, `64K` or a byte count (binary units)."""
    raw = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = raw[-1:] if raw[-1:] in _SIZE_UNITS else ""
    try:
        value = float(raw[: len(raw) - len(unit)])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 8G, 500M)") from None
    if not 0 < value < 1 << 60:
        raise argparse.ArgumentTypeError(f"size out of range: {text!r}")
    return int(value * _SIZE_UNITS[unit])


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a ratio: {text!r}") from None
    if not 1 <= value <= 1e9:
        raise argparse.ArgumentTypeError(f"ratio out of range: {text!r} (1 to 1e9)")
    return value


def add_limit_flags(parser: Any) -> None:
    """Package expansion limits a person may raise for a package they trust."""
    from studio.io.package_verify import DEFAULT_LIMITS as d

    parser.add_argument(
        "--max-total-size",
        type=parse_size,
        default=d.max_total_bytes,
        metavar="SIZE",
        help=f"refuse packages expanding past this in all (default {d.max_total_bytes >> 30}G)",
    )
    parser.add_argument(
        "--max-entry-size",
        type=parse_size,
        default=d.max_entry_bytes,
        metavar="SIZE",
        help=f"refuse any entry expanding past this (default {d.max_entry_bytes >> 30}G)",
    )
    parser.add_argument(
        "--max-ratio",
        type=_ratio,
        default=d.max_ratio,
        metavar="N",
        help=f"refuse compression ratios over N:1, per entry and in all (default {d.max_ratio:.0f})",
    )


def package_limits(args: argparse.Namespace) -> Limits:
    """The limits the flags of `add_limit_flags` ask for."""
    from studio.io.package_verify import DEFAULT_LIMITS

    return dataclasses.replace(
        DEFAULT_LIMITS,
        max_total_bytes=args.max_total_size,
        max_entry_bytes=args.max_entry_size,
        max_ratio=args.max_ratio,
    )
