"""Fixtures for the live panels: the real main window, with a spy on what the panels ask of it."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from studio.io import load_dreamscape
from studio.model import Dreamscape, Edge, Node, Variable
from studio.ui.document import Document

EXAMPLES = Path(__file__).resolve().parents[3] / "assets" / "examples"


class SceneSpy:
    """Records what the panels ask of the real DreamScene, then lets the scene do it."""

    def __init__(self, window) -> None:  # noqa: ANN001
        self.badges: tuple[dict, dict] = ({}, {})
        self.highlight: tuple[str | None, list[str]] = (None, [])
        self.heat: dict[str, float] | None = None
        self.centered: list[tuple[list[str], list[str]]] = []
        scene = window.scene
        self.scene = scene
        for name in ("set_badges", "set_highlight", "set_heat"):
            setattr(scene, name, self._wrap(name, getattr(scene, name)))
        real_center = window.select_and_center

        def select_and_center(node_ids, edge_ids=()):  # noqa: ANN001, ANN202
            self.centered.append((list(node_ids), list(edge_ids)))
            return real_center(node_ids, edge_ids)

        window.select_and_center = select_and_center

    def _wrap(self, name: str, real):  # noqa: ANN001, ANN202
        def call(*args):  # noqa: ANN002, ANN202
            if name == "set_badges":
                self.badges = (dict(args[0]), dict(args[1]))
            elif name == "set_highlight":
                self.highlight = (args[0], list(args[1]))
            else:
                self.heat = None if args[0] is None else dict(args[0])
            return real(*args)

        return call

    @property
    def selected(self) -> tuple[list[str], list[str]]:
        return (self.scene.selected_node_ids(), self.scene.selected_edge_ids())

    def item_badge(self, node_id: str) -> str | None:
        return self.scene.node_item(node_id).badge

    def item_highlight(self, node_id: str) -> str | None:
        return self.scene.node_item(node_id).highlight

    def item_heat(self, node_id: str) -> float | None:
        return self.scene.node_item(node_id).heat


def small_dreamscape() -> Dreamscape:
    """entry -> hall -(brave)-> arena -> wake; hall -> wake; a condition on courage."""
    ds = Dreamscape()
    ds.meta.title = "Eli's hall"
    ds.variables = {"courage": Variable("courage", "int", 0)}
    nodes = [
        Node(
            "onset",
            "entry",
            "Lights down",
            "The band hums.",
            minutes=2,
            effects={"courage": "courage + 1"},
        ),
        Node("hall", "choice", "The hall", "Two doors.", minutes=3),
        Node("arena", "scene", "The arena", "The crowd roars.", minutes=5, intensity=0.5),
        Node("kitchen", "social", "Mae's kitchen", "Mae pours tea.", minutes=4),
        Node("lantern", "anchor", "Jamie's lantern", "You are dreaming.", minutes=2),
        Node("wake", "exit", "Back to sleep", "", minutes=1),
    ]
    edges = [
        Edge("e1", "onset", "hall"),
        Edge("e2", "hall", "arena", label="Be brave", condition="courage >= 2"),
        Edge("e3", "hall", "kitchen", label="Visit Mae"),
        Edge("e4", "kitchen", "lantern"),
        Edge("e5", "lantern", "wake"),
        Edge("e6", "arena", "lantern"),
    ]
    ds.load_elements(nodes, edges)
    return ds


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The real window reads and writes settings and recovery files: keep them per test."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    monkeypatch.setenv("ADJUSTER_STUDIO_RECOVERY_DIR", str(tmp_path / "recovery"))


@pytest.fixture
def make_window(qtbot):  # noqa: ANN001, ANN201
    """The real main window over a dreamscape; returns (window, panels) with `window.spy`."""
    from studio.ui.main_window import MainWindow

    made = []

    def make(ds: Dreamscape | None = None, debounce_ms: int = 20):  # noqa: ANN202
        window = MainWindow(
            Document(ds if ds is not None else small_dreamscape()), remember_layout=False
        )
        panels = window.live_panels
        window.spy = SceneSpy(window)
        panels.preview.refresh()  # the first highlight happened before the spy was in place
        panels.runner.set_debounce(debounce_ms)
        made.append(window)
        return window, panels

    yield make
    for window in made:
        if not shiboken6.isValid(window):
            continue  # a test closed it already
        window.live_panels.shutdown()
        window.document.undo_stack.clear()
        window.document.set_modified(False)
        window.close()
    QApplication.processEvents()


@pytest.fixture
def example():  # noqa: ANN201
    return lambda name: load_dreamscape(EXAMPLES / name)
