"""SARIF 2.1.0 for GitHub code scanning: relative percent-encoded URIs under %SRCROOT%, full
regions, stable fingerprints, rule help links and tags, fixes, suppressions and code flows."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from studio import __version__
from studio.identity import rule_help_uri

from ..rule import Finding, Rule
from .locations import SourceMap, Span
from .results import FileResult, as_results

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "dreamstudioFinding/v1"
# GitHub ranks security-severity > 9 critical, >= 7 high, >= 4 medium, else low.
SECURITY_SEVERITY = {"fatal": "9.5", "error": "7.5", "warning": "5.0", "info": "2.0"}
# Editor-only fields: moving a card must not change what a finding is about.
_LAYOUT_KEYS = frozenset({"x", "y"})


def artifact_location(path: str, root: Path | None = None) -> dict[str, Any]:
    """A percent-encoded URI relative to %SRCROOT% (the working directory) when the file is
    inside it, else an absolute `file:` URI."""
    root = (root or Path.cwd()).resolve()
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _security_severity(rule: Rule) -> str:
    return SECURITY_SEVERITY["fatal" if rule.fatal else rule.severity]


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    thresholds = ", ".join(f"{k}={v:g}" for k, v in rule.thresholds.items())
    help_text = f"{rule.rationale} Source: {rule.source}."
    if thresholds:
        help_text += f" Default thresholds: {thresholds}."
    if rule.fatal:
        help_text += " Fatal: cannot be suppressed or overridden."
    tags = ["ethics" if rule.plugin != "core" else "structure", rule.family, "security"]
    if rule.fatal:
        tags.append("fatal")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.name.replace("-", " ")},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": f"**{rule.code} {rule.name}**\n\n{help_text}"},
        "helpUri": rule_help_uri(rule.code),
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": "high" if rule.family in ("DS", "EXT") else "medium",
            "problem.severity": "recommendation" if rule.severity == "info" else rule.severity,
            "security-severity": _security_severity(rule),
            "family": rule.family,
            "fatal": rule.fatal,
            "source": rule.source,
            "plugin": rule.plugin,
            "thresholds": dict(rule.thresholds),
        },
    }


def _subject(source: SourceMap, finding: Finding) -> str:
    """The canonical JSON of the nodes and edges a finding names, layout keys left out."""
    parts = []
    for kind, ids in (("nodes", finding.nodes), ("edges", finding.edges)):
        for element_id in sorted(ids):
            raw = source.element(kind, element_id) or {}
            kept = {k: v for k, v in raw.items() if k not in _LAYOUT_KEYS}
            parts.append(f"{kind}/{element_id}={json.dumps(kept, sort_keys=True)}")
    return "\n".join(parts)


def fingerprint(source: SourceMap, finding: Finding) -> str:
    """Code + anchor id + a hash of what the finding is about: stable across unrelated edits
    (other scenes, moved cards, reformatting), new when the concerned objects change."""
    subject = hashlib.sha256(_subject(source, finding).encode("utf-8")).hexdigest()
    key = f"{finding.code}\x00{finding.location or ''}\x00{subject}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _location(uri: dict[str, Any], span: Span, finding: Finding | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": dict(uri), "region": span.region()}
    }
    if finding is not None:
        logical = [
            {"name": n, "kind": "object", "fullyQualifiedName": f"nodes/{n}"} for n in finding.nodes
        ]
        logical += [
            {"name": e, "kind": "object", "fullyQualifiedName": f"edges/{e}"} for e in finding.edges
        ]
        if logical:
            location["logicalLocations"] = logical
    return location


def _fixes(result: FileResult, finding: Finding, uri: dict[str, Any]) -> list[dict[str, Any]]:
    """The automatic fix as text replacements: apply it to a copy, diff the canonical text."""
    if finding.fix is None or not finding.fix.automatic or not result.source.text:
        return []
    from studio.io import dumps_dreamscape, loads_dreamscape
    from studio.model.ops import apply_all

    before = result.source.text
    try:
        ds = loads_dreamscape(before)
        apply_all(ds, finding.fix.make_ops(ds), finding.fix.description)
    except Exception:  # noqa: BLE001 - a fix that cannot be replayed is simply not offered
        return []
    after = dumps_dreamscape(ds)
    replacements = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            replacements.append(
                {
                    "deletedRegion": {"charOffset": i1, "charLength": i2 - i1},
                    "insertedContent": {"text": after[j1:j2]},
                }
            )
    if not replacements:
        return []
    return [
        {
            "description": {"text": finding.fix.description},
            "artifactChanges": [{"artifactLocation": dict(uri), "replacements": replacements}],
        }
    ]


def _step_value(step: Any, *names: str) -> Any:
    for name in names:
        value = step.get(name) if isinstance(step, Mapping) else getattr(step, name, None)
        if value is not None:
            return value
    return None


def _code_flows(result: FileResult, finding: Finding, uri: dict[str, Any]) -> list[Any]:
    """The witness path (entry → trap, stall, overrun) as one thread flow."""
    witness = getattr(finding, "witness", None)
    if not witness:
        return []
    locations = []
    for step in witness:
        scene = _step_value(step, "scene", "node")
        edge = _step_value(step, "edge")
        values = _step_value(step, "values", "variables", "valuation") or {}
        choice = _step_value(step, "choice")
        text = f"scene '{scene}'" + (f" via '{edge}'" if edge else "")
        if choice:
            text += f" (choice: {choice})"
        if values:
            text += " — " + ", ".join(f"{k}={v}" for k, v in dict(values).items())
        span = result.source.span_of((str(scene),) if scene else (), (str(edge),) if edge else ())
        location = _location(uri, span, None)
        location["message"] = {"text": text}
        entry: dict[str, Any] = {"location": location}
        if values:
            entry["state"] = {str(k): {"text": str(v)} for k, v in dict(values).items()}
        locations.append(entry)
    return [{"threadFlows": [{"locations": locations}]}]


def _result(result: FileResult, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    uri = artifact_location(result.path)
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(uri, result.span(finding), finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(result.source, finding)},
        "properties": {
            "points": finding.points,
            "nodes": list(finding.nodes),
            "edges": list(finding.edges),
            "fatal": finding.fatal,
        },
    }
    if finding.code in index:
        out["ruleIndex"] = index[finding.code]
    if finding.suppressed:
        out["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": finding.reason or ""}
        ]
    if finding.fix is not None:
        out["properties"]["fix"] = finding.fix.description
        fixes = _fixes(result, finding, uri)
        if fixes:
            out["fixes"] = fixes
    flows = _code_flows(result, finding, uri)
    if flows:
        out["codeFlows"] = flows
    return out


def _notifications(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    notes = [
        {"level": "error", "message": {"text": text}}
        for r in results[:1]
        for text in r.report.plugin_errors
    ]
    notes += [
        {"level": "warning", "message": {"text": f"{r.path}: {text}"}}
        for r in results
        for text in r.report.rule_errors
    ]
    return notes


def sarif_document(
    reports: Iterable[Any], rules: Iterable[Rule], *, suppressed: bool = True
) -> dict[str, Any]:
    """One SARIF run: every known rule in the driver; suppressed findings carry SARIF
    suppressions, or are left out with `suppressed=False` so they never open alerts."""
    results = as_results(reports)
    rules = sorted(rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_results = [_result(r, f, index) for r in results for f in r.shown(suppressed=suppressed)]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dreamstudio",
                "fullName": "Adjuster Studio ethics linter",
                "informationUri": rule_help_uri(""),
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "artifacts": [{"location": artifact_location(r.path)} for r in results],
        "results": sarif_results,
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": _notifications(results),
            }
        ],
        "properties": {
            "files": [
                {
                    "path": r.path,
                    "score": r.report.score,
                    "band": r.report.band,
                    "blocked": r.report.blocked,
                    "reasons": r.report.reasons,
                }
                for r in results
            ]
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
