"""The library's schema and its migrations: every database is brought to the current version on open.

Each migration runs inside one `BEGIN IMMEDIATE` transaction together with the version bump,
so a crash mid-upgrade leaves the previous schema intact and two processes opening a fresh
database at once never apply a step twice (the second waits, then sees the new version).
That is also why the full-text index is created with plain DDL here rather than
`sqlite_utils.Table.enable_fts` (whose `executescript` would commit half-way): the virtual
table and triggers have exactly the shape `enable_fts(..., create_triggers=True)` gives, so
sqlite-utils' `detect_fts`, `search` and `populate_fts` work on it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import sqlite_utils
from sqlite_utils.db import Table

from .errors import LibraryError
from .trust import ensure_trust_tables

CURRENT_SCHEMA = 3

FTS_TABLE = "dreamscapes"
FTS_COLUMNS = ("title", "scene_text")


def _v1(conn: sqlite3.Connection) -> None:
    """The first library: files and their revisions only."""
    conn.execute("""
        CREATE TABLE dreamscapes (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""")
    conn.execute("""
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            dreamscape_id INTEGER NOT NULL REFERENCES dreamscapes(id),
            number INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            content TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            UNIQUE (dreamscape_id, number)
        )""")


def scene_text_of(content: str) -> str:
    """The searchable words of a revision: node titles and scene text, one node a line."""
    try:
        data = json.loads(content)
    except ValueError:
        return ""
    nodes = data.get("nodes") if isinstance(data, dict) else None
    lines = []
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict):
            parts = [node.get("title"), node.get("text")]
            lines.append(" ".join(p for p in parts if isinstance(p, str) and p))
    return "\n".join(line for line in lines if line)


def _v2(conn: sqlite3.Connection) -> None:
    """Review and publishing: lint runs, reviews, exports, revision titles and full-text search."""
    conn.execute("ALTER TABLE dreamscapes ADD COLUMN scene_text TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE dreamscapes ADD COLUMN latest_hash TEXT")
    conn.execute("ALTER TABLE revisions ADD COLUMN title TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE INDEX revisions_hash ON revisions (content_hash)")
    conn.execute("""
        CREATE TABLE lint_runs (
            id INTEGER PRIMARY KEY,
            dreamscape_id INTEGER REFERENCES dreamscapes(id),
            content_hash TEXT NOT NULL,
            created TEXT NOT NULL,
            score INTEGER NOT NULL,
            band TEXT NOT NULL,
            blocked INTEGER NOT NULL,
            fatal INTEGER NOT NULL,
            findings TEXT NOT NULL,
            reasons TEXT NOT NULL DEFAULT '[]',
            settings TEXT NOT NULL DEFAULT '{}'
        )""")
    conn.execute("CREATE INDEX lint_runs_hash ON lint_runs (content_hash)")
    conn.execute("""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL,
            dreamscape_id INTEGER REFERENCES dreamscapes(id),
            lint_run_id INTEGER REFERENCES lint_runs(id),
            reviewer TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'override')),
            justification TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            score INTEGER,
            band TEXT,
            fatal INTEGER NOT NULL DEFAULT 0,
            findings TEXT NOT NULL DEFAULT '[]'
        )""")
    conn.execute("CREATE INDEX reviews_hash ON reviews (content_hash)")
    conn.execute("""
        CREATE TABLE exports (
            id INTEGER PRIMARY KEY,
            dreamscape_id INTEGER REFERENCES dreamscapes(id),
            content_hash TEXT NOT NULL,
            review_id INTEGER REFERENCES reviews(id),
            created TEXT NOT NULL,
            package_path TEXT NOT NULL,
            package_sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            score INTEGER,
            band TEXT
        )""")
    conn.execute("CREATE INDEX exports_hash ON exports (content_hash)")
    # Bring older rows up: titles and search text from each file's latest revision.
    rows = conn.execute("""
        SELECT r.dreamscape_id, r.content_hash, r.content FROM revisions r
        WHERE r.number = (SELECT MAX(number) FROM revisions WHERE dreamscape_id = r.dreamscape_id)
    """).fetchall()
    for dreamscape_id, content_hash, content in rows:
        conn.execute(
            "UPDATE dreamscapes SET scene_text = ?, latest_hash = ? WHERE id = ?",
            (scene_text_of(content), content_hash, dreamscape_id),
        )
    for rev_id, content in conn.execute("SELECT id, content FROM revisions").fetchall():
        try:
            title = json.loads(content).get("meta", {}).get("title", "")
        except (ValueError, AttributeError):
            title = ""
        conn.execute(
            "UPDATE revisions SET title = ? WHERE id = ?",
            (title if isinstance(title, str) else "", rev_id),
        )
    _create_fts(conn, FTS_TABLE, FTS_COLUMNS)


def _create_fts(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> None:
    """An external-content FTS5 index kept current by triggers (sqlite-utils' layout)."""
    cols = ", ".join(f"[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    conn.execute(
        f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 (\n    {cols},\n    content=[{table}]\n)"
    )
    conn.execute(f"INSERT INTO [{table}_fts] (rowid, {cols}) SELECT rowid, {cols} FROM [{table}]")
    conn.execute(
        f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN\n"
        f"  INSERT INTO [{table}_fts] (rowid, {cols}) VALUES (new.rowid, {new});\nEND"
    )
    conn.execute(
        f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN\n"
        f"  INSERT INTO [{table}_fts] ([{table}_fts], rowid, {cols}) "
        f"VALUES('delete', old.rowid, {old});\nEND"
    )
    conn.execute(
        f"CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN\n"
        f"  INSERT INTO [{table}_fts] ([{table}_fts], rowid, {cols}) "
        f"VALUES('delete', old.rowid, {old});\n"
        f"  INSERT INTO [{table}_fts] (rowid, {cols}) VALUES (new.rowid, {new});\nEND"
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Signed reviews: each review's key, public key, signature and studio version; and the
    library's own trust store (trusted keys, revocations)."""
    db = sqlite_utils.Database(conn)
    reviews = Table(db, "reviews")
    for column in ("studio_version", "key_id", "public_key", "signature", "signed_fields"):
        reviews.add_column(column, str)
    ensure_trust_tables(db)


# Step N brings a version N-1 database to version N.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2, 3: _v3}


class SchemaError(LibraryError):
    """The database was written by a newer studio, or is not a library at all."""


def schema_version(conn: sqlite3.Connection) -> int:
    """0 for an empty database."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    found = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(found[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = CURRENT_SCHEMA) -> list[int]:
    """Apply each missing step in its own transaction; returns the versions applied."""
    applied = []
    for version in range(1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > CURRENT_SCHEMA:
                raise SchemaError(
                    f"the library is at schema version {current}, newer than this "
                    f"studio understands ({CURRENT_SCHEMA}); update Adjuster Studio"
                )
            if current >= version:
                conn.execute("COMMIT")
                continue
            if current == 0 and version == 1:
                tables = conn.execute(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
                if tables:
                    raise SchemaError(
                        "this database holds tables but no schema_version: "
                        "it is not an Adjuster Studio library"
                    )
                conn.execute(
                    "CREATE TABLE schema_version (version INTEGER NOT NULL, "
                    "applied TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
                )
            MIGRATIONS[version](conn)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            conn.execute("COMMIT")
            applied.append(version)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return applied
