"""One lint run: shared facts computed once, cancellation, the report, and the story's examples."""

from __future__ import annotations

import pytest

import studio.analysis
import studio.sim
from studio.io import load_dreamscape
from studio.lint import LintCancelled, lint_dreamscape
from studio.sim import SimulationCancelled
from tests.conftest import EXAMPLES

from .builders import build, healthy, node


def test_analysis_and_simulation_are_computed_once_and_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = {"analyze": 0, "simulate": 0}
    real_analyze, real_simulate = studio.analysis.analyze, studio.sim.simulate

    def counting_analyze(ds, **kwargs):
        calls["analyze"] += 1
        return real_analyze(ds, **kwargs)

    def counting_simulate(ds, **kwargs):
        calls["simulate"] += 1
        assert kwargs["dreamers"] == 300 and kwargs["seed"] == 7
        return real_simulate(ds, **kwargs)

    monkeypatch.setattr(studio.analysis, "analyze", counting_analyze)
    monkeypatch.setattr(studio.sim, "simulate", counting_simulate)
    report = lint_dreamscape(healthy(), dreamers=300, seed=7)
    assert calls == {"analyze": 1, "simulate": 1}
    assert report.analysis is not None and report.simulation is not None
    assert report.simulation.dreamers == 300


def test_simulation_is_not_run_when_no_selected_rule_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("simulation should not run")

    monkeypatch.setattr(studio.sim, "simulate", refuse)
    from studio.lint import LintConfig

    report = lint_dreamscape(healthy(), LintConfig(select=["DS", "EXT"]))
    assert report.simulation is None and report.rule_errors == []


def test_same_seed_same_report() -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    a = lint_dreamscape(ds, dreamers=500, seed=3).to_dict()
    b = lint_dreamscape(ds, dreamers=500, seed=3).to_dict()
    assert a == b


def test_should_stop_cancels_the_run() -> None:
    polls = []

    def stop_after_a_few() -> bool:
        polls.append(1)
        return len(polls) > 3

    with pytest.raises(SimulationCancelled) as info:
        lint_dreamscape(healthy(), should_stop=stop_after_a_few)
    assert isinstance(info.value, SimulationCancelled)
    with pytest.raises(LintCancelled):
        lint_dreamscape(healthy(), should_stop=lambda: True)


def test_report_to_dict_has_the_promised_keys() -> None:
    ds = build(
        [node("onset", "entry"), node("cellar"), node("wake", "exit")],
        [("onset", "cellar"), ("onset", "wake")],
    )
    data = lint_dreamscape(ds, dreamers=200).to_dict()
    assert {
        "score",
        "band",
        "blocked",
        "threshold",
        "reasons",
        "findings",
        "ledger",
        "plugin_errors",
    } <= set(data)
    (finding,) = [f for f in data["findings"] if f["code"] == "DS003"]
    assert {
        "code",
        "name",
        "severity",
        "message",
        "nodes",
        "edges",
        "points",
        "suppressed",
        "reason",
    } <= set(finding)
    assert data["blocked"] and "DS003" in [e["code"] for e in data["ledger"]]
    points = [e["points"] for e in data["ledger"]]
    assert points == sorted(points, reverse=True)


def test_findings_are_sorted_by_severity_code_and_node() -> None:
    report = lint_dreamscape(load_dreamscape(EXAMPLES / "elis-dreamgame.dream"), dreamers=500)
    keys = [f.sort_key() for f in report.findings]
    assert keys == sorted(keys)
    assert report.findings_for("alarm_hall")


def test_elis_dreamgame_is_blocked_for_the_reasons_the_design_intends() -> None:
    report = lint_dreamscape(load_dreamscape(EXAMPLES / "elis-dreamgame.dream"))
    found = {f.code for f in report.active}
    assert report.blocked and report.band in ("high", "critical")
    # The vault is a closed loop (fatal), the only exit is gated and nearly hidden, the arena
    # pays random rewards in a loop, nothing points back to waking life or real people, the
    # text pressures Eli to stay, and a teen is shown nightmares.
    assert {
        "EXT002",
        "EXT004",
        "EXT005",
        "RWD001",
        "SOC001",
        "SOC002",
        "SOC003",
        "SOC004",
        "INT002",
        "INT003",
        "TMP001",
    } <= found
    assert report.fatal and report.score == 100
    assert any("fatal" in r for r in report.reasons)


@pytest.mark.parametrize("name", ["reality-somnos", "maes-garden"])
def test_healthy_examples_are_allowed_with_low_scores(name: str) -> None:
    ds = load_dreamscape(EXAMPLES / f"{name}.dream")
    report = lint_dreamscape(ds)
    assert not report.blocked and report.score < 40 and report.band in ("none", "low")
    assert report.rule_errors == [] and report.plugin_errors == []
    a = report.analysis
    # Why they pass: every dreamer reaches an exit, well within the night, past an anchor.
    assert a.exit_probability == pytest.approx(1.0)
    assert a.expected_minutes < ds.night.total_rem_minutes
    assert float(report.simulation.finished.mean()) > 0.99
    finished = report.simulation.finished
    assert float((report.simulation.anchors[finished] > 0).mean()) >= 0.9
    assert max(n.intensity for n in ds.nodes) <= 0.8
