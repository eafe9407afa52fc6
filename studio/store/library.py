"""The library: one SQLite database of dreamscapes, their revisions, lint runs, reviews and exports.

Several windows and the command line may write at once: the database runs in WAL mode with
a busy timeout, and every write that reads before it writes (the next revision number, "did
the content change?") runs in one `BEGIN IMMEDIATE` transaction. Within a process, one
`Library` may be shared by threads (a window and its background jobs): calls are serialized.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.db import Table

from studio import __version__ as STUDIO_VERSION
from studio.identity import user_data_path
from studio.io import dreamscape_to_data, dumps_dreamscape, load_dreamscape, loads_dreamscape
from studio.model import Dreamscape

from .diff import DreamDiff, diff_data
from .errors import LibraryError, sqlite_problem
from .keys import PublicKey, SecretKeyFile
from .review import Review, check_review
from .schema import CURRENT_SCHEMA, migrate, scene_text_of, schema_version
from .signing import sign_record
from .trust import Revocation, TrustStore, record_revocation, trust_key

ENV_VAR = "DREAMSTUDIO_LIBRARY"
BUSY_TIMEOUT_S = 30.0


def default_library_path() -> Path:
    """`DREAMSTUDIO_LIBRARY` if set, else library.db in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return user_data_path() / "library.db"


