"""Review and publishing, end to end: lint, apply the gate with the latest review of this exact
content, record everything in the library, and write the package.

The app's review and export dialogs call `evaluate` (for the verdict and the report page
they show first), then `review_dreamscape` or `export_dreamscape` with the same report, so
nothing is linted twice.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio import __version__ as STUDIO_VERSION
from studio.io import dumps_dreamscape
from studio.io.package import (
    PACKAGE_SUFFIX,
    PackageError,
    PackageInfo,
    collect_assets,
    write_package,
)
from studio.lint import LintConfig, LintReport, gate_decision, lint_dreamscape
from studio.model import Dreamscape
from studio.report.html import render_report_html

from .keys import SecretKeyFile
from .library import Library
from .lineage import report_entry
from .policy import ReviewPolicy, find_policy
from .review import Review
from .signing import ReviewCheck, check_record
from .trust import TrustStore

REPORT_FORMAT = "dreampkg-report"
MAX_CURVE_POINTS = 400
HISTOGRAM_BINS = 30


@dataclass(slots=True)
class GateVerdict:
    """Whether this exact content may be exported now, why (not), and the review applied."""

    allowed: bool
    reasons: list[str]
    content_hash: str
    score: int
    band: str
    fatal: bool
    review: Review | None = None
    check: ReviewCheck | None = None
    approvals: list[Review] = field(default_factory=list)
    required_approvals: int = 0

    @property
    def honoured(self) -> bool:
        """True when the latest review counts: a reject (always), or a trusted signature."""
        review = self.review
        return review is not None and (
            review.decision == "reject" or (self.check is not None and self.check.honoured)
        )

    def _signed(self) -> str:
        """`, signed with key 3f2a…` or ` (unsigned)`: how far the latest review is vouched for."""
        check = self.check
        if check is None:
            return ""
        if check.honoured:
            return f" (signed, key {check.key_id})"
        return f" ({check.label})"

    @property
    def headline(self) -> str:
        """One sentence for the top of a dialog or report."""
        risk = f"escapism risk {self.score}/100 ({self.band})"
        review = self.review
        if self.allowed:
            if review and review.decision == "override" and self.honoured:
                return f"Publishable under {review.reviewer}'s override{self._signed()}: {risk}"
            if review and review.decision == "approve":
                return f"Ready to publish: {risk}; approved by {review.reviewer}{self._signed()}"
            if review and not self.honoured:
                return (
                    f"Ready to publish: {risk}; {review.decision} by {review.reviewer} "
                    f"not counted{self._signed()}"
                )
            return f"Ready to publish: {risk}; no reviewer sign-off recorded"
        if review and review.decision == "reject":
            return f"Blocked: rejected by {review.reviewer}{self._signed()}; {risk}"
        if self.fatal:
            return f"Blocked: a fatal finding can never be published; {risk}"
        n = len(self.reasons)
        return f"Blocked: {n} reason{'s' if n != 1 else ''} to resolve before publishing; {risk}"

    def lines(self) -> list[str]:
        """The headline, each reason, and the review applied (what `review --show` prints)."""
        out = [self.headline]
        out += [f"  - {reason}" for reason in self.reasons]
        if self.review is None:
            out.append("  review: none recorded for this content")
        else:
            out.append(f"  review: {self.review.line()}")
            if self.check is not None:
                out.append(f"  signature: {self.check.line()}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "headline": self.headline,
            "reasons": list(self.reasons),
            "content_sha256": self.content_hash,
            "score": self.score,
            "band": self.band,
            "fatal": self.fatal,
            "review": self.review.to_record() if self.review else None,
            "signature": self.check.to_dict() if self.check else None,
            "approvals": [r.to_record() for r in self.approvals],
            "required_approvals": self.required_approvals,
        }


@dataclass(slots=True)
class Evaluation:
    """One lint run of one content hash, and the gate verdict with its latest review."""

    content_hash: str
    report: LintReport
    verdict: GateVerdict
    dreamers: int
    seed: int
    text: str = field(repr=False, default="")
    policy: ReviewPolicy | None = None
    rebalanced: dict[str, Any] | None = None  # lineage: the parent design and what changed


class ExportBlocked(Exception):
    """The gate (or a missing asset) refuses the export; `lines()` says every reason."""

    def __init__(self, verdict: GateVerdict | None, problems: list[str] | None = None) -> None:
        self.verdict = verdict
        self.problems = list(problems or [])
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        out = self.verdict.lines() if self.verdict and not self.verdict.allowed else []
        if self.problems:
            out.append("cannot package the assets:")
            out += [f"  - {p}" for p in self.problems]
        return out


@dataclass(slots=True)
class ExportResult:
    """The package written, the verdict it was written under, and the library's export id."""

    package: PackageInfo
    evaluation: Evaluation
    export_id: int | None = None


