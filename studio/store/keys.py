"""Reviewer keys: Ed25519 key pairs kept in the user's config folder, and their one-line forms.

A secret key file is JSON holding the PKCS#8 private key (encrypted when a passphrase is
given), written owner-only (0600) and atomically. A public key travels as one line, in the
manner of minisign: `dreamstudio-ed25519 KEYID BASE64 Name`, where the key id is the
fingerprint of the raw public key, so a line cannot claim another key's id.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from studio.identity import user_config_path

from .errors import LibraryError

KEYS_ENV = "DREAMSTUDIO_KEYS_DIR"
PASSPHRASE_ENV = "DREAMSTUDIO_KEY_PASSPHRASE"
PUBLIC_TAG = "dreamstudio-ed25519"
SECRET_FORMAT = "dreamstudio-secret-key"
SECRET_SUFFIX = ".key"
KEY_ID_HEX = 16
RAW_KEY_BYTES = 32


class KeyStoreError(LibraryError):
    """A key that cannot be made, found, read or used (the message names the file or key)."""


def keys_dir() -> Path:
    """`DREAMSTUDIO_KEYS_DIR` if set, else the user's config folder for the studio."""
    env = os.environ.get(KEYS_ENV)
    if env:
        return Path(env).expanduser()
    return user_config_path()


def now() -> str:
    """UTC time, ISO 8601 to the millisecond (the same clock the library uses)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def key_id_of(raw_public: bytes) -> str:
    """The fingerprint a key is known by: the first 16 hex digits of sha256 of its raw bytes."""
    return hashlib.sha256(raw_public).hexdigest()[:KEY_ID_HEX]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    """Strict base64, or KeyStoreError naming what was being read."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise KeyStoreError(f"{what}: not valid base64") from None


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A reviewer's public key, the name it was made for, and its fingerprint."""

    key_id: str
    name: str
    raw: bytes

    @classmethod
    def from_raw(cls, raw: bytes, name: str) -> PublicKey:
        if len(raw) != RAW_KEY_BYTES:
            raise KeyStoreError(f"an Ed25519 public key has 32 bytes, not {len(raw)}")
        return cls(key_id_of(raw), name, raw)

    @classmethod
    def from_b64(cls, text: str, name: str, what: str = "public key") -> PublicKey:
        return cls.from_raw(unb64(text, what), name)

    @property
    def b64(self) -> str:
        return b64(self.raw)

    def line(self) -> str:
        """The one-line export: tag, key id, base64 key, name."""
        return f"{PUBLIC_TAG} {self.key_id} {self.b64} {self.name}"

    @classmethod
    def from_line(cls, line: str, source: str = "key") -> PublicKey:
        """Parse a `keys export` line; KeyStoreError says what is wrong with it."""
        parts = line.strip().split(" ", 3)
        if len(parts) < 3 or parts[0] != PUBLIC_TAG:
            raise KeyStoreError(
                f"{source}: not a reviewer's public key (expected '{PUBLIC_TAG} KEYID KEY NAME')"
            )
        key = cls.from_b64(parts[2], parts[3] if len(parts) > 3 else "", f"{source}: key")
        if key.key_id != parts[1]:
            raise KeyStoreError(
                f"{source}: key id {parts[1]} is not the fingerprint of the key ({key.key_id})"
            )
        return key

    def verifies(self, signature: bytes, data: bytes) -> bool:
        """True when `signature` is this key's Ed25519 signature of `data`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, slots=True)
class SecretKeyFile:
    """A key pair on disk: who it is for, when it was made, and whether it needs a passphrase."""

    path: Path
    public: PublicKey
    created: str
    encrypted: bool
    pem: str

    @property
    def key_id(self) -> str:
        return self.public.key_id

    @property
    def name(self) -> str:
        return self.public.name

    def signer(self, passphrase: bytes | None = None) -> Ed25519PrivateKey:
        """The private key, decrypted; KeyStoreError when the passphrase is missing or wrong."""
        if self.encrypted and not passphrase:
            raise KeyStoreError(
                f"{self.path}: key {self.key_id} ({self.name}) is encrypted; give its passphrase "
                f"with --passphrase-file FILE or ${PASSPHRASE_ENV}"
            )
        try:
            key = serialization.load_pem_private_key(
                self.pem.encode("ascii"), passphrase if self.encrypted else None
            )
        except (ValueError, TypeError):
            raise KeyStoreError(
                f"{self.path}: cannot unlock key {self.key_id} (wrong passphrase or damaged file)"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError(f"{self.path}: not an Ed25519 key")
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        if raw != self.public.raw:
            raise KeyStoreError(f"{self.path}: private_key does not match public_key")
        return key

    def sign(self, data: bytes, passphrase: bytes | None = None) -> bytes:
        return self.signer(passphrase).sign(data)


def _write_owner_only(path: Path, data: bytes) -> None:
    """Atomic write of a secret: a 0600 temp file beside the target, fsynced, renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def private_folder(folder: Path) -> Path:
    """Create the keys folder owner-only (0700) if it is missing."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise KeyStoreError(f"{folder}: cannot create the keys folder: {exc.strerror}") from None
    return folder


def new_key(
    name: str, passphrase: bytes | None = None, folder: Path | None = None
) -> SecretKeyFile:
    """Make an Ed25519 key pair for `name` and store it (encrypted when a passphrase is given)."""
    name = " ".join(name.split())
    if not name:
        raise KeyStoreError("a key needs the reviewer's name (--name)")
    folder = private_folder(folder or keys_dir())
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    public = PublicKey.from_raw(raw, name)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")
    created = now()
    data = {
        "format": SECRET_FORMAT,
        "version": 1,
        "key_id": public.key_id,
        "name": name,
        "created": created,
        "encrypted": bool(passphrase),
        "public_key": public.b64,
        "private_key": pem,
    }
    path = folder / f"{public.key_id}{SECRET_SUFFIX}"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        _write_owner_only(path, text.encode("utf-8"))
    except OSError as exc:
        raise KeyStoreError(f"{path}: cannot write the key: {exc.strerror or exc}") from None
    return SecretKeyFile(path, public, created, bool(passphrase), pem)


def read_key_file(path: Path) -> SecretKeyFile:
    """One secret key file; KeyStoreError names the file and the field that is wrong."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyStoreError(f"{path}: cannot read the key ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != SECRET_FORMAT:
        raise KeyStoreError(f"{path}: format: not a {SECRET_FORMAT} file")
    for field_name in ("key_id", "name", "created", "public_key", "private_key"):
        if not isinstance(data.get(field_name), str):
            raise KeyStoreError(f"{path}: {field_name}: missing or not text")
    public = PublicKey.from_b64(data["public_key"], data["name"], f"{path}: public_key")
    if public.key_id != data["key_id"]:
        raise KeyStoreError(f"{path}: key_id: is not the fingerprint of public_key")
    return SecretKeyFile(
        path, public, data["created"], bool(data.get("encrypted")), data["private_key"]
    )


