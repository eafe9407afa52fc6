"""Lint reports as text lines (like ruff), JSON and SARIF 2.1.0 for CI code-scanning."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from studio import __version__

from .report import LintReport
from .rule import Finding, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FileReport = tuple[str, LintReport]


# ------------------------------------------------------------------------ text
def finding_line(path: str, finding: Finding) -> str:
    """`FILE:NODE_OR_EDGE: CODE [severity] message` (no id for dreamscape-wide findings)."""
    where = f"{path}:{finding.location}" if finding.location else path
    text = f"{where}: {finding.code} [{finding.severity}] {finding.message}"
    if finding.fatal:
        text += " (fatal)"
    if finding.suppressed:
        text += f" (suppressed: {finding.reason})"
    return text


def score_line(path: str, report: LintReport) -> str:
    verdict = "blocked" if report.blocked else "allowed"
    return f"{path}: escapism risk {report.score}/100 ({report.band}) — published: {verdict}"


def text_lines(
    path: str, report: LintReport, *, show_suppressed: bool = False, findings: bool = True
) -> list[str]:
    lines = []
    if findings:
        lines += [
            finding_line(path, f) for f in report.findings if show_suppressed or not f.suppressed
        ]
    lines.append(score_line(path, report))
    return lines


def statistics(reports: Iterable[FileReport]) -> list[dict[str, Any]]:
    """Unsuppressed findings per code across files, most frequent first (like ruff)."""
    counts: Counter[str] = Counter()
    sample: dict[str, Finding] = {}
    fixable: Counter[str] = Counter()
    for _, report in reports:
        for finding in report.active:
            counts[finding.code] += 1
            sample.setdefault(finding.code, finding)
            if finding.fix is not None and finding.fix.automatic:
                fixable[finding.code] += 1
    return [
        {
            "code": code,
            "name": sample[code].name,
            "severity": sample[code].severity,
            "count": n,
            "fixable": fixable[code],
            "points": round(
                sum(f.points for _, r in reports for f in r.active if f.code == code), 2
            ),
        }
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def statistics_lines(stats: Sequence[dict[str, Any]]) -> list[str]:
    width = max((len(str(s["count"])) for s in stats), default=1)
    lines = []
    for s in stats:
        fix = " [*]" if s["fixable"] else ""
        lines.append(f"{s['count']:>{width}}  {s['code']}  [{s['severity']}] {s['name']}{fix}")
    return lines


# ------------------------------------------------------------------------ json
def file_json(path: str, report: LintReport) -> dict[str, Any]:
    data = report.to_dict()
    return {
        "path": path,
        "score": data["score"],
        "band": data["band"],
        "blocked": data["blocked"],
        "threshold": data["threshold"],
        "reasons": data["reasons"],
        "findings": data["findings"],
        "ledger": data["ledger"],
        "plugin_errors": data["plugin_errors"],
        "rule_errors": data["rule_errors"],
        "notes": data["notes"],
    }


def json_document(reports: Iterable[FileReport]) -> dict[str, Any]:
    return {"files": [file_json(path, report) for path, report in reports]}


# ----------------------------------------------------------------------- sarif
def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    thresholds = ", ".join(f"{k}={v:g}" for k, v in rule.thresholds.items())
    help_text = f"{rule.rationale} Source: {rule.source}."
    if thresholds:
        help_text += f" Default thresholds: {thresholds}."
    if rule.fatal:
        help_text += " Fatal: cannot be suppressed or overridden."
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.name.replace("-", " ")},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {
            "family": rule.family,
            "fatal": rule.fatal,
            "source": rule.source,
            "plugin": rule.plugin,
            "thresholds": dict(rule.thresholds),
        },
    }


_ID_LINE = re.compile(r'^\s*"id":\s*"([A-Za-z][A-Za-z0-9_-]*)"', re.MULTILINE)


def id_lines(path: str) -> dict[str, int]:
    """Line numbers of each node/edge id in a canonical .dream file, for SARIF regions."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    lines: dict[str, int] = {}
    for match in _ID_LINE.finditer(text):
        lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return lines


def _uri(path: str) -> str:
    return Path(path).as_posix()


def _result(
    path: str, finding: Finding, index: dict[str, int], lines: dict[str, int]
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if finding.location and finding.location in lines:
        physical["region"] = {"startLine": lines[finding.location]}
    logical = [
        {"name": n, "kind": "object", "fullyQualifiedName": f"nodes/{n}"} for n in finding.nodes
    ]
    logical += [
        {"name": e, "kind": "object", "fullyQualifiedName": f"edges/{e}"} for e in finding.edges
    ]
    location: dict[str, Any] = {"physicalLocation": physical}
    if logical:
        location["logicalLocations"] = logical
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": {
            "points": finding.points,
            "nodes": list(finding.nodes),
            "edges": list(finding.edges),
            "fatal": finding.fatal,
        },
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.reason or ""}]
    if finding.fix is not None:
        result["properties"]["fix"] = finding.fix.description
    return result


def sarif_document(reports: Sequence[FileReport], rules: Iterable[Rule]) -> dict[str, Any]:
    """One SARIF run: every known rule in the driver, every finding (suppressed included)."""
    rules = sorted(rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for path, report in reports:
        lines = id_lines(path)
        results += [_result(path, f, index, lines) for f in report.findings]
    notifications = [
        {"level": "error", "message": {"text": text}}
        for _, report in reports[:1]
        for text in report.plugin_errors
    ]
    notifications += [
        {"level": "warning", "message": {"text": f"{path}: {text}"}}
        for path, report in reports
        for text in report.rule_errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dreamstudio",
                "fullName": "Adjuster Studio ethics linter",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "artifacts": [{"location": {"uri": _uri(path)}} for path, _ in reports],
        "results": results,
        "properties": {
            "files": [
                {
                    "path": path,
                    "score": r.score,
                    "band": r.band,
                    "blocked": r.blocked,
                    "reasons": r.reasons,
                }
                for path, r in reports
            ]
        },
    }
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": notifications}
        ]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
