"""Applying suggested fixes through reversible operations (so the editor can undo them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from studio.model import ModelError
from studio.model.ops import apply_all

from .config import selector_matches

if TYPE_CHECKING:
    from studio.model import Dreamscape

    from .report import LintReport


def apply_fixes(
    ds: Dreamscape, report: LintReport, codes: Iterable[str] | None = None
) -> list[str]:
    """Apply every automatic fix of the report's unsuppressed findings (optionally only some
    codes or prefixes); returns the descriptions of the fixes that changed the document."""
    wanted = [c.strip().upper() for c in codes] if codes is not None else None
    applied: list[str] = []
    for finding in sorted(report.fixable(), key=lambda f: f.sort_key()[1:]):
        if wanted is not None and not any(selector_matches(w, finding.code) for w in wanted):
            continue
        assert finding.fix is not None
        try:
            ops = finding.fix.make_ops(ds)
            if not ops:
                continue
            apply_all(ds, ops, finding.fix.description)
        except (ModelError, KeyError, ValueError):
            continue  # an earlier fix already changed this place; the next run will tell
        applied.append(f"{finding.code}: {finding.fix.description}")
    return applied