def list_keys(folder: Path | None = None) -> list[SecretKeyFile]:
    """The key pairs in the keys folder, oldest first (unreadable files are skipped)."""
    folder = folder or keys_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{SECRET_SUFFIX}")):
        with contextlib.suppress(KeyStoreError):
            found.append(read_key_file(path))
    return sorted(found, key=lambda k: (k.created, k.key_id))


def find_key(selector: str, folder: Path | None = None) -> SecretKeyFile:
    """The key whose id (or id prefix) or reviewer name is `selector`; the newest if several."""
    keys = list_keys(folder)
    wanted = selector.strip()
    by_id = [k for k in keys if k.key_id.startswith(wanted.lower())] if len(wanted) >= 4 else []
    by_name = [k for k in keys if k.name.casefold() == wanted.casefold()]
    matches = by_id or by_name
    if not matches:
        where = folder or keys_dir()
        raise KeyStoreError(
            f"no reviewer key {selector!r} in {where} "
            f"(make one with `dreamstudio keys new --name NAME`)"
        )
    if by_id and len({k.key_id for k in by_id}) > 1:
        ids = ", ".join(k.key_id for k in by_id)
        raise KeyStoreError(f"key id prefix {selector!r} matches several keys: {ids}")
    return matches[-1]


def read_passphrase(path: str | None) -> bytes | None:
    """The passphrase from a file (first line) or $DREAMSTUDIO_KEY_PASSPHRASE; never a prompt."""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyStoreError(f"{path}: cannot read the passphrase ({exc})") from None
        line = text.splitlines()[0] if text.splitlines() else ""
        if not line:
            raise KeyStoreError(f"{path}: the passphrase file is empty")
        return line.encode("utf-8")
    env = os.environ.get(PASSPHRASE_ENV)
    return env.encode("utf-8") if env else None
