"""The report as a reviewer reads it: on a phone, printed, and with the app's numbers."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from studio.io import load_dreamscape
from studio.report.html import render_report_html
from studio.report.numbers import points_text
from studio.report.svg_plots import Series, histogram, line_chart
from studio.store.publish import evaluate, report_data

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


@pytest.fixture(scope="module")
def eli() -> tuple[dict, str]:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    data = report_data(ds, evaluate(ds, dreamers=300))
    return data, render_report_html(data)


def test_plots_scale_to_their_column(eli) -> None:
    _, page = eli
    svgs = re.findall(r"<svg [^>]*>", page)
    plots = [s for s in svgs if 'role="img"' in s and "viewBox" in s]
    assert len(plots) >= 4
    for tag in plots[1:]:  # the gauge keeps its size; every chart fills its column
        assert 'width="100%"' in tag and 'height="' not in tag


def test_phone_width_rules_wrap_the_hash_and_narrow_the_ledger(eli) -> None:
    _, page = eli
    phone = re.search(r"@media \(max-width: 600px\) \{(.*?)\n\}", page, re.S)
    assert phone and ".barcol" in phone.group(1) and ".figs" in phone.group(1)
    assert "overflow-wrap: anywhere" in page


def test_print_stylesheet_keeps_rows_whole_and_drops_grey(eli) -> None:
    _, page = eli
    printed = re.search(r"@media print \{(.*?)\n\}", page, re.S)
    assert printed
    rules = printed.group(1)
    assert "break-inside: avoid" in rules and "background: #fff" in rules


def test_each_finding_is_listed_once(eli) -> None:
    data, page = eli
    for finding in data["lint"]["findings"]:
        message = re.escape(escape(finding["message"]))
        assert len(re.findall(message, page)) == 1, finding["code"]


def test_points_read_the_same_as_in_the_app() -> None:
    pytest.importorskip("PySide6", reason="the app's half needs Qt")
    from studio.ui.panels.findings_model import points_text as app_points

    assert app_points is points_text
    assert points_text(23.75) == "23.8"


def test_intensity_plot_shows_the_audience_limit_int002_applies(eli) -> None:
    data, page = eli
    assert data["dreamscape"]["intensity_limit"] == 0.8
    assert "teen limit 0.8 (INT002)" in page
    assert 'paint-order="stroke"' in page  # labels keep a halo above the curves


def test_histogram_ticks_start_at_the_first_bar_and_counts_are_whole() -> None:
    svg = histogram([3.5, 5.5, 7.5, 9.5, 11.5], [4, 9, 2, 1], title="t", x_label="x", y_label="y")
    x_ticks = re.findall(r'text-anchor="middle" font-size="13" fill="#6b7280">([^<]+)<', svg)
    assert x_ticks[0] == "3.5"
    empty = histogram([0, 10, 20], [0, 0], title="t", x_label="x", y_label="y")
    y_ticks = re.findall(r'text-anchor="end" font-size="13" fill="#6b7280">([^<]+)<', empty)
    assert y_ticks and all(t.isdigit() for t in y_ticks)


def test_report_has_the_apps_hypnogram(eli) -> None:
    _, page = eli
    assert "The night" in page and "hours after lights out" in page and "REM window" in page


def test_level_labels_are_drawn_after_the_curves() -> None:
    svg = line_chart(
        [0, 1, 2],
        [Series("mean", [0.7, 0.71, 0.7])],
        title="t",
        x_label="x",
        y_label="y",
        y_range=(0, 1),
        levels=[(0.7, "high intensity")],
    )
    assert svg.index("high intensity") > svg.index("<polyline")
