"""Library, review and publishing commands: library add/list/search/history/show/diff,
review, export, verify and import."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.io import DreamFileError, atomic_write_text, dreamscape_to_data, load_dreamscape
from studio.io.package import PackageError
from studio.io.package_verify import import_package
from studio.lint import LintConfigError
from studio.store import Library, LibraryError, ReviewError, diff_data
from studio.store.keys import KeyStoreError, SecretKeyFile, find_key, read_passphrase
from studio.store.package_check import PackageCheck, check_package
from studio.store.policy import find_policy
from studio.store.publish import (
    ExportBlocked,
    evaluate,
    export_dreamscape,
    judge,
    review_dreamscape,
)
from studio.store.review import DECISIONS
from studio.store.trust import TrustStore

from .common import (
    EXIT_BAD_INPUT,
    EXIT_BLOCKED,
    EXIT_OK,
    CliError,
    add_format_flag,
    add_limit_flags,
    package_limits,
    print_json,
    report_file_error,
)

LIBRARY_HELP = (
    "library database (default: $DREAMSTUDIO_LIBRARY, else library.db in the user's data folder)"
)


def _library_flag(parser: Any, dest: str = "library") -> None:
    parser.add_argument("--library", dest=dest, metavar="PATH", default=None, help=LIBRARY_HELP)


def _sim_flags(parser: Any) -> None:
    parser.add_argument(
        "--dreamers", type=int, default=2000, help="simulated dreamers (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")


def register(sub: Any) -> None:
    lib = sub.add_parser("library", help="the library of dreamscapes: revisions, search, diffs")
    _library_flag(lib, dest="library_top")
    lsub = lib.add_subparsers(dest="library_command", metavar="ACTION", parser_class=type(lib))
    lib.set_defaults(func=lambda args: _missing_action(lib))

    p = lsub.add_parser("add", help="record files (a new revision when their content changed)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--author", default=None, help="who made this revision (default: you)")
    p.add_argument("--message", "-m", default="", help="what changed")
    _library_flag(p)
    p.set_defaults(func=cmd_library_add)

    p = lsub.add_parser("list", help="every known file with its latest score and review")
    add_format_flag(p)
    _library_flag(p)
    p.set_defaults(func=cmd_library_list)

    p = lsub.add_parser("search", help="full-text search over titles and scene text")
    p.add_argument("text", nargs="+")
    add_format_flag(p)
    _library_flag(p)
    p.set_defaults(func=cmd_library_search)

    p = lsub.add_parser("history", help="the revisions of a file")
    p.add_argument("file")
    add_format_flag(p)
    _library_flag(p)
    p.set_defaults(func=cmd_library_history)

    p = lsub.add_parser("show", help="print a revision's content (the latest by default)")
    p.add_argument("file")
    p.add_argument("--rev", type=int, default=None, metavar="N")
    p.add_argument(
        "--output", "-o", default=None, metavar="OUT", help="write it to OUT instead of printing it"
    )
    _library_flag(p)
    p.set_defaults(func=cmd_library_show)

    p = lsub.add_parser("diff", help="nodes and edges added, removed and changed between revisions")
    p.add_argument("file")
    p.add_argument("rev_a", metavar="REV_A")
    p.add_argument(
        "rev_b", metavar="REV_B", help="a revision number, or 'file' for the file on disk"
    )
    add_format_flag(p)
    _library_flag(p)
    p.set_defaults(func=cmd_library_diff)

    p = sub.add_parser("review", help="record a reviewer's decision on the file's current content")
    p.add_argument("file")
    p.add_argument("--reviewer", default=None, metavar="NAME")
    p.add_argument("--decision", choices=DECISIONS, default=None)
    p.add_argument(
        "--justification",
        default="",
        metavar="TEXT",
        help="why (an override needs at least 20 characters)",
    )
    p.add_argument(
        "--show",
        action="store_true",
        help="list the reviews of the current content and the gate verdict",
    )
    p.add_argument(
        "--key",
        default=None,
        metavar="KEY",
        help="sign with this key (id, id prefix or name; default: your key named as --reviewer)",
    )
    p.add_argument(
        "--passphrase-file",
        default=None,
        metavar="FILE",
        help="the key's passphrase (or $DREAMSTUDIO_KEY_PASSPHRASE); never prompted",
    )
    add_format_flag(p)
    _sim_flags(p)
    _library_flag(p)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("export", help="lint, apply the gate and write a verifiable .dreampkg")
    p.add_argument("file")
    p.add_argument("--output", "-o", default=None, metavar="OUT.dreampkg")
    _sim_flags(p)
    _library_flag(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "verify", help="check a package's files, hashes, paths, review signatures and score"
    )
    p.add_argument("packages", nargs="+", metavar="PKG")
    add_format_flag(p)
    _trust_flags(p)
    add_limit_flags(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("import", help="verify a package and unpack it into a folder")
    p.add_argument("package", metavar="PKG")
    p.add_argument("dest", metavar="DEST")
    p.add_argument("--force", action="store_true", help="replace files that already exist")
    _trust_flags(p)
    add_limit_flags(p)
    p.set_defaults(func=cmd_import)


def _trust_flags(parser: Any) -> None:
    parser.add_argument(
        "--require-signed",
        action="store_true",
        help="fail unless every review is validly signed by a trusted, unrevoked key",
    )
    parser.add_argument(
        "--library",
        default=None,
        metavar="PATH",
        help="also honour this library's trusted keys and revocations",
    )


def _missing_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


@contextmanager
def _open_library(args: argparse.Namespace) -> Iterator[Library]:
    path = getattr(args, "library", None) or getattr(args, "library_top", None)
    try:
        lib = Library.open(path)
    except LibraryError as exc:
        raise CliError(str(exc)) from None
    try:
        yield lib
    except LibraryError as exc:
        raise CliError(str(exc)) from None
    finally:
        lib.close()


# ---------------------------------------------------------------- library
def cmd_library_add(args: argparse.Namespace) -> int:
    code = EXIT_OK
    with _open_library(args) as lib:
        for name in args.files:
            try:
                revision = lib.add(name, author=args.author, message=args.message)
            except DreamFileError as exc:
                report_file_error(exc)
                code = EXIT_BAD_INPUT
                continue
            if revision is None:
                print(f"{name}: unchanged (revision {len(lib.history(name))})")
            else:
                print(f"{name}: recorded revision {revision.number} ({revision.content_hash[:12]})")
    return code


def cmd_library_list(args: argparse.Namespace) -> int:
    with _open_library(args) as lib:
        entries = lib.files()
    if args.format == "json":
        print_json([_entry_dict(e) for e in entries])
        return EXIT_OK
    if not entries:
        print("the library is empty; record a file with `dreamstudio library add FILE`")
    for e in entries:
        score = f"score {e.score} {e.band}" if e.score is not None else "not linted"
        review = e.review or "not reviewed"
        print(
            f"{e.path}\n  {e.title} · {e.revisions} revision{'s' * (e.revisions != 1)} · "
            f"{score} · {review} · updated {e.updated}"
        )
    return EXIT_OK


def _entry_dict(e: Any) -> dict[str, Any]:
    return {
        "path": e.path,
        "title": e.title,
        "revisions": e.revisions,
        "content_sha256": e.latest_hash,
        "created": e.created,
        "updated": e.updated,
        "score": e.score,
        "band": e.band,
        "review": e.review,
    }


def cmd_library_search(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    with _open_library(args) as lib:
        hits = lib.search(text)
    if args.format == "json":
        print_json([{"path": h.path, "title": h.title, "snippet": h.snippet} for h in hits])
    else:
        for h in hits:
            print(f"{h.path}: {h.title}\n  {h.snippet}")
        if not hits:
            print(f"nothing matches {text!r}", file=sys.stderr)
    return EXIT_OK if hits else EXIT_BLOCKED


def cmd_library_history(args: argparse.Namespace) -> int:
    with _open_library(args) as lib:
        if not lib.knows(args.file):
            raise CliError(
                f"{args.file}: not in the library (add it with `dreamstudio library add`)"
            )
        history = lib.history(args.file)
        reviewed = {
            r.number: [v.decision for v in lib.reviews_for(r.content_hash)] for r in history
        }
    if args.format == "json":
        print_json(
            [
                {
                    "number": r.number,
                    "content_sha256": r.content_hash,
                    "author": r.author,
                    "time": r.created,
                    "message": r.message,
                    "title": r.title,
                    "reviews": reviewed[r.number],
                }
                for r in history
            ]
        )
        return EXIT_OK
    for r in reversed(history):
        reviews = f" [{', '.join(reviewed[r.number])}]" if reviewed[r.number] else ""
        message = f"  {r.message}" if r.message else ""
        print(
            f"{r.number:>4}  {r.created}  {r.content_hash[:12]}  {r.author or '-'}"
            f"{reviews}{message}"
        )
    return EXIT_OK


def cmd_library_show(args: argparse.Namespace) -> int:
    with _open_library(args) as lib:
        revision = lib.revision(args.file, args.rev)
    content = revision.content or ""
    if args.output:
        atomic_write_text(args.output, content)
        print(f"{args.output}: revision {revision.number} of {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(content)
    return EXIT_OK


def _rev_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise CliError(f"revision must be a number or 'file', got {text!r}") from None
    if number < 1:
        raise CliError(f"revisions are numbered from 1, got {number}")
    return number


def cmd_library_diff(args: argparse.Namespace) -> int:
    with _open_library(args) as lib:
        old = json.loads(lib.revision(args.file, _rev_number(args.rev_a)).content or "{}")
        if args.rev_b == "file":
            new = dreamscape_to_data(load_dreamscape(args.file))
        else:
            new = json.loads(lib.revision(args.file, _rev_number(args.rev_b)).content or "{}")
    diff = diff_data(old, new)
    if args.format == "json":
        print_json(diff.to_dict())
    else:
        print(f"{args.file}: {args.rev_a} -> {args.rev_b}: {diff.summary()}")
        for line in diff.lines():
            print(f"  {line}")
    return EXIT_OK


# ---------------------------------------------------------------- review and export
def _lint_or_report(ds: Any, path: str, lib: Library, args: argparse.Namespace) -> Any:
    try:
        return evaluate(
            ds, base_dir=Path(path).parent, library=lib, dreamers=args.dreamers, seed=args.seed
        )
    except LintConfigError as exc:
        raise CliError("; ".join(exc.lines())) from None


def cmd_review(args: argparse.Namespace) -> int:
    ds = load_dreamscape(args.file)
    if not args.show and (args.reviewer is None or args.decision is None):
        raise CliError(
            "review needs --reviewer NAME and --decision approve|reject|override (or --show)"
        )
    with _open_library(args) as lib:
        evaluation = _lint_or_report(ds, args.file, lib, args)
        if args.show:
            reviews = lib.reviews_for(evaluation.content_hash)
            verdict = evaluation.verdict
            if args.format == "json":
                print_json(
                    {
                        "file": args.file,
                        "content_sha256": evaluation.content_hash,
                        "gate": verdict.to_dict(),
                        "reviews": [
                            r.to_record() | {"id": r.id, "check": c.to_dict()}
                            for r, c in judge(reviews, lib.trust_store())
                        ],
                    }
                )
            else:
                print(
                    f"{args.file}: content {evaluation.content_hash[:12]}, "
                    f"{len(reviews)} review{'s' * (len(reviews) != 1)} of this content"
                )
                for r, check in judge(reviews, lib.trust_store()):
                    print(
                        f"  {r.line()}\n    {check.label}"
                        + (f", key {r.key_id}" if r.key_id else "")
                    )
                print("\n".join(verdict.lines()))
            return EXIT_OK if verdict.allowed else EXIT_BLOCKED
        key = _signing_key(args)
        try:
            review, verdict = review_dreamscape(
                lib,
                ds,
                args.file,
                args.reviewer,
                args.decision,
                args.justification,
                evaluation=evaluation,
                key=key,
                passphrase=read_passphrase(args.passphrase_file) if key else None,
            )
        except ReviewError as exc:
            print(f"{args.file}: review refused: {exc}", file=sys.stderr)
            return EXIT_BLOCKED
    if args.format == "json":
        print_json(
            {
                "file": args.file,
                "review": review.to_record() | {"id": review.id},
                "gate": verdict.to_dict(),
            }
        )
    else:
        signed = f"signed with key {review.key_id}" if review.signed else "UNSIGNED"
        print(
            f"{args.file}: recorded {review.decision} by {review.reviewer} for content "
            f"{review.content_hash[:12]} (score {review.score} {review.band}), {signed}"
        )
        print("\n".join(verdict.lines()))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    ds = load_dreamscape(args.file)
    with _open_library(args) as lib:
        evaluation = _lint_or_report(ds, args.file, lib, args)
        try:
            result = export_dreamscape(
                ds, args.file, args.output, library=lib, evaluation=evaluation
            )
        except ExportBlocked as exc:
            print(f"{args.file}: export refused; nothing written", file=sys.stderr)
            for line in exc.lines():
                print(f"  {line}", file=sys.stderr)
            return EXIT_BLOCKED
        except PackageError as exc:
            raise CliError("; ".join(exc.lines())) from None
        except OSError as exc:
            raise CliError(
                f"{args.output or args.file}: cannot write the package: {exc.strerror or exc}"
            ) from None
    info = result.package
    print(
        f"{info.path}: {len(info.manifest['files']) + 1} files, {info.size} bytes, "
        f"sha256 {info.sha256}"
    )
    print(f"  {result.evaluation.verdict.headline}")
    return EXIT_OK


def _signing_key(args: argparse.Namespace) -> SecretKeyFile | None:
    """The key named by --key, else the reviewer's own key by name; None (an unsigned
    review, said so on stderr) when the reviewer has no key here."""
    try:
        return find_key(args.key or args.reviewer)
    except KeyStoreError as exc:
        if args.key:
            raise CliError(str(exc)) from None
    print(
        f"{args.file}: no key named {args.reviewer!r} here, so this review is UNSIGNED: it is "
        "recorded and shown, but cannot unblock the gate (make a key with "
        "`dreamstudio keys new --name NAME`, or pick one with --key)",
        file=sys.stderr,
    )
    return None


def _verify_trust(args: argparse.Namespace) -> TrustStore:
    if not args.library:
        try:
            return TrustStore.for_library()
        except LibraryError as exc:
            raise CliError(str(exc)) from None
    with _open_library(args) as lib:
        return lib.trust_store()


def _check(args: argparse.Namespace, name: str) -> PackageCheck:
    try:
        policy = find_policy(Path.cwd())
    except LibraryError as exc:
        raise CliError(str(exc)) from None
    return check_package(
        name,
        _verify_trust(args),
        policy=policy,
        require_signed=args.require_signed,
        limits=package_limits(args),
    )


def _print_reviews(check: PackageCheck) -> None:
    for where, verdict in check.reviews:
        print(f"  {where}: {verdict.line()}")
    if not check.reviews:
        print("  review: none")


def cmd_verify(args: argparse.Namespace) -> int:
    code = EXIT_OK
    checks = [_check(args, name) for name in args.packages]
    if args.format == "json":
        print_json([c.to_dict() for c in checks])
    for check in checks:
        if not check.ok:
            code = EXIT_BLOCKED
        if args.format == "json":
            continue
        if check.ok:
            m = check.manifest
            print(
                f"{check.path}: ok — '{m.get('title')}', {len(m.get('files', {}))} files, "
                f"content {str(m.get('content_sha256'))[:12]}, score {m.get('score')} "
                f"{m.get('band')} (re-linted here: the same)"
            )
            _print_reviews(check)
            for note in check.notes:
                print(f"  note: {note}")
        else:
            for problem in check.problems:
                print(f"{check.path}: {problem}", file=sys.stderr)
    return code


def cmd_import(args: argparse.Namespace) -> int:
    try:
        check = _check(args, args.package)
        if not check.ok:
            raise PackageError(check.problems, args.package)
        result = import_package(
            args.package, args.dest, force=args.force, limits=package_limits(args)
        )
    except PackageError as exc:
        print(f"{args.package}: import refused; nothing written", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BLOCKED
    print(
        f"{result.dream_path}: imported '{result.manifest.get('title')}' with "
        f"{len(result.files) - 1} asset{'s' * (len(result.files) != 2)}"
    )
    _print_reviews(check)
    for note in check.notes:
        print(f"  note: {note}")
    return EXIT_OK
