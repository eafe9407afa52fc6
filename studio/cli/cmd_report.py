"""`dreamstudio report`: the ethics report of any design — blocked ones above all, since those
are the ones that need review and `export` refuses them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import EXIT_OK, CliError, emit_text


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write the ethics report (HTML or JSON) of a design, blocked or not",
        description="Lint a dreamscape and write its escapism-risk report: score, ledger, "
        "findings, gate verdict, analysis and simulated-night plots. Exit 0 when written "
        "(whatever the verdict), 2 on bad input.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    p.add_argument("--format", choices=("html", "json"), default=None, help="default: html")
    p.add_argument("--dreamers", type=int, default=2000, help="simulated dreamers (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    p.add_argument(
        "--library",
        metavar="PATH",
        default=None,
        help="also show the latest review recorded for this content in that library",
    )
    p.set_defaults(func=cmd_report)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output and Path(args.output).suffix.lower() == ".json":
        return "json"
    return "html"


def build_report(args: argparse.Namespace) -> str:
    """The report text; lint settings come from the file and its project, as for `lint`."""
    from studio.io import load_dreamscape
    from studio.lint import LintConfigError
    from studio.store.publish import evaluate, render_report, report_data

    if args.dreamers < 1:
        raise CliError("--dreamers: expected at least 1")
    ds = load_dreamscape(args.file)
    library = _library(args.library)
    try:
        evaluation = evaluate(
            ds,
            base_dir=Path(args.file).parent,
            library=library,
            dreamers=args.dreamers,
            seed=args.seed,
        )
    except LintConfigError as exc:
        raise CliError("; ".join(exc.lines())) from None
    finally:
        if library is not None:
            library.close()
    if _format(args) == "json":
        return json.dumps(report_data(ds, evaluation), indent=2, ensure_ascii=False) + "\n"
    return render_report(ds, evaluation)


def _library(path: str | None) -> Any:
    if path is None:
        return None
    from studio.store import Library, LibraryError

    try:
        return Library.open(path)
    except LibraryError as exc:
        raise CliError(str(exc)) from None


def cmd_report(args: argparse.Namespace) -> int:
    if emit_text(build_report(args), args.output, "the report"):
        print(f"{args.output}: report written ({_format(args)})", file=sys.stderr)
    return EXIT_OK
