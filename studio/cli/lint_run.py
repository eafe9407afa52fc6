"""Running `dreamstudio lint`, as named steps: settings from the flags, the inputs, one lint per
file (with --fix / --diff), the report in the chosen format, the exit code; and --watch."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from studio.io import DreamFileError, dumps_dreamscape, loads_dreamscape, save_dreamscape
from studio.io.atomic import atomic_write_text
from studio.lint import (
    LintConfig,
    LintConfigError,
    LintReport,
    apply_fixes,
    lint_dreamscape,
    reporters,
)
from studio.lint.plugins import RuleSet
from studio.lint.registry import load_rules
from studio.model import Dreamscape

from .common import EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, CliError, report_file_error
from .lint_inputs import Input, expand

MAX_FIX_PASSES = 5
WATCH_INTERVAL_SECONDS = 0.5


@dataclass
class Run:
    """What one pass over the inputs produced."""

    results: list[reporters.FileResult] = field(default_factory=list)
    bad_input: bool = False
    changed: bool = False
    warned: set[str] = field(default_factory=set)


# ------------------------------------------------------------------ settings
def _codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


def _rule_options(options: list[str]) -> dict[str, dict[str, float]]:
    rules: dict[str, dict[str, float]] = {}
    for option in options:
        key, sep, value = option.partition("=")
        code, dot, name = key.partition(".")
        if not sep or not dot or not code or not name:
            raise CliError(f"--set {option}: expected CODE.NAME=VALUE (e.g. EXT003.warn_steps=8)")
        try:
            number = float(value)
        except ValueError:
            raise CliError(f"--set {option}: '{value}' is not a number") from None
        rules.setdefault(code.strip().upper(), {})[name.strip()] = number
    return rules


def cli_config(args: argparse.Namespace) -> LintConfig:
    """The command line as the top settings layer."""
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CliError(f"--threshold: expected a score between 0 and 100, got {args.threshold:g}")
    if args.dreamers < 1:
        raise CliError("--dreamers: expected at least 1")
    config_file = Path(args.config) if getattr(args, "config", None) else None
    if config_file is not None and not config_file.is_file():
        raise CliError(f"--config {config_file}: no such file")
    return LintConfig(
        select=_codes(args.select),
        ignore=_codes(args.ignore),
        threshold=args.threshold,
        rules=_rule_options(args.rule_options),
        origin="command line",
        layer="cli",
        config_file=config_file,
        isolated=bool(getattr(args, "isolated", False)),
    )


def _check_flags(args: argparse.Namespace) -> None:
    stdin = "-" in args.files
    if stdin and args.fix:
        raise CliError("--fix: needs files on disk, not - (use --diff to see the changes)")
    if stdin and args.watch:
        raise CliError("--watch: needs files on disk, not -")
    if args.watch and (args.fix or args.diff):
        raise CliError("--watch: cannot be combined with --fix or --diff")


# ------------------------------------------------------------------- linting
def fix_until_stable(
    ds: Dreamscape, config: LintConfig, ruleset: RuleSet, *, dreamers: int, seed: int
) -> tuple[LintReport, list[str]]:
    """Lint, apply automatic fixes, repeat until nothing more applies; the last report is
    of the fixed document."""
    applied: list[str] = []
    for _ in range(MAX_FIX_PASSES):
        report = lint_dreamscape(ds, config, rules=ruleset, dreamers=dreamers, seed=seed)
        done = apply_fixes(ds, report)
        if not done:
            return report, applied
        applied += done
    return lint_dreamscape(ds, config, rules=ruleset, dreamers=dreamers, seed=seed), applied


def _diff(path: str, before: str, after: str) -> list[str]:
    return list(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def _read(item: Input) -> tuple[str, Dreamscape] | None:
    """The design's text and document, or None after printing its located errors."""
    try:
        text = item.text if item.text is not None else item.path.read_text(encoding="utf-8")
        ds = loads_dreamscape(text, item.display)
    except DreamFileError as exc:
        report_file_error(exc)
        return None
    except FileNotFoundError:
        print(f"{item.display}: no such file", file=sys.stderr)
        return None
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{item.display}: cannot read: {exc}", file=sys.stderr)
        return None
    if item.text is None:
        ds.path = item.path
    return text, ds


def _fix_or_diff(
    args: argparse.Namespace,
    item: Input,
    text: str,
    ds: Dreamscape,
    run: Run,
    lint: tuple[LintConfig, RuleSet],
) -> LintReport | None:
    """--diff prints what would change (no report); --fix saves and reports the fixed file."""
    report, applied = fix_until_stable(ds, *lint, dreamers=args.dreamers, seed=args.seed)
    if args.diff:
        lines = _diff(item.display, text, dumps_dreamscape(ds)) if applied else []
        sys.stdout.writelines(lines)
        run.changed = run.changed or bool(lines)
        return None
    if applied:
        save_dreamscape(ds, item.path)
        if not args.quiet:
            for description in applied:
                print(f"{item.display}: fixed {description}", file=sys.stderr)
    return report


