"""`dreamstudio lint`'s conventions, flag by flag: formats, -o, -q, --color/NO_COLOR, folders,
globs, stdin, --config, --isolated, unknown keys, --watch; `python -m studio`, completion."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from studio.cli import lint_run
from studio.cli.main import build_parser, main
from studio.io import load_dreamscape, save_dreamscape
from tests.conftest import EXAMPLES, ROOT

ELI = str(EXAMPLES / "elis-dreamgame.dream")
GARDEN = str(EXAMPLES / "maes-garden.dream")
FAST = ("--dreamers", "200")
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d{3}) ")


@pytest.fixture(autouse=True)
def _no_user_plugins(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path_factory.mktemp("user-plugins")))
    monkeypatch.delenv("NO_COLOR", raising=False)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def _designs(tmp_path: Path) -> Path:
    """designs/ with Eli's (blocked) and Mae's (fine) designs, one of them a level down."""
    folder = tmp_path / "designs"
    (folder / "family").mkdir(parents=True)
    shutil.copy(ELI, folder / "eli.dream")
    shutil.copy(GARDEN, folder / "family" / "garden.dream")
    (folder / "notes.txt").write_text("not a design")
    return folder


def test_text_lines_are_file_line_col(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, *FAST)
    assert code == 1
    lines = Path(ELI).read_text().splitlines()
    located = [m for m in map(LOCATED.match, out.splitlines()) if m]
    assert located
    for m in located:
        assert m["file"] == ELI
        assert lines[int(m["line"]) - 1][int(m["col"]) - 1 :].startswith('"id": ')
    assert "(node 'vault_spin')" in out


def test_concise_format(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, GARDEN, "--format", "concise", *FAST)
    rows = out.splitlines()
    assert code == 1 and all(LOCATED.match(r) for r in rows[:-1])
    assert "[error]" not in out and rows[-1].endswith("1 of 2 files blocked.")


def test_github_annotations(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--format", "github", *FAST)
    rows = out.splitlines()
    assert code == 1
    assert rows[0].startswith(f"::error file={ELI},line=") and ",endColumn=" in rows[0]
    assert any(r.startswith("::warning ") for r in rows)
    assert rows[-1].startswith(f"::error file={ELI},title=publish gate::escapism risk 100/100")


def test_junit_xml(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, GARDEN, "--format", "junit", *FAST)
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert code == 1 and set(suites) == {ELI, GARDEN}
    failing = suites[ELI].findall("testcase/failure")
    assert int(suites[ELI].get("failures")) == len(failing) > 0
    assert all(f.get("type") in ("error", "warning") for f in failing)
    # Info notes never block: they pass, with their text as output.
    assert suites[GARDEN].get("failures") == "0" and suites[GARDEN].find("testcase") is not None
    for case in suites[GARDEN].findall("testcase"):
        assert case.find("failure") is None
    failure = suites[ELI].find("testcase/failure")
    assert failure is not None and LOCATED.match(failure.text or "")


def test_gitlab_code_quality(capsys) -> None:
    code, out, _ = _run(capsys, "lint", ELI, "--format", "gitlab", *FAST)
    issues = json.loads(out)
    assert code == 1 and issues
    first = issues[0]
    assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(first)
    assert first["severity"] == "blocker"  # EXT002 is fatal
    assert first["location"]["positions"]["begin"]["line"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_json_findings_carry_positions(capsys) -> None:
    _, out, _ = _run(capsys, "lint", ELI, "--format", "json", *FAST)
    finding = json.loads(out)["files"][0]["findings"][0]
    assert {"line", "column", "end_line", "end_column"} <= set(finding)


def test_output_file_quiet_and_no_suppressed(tmp_path: Path, capsys) -> None:
    target = tmp_path / "out" / "report.sarif"
    target.parent.mkdir()
    code, out, _ = _run(capsys, "lint", ELI, "--format", "sarif", "-o", str(target), *FAST)
    assert code == 1 and out == "" and json.loads(target.read_text())["version"] == "2.1.0"
    code, out, _ = _run(capsys, "lint", ELI, "-q", *FAST)
    assert code == 1 and "escapism risk" not in out and LOCATED.match(out)


def test_color_always_never_and_no_color(monkeypatch, capsys) -> None:
    _, out, _ = _run(capsys, "lint", ELI, "--color", "always", *FAST)
    assert "\x1b[31m[error]" in out
    _, out, _ = _run(capsys, "lint", ELI, "--color", "never", *FAST)
    assert "\x1b[" not in out
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    assert lint_run.use_color("auto", tty)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not lint_run.use_color("auto", tty) and lint_run.use_color("always", tty)


def test_folders_and_globs(tmp_path: Path, capsys, monkeypatch) -> None:
    folder = _designs(tmp_path)
    code, out, _ = _run(capsys, "lint", str(folder), "--format", "json", *FAST)
    paths = [f["path"] for f in json.loads(out)["files"]]
    assert code == 1 and paths == [str(folder / "eli.dream"), str(folder / "family/garden.dream")]
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "lint", "designs/**/garden*.dream", "--format", "json", *FAST)
    assert code == 0 and [f["path"] for f in json.loads(out)["files"]] == [
        "designs/family/garden.dream"
    ]
    code, _, err = _run(capsys, "lint", "designs/*.nothing", *FAST)
    assert code == 2 and "no file matches" in err


def test_stdin_with_stdin_filename(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dreamstudio.lint]\nignore = ["SOC003"]\n')
    monkeypatch.setattr("sys.stdin", io.StringIO(Path(ELI).read_text()))
    name = str(tmp_path / "eli-from-editor.dream")
    code, out, _ = _run(capsys, "lint", "-", "--stdin-filename", name, "--format", "json", *FAST)
    (entry,) = json.loads(out)["files"]
    assert code == 1 and entry["path"] == name
    assert "SOC003" not in {f["code"] for f in entry["findings"]}  # its project's settings
    assert entry["findings"][0]["line"] > 1
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    code, _, err = _run(capsys, "lint", "-", *FAST)
    assert code == 2 and "<stdin>" in err and "invalid JSON" in err


def test_config_and_isolated(tmp_path: Path, capsys) -> None:
    folder = _designs(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.dreamstudio.lint]\nignore = ["SOC003"]\n')
    garden = str(folder / "family" / "garden.dream")
    ds = load_dreamscape(garden)
    ds.node(ds.nodes[1].id).text = "Come back tomorrow, the garden misses you."  # SOC003
    save_dreamscape(ds, garden)
    concise = ("--format", "concise", *FAST)
    assert "SOC003" not in _run(capsys, "lint", garden, *concise)[1]  # the project ignores it
    assert "SOC003" in _run(capsys, "lint", garden, "--isolated", *concise)[1]
    other = tmp_path / "dreamstudio.toml"
    other.write_text("threshold = 5\n")
    code, out, _ = _run(capsys, "lint", garden, "--config", str(other), *concise)
    assert "SOC003" in out and code == 0  # the file's own threshold (70) is more specific
    code, _, err = _run(capsys, "lint", garden, "--config", str(tmp_path / "none.toml"), *FAST)
    assert code == 2 and "no such file" in err


def test_unknown_config_keys_are_named(tmp_path: Path, capsys) -> None:
    shutil.copy(GARDEN, tmp_path / "garden.dream")
    (tmp_path / "pyproject.toml").write_text("[tool.dreamstudio.lint]\ntreshold = 60\n")
    code, _, err = _run(capsys, "lint", str(tmp_path / "garden.dream"), *FAST)
    assert code == 2 and "tool.dreamstudio.lint: treshold: unknown key" in err
    (tmp_path / "pyproject.toml").unlink()
    data = json.loads((tmp_path / "garden.dream").read_text())
    data["lint"] = {"selct": ["EXT"]}
    (tmp_path / "garden.dream").write_text(json.dumps(data))
    code, _, err = _run(capsys, "lint", str(tmp_path / "garden.dream"), *FAST)
    assert code == 2 and "lint: selct: unknown key (known: select, ignore" in err


def test_watch_lints_again_after_a_save(tmp_path: Path, capsys) -> None:
    path = tmp_path / "garden.dream"
    shutil.copy(GARDEN, path)
    args = build_parser(["lint"]).parse_args(["lint", str(path), "--watch", "-q", *FAST])
    polls: list[int] = []

    def sleep(_seconds: float) -> None:
        polls.append(1)
        if len(polls) == 2:  # the designer saves a change between two polls
            ds = load_dreamscape(path)
            ds.node(ds.nodes[1].id).text = "Don't leave, you'll lose your streak."
            save_dreamscape(ds, path)
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))

    seen: list[int] = []
    real_once = lint_run.lint_inputs

    def counting(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(1)
        return real_once(*a, **k)

    lint_run.lint_inputs = counting  # type: ignore[assignment]
    try:
        code = lint_run.watch(args, lambda inputs: _lint_once(args, inputs), cycles=4, sleep=sleep)
    finally:
        lint_run.lint_inputs = real_once  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert len(polls) == 4 and len(seen) == 2  # first run + one re-run after the save
    assert "change seen" in err and out.count("SOC003") == 1
    assert code == 0


def _lint_once(args: argparse.Namespace, inputs) -> int:  # type: ignore[no-untyped-def]
    from studio.lint.registry import load_rules

    ruleset = load_rules()
    run = lint_run.lint_inputs(args, inputs, lint_run.cli_config(args), ruleset)
    lint_run.write_output(args, run, ruleset)
    return lint_run.exit_code(args, run)


def test_watch_refuses_stdin_and_fix(capsys) -> None:
    assert _run(capsys, "lint", "-", "--watch")[0] == 2
    code, _, err = _run(capsys, "lint", ELI, "--watch", "--fix")
    assert code == 2 and "--watch" in err


def test_python_dash_m_studio_and_version() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "studio", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and done.stdout.startswith("dreamstudio 0.")
    done = subprocess.run(
        [sys.executable, "-m", "studio", "lint", GARDEN, "--format", "concise", *FAST],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0 and done.stdout.endswith("0 of 1 files blocked.\n")


def test_help_and_version_import_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from studio.cli.main import main\n"
        "try:\n    main(['lint', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('numpy', 'scipy', 'networkx', 'sqlite_utils', 'studio.io')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str, capsys) -> None:
    code, out, _ = _run(capsys, "completion", shell)
    assert code == 0
    flag = "-l " if shell == "fish" else "--"
    for word in ("lint", "report", f"{flag}format", "sarif", f"{flag}stdin-filename"):
        assert word in out
    if shell == "bash" and shutil.which("bash"):
        done = subprocess.run(["bash", "-n"], input=out, text=True, capture_output=True)
        assert done.returncode == 0, done.stderr
