"""Writing packages: same input, same bytes; the manifest describes every file; assets by node."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from studio.io import content_hash, dumps_dreamscape, load_dreamscape, save_dreamscape
from studio.io import package as package_module
from studio.io.package import (
    FIXED_DATE_TIME,
    PackageError,
    collect_assets,
    write_package,
)
from studio.io.package_verify import import_package, verify_package
from studio.model import Dreamscape
from studio.model.starter import starter_dreamscape
from studio.report.html import render_report_html

REPORT = {
    "title": "Lantern Bay",
    "content_sha256": "0" * 64,
    "studio_version": "test",
    "dreamscape": {
        "title": "Lantern Bay",
        "author": "Jamie",
        "audience": "teen",
        "nodes": 3,
        "edges": 2,
        "rem_minutes": 105,
        "node_titles": {"first_scene": "The bay"},
    },
    "lint": {
        "score": 8,
        "band": "low",
        "threshold": 70,
        "blocked": False,
        "fatal": False,
        "reasons": [],
        "findings": [],
        "ledger": [],
        "settings": {"dreamers": 10, "seed": 0},
    },
    "gate": {"allowed": True, "headline": "Ready to publish", "reasons": [], "review": None},
    "analysis": None,
    "simulation": None,
}


def make_project(folder: Path, *, png_bytes: int = 300_000) -> tuple[Dreamscape, Path]:
    """A saved dreamscape with an incompressible image, a text asset and a shared asset."""
    ds = starter_dreamscape("Lantern Bay", "Jamie", "teen")
    ds.node("onset").assets = ["images/bay.png", "sounds/gulls.txt"]
    ds.node("first_scene").assets = ["./images/bay.png", "notes/script.md"]
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "sounds").mkdir(exist_ok=True)
    (folder / "notes").mkdir(exist_ok=True)
    (folder / "images" / "bay.png").write_bytes(os.urandom(png_bytes))
    (folder / "sounds" / "gulls.txt").write_text("gull " * 5000, encoding="utf-8")
    (folder / "notes" / "script.md").write_bytes(os.urandom(20_000))
    path = folder / "lantern-bay.dream"
    save_dreamscape(ds, path)
    return ds, path


def write(ds: Dreamscape, path: Path, out: Path, **kwargs):
    report = dict(REPORT, content_sha256=content_hash(ds))
    return write_package(
        out,
        dumps_dreamscape(ds),
        ds.meta.title,
        report,
        render_report_html(report),
        collect_assets(ds, path.parent),
        score=8,
        band="low",
        **kwargs,
    )


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path)
    a = write(ds, path, tmp_path / "a.dreampkg")
    b = write(load_dreamscape(path), path, tmp_path / "b.dreampkg")
    assert (tmp_path / "a.dreampkg").read_bytes() == (tmp_path / "b.dreampkg").read_bytes()
    assert (
        a.sha256 == b.sha256 == hashlib.sha256((tmp_path / "a.dreampkg").read_bytes()).hexdigest()
    )
    assert a.size == (tmp_path / "a.dreampkg").stat().st_size
    # A different review record is a different package.
    c = write(ds, path, tmp_path / "c.dreampkg", review={"reviewer": "Dr. Lorne"})
    assert c.sha256 != a.sha256


def test_entries_are_sorted_fixed_and_described_by_the_manifest(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path)
    info = write(ds, path, tmp_path / "p.dreampkg", review=None)
    with zipfile.ZipFile(info.path) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert (
            names
            == sorted(names)
            == [
                "assets/images/bay.png",
                "assets/notes/script.md",
                "assets/sounds/gulls.txt",
                "dreamscape.dream",
                "manifest.json",
                "report.html",
                "report.json",
            ]
        )
        for i in infos:
            assert i.date_time == FIXED_DATE_TIME
            assert i.external_attr >> 16 == 0o100644
            assert i.create_system == 3
        by_name = {i.filename: i for i in infos}
        # Already-compressed or incompressible content is stored, text is deflated.
        assert by_name["assets/images/bay.png"].compress_type == zipfile.ZIP_STORED
        assert by_name["assets/notes/script.md"].compress_type == zipfile.ZIP_STORED
        assert by_name["assets/sounds/gulls.txt"].compress_type == zipfile.ZIP_DEFLATED
        assert by_name["report.json"].compress_type == zipfile.ZIP_DEFLATED
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "dreampkg" and manifest["version"] == 1
        assert manifest["title"] == "Lantern Bay"
        assert manifest["content_sha256"] == content_hash(ds)
        assert (manifest["score"], manifest["band"], manifest["review"]) == (8, "low", None)
        assert set(manifest["files"]) == set(names) - {"manifest.json"}
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
        assert zf.read("dreamscape.dream").decode() == dumps_dreamscape(ds)
        assert zf.read("assets/images/bay.png") == (tmp_path / "images" / "bay.png").read_bytes()
    assert info.manifest == manifest


def test_missing_and_unsafe_assets_name_the_node_and_path(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path)
    ds.node("wake").assets = [
        "images/dawn.png",
        "../secrets.txt",
        "/etc/passwd",
        "C:/art/x.png",
        "art\\x.png",
        "images",
    ]
    with pytest.raises(PackageError) as caught:
        collect_assets(ds, path.parent)
    problems = caught.value.problems
    assert any(
        "node 'wake': asset 'images/dawn.png' is missing" in p
        and str(tmp_path / "images" / "dawn.png") in p
        for p in problems
    )
    assert any("'../secrets.txt' points outside" in p for p in problems)
    assert any("'/etc/passwd' is absolute" in p for p in problems)
    assert any("'C:/art/x.png' is absolute" in p for p in problems)
    assert any("backslashes" in p for p in problems)
    assert any("'images' is not a file" in p for p in problems)
    assert len(problems) == 6


def test_shared_asset_is_packed_once_for_every_node(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path)
    assets = collect_assets(ds, path.parent)
    bay = next(a for a in assets if a.name == "assets/images/bay.png")
    assert bay.nodes == ["onset", "first_scene"]


def test_failed_write_leaves_no_file_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, path = make_project(tmp_path)
    out = tmp_path / "p.dreampkg"
    write(ds, path, out)
    before = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package_module, "_stream_into", broken)
    with pytest.raises(OSError):
        write(ds, path, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_written_package_verifies_and_imports_to_the_same_content(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path / "src")
    out = tmp_path / "lantern-bay.dreampkg"
    write(ds, path, out)
    result = verify_package(out)
    assert result.ok, result.problems
    assert content_hash(result.dreamscape) == content_hash(ds)
    dest = tmp_path / "imported"
    imported = import_package(out, dest)
    assert imported.dream_path == dest / "lantern-bay.dream"
    assert content_hash(load_dreamscape(imported.dream_path)) == content_hash(ds)
    for rel in ("images/bay.png", "sounds/gulls.txt", "notes/script.md"):
        assert (dest / rel).read_bytes() == (tmp_path / "src" / rel).read_bytes()
    # The imported copy exports to the very same bytes.
    again = tmp_path / "again.dreampkg"
    write(load_dreamscape(imported.dream_path), imported.dream_path, again)
    assert again.read_bytes() == out.read_bytes()


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path / "src")
    out = tmp_path / "lantern-bay.dreampkg"
    write(ds, path, out)
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "lantern-bay.dream").write_text("my own work", encoding="utf-8")
    with pytest.raises(PackageError, match="would overwrite .*lantern-bay.dream.*--force"):
        import_package(out, dest)
    assert (dest / "lantern-bay.dream").read_text(encoding="utf-8") == "my own work"
    assert sorted(p.name for p in dest.iterdir()) == ["lantern-bay.dream"]
    import_package(out, dest, force=True)
    assert content_hash(load_dreamscape(dest / "lantern-bay.dream")) == content_hash(ds)


def test_import_never_writes_through_a_link_out_of_dest(tmp_path: Path) -> None:
    ds, path = make_project(tmp_path / "src")
    out = tmp_path / "lantern-bay.dreampkg"
    write(ds, path, out)
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "images").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PackageError, match="outside"):
        import_package(out, dest, force=True)
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in dest.iterdir()) == ["images"]
