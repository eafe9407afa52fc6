"""Fixtures for the live panels: a window with the main window's panel-facing API."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from studio.io import load_dreamscape
from studio.model import Dreamscape, Edge, Node, Variable
from studio.ui.document import Document

EXAMPLES = Path(__file__).resolve().parents[3] / "assets" / "examples"


class RecordingScene(QObject):
    """The DreamScene calls the panels make, recorded so tests can read them."""

    context_menu_requested = Signal(str, str, object)

    def __init__(self) -> None:
        super().__init__()
        self.badges: tuple[dict, dict] = ({}, {})
        self.highlight: tuple[str | None, list[str]] = (None, [])
        self.heat: dict[str, float] | None = None
        self.selected: tuple[list[str], list[str]] = ([], [])
        self.badge_calls = 0

    def set_badges(self, nodes: dict, edges: dict) -> None:
        self.badge_calls += 1
        self.badges = (dict(nodes), dict(edges))

    def set_highlight(self, current: str | None, path: list[str]) -> None:
        self.highlight = (current, list(path))

    def set_heat(self, values: dict | None) -> None:
        self.heat = None if values is None else dict(values)

    def selected_node_ids(self) -> list[str]:
        return list(self.selected[0])

    def selected_edge_ids(self) -> list[str]:
        return list(self.selected[1])

    def select(self, node_ids, edge_ids=(), add=False) -> None:  # noqa: ANN001
        self.selected = (list(node_ids), list(edge_ids))


class HarnessWindow(QMainWindow):
    """A minimal main window with the contract's add_dock/document/scene/select_and_center."""

    def __init__(self, ds: Dreamscape) -> None:
        super().__init__()
        self.document = Document(ds, None)
        self.scene = RecordingScene()
        self.centered: list[tuple[list[str], list[str]]] = []
        self.setCentralWidget(QWidget())
        self.resize(1400, 900)

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea,
                 object_name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def select_and_center(self, node_ids, edge_ids=()) -> None:  # noqa: ANN001
        self.scene.select(node_ids, edge_ids)
        self.centered.append((list(node_ids), list(edge_ids)))


def small_dreamscape() -> Dreamscape:
    """entry -> hall -(brave)-> arena -> wake; hall -> wake; a condition on courage."""
    ds = Dreamscape()
    ds.meta.title = "Eli's hall"
    ds.variables = {"courage": Variable("courage", "int", 0)}
    nodes = [
        Node("onset", "entry", "Lights down", "The band hums.", minutes=2, effects={"courage": "courage + 1"}),
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


@pytest.fixture
def make_window(qtbot):  # noqa: ANN001, ANN201
    """Build a window over a dreamscape with the live panels installed."""
    from studio.ui.panels import install_panels

    made = []

    def make(ds: Dreamscape | None = None, debounce_ms: int = 20):  # noqa: ANN202
        window = HarnessWindow(ds if ds is not None else small_dreamscape())
        qtbot.addWidget(window)
        panels = install_panels(window)
        panels.runner.set_debounce(debounce_ms)
        made.append(panels)
        return window, panels

    yield make
    for panels in made:
        panels.shutdown()


@pytest.fixture
def example():  # noqa: ANN201
    return lambda name: load_dreamscape(EXAMPLES / name)
