"""`dreamstudio report`: the ethics report of any design, blocked ones included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.main import main
from tests.conftest import EXAMPLES

ELI = str(EXAMPLES / "elis-dreamgame.dream")
SOMNOS = str(EXAMPLES / "reality-somnos.dream")


@pytest.fixture(autouse=True)
def _no_user_plugins(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path_factory.mktemp("user-plugins")))


def test_a_blocked_design_gets_its_html_report(tmp_path: Path, capsys) -> None:
    out = tmp_path / "eli report.html"
    assert main(["report", ELI, "-o", str(out), "--dreamers", "200"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "EXT002" in page and "<svg" in page
    assert "report written (html)" in capsys.readouterr().err


def test_json_report_to_stdout_and_by_suffix(tmp_path: Path, capsys) -> None:
    assert main(["report", SOMNOS, "--format", "json", "--dreamers", "200"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lint"]["blocked"] is False and data["gate"]["allowed"] is True
    target = tmp_path / "eli.json"
    assert main(["report", ELI, "-o", str(target), "--dreamers", "200"]) == 0
    eli = json.loads(target.read_text(encoding="utf-8"))
    assert eli["lint"]["blocked"] is True and eli["lint"]["score"] == 100


def test_bad_input_exits_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.dream"
    bad.write_text("{}")
    assert main(["report", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err
    assert main(["report", SOMNOS, "--dreamers", "0"]) == 2
