"""The rebalancer end to end on the story's designs: passing, 1-minimal, explained, undoable."""

from __future__ import annotations

import pytest

from studio.io import dumps_dreamscape, load_dreamscape, loads_dreamscape
from studio.lint import LintConfig, LintConfigError, lint_dreamscape
from studio.repair import rebalance
from studio.repair.search import ds_with
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def eli():
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    return ds, rebalance(ds)


def test_eli_gets_a_passing_proposal_that_keeps_every_scene(eli) -> None:
    ds, proposal = eli
    assert not proposal.allowed_before and proposal.allowed
    assert proposal.stopped is None and proposal.minimal
    after = ds_with(ds, [pe.edit for pe in proposal.edits])
    report = lint_dreamscape(after)
    assert not report.blocked and report.score == proposal.score_after
    assert {n.id for n in ds.nodes} <= {n.id for n in after.nodes}  # no scene deleted
    assert after.meta.audience == ds.meta.audience and after.lint == ds.lint
    assert all(not n.lint_ignore for n in after.nodes) and all(
        not e.lint_ignore for e in after.edges
    )


def test_eli_proposal_is_one_minimal(eli) -> None:
    ds, proposal = eli
    edits = [pe.edit for pe in proposal.edits]
    for i in range(len(edits)):
        try:
            fewer = ds_with(ds, edits[:i] + edits[i + 1 :])
        except ValueError:
            continue  # a later edit builds on this one: dropping it alone does not apply
        assert lint_dreamscape(fewer).blocked, f"edit {i} ({proposal.edits[i].summary}) is spare"


def test_every_edit_is_explained(eli) -> None:
    _ds, proposal = eli
    for pe in proposal.edits:
        assert pe.summary and pe.changes and pe.cost > 0
        assert pe.resolves, pe.summary
    text = "\n".join(proposal.text_lines())
    assert "100/100" in text and "brings it under the gate" in text
    data = proposal.to_dict()
    assert data["allowed"] and data["total_cost"] == proposal.total_cost
    assert len(data["edits"]) == len(proposal.edits)


def test_rebalance_does_not_touch_the_design_and_is_deterministic(eli) -> None:
    ds, proposal = eli
    before = dumps_dreamscape(ds)
    again = rebalance(ds)
    assert dumps_dreamscape(ds) == before
    assert [e.edit.key for e in again.edits] == [e.edit.key for e in proposal.edits]


def test_applying_is_one_step_and_undo_restores_the_file_byte_for_byte(eli) -> None:
    ds, proposal = eli
    work = ds.clone()
    before = dumps_dreamscape(work)
    inverse = proposal.apply(work)
    assert not lint_dreamscape(work).blocked
    inverse.apply(work)
    assert dumps_dreamscape(work) == before


@pytest.mark.parametrize("name", ["reality-somnos.dream", "maes-garden.dream"])
def test_allowed_designs_get_an_empty_proposal(name: str) -> None:
    proposal = rebalance(load_dreamscape(EXAMPLES / name))
    assert proposal.allowed_before and proposal.allowed and proposal.edits == []
    assert "nothing to rebalance" in proposal.text_lines()[0]


NO_EXIT = """{
  "format": "dreamscape", "version": 1,
  "meta": {"title": "Endless corridor", "audience": "adult"},
  "nodes": [
    {"id": "onset", "kind": "entry", "title": "Drifting off"},
    {"id": "hall", "kind": "scene", "title": "The hall"},
    {"id": "stair", "kind": "scene", "title": "The stair"}
  ],
  "edges": [
    {"id": "e1", "from": "onset", "to": "hall"},
    {"id": "e2", "from": "hall", "to": "stair"},
    {"id": "e3", "from": "stair", "to": "hall"}
  ]
}
"""


def test_a_fatal_only_deletion_or_a_new_ending_could_fix_is_explained() -> None:
    ds = loads_dreamscape(NO_EXIT, "corridor.dream")
    proposal = rebalance(ds)
    assert not proposal.allowed
    remaining = {r.code: r for r in proposal.remaining}
    assert "EXT001" in remaining
    assert "no exit scene" in remaining["EXT001"].why
    assert any("EXT001" in line for line in proposal.text_lines())


def test_threshold_is_respected_never_changed() -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    proposal = rebalance(ds, LintConfig(threshold=55), budget=120)
    assert proposal.threshold == 55
    if proposal.allowed:
        assert proposal.score_after < 55


def test_the_budget_stops_with_the_best_so_far() -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    proposal = rebalance(ds, budget=0.3)
    assert proposal.stopped == "budget"
    assert any("time budget" in line for line in proposal.text_lines())


def test_cancelling_stops_and_progress_is_reported() -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    seen: list[tuple[float, str]] = []
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 5

    proposal = rebalance(ds, progress=lambda f, m: seen.append((f, m)), should_stop=stop)
    assert proposal.stopped == "cancelled"
    assert seen and all(0.0 <= f <= 1.0 for f, _m in seen)


def test_costs_come_from_the_lint_config() -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    ds.lint["rebalance"] = {"costs": {"intensity": 4}}
    proposal = rebalance(ds, max_edits=3, budget=5)
    costs = {pe.kind: pe.cost for pe in proposal.edits}
    assert costs.get("intensity", 4) == 4
    ds.lint["rebalance"] = {"costs": {"intensity": "cheap"}}
    with pytest.raises(LintConfigError, match="rebalance.costs.intensity"):
        rebalance(ds)
