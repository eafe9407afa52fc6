"""Checking a package's claims, above io: who signed its review, and whether its score, band
and report are what this studio computes for the dreamscape it carries.

`studio.io.package_verify` proves the archive is sound (hashes, paths, sizes) and that each
review names this content. This module judges each review's signature against the trust
store, re-lints the packaged dreamscape with the settings its report records, and applies
the gate as this studio would: a package whose gate would be closed here does not verify.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio import __version__ as STUDIO_VERSION
from studio.io.package import PackageError
from studio.io.package_verify import (
    DEFAULT_LIMITS,
    ImportResult,
    Limits,
    VerifyResult,
    import_package,
    review_records,
    verify_package,
)
from studio.lint import LintConfig, LintReport, lint_dreamscape

from .policy import ReviewPolicy
from .publish import GateVerdict, gate_verdict
from .review import Review
from .signing import ReviewCheck, Status, check_record
from .trust import TrustStore


@dataclass(slots=True)
class PackageCheck:
    """The archive's verification, the verdict on each review, and every problem and note."""

    path: Path
    result: VerifyResult
    reviews: list[tuple[str, ReviewCheck]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verdict: GateVerdict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def manifest(self) -> dict[str, Any]:
        return self.result.manifest or {}

    def to_dict(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "package": str(self.path),
            "ok": self.ok,
            "problems": list(self.problems),
            "notes": list(self.notes),
            "title": m.get("title"),
            "content_sha256": m.get("content_sha256"),
            "studio_version": m.get("studio_version"),
            "reviews": [check.to_dict() | {"where": where} for where, check in self.reviews],
            "gate": self.verdict.to_dict() if self.verdict else None,
        }


def review_from_record(record: dict[str, Any]) -> Review:
    """A manifest's review record as a Review (for the gate); the record itself is judged."""
    score = record.get("score")
    return Review(
        id=0,
        content_hash=str(record.get("content_sha256", "")),
        reviewer=str(record.get("reviewer", "")),
        decision=str(record.get("decision", "")),
        justification=str(record.get("justification", "")),
        created=str(record.get("time", "")),
        score=score if isinstance(score, int) and not isinstance(score, bool) else None,
        band=record.get("band") if isinstance(record.get("band"), str) else None,
        studio_version=record.get("studio_version"),
        key_id=record.get("key_id"),
        public_key=record.get("public_key"),
        signature=record.get("signature"),
    )


def _review_verdicts(
    check: PackageCheck, trust: TrustStore | None, require_signed: bool
) -> list[tuple[Review, ReviewCheck]]:
    """Judge each review record; returns them (as Reviews, with their verdicts) for the gate."""
    judged = []
    for where, record in review_records(check.manifest):
        verdict = check_record(record, trust)
        check.reviews.append((where, verdict))
        judged.append((review_from_record(record), verdict))
        line = f"manifest.json: {where}: {verdict.line()}"
        if verdict.status in (Status.BAD, Status.REVOKED):
            check.problems.append(line)
        elif not verdict.honoured and require_signed:
            check.problems.append(line + " (--require-signed)")
        elif not verdict.honoured:
            check.notes.append(line)
    if require_signed and not check.reviews:
        check.problems.append("manifest.json: review: none, and --require-signed asks for one")
    return judged


def _lint_of(result: VerifyResult) -> dict[str, Any]:
    """report.json's lint section, or {} when it has none."""
    lint = (result.report or {}).get("lint")
    return lint if isinstance(lint, dict) else {}


def _relint(result: VerifyResult) -> LintReport:
    """Lint the packaged dreamscape with the simulation settings and threshold it recorded."""
    lint = _lint_of(result)
    found = lint.get("settings")
    settings: dict[str, Any] = found if isinstance(found, dict) else {}
    dreamers, seed = settings.get("dreamers", 2000), settings.get("seed", 0)
    dreamers = dreamers if isinstance(dreamers, int) and 0 < dreamers <= 100_000 else 2000
    seed = seed if isinstance(seed, int) else 0
    threshold = lint.get("threshold")
    config = None
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        config = LintConfig(threshold=float(threshold), origin="the package's report.json")
    assert result.dreamscape is not None
    return lint_dreamscape(result.dreamscape, config, dreamers=dreamers, seed=seed)


def _claims_problems(result: VerifyResult, report: LintReport) -> list[str]:
    """Where the manifest or report.json claims a score, band or finding this studio does not."""
    manifest = result.manifest or {}
    lint = _lint_of(result)
    score, band = int(report.score), str(report.band)
    problems = []
    claims = [
        ("manifest.json: score", manifest.get("score"), score),
        ("manifest.json: band", manifest.get("band"), band),
        ("report.json: lint.score", lint.get("score"), score),
        ("report.json: lint.band", lint.get("band"), band),
        ("report.json: lint.fatal", lint.get("fatal"), bool(report.fatal)),
        ("report.json: lint.blocked", lint.get("blocked"), bool(report.blocked)),
    ]
    for where, claimed, actual in claims:
        if claimed != actual:
            problems.append(f"{where} says {claimed!r}, but this studio computes {actual!r}")
    listed = lint.get("findings")
    found: list[Any] = listed if isinstance(listed, list) else []
    claimed_codes = Counter(str(f.get("code")) for f in found if isinstance(f, dict))
    actual_codes = Counter(str(f.code) for f in report.findings)
    if claimed_codes != actual_codes:
        missing = sorted((actual_codes - claimed_codes).elements())
        extra = sorted(str(c) for c in (claimed_codes - actual_codes).elements())
        parts = ([f"leaves out {', '.join(missing)}"] if missing else []) + (
            [f"lists {', '.join(extra)} that this studio does not find"] if extra else []
        )
        problems.append(f"report.json: lint.findings {' and '.join(parts)}")
    if (result.report or {}).get("content_sha256") != manifest.get("content_sha256"):
        problems.append("report.json: content_sha256 is not the package's content")
    made_by = manifest.get("studio_version")
    if problems and made_by != STUDIO_VERSION:
        problems.append(
            f"the package was made by studio {made_by}, this is {STUDIO_VERSION}: "
            "rules may have changed between versions"
        )
    return problems


def check_package(
    path: str | Path,
    trust: TrustStore | None = None,
    *,
    policy: ReviewPolicy | None = None,
    require_signed: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> PackageCheck:
    """Verify the archive, judge its reviews, re-lint and re-apply the gate; never raises for a
    bad package, lists why instead."""
    result = verify_package(path, limits)
    check = PackageCheck(Path(path), result, problems=list(result.problems))
    if result.manifest is None or result.dreamscape is None or not result.ok:
        return check
    judged = _review_verdicts(check, trust, require_signed)
    report = _relint(result)
    check.problems += _claims_problems(result, report)
    verdict = gate_verdict(
        report, check.manifest["content_sha256"], judged, policy, result.dreamscape.meta.audience
    )
    check.verdict = verdict
    if not verdict.allowed:
        check.problems.append("the gate would block this content here:")
        check.problems += [f"  - {reason}" for reason in verdict.reasons]
    return check


def check_and_import(
    path: str | Path,
    dest: str | Path,
    trust: TrustStore | None = None,
    *,
    force: bool = False,
    policy: ReviewPolicy | None = None,
    require_signed: bool = False,
) -> tuple[PackageCheck, ImportResult]:
    """Import only a package that checks out (PackageError with every problem otherwise)."""
    check = check_package(path, trust, policy=policy, require_signed=require_signed)
    if not check.ok:
        raise PackageError(check.problems, path)
    return check, import_package(path, dest, force=force)
