"""Ethics commands: `lint` (findings, escapism-risk score, publish verdict; fixes), `rules` and
`plugins` (what the linter knows and what failed to load)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from .common import EXIT_BLOCKED, EXIT_OK, CliError, add_format_flag, print_json

if TYPE_CHECKING:  # heavy layers load when a command runs, so `lint --help` starts fast
    pass

FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")
MAX_FIX_PASSES = 5


def register(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="ethics linter: findings, escapism-risk score and publish verdict",
        description="Lint dreamscapes. Exit 0 when every file may be published, 1 when one is "
        "blocked (an unsuppressed error finding or score >= threshold), 2 on bad "
        "input or usage.",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="PATH",
        help="files, folders (every *.dream below) or globs; - reads stdin (default: .)",
    )
    add_format_flag(p, FORMATS)
    _add_io_flags(p)
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
    _register_rules_and_plugins(sub)


def _add_io_flags(p: argparse.ArgumentParser) -> None:
    """Where output goes and which settings apply (ruff's conventions)."""
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only (no score lines, notes)"
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (auto: on a terminal unless NO_COLOR is set)",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the path to report (and find settings from) for - (stdin)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="settings from this TOML file instead of the nearest pyproject.toml",
    )
    p.add_argument(
        "--isolated",
        action="store_true",
        help="ignore every settings file (the design's own lint block still applies)",
    )
    p.add_argument(
        "--no-suppressed",
        action="store_true",
        help="leave suppressed findings out of json/sarif (no code-scanning alerts for them)",
    )
    p.add_argument("--watch", action="store_true", help="lint again whenever a file is saved")


def _register_rules_and_plugins(sub: Any) -> None:
    p = sub.add_parser("rules", help="list every lint rule (or explain some) with its rationale")
    p.add_argument("codes", nargs="*", metavar="CODE", help="show these rules in full")
    add_format_flag(p, ("text", "json", "markdown"))
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("plugins", help="list discovered rule packs and those that failed to load")
    add_format_flag(p)
    p.set_defaults(func=cmd_plugins)


# ------------------------------------------------------------------------ lint
def cmd_lint(args: argparse.Namespace) -> int:
    from .lint_run import run_lint

    return run_lint(args)


# ----------------------------------------------------------------------- rules
def cmd_rules(args: argparse.Namespace) -> int:
    from studio.lint.registry import load_rules

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
    if args.format == "markdown":
        from studio.lint.reporters.rules_doc import rules_markdown

        sys.stdout.write(rules_markdown(rules))
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
    from studio.lint.registry import load_rules

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
