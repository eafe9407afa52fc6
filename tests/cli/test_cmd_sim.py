"""`dreamstudio analyze` and `simulate`: JSON keys scripts rely on, text summaries, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import save_dreamscape
from tests.conftest import EXAMPLES
from tests.sim.builders import build, drunkards_walk

ANALYZE_KEYS = [
    "exit_probability",
    "expected_minutes",
    "trap_nodes",
    "unreachable_nodes",
    "steps_to_exit",
    "expected_visits",
]
SIMULATE_KEYS = [
    "dreamers",
    "seed",
    "finished_fraction",
    "captured_fraction",
    "stalled_fraction",
    "mean_minutes",
    "median_minutes",
    "p95_minutes",
    "min_minutes",
    "max_minutes",
    "mean_rem_windows",
    "reward_rate",
    "anchor_coverage",
    "social_coverage",
    "survival",
    "node_visits",
]


@pytest.fixture
def walk_file(tmp_path: Path) -> Path:
    path = tmp_path / "walk.dream"
    save_dreamscape(drunkards_walk(6, 3), path)
    return path


@pytest.fixture
def trap_file(tmp_path: Path) -> Path:
    path = tmp_path / "trap.dream"
    ds = build(
        [("onset", "entry", 2), ("spin", "reward", 2), ("bonus", "reward", 2), ("wake", "exit", 1)],
        [("onset", "spin"), ("onset", "wake"), ("spin", "bonus"), ("bonus", "spin")],
    )
    save_dreamscape(ds, path)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_analyze_json(walk_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "analyze", str(walk_file), "--format", "json")
    assert list(data)[:6] == ANALYZE_KEYS
    assert data["exit_probability"] == 1.0
    assert data["expected_minutes"] == pytest.approx(9.0)
    assert data["steps_to_exit"]["p3"] == 3 and data["steps_to_exit"]["p0"] == 0
    assert data["expected_visits"]["p6"] == pytest.approx(0.5)
    assert data["trap_nodes"] == [] and data["unreachable_nodes"] == []


def test_analyze_json_with_trap(trap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "analyze", str(trap_file), "--format", "json")
    assert data["exit_probability"] == pytest.approx(0.5)
    assert data["expected_minutes"] is None
    assert data["trap_nodes"] == ["spin", "bonus"]
    assert data["steps_to_exit"]["spin"] is None
    assert data["expected_visits"]["spin"] is None


def test_analyze_text(trap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(trap_file)]) == 0
    out = capsys.readouterr().out
    # The three dreamers side by side; minutes undefined where some never leave.
    lines = out.splitlines()
    assert lines[1].split() == ["typical", "leaving", "compulsive"]
    assert lines[2].split()[-3:] == ["0.5000", "0.5000", "0.5000"]
    assert "never all" in out and "spin, bonus" in out and "witness (trap at" in out


def test_simulate_json(walk_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "simulate", str(walk_file), "--dreamers", "2000", "--seed", "3", "--format", "json"
    )
    assert list(data) == SIMULATE_KEYS
    assert data["dreamers"] == 2000 and data["seed"] == 3
    assert data["finished_fraction"] == 1.0
    assert data["mean_minutes"] == pytest.approx(9.0, abs=0.6)
    assert data["survival"][0] == [0.0, 1.0]
    assert set(data["node_visits"]) == {f"p{i}" for i in range(7)}
    again = run_json(
        capsys, "simulate", str(walk_file), "--dreamers", "2000", "--seed", "3", "--format", "json"
    )
    assert again == data


def test_simulate_defaults_and_text(trap_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(trap_file)]) == 0
    out = capsys.readouterr().out
    assert "10000 dreamers simulated (seed 0)" in out
    assert "captured" in out and "most visited" in out


def test_example_files(capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(EXAMPLES.glob("*.dream")):
        data = run_json(capsys, "simulate", str(path), "--dreamers", "300", "--format", "json")
        assert list(data) == SIMULATE_KEYS
        data = run_json(capsys, "analyze", str(path), "--format", "json")
        assert 0.0 <= data["exit_probability"] <= 1.0


def test_bad_file_exits_2_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.dream"
    bad.write_text(
        '{"format": "dreamscape", "version": 1, "nodes": [{"id": "a", "kind": "portal"}]}',
        encoding="utf-8",
    )
    for command in ("analyze", "simulate"):
        assert main([command, str(bad)]) == 2
        err = capsys.readouterr().err
        assert f"{bad}: nodes[0].kind" in err
    assert main(["simulate", str(tmp_path / "missing.dream")]) == 2
    assert "missing.dream" in capsys.readouterr().err


def test_bad_flags_exit_2(walk_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(walk_file), "--dreamers", "0"]) == 2
    assert "--dreamers" in capsys.readouterr().err
    assert main(["simulate", str(walk_file), "--seed", "-1"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(walk_file), "--format", "sarif"])
    assert exc.value.code == 2
