"""The publish API the app's review and export dialogs call: evaluate, review, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.io import content_hash, load_dreamscape, save_dreamscape
from studio.io.package import json_bytes
from studio.io.package_verify import verify_package
from studio.model.elements import Edge
from studio.model.ops import AddEdge, RemoveEdge, UpdateNode
from studio.store import Library, ReviewError
from studio.store.publish import (
    ExportBlocked,
    evaluate,
    export_dreamscape,
    render_report,
    report_data,
    review_dreamscape,
)

JUSTIFIED = "Supervised sleep-lab trial with nightly checks by Dr. Lorne."


def test_evaluate_without_and_with_reviews(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    plain = evaluate(ds, dreamers=200)
    assert plain.verdict.allowed and plain.verdict.review is None
    assert plain.content_hash == content_hash(ds)
    assert "no reviewer sign-off" in plain.verdict.headline
    review, verdict = review_dreamscape(
        library, ds, dream_file, "Mae", "reject", "Not tonight.", evaluation=plain
    )
    assert not verdict.allowed and verdict.review.id == review.id
    again = evaluate(ds, library=library, dreamers=200)
    assert not again.verdict.allowed and "rejected by Mae" in again.verdict.headline
    assert again.verdict.lines()[-2].startswith("  review: ")
    # A reject counts even unsigned (refusing is always safe); the line says it is unsigned.
    assert (
        again.verdict.lines()[-1] == "  signature: reject by Mae: unsigned: nobody vouches for it"
    )


def test_override_lifts_a_non_fatal_block(
    library: Library, dream_file: Path, trusted_lorne
) -> None:
    ds = load_dreamscape(dream_file)
    UpdateNode("first_scene", {"intensity": 0.95}).apply(ds)  # INT002 for a teen audience
    save_dreamscape(ds, dream_file)
    blocked = evaluate(ds, library=library, dreamers=200)
    assert not blocked.verdict.allowed and not blocked.verdict.fatal
    with pytest.raises(ExportBlocked) as caught:
        export_dreamscape(ds, dream_file, library=library, evaluation=blocked)
    assert any("INT002" in line for line in caught.value.lines())
    assert not dream_file.with_suffix(".dreampkg").exists()
    # The refused attempt is still on record: the revision and the lint run it saw.
    assert library.lint_runs_for(blocked.content_hash)[0]["blocked"] is True
    review_dreamscape(
        library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, evaluation=blocked
    )
    # Unsigned, the override is recorded but does not lift the block.
    unsigned = evaluate(ds, library=library, dreamers=200)
    assert not unsigned.verdict.allowed
    assert "cannot lift the block: unsigned" in unsigned.verdict.reasons[-1]
    review_dreamscape(
        library,
        ds,
        dream_file,
        "Dr. Lorne",
        "override",
        JUSTIFIED,
        evaluation=unsigned,
        key=trusted_lorne,
    )
    result = export_dreamscape(ds, dream_file, library=library, dreamers=200)
    assert result.evaluation.verdict.allowed
    assert result.package.manifest["review"]["decision"] == "override"
    assert verify_package(result.package.path).ok
    [export] = library.exports_for(blocked.content_hash)
    assert export["package_sha256"] == result.package.sha256
    assert export["review_id"] == library.latest_review(blocked.content_hash).id


def test_fatal_cannot_be_overridden_through_the_api(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    RemoveEdge("e2").apply(ds)
    AddEdge(Edge("loop", "first_scene", "onset")).apply(ds)
    evaluation = evaluate(ds, dreamers=200)
    assert evaluation.verdict.fatal
    with pytest.raises(ReviewError, match="fatal"):
        review_dreamscape(
            library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, evaluation=evaluation
        )
    assert library.reviews_for(evaluation.content_hash) == []
    with pytest.raises(ExportBlocked, match="fatal"):
        export_dreamscape(ds, dream_file, evaluation=evaluation)


def test_report_data_is_strict_json_with_rationale_and_curves(dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    evaluation = evaluate(ds, dreamers=300, seed=4)
    data = report_data(ds, evaluation)
    json.dumps(data, allow_nan=False)
    assert data["content_sha256"] == content_hash(ds)
    assert data["lint"]["score"] == evaluation.report.score
    assert data["lint"]["findings"]
    assert all(f["rationale"] and f["source"] for f in data["lint"]["findings"])
    sim = data["simulation"]
    assert sim["summary"]["dreamers"] == 300 and "node_visits" not in sim["summary"]
    assert len(sim["survival"]["t"]) == len(sim["survival"]["p"]) > 10
    assert sum(sim["histogram"]["counts"]) > 0
    assert sim["intensity"]["high"] == 0.7  # INT001's level, the one the simulation measured
    assert data["gate"]["allowed"] == evaluation.verdict.allowed
    # Same content, same seed: the same bytes (what makes packages reproducible).
    assert json_bytes(data) == json_bytes(report_data(ds, evaluate(ds, dreamers=300, seed=4)))
    assert "Lantern Bay" in render_report(ds, evaluation)
