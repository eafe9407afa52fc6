"""Tampered and hostile packages: verify says what is wrong, import writes nothing anywhere."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io.package import PackageError
from studio.io.package_verify import Limits, import_package, verify_package

from .test_package_write import make_project, write


@dataclass
class Entry:
    name: str
    data: bytes
    mode: int = 0o100644
    compress: int = zipfile.ZIP_DEFLATED


def good_entries(folder: Path) -> list[Entry]:
    ds, path = make_project(folder, png_bytes=20_000)
    out = folder / "good.dreampkg"
    write(ds, path, out)
    with zipfile.ZipFile(out) as zf:
        return [
            Entry(i.filename, zf.read(i), i.external_attr >> 16, i.compress_type)
            for i in zf.infolist()
        ]


def manifest_of(entries: list[Entry]) -> dict:
    return json.loads(next(e.data for e in entries if e.name == "manifest.json"))


def with_manifest(entries: list[Entry], manifest: dict) -> list[Entry]:
    data = json.dumps(manifest).encode()
    return [Entry(e.name, data) if e.name == "manifest.json" else e for e in entries]


def relisted(entries: list[Entry]) -> list[Entry]:
    """Rewrite the manifest so that it lists every entry with its true hash."""
    manifest = manifest_of(entries)
    manifest["files"] = {
        e.name: hashlib.sha256(e.data).hexdigest() for e in entries if e.name != "manifest.json"
    }
    return with_manifest(entries, manifest)


def build(entries: list[Entry]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(buffer, "w") as zf:
            for e in entries:
                info = zipfile.ZipInfo(e.name, (1980, 1, 1, 0, 0, 0))
                info.external_attr = e.mode << 16
                info.create_system = 3
                info.compress_type = e.compress
                zf.writestr(info, e.data)
    return buffer.getvalue()


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the archive lie about an entry's expanded size (local header and central record)."""
    blob = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
        struct.pack_into("<I", blob, info.header_offset + 22, size)
        pos = zf.start_dir
    while blob[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", blob, pos + 28)
        if bytes(blob[pos + 46 : pos + 46 + name_len]).decode() == name:
            struct.pack_into("<I", blob, pos + 24, size)
        pos += 46 + name_len + extra_len + comment_len
    return bytes(blob)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(root.rglob("*"))
    }


def assert_rejected(
    tmp_path: Path, archive: bytes, fragment: str, limits: Limits | None = None
) -> None:
    pkg = tmp_path / "hostile.dreampkg"
    pkg.write_bytes(archive)
    kwargs = {"limits": limits} if limits else {}
    result = verify_package(pkg, **kwargs)
    assert not result.ok
    assert any(fragment in p for p in result.problems), result.problems
    dest = tmp_path / "dest"
    before = snapshot(tmp_path)
    with pytest.raises(PackageError) as caught:
        import_package(pkg, dest, force=True, **kwargs)
    assert any(fragment in line for line in caught.value.lines())
    assert snapshot(tmp_path) == before  # nothing written, in DEST or anywhere else
    assert not dest.exists()


def test_good_archive_from_helpers_verifies(tmp_path: Path) -> None:
    pkg = tmp_path / "rebuilt.dreampkg"
    pkg.write_bytes(build(good_entries(tmp_path)))
    assert verify_package(pkg).ok


def test_hash_mismatch(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    entries = [
        Entry(e.name, e.data.replace(b"Lantern Bay", b"Lantern Bax"))
        if e.name == "report.html"
        else e
        for e in entries
    ]
    assert_rejected(tmp_path, build(entries), "hash mismatch for report.html")


def test_tampered_dreamscape_with_rehashed_manifest(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    entries = [
        Entry(e.name, e.data.replace(b'"minutes": 5', b'"minutes": 500'))
        if e.name == "dreamscape.dream"
        else e
        for e in entries
    ]
    assert_rejected(tmp_path, build(relisted(entries)), "not the manifest's content_sha256")


def test_missing_file(tmp_path: Path) -> None:
    entries = [e for e in good_entries(tmp_path) if e.name != "assets/sounds/gulls.txt"]
    assert_rejected(tmp_path, build(entries), "missing file assets/sounds/gulls.txt")


def test_missing_asset_even_when_the_manifest_agrees(tmp_path: Path) -> None:
    entries = relisted([e for e in good_entries(tmp_path) if e.name != "assets/images/bay.png"])
    assert_rejected(tmp_path, build(entries), "missing asset assets/images/bay.png")


def test_extra_file(tmp_path: Path) -> None:
    entries = good_entries(tmp_path) + [Entry("assets/extra.txt", b"hello")]
    assert_rejected(tmp_path, build(entries), "extra file assets/extra.txt")
    assert_rejected(tmp_path, build(relisted(entries)), "extra asset assets/extra.txt")


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("../evil.txt", "'..' in path"),
        ("assets/../../evil.txt", "'..' in path"),
        ("/etc/evil.txt", "absolute path"),
        ("C:/evil.txt", "drive letter"),
        ("c:evil.txt", "drive letter"),
        ("assets\\..\\evil.txt", "backslash"),
        ("assets//evil.txt", "empty or '.' path segment"),
        ("assets/./evil.txt", "empty or '.' path segment"),
        ("assets/", "folder entry"),
        ("assets/e\x01vil.txt", "control character"),
    ],
)
def test_unsafe_names(tmp_path: Path, name: str, fragment: str) -> None:
    entries = good_entries(tmp_path) + [Entry(name, b"pwned")]
    assert_rejected(tmp_path, build(relisted(entries)), fragment)


