"""The lint vocabulary is defined once: a band or severity change is one edit in
studio/lint/vocabulary.py, and the linter, the report and the studio follow it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from studio.lint import vocabulary as vocab
from studio.lint.rule import Finding
from studio.lint.score import score_findings
from studio.report import svg_plots

ROOT = Path(__file__).resolve().parents[2]
VOCABULARY_NAMES = {
    "SEVERITIES",
    "SEVERITY_RANK",
    "SEVERITY_COLOURS",
    "SEVERITY_COLORS",
    "BASE_POINTS",
    "MAX_EXCEEDANCE",
    "BANDS",
    "BAND_RANGES",
    "BAND_COLOURS",
    "BAND_LABELS",
}


def _literal_definitions(path: Path) -> list[str]:
    """Module-level vocabulary names bound to a literal table (a second definition)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        value = getattr(node, "value", None)
        literal = isinstance(value, ast.Dict | ast.Tuple | ast.List | ast.Constant)
        for target in targets:
            if isinstance(target, ast.Name) and target.id in VOCABULARY_NAMES and literal:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {target.id}")
    return found


def test_vocabulary_tables_are_defined_only_in_the_vocabulary_module() -> None:
    home = ROOT / "studio" / "lint" / "vocabulary.py"
    files = [*(ROOT / "studio").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    assert [d for path in files if path != home for d in _literal_definitions(path)] == []


def test_severity_order_is_one_ordering() -> None:
    assert vocab.SEVERITIES == ("error", "warning", "info")
    assert sorted(vocab.SEVERITIES, key=vocab.severity_rank) == list(vocab.SEVERITIES)
    assert vocab.worst(["info", "error", "warning"]) == "error"
    assert vocab.worst([]) is None
    assert vocab.severity_rank("no-such-severity") > vocab.severity_rank("info")
    info = Finding("DS001", "x", "info", "m")
    error = Finding("DS001", "x", "error", "m")
    assert sorted([info, error], key=Finding.sort_key) == [error, info]


def test_bands_cover_the_score_once_and_the_report_gauge_reads_them() -> None:
    ranges = vocab.band_ranges()
    assert ranges[0][1] == 0 and ranges[-1][2] == vocab.MAX_SCORE
    assert all(a[2] == b[1] for a, b in zip(ranges, ranges[1:], strict=False))
    for name, start, end in ranges:
        assert vocab.band_for(start) == name
        assert vocab.band_for(end - 1) == name or end - 1 < start
    assert svg_plots.BAND_RANGES == tuple(ranges)
    assert svg_plots.BAND_COLOURS is vocab.BAND_COLOURS
    assert set(vocab.BAND_COLOURS) == {name for _floor, name in vocab.BANDS}
    assert set(vocab.BAND_LABELS) == set(vocab.BAND_COLOURS)


@pytest.mark.parametrize("band", [name for _floor, name in vocab.BANDS])
def test_report_gauge_draws_each_band_in_its_vocabulary_colour(band: str) -> None:
    svg = svg_plots.gauge(50, band, threshold=70)
    for colour in {vocab.BAND_COLOURS[name] for _floor, name in vocab.BANDS}:
        assert f'stroke="{colour}"' in svg
    assert re.search(rf'fill="{vocab.BAND_COLOURS[band]}">50</text>', svg)


def test_score_constants_come_from_the_vocabulary() -> None:
    one = Finding("EXT003", "deep-exit", "warning", "m", exceedance=99.0)
    score, band, _ledger = score_findings([one])
    assert score == round(vocab.BASE_POINTS["warning"] * vocab.MAX_EXCEEDANCE)
    assert band == vocab.band_for(score)
    fatal = Finding("EXT001", "no-exit", "error", "m", fatal=True)
    assert score_findings([fatal])[0] == vocab.FATAL_SCORE
