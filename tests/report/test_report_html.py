"""The ethics report page and its SVG charts: self-contained, escaped, well-formed, readable."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from studio.report.html import render_report_html
from studio.report.svg_plots import Band, Series, gauge, histogram, line_chart, nice_ticks

HOSTILE = "<script>alert('pier')</script>"


def report(**overrides) -> dict:
    data = {
        "title": f"Lantern Bay {HOSTILE}",
        "content_sha256": "ab" * 32,
        "studio_version": "0.1.0",
        "dreamscape": {
            "title": "Lantern Bay",
            "author": "Jamie",
            "audience": "adult",
            "nodes": 3,
            "edges": 2,
            "rem_minutes": 105,
            "node_titles": {"pier": f"The pier {HOSTILE}"},
        },
        "lint": {
            "score": 74,
            "band": "high",
            "threshold": 70,
            "blocked": True,
            "fatal": False,
            "reasons": ["escapism risk 74/100 is at or above the threshold 70"],
            "findings": [
                {
                    "code": "SOC003",
                    "name": "implied-obligation",
                    "severity": "warning",
                    "message": "'Pier' pressures the dreamer: \"don't leave\" <img src=x onerror=1>",
                    "nodes": ["pier"],
                    "edges": [],
                    "points": 8,
                    "suppressed": False,
                    "reason": None,
                    "fatal": False,
                    "fix": {"description": "reword the scene"},
                    "rationale": "Guilt about leaving turns rest into an obligation.",
                    "source": "Center for Humane Technology",
                },
                {
                    "code": "SOC003",
                    "name": "implied-obligation",
                    "severity": "warning",
                    "message": "second",
                    "nodes": ["gate"],
                    "edges": ["e1"],
                    "points": 0,
                    "suppressed": True,
                    "reason": "Mae's own words, kept on purpose",
                    "fatal": False,
                    "fix": None,
                    "rationale": "",
                    "source": "",
                },
            ],
            "ledger": [
                {
                    "code": "SOC003",
                    "nodes": ["pier"],
                    "edges": [],
                    "points": 8,
                    "severity": "warning",
                    "message": "pressure",
                    "fatal": False,
                }
            ],
            "notes": [],
            "rule_errors": [],
            "plugin_errors": [],
            "rules_run": ["SOC003"],
            "settings": {"dreamers": 200, "seed": 0},
        },
        "gate": {
            "allowed": True,
            "headline": "Publishable under Dr. Lorne's override",
            "reasons": ["published under a reviewer's override despite: risk"],
            "review": {
                "reviewer": "Dr. Lorne",
                "decision": "override",
                "justification": f"Supervised trial {HOSTILE}",
                "time": "2025-05-01",
                "score": 74,
                "band": "high",
            },
        },
        "analysis": {
            "exit_probability": 1.0,
            "expected_minutes": 12.5,
            "trap_nodes": [],
            "unreachable_nodes": ["attic"],
            "solver": "dense",
        },
        "simulation": {
            "summary": {
                "dreamers": 200,
                "seed": 0,
                "finished_fraction": 0.9,
                "captured_fraction": 0.1,
                "median_minutes": 14.0,
                "p95_minutes": 30.0,
                "mean_rem_windows": 1.2,
                "anchor_coverage": 0.5,
                "social_coverage": None,
                "reward_rate": 0.01,
            },
            "survival": {"t": list(range(0, 106)), "p": [math.exp(-t / 15) for t in range(106)]},
            "intensity": {
                "t": list(range(105)),
                "mean": [0.4 if t < 60 else None for t in range(105)],
                "p10": [0.2 if t < 60 else None for t in range(105)],
                "p90": [0.8 if t < 60 else None for t in range(105)],
            },
            "histogram": {"edges": [0, 5, 10, 15, 20], "counts": [3, 50, 90, 37]},
        },
    }
    data.update(overrides)
    return data


def test_intensity_level_is_the_one_the_rules_set() -> None:
    data = report()
    data["simulation"]["intensity"]["high"] = 0.85
    html = render_report_html(data)
    assert "high intensity" in svgs(html)[2] and "above 0.85 without a cooldown" in html
    del data["simulation"]["intensity"]["high"]
    html = render_report_html(data)
    assert "high intensity" not in svgs(html)[2] and "No intensity rule set a level" in html


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.S)


def test_page_is_self_contained_and_escapes_author_text() -> None:
    html = render_report_html(report())
    assert "<script" not in html and "onerror=1>" not in html
    assert "&lt;script&gt;alert(&#x27;pier&#x27;)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<[^>]*\b(src|href)\s*=", html)  # no tag loads anything
    assert set(re.findall(r"https?://[^\s\"']+", html)) == {"http://www.w3.org/2000/svg"}


def test_page_shows_gauge_verdict_ledger_findings_and_plots() -> None:
    html = render_report_html(report())
    assert "Publishable under Dr. Lorne&#x27;s override" in html
    assert "Supervised trial" in html and "Override</b> by Dr. Lorne" in html
    assert "Score ledger" in html and "SOC003" in html
    assert "Guilt about leaving turns rest into an obligation." in html
    assert "Source: Center for Humane Technology" in html
    assert "suppressed: Mae&#x27;s own words, kept on purpose" in html
    assert "implied-obligation ×2" in html
    assert "Suggested fix:</b> reword the scene" in html
    assert "<code>attic</code>" in html  # unreachable scenes are listed
    charts = svgs(html)
    assert len(charts) == 4  # gauge, survival, intensity band, histogram
    for chart in charts:
        ET.fromstring(chart)  # well-formed XML
    assert "Survival" in charts[1] and "Intensity" in charts[2] and "Minutes to exit" in charts[3]
    assert charts[2].count("<polygon") == 1  # the 10th-90th band
    assert "74" in charts[0]


def test_page_renders_from_partial_data() -> None:
    for data in (
        {},
        report(simulation=None, analysis=None),
        report(lint={"score": 0, "band": "none"}),
    ):
        html = render_report_html(data)
        assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert "did not run" in render_report_html(report(simulation=None))


def test_rendering_is_deterministic() -> None:
    assert render_report_html(report()) == render_report_html(report())


def test_line_chart_breaks_at_missing_values_and_draws_bands() -> None:
    svg = line_chart(
        [0, 1, 2, 3, 4],
        [Series("mean", [0.1, None, 0.3, float("nan"), 0.5])],
        bands=[Band("spread", [0, 0, None, 0, 0], [1, 1, None, 1, 1])],
        title="t",
        x_label="x",
        y_label="y",
        y_range=(0, 1),
    )
    ET.fromstring(svg)
    assert svg.count("<polyline") == 3
    assert svg.count("<polygon") == 2


def test_histogram_and_gauge_are_well_formed() -> None:
    svg = histogram(
        [0, 1, 2],
        [0, 0],
        title="Minutes to exit",
        x_label="m",
        y_label="n",
        empty_note="No dreamer reached an exit",
    )
    ET.fromstring(svg)
    assert "No dreamer reached an exit" in svg and "<rect" not in svg
    for score, band in ((0, "none"), (39, "low"), (100, "critical")):
        svg = gauge(score, band, 70)
        ET.fromstring(svg)
        assert f">{score}</text>" in svg


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6), st.integers(2, 10))
def test_nice_ticks_cover_the_range_evenly(low: float, span: float, count: int) -> None:
    high = low + span
    ticks = nice_ticks(low, high, count)
    assert len(ticks) >= 2
    step = ticks[1] - ticks[0]
    # float fuzz (relative to the values' magnitude), never a visible gap
    tolerance = 1e-6 * step + 16 * math.ulp(max(abs(low), abs(high)))
    assert ticks[0] <= low + tolerance and ticks[-1] >= high - tolerance
    assert len(ticks) <= 4 * count + 2
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(steps) - min(steps) <= tolerance
    # Far from zero the differences carry float error (~1e-7 relative), so compare at 4 digits.
    assert round(step / 10 ** math.floor(math.log10(step)), 3) in (1, 2, 5, 10)
