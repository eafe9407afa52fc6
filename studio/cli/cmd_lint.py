"""Ethics commands: `lint` (findings, escapism-risk score, publish verdict; fixes), `rules` and
`plugins` (what the linter knows and what failed to load)."""

from __future__ import annotations

import argparse
import difflib
import sys
import textwrap
from pathlib import Path
from typing import Any

from studio.io import dumps_dreamscape, save_dreamscape
from studio.lint import LintConfig, LintConfigError, LintReport, apply_fixes, lint_dreamscape
from studio.lint.plugins import RuleSet
from studio.lint.registry import load_rules
from studio.lint.reporters import (
    json_document,
    sarif_document,
    statistics,
    statistics_lines,
    text_lines,
)
from studio.model import Dreamscape

from .common import (
    EXIT_BAD_INPUT,
    EXIT_BLOCKED,
    EXIT_OK,
    CliError,
    add_format_flag,
    load_or_report,
    print_json,
)

MAX_FIX_PASSES = 5


def register(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="ethics linter: findings, escapism-risk score and publish verdict",
        description="Lint dreamscapes. Exit 0 when every file may be published, 1 when one is "
        "blocked (an unsuppressed error finding or score >= threshold), 2 on bad "
        "input or usage.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    add_format_flag(p, ("text", "json", "sarif"))
    p.add_argument(
        "--select",
        action="append",
        default=None,
        metavar="CODES",
        help="rule codes or prefixes to run, comma-separated (EXT, SOC003, ALL)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=None,
        metavar="CODES",
        help="rule codes or prefixes not to run, comma-separated",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="N",
        help="block publishing at this score or above (0-100; default 70)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        dest="rule_options",
        metavar="CODE.NAME=VALUE",
        help="a rule threshold, e.g. EXT003.warn_steps=8",
    )
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when a file is blocked")
    p.add_argument("--fix", action="store_true", help="apply automatic fixes and save the file")
    p.add_argument(
        "--diff",
        action="store_true",
        help="show what --fix would change as a unified diff; write nothing "
        "(exit 1 if anything would change)",
    )
    p.add_argument(
        "--statistics", action="store_true", help="count findings per rule instead of listing them"
    )
    p.add_argument(
        "--show-suppressed",
        action="store_true",
        help="also list suppressed findings in text output",
    )
    p.add_argument("--dreamers", type=int, default=2000, help="simulated dreamers (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("rules", help="list every lint rule (or explain some) with its rationale")
    p.add_argument("codes", nargs="*", metavar="CODE", help="show these rules in full")
    add_format_flag(p)
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("plugins", help="list discovered rule packs and those that failed to load")
    add_format_flag(p)
    p.set_defaults(func=cmd_plugins)


# ------------------------------------------------------------------------ lint
def _codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


def cli_config(args: argparse.Namespace) -> LintConfig:
    """The command line as the top settings layer."""
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CliError(f"--threshold: expected a score between 0 and 100, got {args.threshold:g}")
    if args.dreamers < 1:
        raise CliError("--dreamers: expected at least 1")
    rules: dict[str, dict[str, float]] = {}
    for option in args.rule_options:
        key, sep, value = option.partition("=")
        code, dot, name = key.partition(".")
        if not sep or not dot or not code or not name:
            raise CliError(f"--set {option}: expected CODE.NAME=VALUE (e.g. EXT003.warn_steps=8)")
        try:
            number = float(value)
        except ValueError:
            raise CliError(f"--set {option}: '{value}' is not a number") from None
        rules.setdefault(code.strip().upper(), {})[name.strip()] = number
    return LintConfig(
        select=_codes(args.select),
        ignore=_codes(args.ignore),
        threshold=args.threshold,
        rules=rules,
        origin="command line",
        layer="cli",
    )


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


def cmd_lint(args: argparse.Namespace) -> int:
    config = cli_config(args)
    ruleset = load_rules()
    for error in ruleset.errors:
        print(f"dreamstudio: {error}", file=sys.stderr)
    results: list[tuple[str, LintReport]] = []
    bad_input = False
    changed = False
    warned: set[str] = set()
    for name in args.files:
        ds = load_or_report(name)
        if ds is None:
            bad_input = True
            continue
        try:
            if args.fix or args.diff:
                before = Path(name).read_text(encoding="utf-8")
                report, applied = fix_until_stable(
                    ds, config, ruleset, dreamers=args.dreamers, seed=args.seed
                )
                after = dumps_dreamscape(ds)
                if args.diff:
                    lines = _diff(name, before, after) if applied else []
                    sys.stdout.writelines(lines)
                    changed = changed or bool(lines)
                    continue
                if applied:
                    save_dreamscape(ds, name)
                    for description in applied:
                        print(f"{name}: fixed {description}", file=sys.stderr)
            else:
                report = lint_dreamscape(
                    ds, config, rules=ruleset, dreamers=args.dreamers, seed=args.seed
                )
        except LintConfigError as exc:
            for line in exc.lines():
                print(f"dreamstudio: {line}", file=sys.stderr)
            bad_input = True
            continue
        for warning in report.config_warnings:
            if warning not in warned:
                warned.add(warning)
                print(f"dreamstudio: warning: {warning}", file=sys.stderr)
        for error in report.rule_errors:
            print(f"{name}: rule error: {error}", file=sys.stderr)
        results.append((name, report))

    if args.diff:
        return EXIT_BAD_INPUT if bad_input else (EXIT_BLOCKED if changed else EXIT_OK)
    _output(args, results, ruleset)
    if bad_input:
        return EXIT_BAD_INPUT
    if any(report.blocked for _, report in results) and not args.exit_zero:
        return EXIT_BLOCKED
    return EXIT_OK


def _output(
    args: argparse.Namespace, results: list[tuple[str, LintReport]], ruleset: RuleSet
) -> None:
    if args.format == "json":
        doc = json_document(results)
        if args.statistics:
            doc["statistics"] = statistics(results)
        print_json(doc)
    elif args.format == "sarif":
        print_json(sarif_document(results, ruleset.rules))
    else:
        lines: list[str] = []
        if args.statistics:
            lines += statistics_lines(statistics(results))
        for name, report in results:
            lines += text_lines(
                name, report, show_suppressed=args.show_suppressed, findings=not args.statistics
            )
        for line in lines:
            print(line)


# ----------------------------------------------------------------------- rules
def cmd_rules(args: argparse.Namespace) -> int:
    ruleset = load_rules()
    rules = sorted(ruleset.rules, key=lambda r: r.code)
    if args.codes:
        wanted = [c.strip().upper() for c in args.codes]
        by_code = {r.code: r for r in rules}
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            raise CliError(f"no such rule: {', '.join(unknown)} (see `dreamstudio rules`)")
        rules = [by_code[c] for c in wanted]
    if args.format == "json":
        print_json({"rules": [r.describe() for r in rules], "plugin_errors": ruleset.errors})
        return EXIT_OK
    if args.codes:
        for i, rule in enumerate(rules):
            if i:
                print()
            _explain(rule.describe())
    else:
        code_w = max(len(r.code) for r in rules)
        name_w = max(len(r.name) for r in rules)
        for rule in rules:
            marks = (" (fatal)" if rule.fatal else "") + (" [*]" if rule.fixable else "")
            print(
                f"{rule.code:<{code_w}}  {rule.name:<{name_w}}  {rule.severity:<7}  "
                f"{rule.family:<3}  {rule.rationale}{marks}"
            )
    for error in ruleset.errors:
        print(f"dreamstudio: {error}", file=sys.stderr)
    return EXIT_OK


def _explain(info: dict[str, Any]) -> None:
    print(f"{info['code']} {info['name']}")
    print(f"  severity: {info['severity']}    family: {info['family']}    plugin: {info['plugin']}")
    print(
        f"  fatal: {'yes (cannot be suppressed or overridden)' if info['fatal'] else 'no'}"
        f"    automatic fix: {'yes' if info['fixable'] else 'no'}"
    )
    if info["thresholds"]:
        print("  thresholds: " + ", ".join(f"{k}={v:g}" for k, v in info["thresholds"].items()))
    if info["reads"]:
        print(f"  reads: {', '.join(info['reads'])}")
    for line in textwrap.wrap(info["rationale"], 88):
        print(f"  {line}")
    for line in textwrap.wrap(f"Source: {info['source']}", 88):
        print(f"  {line}")


# --------------------------------------------------------------------- plugins
def cmd_plugins(args: argparse.Namespace) -> int:
    from studio import __version__

    ruleset = load_rules()
    core = [r.code for r in ruleset.rules if r.plugin == "core"]
    records: list[dict[str, Any]] = [
        {
            "name": "core",
            "version": __version__,
            "origin": "built in",
            "rules": core,
            "error": None,
            "description": "structural rules",
        }
    ]
    records += [p.to_dict() for p in ruleset.plugins]
    if args.format == "json":
        print_json({"plugins": records})
    else:
        for rec in records:
            if rec["error"]:
                print(f"{rec['name']}  FAILED  ({rec['origin']})\n    {rec['error']}")
            else:
                codes = rec["rules"]
                print(
                    f"{rec['name']} {rec['version'] or '?'}  ({rec['origin']})  "
                    f"{len(codes)} rules: {', '.join(codes)}"
                )
    return EXIT_BLOCKED if any(rec["error"] for rec in records) else EXIT_OK
