"""Lineage of rebalanced designs: which content a recalibration came from and what it changed.

Kept in its own `lineage` table (created on first use), so the community's recalibrations
keep their history: a child content hash, its parent's hash, and the proposal applied.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils.db import Table

from .library import Library, now, path_key

TABLE = "lineage"


def ensure_table(library: Library) -> None:
    """Create the lineage table and its index if this library has none yet."""
    with library._lock:
        table = library.db.table(TABLE)
        assert isinstance(table, Table)
        table.create(
            {
                "id": int,
                "child_hash": str,
                "parent_hash": str,
                "path": str,
                "created": str,
                "label": str,
                "proposal": str,
            },
            pk="id",
            if_not_exists=True,
        )
        table.create_index(["child_hash"], if_not_exists=True)


def record_lineage(
    library: Library,
    child_hash: str,
    parent_hash: str,
    proposal: dict[str, Any],
    label: str,
    path: str | None = None,
) -> None:
    """Record that `child_hash` is `parent_hash` with `proposal` applied (once per pair)."""
    if child_hash == parent_hash:
        return
    ensure_table(library)
    with library._write() as conn:
        found = conn.execute(
            f"SELECT 1 FROM {TABLE} WHERE child_hash = ? AND parent_hash = ?",
            (child_hash, parent_hash),
        ).fetchone()
        if found:
            return
        conn.execute(
            f"INSERT INTO {TABLE} (child_hash, parent_hash, path, created, label, proposal) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                child_hash,
                parent_hash,
                path_key(path) if path else "",
                now(),
                label,
                json.dumps(proposal, ensure_ascii=False, sort_keys=True),
            ),
        )


def parent_record(library: Library, child_hash: str) -> dict[str, Any] | None:
    """The latest lineage record of this content: its parent hash, label and proposal."""
    with library._lock:
        if not library.db.table(TABLE).exists():
            return None
    rows = library._rows(
        f"SELECT * FROM {TABLE} WHERE child_hash = ? ORDER BY id DESC LIMIT 1", (child_hash,)
    )
    if not rows:
        return None
    row = dict(rows[0])
    row["proposal"] = json.loads(row["proposal"])
    return row


def ancestry(library: Library, content_hash: str, limit: int = 50) -> list[dict[str, Any]]:
    """Lineage records from this content back to the first design it came from."""
    chain: list[dict[str, Any]] = []
    seen = {content_hash}
    current = content_hash
    while len(chain) < limit:
        record = parent_record(library, current)
        if record is None or record["parent_hash"] in seen:
            break
        chain.append(record)
        seen.add(record["parent_hash"])
        current = record["parent_hash"]
    return chain


def report_entry(library: Library, content_hash: str) -> dict[str, Any] | None:
    """What an ethics report shows of a rebalanced design: parent and every edit with why."""
    record = parent_record(library, content_hash)
    if record is None:
        return None
    proposal = record["proposal"]
    return {
        "parent_sha256": record["parent_hash"],
        "label": record["label"],
        "created": record["created"],
        "score_before": proposal.get("score_before"),
        "score_after": proposal.get("score_after"),
        "edits": [
            {"summary": e.get("summary", ""), "resolves": list(e.get("resolves", []))}
            for e in proposal.get("edits", [])
        ],
    }
