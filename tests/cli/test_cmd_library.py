"""The library, review, export, verify and import commands, end to end through `main`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import content_hash, load_dreamscape, save_dreamscape
from studio.model.elements import Edge
from studio.model.ops import AddEdge, RemoveEdge, UpdateNode
from studio.model.starter import starter_dreamscape
from studio.store import ENV_VAR, Library
from studio.store.keys import new_key
from studio.store.trust import trust_key, user_trust_db

JUSTIFIED = "Supervised sleep-lab trial; Dr. Lorne checks every night."


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A project folder, a library in it (via the environment) and a clean dreamscape."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "library.db"))
    monkeypatch.chdir(tmp_path)
    ds = starter_dreamscape("Lantern Bay", "Jamie", "teen")
    ds.node("first_scene").text = "Mae flies a periwinkle kite over the harbour."
    ds.node("first_scene").assets = ["images/bay.png"]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "bay.png").write_bytes(bytes(range(256)) * 64)
    save_dreamscape(ds, tmp_path / "bay.dream")
    # Dr. Lorne has a signing key on this machine, trusted in the user's trust store.
    lorne = new_key("Dr. Lorne")
    db = user_trust_db()
    trust_key(db, lorne.public)
    db.close()
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--dreamers", "200"] if argv[0] in ("review", "export") else list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def edit(path: Path, **changes) -> None:
    ds = load_dreamscape(path)
    UpdateNode("first_scene", changes).apply(ds)
    save_dreamscape(ds, path)


def make_blocked(path: Path) -> None:
    """Too intense for a teen audience: an error finding, but not a fatal one."""
    edit(path, intensity=0.9)


def make_fatal(path: Path) -> None:
    """A closed loop with no exit: fatal."""
    ds = load_dreamscape(path)
    RemoveEdge("e2").apply(ds)
    AddEdge(Edge("loop", "first_scene", "onset", "Again")).apply(ds)
    save_dreamscape(ds, path)


def test_library_add_list_search_history_show_diff(env: Path, capsys) -> None:
    code, out, _ = run(capsys, "library", "add", "bay.dream", "-m", "first draft")
    assert code == 0 and "recorded revision 1" in out
    code, out, _ = run(capsys, "library", "add", "bay.dream")
    assert code == 0 and "unchanged (revision 1)" in out
    edit(env / "bay.dream", title="The harbour", intensity=0.5)
    assert "recorded revision 2" in run(capsys, "library", "add", "bay.dream")[1]

    code, out, _ = run(capsys, "library", "list", "--format", "json")
    [entry] = json.loads(out)
    assert entry["title"] == "Lantern Bay" and entry["revisions"] == 2
    code, out, _ = run(capsys, "library", "search", "periwinkle")
    assert code == 0 and "Lantern Bay" in out and "[periwinkle]" in out
    assert run(capsys, "library", "search", "nothingmatches")[0] == 1

    code, out, _ = run(capsys, "library", "history", "bay.dream", "--format", "json")
    assert [r["number"] for r in json.loads(out)] == [1, 2]
    assert json.loads(out)[0]["message"] == "first draft"

    code, out, _ = run(capsys, "library", "show", "bay.dream", "--rev", "1")
    assert code == 0 and '"title": "First scene"' in out
    assert load_dreamscape(env / "bay.dream").node("first_scene").title == "The harbour"

    code, out, _ = run(capsys, "library", "diff", "bay.dream", "1", "2")
    assert code == 0
    assert "~ node first_scene.title: 'First scene' -> 'The harbour'" in out
    assert "~ node first_scene.intensity: 0.3 -> 0.5" in out
    code, out, _ = run(capsys, "library", "diff", "bay.dream", "2", "file", "--format", "json")
    assert json.loads(out)["nodes"] == {
        "added": [],
        "removed": [],
        "changed": {},
        "reordered": False,
    }
    code, _, err = run(capsys, "library", "show", "bay.dream", "--rev", "9")
    assert code == 2 and "no revision 9" in err


def test_library_flag_beats_the_environment(env: Path, capsys) -> None:
    other = env / "other.db"
    assert run(capsys, "library", "--library", str(other), "add", "bay.dream")[0] == 0
    assert run(capsys, "library", "list", "--library", str(other))[1].count("Lantern Bay") == 1
    assert "library is empty" in run(capsys, "library", "list")[1]


def test_library_bad_input(env: Path, capsys) -> None:
    (env / "broken.dream").write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "library", "add", "broken.dream")
    assert code == 2 and "broken.dream: invalid JSON" in err
    code, _, err = run(capsys, "library", "history", "elsewhere.dream")
    assert code == 2 and "not in the library" in err
    (env / "notadb").write_bytes(b"garbage" * 500)
    code, _, err = run(capsys, "library", "--library", str(env / "notadb"), "list")
    assert code == 2 and "notadb" in err
    assert run(capsys, "library")[0] == 2


def test_review_rules_through_the_cli(env: Path, capsys) -> None:
    make_blocked(env / "bay.dream")
    code, _, err = run(
        capsys,
        "review",
        "bay.dream",
        "--reviewer",
        "Dr. Lorne",
        "--decision",
        "override",
        "--justification",
        "too short",
    )
    assert code == 1 and "at least 20 characters" in err
    code, out, _ = run(capsys, "review", "bay.dream", "--show")
    assert code == 1 and "0 reviews" in out and "Blocked" in out and "INT002" in out
    code, out, _ = run(
        capsys,
        "review",
        "bay.dream",
        "--reviewer",
        "Dr. Lorne",
        "--decision",
        "override",
        "--justification",
        JUSTIFIED,
    )
    assert code == 0 and "recorded override by Dr. Lorne" in out
    assert "Publishable under Dr. Lorne's override" in out
    code, out, _ = run(capsys, "review", "bay.dream", "--show", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["gate"]["allowed"] is True
    assert [r["decision"] for r in data["reviews"]] == ["override"]
    assert data["content_sha256"] == content_hash(load_dreamscape(env / "bay.dream"))
    # The review recorded the file, the lint run it saw, and a revision.
    with Library.open(env / "library.db") as lib:
        [review] = lib.reviews_for(data["content_sha256"])
        assert review.score is not None and review.lint_run_id is not None
        assert lib.lint_runs_for(data["content_sha256"])[0]["blocked"] is True
        assert len(lib.history(env / "bay.dream")) == 1


def test_fatal_finding_cannot_be_overridden(env: Path, capsys) -> None:
    make_fatal(env / "bay.dream")
    code, _, err = run(
        capsys,
        "review",
        "bay.dream",
        "--reviewer",
        "Dr. Lorne",
        "--decision",
        "override",
        "--justification",
        JUSTIFIED,
    )
    assert code == 1 and "cannot lift a fatal finding" in err
    code, _, err = run(capsys, "export", "bay.dream")
    assert code == 1 and "fatal" in err
    assert not (env / "bay.dreampkg").exists()


def test_reject_blocks_export_even_with_a_low_score(env: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "review",
        "bay.dream",
        "--reviewer",
        "Mae",
        "--decision",
        "reject",
        "--justification",
        "Not for Eli yet.",
    )
    assert code == 0 and "Blocked: rejected by Mae" in out
    code, _, err = run(capsys, "export", "bay.dream")
    assert code == 1 and "rejected by Mae" in err and "nothing written" in err
    assert not (env / "bay.dreampkg").exists()
    # A later approval of the same content is the review the gate applies.
    run(capsys, "review", "bay.dream", "--reviewer", "Dr. Lorne", "--decision", "approve")
    assert run(capsys, "export", "bay.dream")[0] == 0


def test_edit_invalidates_the_review(env: Path, capsys) -> None:
    make_blocked(env / "bay.dream")
    run(
        capsys,
        "review",
        "bay.dream",
        "--reviewer",
        "Dr. Lorne",
        "--decision",
        "override",
        "--justification",
        JUSTIFIED,
    )
    assert run(capsys, "export", "bay.dream", "-o", "first.dreampkg")[0] == 0
    edit(env / "bay.dream", text="An edit the reviewer never saw.")
    code, out, _ = run(capsys, "review", "bay.dream", "--show")
    assert code == 1 and "0 reviews of this content" in out
    code, _, err = run(capsys, "export", "bay.dream", "-o", "second.dreampkg")
    assert code == 1 and "INT002" in err
    assert not (env / "second.dreampkg").exists()


def test_export_is_deterministic_verifies_and_imports(env: Path, capsys) -> None:
    code, out, _ = run(capsys, "export", "bay.dream")
    assert code == 0 and "bay.dreampkg" in out
    first = (env / "bay.dreampkg").read_bytes()
    assert run(capsys, "export", "bay.dream", "-o", "again.dreampkg")[0] == 0
    assert (env / "again.dreampkg").read_bytes() == first
    with zipfile.ZipFile(env / "bay.dreampkg") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        report = json.loads(zf.read("report.json"))
        html = zf.read("report.html").decode()
    assert manifest["score"] == report["lint"]["score"] and manifest["review"] is None
    assert "assets/images/bay.png" in manifest["files"]
    assert "<svg" in html and "Survival" in html and "<script" not in html

    code, out, _ = run(capsys, "verify", "bay.dreampkg")
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "import", "bay.dreampkg", "unpacked")
    assert code == 0
    assert (
        content_hash(load_dreamscape(env / "unpacked" / "bay.dream")) == manifest["content_sha256"]
    )
    assert (env / "unpacked" / "images" / "bay.png").read_bytes() == (
        env / "images" / "bay.png"
    ).read_bytes()
    assert run(capsys, "validate", "unpacked/bay.dream")[0] == 0
    code, _, err = run(capsys, "import", "bay.dreampkg", "unpacked")
    assert code == 1 and "--force" in err
    assert run(capsys, "import", "bay.dreampkg", "unpacked", "--force")[0] == 0

    with Library.open(env / "library.db") as lib:
        exports = lib.exports_for(manifest["content_sha256"])
        assert len(exports) == 2 and exports[0]["package_path"].endswith("again.dreampkg")


def test_export_carries_the_review_record(env: Path, capsys) -> None:
    run(capsys, "review", "bay.dream", "--reviewer", "Dr. Lorne", "--decision", "approve")
    assert run(capsys, "export", "bay.dream")[0] == 0
    with zipfile.ZipFile(env / "bay.dreampkg") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        html = zf.read("report.html").decode()
    assert manifest["review"]["reviewer"] == "Dr. Lorne"
    assert manifest["review"]["decision"] == "approve"
    assert "approved by Dr. Lorne" in html


def test_missing_asset_refuses_with_node_and_path(env: Path, capsys) -> None:
    (env / "images" / "bay.png").unlink()
    code, _, err = run(capsys, "export", "bay.dream")
    assert code == 1
    assert "node 'first_scene': asset 'images/bay.png' is missing" in err
    assert not (env / "bay.dreampkg").exists()


def test_verify_reports_tampering(env: Path, capsys) -> None:
    run(capsys, "export", "bay.dream")
    pkg = env / "bay.dreampkg"
    with zipfile.ZipFile(pkg) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    entries["report.html"] = entries["report.html"].replace(b"Lantern Bay", b"Lantern Bax")
    tampered = env / "tampered.dreampkg"
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    code, _, err = run(capsys, "verify", "bay.dreampkg", "tampered.dreampkg")
    assert code == 1 and "hash mismatch for report.html" in err and "tampered" in err
    code, _, err = run(capsys, "import", "tampered.dreampkg", "out")
    assert code == 1 and "hash mismatch" in err and not (env / "out").exists()
    (env / "text.dreampkg").write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "verify", "text.dreampkg", "--format", "json")
    assert code == 1


def test_review_needs_reviewer_and_decision(env: Path, capsys) -> None:
    code, _, err = run(capsys, "review", "bay.dream")
    assert code == 2 and "--reviewer" in err


def test_export_is_byte_identical_across_processes(env: Path) -> None:
    """Separate runs (different hash seeds, as on another day) give the same package."""
    digests = []
    for seed in ("1", "2"):
        out = env / f"run{seed}.dreampkg"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "studio.cli",
                "export",
                "bay.dream",
                "-o",
                str(out),
                "--dreamers",
                "300",
            ],
            cwd=env,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        digests.append(out.read_bytes())
    assert digests[0] == digests[1]
