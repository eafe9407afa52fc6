"""A rebalancing proposal: the edits, why each is there, and what the design scores with them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.model import Dreamscape
from studio.model.ops import Batch, Op

from .edits import Change, Edit


@dataclass
class ProposedEdit:
    """One edit with its explanation: what, where, before → after, what it resolves."""

    edit: Edit
    summary: str
    cost: float
    changes: list[Change]
    resolves: list[str] = field(default_factory=list)
    score_without: int | None = None  # the design's score with every other edit but this one

    @property
    def kind(self) -> str:
        return self.edit.kind

    @property
    def where(self) -> tuple[str, ...]:
        return self.edit.where

    def to_dict(self, score_after: int) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "where": list(self.where),
            "cost": self.cost,
            "changes": [c.to_dict() for c in self.changes],
            "resolves": list(self.resolves),
            "score_without": self.score_without,
            "score_effect": (
                None if self.score_without is None else score_after - self.score_without
            ),
        }


@dataclass
class Remaining:
    """A finding the proposal leaves, and why it could not be resolved."""

    code: str
    severity: str
    message: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "why": self.why,
        }


@dataclass
class Proposal:
    """What the rebalancer found; `edits` in the order they apply."""

    title: str
    edits: list[ProposedEdit]
    score_before: int
    band_before: str
    allowed_before: bool
    score_after: int
    band_after: str
    allowed: bool
    threshold: float
    reasons_after: list[str] = field(default_factory=list)
    remaining: list[Remaining] = field(default_factory=list)
    minimal: bool = True
    stopped: str | None = None  # "budget", "cancelled" or "max-edits" when the search stopped early
    evaluations: int = 0
    seconds: float = 0.0

    @property
    def passes(self) -> bool:
        """Allowed after the edits, within the edit limit."""
        return self.allowed and self.stopped != "max-edits"

    @property
    def total_cost(self) -> float:
        return sum(e.cost for e in self.edits)

    @property
    def label(self) -> str:
        """The undo step's name."""
        n = len(self.edits)
        return (
            f"Rebalance '{self.title}': {n} edit{'s' if n != 1 else ''} "
            f"(risk {self.score_before} → {self.score_after})"
        )

    def ops(self, ds: Dreamscape, chosen: Iterable[int] | None = None) -> list[Op]:
        """The model ops of the chosen edits (all by default), built in order on `ds`."""
        return build_ops(ds, [self.edits[i].edit for i in self._chosen(chosen)])

    def apply(self, ds: Dreamscape, chosen: Iterable[int] | None = None) -> Op:
        """Apply the chosen edits as one step; returns the single inverse (one undo)."""
        picked = list(self._chosen(chosen))
        ops = self.ops(ds, picked)
        return Batch(ops, self.label).apply(ds)

    def _chosen(self, chosen: Iterable[int] | None) -> list[int]:
        return list(range(len(self.edits))) if chosen is None else sorted(set(chosen))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "score_before": self.score_before,
            "band_before": self.band_before,
            "allowed_before": self.allowed_before,
            "score_after": self.score_after,
            "band_after": self.band_after,
            "allowed": self.allowed,
            "threshold": self.threshold,
            "total_cost": self.total_cost,
            "minimal": self.minimal,
            "stopped": self.stopped,
            "edits": [e.to_dict(self.score_after) for e in self.edits],
            "reasons_after": list(self.reasons_after),
            "remaining": [r.to_dict() for r in self.remaining],
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 3),
        }

    def text_lines(self) -> list[str]:
        """The explanation as the CLI prints it."""
        lines: list[str] = []
        if self.allowed_before:
            return [
                f"'{self.title}' may already be published (risk {self.score_before}/100, "
                f"{self.band_before}): nothing to rebalance"
            ]
        verb = "brings it under the gate" if self.allowed else "does not pass the gate"
        lines.append(
            f"'{self.title}': risk {self.score_before}/100 ({self.band_before}) → "
            f"{self.score_after}/100 ({self.band_after}) with {len(self.edits)} edit"
            f"{'s' if len(self.edits) != 1 else ''} (cost {self.total_cost:g}); the proposal {verb}"
        )
        for i, pe in enumerate(self.edits, 1):
            lines.append(f"{i:>3}. [{pe.kind}, cost {pe.cost:g}] {pe.summary}")
            for change in pe.changes:
                lines.append(f"       {change.text()}")
            if pe.resolves:
                lines.append(f"       resolves: {'; '.join(pe.resolves)}")
            if pe.score_without is not None:
                lines.append(
                    f"       without it: risk {pe.score_without} (this edit: "
                    f"{self.score_after - pe.score_without:+d})"
                )
        for reason in self.reasons_after:
            lines.append(f"still blocked: {reason}")
        for rem in self.remaining:
            lines.append(f"remains: {rem.code} [{rem.severity}] {rem.message} — {rem.why}")
        if self.stopped == "budget":
            lines.append("the time budget ran out: this is the best proposal found so far")
        elif self.stopped == "cancelled":
            lines.append("cancelled: this is the best proposal found so far")
        elif self.stopped == "max-edits":
            lines.append("no proposal within the maximum number of edits (--max-edits)")
        if self.edits and not self.minimal:
            lines.append("not yet shown 1-minimal (the search stopped before checking every edit)")
        return lines


def build_ops(ds: Dreamscape, edits: Sequence[Edit]) -> list[Op]:
    """Ops for a sequence of edits, each built after the previous ones took effect.

    Each edit's ops are applied to `ds` while building (later edits see earlier ones) and
    then undone, so `ds` is left as it was.
    """
    ops: list[Op] = []
    undo: list[Op] = []
    try:
        for edit in edits:
            summary = edit.summary(ds)
            built = edit.ops(ds)
            undo.append(Batch(built).apply(ds))
            ops.append(Batch(built, summary))
    finally:
        for inverse in reversed(undo):
            inverse.apply(ds)
    return ops
