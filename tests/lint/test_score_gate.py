"""Score arithmetic, bands, fatal pinning, the ledger and the publish gate."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.lint import Finding, LintReport, exceedance_above, exceedance_below, gate_decision
from studio.lint.gate import block_reasons
from studio.lint.score import band_for, score_findings


def _f(
    severity: str = "warning",
    exceedance: float = 1.0,
    *,
    code: str = "EXT005",
    suppressed: bool = False,
    fatal: bool = False,
    nodes: tuple[str, ...] = ("hub",),
) -> Finding:
    return Finding(
        code,
        "rule",
        severity,
        "message",
        nodes,
        (),
        suppressed=suppressed,
        reason="why" if suppressed else None,
        fatal=fatal,
        exceedance=exceedance,
    )


def test_points_are_severity_base_times_exceedance() -> None:
    findings = [_f("error"), _f("warning", 1.5), _f("info", 2.0)]
    score, band, ledger = score_findings(findings)
    assert [f.points for f in findings] == [20.0, 12.0, 4.0]
    assert score == 36 and band == "low"
    assert [e["points"] for e in ledger] == [20.0, 12.0, 4.0]
    assert set(ledger[0]) >= {"code", "nodes", "edges", "points", "severity", "message"}


def test_exceedance_is_relative_and_capped() -> None:
    assert exceedance_above(6, 6) == 1.0
    assert exceedance_above(9, 6) == 1.5
    assert exceedance_above(100, 6) == 2.0
    assert exceedance_above(float("inf"), 30) == 2.0
    assert exceedance_below(0.05, 0.1) == pytest.approx(1.5)
    assert exceedance_below(0.0, 0.9) == 2.0
    finding = _f("error", 7.0)
    score_findings([finding])
    assert finding.points == 40.0


def test_score_is_capped_at_100() -> None:
    score, band, _ = score_findings([_f("error", 2.0) for _ in range(4)])
    assert score == 100 and band == "critical"


def test_suppressed_findings_count_nothing_and_leave_the_ledger() -> None:
    findings = [_f("error", suppressed=True), _f("warning")]
    score, _, ledger = score_findings(findings)
    assert findings[0].points == 0 and score == 8
    assert [e["severity"] for e in ledger] == ["warning"]


def test_fatal_finding_pins_the_score() -> None:
    score, band, ledger = score_findings([_f("error", fatal=True, code="EXT002")])
    assert score == 100 and band == "critical"
    assert ledger[0]["code"] == "EXT002"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "none"),
        (1, "low"),
        (39, "low"),
        (40, "medium"),
        (69, "medium"),
        (70, "high"),
        (89, "high"),
        (90, "critical"),
        (100, "critical"),
    ],
)
def test_bands(score: int, band: str) -> None:
    assert band_for(score) == band


@given(
    st.lists(
        st.tuples(st.sampled_from(["error", "warning", "info"]), st.floats(0, 5), st.booleans()),
        max_size=30,
    )
)
def test_score_properties(spec: list[tuple[str, float, bool]]) -> None:
    findings = [_f(sev, exc, suppressed=sup) for sev, exc, sup in spec]
    score, band, ledger = score_findings(findings)
    assert 0 <= score <= 100
    assert band == band_for(score)
    live = [f for f in findings if not f.suppressed]
    assert len(ledger) == len(live)
    assert score == min(100, round(sum(f.points for f in live)))
    assert all(f.points in (0,) or 2 <= f.points <= 40 for f in findings)
    assert (score == 0) == (not live)


def _report(findings: list[Finding], threshold: float = 70) -> LintReport:
    score, band, ledger = score_findings(findings)
    reasons = block_reasons(findings, score, threshold)
    return LintReport(
        findings,
        score,
        band,
        threshold,
        bool(reasons),
        reasons,
        any(f.fatal and not f.suppressed for f in findings),
        ledger,
    )


def test_gate_blocks_on_an_unsuppressed_error() -> None:
    report = _report([_f("error")])
    assert report.blocked and report.score == 20
    assert "error finding" in report.reasons[0] and "EXT005" in report.reasons[0]
    assert not _report([_f("error", suppressed=True)]).blocked


def test_gate_blocks_at_the_threshold() -> None:
    warnings = [_f("warning", 1.75) for _ in range(5)]  # 5 × 14 = 70
    report = _report(warnings)
    assert report.score == 70 and report.blocked
    assert report.reasons == ["escapism risk 70/100 is at or above the threshold 70"]
    assert not _report(warnings, threshold=71).blocked


def test_gate_decision_with_reviews() -> None:
    clean = _report([_f("warning")])
    blocked = _report([_f("error")])
    fatal = _report([_f("error", fatal=True, code="EXT001")])
    assert gate_decision(clean, None) == (True, [])
    assert gate_decision(clean, "approve") == (True, [])
    assert gate_decision(clean, "reject")[0] is False
    assert gate_decision(blocked, None)[0] is False
    assert gate_decision(blocked, "approve")[0] is False
    allowed, reasons = gate_decision(blocked, "override")
    assert allowed and "override" in reasons[0]
    assert gate_decision(blocked, "reject")[0] is False
    allowed, reasons = gate_decision(fatal, "override")
    assert not allowed and any("cannot lift a fatal" in r for r in reasons)
    with pytest.raises(ValueError):
        gate_decision(clean, "maybe")
