"""Fixes are reversible operations: applying, filtering by code, and undoing exactly."""

from __future__ import annotations

from studio.io import dumps_dreamscape
from studio.lint import apply_fixes
from studio.model.ops import apply_all

from .builders import build, node, run


def _storm():
    return build(
        [
            node("onset", "entry", intensity=0.2),
            node("lantern", "anchor"),
            node("mae", "social", lint_ignore={"RWD001": "stale"}),
            node("storm", intensity=0.9),
            node("wake", "exit"),
        ],
        [("onset", "lantern"), ("lantern", "mae"), ("mae", "storm"), ("storm", "wake")],
    )


def test_only_the_requested_codes_are_fixed() -> None:
    ds = _storm()
    applied = apply_fixes(ds, run(ds), codes=["DS"])
    assert applied == ["DS006: remove the unused suppression of RWD001 from node 'mae'"]
    assert ds.edge("e4").target == "wake"


def test_suppressed_findings_are_not_fixed() -> None:
    ds = _storm()
    ds.node("storm").lint_ignore = {"INT003": "the storm is the ending"}
    report = run(ds)
    assert not any(d.startswith("INT003") for d in apply_fixes(ds, report))
    assert ds.edge("e4").target == "wake"


def test_every_fix_undoes_exactly() -> None:
    ds = _storm()
    before = dumps_dreamscape(ds)
    report = run(ds)
    inverses = []
    for finding in report.fixable():
        inverses.append(apply_all(ds, finding.fix.make_ops(ds)))
    assert dumps_dreamscape(ds) != before
    assert [f.code for f in run(ds).findings] == []
    for inverse in reversed(inverses):
        inverse.apply(ds)
    assert dumps_dreamscape(ds) == before


def test_a_fix_made_stale_by_an_edit_does_nothing() -> None:
    ds = _storm()
    report = run(ds)
    ds.node("mae").lint_ignore = {}
    (ds006,) = [f for f in report.findings if f.code == "DS006"]
    assert ds006.fix.make_ops(ds) == []
    assert not any(d.startswith("DS006") for d in apply_fixes(ds, report))