def test_symlink_entry(tmp_path: Path) -> None:
    entries = [
        Entry(e.name, b"/etc/passwd", 0o120777) if e.name == "assets/sounds/gulls.txt" else e
        for e in good_entries(tmp_path)
    ]
    assert_rejected(tmp_path, build(relisted(entries)), "symbolic link")


def test_device_entry(tmp_path: Path) -> None:
    entries = good_entries(tmp_path) + [Entry("assets/fifo", b"", 0o010644)]
    assert_rejected(tmp_path, build(relisted(entries)), "not a regular file")


def test_duplicate_names(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    twin = next(e for e in entries if e.name == "report.html")
    assert_rejected(
        tmp_path, build(entries + [Entry(twin.name, b"<h1>other</h1>")]), "duplicate name"
    )
    assert_rejected(
        tmp_path, build(relisted(entries + [Entry("REPORT.html", b"x")])), "only in case"
    )


def test_unsupported_version(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    manifest = manifest_of(entries)
    manifest["version"] = 2
    assert_rejected(
        tmp_path, build(with_manifest(entries, manifest)), "unsupported package version 2"
    )
    manifest["version"] = 1
    manifest["format"] = "zip"
    assert_rejected(tmp_path, build(with_manifest(entries, manifest)), "format is 'zip'")


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"{not json", "does not parse"),
        (b"\xff\xfe", "does not parse"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"format": "dreampkg", "version": 1, "files": []}', "'files' must map"),
    ],
)
def test_unparsable_manifest(tmp_path: Path, raw: bytes, fragment: str) -> None:
    entries = [
        Entry(e.name, raw) if e.name == "manifest.json" else e for e in good_entries(tmp_path)
    ]
    assert_rejected(tmp_path, build(entries), fragment)


def test_missing_manifest(tmp_path: Path) -> None:
    entries = [e for e in good_entries(tmp_path) if e.name != "manifest.json"]
    assert_rejected(tmp_path, build(entries), "missing manifest.json")


def test_not_a_zip(tmp_path: Path) -> None:
    assert_rejected(tmp_path, b"PK\x03\x04 but then nothing sensible" * 50, "not a zip archive")
    assert_rejected(tmp_path, b"", "not a zip archive")


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    entries = good_entries(tmp_path) + [Entry("assets/zeros.txt", bytes(30 << 20))]
    assert_rejected(tmp_path, build(relisted(entries)), "compression ratio")


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    limits = Limits(max_total_bytes=50_000)
    assert_rejected(tmp_path, build(entries), "over the", limits)


def test_declared_size_that_lies_is_caught_while_streaming(tmp_path: Path) -> None:
    entries = relisted(good_entries(tmp_path) + [Entry("assets/zeros.txt", bytes(8 << 20))])
    archive = patch_declared_size(build(entries), "assets/zeros.txt", 1000)
    # The declared ratio looks harmless now; the stream read must stop at the declared size.
    assert_rejected(tmp_path, archive, "assets/zeros.txt")


def test_too_many_entries(tmp_path: Path) -> None:
    entries = good_entries(tmp_path)
    assert_rejected(tmp_path, build(entries), "more than the limit", Limits(max_entries=3))


HOSTILE_NAMES = st.one_of(
    st.builds(
        lambda parts: "/".join(parts),
        st.lists(st.sampled_from(["..", "assets", "x", ".", ""]), min_size=1, max_size=5),
    ).filter(
        lambda n: (
            ".." in n.split("/")
            or n.startswith("/")
            or "//" in n
            or "." in n.split("/")
            or n == ""
            or n.endswith("/")
        )
    ),
    st.builds(
        lambda d, rest: f"{d}:{rest}", st.sampled_from("CcDz"), st.text("abc/\\", max_size=8)
    ),
    st.builds(lambda rest: "/" + rest, st.text("abc./", max_size=10)),
    st.builds(lambda a, b: f"{a}\\{b}", st.text("a.", max_size=4), st.text("b.", max_size=4)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=HOSTILE_NAMES, symlink=st.booleans(), listed=st.booleans(), duplicate=st.booleans())
def test_hypothesis_hostile_archives(
    tmp_path_factory, name: str, symlink: bool, listed: bool, duplicate: bool
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    entries = good_entries(folder)
    mode = 0o120777 if symlink else 0o100644
    entries.append(Entry(name, b"/etc/passwd" if symlink else b"payload", mode))
    if duplicate:
        entries.append(Entry("dreamscape.dream", b"{}"))
    if listed:
        entries = relisted(entries)
    pkg = folder / "hostile.dreampkg"
    pkg.write_bytes(build(entries))
    assert not verify_package(pkg).ok
    dest = folder / "dest"
    before = snapshot(folder)
    with pytest.raises(PackageError):
        import_package(pkg, dest, force=True)
    assert snapshot(folder) == before
    assert not dest.exists()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flips=st.lists(st.integers(min_value=0), min_size=1, max_size=4))
def test_hypothesis_corrupted_bytes_never_verify_as_something_else(
    tmp_path_factory, flips: list[int]
) -> None:
    folder = tmp_path_factory.mktemp("corrupt")
    good = build(good_entries(folder))
    blob = bytearray(good)
    for flip in flips:
        blob[flip % len(blob)] ^= 0xA5
    pkg = folder / "corrupt.dreampkg"
    pkg.write_bytes(bytes(blob))
    result = verify_package(pkg)  # never raises
    if result.ok:
        # Only bytes no check depends on (e.g. an unused header field) may differ.
        with zipfile.ZipFile(pkg) as zf, zipfile.ZipFile(io.BytesIO(good)) as original:
            assert {i.filename: zf.read(i) for i in zf.infolist()} == {
                i.filename: original.read(i) for i in original.infolist()
            }
