"""`dreamstudio`: the headless face of the studio for designers, reviewers and CI."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from studio import __version__
from studio.io import DreamFileError

from .common import EXIT_BAD_INPUT, CliError, report_file_error, report_os_error

# Each module exposes `register(subparsers)`; the order is the order of `--help`.
COMMAND_MODULES: tuple[str, ...] = (
    "studio.cli.cmd_files",
    "studio.cli.cmd_sim",
    "studio.cli.cmd_lint",
    "studio.cli.cmd_library",
)


class _Parser(argparse.ArgumentParser):
    """argparse that always exits 2 with usage on bad flags (it already does; keep it explicit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dreamstudio",
        description="Adjuster Studio on the command line: validate, analyse, simulate, lint, "
        "review and package dreamscapes.",
    )
    parser.add_argument("--version", action="version", version=f"dreamstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except DreamFileError as exc:
        report_file_error(exc)
        return EXIT_BAD_INPUT
    except CliError as exc:
        print(f"dreamstudio: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a read-only mount, a folder in the way
        return report_os_error(exc)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