def now() -> str:
    """UTC time, ISO 8601 to the millisecond, e.g. 2025-05-01T10:00:00.000Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def path_key(path: str | Path) -> str:
    """Files are known by their absolute, resolved path."""
    return str(Path(path).expanduser().resolve())


@dataclass(slots=True)
class Revision:
    """One recorded version of a file; `content` is the canonical text (None in listings)."""

    number: int
    content_hash: str
    author: str
    created: str
    message: str
    title: str
    content: str | None = None
    path: str | None = None

    def dreamscape(self) -> Dreamscape:
        """The revision as a document (e.g. to open it in a window)."""
        if self.content is None:
            raise LibraryError("this revision was listed without its content")
        ds = loads_dreamscape(self.content, f"{self.path or 'library'} (revision {self.number})")
        return ds


@dataclass(slots=True)
class LibraryEntry:
    """A file the library knows, with its latest lint score and review."""

    path: str
    title: str
    revisions: int
    latest_hash: str | None
    created: str
    updated: str
    score: int | None = None
    band: str | None = None
    review: str | None = None


@dataclass(slots=True)
class SearchHit:
    """A file whose title or scene text matches, with the matching words in brackets."""

    path: str
    title: str
    snippet: str


class Library:
    """Open with `Library.open()`; use as a context manager or call `close()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        # One connection may serve several threads (a window and its background jobs).
        self._lock = threading.RLock()

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path | None = None, *, timeout: float = BUSY_TIMEOUT_S) -> Library:
        """Open (creating and migrating) the library at `path` or the default place."""
        target = Path(path).expanduser() if path is not None else default_library_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"{target}: cannot create its folder: {exc.strerror or exc}"
            ) from None
        if target.is_dir():
            raise LibraryError(f"{target}: is a folder, not a library database")
        try:
            conn = sqlite3.connect(
                str(target), timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise sqlite_problem(target, exc) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise LibraryError(f"{target}: the library needs WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise sqlite_problem(target, exc) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, target)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self.conn)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the write lock from its first read."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # full disk, read-only file or mount
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise sqlite_problem(self.path, exc) from None

    def _rows(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(sql, params))

    def _dreamscape_id(self, path: str | Path) -> int | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT id FROM dreamscapes WHERE path = ?", (path_key(path),)
            ).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ revisions
    def record_save(
        self,
        ds: Dreamscape,
        path: str | Path,
        author: str | None = None,
        message: str = "",
        text: str | None = None,
    ) -> Revision | None:
        """Record a revision of the file if its content changed; None when it did not."""
        content = dumps_dreamscape(ds) if text is None else text
        content_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
        key = path_key(path)
        author = _default_author() if author is None else author
        stamp = now()
        title = ds.meta.title
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, latest_hash FROM dreamscapes WHERE path = ?", (key,)
            ).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO dreamscapes (path, title, created, updated, scene_text, "
                    "latest_hash) VALUES (?, ?, ?, ?, ?, ?)",
                    (key, title, stamp, stamp, scene_text_of(content), content_hash),
                )
                dreamscape_id = cur.lastrowid
                number = 1
            else:
                dreamscape_id, latest = row
                if latest == content_hash:
                    return None
                number = conn.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE dreamscape_id = ?",
                    (dreamscape_id,),
                ).fetchone()[0]
                conn.execute(
                    "UPDATE dreamscapes SET title = ?, updated = ?, scene_text = ?, "
                    "latest_hash = ? WHERE id = ?",
                    (title, stamp, scene_text_of(content), content_hash, dreamscape_id),
                )
            conn.execute(
                "INSERT INTO revisions (dreamscape_id, number, content_hash, content, author, "
                "created, message, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (dreamscape_id, number, content_hash, content, author, stamp, message, title),
            )
        return Revision(number, content_hash, author, stamp, message, title, content, key)

    def add(
        self, path: str | Path, author: str | None = None, message: str = ""
    ) -> Revision | None:
        """Load a file (raises DreamFileError) and record it."""
        ds = load_dreamscape(path)
        return self.record_save(ds, path, author, message)

    def knows(self, path: str | Path) -> bool:
        return self._dreamscape_id(path) is not None

    def history(self, path: str | Path) -> list[Revision]:
        """Every revision of the file, oldest first, without content."""
        key = path_key(path)
        rows = self._rows(
            "SELECT r.number, r.content_hash, r.author, r.created, r.message, r.title "
            "FROM revisions r JOIN dreamscapes d ON d.id = r.dreamscape_id "
            "WHERE d.path = ? ORDER BY r.number",
            (key,),
        )
        return [Revision(**row, path=key) for row in rows]

    def revision(self, path: str | Path, number: int | None = None) -> Revision:
        """Revision `number` of the file (the latest when None), with its content."""
        key = path_key(path)
        sql = (
            "SELECT r.number, r.content_hash, r.author, r.created, r.message, r.title, "
            "r.content FROM revisions r JOIN dreamscapes d ON d.id = r.dreamscape_id "
            "WHERE d.path = ? "
        )
        if number is None:
            rows = self._rows(sql + "ORDER BY r.number DESC LIMIT 1", (key,))
        else:
            rows = self._rows(sql + "AND r.number = ?", (key, number))
        if not rows:
            if not self.knows(path):
                raise LibraryError(
                    f"{path}: not in the library (add it with `dreamstudio library add`)"
                )
            count = len(self.history(path))
            raise LibraryError(f"{path}: no revision {number} (it has revisions 1 to {count})")
        return Revision(**rows[0], path=key)

    def diff(
        self, path: str | Path, a: int, b: int | None = None, current: Dreamscape | None = None
    ) -> DreamDiff:
        """Changes from revision `a` to revision `b` (or to `current`, e.g. the open document)."""
        old = json.loads(self.revision(path, a).content or "{}")
        if current is not None:
            new = dreamscape_to_data(current)
        else:
            new = json.loads(self.revision(path, b).content or "{}")
        return diff_data(old, new)

    # ------------------------------------------------------------ listing and search
    def files(self) -> list[LibraryEntry]:
        """Every known file, most recently updated first."""
        rows = self._rows("""
            SELECT d.path, d.title, d.latest_hash, d.created, d.updated,
              (SELECT COUNT(*) FROM revisions r WHERE r.dreamscape_id = d.id) AS revisions,
              (SELECT score FROM lint_runs l WHERE l.content_hash = d.latest_hash
                 ORDER BY l.id DESC LIMIT 1) AS score,
              (SELECT band FROM lint_runs l WHERE l.content_hash = d.latest_hash
                 ORDER BY l.id DESC LIMIT 1) AS band,
              (SELECT decision FROM reviews v WHERE v.content_hash = d.latest_hash
                 ORDER BY v.id DESC LIMIT 1) AS review
            FROM dreamscapes d ORDER BY d.updated DESC, d.id DESC""")
        return [LibraryEntry(**row) for row in rows]

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Files whose title or scene text hold every word (word prefixes match too)."""
        words = re.findall(r"\w+", text)
        if not words:
            return []
        query = " ".join(f'"{word}"*' for word in words)
        rows = self._rows(
            """
            SELECT d.path, d.title,
              snippet(dreamscapes_fts, -1, '[', ']', '…', 12) AS snippet
            FROM dreamscapes_fts JOIN dreamscapes d ON d.rowid = dreamscapes_fts.rowid
            WHERE dreamscapes_fts MATCH ? ORDER BY rank LIMIT ?""",
            (query, limit),
        )
        return [SearchHit(**row) for row in rows]

    # ------------------------------------------------------------ lint runs and reviews
    def record_lint_run(
        self, content_hash: str, lint: dict[str, Any], path: str | Path | None = None
    ) -> int:
        """Store a lint summary (score, band, blocked, fatal, findings, reasons, settings)."""
        dreamscape_id = self._dreamscape_id(path) if path is not None else None
        row = {
            "dreamscape_id": dreamscape_id,
            "content_hash": content_hash,
            "created": now(),
            "score": int(lint["score"]),
            "band": str(lint["band"]),
            "blocked": int(bool(lint.get("blocked"))),
            "fatal": int(bool(lint.get("fatal"))),
            "findings": json.dumps(lint.get("findings", []), ensure_ascii=False),
            "reasons": json.dumps(lint.get("reasons", []), ensure_ascii=False),
            "settings": json.dumps(lint.get("settings", {}), ensure_ascii=False),
        }
        return self._insert("lint_runs", row)

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Append one row (a single statement: atomic without a transaction of our own).

        sqlite-utils' insert commits as it goes, so it is used only for writes that do not
        read first; `record_save`, which must, keeps its `BEGIN IMMEDIATE` transaction.
        """
        with self._lock:
            return int(Table(self.db, table).insert(row).last_pk or 0)

    def lint_runs_for(self, content_hash: str) -> list[dict[str, Any]]:
        """Lint runs of that content, newest first."""
        with self._lock:
            rows = list(
                self.db.table("lint_runs").rows_where(
                    "content_hash = ?", [content_hash], order_by="id desc"
                )
            )
        for row in rows:
            for key in ("findings", "reasons", "settings"):
                row[key] = json.loads(row[key])
            row["blocked"], row["fatal"] = bool(row["blocked"]), bool(row["fatal"])
        return rows

    def add_review(
        self,
        content_hash: str,
        reviewer: str,
        decision: str,
        justification: str = "",
        lint: dict[str, Any] | None = None,
        path: str | Path | None = None,
        lint_run_id: int | None = None,
        *,
        key: SecretKeyFile | None = None,
        passphrase: bytes | None = None,
    ) -> Review:
        """Record a review after checking the rules (raises ReviewError with why), signed with
        `key` when given (KeyStoreError if it cannot be unlocked); unsigned otherwise."""
        check_review(reviewer, decision, justification, lint)
        dreamscape_id = self._dreamscape_id(path) if path is not None else None
        findings = [
            {k: f.get(k) for k in ("code", "severity", "points", "suppressed", "fatal")}
            for f in (lint or {}).get("findings", [])
        ]
        review = Review(
            0,
            content_hash,
            reviewer.strip(),
            decision,
            (justification or "").strip(),
            now(),
            int(lint["score"]) if lint else None,
            str(lint["band"]) if lint else None,
            bool(lint and lint.get("fatal")),
            findings,
            lint_run_id,
            path_key(path) if path is not None else None,
            STUDIO_VERSION,
        )
        if key is not None:
            signed = sign_record(review.to_record(), key, passphrase)
            review.key_id, review.public_key = signed["key_id"], signed["public_key"]
            review.signature = signed["signature"]
            review.signed_fields = signed["signed_fields"]
        row = {
            "content_hash": review.content_hash,
            "dreamscape_id": dreamscape_id,
            "lint_run_id": lint_run_id,
            "reviewer": review.reviewer,
            "decision": review.decision,
            "justification": review.justification,
            "created": review.created,
            "score": review.score,
            "band": review.band,
            "fatal": int(review.fatal),
            "findings": json.dumps(findings, ensure_ascii=False),
            "studio_version": review.studio_version,
            "key_id": review.key_id,
            "public_key": review.public_key,
            "signature": review.signature,
            "signed_fields": (
                json.dumps(review.signed_fields, sort_keys=True) if review.signed_fields else None
            ),
        }
        review.id = self._insert("reviews", row)
        return review

    # ------------------------------------------------------------ trust
    def trust_store(self) -> TrustStore:
        """The keys honoured here: the user's trust store and this library's."""
        with self._lock:
            return TrustStore.for_library(self.db)

    def trust_key(self, key: PublicKey) -> None:
        """Trust a reviewer's key for everyone using this library."""
        with self._lock:
            trust_key(self.db, key)

    def record_revocation(self, revocation: Revocation) -> None:
        """Honour a key's signed revocation in this library."""
        with self._lock:
            record_revocation(self.db, revocation)

    def reviews_for(self, content_hash: str) -> list[Review]:
        """Reviews of exactly this content, newest first."""
        rows = self._rows(
            "SELECT r.*, d.path AS path FROM reviews r LEFT JOIN dreamscapes d "
            "ON d.id = r.dreamscape_id WHERE r.content_hash = ? ORDER BY r.id DESC",
            (content_hash,),
        )
        return [Review.from_row(row, row["path"]) for row in rows]

    def latest_review(self, content_hash: str) -> Review | None:
        """The review the gate applies: the most recent one for this content."""
        reviews = self.reviews_for(content_hash)
        return reviews[0] if reviews else None

    # ------------------------------------------------------------ exports
    def record_export(
        self,
        content_hash: str,
        package_path: str | Path,
        package_sha256: str,
        size: int,
        score: int | None = None,
        band: str | None = None,
        review_id: int | None = None,
        path: str | Path | None = None,
    ) -> int:
        """Remember that this content was published as this package."""
        dreamscape_id = self._dreamscape_id(path) if path is not None else None
        row = {
            "dreamscape_id": dreamscape_id,
            "content_hash": content_hash,
            "review_id": review_id,
            "created": now(),
            "package_path": path_key(package_path),
            "package_sha256": package_sha256,
            "size": int(size),
            "score": score,
            "band": band,
        }
        return self._insert("exports", row)

    def exports_for(self, content_hash: str) -> list[dict[str, Any]]:
        """Packages made from this content, newest first."""
        with self._lock:
            return list(
                self.db.table("exports").rows_where(
                    "content_hash = ?", [content_hash], order_by="id desc"
                )
            )


def _default_author() -> str:
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return ""


__all__ = [
    "CURRENT_SCHEMA",
    "Library",
    "LibraryEntry",
    "Revision",
    "SearchHit",
    "default_library_path",
    "path_key",
]
