"""The review threshold policy: how many distinct trusted approvals a design needs to publish.

Optional, in the project's pyproject.toml beside the dreamscapes:

    [tool.dreamstudio.review]
    approvals = { child = 2 }      # designs for a child audience need two trusted reviewers

An audience not named needs none beyond the lint verdict (an override still needs one).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from studio.model import AUDIENCES

from .errors import LibraryError


class PolicyError(LibraryError):
    """The review policy in a pyproject.toml is malformed (the message names file and field)."""


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """Audience -> number of distinct trusted approvals required; where it was read from."""

    approvals: dict[str, int] = field(default_factory=dict)
    source: Path | None = None

    def required(self, audience: str) -> int:
        return self.approvals.get(audience, 0)


def _parse(path: Path, table: object) -> ReviewPolicy:
    where = f"{path}: tool.dreamstudio.review"
    if not isinstance(table, dict):
        raise PolicyError(f"{where}: expected a table")
    unknown = sorted(set(table) - {"approvals"})
    if unknown:
        raise PolicyError(f"{where}.{unknown[0]}: unknown setting (known: approvals)")
    approvals = table.get("approvals", {})
    if not isinstance(approvals, dict):
        raise PolicyError(f"{where}.approvals: expected a table of audience = count")
    out: dict[str, int] = {}
    for audience, count in approvals.items():
        if audience not in AUDIENCES:
            raise PolicyError(
                f"{where}.approvals.{audience}: unknown audience (one of {', '.join(AUDIENCES)})"
            )
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10:
            raise PolicyError(f"{where}.approvals.{audience}: expected a whole number 0-10")
        out[audience] = count
    return ReviewPolicy(out, path)


def find_policy(start: str | Path | None) -> ReviewPolicy:
    """The policy of the nearest pyproject.toml above `start` with [tool.dreamstudio.review]."""
    if start is None:
        return ReviewPolicy()
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read the review policy ({exc})") from None
        table = data.get("tool", {}).get("dreamstudio", {}).get("review")
        if table is not None:
            return _parse(path, table)
    return ReviewPolicy()
