"""The dependency direction of the design, checked on the source: no Qt outside ui,
nothing imports ui or cli, studio never imports plugins, and the core runs without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

from tests import qt_block

ROOT = Path(__file__).resolve().parent.parent
STUDIO = ROOT / "studio"
QT_MODULES = qt_block.QT_MODULES
# Which studio layers each layer may import (besides itself and the top-level package).
ALLOWED = {
    "model": set(),
    "io": {"model"},
    "analysis": {"model"},
    "sim": {"model", "analysis"},
    "lint": {"model", "io", "analysis", "sim"},
    "repair": {"model", "io", "analysis", "sim", "lint"},
    "report": {"model", "io", "analysis", "sim", "lint", "repair"},
    "store": {"model", "io", "analysis", "sim", "lint", "report", "repair"},
    "cli": {"model", "io", "analysis", "sim", "lint", "report", "store", "repair"},
    "ui": {"model", "io", "analysis", "sim", "lint", "report", "store", "repair"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                names.append(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.append(node.module)
    return names


def _layer(path: Path) -> str | None:
    parts = path.relative_to(STUDIO).parts
    return parts[0] if len(parts) > 1 else None


def test_layers_import_only_downstream() -> None:
    problems = []
    for path in STUDIO.rglob("*.py"):
        layer = _layer(path)
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "plugins":
                problems.append(f"{path}: imports plugins ({name})")
            if top in QT_MODULES and layer != "ui":
                problems.append(f"{path}: imports Qt ({name}) outside studio/ui")
            if top == "studio" and layer in ALLOWED:
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else None
                if target in ALLOWED and target != layer and target not in ALLOWED[layer]:
                    problems.append(f"{path}: layer '{layer}' imports '{name}'")
            if (
                top == "studio"
                and layer is None
                and path.name not in ("app_entry.py", "__main__.py")
            ):
                parts = name.split(".")
                if len(parts) > 1 and parts[1] in ("ui", "cli"):
                    problems.append(f"{path}: imports {name}")
    assert problems == []


def test_plugins_do_not_import_ui_or_cli() -> None:
    problems = []
    for path in (ROOT / "plugins").rglob("*.py"):
        for name in _imports(path):
            if name.startswith(("studio.ui", "studio.cli")) or name.split(".")[0] in QT_MODULES:
                problems.append(f"{path}: imports {name}")
    assert problems == []


def test_core_runs_with_qt_unavailable() -> None:
    """Like napari's headless check: block Qt imports and use the whole core."""
    code = (
        "from tests import qt_block\n"
        "qt_block.install()\n"
        "import pkgutil, importlib, studio\n"
        "for m in pkgutil.walk_packages(studio.__path__, 'studio.'):\n"
        "    if m.name.startswith('studio.ui') or m.name.endswith(('app_entry', '__main__')):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "from studio.cli.main import main\n"
        "raise SystemExit(main(['--version']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "dreamstudio" in result.stdout


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Every import between studio/plugins modules: top level, inside functions and under
    TYPE_CHECKING alike. `from pkg import sub` points at the submodule, not at pkg."""
    files = [*STUDIO.rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    modules = {_module_name(path): path for path in files}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                subs = [f"{source}.{alias.name}" for alias in node.names]
                targets = [t for t in subs if t in modules] or [source]
                if len(targets) < len(subs):  # names from the package itself, too
                    targets.append(source)
            for target in targets:
                if target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


def test_no_import_cycles() -> None:
    """No cycle between modules, not even through a function-level or type-only import."""
    cycles = sorted(" -> ".join(c) for c in nx.simple_cycles(import_graph()))
    assert cycles == []


def test_cycle_check_sees_function_and_type_only_imports() -> None:
    """The graph holds the imports that would hide a cycle from a top-level-only check."""
    graph = import_graph()
    assert graph.has_edge("studio.lint.context", "studio.analysis")  # inside a function
    assert graph.has_edge("studio.lint.rule", "studio.lint.context")  # under TYPE_CHECKING
    graph.add_edge("studio.lint.context", "studio.lint.rule")
    assert list(nx.simple_cycles(graph))
