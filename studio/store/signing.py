"""Signed reviews: what a reviewer's Ed25519 signature covers, and the verdict on a signed record.

The signature covers a domain-separated canonical JSON encoding (sorted keys, no spaces,
UTF-8) of exactly `SIGNED_FIELDS`. A record also carries the reviewer's public key (so a
verifier can say "valid but untrusted") and a short digest of each signed field, which only
serves to name the field that changed when a signature fails: it proves nothing itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .keys import KeyStoreError, PublicKey, SecretKeyFile, b64, unb64
from .trust import TrustStore

REVIEW_DOMAIN = b"dreamstudio-review-v1\n"
SIGNED_FIELDS: tuple[str, ...] = (
    "content_sha256",
    "decision",
    "justification",
    "reviewer",
    "key_id",
    "time",
    "score",
    "band",
    "studio_version",
)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def review_payload(record: Mapping[str, Any]) -> bytes:
    """The bytes a review's signature covers."""
    return REVIEW_DOMAIN + _canonical({name: record.get(name) for name in SIGNED_FIELDS})


def field_digest(value: Any) -> str:
    return hashlib.sha256(_canonical(value)).hexdigest()[:16]


def field_digests(record: Mapping[str, Any]) -> dict[str, str]:
    """A digest of each signed field as signed, to name what changed if the signature fails."""
    return {name: field_digest(record.get(name)) for name in SIGNED_FIELDS}


def sign_record(
    record: dict[str, Any], secret: SecretKeyFile, passphrase: bytes | None = None
) -> dict[str, Any]:
    """The record with the key id set and signed: public_key, signature, signed_fields added."""
    signed = dict(record)
    signed["key_id"] = secret.key_id
    signature = secret.sign(review_payload(signed), passphrase)
    signed["public_key"] = secret.public.b64
    signed["signature"] = b64(signature)
    signed["signed_fields"] = field_digests(signed)
    return signed


class Status(StrEnum):
    """What a verifier can say about one review record."""

    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"
    REVOKED = "revoked"
    BAD = "bad-signature"
    UNSIGNED = "unsigned"


STATUS_LABELS = {
    Status.TRUSTED: "signed, valid and trusted",
    Status.UNTRUSTED: "signed and valid, but the key is not trusted here",
    Status.REVOKED: "signed with a revoked key",
    Status.BAD: "bad signature",
    Status.UNSIGNED: "unsigned",
}


@dataclass(frozen=True, slots=True)
class ReviewCheck:
    """The verdict on one review record: its status, who claims it, with which key, and why."""

    status: Status
    reviewer: str
    decision: str
    key_id: str | None = None
    detail: str = ""

    @property
    def honoured(self) -> bool:
        """Only a valid signature by a trusted, unrevoked key may unblock the gate."""
        return self.status is Status.TRUSTED

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def line(self) -> str:
        """`approve by Dr. Lorne: signed, valid and trusted (key 3f2a…)`."""
        key = f" (key {self.key_id})" if self.key_id else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.decision} by {self.reviewer}: {self.label}{key}{detail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "label": self.label,
            "reviewer": self.reviewer,
            "decision": self.decision,
            "key_id": self.key_id,
            "detail": self.detail,
        }


def _changed_fields(record: Mapping[str, Any]) -> list[str]:
    digests = record.get("signed_fields")
    if not isinstance(digests, dict):
        return []
    return [n for n in SIGNED_FIELDS if digests.get(n) != field_digest(record.get(n))]


def check_record(record: Any, trust: TrustStore | None) -> ReviewCheck:
    """Judge a review record (from the library or a manifest) against the trust store."""
    if not isinstance(record, Mapping):
        return ReviewCheck(Status.BAD, "?", "?", None, "the review is not a JSON object")
    reviewer, decision = str(record.get("reviewer", "?")), str(record.get("decision", "?"))
    if record.get("signature") is None:
        return ReviewCheck(Status.UNSIGNED, reviewer, decision, None, "nobody vouches for it")

    def bad(why: str, key_id: str | None = None) -> ReviewCheck:
        return ReviewCheck(Status.BAD, reviewer, decision, key_id, why)

    for name in ("key_id", "public_key", "signature"):
        if not isinstance(record.get(name), str):
            return bad(f"review.{name} is missing or not text")
    key_id = record["key_id"]
    try:
        public = PublicKey.from_b64(record["public_key"], reviewer, "review.public_key")
        signature = unb64(record["signature"], "review.signature")
    except KeyStoreError as exc:
        return bad(str(exc), key_id)
    if public.key_id != key_id:
        return bad("review.key_id is not the fingerprint of review.public_key", key_id)
    trusted = trust.key(key_id) if trust is not None else None
    if trusted is not None and trusted.raw != public.raw:
        return bad("review.public_key is not the trusted key with this id", key_id)
    if not (trusted or public).verifies(signature, review_payload(record)):
        changed = _changed_fields(record)
        why = (
            ", ".join(f"review.{n}" for n in changed) + " changed after signing"
            if changed
            else "the signature does not match the review"
        )
        return bad(why, key_id)
    revoked = trust.revoked_at(key_id) if trust is not None else None
    if revoked is not None and str(record.get("time", "")) >= revoked:
        return ReviewCheck(
            Status.REVOKED, reviewer, decision, key_id, f"the key was revoked at {revoked}"
        )
    if trusted is None:
        return ReviewCheck(
            Status.UNTRUSTED,
            reviewer,
            decision,
            key_id,
            "import the reviewer's public key with `dreamstudio keys import` to trust it",
        )
    return ReviewCheck(Status.TRUSTED, reviewer, decision, key_id)
