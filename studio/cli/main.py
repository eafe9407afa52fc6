"""`dreamstudio`: the headless face of the studio for designers, reviewers and CI."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from studio import __version__
from studio.threads import limit_library_threads

from .common import EXIT_BAD_INPUT, CliError, report_file_error, report_os_error

# Each module exposes `register(subparsers)`; the order is the order of `--help`.
COMMAND_MODULES: tuple[str, ...] = (
    "studio.cli.cmd_files",
    "studio.cli.cmd_sim",
    "studio.cli.cmd_lint",
    "studio.cli.cmd_report",
    "studio.cli.cmd_rebalance",
    "studio.cli.cmd_library",
    "studio.cli.cmd_keys",
    "studio.cli.cmd_tools",
)

# Which module registers a command, so that a command imports only what it needs (start-up
# like ruff's). A command missing here still works: every module is registered for it.
COMMAND_OWNERS: dict[str, str] = {
    **dict.fromkeys(("new", "validate", "info", "format"), "studio.cli.cmd_files"),
    **dict.fromkeys(("analyze", "simulate"), "studio.cli.cmd_sim"),
    **dict.fromkeys(("lint", "rules", "plugins"), "studio.cli.cmd_lint"),
    "report": "studio.cli.cmd_report",
    "rebalance": "studio.cli.cmd_rebalance",
    **dict.fromkeys(("library", "review", "export", "verify", "import"), "studio.cli.cmd_library"),
    "keys": "studio.cli.cmd_keys",
    **dict.fromkeys(("completion", "schema"), "studio.cli.cmd_tools"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that always exits 2 with usage on bad flags (it already does; keep it explicit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """Only the module owning the named command; every module for top-level help or typos."""
    words = [a for a in (argv or ()) if not a.startswith("-")]
    if words and words[0] in COMMAND_OWNERS:
        return (COMMAND_OWNERS[words[0]],)
    return COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the subcommand it names is registered (lazy imports)."""
    parser = _Parser(
        prog="dreamstudio",
        description="Adjuster Studio on the command line: validate, analyse, simulate, lint, "
        "review and package dreamscapes.",
    )
    parser.add_argument("--version", action="version", version=f"dreamstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES if argv is None else _modules_for(argv):
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    limit_library_threads()  # before any command imports numpy
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv in (["--version"], ["-V"]):
        print(f"dreamstudio {__version__}")
        return 0
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    from studio.io import DreamFileError

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
