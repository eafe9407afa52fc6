"""Human output like ruff's: `FILE:LINE:COL: CODE [severity] message (node 'id')`, a concise
variant, colours (honouring NO_COLOR) and per-rule statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..report import LintReport
from ..rule import Finding
from .locations import FILE_START, Span
from .results import FileResult, as_results

_RESET = "\x1b[0m"
_STYLE = {
    "path": "\x1b[1m",
    "error": "\x1b[31m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "code": "\x1b[1;35m",
    "dim": "\x1b[2m",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLE[style]}{text}{_RESET}" if color else text


def _anchor(finding: Finding) -> str:
    if finding.nodes:
        return f" (node '{finding.nodes[0]}')"
    if finding.edges:
        return f" (edge '{finding.edges[0]}')"
    return ""


def finding_line(
    path: str, finding: Finding, span: Span = FILE_START, *, color: bool = False
) -> str:
    """`FILE:LINE:COL: CODE [severity] message (node 'id')`, with fatal/suppressed marks."""
    where = _paint(f"{path}:{span.start_line}:{span.start_column}:", "path", color)
    severity = _paint(f"[{finding.severity}]", finding.severity, color)
    text = f"{where} {_paint(finding.code, 'code', color)} {severity} {finding.message}"
    text += _anchor(finding)
    if finding.fatal:
        text += " (fatal)"
    if finding.suppressed:
        text += _paint(f" (suppressed: {finding.reason})", "dim", color)
    return text


def concise_line(path: str, finding: Finding, span: Span = FILE_START) -> str:
    """`FILE:LINE:COL: CODE message` — one line, nothing else (like ruff's concise)."""
    return f"{path}:{span.start_line}:{span.start_column}: {finding.code} {finding.message}"


def score_line(path: str, report: LintReport, *, color: bool = False) -> str:
    verdict = "blocked" if report.blocked else "allowed"
    line = f"{path}: escapism risk {report.score}/100 ({report.band}) — published: {verdict}"
    return _paint(line, "error" if report.blocked else "path", color) if color else line


def text_lines(
    path: str,
    report: LintReport,
    *,
    show_suppressed: bool = False,
    findings: bool = True,
    color: bool = False,
    result: FileResult | None = None,
) -> list[str]:
    """A file's findings and its score line."""
    result = result or as_results([(path, report)])[0]
    lines = []
    if findings:
        lines += [
            finding_line(path, f, result.span(f), color=color)
            for f in result.shown(suppressed=show_suppressed)
        ]
    lines.append(score_line(path, report, color=color))
    return lines


def concise_lines(results: Iterable[Any]) -> list[str]:
    """Every unsuppressed finding on one line, then one summary line."""
    results = as_results(results)
    lines = [concise_line(r.path, f, r.span(f)) for r in results for f in r.shown(suppressed=False)]
    blocked = sum(r.report.blocked for r in results)
    noun = "finding" if len(lines) == 1 else "findings"
    lines.append(f"Found {len(lines)} {noun}; {blocked} of {len(results)} files blocked.")
    return lines


def statistics(reports: Iterable[Any]) -> list[dict[str, Any]]:
    """Unsuppressed findings per code across files, most frequent first (like ruff)."""
    results = as_results(reports)
    counts: Counter[str] = Counter()
    sample: dict[str, Finding] = {}
    fixable: Counter[str] = Counter()
    points: dict[str, float] = {}
    for result in results:
        for finding in result.report.active:
            counts[finding.code] += 1
            points[finding.code] = points.get(finding.code, 0.0) + finding.points
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
            "points": round(points[code], 2),
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
