"""The trust store: which reviewers' keys this studio honours, and which keys were revoked.

Two places hold trust: the user's own (`trust.db` beside the keys, for every library) and each
library's (its `trusted_keys` and `revocations` tables, shared by everyone using that library).
A key is trusted when either place lists it; a revocation in either place applies. The same
tables, made by `ensure_trust_tables`, serve both, through sqlite-utils.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import Table

from .keys import KeyStoreError, PublicKey, SecretKeyFile, b64, keys_dir, now, private_folder, unb64

TRUST_DB = "trust.db"
REVOKE_TAG = "dreamstudio-revoke1"
REVOCATION_DOMAIN = b"dreamstudio-revocation-v1\n"


TRUST_TABLES: dict[str, tuple[dict[str, type], set[str]]] = {
    "trusted_keys": ({"key_id": str, "name": str, "public_key": str, "added": str}, {"name"}),
    "revocations": (
        {"key_id": str, "public_key": str, "time": str, "reason": str, "signature": str},
        {"public_key", "time", "signature"},
    ),
}


def ensure_trust_tables(db: sqlite_utils.Database) -> None:
    """The trusted_keys and revocations tables, created when missing.

    The SQL comes from sqlite-utils' `create_table_sql` and runs with a plain execute, so this
    also works inside a migration's transaction (`Table.create` would commit it half-way).
    """
    for name, (columns, not_null) in TRUST_TABLES.items():
        if not db[name].exists():
            db.execute(db.create_table_sql(name, columns, pk="key_id", not_null=not_null))


@dataclass(frozen=True, slots=True)
class Revocation:
    """A key owner's signed statement that their key must not be honoured from `time` on."""

    public: PublicKey
    time: str
    reason: str
    signature: bytes

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def payload(self) -> bytes:
        return revocation_payload(self.key_id, self.time, self.reason)

    def valid(self) -> bool:
        return self.public.verifies(self.signature, self.payload())

    def line(self) -> str:
        """One line to hand on: tag, key id, public key, time, signature, reason."""
        return (
            f"{REVOKE_TAG} {self.key_id} {self.public.b64} {self.time} "
            f"{b64(self.signature)} {self.reason}".rstrip()
        )

    @classmethod
    def from_line(cls, line: str, source: str = "revocation") -> Revocation:
        parts = line.strip().split(" ", 5)
        if len(parts) < 5 or parts[0] != REVOKE_TAG:
            raise KeyStoreError(f"{source}: not a key revocation (expected '{REVOKE_TAG} …')")
        public = PublicKey.from_b64(parts[2], "", f"{source}: key")
        if public.key_id != parts[1]:
            raise KeyStoreError(f"{source}: key id {parts[1]} is not the key's fingerprint")
        revocation = cls(
            public, parts[3], parts[5] if len(parts) > 5 else "", unb64(parts[4], source)
        )
        if not revocation.valid():
            raise KeyStoreError(f"{source}: the revocation of {parts[1]} is not signed by that key")
        return revocation


def revocation_payload(key_id: str, time: str, reason: str) -> bytes:
    """What a revocation's signature covers (domain-separated canonical JSON)."""
    body = {"key_id": key_id, "time": time, "reason": reason, "type": "revocation"}
    return REVOCATION_DOMAIN + json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def revoke_key(
    secret: SecretKeyFile,
    passphrase: bytes | None = None,
    reason: str = "",
    time: str | None = None,
) -> Revocation:
    """Sign a revocation of one's own key, effective from `time` (now by default)."""
    time = time or now()
    reason = " ".join(reason.split())
    signature = secret.sign(revocation_payload(secret.key_id, time, reason), passphrase)
    return Revocation(secret.public, time, reason, signature)