Judged = list[tuple[Review, ReviewCheck]]


def judge(reviews: Sequence[Review], trust: TrustStore | None) -> Judged:
    """Each review (newest first) with the verdict on its signature."""
    return [(review, check_record(review.to_record(), trust)) for review in reviews]


def trusted_approvals(judged: Judged) -> list[Review]:
    """Approvals and overrides by distinct trusted keys and reviewers (each key's latest counts)."""
    latest_by_key: dict[str, Review] = {}
    for review, check in judged:
        if check.honoured and check.key_id and check.key_id not in latest_by_key:
            latest_by_key[check.key_id] = review
    names: set[str] = set()
    out = []
    for review in latest_by_key.values():
        if review.decision in ("approve", "override") and review.reviewer.casefold() not in names:
            names.add(review.reviewer.casefold())
            out.append(review)
    return out


def gate_verdict(
    report: LintReport,
    content_hash: str,
    judged: Judged,
    policy: ReviewPolicy | None = None,
    audience: str = "",
) -> GateVerdict:
    """Apply the gate with the reviews of this content (newest first, judged): a reject always
    counts; an approval or override only with a valid signature by a trusted, unrevoked key."""
    review, check = judged[0] if judged else (None, None)
    applied = None
    if review is not None and check is not None:
        applied = review.decision if review.decision == "reject" or check.honoured else None
    allowed, reasons = gate_decision(report, applied)
    if review is not None and check is not None and applied is None and not allowed:
        reasons.append(
            f"{review.reviewer}'s {review.decision} cannot lift the block: {check.label}"
            + (f" ({check.detail})" if check.detail else "")
        )
    need = policy.required(audience) if policy is not None else 0
    approvals = trusted_approvals(judged) if need else []
    if need and len(approvals) < need and applied != "reject" and not report.fatal:
        allowed = False
        names = ", ".join(r.reviewer for r in approvals) or "none"
        reasons.append(
            f"a {audience} audience needs {need} trusted approvals from different reviewers "
            f"(policy in {policy.source if policy else '?'}); this content has "
            f"{len(approvals)} ({names})"
        )
    return GateVerdict(
        allowed,
        reasons,
        content_hash,
        int(report.score),
        str(report.band),
        bool(report.fatal),
        review,
        check,
        approvals,
        need,
    )


def evaluate(
    ds: Dreamscape,
    *,
    base_dir: str | Path | None = None,
    library: Library | None = None,
    report: LintReport | None = None,
    config: LintConfig | None = None,
    dreamers: int = 2000,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    policy: ReviewPolicy | None = None,
) -> Evaluation:
    """Lint (unless a report of this content is given) and decide the gate; `should_stop`
    lets a dialog cancel the lint (it then raises studio.lint.LintCancelled)."""
    text = dumps_dreamscape(ds)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if base_dir is None and ds.path is not None:
        base_dir = Path(ds.path).parent
    if report is None:
        report = lint_dreamscape(
            ds, config, base_dir=base_dir, dreamers=dreamers, seed=seed, should_stop=should_stop
        )
    if policy is None:
        policy = find_policy(base_dir)
    judged = judge(library.reviews_for(content_hash), library.trust_store()) if library else []
    verdict = gate_verdict(report, content_hash, judged, policy, ds.meta.audience)
    lineage = report_entry(library, content_hash) if library is not None else None
    return Evaluation(content_hash, report, verdict, dreamers, seed, text, policy, lineage)


