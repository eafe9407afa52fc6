"""Formats CI systems read natively: GitHub workflow annotations, JUnit XML and GitLab Code
Quality JSON."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from .results import as_results
from .sarif import fingerprint

GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
GITLAB_SEVERITY = {"fatal": "blocker", "error": "critical", "warning": "major", "info": "info"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(reports: Iterable[Any]) -> list[str]:
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` per finding."""
    lines = []
    for r in as_results(reports):
        for f in r.shown(suppressed=False):
            span = r.span(f)
            props = {
                "file": r.path,
                "line": span.start_line,
                "col": span.start_column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
                "title": f"{f.code} {f.name}",
            }
            joined = ",".join(f"{k}={_escape_property(str(v))}" for k, v in props.items())
            lines.append(f"::{GITHUB_LEVEL[f.severity]} {joined}::{_escape_data(f.message)}")
        if r.report.blocked:
            reason = "; ".join(r.report.reasons) or "blocked"
            lines.append(
                f"::error file={_escape_property(r.path)},title=publish gate::"
                f"{_escape_data(f'escapism risk {r.report.score}/100: {reason}')}"
            )
    return lines


def junit_xml(reports: Iterable[Any]) -> str:
    """One test suite per file, a test case per finding: errors and warnings fail, an info note
    passes with its text as output (it never blocks), and a clean file has one passing case."""
    results = as_results(reports)
    root = ET.Element("testsuites", name="dreamstudio lint")
    total = failures = 0
    for r in results:
        active = r.shown(suppressed=False)
        failing = [f for f in active if f.severity != "info"]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=r.path,
            tests=str(max(1, len(active))),
            failures=str(len(failing)),
            errors="0",
            skipped=str(len(r.report.suppressed)),
        )
        total += max(1, len(active))
        failures += len(failing)
        for f in active:
            span = r.span(f)
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} {f.location or 'dreamscape'}",
                classname=f"{r.path}.{f.code}",
                file=r.path,
                line=str(span.start_line),
            )
            where = f"{r.path}:{span.start_line}:{span.start_column}: {f.code} {f.message}"
            if f.severity == "info":
                ET.SubElement(case, "system-out").text = where
                continue
            failure = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            failure.text = where
        if not active:
            ET.SubElement(suite, "testcase", name="no findings", classname=r.path)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def gitlab_issues(reports: Iterable[Any]) -> list[dict[str, Any]]:
    """GitLab Code Quality: description, check_name, fingerprint, severity, location."""
    issues = []
    for r in as_results(reports):
        for f in r.shown(suppressed=False):
            span = r.span(f)
            issues.append(
                {
                    "type": "issue",
                    "description": f"{f.code} {f.message}",
                    "check_name": f.code,
                    "categories": ["Bug Risk" if f.severity == "error" else "Style"],
                    "fingerprint": fingerprint(r.source, f),
                    "severity": GITLAB_SEVERITY["fatal" if f.fatal else f.severity],
                    "location": {
                        "path": r.path,
                        "positions": {
                            "begin": {"line": span.start_line, "column": span.start_column},
                            "end": {"line": span.end_line, "column": span.end_column},
                        },
                    },
                }
            )
    return issues
