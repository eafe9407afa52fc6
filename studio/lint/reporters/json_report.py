"""The JSON report: per file its score, verdict, ledger and findings with their positions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .results import FileResult, as_results


def file_json(path: str, report: Any, result: FileResult | None = None) -> dict[str, Any]:
    result = result or as_results([(path, report)])[0]
    data = report.to_dict()
    findings = []
    for finding, entry in zip(report.findings, data["findings"], strict=True):
        findings.append({**entry, **result.span(finding).to_dict()})
    return {
        "path": path,
        "score": data["score"],
        "band": data["band"],
        "blocked": data["blocked"],
        "threshold": data["threshold"],
        "reasons": data["reasons"],
        "findings": findings,
        "ledger": data["ledger"],
        "plugin_errors": data["plugin_errors"],
        "rule_errors": data["rule_errors"],
        "notes": data["notes"],
    }


def json_document(reports: Iterable[Any], *, suppressed: bool = True) -> dict[str, Any]:
    files = []
    for r in as_results(reports):
        entry = file_json(r.path, r.report, r)
        if not suppressed:
            entry["findings"] = [f for f in entry["findings"] if not f["suppressed"]]
        files.append(entry)
    return {"files": files}
