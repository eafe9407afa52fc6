"""`dreamstudio --version`, new, validate, info, format: output, files and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio import __version__
from studio.cli.main import main
from studio.io import dumps_dreamscape, load_dreamscape
from tests.conftest import EXAMPLES, ROOT
from tests.io.conftest import valid_data, valid_text

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own exits (--version, usage errors)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def broken_file(tmp_path: Path) -> Path:
    data = valid_data()
    data["edges"][1]["to"] = "pier2"
    data["nodes"][1]["intensity"] = 1.5
    data["edges"][0]["condition"] = "courage.real > 1"
    path = tmp_path / "broken.dream"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_version(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"dreamstudio {__version__}"


def test_new_creates_a_valid_starter_and_refuses_to_overwrite(
    capsys: Capture, tmp_path: Path
) -> None:
    path = tmp_path / "lantern-bay.dream"
    code, out, _ = run(
        capsys,
        "new",
        str(path),
        "--title",
        "Lantern Bay",
        "--author",
        "Jamie",
        "--audience",
        "teen",
    )
    assert code == 0 and "created 'Lantern Bay'" in out
    ds = load_dreamscape(path)
    assert [n.kind for n in ds.nodes] == ["entry", "scene", "exit"]
    assert (ds.meta.title, ds.meta.author, ds.meta.audience) == ("Lantern Bay", "Jamie", "teen")
    assert path.read_text(encoding="utf-8") == dumps_dreamscape(ds)  # canonical
    assert run(capsys, "validate", str(path))[0] == 0
    before = path.read_bytes()
    code, _, err = run(capsys, "new", str(path))
    assert code == 2 and "already exists" in err
    assert path.read_bytes() == before


def test_new_title_from_file_name_and_bad_names(capsys: Capture, tmp_path: Path) -> None:
    code, _, _ = run(capsys, "new", str(tmp_path / "maes_garden.dream"))
    assert code == 0
    assert load_dreamscape(tmp_path / "maes_garden.dream").meta.title == "Maes Garden"
    code, _, err = run(capsys, "new", str(tmp_path / "garden.txt"))
    assert code == 2 and ".dream" in err and not (tmp_path / "garden.txt").exists()
    code, _, err = run(capsys, "new", str(tmp_path / "missing" / "garden.dream"))
    assert code == 2 and "does not exist" in err


def test_validate_valid_files(capsys: Capture) -> None:
    files = [str(p) for p in sorted(EXAMPLES.glob("*.dream"))]
    assert files
    code, out, err = run(capsys, "validate", *files)
    assert code == 0 and err == ""
    assert [line.split(":")[0] for line in out.splitlines()] == files
    assert all("valid (" in line for line in out.splitlines())
    assert run(capsys, "validate", "-q", *files)[1] == ""


def test_validate_lists_every_problem_of_every_file(capsys: Capture, tmp_path: Path) -> None:
    bad = broken_file(tmp_path)
    missing = tmp_path / "missing.dream"
    good = EXAMPLES / "maes-garden.dream"
    code, out, err = run(capsys, "validate", str(bad), str(good), str(missing))
    assert code == 2
    lines = err.splitlines()
    assert f"{bad}: edges[1].to: unknown node 'pier2'" in lines
    assert any(line.startswith(f"{bad}: nodes[1].intensity: 1.5 is out of range") for line in lines)
    assert f"{bad}: edges[0].condition: column 8: attribute access not allowed" in lines
    assert f"{missing}: no such file" in lines
    assert f"{good}: valid" in out
    assert "Traceback" not in err


def test_validate_invalid_json_names_line_and_column(capsys: Capture, tmp_path: Path) -> None:
    path = tmp_path / "cut.dream"
    path.write_text(valid_text()[:200], encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}: invalid JSON at line ") and ", column " in err


def test_info_text_and_json(capsys: Capture) -> None:
    path = EXAMPLES / "reality-somnos.dream"
    ds = load_dreamscape(path)
    code, out, _ = run(capsys, "info", str(path))
    assert code == 0
    assert out.startswith(f"{path}: {ds.meta.title}")
    assert f"nodes           {len(ds.nodes)} (" in out
    assert f"edges           {len(ds.edges)} (" in out
    for name in ds.variables:
        assert name in out
    code, out, _ = run(capsys, "info", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["file"] == str(path) and data["nodes"] == len(ds.nodes)
    assert sum(data["nodes_by_kind"].values()) == len(ds.nodes)
    assert data["nodes_by_kind"]["anchor"] == len(ds.nodes_of_kind("anchor"))
    assert data["conditional_edges"] == sum(1 for e in ds.edges if e.condition)
    assert list(data["variables"]) == list(ds.variables)
    assert data["words"] > 100
    assert [g["id"] for g in data["groups"]] == [g.id for g in ds.groups]


def test_info_counts_words(capsys: Capture, tmp_path: Path) -> None:
    path = tmp_path / "bay.dream"
    path.write_text(valid_text(), encoding="utf-8")
    data = json.loads(run(capsys, "info", str(path), "--format", "json")[1])
    # titles "Drifting off", "Mae at the pier", "Back to sleep" and texts "The bay is quiet.",
    # "Mae waves."
    assert data["words"] == 2 + 4 + 3 + 4 + 2
    assert data["nodes_by_kind"]["social"] == 1 and data["edges"] == 2


def test_info_on_broken_file_exits_2(capsys: Capture, tmp_path: Path) -> None:
    code, out, err = run(capsys, "info", str(broken_file(tmp_path)))
    assert code == 2 and out == "" and "edges[1].to" in err


def test_format_check_and_rewrite(capsys: Capture, tmp_path: Path) -> None:
    canonical = tmp_path / "canonical.dream"
    canonical.write_text(valid_text(), encoding="utf-8")
    messy = tmp_path / "messy.dream"
    messy_bytes = json.dumps(valid_data()).encode("utf-8")
    messy.write_bytes(messy_bytes)
    crlf = tmp_path / "crlf.dream"
    crlf.write_bytes(valid_text().replace("\n", "\r\n").encode("utf-8"))

    code, out, _ = run(capsys, "format", "--check", str(canonical), str(messy), str(crlf))
    assert code == 1
    assert out.splitlines() == [f"{messy}: would reformat", f"{crlf}: would reformat"]
    assert messy.read_bytes() == messy_bytes  # --check writes nothing

    code, out, _ = run(capsys, "format", str(canonical), str(messy), str(crlf))
    assert code == 0 and out.splitlines() == [f"{messy}: reformatted", f"{crlf}: reformatted"]
    assert messy.read_text(encoding="utf-8") == valid_text()
    assert crlf.read_bytes() == valid_text().encode("utf-8")
    assert run(capsys, "format", "--check", str(messy), str(crlf))[0] == 0


def test_format_reports_broken_files_and_leaves_them(capsys: Capture, tmp_path: Path) -> None:
    bad = broken_file(tmp_path)
    before = bad.read_bytes()
    messy = tmp_path / "messy.dream"
    messy.write_text(json.dumps(valid_data()), encoding="utf-8")
    code, _, err = run(capsys, "format", "--check", str(bad), str(messy))
    assert code == 2 and "edges[1].to" in err
    assert bad.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["validate", "--nope", "x.dream"],
        ["info"],
        ["info", "x.dream", "--format", "xml"],
        [],
    ],
)
def test_usage_errors_exit_2(capsys: Capture, argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "usage: dreamstudio" in err
    assert "Traceback" not in err


def test_installed_script_runs_in_a_fresh_process(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("dreamstudio")
    assert script.exists(), "the console script is installed with the project"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == f"dreamstudio {__version__}"
    path = tmp_path / "night.dream"
    result = subprocess.run(
        [str(script), "new", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0 and path.exists()
    broken = broken_file(tmp_path)
    result = subprocess.run(
        [str(script), "validate", str(path), str(broken)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{broken}: edges[1].to: unknown node 'pier2'" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        [str(script), "frobnicate"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2 and "usage:" in result.stderr
