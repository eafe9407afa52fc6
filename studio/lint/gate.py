"""The publish gate: whether a linted dreamscape may be published, and why not."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .rule import Finding

if TYPE_CHECKING:
    from .report import LintReport

REVIEW_DECISIONS = (None, "approve", "reject", "override")


def block_reasons(findings: Iterable[Finding], score: int, threshold: float) -> list[str]:
    """Human sentences for every reason the gate closes (empty when it is open)."""
    live = [f for f in findings if not f.suppressed]
    reasons = []
    fatal = sorted({f"{f.code} {f.name}" for f in live if f.fatal})
    if fatal:
        reasons.append(
            f"fatal finding{'s' if len(fatal) > 1 else ''} {', '.join(fatal)}: the "
            "dream can hold the sleeper with no way out; no override can publish it"
        )
    errors = [f for f in live if f.severity == "error" and not f.fatal]
    if errors:
        codes = ", ".join(sorted({f.code for f in errors}))
        n = len(errors)
        reasons.append(
            f"{n} unsuppressed error finding{'s' if n > 1 else ''} ({codes}) must be "
            "fixed or suppressed with a reason"
        )
    if score >= threshold:
        reasons.append(f"escapism risk {score}/100 is at or above the threshold {threshold:g}")
    return reasons


def gate_decision(report: LintReport, review_decision: str | None) -> tuple[bool, list[str]]:
    """Combine the lint verdict with a reviewer's recorded decision for this exact content.

    `reject` always blocks; `override` lifts a non-fatal block; `approve` (or no review)
    leaves the lint verdict as it is; a fatal finding can never be overridden.
    """
    if review_decision not in REVIEW_DECISIONS:
        raise ValueError(
            f"unknown review decision {review_decision!r} (expected approve, reject or override)"
        )
    reasons = list(report.reasons)
    if review_decision == "reject":
        return False, ["a reviewer rejected this content", *reasons]
    if report.fatal:
        if review_decision == "override":
            reasons.append("a reviewer's override cannot lift a fatal finding")
        return False, reasons
    if not report.blocked:
        return True, []
    if review_decision == "override":
        return True, [f"published under a reviewer's override despite: {r}" for r in reasons]
    return False, reasons
