"""`dreamstudio rebalance`: text, json, --diff, -o/--write, exit codes, lineage in the library."""

from __future__ import annotations

import json
import shutil

import pytest

from studio.cli.main import main
from studio.io import load_dreamscape
from studio.lint import lint_dreamscape
from studio.store import Library
from studio.store.lineage import ancestry
from tests.conftest import EXAMPLES


@pytest.fixture
def eli(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMSTUDIO_LIBRARY", str(tmp_path / "library.db"))
    path = tmp_path / "eli.dream"
    shutil.copy(EXAMPLES / "elis-dreamgame.dream", path)
    return path


def test_text_shows_the_edits_and_the_scores(eli, capsys) -> None:
    assert main(["rebalance", str(eli)]) == 0
    out, err = capsys.readouterr()
    assert "risk 100/100 (critical) →" in out and "brings it under the gate" in out
    assert "  1. [" in out and "resolves:" in out
    assert "rebalance: 100% done" in err  # progress on stderr
    assert eli.read_bytes() == (EXAMPLES / "elis-dreamgame.dream").read_bytes()  # untouched


def test_json_and_diff(eli, capsys) -> None:
    assert main(["rebalance", str(eli), "--format", "json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["allowed"] and data["score_before"] == 100 and data["edits"]
    assert main(["rebalance", str(eli), "--diff", "--quiet"]) == 0
    diff = capsys.readouterr().out
    assert diff.startswith(f"--- a/{eli}") and '+      "kind": "anchor",' in diff


def test_output_and_write_save_atomically_and_record_lineage(eli, tmp_path, capsys) -> None:
    out = tmp_path / "eli-rebalanced.dream"
    assert main(["rebalance", str(eli), "-o", str(out), "--quiet"]) == 0
    assert not lint_dreamscape(load_dreamscape(out)).blocked
    import hashlib

    child = hashlib.sha256(out.read_bytes()).hexdigest()
    parent = hashlib.sha256(eli.read_bytes()).hexdigest()
    with Library.open() as lib:
        chain = ancestry(lib, child)
        assert lib.knows(out)
    assert chain and chain[0]["parent_hash"] == parent
    assert chain[0]["proposal"]["edits"]
    assert main(["rebalance", str(eli), "--write", "--quiet"]) == 0
    assert eli.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert main(["rebalance", str(eli), "--quiet"]) == 0  # now allowed: an empty proposal
    assert "nothing to rebalance" in capsys.readouterr().out


def test_no_passing_proposal_exits_1_and_bad_input_exits_2(tmp_path, capsys) -> None:
    from tests.repair.test_rebalance import NO_EXIT

    corridor = tmp_path / "corridor.dream"
    corridor.write_text(NO_EXIT, encoding="utf-8")
    assert main(["rebalance", str(corridor), "--quiet"]) == 1
    assert "remains: EXT001" in capsys.readouterr().out
    assert main(["rebalance", str(tmp_path / "missing.dream")]) == 2
    broken = tmp_path / "broken.dream"
    broken.write_text('{"format": "dreamscape", "version": 1, "nodes": [{"id": 3}]}')
    assert main(["rebalance", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.dream" in err and "Traceback" not in err
    assert main(["rebalance", str(corridor), "--threshold", "120"]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["rebalance", str(corridor), "--diff", "--write"])
    assert usage.value.code == 2
