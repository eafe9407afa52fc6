"""`dreamstudio lint`, `rules` and `plugins`: output formats, fixes and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import load_dreamscape, save_dreamscape
from studio.lint.registry import load_rules
from tests.conftest import EXAMPLES
from tests.lint.builders import build, node

ELI = str(EXAMPLES / "elis-dreamgame.dream")
SOMNOS = str(EXAMPLES / "reality-somnos.dream")
GARDEN = str(EXAMPLES / "maes-garden.dream")


@pytest.fixture(autouse=True)
def _no_user_plugins(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path_factory.mktemp("user-plugins")))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _fixable(tmp_path: Path) -> Path:
    """A dreamscape with an unused suppression, a hidden exit and an abrupt ending."""
    ds = build(
        [
            node("onset", "entry", intensity=0.2),
            node("lantern", "anchor", intensity=0.1),
            node("mae", "social", intensity=0.2),
            node("storm", intensity=0.9, x=100, lint_ignore={"SOC004": "old note"}),
            node("arena", intensity=0.6),
            node("wake", "exit", x=300),
        ],
        [
            ("onset", "lantern"),
            ("lantern", "mae"),
            ("mae", "storm"),
            ("storm", "arena", {"weight": 19}),
            ("storm", "wake", {"weight": 1}),
            ("arena", "lantern"),
        ],
    )
    for n in ds.nodes:
        n.minutes = 0.5
    path = tmp_path / "storm.dream"
    save_dreamscape(ds, path)
    return path


def test_blocked_example_exits_1_with_findings_and_score_line(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--dreamers", "500")
    lines = out.splitlines()
    assert code == 1
    assert ": EXT002 [error] closed loop with no way out" in out
    assert lines[-1] == f"{ELI}: escapism risk 100/100 (critical) — published: blocked"
    assert all(line.startswith(f"{ELI}") for line in lines)


def test_allowed_examples_exit_0(capsys) -> None:
    code, out, _ = _run(capsys, "lint", SOMNOS, GARDEN)
    assert code == 0
    # The exact analysis notes conditions that gate nothing for the values dreamers arrive
    # with (DS008, info); the verdicts stay what the designs intend.
    lines = out.splitlines()
    assert lines[-1] == f"{GARDEN}: escapism risk 4/100 (low) — published: allowed"
    assert f"{SOMNOS}: escapism risk 2/100 (low) — published: allowed" in lines
    assert all(" DS008 [info] " in line for line in lines if "escapism risk" not in line)


def test_exit_zero_and_mixed_files(capsys) -> None:
    assert _run(capsys, "lint", SOMNOS, ELI, "--dreamers", "300")[0] == 1
    assert _run(capsys, "lint", SOMNOS, ELI, "--dreamers", "300", "--exit-zero")[0] == 0


def test_bad_input_exits_2_with_located_lines(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dream"
    bad.write_text('{"format": "dreamscape", "version": 1, "nodes": [{"id": "a", "kind": "x"}]}')
    code, out, err = _run(capsys, "lint", str(bad), SOMNOS)
    assert code == 2
    assert f"{bad}: nodes[0].kind" in err
    assert f"{SOMNOS}: escapism risk" in out  # the good file is still reported
    code, _, err = _run(capsys, "lint", str(tmp_path / "missing.dream"))
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", SOMNOS, "--select", "XYZ"],
        ["lint", SOMNOS, "--threshold", "150"],
        ["lint", SOMNOS, "--set", "EXT003.warn_steps"],
        ["lint", SOMNOS, "--set", "EXT003.warn_stepz=4"],
        ["lint", SOMNOS, "--set", "EXT003.warn_steps=lots"],
        ["rules", "ZZZ999"],
    ],
)
def test_usage_errors_exit_2(capsys, argv: list[str]) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2 and err.strip()


def test_bad_flag_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["lint", SOMNOS, "--format", "xml"])
    assert info.value.code == 2


def test_threshold_select_and_set_flags(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--select", "SOC003,SOC004", "--dreamers", "300")
    codes = {line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]}
    assert codes == {"SOC003", "SOC004", "EXT002"}  # fatal rules always run
    code, out, _ = _run(capsys, "lint", GARDEN, "--set", "EXT003.warn_steps=2")
    assert "EXT003 [warning]" in out and code == 0
    code, out, _ = _run(capsys, "lint", GARDEN, "--set", "EXT003.warn_steps=2", "--threshold", "5")
    assert code == 1 and "published: blocked" in out


def test_json_format(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, SOMNOS, "--format", "json", "--dreamers", "300")
    doc = json.loads(out)
    assert code == 1 and [f["path"] for f in doc["files"]] == [ELI, SOMNOS]
    eli = doc["files"][0]
    assert eli["score"] == 100 and eli["band"] == "critical" and eli["blocked"] is True
    assert {
        "code",
        "name",
        "severity",
        "message",
        "nodes",
        "edges",
        "points",
        "suppressed",
        "reason",
    } <= set(eli["findings"][0])
    assert eli["ledger"][0]["code"] == "EXT002"


def test_sarif_format(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--format", "sarif", "--dreamers", "300")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == 27
    assert {r["ruleId"] for r in run["results"]} >= {"EXT002", "SOC003"}


def test_statistics(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--statistics", "--dreamers", "300")
    lines = out.splitlines()
    counts = [int(line.split()[0]) for line in lines[:-1]]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 10
    assert any(
        line.split()[1:4] == ["INT002", "[error]", "young-audience-intensity"] for line in lines
    )
    assert any("EXT005" in line and line.endswith("[*]") for line in lines)
    assert lines[-1].endswith("published: blocked")
    assert not any(": EXT002 [error]" in line for line in lines)
    code, out, _ = _run(
        capsys, "lint", ELI, "--statistics", "--format", "json", "--dreamers", "300"
    )
    stats = json.loads(out)["statistics"]
    assert stats[0]["count"] == max(s["count"] for s in stats)


def test_diff_shows_fixes_and_writes_nothing(capsys, tmp_path: Path) -> None:
    path = _fixable(tmp_path)
    before = path.read_bytes()
    code, out, _ = _run(capsys, "lint", str(path), "--diff")
    assert code == 1 and path.read_bytes() == before
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert '-      "lint_ignore": {' in out and '"title": "Settling"' in out
    code, out, _ = _run(capsys, "lint", SOMNOS, "--diff")
    assert code == 0 and out == ""


def test_fix_applies_and_saves(capsys, tmp_path: Path) -> None:
    path = _fixable(tmp_path)
    code, out, err = _run(capsys, "lint", str(path), "--fix")
    assert "fixed DS006" in err and "fixed EXT005" in err and "fixed INT003" in err
    ds = load_dreamscape(path)
    assert ds.node("storm").lint_ignore == {}
    settle = [n for n in ds.nodes if n.title == "Settling"]
    assert len(settle) == 1 and settle[0].intensity < 0.4
    for code_ in ("DS006", "EXT005", "INT003"):
        assert f" {code_} " not in out
    assert code == 0 and _run(capsys, "lint", str(path), "--diff")[0] == 0


def test_fix_leaves_an_unchanged_file_byte_identical(capsys, tmp_path: Path) -> None:
    path = tmp_path / "somnos.dream"
    shutil.copy(SOMNOS, path)
    before = path.read_bytes()
    assert _run(capsys, "lint", str(path), "--fix")[0] == 0
    assert path.read_bytes() == before


def test_rules_lists_every_rule_like_ruff(capsys) -> None:
    code, out, _ = _run(capsys, "rules")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 27
    ext002 = next(line for line in lines if line.startswith("EXT002"))
    assert ext002.split()[:4] == ["EXT002", "exit-trap", "error", "EXT"]
    assert ext002.endswith("(fatal)")
    code, out, _ = _run(capsys, "rules", "ext005")
    assert "EXT005 exit-asymmetry" in out and "min_share=0.1" in out and "Source:" in out
    code, out, _ = _run(capsys, "rules", "--format", "json")
    rules = json.loads(out)["rules"]
    assert {"code", "name", "severity", "family", "rationale", "source"} <= set(rules[0])


def test_plugins_lists_found_and_failed(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _run(capsys, "plugins")
    assert code == 0
    assert out.splitlines()[0].startswith("core ")
    assert "ethics 1.0.0  (entry point ethics = adjuster_studio_ethics:plugin)  18 rules" in out
    (tmp_path / "wobbly.py").write_text("raise ImportError('needs a missing library')\n")
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path))
    load_rules(refresh=True)
    try:
        code, out, _ = _run(capsys, "plugins", "--format", "json")
        records = {p["name"]: p for p in json.loads(out)["plugins"]}
        assert code == 1 and "needs a missing library" in records["wobbly"]["error"]
        code, out, err = _run(capsys, "lint", SOMNOS)
        assert code == 0 and "plugin 'wobbly'" in err
    finally:
        monkeypatch.undo()
        load_rules(refresh=True)