class TrustStore:
    """A snapshot of trusted keys and valid revocations from one or more databases (the user's,
    a library's): a key is trusted if any lists it; the earliest valid revocation applies."""

    def __init__(
        self,
        keys: dict[str, PublicKey] | None = None,
        revocations: dict[str, Revocation] | None = None,
    ) -> None:
        self.keys = dict(keys or {})
        self.revocations = dict(revocations or {})

    @classmethod
    def load(cls, *dbs: sqlite_utils.Database) -> TrustStore:
        store = cls()
        for db in dbs:
            store._read(db)
        return store

    def _read(self, db: sqlite_utils.Database) -> None:
        if db["trusted_keys"].exists():
            for row in db.table("trusted_keys").rows_where(order_by="added"):
                with contextlib.suppress(KeyStoreError):
                    key = PublicKey.from_b64(row["public_key"], row["name"])
                    if key.key_id == row["key_id"]:
                        self.keys.setdefault(key.key_id, key)
        if db["revocations"].exists():
            for row in db.table("revocations").rows:
                with contextlib.suppress(KeyStoreError):
                    revocation = Revocation(
                        PublicKey.from_b64(row["public_key"], ""),
                        row["time"],
                        row["reason"] or "",
                        unb64(row["signature"], "revocation"),
                    )
                    self.add_revocation(revocation)

    def add_revocation(self, revocation: Revocation) -> None:
        """Honour a valid revocation (the earliest time wins when a key was revoked twice)."""
        if not revocation.valid():
            return
        known = self.revocations.get(revocation.key_id)
        if known is None or revocation.time < known.time:
            self.revocations[revocation.key_id] = revocation

    @classmethod
    def for_library(cls, library_db: sqlite_utils.Database | None = None) -> TrustStore:
        """The user's trust plus, when given, the library's."""
        user = user_trust_db()
        try:
            return cls.load(user, *([library_db] if library_db is not None else []))
        finally:
            user.close()

    def key(self, key_id: str) -> PublicKey | None:
        """The trusted key with this id, or None."""
        return self.keys.get(key_id)

    def revoked_at(self, key_id: str) -> str | None:
        """When the key was revoked, or None."""
        revocation = self.revocations.get(key_id)
        return revocation.time if revocation else None

    def trusted(self) -> list[tuple[PublicKey, str | None]]:
        """Every trusted key with its revocation time (None if not revoked)."""
        return [(key, self.revoked_at(key_id)) for key_id, key in self.keys.items()]


def user_trust_db(folder: Path | None = None) -> sqlite_utils.Database:
    """The user-wide trust database beside the keys (created when missing)."""
    target = private_folder(folder or keys_dir()) / TRUST_DB
    try:
        db = sqlite_utils.Database(target)
        ensure_trust_tables(db)
    except Exception as exc:  # sqlite3.Error, or a file that is not a database
        raise KeyStoreError(f"{target}: cannot open the trust store ({exc})") from None
    return db


def trust_key(db: sqlite_utils.Database, key: PublicKey) -> None:
    """Add (or refresh the name of) a trusted key in one database (not inside a transaction)."""
    ensure_trust_tables(db)
    # insert-or-replace, not upsert: sqlite-utils' upsert inserts the key alone first, which
    # the NOT NULL columns would silently ignore.
    Table(db, "trusted_keys").insert(
        {"key_id": key.key_id, "name": key.name, "public_key": key.b64, "added": now()},
        pk="key_id",
        replace=True,
    )


def record_revocation(db: sqlite_utils.Database, revocation: Revocation) -> None:
    """Store a valid revocation in one database (the earliest time wins)."""
    if not revocation.valid():
        raise KeyStoreError(f"the revocation of {revocation.key_id} is not signed by that key")
    ensure_trust_tables(db)
    known = TrustStore.load(db).revocations.get(revocation.key_id)
    if known is not None and known.time <= revocation.time:
        return
    Table(db, "revocations").insert(
        {
            "key_id": revocation.key_id,
            "public_key": revocation.public.b64,
            "time": revocation.time,
            "reason": revocation.reason,
            "signature": b64(revocation.signature),
        },
        pk="key_id",
        replace=True,
    )
