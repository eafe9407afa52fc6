"""Reviewer sign-off: the records and the rules a review must pass before it is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import ReviewError
from .signing import field_digests

DECISIONS: tuple[str, ...] = ("approve", "reject", "override")
MIN_JUSTIFICATION = 20


@dataclass(slots=True)
class Review:
    """One reviewer's decision about one exact content hash, with the lint result they saw."""

    id: int
    content_hash: str
    reviewer: str
    decision: str
    justification: str
    created: str
    score: int | None = None
    band: str | None = None
    fatal: bool = False
    findings: list[dict[str, Any]] = field(default_factory=list)
    lint_run_id: int | None = None
    path: str | None = None
    studio_version: str | None = None
    key_id: str | None = None
    public_key: str | None = None
    signature: str | None = None
    signed_fields: dict[str, str] | None = None  # digests as signed, to name an edited field

    @property
    def signed(self) -> bool:
        return self.signature is not None

    def to_record(self) -> dict[str, Any]:
        """What a package's manifest carries: who decided what, when, on which score, and
        (when signed) the reviewer's key and signature over exactly these fields."""
        record: dict[str, Any] = {
            "reviewer": self.reviewer,
            "decision": self.decision,
            "justification": self.justification,
            "time": self.created,
            "content_sha256": self.content_hash,
            "score": self.score,
            "band": self.band,
            "studio_version": self.studio_version,
            "key_id": self.key_id,
            "signature": self.signature,
        }
        if self.signature is not None:
            record["public_key"] = self.public_key
            record["signed_fields"] = self.signed_fields or field_digests(record)
        return record

    def line(self) -> str:
        """`2025-05-01T10:00:00Z  override  by Dr. Lorne (score 74 high): why…`."""
        seen = f"score {self.score} {self.band}" if self.score is not None else "no lint result"
        text = f"{self.created}  {self.decision:<8}  by {self.reviewer} ({seen})"
        return text + (f": {self.justification}" if self.justification else "")

    @classmethod
    def from_row(cls, row: dict[str, Any], path: str | None = None) -> Review:
        return cls(
            id=row["id"],
            content_hash=row["content_hash"],
            reviewer=row["reviewer"],
            decision=row["decision"],
            justification=row["justification"] or "",
            created=row["created"],
            score=row["score"],
            band=row["band"],
            fatal=bool(row["fatal"]),
            findings=json.loads(row["findings"] or "[]"),
            lint_run_id=row["lint_run_id"],
            path=path,
            studio_version=row.get("studio_version"),
            key_id=row.get("key_id"),
            public_key=row.get("public_key"),
            signature=row.get("signature"),
            signed_fields=json.loads(row["signed_fields"]) if row.get("signed_fields") else None,
        )


def fatal_codes(lint: dict[str, Any] | None) -> list[str]:
    """Codes of the unsuppressed fatal findings in a lint summary."""
    if not lint:
        return []
    codes = [
        f.get("code", "?")
        for f in lint.get("findings", [])
        if f.get("fatal") and not f.get("suppressed")
    ]
    return sorted(set(codes))


def check_review(
    reviewer: str, decision: str, justification: str, lint: dict[str, Any] | None
) -> None:
    """Raise ReviewError with the reason when the rules refuse this review."""
    if not reviewer or not reviewer.strip():
        raise ReviewError("a review needs the reviewer's name")
    if decision not in DECISIONS:
        raise ReviewError(f"unknown decision {decision!r} (one of {', '.join(DECISIONS)})")
    if decision != "override":
        return
    text = (justification or "").strip()
    if len(text) < MIN_JUSTIFICATION:
        raise ReviewError(
            f"an override needs a justification of at least {MIN_JUSTIFICATION} "
            f"characters (got {len(text)}): say why publishing is safe despite "
            "the findings"
        )
    if lint is None:
        raise ReviewError(
            "an override must be made against a lint result; lint the dreamscape first"
        )
    fatal = fatal_codes(lint)
    if lint.get("fatal") or fatal:
        codes = ", ".join(fatal) if fatal else "a fatal finding"
        raise ReviewError(
            f"an override cannot lift a fatal finding ({codes}): a dreamer could "
            "be trapped with no way out; fix the design instead"
        )