def lint_summary(evaluation: Evaluation) -> dict[str, Any]:
    """What the library keeps of a lint run (and what a review says it saw)."""
    report = evaluation.report
    return {
        "score": int(report.score),
        "band": str(report.band),
        "blocked": bool(report.blocked),
        "fatal": bool(report.fatal),
        "reasons": list(report.reasons),
        "findings": [_finding(f) for f in report.findings],
        "settings": {
            "dreamers": evaluation.dreamers,
            "seed": evaluation.seed,
            "threshold": report.threshold,
        },
    }


def review_dreamscape(
    library: Library,
    ds: Dreamscape,
    path: str | Path,
    reviewer: str,
    decision: str,
    justification: str = "",
    *,
    evaluation: Evaluation | None = None,
    author: str | None = None,
    key: SecretKeyFile | None = None,
    passphrase: bytes | None = None,
) -> tuple[Review, GateVerdict]:
    """Record the file's revision, the lint run the reviewer saw and the review, signed with
    `key` when given (ReviewError if the rules refuse it, KeyStoreError if the key cannot be
    used); returns the review and the verdict it leads to."""
    evaluation = evaluation or evaluate(ds, base_dir=Path(path).parent, library=library)
    library.record_save(
        ds, path, author=author, text=evaluation.text, message=f"reviewed by {reviewer}"
    )
    summary = lint_summary(evaluation)
    run_id = library.record_lint_run(evaluation.content_hash, summary, path)
    review = library.add_review(
        evaluation.content_hash,
        reviewer,
        decision,
        justification,
        summary,
        path,
        run_id,
        key=key,
        passphrase=passphrase,
    )
    judged = judge(library.reviews_for(evaluation.content_hash), library.trust_store())
    verdict = gate_verdict(
        evaluation.report, evaluation.content_hash, judged, evaluation.policy, ds.meta.audience
    )
    return review, verdict


def default_package_path(path: str | Path) -> Path:
    """lantern-bay.dream -> lantern-bay.dreampkg beside it."""
    return Path(path).with_suffix(PACKAGE_SUFFIX)


def export_dreamscape(
    ds: Dreamscape,
    path: str | Path,
    out: str | Path | None = None,
    *,
    library: Library | None = None,
    evaluation: Evaluation | None = None,
    dreamers: int = 2000,
    seed: int = 0,
    config: LintConfig | None = None,
    author: str | None = None,
) -> ExportResult:
    """Lint, gate, and write the package; raises ExportBlocked (nothing written) when refused."""
    path = Path(path)
    out = Path(out) if out is not None else default_package_path(path)
    if evaluation is None:
        evaluation = evaluate(
            ds, base_dir=path.parent, library=library, config=config, dreamers=dreamers, seed=seed
        )
    verdict = evaluation.verdict
    if library is not None:
        library.record_save(ds, path, author=author, text=evaluation.text)
        library.record_lint_run(evaluation.content_hash, lint_summary(evaluation), path)
    try:
        assets = collect_assets(ds, path.parent)
        asset_problems: list[str] = []
    except PackageError as exc:
        assets, asset_problems = [], exc.problems
    if not verdict.allowed or asset_problems:
        raise ExportBlocked(verdict, asset_problems)
    data = report_data(ds, evaluation)
    info = write_package(
        out,
        evaluation.text,
        ds.meta.title,
        data,
        render_report_html(data),
        assets,
        score=verdict.score,
        band=verdict.band,
        review=verdict.review.to_record() if verdict.review else None,
        approvals=[r.to_record() for r in verdict.approvals]
        if verdict.required_approvals
        else None,
    )
    export_id = None
    if library is not None:
        export_id = library.record_export(
            evaluation.content_hash,
            info.path,
            info.sha256,
            info.size,
            verdict.score,
            verdict.band,
            verdict.review.id if verdict.review else None,
            path,
        )
    return ExportResult(info, evaluation, export_id)


