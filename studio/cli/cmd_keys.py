"""Reviewer keys: keys new/list/export/import/revoke, and the trust stores they feed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.io import atomic_write_text
from studio.store import Library, LibraryError
from studio.store.keys import (
    PUBLIC_TAG,
    KeyStoreError,
    PublicKey,
    find_key,
    keys_dir,
    list_keys,
    new_key,
    read_passphrase,
)
from studio.store.trust import (
    REVOKE_TAG,
    Revocation,
    TrustStore,
    record_revocation,
    revoke_key,
    trust_key,
    user_trust_db,
)

from .common import EXIT_BAD_INPUT, EXIT_OK, CliError, add_format_flag, print_json


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="reviewer signing keys and the keys this studio trusts")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", parser_class=type(keys))
    keys.set_defaults(func=lambda args: _missing(keys))

    p = ksub.add_parser("new", help="make an Ed25519 key pair for a reviewer")
    p.add_argument("--name", required=True, help="the reviewer's name, e.g. 'Dr. Lorne'")
    _passphrase_flag(p, "encrypt the private key with the passphrase in FILE")
    p.add_argument(
        "--no-trust", action="store_true", help="do not trust the new key in your own trust store"
    )
    p.set_defaults(func=cmd_keys_new)

    p = ksub.add_parser("list", help="your key pairs and the keys you trust")
    _library_flag(p)
    add_format_flag(p)
    p.set_defaults(func=cmd_keys_list)

    p = ksub.add_parser("export", help="print a public key as one line to hand to others")
    p.add_argument("key", metavar="KEY", help="key id (or prefix) or reviewer name")
    p.add_argument("--output", "-o", default=None, metavar="FILE")
    p.set_defaults(func=cmd_keys_export)

    p = ksub.add_parser("import", help="trust public keys (or honour revocations) from a file")
    p.add_argument("file", metavar="FILE", help="a file of exported lines, or - for stdin")
    _library_flag(p, "trust them in this library (for everyone using it) instead of just you")
    p.set_defaults(func=cmd_keys_import)

    p = ksub.add_parser("revoke", help="sign a revocation of your key, honoured from now on")
    p.add_argument("key", metavar="KEY", help="key id (or prefix) or reviewer name")
    p.add_argument("--reason", default="", help="why, e.g. 'laptop stolen'")
    p.add_argument("--output", "-o", default=None, metavar="FILE", help="also write the line here")
    _passphrase_flag(p, "the key's passphrase, from FILE")
    _library_flag(p, "also record the revocation in this library")
    p.set_defaults(func=cmd_keys_revoke)


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def _passphrase_flag(parser: Any, text: str) -> None:
    parser.add_argument(
        "--passphrase-file",
        default=None,
        metavar="FILE",
        help=f"{text} (or set $DREAMSTUDIO_KEY_PASSPHRASE); never prompted",
    )


def _library_flag(parser: Any, text: str = "also list this library's trusted keys") -> None:
    parser.add_argument("--library", default=None, metavar="PATH", help=text)


@contextmanager
def _keys_errors() -> Iterator[None]:
    try:
        yield
    except LibraryError as exc:  # KeyStoreError too
        raise CliError(str(exc)) from None


def cmd_keys_new(args: argparse.Namespace) -> int:
    with _keys_errors():
        secret = new_key(args.name, read_passphrase(args.passphrase_file))
        if not args.no_trust:
            db = user_trust_db()
            try:
                trust_key(db, secret.public)
            finally:
                db.close()
    lock = "encrypted with your passphrase" if secret.encrypted else "not encrypted"
    print(f"{secret.path}: key {secret.key_id} for {secret.name} ({lock}, owner-only)")
    print(f"  share it: dreamstudio keys export {secret.key_id}")
    return EXIT_OK


def _trust(library: str | None) -> TrustStore:
    if library is None:
        return TrustStore.for_library()
    with Library.open(library) as lib:
        return lib.trust_store()


def cmd_keys_list(args: argparse.Namespace) -> int:
    with _keys_errors():
        mine = list_keys()
        trust = _trust(args.library)
    if args.format == "json":
        print_json(
            {
                "keys_dir": str(keys_dir()),
                "own": [
                    {
                        "key_id": k.key_id,
                        "name": k.name,
                        "created": k.created,
                        "encrypted": k.encrypted,
                        "revoked": trust.revoked_at(k.key_id),
                    }
                    for k in mine
                ],
                "trusted": [
                    {"key_id": k.key_id, "name": k.name, "revoked": revoked}
                    for k, revoked in trust.trusted()
                ],
            }
        )
        return EXIT_OK
    print(f"your keys ({keys_dir()}):")
    for k in mine:
        revoked = trust.revoked_at(k.key_id)
        state = f"revoked at {revoked}" if revoked else ("encrypted" if k.encrypted else "")
        print(f"  {k.key_id}  {k.name}  made {k.created}" + (f"  [{state}]" if state else ""))
    if not mine:
        print("  none; make one with `dreamstudio keys new --name NAME`")
    print("trusted keys:")
    for key, revoked in trust.trusted():
        print(f"  {key.key_id}  {key.name}" + (f"  [revoked at {revoked}]" if revoked else ""))
    if not trust.keys:
        print("  none; trust a reviewer with `dreamstudio keys import FILE`")
    return EXIT_OK


def _emit(line: str, output: str | None) -> None:
    if output:
        atomic_write_text(output, line + "\n")
        print(f"{output}: written", file=sys.stderr)
    print(line)


def cmd_keys_export(args: argparse.Namespace) -> int:
    with _keys_errors():
        secret = find_key(args.key)
    _emit(secret.public.line(), args.output)
    return EXIT_OK


def _read_lines(name: str) -> list[tuple[str, str]]:
    """(where, line) for each non-blank, non-comment line of FILE or stdin."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{name}: cannot read ({exc})") from None
    lines = [
        (f"{name}:{n}", line.strip())
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise CliError(f"{name}: holds no key or revocation lines")
    return lines


def cmd_keys_import(args: argparse.Namespace) -> int:
    parsed: list[PublicKey | Revocation] = []
    problems = []
    for where, line in _read_lines(args.file):
        try:
            if line.startswith(REVOKE_TAG):
                parsed.append(Revocation.from_line(line, where))
            elif line.startswith(PUBLIC_TAG):
                parsed.append(PublicKey.from_line(line, where))
            else:
                problems.append(f"{where}: neither a '{PUBLIC_TAG}' key nor a revocation")
        except KeyStoreError as exc:
            problems.append(str(exc))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    with _keys_errors():
        if args.library:
            with Library.open(args.library) as lib:
                _apply(parsed, lib.trust_key, lib.record_revocation)
            where = f"library {args.library}"
        else:
            db = user_trust_db()
            try:
                _apply(parsed, lambda k: trust_key(db, k), lambda r: record_revocation(db, r))
            finally:
                db.close()
            where = "your trust store"
    for item in parsed:
        if isinstance(item, PublicKey):
            print(f"trusted {item.key_id} ({item.name}) in {where}")
        else:
            print(f"honouring the revocation of {item.key_id} from {item.time} in {where}")
    return EXIT_OK


def _apply(items: list[PublicKey | Revocation], add_key: Any, add_revocation: Any) -> None:
    for item in items:
        (add_key if isinstance(item, PublicKey) else add_revocation)(item)


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    with _keys_errors():
        secret = find_key(args.key)
        revocation = revoke_key(secret, read_passphrase(args.passphrase_file), args.reason)
        db = user_trust_db()
        try:
            record_revocation(db, revocation)
        finally:
            db.close()
        if args.library:
            with Library.open(args.library) as lib:
                lib.record_revocation(revocation)
    print(
        f"revoked {secret.key_id} ({secret.name}) from {revocation.time}; reviews it signs "
        "from now on are not honoured. Hand this line to everyone who trusts it:",
        file=sys.stderr,
    )
    _emit(revocation.line(), args.output)
    return EXIT_OK
