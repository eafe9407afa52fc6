"""Schema migrations: a fresh database, an older (v1) library, and databases we must refuse."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from studio.io import load_dreamscape
from studio.store import CURRENT_SCHEMA, Library, LibraryError
from studio.store.schema import MIGRATIONS, migrate, schema_version

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "maes-garden.dream"


def test_empty_database_is_created_at_the_current_version(tmp_path: Path) -> None:
    with Library.open(tmp_path / "deep" / "folder" / "library.db") as lib:
        assert lib.schema_version == CURRENT_SCHEMA
        tables = set(lib.db.table_names())
        assert {
            "dreamscapes",
            "revisions",
            "lint_runs",
            "reviews",
            "exports",
            "schema_version",
            "dreamscapes_fts",
        } <= tables
        assert lib.db["dreamscapes"].detect_fts() == "dreamscapes_fts"
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    Library.open(tmp_path / "l.db").close()
    conn = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    assert migrate(conn) == []
    versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, CURRENT_SCHEMA + 1))
    conn.close()


def _make_v1(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == [1]
    content = EXAMPLE.read_text(encoding="utf-8")
    conn.execute(
        "INSERT INTO dreamscapes (path, title, created, updated) VALUES (?, ?, ?, ?)",
        (str(EXAMPLE.resolve()), "Mae's Garden", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    )
    for number, text in ((1, content.replace("old house", "first house")), (2, content)):
        conn.execute(
            "INSERT INTO revisions (dreamscape_id, number, content_hash, content, "
            "author, created, message) VALUES (1, ?, ?, ?, 'Jamie', ?, 'v1 save')",
            (
                number,
                hashlib.sha256(text.encode()).hexdigest(),
                text,
                f"2025-01-0{number}T00:00:00Z",
            ),
        )
    conn.close()


def test_v1_library_is_migrated_and_keeps_its_history(tmp_path: Path) -> None:
    db_path = tmp_path / "old.db"
    _make_v1(db_path)
    assert set(sqlite_utils.Database(db_path).table_names()) == {
        "schema_version",
        "dreamscapes",
        "revisions",
    }
    with Library.open(db_path) as lib:
        assert lib.schema_version == CURRENT_SCHEMA
        history = lib.history(EXAMPLE)
        assert [r.number for r in history] == [1, 2]
        assert all(r.title == "Mae's Garden" for r in history)  # backfilled from content
        # The backfilled search text comes from the latest revision.
        assert [hit.title for hit in lib.search("pond")] == ["Mae's Garden"]
        # Saving the same content as the latest revision records nothing new.
        assert lib.record_save(load_dreamscape(EXAMPLE), EXAMPLE) is None
        assert lib.files()[0].latest_hash == history[-1].content_hash
        # New tables work on the migrated database.
        review = lib.add_review(
            history[-1].content_hash,
            "Dr. Lorne",
            "approve",
            lint={"score": 5, "band": "low", "findings": []},
        )
        assert lib.latest_review(history[-1].content_hash).id == review.id


def test_every_migration_step_is_registered() -> None:
    assert sorted(MIGRATIONS) == list(range(1, CURRENT_SCHEMA + 1))


def test_newer_library_is_refused(tmp_path: Path) -> None:
    Library.open(tmp_path / "l.db").close()
    conn = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (CURRENT_SCHEMA + 1,))
    conn.close()
    with pytest.raises(LibraryError, match="newer than this studio"):
        Library.open(tmp_path / "l.db")


def test_foreign_database_and_garbage_file_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["songs"].insert({"name": "lullaby"})
    with pytest.raises(LibraryError, match="not an Adjuster Studio library"):
        Library.open(other)
    assert sqlite_utils.Database(other).table_names() == ["songs"]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="garbage.db"):
        Library.open(garbage)
    with pytest.raises(LibraryError, match="is a folder"):
        Library.open(tmp_path)


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "old.db"
    _make_v1(db_path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE lint_runs (id INTEGER PRIMARY KEY)")
        raise RuntimeError("disk full")

    monkeypatch.setitem(MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        Library.open(db_path)
    conn = sqlite3.connect(db_path)
    assert schema_version(conn) == 1
    assert "lint_runs" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 2
    conn.close()


def test_v2_reviews_gain_signature_columns_and_read_as_unsigned(tmp_path: Path) -> None:
    db_path = tmp_path / "v2.db"
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert migrate(conn, target=2) == [1, 2]
    conn.execute(
        "INSERT INTO reviews (content_hash, reviewer, decision, justification, created) "
        "VALUES (?, 'Dr. Lorne', 'approve', '', '2025-05-01T10:00:00.000Z')",
        ("c" * 64,),
    )
    conn.close()
    with Library.open(db_path) as lib:
        assert lib.schema_version == CURRENT_SCHEMA == 3
        columns = set(lib.db["reviews"].columns_dict)
        assert {"key_id", "public_key", "signature", "studio_version"} <= columns
        assert {"trusted_keys", "revocations"} <= set(lib.db.table_names())
        [old] = lib.reviews_for("c" * 64)
        assert not old.signed and old.to_record()["signature"] is None