# ---------------------------------------------------------------- report data
def _clean(value: Any) -> Any:
    """JSON-ready and stable: floats rounded to 6 places, NaN/inf as null, numpy unwrapped."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return round(number, 6) if math.isfinite(number) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [_clean(v) for v in sorted(value)]
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):
        return _clean(value.tolist())
    return str(value)


def _finding(finding: Any) -> dict[str, Any]:
    data = finding.to_dict()
    rule = getattr(finding, "rule", None)
    data["rationale"] = getattr(rule, "rationale", "") or ""
    data["source"] = getattr(rule, "source", "") or ""
    return data


def _stride(n: int) -> int:
    return max(1, math.ceil(n / MAX_CURVE_POINTS))


def _simulation_data(sim: Any) -> dict[str, Any] | None:
    if sim is None:
        return None
    summary = dict(sim.summary())
    summary.pop("survival", None)
    summary.pop("node_visits", None)
    t, p = sim.survival
    step = _stride(len(t))
    bt, mean, p10, p90 = sim.intensity_band
    band_step = _stride(len(bt))
    edges, counts = sim.histogram(HISTOGRAM_BINS)
    return {
        "summary": summary,
        "survival": {"t": list(t[::step]), "p": list(p[::step])},
        "intensity": {
            "t": list(bt[::band_step]),
            "mean": list(mean[::band_step]),
            "p10": list(p10[::band_step]),
            "p90": list(p90[::band_step]),
            "high": sim.levels.high if sim.levels is not None else None,  # the rules' level
        },
        "histogram": {"edges": list(edges), "counts": [int(c) for c in counts]},
    }


def report_data(ds: Dreamscape, evaluation: Evaluation) -> dict[str, Any]:
    """The report a package carries as report.json and renders as report.html."""
    report = evaluation.report
    mentioned = {n for f in report.findings for n in f.nodes}
    if report.analysis is not None:
        mentioned |= set(getattr(report.analysis, "trap_nodes", []))
        mentioned |= set(getattr(report.analysis, "unreachable_nodes", []))
    titles = {n.id: n.title for n in ds.nodes if n.id in mentioned and n.title}
    data = {
        "format": REPORT_FORMAT,
        "version": 1,
        "title": ds.meta.title,
        "content_sha256": evaluation.content_hash,
        "studio_version": STUDIO_VERSION,
        "dreamscape": {
            "title": ds.meta.title,
            "author": ds.meta.author,
            "audience": ds.meta.audience,
            "description": ds.meta.description,
            "nodes": len(ds.nodes),
            "edges": len(ds.edges),
            "rem_minutes": ds.night.total_rem_minutes,
            "night": {
                "onset_minutes": ds.night.onset_minutes,
                "cycle_minutes": ds.night.cycle_minutes,
                "rem_minutes": list(ds.night.rem_minutes),
            },
            "node_titles": titles,
            "intensity_limit": _intensity_limit(ds),
        },
        "lint": {
            "score": int(report.score),
            "band": report.band,
            "threshold": report.threshold,
            "blocked": report.blocked,
            "fatal": report.fatal,
            "reasons": list(report.reasons),
            "findings": [_finding(f) for f in report.findings],
            "ledger": [dict(entry) for entry in report.ledger],
            "notes": list(report.notes),
            "rule_errors": list(report.rule_errors),
            "plugin_errors": list(report.plugin_errors),
            "rules_run": list(getattr(report, "rules_run", [])),
            "settings": {"dreamers": evaluation.dreamers, "seed": evaluation.seed},
        },
        "gate": evaluation.verdict.to_dict(),
        "analysis": report.analysis.to_dict() if report.analysis is not None else None,
        "simulation": _simulation_data(report.simulation),
    }
    if evaluation.rebalanced:
        data["rebalanced"] = evaluation.rebalanced
    return _clean(data)


def _intensity_limit(ds: Dreamscape) -> float | None:
    """The most intense scene INT002 allows this audience (None when the rule does not apply)."""
    if ds.meta.audience not in ("child", "teen"):
        return None
    from studio.lint.registry import all_rules

    for rule in all_rules():
        if rule.code == "INT002" and "max_intensity" in rule.thresholds:
            return float(rule.thresholds["max_intensity"])
    return None


def render_report(ds: Dreamscape, evaluation: Evaluation) -> str:
    """The report page for a dialog (the same page a package carries)."""
    return render_report_html(report_data(ds, evaluation))
