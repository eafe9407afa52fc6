"""`dreamstudio rebalance`: the fewest edits that bring a blocked dreamscape under the gate."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import sys
from pathlib import Path
from typing import Any

from studio.io import dumps_dreamscape, load_dreamscape, save_dreamscape
from studio.lint import LintConfig, LintConfigError
from studio.model import Dreamscape
from studio.repair import Proposal, rebalance
from studio.store import Library, LibraryError
from studio.store.lineage import record_lineage

from .common import EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, CliError, add_format_flag, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rebalance",
        help="propose the fewest edits that bring a blocked dreamscape under the publish gate",
        description="Search for a small, explained set of edits (ways out, anchors, social "
        "scenes, gentler intensities, kinder words) that brings the design under the publish "
        "gate. Exit 0 when the result may be published, 1 when no passing proposal was found, "
        "2 on bad input.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--threshold", type=float, default=None, metavar="N", help="gate threshold")
    p.add_argument(
        "--max-edits", type=int, default=60, metavar="K", help="at most K edits (default 60)"
    )
    p.add_argument(
        "--budget", type=float, default=60.0, metavar="SECONDS", help="time budget (default 60)"
    )
    add_format_flag(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--diff", action="store_true", help="print the unified diff of the file")
    out.add_argument("-o", "--output", metavar="OUT", help="save the rebalanced design to OUT")
    out.add_argument("--write", action="store_true", help="rebalance FILE in place")
    p.add_argument("--library", metavar="PATH", default=None, help="library to record lineage in")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_rebalance)


def _check_args(args: argparse.Namespace) -> None:
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CliError(f"--threshold: expected a score between 0 and 100, got {args.threshold:g}")
    if args.max_edits < 1:
        raise CliError("--max-edits: expected at least 1")
    if args.budget <= 0:
        raise CliError("--budget: expected a positive number of seconds")


def _progress(quiet: bool) -> Any:
    if quiet:
        return None
    last = [-1]

    def show(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if percent // 10 != last[0] // 10 or percent == 100:
            last[0] = percent
            print(f"rebalance: {percent:3d}% {message}", file=sys.stderr)

    return show


def cmd_rebalance(args: argparse.Namespace) -> int:
    _check_args(args)
    ds = load_dreamscape(args.file)  # DreamFileError is reported by main (exit 2)
    before = dumps_dreamscape(ds)
    config = LintConfig(threshold=args.threshold) if args.threshold is not None else None
    try:
        proposal = rebalance(
            ds,
            config,
            max_edits=args.max_edits,
            budget=args.budget,
            progress=_progress(args.quiet),
        )
    except LintConfigError as exc:
        for line in exc.lines():
            print(f"dreamstudio: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if proposal.edits:
        proposal.apply(ds)
    after = dumps_dreamscape(ds)
    if args.diff:
        sys.stdout.writelines(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=f"a/{args.file}",
                tofile=f"b/{args.file}",
            )
        )
    elif args.format == "json":
        print_json({"file": args.file, **proposal.to_dict()})
    else:
        for line in proposal.text_lines():
            print(line)
    target = Path(args.file) if args.write else Path(args.output) if args.output else None
    if target is not None and (after != before or target != Path(args.file)):
        save_dreamscape(ds, target)
        print(f"dreamstudio: wrote {target}", file=sys.stderr)
        if proposal.edits:
            _record(args, ds, proposal, before, target)
    return EXIT_OK if proposal.passes else EXIT_BLOCKED


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(
    args: argparse.Namespace, ds: Dreamscape, proposal: Proposal, before: str, target: Path
) -> None:
    """Keep the recalibration's lineage (and the new revision) in the library."""
    after = dumps_dreamscape(ds)
    try:
        with Library.open(args.library) as lib:
            lib.record_save(ds, target, message=proposal.label, text=after)
            record_lineage(
                lib, _sha(after), _sha(before), proposal.to_dict(), proposal.label, str(target)
            )
    except LibraryError as exc:
        print(f"dreamstudio: warning: lineage not recorded: {exc}", file=sys.stderr)
