"""Rule-pack discovery: folders, the user's folder, entry points; broken packs are skipped."""

from __future__ import annotations

import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from studio.lint import lint_dreamscape
from studio.lint.plugins import ENTRY_POINT_GROUP, discover
from studio.lint.registry import core_rules, load_rules

from .builders import healthy

PACK = """
from studio.lint import Plugin, Rule


class LongTitle(Rule):
    code = "{code}"
    name = "long-title"
    severity = "info"
    rationale = "Long titles crowd the canvas."
    source = "house style"

    def check(self, ctx):
        for node in ctx.ds.nodes:
            if len(node.title) > 10:
                yield self.finding(f"title of '{{node.id}}' is long", nodes=[node.id])


class Exploding(Rule):
    code = "{boom}"
    name = "exploding"
    severity = "warning"
    rationale = "Always breaks."
    source = "tests"

    def check(self, ctx):
        raise RuntimeError("kaboom")


plugin = Plugin(name="{name}", version="2.1", rules=[{rules}])
"""


def write_pack(
    folder: Path,
    name: str,
    code: str = "CLM001",
    boom: str = "CLM002",
    rules: str = "LongTitle()",
    single_file: bool = False,
) -> Path:
    source = textwrap.dedent(PACK).format(code=code, boom=boom, name=name, rules=rules)
    folder.mkdir(parents=True, exist_ok=True)
    if single_file:
        path = folder / f"{name}.py"
    else:
        (folder / name).mkdir()
        path = folder / name / "__init__.py"
    path.write_text(source)
    return path


def _only_folders(*folders: Path):
    return discover(
        core_rules(),
        folders=folders,
        use_entry_points=False,
        use_repo_folder=False,
        use_user_folder=False,
    )


def test_pack_from_a_folder(tmp_path: Path) -> None:
    write_pack(tmp_path, "calm_pack")
    write_pack(tmp_path, "tidy", code="TDY001", single_file=True)
    ruleset = _only_folders(tmp_path)
    assert {r.code for r in ruleset.rules} >= {"DS001", "CLM001", "TDY001"}
    records = {p.name: p for p in ruleset.plugins}
    assert records["calm_pack"].version == "2.1" and records["calm_pack"].codes == ["CLM001"]
    assert records["calm_pack"].origin.startswith("folder ")
    assert ruleset.errors == []
    rule = ruleset.by_code()["CLM001"]
    assert rule.plugin == "calm_pack"


def test_pack_from_the_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path))
    write_pack(tmp_path, "mine", code="MIN001")
    ruleset = discover(core_rules(), use_entry_points=False, use_repo_folder=False)
    assert "MIN001" in ruleset.by_code()


def test_pack_from_an_entry_point_of_an_installed_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_pack(site, "fake_dream_pack", code="FAK001")
    info = site / "fake_dream_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-dream-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nfake = fake_dream_pack:plugin\n"
    )
    monkeypatch.syspath_prepend(str(site))
    ruleset = discover(core_rules(), use_repo_folder=False, use_user_folder=False)
    records = {p.name: p for p in ruleset.plugins}
    assert records["fake_dream_pack"].origin == "entry point fake = fake_dream_pack:plugin"
    assert "FAK001" in ruleset.by_code()
    assert "ethics" in records  # the studio's own pack is an entry point too


def test_broken_entry_point_is_reported_and_skipped() -> None:
    eps = [
        metadata.EntryPoint("ghost", "no_such_dream_module:plugin", ENTRY_POINT_GROUP),
        metadata.EntryPoint("ethics", "adjuster_studio_ethics:plugin", ENTRY_POINT_GROUP),
    ]
    ruleset = discover(core_rules(), entry_points=eps, use_repo_folder=False, use_user_folder=False)
    (error,) = ruleset.errors
    assert error.startswith("plugin 'ghost' (entry point ghost = no_such_dream_module:plugin)")
    assert "ModuleNotFoundError" in error and error.endswith("skipped")
    assert "EXT001" in ruleset.by_code()


def test_import_error_inside_a_folder_pack(tmp_path: Path) -> None:
    (tmp_path / "wobbly").mkdir()
    (tmp_path / "wobbly" / "__init__.py").write_text("import not_a_real_module\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "__init__.py").write_text("X = 1\n")
    ruleset = _only_folders(tmp_path)
    errors = " | ".join(ruleset.errors)
    assert "plugin 'wobbly'" in errors and "not_a_real_module" in errors
    assert "plugin 'empty'" in errors and "no `plugin` object" in errors
    assert len(ruleset.rules) == len(core_rules())


def test_duplicate_code_skips_the_whole_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "copycat", code="DS001")
    write_pack(tmp_path, "twins", code="TWN001", boom="TWN001", rules="LongTitle(), Exploding()")
    ruleset = _only_folders(tmp_path)
    errors = " | ".join(ruleset.errors)
    assert (
        "plugin 'copycat'" in errors
        and "duplicate rule code DS001 (already provided by 'core')" in errors
    )
    assert "duplicate rule code TWN001 within the plugin" in errors
    assert not {"TWN001"} & set(ruleset.by_code())


def test_invalid_rule_declarations_skip_the_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "sloppy", code="bad1")
    ruleset = _only_folders(tmp_path)
    assert "code must be" in ruleset.errors[0]


def test_a_rule_that_raises_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    write_pack(tmp_path, "fragile", rules="LongTitle(), Exploding()")
    ruleset = _only_folders(tmp_path)
    ds = healthy()
    ds.node("garden").title = "The long garden walk"
    report = lint_dreamscape(ds, rules=ruleset, dreamers=100)
    (error,) = report.rule_errors
    assert "CLM002" in error and "fragile" in error and "kaboom" in error
    assert [f.code for f in report.findings] == ["CLM001"]


def test_the_studio_pack_loads_once_through_entry_point_and_folder() -> None:
    ruleset = load_rules(refresh=True)
    names = [p.name for p in ruleset.plugins]
    assert names.count("ethics") == 1 and ruleset.errors == []
    ethics = next(p for p in ruleset.plugins if p.name == "ethics")
    assert len(ethics.codes) == 18  # EXT006 infinite-treadmill joined the pack
    assert sorted(r.code for r in ruleset.rules) == sorted(set(r.code for r in ruleset.rules))


def test_plugin_errors_reach_the_report(tmp_path: Path) -> None:
    write_pack(tmp_path, "copycat", code="DS001")
    report = lint_dreamscape(healthy(), rules=_only_folders(tmp_path), dreamers=100)
    assert report.plugin_errors and "copycat" in report.plugin_errors[0]
    assert report.to_dict()["plugin_errors"] == report.plugin_errors
