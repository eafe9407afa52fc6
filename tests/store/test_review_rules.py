"""Review rules: who, which decision, override justification, fatal findings, hash binding."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.io import load_dreamscape
from studio.model.ops import UpdateNode
from studio.store import MIN_JUSTIFICATION, Library, ReviewError

CLEAN = {
    "score": 8,
    "band": "low",
    "blocked": False,
    "fatal": False,
    "findings": [
        {"code": "EXT003", "severity": "warning", "points": 8, "suppressed": False, "fatal": False}
    ],
}
FATAL = {
    "score": 100,
    "band": "critical",
    "blocked": True,
    "fatal": True,
    "findings": [
        {"code": "EXT002", "severity": "error", "points": 100, "suppressed": False, "fatal": True}
    ],
}
JUSTIFIED = "Trial cohort only, monitored by Dr. Lorne nightly."


def test_override_needs_a_long_enough_justification(library: Library) -> None:
    short = "x" * (MIN_JUSTIFICATION - 1)
    with pytest.raises(ReviewError, match="at least 20 characters"):
        library.add_review("a" * 64, "Dr. Lorne", "override", short, CLEAN)
    with pytest.raises(ReviewError, match="at least 20"):
        library.add_review("a" * 64, "Dr. Lorne", "override", "   " + short + "    ", CLEAN)
    review = library.add_review("a" * 64, "Dr. Lorne", "override", "y" * MIN_JUSTIFICATION, CLEAN)
    assert review.decision == "override"
    assert [r.id for r in library.reviews_for("a" * 64)] == [review.id]


def test_fatal_findings_cannot_be_overridden(library: Library) -> None:
    with pytest.raises(ReviewError, match="cannot lift a fatal finding.*EXT002"):
        library.add_review("b" * 64, "Dr. Lorne", "override", JUSTIFIED, FATAL)
    assert library.reviews_for("b" * 64) == []
    # A suppressed fatal finding is not fatal any more; the report's flag still wins.
    suppressed = dict(FATAL, fatal=False, findings=[dict(FATAL["findings"][0], suppressed=True)])
    assert library.add_review("b" * 64, "Dr. Lorne", "override", JUSTIFIED, suppressed)
    # Rejecting or approving fatal content is recorded (approval does not lift the gate).
    assert library.add_review("b" * 64, "Dr. Lorne", "reject", "", FATAL).decision == "reject"


def test_override_without_a_lint_result_is_refused(library: Library) -> None:
    with pytest.raises(ReviewError, match="lint"):
        library.add_review("c" * 64, "Dr. Lorne", "override", JUSTIFIED, None)


@pytest.mark.parametrize(
    "reviewer, decision, match",
    [
        ("", "approve", "reviewer's name"),
        ("   ", "approve", "reviewer's name"),
        ("Dr. Lorne", "ship-it", "unknown decision"),
    ],
)
def test_review_needs_reviewer_and_known_decision(
    library: Library, reviewer: str, decision: str, match: str
) -> None:
    with pytest.raises(ReviewError, match=match):
        library.add_review("d" * 64, reviewer, decision, "", CLEAN)


def test_edit_changes_hash_so_no_review_carries_over(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    rev = library.record_save(ds, dream_file)
    assert rev is not None
    library.add_review(rev.content_hash, "Dr. Lorne", "approve", "", CLEAN, dream_file)
    UpdateNode("first_scene", {"intensity": 0.9}).apply(ds)
    edited = library.record_save(ds, dream_file)
    assert edited is not None and edited.content_hash != rev.content_hash
    assert library.latest_review(edited.content_hash) is None
    assert library.latest_review(rev.content_hash).decision == "approve"


def test_latest_review_wins_and_records_what_was_seen(library: Library) -> None:
    run = library.record_lint_run("e" * 64, CLEAN)
    library.add_review("e" * 64, "Dr. Lorne", "approve", "", CLEAN, lint_run_id=run)
    later = library.add_review("e" * 64, "Mae", "reject", "Too long for a child.", CLEAN)
    latest = library.latest_review("e" * 64)
    assert latest.id == later.id and latest.decision == "reject"
    first = library.reviews_for("e" * 64)[-1]
    assert (first.score, first.band, first.lint_run_id) == (8, "low", run)
    assert first.findings[0]["code"] == "EXT003"
    record = latest.to_record()
    assert record["reviewer"] == "Mae" and record["content_sha256"] == "e" * 64
