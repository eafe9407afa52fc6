"""Structural rules on the exact analysis (DS002, DS007-DS009): a trigger and a near miss each."""

from __future__ import annotations

from studio.lint import LintConfig, lint_dreamscape
from studio.model import Edge
from tests.lint.builders import build, found, node


def gated(flag_set: str):
    return build(
        [
            node("onset", "entry", effects={"flag": flag_set}),
            node("hub"),
            node("secret"),
            node("wake", "exit"),
        ],
        [
            ("onset", "hub"),
            ("hub", "wake"),
            Edge("e_gate", "hub", "secret", condition="flag"),
            ("secret", "wake"),
        ],
        variables={"flag": ("bool", False)},
    )


def test_ds002_scene_no_valuation_enters_and_near_miss() -> None:
    hits = found(gated("false"), "DS002")
    assert [f.nodes for f in hits] == [("secret",)]
    assert "no reachable valuation" in hits[0].message
    assert found(gated("not flag"), "DS002") == []


def test_ds007_condition_never_true_and_near_miss() -> None:
    hits = found(gated("false"), "DS007")
    assert len(hits) == 1 and hits[0].edges == ("e_gate",) and "never true" in hits[0].message
    assert found(gated("not flag"), "DS007") == []


def test_ds008_condition_always_true_and_near_miss() -> None:
    hits = found(gated("true"), "DS008")
    assert len(hits) == 1 and hits[0].severity == "info"
    assert found(gated("false"), "DS008") == []


def stall(opens: str):
    return build(
        [node("onset", "entry", effects={"tired": opens}), node("hub"), node("wake", "exit")],
        [("onset", "hub"), Edge("e_out", "hub", "wake", condition="tired")],
        variables={"tired": ("bool", False)},
    )


def test_ds009_stall_state_with_witness_and_near_miss() -> None:
    hits = found(stall("false"), "DS009")
    assert len(hits) == 1 and hits[0].nodes == ("hub",) and hits[0].witness is not None
    assert "tired=False" in hits[0].message
    assert found(stall("true"), "DS009") == []


def test_partial_figures_say_so() -> None:
    ds = build(
        [
            node("onset", "entry", minutes=1),
            node("loop", minutes=1, effects={"n": "n * 2 + 1"}),
            node("wake", "exit"),
        ],
        [("onset", "loop"), ("loop", "loop"), Edge("e_w", "loop", "wake", condition="n == 2")],
        variables={"n": ("int", 0)},
        lint={"analysis": {"max_states": 30}},
    )
    report = lint_dreamscape(ds, LintConfig(select=["DS007"]), dreamers=50)
    hits = [f for f in report.findings if f.code == "DS007"]
    assert hits and "partial: analysis bounded at" in hits[0].message


def test_bad_max_states_setting_is_named() -> None:
    ds = gated("false")
    ds.lint = {"analysis": {"max_states": "lots"}}
    report = lint_dreamscape(ds, LintConfig(select=["DS002"]), dreamers=50)
    assert not [f for f in report.findings if f.code == "DS002"]
    notes = report.to_dict()["notes"]
    assert any("skipped: lint.analysis.max_states: expected a whole number" in n for n in notes)
