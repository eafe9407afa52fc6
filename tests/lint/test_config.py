"""Settings layers: project pyproject < the file's lint block < command line; the most specific
selector wins, ignore beats select, fatal rules always run."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.lint import LintConfig, LintConfigError, lint_dreamscape
from studio.lint.config import find_project_config

from .builders import build, chain, codes, node


def _noisy():
    """A dreamscape with a SOC003, a SOC004, an EXT005 and a deep-ish exit."""
    nodes, edges = chain(
        ("onset", "entry"),
        ("lantern", "anchor"),
        ("mae", "social"),
        ("s1", "scene"),
        ("s2", "scene"),
        ("s3", "scene"),
        ("s4", "scene"),
        ("wake", "exit"),
        intensity=0.2,
        minutes=2,
    )
    ds = build(nodes, edges)
    ds.node("s1").text = "Don't leave. Forget your problems."
    return ds


def _lint(ds, cli: LintConfig | None = None, **kwargs):
    return lint_dreamscape(ds, cli, dreamers=300, seed=1, **kwargs)


def test_defaults_run_everything() -> None:
    report = _lint(_noisy())
    assert codes(report) == ["EXT003", "SOC003", "SOC004"]
    assert report.threshold == 70


def test_project_layer_from_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dreamstudio.lint]\nignore = ["SOC004"]\nthreshold = 50\n'
        "[tool.dreamstudio.lint.rules.EXT003]\nwarn_steps = 8\n"
    )
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "pyproject.toml").write_text('[project]\nname = "unrelated"\n')
    ds = _noisy()
    ds.path = tmp_path / "stories" / "bay.dream"
    ds.lint = {"select": ["ALL"], "ignore": []}
    report = _lint(ds)
    assert codes(report) == ["SOC003"]
    assert "SOC004" not in report.rules_run  # the project turned it off: it does not run
    assert report.threshold == 50
    assert find_project_config(tmp_path / "stories")[0] == tmp_path / "pyproject.toml"


def test_the_file_overrides_the_project_and_the_command_line_overrides_both(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.dreamstudio.lint]\nthreshold = 50\nrules = {EXT003 = {warn_steps = 8}}\n"
    )
    ds = _noisy()
    ds.path = tmp_path / "bay.dream"
    ds.lint = {
        "select": ["ALL"],
        "ignore": [],
        "threshold": 60,
        "rules": {"EXT003": {"warn_steps": 5}},
    }
    report = _lint(ds)
    assert report.threshold == 60 and "EXT003" in codes(report)
    cli = LintConfig(threshold=40, rules={"EXT003": {"warn_steps": 9}})
    report = _lint(ds, cli)
    assert report.threshold == 40 and "EXT003" not in codes(report)


def test_command_line_select_restricts_the_run() -> None:
    report = _lint(_noisy(), LintConfig(select=["SOC"]))
    assert codes(report) == ["SOC003", "SOC004"]
    assert not any(code.startswith(("DS", "TMP", "INT", "RWD")) for code in report.rules_run)


def test_fatal_rules_always_run() -> None:
    ds = build(
        [node("onset", "entry"), node("a"), node("b"), node("wake", "exit")],
        [("onset", "a"), ("onset", "wake"), ("a", "b"), ("b", "a")],
    )
    report = _lint(ds, LintConfig(select=["SOC"], ignore=["EXT"]))
    assert "EXT002" in codes(report) and report.score == 100
    assert "EXT002 is fatal and always runs; 'EXT' cannot switch it off" in report.config_warnings


def test_ignore_beats_select_at_equal_specificity() -> None:
    report = _lint(_noisy(), LintConfig(select=["SOC003"], ignore=["SOC003"]))
    assert "SOC003" not in report.rules_run


def test_the_most_specific_selector_wins() -> None:
    report = _lint(_noisy(), LintConfig(select=["SOC003"], ignore=["SOC"]))
    assert codes(report) == ["SOC003"]
    report = _lint(_noisy(), LintConfig(select=["ALL"], ignore=["SOC", "EXT"]))
    assert codes(report) == []
    report = _lint(_noisy(), LintConfig(select=["SOC", "EXT003"], ignore=["ALL"]))
    assert codes(report) == ["EXT003", "SOC003", "SOC004"]


def test_the_files_own_ignore_shows_findings_as_suppressed() -> None:
    ds = _noisy()
    ds.lint = {"select": ["ALL"], "ignore": ["SOC004"], "threshold": 70}
    report = _lint(ds)
    (hidden,) = report.suppressed
    assert hidden.code == "SOC004" and "lint.ignore" in hidden.reason and hidden.points == 0
    assert "SOC004" in report.rules_run


def test_the_files_select_shows_the_rest_as_suppressed_but_cli_select_does_not() -> None:
    ds = _noisy()
    ds.lint = {"select": ["EXT"], "threshold": 70}
    report = _lint(ds)
    assert codes(report) == ["EXT003"]
    assert sorted(codes(report, suppressed=True)) == ["SOC003", "SOC004"]
    assert all(f.reason == "not selected in the file's lint block" for f in report.suppressed)
    report = _lint(ds, LintConfig(select=["ALL"]))
    assert codes(report) == ["EXT003", "SOC003", "SOC004"]


def test_bad_settings_name_where_they_are(tmp_path: Path) -> None:
    ds = _noisy()
    ds.path = tmp_path / "bay.dream"
    ds.lint = {"select": ["ALL"], "rules": {"EXT003": {"warn_stepz": 3}, "EXT005": "x"}}
    with pytest.raises(LintConfigError) as info:
        _lint(ds)
    lines = info.value.lines()
    assert any("rules.EXT005: expected a table" in line for line in lines)
    ds.lint = {"select": ["ALL"], "rules": {"EXT003": {"warn_stepz": 3}}}
    with pytest.raises(LintConfigError) as info:
        _lint(ds)
    assert info.value.lines() == [
        f"{ds.path}: lint: rules.EXT003.warn_stepz: unknown threshold "
        "(EXT003 has: warn_steps, error_steps)"
    ]


def test_broken_pyproject_is_reported_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dreamstudio.lint\n")
    ds = _noisy()
    ds.path = tmp_path / "bay.dream"
    with pytest.raises(LintConfigError) as info:
        _lint(ds)
    assert str(tmp_path / "pyproject.toml") in info.value.lines()[0]
    assert "invalid TOML" in info.value.lines()[0]


def test_unknown_selectors_are_errors_on_the_command_line_and_warnings_in_files() -> None:
    with pytest.raises(LintConfigError, match="'XYZ' matches no rule"):
        _lint(_noisy(), LintConfig(select=["XYZ"]))
    ds = _noisy()
    ds.lint = {"select": ["ALL", "QQQ"]}
    report = _lint(ds)
    assert any("'QQQ' matches no rule" in w for w in report.config_warnings)


def test_threshold_out_of_range_in_a_layer() -> None:
    with pytest.raises(LintConfigError, match="threshold"):
        LintConfig.from_mapping({"threshold": 120}, "pyproject.toml", "project")
