"""Packaging: Qt only behind the `gui` extra, no top-level `plugins` package installed (and a
foreign one changes nothing), assets found through importlib.resources, every package listed,
one application identity, py.typed shipped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from studio import assets, identity

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXAMPLES = sorted(str(p) for p in (ROOT / "assets" / "examples").glob("*.dream"))


def test_core_dependencies_have_no_qt_and_gui_keeps_the_pin() -> None:
    project = PYPROJECT["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith(("pyside", "pyqt"))]
    gui = project["optional-dependencies"]["gui"]
    assert "PySide6-Essentials>=6.9,<6.12" in gui  # DESIGN.md: 6.12.0 corrupts None's refcount
    assert any(d.startswith("pyqtgraph") for d in gui)
    assert "adjuster-studio[gui]" in project["optional-dependencies"]["test"]


def test_every_package_is_listed_and_none_is_called_plugins() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "studio").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert not any(name.split(".")[0] == "plugins" for name in listed)
    assert not (ROOT / "plugins" / "__init__.py").exists()
    entry = PYPROJECT["project"]["entry-points"]["dreamstudio.plugins"]["ethics"]
    assert entry == "adjuster_studio_ethics:plugin"


def test_assets_resolve_through_importlib_resources() -> None:
    folder = assets.assets_dir()
    assert (folder / "icons" / "entry.svg").is_file() and (folder / "styles" / "dark.qss").is_file()
    assert [p.name for p in assets.example_paths()] == [Path(p).name for p in EXAMPLES]
    assert "share" not in folder.parts  # never found through sys.prefix


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "studio" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["*"]


def test_one_application_identity() -> None:
    assert identity.ORGANIZATION == identity.APPLICATION == identity.DATA_FOLDER
    assert identity.user_data_path().name == identity.DATA_FOLDER
    assert identity.user_config_path().name == identity.DATA_FOLDER
    from studio.store.library import default_library_path

    env = os.environ.pop("DREAMSTUDIO_LIBRARY", None)
    try:
        assert default_library_path().parent == identity.user_data_path()
    finally:
        if env is not None:
            os.environ["DREAMSTUDIO_LIBRARY"] = env


def _lint_json(extra_path: Path | None, tmp_path: Path) -> tuple[dict, str]:
    env = {**os.environ, "DREAMSTUDIO_PLUGINS_DIR": str(tmp_path / "no-user-plugins")}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(extra_path)] * (extra_path is not None) + [env.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "lint",
            *EXAMPLES,
            "--format",
            "json",
            "--dreamers",
            "200",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr  # Eli's dreamgame is blocked
    return json.loads(done.stdout), done.stderr


def test_a_foreign_plugins_distribution_changes_nothing(tmp_path: Path) -> None:
    """Another project installs a top-level `plugins` package (with a rule-pack-looking module
    and an entry point in another group): our lint neither imports nor is changed by it."""
    site = tmp_path / "site"
    (site / "plugins").mkdir(parents=True)
    marker = tmp_path / "foreign-imported"
    (site / "plugins" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (site / "plugins" / "ethics.py").write_text("raise RuntimeError('foreign ethics imported')\n")
    info = site / "other_tool-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: other-tool\nVersion: 1.0\n")
    (info / "top_level.txt").write_text("plugins\n")
    (info / "entry_points.txt").write_text("[other_tool.plugins]\nx = plugins.ethics:plugin\n")
    (info / "RECORD").write_text("")
    (tmp_path / "no-user-plugins").mkdir()

    clean, clean_err = _lint_json(None, tmp_path)
    dirty, dirty_err = _lint_json(site, tmp_path)
    assert dirty == clean and dirty_err == clean_err
    assert not marker.exists()
    assert {f["code"] for f in dirty["files"][0]["findings"]} >= {"EXT002"}  # ethics rules ran
