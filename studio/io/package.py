"""Writing `.dreampkg` packages: deterministic zips a publisher can hand on and anyone can verify.

The same dreamscape, report and assets always give the same bytes: entries are sorted,
timestamps fixed at 1980-01-01, permissions fixed at 0644, and each entry's compression is
decided from its own content. Every file's sha256 is in `manifest.json`, computed while the
file streams into the archive. This module takes the report already computed (as data and
HTML); running the linter and the gate is the caller's business.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from studio import __version__ as STUDIO_VERSION
from studio.model import Dreamscape

from .atomic import atomic_open

PACKAGE_FORMAT = "dreampkg"
PACKAGE_VERSION = 1
PACKAGE_SUFFIX = ".dreampkg"
MANIFEST_NAME = "manifest.json"
DREAM_NAME = "dreamscape.dream"
REPORT_JSON_NAME = "report.json"
REPORT_HTML_NAME = "report.html"
ASSETS_PREFIX = "assets/"
REQUIRED_FILES = (DREAM_NAME, REPORT_JSON_NAME, REPORT_HTML_NAME)

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX_SYSTEM = 3
CHUNK = 1 << 20
SAMPLE = 64 * 1024
# Formats that are compressed already: deflating them only costs time.
STORED_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".avif",
        ".heic",
        ".mp3",
        ".ogg",
        ".opus",
        ".m4a",
        ".aac",
        ".flac",
        ".mp4",
        ".m4v",
        ".webm",
        ".mkv",
        ".mov",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
        ".7z",
        ".woff",
        ".woff2",
        ".dreampkg",
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PackageError(Exception):
    """A package that cannot be written, verified or imported; lists every problem."""

    def __init__(self, problems: Iterable[str], source: str | Path | None = None) -> None:
        self.problems = list(problems)
        self.source = str(source) if source is not None else None
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        prefix = f"{self.source}: " if self.source else ""
        return [prefix + problem for problem in self.problems]


def member_name_problem(name: str) -> str | None:
    """Why an archive member name is unsafe to extract anywhere, or None when it is fine."""
    if not name:
        return "empty name"
    if _CONTROL.search(name):
        return "control character in name"
    if "\\" in name:
        return "backslash in path"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter in path"
    if name.endswith("/"):
        return "folder entry (packages hold files only)"
    parts = name.split("/")
    if ".." in parts:
        return "'..' in path (would escape the destination)"
    if any(part in ("", ".") for part in parts):
        return "empty or '.' path segment"
    return None


def asset_member_name(asset: str) -> tuple[str | None, str | None]:
    """(`assets/...` member name, None) for a node's asset path, or (None, why it cannot be packed)."""
    if not asset.strip():
        return None, "empty asset path"
    if "\\" in asset:
        return None, "uses backslashes; write asset paths with '/'"
    if asset.startswith("/") or _DRIVE.match(asset):
        return None, "is absolute; asset paths are relative to the .dream file"
    parts = [p for p in PurePosixPath(asset).parts if p != "."]
    if ".." in parts:
        return None, "points outside the dreamscape's folder ('..')"
    if not parts:
        return None, "names no file"
    name = ASSETS_PREFIX + "/".join(parts)
    problem = member_name_problem(name)
    return (None, problem) if problem else (name, None)


@dataclass(slots=True)
class PackageAsset:
    """One file under `assets/`, the file it comes from, and the nodes that use it."""

    name: str
    source: Path
    nodes: list[str] = field(default_factory=list)


def collect_assets(ds: Dreamscape, base_dir: str | Path) -> list[PackageAsset]:
    """Every asset the nodes reference, resolved beside the file; raises PackageError naming
    each node and path that is missing or cannot be packed."""
    base = Path(base_dir)
    found: dict[str, PackageAsset] = {}
    problems = []
    for node in ds.nodes:
        for asset in node.assets:
            name, why = asset_member_name(asset)
            if name is None:
                problems.append(f"node '{node.id}': asset '{asset}' {why}")
                continue
            if name in found:
                if node.id not in found[name].nodes:
                    found[name].nodes.append(node.id)
                continue
            source = base / name[len(ASSETS_PREFIX) :]
            if not source.is_file():
                state = "is not a file" if source.exists() else "is missing"
                problems.append(f"node '{node.id}': asset '{asset}' {state} (looked for {source})")
                continue
            found[name] = PackageAsset(name, source, [node.id])
    if problems:
        raise PackageError(problems)
    return [found[name] for name in sorted(found)]


