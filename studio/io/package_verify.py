"""Verifying and importing `.dreampkg` packages without trusting a byte of them.

Verification checks the archive's structure before reading any data (names that could
escape a folder, links, duplicates, declared sizes and ratios), then stream-reads every
entry with a cap — declared sizes can lie — and compares each sha256 with the manifest.
Import verifies first, stages every file beside its final place, and only renames them in
when all are written, so a refused or failed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.model import Dreamscape

from .dream_format import loads_dreamscape
from .errors import DreamFileError
from .package import (
    ASSETS_PREFIX,
    CHUNK,
    DREAM_NAME,
    MANIFEST_NAME,
    PACKAGE_FORMAT,
    PACKAGE_VERSION,
    REPORT_JSON_NAME,
    REQUIRED_FILES,
    PackageError,
    member_name_problem,
    referenced_asset_names,
)

_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a package may expand to; anything past these is treated as a zip bomb."""

    max_entries: int = 100_000
    max_total_bytes: int = 4 << 30
    max_entry_bytes: int = 2 << 30
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 << 20  # smaller entries cannot hurt, whatever their ratio
    max_manifest_bytes: int = 16 << 20
    max_dream_bytes: int = 512 << 20


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class VerifyResult:
    """Every problem found (empty when the package is sound) and what it holds."""

    path: Path
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    dreamscape: Dreamscape | None = None
    report: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def _structure_problems(infos: list[zipfile.ZipInfo], limits: Limits) -> list[str]:
    """Everything that can be judged from the central directory alone."""
    problems = []
    if len(infos) > limits.max_entries:
        return [f"holds {len(infos)} entries, more than the limit of {limits.max_entries}"]
    seen: dict[str, int] = {}
    folded: dict[str, str] = {}
    total = 0
    for info in infos:
        name = info.filename
        shown = repr(name)
        why = member_name_problem(name)
        if why:
            problems.append(f"entry {shown}: {why}")
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 2:
            problems.append(f"entry {shown}: duplicate name")
        elif seen[name] == 1:
            other = folded.setdefault(name.casefold(), name)
            if other != name:
                problems.append(f"entry {shown}: differs from {other!r} only in case")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.append(f"entry {shown}: is a symbolic link")
        elif stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            problems.append(f"entry {shown}: is not a regular file")
        if info.flag_bits & 0x1:
            problems.append(f"entry {shown}: is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(f"entry {shown}: unsupported compression method {info.compress_type}")
        if info.file_size > limits.max_entry_bytes:
            problems.append(
                f"entry {shown}: expands to {_mib(info.file_size)}, over the "
                f"{_mib(limits.max_entry_bytes)} limit"
            )
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            problems.append(
                f"entry {shown}: compression ratio {ratio:.0f}:1 is over the limit "
                f"of {limits.max_ratio:.0f}:1 (zip bomb?)"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        problems.append(
            f"expands to {_mib(total)} in all, over the {_mib(limits.max_total_bytes)} limit"
        )
    problems += _archive_ratio_problems(infos, total, limits)
    return problems


def _archive_ratio_problems(infos: list[zipfile.ZipInfo], total: int, limits: Limits) -> list[str]:
    """The ratio over the whole archive: many small entries can be a bomb together."""
    packed = sum(info.compress_size for info in infos)
    if total <= limits.ratio_floor_bytes or total <= limits.max_ratio * max(packed, 1):
        return []
    return [
        f"expands to {_mib(total)} from {_mib(packed)} compressed in all: a ratio of "
        f"{total / max(packed, 1):.0f}:1, over the limit of {limits.max_ratio:.0f}:1 (zip bomb?)"
    ]


class _Budget:
    """Bytes left to decompress across the whole archive."""

    def __init__(self, total: int) -> None:
        self.left = total


def _read_capped(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, keep: int = 0
) -> tuple[str, bytes | None]:
    """sha256 of an entry read in chunks, never past its declared size or the budget.

    Returns the data too when it is at most `keep` bytes. Raises PackageError on a lie.
    """
    digest = hashlib.sha256()
    kept: list[bytes] | None = [] if info.file_size <= keep else None
    read = 0
    try:
        with zf.open(info) as src:
            while True:
                chunk = src.read(CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                budget.left -= len(chunk)
                if read > info.file_size or budget.left < 0:
                    raise PackageError(
                        [
                            f"entry {info.filename!r}: expands past its declared "
                            "size or the archive's limit (zip bomb?)"
                        ]
                    )
                digest.update(chunk)
                if kept is not None:
                    kept.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise PackageError([f"entry {info.filename!r}: damaged data ({exc})"]) from None
    if read != info.file_size:
        raise PackageError(
            [f"entry {info.filename!r}: holds {read} bytes, not the {info.file_size} it declares"]
        )
    return digest.hexdigest(), (b"".join(kept) if kept is not None else None)


def _manifest_problems(manifest: Any) -> list[str]:
    if not isinstance(manifest, dict):
        return ["manifest.json: expected a JSON object"]
    problems = []
    if manifest.get("format") != PACKAGE_FORMAT:
        problems.append(
            f"manifest.json: format is {manifest.get('format')!r}, not {PACKAGE_FORMAT!r}"
        )
    version = manifest.get("version")
    if version != PACKAGE_VERSION or isinstance(version, bool):
        problems.append(
            f"manifest.json: unsupported package version {version!r} "
            f"(this studio reads version {PACKAGE_VERSION})"
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        problems.append("manifest.json: 'files' must map each file name to its sha256")
    else:
        for name, digest in files.items():
            if not (isinstance(digest, str) and len(digest) == 64 and set(digest) <= _HEX):
                problems.append(f"manifest.json: files.{name}: not a sha256 hex digest")
            why = member_name_problem(name)
            if why:
                problems.append(f"manifest.json: files.{name}: {why}")
        for name in REQUIRED_FILES:
            if name not in files:
                problems.append(f"manifest.json: does not list {name}")
        if MANIFEST_NAME in files:
            problems.append("manifest.json: lists itself")
    if not isinstance(manifest.get("review"), dict | None):
        problems.append("manifest.json: review must be an object or null")
    content = manifest.get("content_sha256")
    if not (isinstance(content, str) and len(content) == 64 and set(content) <= _HEX):
        problems.append("manifest.json: content_sha256 is not a sha256 hex digest")
    return problems + _review_problems(manifest)


REVIEW_TEXT_FIELDS = ("reviewer", "decision", "justification", "time", "content_sha256")


def review_records(manifest: dict[str, Any]) -> list[tuple[str, Any]]:
    """(where, record) for the manifest's review and each extra approval it carries."""
    records: list[tuple[str, Any]] = []
    if manifest.get("review") is not None:
        records.append(("review", manifest["review"]))
    approvals = manifest.get("approvals")
    if isinstance(approvals, list):
        records += [(f"approvals[{i}]", record) for i, record in enumerate(approvals)]
    return records


def _review_problems(manifest: dict[str, Any]) -> list[str]:
    """Each review record is an object about this very content (signatures are judged above
    io, where the trust store lives)."""
    problems = []
    if "approvals" in manifest and not isinstance(manifest["approvals"], list):
        problems.append("manifest.json: approvals: expected a list of review records")
    for where, record in review_records(manifest):
        if not isinstance(record, dict):
            problems.append(f"manifest.json: {where}: expected an object or null")
            continue
        for name in REVIEW_TEXT_FIELDS:
            if not isinstance(record.get(name), str):
                problems.append(f"manifest.json: {where}.{name}: missing or not text")
        if record.get("decision") not in (None, "approve", "reject", "override"):
            problems.append(
                f"manifest.json: {where}.decision: {record.get('decision')!r} is unknown"
            )
        if isinstance(record.get("content_sha256"), str) and record[
            "content_sha256"
        ] != manifest.get("content_sha256"):
            problems.append(
                f"manifest.json: {where}.content_sha256: the review is of other content "
                f"({record['content_sha256'][:12]}…), not this package's"
            )
    return problems


def verify_package(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> VerifyResult:
    """Check everything about a package; never raises for a bad package, lists why instead."""
    path = Path(path)
    result = VerifyResult(path)
    problems = result.problems
    if not path.is_file():
        problems.append("no such file" if not path.exists() else "is not a file")
        return result
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        problems.append(f"not a zip archive ({exc})")
        return result
    with zf:
        infos = zf.infolist()
        problems += _structure_problems(infos, limits)
        if problems:
            return result
        by_name = {info.filename: info for info in infos}
        budget = _Budget(limits.max_total_bytes)
        manifest_info = by_name.get(MANIFEST_NAME)
        if manifest_info is None:
            problems.append("missing manifest.json")
            return result
        try:
            if manifest_info.file_size > limits.max_manifest_bytes:
                raise PackageError(
                    [f"manifest.json: larger than {_mib(limits.max_manifest_bytes)}"]
                )
            _, raw = _read_capped(zf, manifest_info, budget, keep=limits.max_manifest_bytes)
            manifest = json.loads((raw or b"").decode("utf-8"))
        except PackageError as exc:
            problems += exc.problems
            return result
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            problems.append(f"manifest.json: does not parse ({exc})")
            return result
        problems += _manifest_problems(manifest)
        if problems:
            return result
        result.manifest = manifest
        files: dict[str, str] = manifest["files"]
        listed = set(files)
        present = set(by_name) - {MANIFEST_NAME}
        problems += [
            f"missing file {name} (listed in the manifest)" for name in sorted(listed - present)
        ]
        problems += [
            f"extra file {name} (not in the manifest)" for name in sorted(present - listed)
        ]
        dream_bytes: bytes | None = None
        report_bytes: bytes | None = None
        for name in sorted(listed & present):
            keep = {
                DREAM_NAME: limits.max_dream_bytes,
                REPORT_JSON_NAME: limits.max_manifest_bytes,
            }.get(name, 0)
            try:
                digest, data = _read_capped(zf, by_name[name], budget, keep)
            except PackageError as exc:
                problems += exc.problems
                if "zip bomb" in " ".join(exc.problems):
                    return result
                continue
            if digest != files[name]:
                problems.append(
                    f"hash mismatch for {name}: manifest says {files[name][:12]}…, "
                    f"content is {digest[:12]}…"
                )
            if name == DREAM_NAME:
                dream_bytes = data
            elif name == REPORT_JSON_NAME:
                report_bytes = data
        problems += _content_problems(result, manifest, dream_bytes, report_bytes, present)
    return result


def _content_problems(
    result: VerifyResult,
    manifest: dict[str, Any],
    dream: bytes | None,
    report: bytes | None,
    present: set[str],
) -> list[str]:
    """The dreamscape loads, is the content the manifest names, and its assets are all here."""
    problems = []
    if dream is not None:
        if hashlib.sha256(dream).hexdigest() != manifest["content_sha256"]:
            problems.append("dreamscape.dream: its sha256 is not the manifest's content_sha256")
        try:
            ds = loads_dreamscape(dream, DREAM_NAME)
        except DreamFileError as exc:
            problems += [f"dreamscape.dream: {issue}" for issue in exc.issues]
        else:
            result.dreamscape = ds
            wanted = referenced_asset_names(ds)
            packed = {name for name in present if name.startswith(ASSETS_PREFIX)}
            for name in sorted(set(wanted) - packed):
                nodes = ", ".join(wanted[name])
                problems.append(f"missing asset {name} (used by node {nodes})")
            for name in sorted(packed - set(wanted)):
                problems.append(f"extra asset {name} (no node uses it)")
    if report is not None:
        try:
            data = json.loads(report.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            problems.append(f"report.json: does not parse ({exc})")
        else:
            result.report = data if isinstance(data, dict) else None
            lint = data.get("lint") if isinstance(data, dict) else None
            score = lint.get("score") if isinstance(lint, dict) else None
            if (
                score is not None
                and manifest.get("score") is not None
                and score != manifest.get("score")
            ):
                problems.append(
                    f"report.json: score {score} differs from the manifest's "
                    f"{manifest.get('score')}"
                )
    return problems


@dataclass(slots=True)
class ImportResult:
    """Where the dreamscape and its assets were written."""

    dream_path: Path
    files: list[Path]
    manifest: dict[str, Any]


def _inside(folder: Path, target: Path) -> bool:
    try:
        target.relative_to(folder)
    except ValueError:
        return False
    return True


def _plan(dest: Path, dream_name: str, names: list[str]) -> dict[str, Path]:
    """Member name -> final path, each checked to stay inside DEST even through links."""
    root = dest.resolve()
    plan = {DREAM_NAME: dest / dream_name}
    for name in names:
        if name.startswith(ASSETS_PREFIX):
            plan[name] = dest.joinpath(*name[len(ASSETS_PREFIX) :].split("/"))
    problems = []
    for name, target in plan.items():
        # The deepest folder that exists decides where the file really lands (it may be a link).
        existing = target.parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        landing = existing.resolve().joinpath(*target.relative_to(existing).parts)
        if not _inside(root, landing):
            problems.append(f"{name}: would be written outside {dest} (at {landing})")
        elif target.is_symlink() or (target.exists() and not target.is_file()):
            problems.append(f"{name}: {target} exists and is not a plain file")
    if problems:
        raise PackageError(problems)
    return plan


def import_package(
    path: str | Path,
    dest: str | Path,
    force: bool = False,
    dream_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Verify, then write the dreamscape (as DEST/<package name>.dream) and its assets."""
    path, dest = Path(path), Path(dest)
    result = verify_package(path, limits)
    if not result.ok or result.manifest is None:
        raise PackageError(result.problems, path)
    if dest.exists() and not dest.is_dir():
        raise PackageError([f"destination {dest} is not a folder"], path)
    dream_name = dream_name or (path.stem + ".dream")
    if "/" in dream_name or "\\" in dream_name or dream_name in (".", ".."):
        raise PackageError([f"bad file name {dream_name!r}"], path)
    names = sorted(result.manifest["files"])
    plan = _plan(dest, dream_name, names)
    existing = [str(target) for target in plan.values() if target.exists()]
    if existing and not force:
        raise PackageError(
            [f"would overwrite {p} (use --force to replace)" for p in existing], path
        )
    files = result.manifest["files"]
    staged: list[tuple[str, Path]] = []
    made: list[Path] = []
    try:
        with zipfile.ZipFile(path) as zf:
            budget = _Budget(limits.max_total_bytes)
            for name, target in plan.items():
                made += _make_parents(target.parent)
                staged.append((_stage(zf, zf.getinfo(name), target, files[name], budget), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, PackageError):
            raise PackageError(exc.problems, path) from None
        if isinstance(exc, OSError):
            raise PackageError([f"cannot write into {dest}: {exc.strerror or exc}"], path) from None
        raise
    return ImportResult(plan[DREAM_NAME], list(plan.values()), result.manifest)


def _make_parents(folder: Path) -> list[Path]:
    """Create missing folders, returning the ones made (to remove them if the import fails)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for item in reversed(missing):
        item.mkdir()
    return list(reversed(missing))


def _stage(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, expected: str, budget: _Budget
) -> str:
    """Write an entry to a temp file beside its target, checking its hash again on the way."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    digest = hashlib.sha256()
    read = 0
    try:
        with os.fdopen(fd, "wb") as out, zf.open(info) as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                read += len(chunk)
                budget.left -= len(chunk)
                if read > info.file_size or budget.left < 0:
                    raise PackageError([f"entry {info.filename!r}: expands past its declared size"])
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise PackageError([f"{info.filename}: changed while importing (hash mismatch)"])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise PackageError([f"entry {info.filename!r}: damaged data ({exc})"]) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp
