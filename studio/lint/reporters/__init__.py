"""Lint reports: text (like ruff) and concise, JSON, SARIF 2.1.0 for code scanning, GitHub
annotations, JUnit XML and GitLab Code Quality; every format locates findings by line and
column in the file."""

from .ci import github_lines, gitlab_issues, junit_xml
from .json_report import file_json, json_document
from .locations import FILE_START, SourceMap, Span, source_map
from .results import FileResult, as_results, file_result
from .sarif import SARIF_SCHEMA, artifact_location, fingerprint, rule_descriptor, sarif_document
from .text import (
    concise_line,
    concise_lines,
    finding_line,
    score_line,
    statistics,
    statistics_lines,
    text_lines,
)

FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")

__all__ = [
    "FILE_START",
    "FORMATS",
    "SARIF_SCHEMA",
    "FileResult",
    "SourceMap",
    "Span",
    "artifact_location",
    "as_results",
    "concise_line",
    "concise_lines",
    "file_json",
    "file_result",
    "finding_line",
    "fingerprint",
    "github_lines",
    "gitlab_issues",
    "json_document",
    "junit_xml",
    "rule_descriptor",
    "sarif_document",
    "score_line",
    "source_map",
    "statistics",
    "statistics_lines",
    "text_lines",
]
