"""One linted file as every reporter sees it: its display path, its report and where each of
its nodes and edges sits in the text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..report import LintReport
from ..rule import Finding
from .locations import SourceMap, Span, source_map


@dataclass
class FileResult:
    """A file's lint report with the source map its locations come from."""

    path: str
    report: LintReport
    source: SourceMap = field(default_factory=SourceMap)

    def span(self, finding: Finding) -> Span:
        return self.source.span_of(finding.nodes, finding.edges)

    def shown(self, *, suppressed: bool = True) -> list[Finding]:
        return [f for f in self.report.findings if suppressed or not f.suppressed]


def file_result(path: str, report: LintReport, text: str | None = None) -> FileResult:
    """Locate against `text` (stdin, an edited buffer) or the file on disk."""
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    return FileResult(path, report, source_map(text))


def as_results(items: Iterable[Any]) -> list[FileResult]:
    """Accept FileResult objects or plain `(path, report)` pairs."""
    return [item if isinstance(item, FileResult) else file_result(*item) for item in items]
