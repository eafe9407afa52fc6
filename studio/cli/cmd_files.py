"""File commands: new, validate, info, format."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from studio.io import (
    DreamFileError,
    dumps_dreamscape,
    load_dreamscape,
    loads_dreamscape,
    save_dreamscape,
)
from studio.io.atomic import atomic_write_text
from studio.model import NODE_KINDS, Dreamscape
from studio.model.starter import starter_dreamscape

from .common import (
    EXIT_BAD_INPUT,
    EXIT_BLOCKED,
    EXIT_OK,
    CliError,
    add_format_flag,
    load_or_report,
    print_json,
    report_file_error,
)

_WORD = re.compile(r"[\w'’-]+")


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create a minimal valid dreamscape (entry → scene → exit)")
    p.add_argument("file")
    p.add_argument("--title", default=None, help="the dreamscape's title")
    p.add_argument("--author", default="", help="the author's name")
    p.add_argument("--audience", choices=("child", "teen", "adult"), default="adult")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("validate", help="check files and list every problem by field path")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing for valid files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("info", help="story details: nodes by kind, edges, variables, words")
    p.add_argument("file")
    add_format_flag(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("format", help="rewrite files canonically")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--check", action="store_true", help="exit 1 if a file would change; write nothing"
    )
    p.set_defaults(func=cmd_format)


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix != ".dream":
        raise CliError(f"{path}: a dreamscape file name ends in .dream")
    if path.exists():
        raise CliError(f"{path}: already exists; not overwriting it")
    if not path.parent.exists():
        raise CliError(f"{path}: folder {path.parent} does not exist")
    title = args.title or path.stem.replace("-", " ").replace("_", " ").title()
    ds = starter_dreamscape(title, args.author, args.audience)
    try:
        with open(path, "x", encoding="utf-8"):
            pass  # claim the name first, so a file appearing meanwhile is never overwritten
    except FileExistsError:
        raise CliError(f"{path}: already exists; not overwriting it") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot create: {exc.strerror or exc}") from None
    try:
        save_dreamscape(ds, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    print(f"{path}: created '{title}' (entry → scene → exit)")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    code = EXIT_OK
    for name in args.files:
        ds = load_or_report(name)
        if ds is None:
            code = EXIT_BAD_INPUT
            continue
        if not args.quiet:
            print(f"{name}: valid ({len(ds.nodes)} nodes, {len(ds.edges)} edges)")
    return code


def words(text: str) -> int:
    return len(_WORD.findall(text))


def info_data(ds: Dreamscape) -> dict[str, Any]:
    """The numbers an author wants at a glance, like a story-details panel."""
    kinds = Counter(n.kind for n in ds.nodes)
    return {
        "title": ds.meta.title,
        "author": ds.meta.author,
        "audience": ds.meta.audience,
        "nodes": len(ds.nodes),
        "nodes_by_kind": {k: kinds.get(k, 0) for k in NODE_KINDS},
        "edges": len(ds.edges),
        "conditional_edges": sum(1 for e in ds.edges if e.condition),
        "variables": {
            name: {"type": v.type, "initial": v.initial} for name, v in ds.variables.items()
        },
        "words": sum(words(n.text) + words(n.title) for n in ds.nodes),
        "scene_minutes": sum(n.minutes for n in ds.nodes),
        "groups": [{"id": g.id, "title": g.title, "nodes": len(g.nodes)} for g in ds.groups],
        "night_rem_minutes": ds.night.total_rem_minutes,
    }


def cmd_info(args: argparse.Namespace) -> int:
    ds = load_dreamscape(args.file)
    data = info_data(ds)
    if args.format == "json":
        print_json({"file": args.file, **data})
        return EXIT_OK
    print(f"{args.file}: {data['title']}" + (f" by {data['author']}" if data["author"] else ""))
    print(f"  audience        {data['audience']}")
    kinds = ", ".join(f"{n} {k}" for k, n in data["nodes_by_kind"].items() if n)
    print(f"  nodes           {data['nodes']} ({kinds})")
    print(f"  edges           {data['edges']} ({data['conditional_edges']} conditional)")
    variables = ", ".join(f"{k}:{v['type']}" for k, v in data["variables"].items()) or "none"
    print(f"  variables       {len(data['variables'])} ({variables})")
    print(f"  words           {data['words']}")
    print(f"  scene minutes   {data['scene_minutes']:g} (night REM {data['night_rem_minutes']:g})")
    groups = ", ".join(f"{g['title'] or g['id']} ({g['nodes']})" for g in data["groups"]) or "none"
    print(f"  groups          {len(data['groups'])} ({groups})")
    return EXIT_OK


def is_read_only(path: Path) -> bool:
    """Read-only as editors judge it: no write bit, or no write access (root has it anyway)."""
    try:
        return not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK)
    except OSError:
        return False


def cmd_format(args: argparse.Namespace) -> int:
    code = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            original = path.read_bytes()
        except OSError:
            original = b""  # load_dreamscape names the problem
        try:
            ds = loads_dreamscape(original, path) if original else load_dreamscape(path)
        except DreamFileError as exc:
            report_file_error(exc)
            code = EXIT_BAD_INPUT
            continue
        canonical = dumps_dreamscape(ds)
        if canonical.encode("utf-8") == original:  # bytes: CRLF or a BOM is not canonical
            continue
        if args.check:
            print(f"{name}: would reformat")
            code = max(code, EXIT_BLOCKED)
        elif is_read_only(path):
            print(
                f"{name}: is read-only; not rewriting it (make it writable first)", file=sys.stderr
            )
            code = EXIT_BAD_INPUT
        else:
            atomic_write_text(path, canonical)
            print(f"{name}: reformatted")
    return code
