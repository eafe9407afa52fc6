"""The result of one lint run: findings, score, band, gate verdict and what went wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .rule import Finding


@dataclass
class LintReport:
    """Everything a reviewer, the editor panel or an exporter needs from one run."""

    findings: list[Finding]
    score: int
    band: str
    threshold: float
    blocked: bool
    reasons: list[str]
    fatal: bool
    ledger: list[dict[str, Any]]
    analysis: Any = None
    simulation: Any = None
    plugin_errors: list[str] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    config_warnings: list[str] = field(default_factory=list)
    rules_run: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        """Findings that count (not suppressed)."""
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    @property
    def allowed(self) -> bool:
        return not self.blocked

    def counts(self) -> Counter[str]:
        """Unsuppressed findings per severity."""
        return Counter(f.severity for f in self.active)

    def fixable(self) -> list[Finding]:
        return [f for f in self.active if f.fix is not None and f.fix.automatic]

    def findings_for(self, element_id: str) -> list[Finding]:
        """Findings that name this node or edge (for canvas badges)."""
        return [f for f in self.findings if element_id in f.nodes or element_id in f.edges]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "band": self.band,
            "blocked": self.blocked,
            "threshold": self.threshold,
            "reasons": list(self.reasons),
            "findings": [f.to_dict() for f in self.findings],
            "ledger": [dict(entry) for entry in self.ledger],
            "plugin_errors": list(self.plugin_errors),
            "rule_errors": list(self.rule_errors),
            "notes": list(self.notes),
        }
