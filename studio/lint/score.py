"""The escapism-risk score: explainable points per finding, a 0–100 total, a band and a ledger."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .rule import Finding
from .vocabulary import BASE_POINTS, FATAL_SCORE, MAX_EXCEEDANCE, MAX_SCORE, band_for


def finding_points(finding: Finding) -> float:
    """Severity base × exceedance (1..2); suppressed findings count nothing."""
    if finding.suppressed:
        return 0.0
    exceedance = max(1.0, min(MAX_EXCEEDANCE, float(finding.exceedance)))
    return BASE_POINTS.get(finding.severity, 0.0) * exceedance


def score_findings(findings: Iterable[Finding]) -> tuple[int, str, list[dict[str, Any]]]:
    """Assign points in place; return the score, its band and the ledger (largest share first)."""
    findings = list(findings)
    total = 0.0
    fatal = False
    for finding in findings:
        finding.points = round(finding_points(finding), 2)
        total += finding.points
        fatal = fatal or (finding.fatal and not finding.suppressed)
    score = FATAL_SCORE if fatal else min(MAX_SCORE, int(round(total)))
    ledger = [
        {
            "code": f.code,
            "nodes": list(f.nodes),
            "edges": list(f.edges),
            "points": f.points,
            "severity": f.severity,
            "message": f.message,
            "fatal": f.fatal,
        }
        for f in sorted(
            (f for f in findings if not f.suppressed),
            key=lambda f: (not f.fatal, -f.points, f.sort_key()),
        )
    ]
    return score, band_for(score), ledger