def referenced_asset_names(ds: Dreamscape) -> dict[str, list[str]]:
    """Member name -> node ids, for the assets the nodes reference (unpackable ones skipped)."""
    out: dict[str, list[str]] = {}
    for node in ds.nodes:
        for asset in node.assets:
            name, _ = asset_member_name(asset)
            if name is not None and node.id not in out.setdefault(name, []):
                out[name].append(node.id)
    return out


def _compress_type(name: str, sample: bytes) -> int:
    """Store what is already compressed (by suffix, or when a sample will not shrink)."""
    if PurePosixPath(name).suffix.lower() in STORED_SUFFIXES:
        return zipfile.ZIP_STORED
    if len(sample) >= 4096 and len(zlib.compress(sample, 1)) > 0.95 * len(sample):
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def _info(name: str, size: int, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE_TIME)
    info.compress_type = compress_type
    info.create_system = UNIX_SYSTEM
    info.external_attr = FILE_MODE << 16
    info.file_size = size
    return info


def _stream_into(zf: zipfile.ZipFile, name: str, source: Path) -> str:
    """Copy a file into the archive, hashing as it goes; returns the sha256 of what was written."""
    digest = hashlib.sha256()
    with open(source, "rb") as src:
        sample = src.read(SAMPLE)
        size = os.fstat(src.fileno()).st_size
        info = _info(name, size, _compress_type(name, sample))
        with zf.open(info, "w", force_zip64=size > 0x7FFF0000) as dst:
            chunk = sample
            while chunk:
                digest.update(chunk)
                dst.write(chunk)
                chunk = src.read(CHUNK)
    return digest.hexdigest()


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = _info(name, len(data), _compress_type(name, data[:SAMPLE]))
    with zf.open(info, "w") as dst:
        dst.write(data)


def json_bytes(data: Any) -> bytes:
    """Stable JSON for package files: sorted keys, 2-space indent, trailing newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(slots=True)
class PackageInfo:
    """What was written: where, its own sha256 and size, and its manifest."""

    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


def write_package(
    out: str | Path,
    dream_text: str,
    title: str,
    report_data: dict[str, Any],
    report_html: str,
    assets: Iterable[PackageAsset] = (),
    *,
    score: int | None = None,
    band: str | None = None,
    review: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> PackageInfo:
    """Write the package atomically (temp file beside it, then rename) and describe it."""
    out = Path(out)
    dream_bytes = dream_text.encode("utf-8")
    content_sha256 = hashlib.sha256(dream_bytes).hexdigest()
    memory = {
        DREAM_NAME: dream_bytes,
        REPORT_JSON_NAME: json_bytes(report_data),
        REPORT_HTML_NAME: report_html.encode("utf-8"),
    }
    assets = sorted(assets, key=lambda a: a.name)
    names = [a.name for a in assets]
    if len(set(names)) != len(names) or any(not n.startswith(ASSETS_PREFIX) for n in names):
        raise PackageError(["asset names must be unique and under assets/"], out)
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise PackageError([f"folder {directory} does not exist"], out)
    with atomic_open(out, "w+b") as handle:
        files = _write_archive(
            handle, memory, assets, title, content_sha256, score, band, review, approvals
        )
        handle.flush()
        size = handle.tell()
        handle.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return PackageInfo(out, digest.hexdigest(), size, files)


def _write_archive(
    handle: IO[bytes],
    memory: dict[str, bytes],
    assets: list[PackageAsset],
    title: str,
    content_sha256: str,
    score: int | None,
    band: str | None,
    review: dict[str, Any] | None,
    approvals: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Entries in sorted order: assets/… (hashed while streaming), then the rest."""
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in memory.items()}
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for asset in assets:
            hashes[asset.name] = _stream_into(zf, asset.name, asset.source)
        manifest = {
            "format": PACKAGE_FORMAT,
            "version": PACKAGE_VERSION,
            "title": title,
            "content_sha256": content_sha256,
            "studio_version": STUDIO_VERSION,
            "files": {name: hashes[name] for name in sorted(hashes)},
            "score": score,
            "band": band,
            "review": review,
        }
        if approvals is not None:  # the distinct trusted approvals a threshold policy asked for
            manifest["approvals"] = approvals
        rest = dict(memory)
        rest[MANIFEST_NAME] = json_bytes(manifest)
        order = [a.name for a in assets] + sorted(rest)
        assert order == sorted(order), "package entries must be written in sorted order"
        for name in sorted(rest):
            _write_bytes(zf, name, rest[name])
    return manifest
