"""The io layer's part of review checking: every review record in a manifest is an object
about this very content (signatures are judged in studio.store, where the trust store is)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_package_hostile import assert_rejected, build, good_entries, manifest_of, with_manifest

RECORD = {
    "reviewer": "Dr. Lorne",
    "decision": "approve",
    "justification": "",
    "time": "2026-05-01T10:00:00.000Z",
}


def _with_review(tmp_path: Path, review=None, **extra) -> bytes:
    entries = good_entries(tmp_path)
    manifest = manifest_of(entries)
    if review is not None:
        manifest["review"] = review(manifest["content_sha256"])
    manifest.update(extra)
    return build(with_manifest(entries, manifest))


def test_a_review_of_other_content_is_refused(tmp_path: Path) -> None:
    archive = _with_review(tmp_path, lambda _: RECORD | {"content_sha256": "b" * 64})
    assert_rejected(tmp_path, archive, "review.content_sha256: the review is of other content")


@pytest.mark.parametrize(
    ("review", "fragment"),
    [
        (lambda h: "Dr. Lorne approved", "review: expected an object or null"),
        (lambda h: RECORD | {"content_sha256": h, "decision": "waive"}, "review.decision"),
        (lambda h: {"content_sha256": h, "decision": "approve"}, "review.reviewer: missing"),
    ],
)
def test_malformed_review_records_are_named(tmp_path: Path, review, fragment: str) -> None:
    assert_rejected(tmp_path, _with_review(tmp_path, review), fragment)


def test_approvals_must_be_a_list_of_records_about_this_content(tmp_path: Path) -> None:
    assert_rejected(tmp_path, _with_review(tmp_path, approvals="two"), "approvals: expected a list")
    archive = _with_review(tmp_path, approvals=[RECORD | {"content_sha256": "c" * 64}])
    assert_rejected(tmp_path, archive, "approvals[0].content_sha256: the review is of other")
