"""The Rule API: what a rule declares, what it reports (Finding) and how it may be repaired (Fix)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from studio.model import Dreamscape
    from studio.model.ops import Op

    from .context import LintContext

from .vocabulary import MAX_EXCEEDANCE, SEVERITIES, severity_rank

CODE_PATTERN = re.compile(r"[A-Z]{2,3}[0-9]{3}")
FAMILY_PATTERN = re.compile(r"[A-Z]+")
FACTS = ("analysis", "simulation")  # the shared facts a LintContext computes
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def exceedance_above(value: float, limit: float) -> float:
    """How far a measure went past an upper limit: 1 at the limit, 2 at twice the limit or more."""
    if value == float("inf"):
        return MAX_EXCEEDANCE
    if limit <= 0:
        return 1.0 if value <= limit else MAX_EXCEEDANCE
    return max(1.0, min(MAX_EXCEEDANCE, 1.0 + (value - limit) / limit))


def exceedance_below(value: float, limit: float) -> float:
    """How far a measure fell short of a lower limit, relative to the limit, capped at 2."""
    if limit <= 0:
        return 1.0
    return max(1.0, min(MAX_EXCEEDANCE, 1.0 + (limit - value) / limit))


def family_of(code: str) -> str:
    """The letters of a code: `EXT` for EXT003, `DS` for DS001."""
    match = FAMILY_PATTERN.match(code)
    return match.group(0) if match else ""


class Fix:
    """A suggested repair; `make_ops` builds reversible edits against the current document."""

    def __init__(
        self, description: str, make_ops: Callable[[Dreamscape], list[Op]], automatic: bool = True
    ) -> None:
        self.description = description
        self.automatic = automatic
        self._make_ops = make_ops

    def make_ops(self, ds: Dreamscape) -> list[Op]:
        """Edits computed when applied, so several fixes on one node compose."""
        return list(self._make_ops(ds))

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "automatic": self.automatic}

    def __repr__(self) -> str:
        return f"Fix({self.description!r}, automatic={self.automatic})"


@dataclass
class Finding:
    """One problem a rule found, located on nodes and edges, with its share of the score."""

    code: str
    name: str
    severity: str
    message: str
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    points: float = 0.0
    suppressed: bool = False
    reason: str | None = None
    fatal: bool = False
    fix: Fix | None = None
    rule: Rule | None = field(default=None, repr=False, compare=False)
    exceedance: float = 1.0
    # A concrete walk from the entry that shows the problem (the analysis's witness steps).
    witness: tuple[Any, ...] | None = None

    @property
    def family(self) -> str:
        return family_of(self.code)

    @property
    def location(self) -> str | None:
        """The id a report line is anchored on: the first node, else the first edge."""
        if self.nodes:
            return self.nodes[0]
        if self.edges:
            return self.edges[0]
        return None

    def sort_key(self) -> tuple[int, str, str, str]:
        return (severity_rank(self.severity), self.code, self.location or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "nodes": list(self.nodes),
            "edges": list(self.edges),
            "points": round(self.points, 2),
            "suppressed": self.suppressed,
            "reason": self.reason,
            "fatal": self.fatal,
            "fix": self.fix.to_dict() if self.fix else None,
            "witness": [_step_dict(s) for s in self.witness] if self.witness else None,
        }


def _step_dict(step: Any) -> Any:
    """A witness step as JSON-able data (steps carry their own `to_dict`)."""
    return step.to_dict() if hasattr(step, "to_dict") else step


class Rule:
    """A check with a stable code; subclasses set the class attributes and implement `check`."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "warning"
    rationale: ClassVar[str] = ""
    source: ClassVar[str] = ""
    fatal: ClassVar[bool] = False
    fixable: ClassVar[bool] = False
    thresholds: ClassVar[Mapping[str, float]] = {}
    # Which shared facts the rule reads (FACTS); `dreamstudio rules CODE` shows them.
    needs: ClassVar[tuple[str, ...]] = ()
    plugin: str = "core"

    @property
    def family(self) -> str:
        return family_of(self.code)

    def check(self, ctx: LintContext) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def finding(
        self,
        message: str,
        *,
        nodes: Iterable[str] = (),
        edges: Iterable[str] = (),
        severity: str | None = None,
        exceedance: float = 1.0,
        fix: Fix | None = None,
        witness: Any = None,
    ) -> Finding:
        """A finding of this rule; points are assigned later by the score.

        `witness` is an analysis Witness (its steps are kept) or a tuple of steps.
        """
        steps = getattr(witness, "steps", witness)
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            nodes=tuple(nodes),
            edges=tuple(edges),
            fatal=self.fatal,
            fix=fix,
            rule=self,
            exceedance=exceedance,
            witness=tuple(steps) if steps else None,
        )

    def describe(self) -> dict[str, Any]:
        """Everything `dreamstudio rules` and SARIF show about the rule."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "family": self.family,
            "fatal": self.fatal,
            "fixable": self.fixable,
            "rationale": self.rationale,
            "source": self.source,
            "thresholds": dict(self.thresholds),
            "reads": list(self.needs),
            "plugin": self.plugin,
        }

    def __repr__(self) -> str:
        return f"<Rule {self.code} {self.name}>"


def validate_rule(rule: Any) -> list[str]:
    """Why a plugin's rule object cannot be used (empty when it can)."""
    problems = []
    code = getattr(rule, "code", None)
    label = code if isinstance(code, str) and code else repr(rule)
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        problems.append(f"{label}: code must be two or three capital letters and three digits")
    name = getattr(rule, "name", None)
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        problems.append(f"{label}: name must be kebab-case")
    if getattr(rule, "severity", None) not in SEVERITIES:
        problems.append(f"{label}: severity must be one of {', '.join(SEVERITIES)}")
    if not isinstance(getattr(rule, "rationale", None), str) or not rule.rationale.strip():
        problems.append(f"{label}: a rule needs a rationale")
    if not callable(getattr(rule, "check", None)):
        problems.append(f"{label}: a rule needs a check(context) method")
    thresholds = getattr(rule, "thresholds", {})
    if not isinstance(thresholds, Mapping) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in thresholds.values()
    ):
        problems.append(f"{label}: thresholds must map names to numbers")
    needs = getattr(rule, "needs", ())
    if not isinstance(needs, tuple) or not set(needs) <= set(FACTS):
        problems.append(f"{label}: needs must be a tuple drawn from {', '.join(FACTS)}")
    return problems