def _lint_one(
    args: argparse.Namespace, item: Input, config: LintConfig, ruleset: RuleSet, run: Run
) -> None:
    """Lint one input into `run` (or its diff / fixed file); problems go to stderr."""
    read = _read(item)
    if read is None:
        run.bad_input = True
        return
    text, ds = read
    base_dir = item.path.parent if item.text is not None else None
    try:
        if args.fix or args.diff:
            report = _fix_or_diff(args, item, text, ds, run, (config, ruleset))
            if report is None:
                return
            text = dumps_dreamscape(ds)
        else:
            report = lint_dreamscape(
                ds,
                config,
                base_dir=base_dir,
                rules=ruleset,
                dreamers=args.dreamers,
                seed=args.seed,
            )
    except LintConfigError as exc:
        for line in exc.lines():
            print(f"dreamstudio: {line}", file=sys.stderr)
        run.bad_input = True
        return
    _note(args, item, report, run)
    run.results.append(reporters.file_result(item.display, report, text))


def _note(args: argparse.Namespace, item: Input, report: LintReport, run: Run) -> None:
    if not args.quiet:
        for warning in report.config_warnings:
            if warning not in run.warned:
                run.warned.add(warning)
                print(f"dreamstudio: warning: {warning}", file=sys.stderr)
    for error in report.rule_errors:
        print(f"{item.display}: rule error: {error}", file=sys.stderr)


def lint_inputs(
    args: argparse.Namespace, inputs: list[Input], config: LintConfig, ruleset: RuleSet
) -> Run:
    run = Run()
    for item in inputs:
        _lint_one(args, item, config, ruleset, run)
    return run


# -------------------------------------------------------------------- output
def use_color(choice: str, stream: TextIO) -> bool:
    """`always`/`never` as given; `auto` colours a terminal unless NO_COLOR is set."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def render(args: argparse.Namespace, run: Run, ruleset: RuleSet, *, color: bool) -> str:
    """The whole report in the chosen format, as text."""
    results, keep = run.results, not args.no_suppressed
    fmt = args.format
    if fmt == "json":
        doc = reporters.json_document(results, suppressed=keep)
        if args.statistics:
            doc["statistics"] = reporters.statistics(results)
        return _json(doc)
    if fmt == "sarif":
        return _json(reporters.sarif_document(results, ruleset.rules, suppressed=keep))
    if fmt == "gitlab":
        return _json(reporters.gitlab_issues(results))
    if fmt == "junit":
        return reporters.junit_xml(results)
    if fmt == "github":
        return _lines(reporters.github_lines(results))
    if fmt == "concise":
        lines = reporters.concise_lines(results)
        return _lines(lines[:-1] if args.quiet else lines)
    return _lines(_text_lines(args, results, color))


def _text_lines(args: argparse.Namespace, results: list[Any], color: bool) -> list[str]:
    lines: list[str] = []
    if args.statistics:
        lines += reporters.statistics_lines(reporters.statistics(results))
    for r in results:
        shown = reporters.text_lines(
            r.path,
            r.report,
            show_suppressed=args.show_suppressed,
            findings=not args.statistics,
            color=color,
            result=r,
        )
        lines += shown[:-1] if args.quiet else shown
    return lines


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _lines(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def write_output(args: argparse.Namespace, run: Run, ruleset: RuleSet) -> None:
    """To stdout, or atomically to -o FILE (never coloured)."""
    if args.output_file:
        atomic_write_text(Path(args.output_file), render(args, run, ruleset, color=False))
        return
    sys.stdout.write(render(args, run, ruleset, color=use_color(args.color, sys.stdout)))
    sys.stdout.flush()


def exit_code(args: argparse.Namespace, run: Run) -> int:
    if run.bad_input:
        return EXIT_BAD_INPUT
    if args.diff:
        return EXIT_BLOCKED if run.changed else EXIT_OK
    if any(r.report.blocked for r in run.results) and not args.exit_zero:
        return EXIT_BLOCKED
    return EXIT_OK


# ---------------------------------------------------------------------- watch
def _mtimes(inputs: list[Input]) -> dict[str, int]:
    stamps: dict[str, int] = {}
    for item in inputs:
        try:
            stamps[item.display] = item.path.stat().st_mtime_ns
        except OSError:
            stamps[item.display] = -1
    return stamps


def watch(
    args: argparse.Namespace,
    once: Callable[[list[Input]], int],
    *,
    cycles: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Lint, then lint again whenever a file's modification time changes (or a file appears
    in a watched folder); `cycles` bounds the polls (tests), Ctrl-C ends it otherwise."""
    inputs = expand(args.files, args.stdin_filename)
    stamps = _mtimes(inputs)
    code = once(inputs)
    polls = 0
    while cycles is None or polls < cycles:
        sleep(WATCH_INTERVAL_SECONDS)
        polls += 1
        inputs = expand(args.files, args.stdin_filename)
        now = _mtimes(inputs)
        if now != stamps:
            stamps = now
            print(
                f"[watch] {time.strftime('%H:%M:%S')} change seen, linting again", file=sys.stderr
            )
            code = once(inputs)
    return code


# ----------------------------------------------------------------------- main
def run_lint(args: argparse.Namespace, *, watch_cycles: int | None = None) -> int:
    """`dreamstudio lint`: returns 0 allowed, 1 blocked (or --diff would change), 2 bad input."""
    _check_flags(args)
    config = cli_config(args)
    ruleset = load_rules()
    for error in ruleset.errors:
        print(f"dreamstudio: {error}", file=sys.stderr)

    def once(inputs: list[Input]) -> int:
        run = lint_inputs(args, inputs, config, ruleset)
        if not args.diff:
            write_output(args, run, ruleset)
        return exit_code(args, run)

    if args.watch:
        return watch(args, once, cycles=watch_cycles)
    return once(expand(args.files, args.stdin_filename))
