"""Fixtures for canvas tests: a small dreamscape, a shown scene + view, and mouse helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from studio.io import loads_dreamscape
from studio.model import Dreamscape


def small_dreamscape() -> Dreamscape:
    """Five scenes in a row plus a side branch, one conditional edge, one group."""
    nodes = [
        {"id": "onset", "kind": "entry", "title": "The lantern", "text": "Jamie's lantern glows.",
         "x": 0, "y": 0},
        {"id": "hall", "kind": "choice", "title": "Hall of doors", "text": "Three doors wait.",
         "x": 260, "y": 0},
        {"id": "arena", "kind": "reward", "title": "The arena", "text": "Eli hears the crowd.",
         "x": 520, "y": -160},
        {"id": "kitchen", "kind": "social", "title": "Mae's kitchen", "text": "Cocoa and talk.",
         "x": 520, "y": 160},
        {"id": "wake", "kind": "exit", "title": "Morning", "text": "The alarm, gently.",
         "x": 800, "y": 0},
    ]
    edges = [
        {"id": "e1", "from": "onset", "to": "hall", "label": "Follow the lantern"},
        {"id": "e2", "from": "hall", "to": "arena", "label": "The stadium door",
         "condition": "courage >= 1"},
        {"id": "e3", "from": "hall", "to": "kitchen", "label": "The door of cocoa"},
        {"id": "e4", "from": "arena", "to": "wake", "label": "Time to wake"},
        {"id": "e5", "from": "kitchen", "to": "wake", "label": "Goodnight"},
    ]
    data = {
        "format": "dreamscape", "version": 1,
        "meta": {"title": "Canvas test", "author": "Jamie", "audience": "teen"},
        "variables": {"courage": {"type": "int", "initial": 0}},
        "nodes": nodes, "edges": edges,
        "groups": [{"id": "g_home", "title": "Home with Mae", "nodes": ["kitchen", "wake"],
                    "color": "#5bb98a"}],
    }
    return loads_dreamscape(json.dumps(data), "canvas-test.dream")


@pytest.fixture
def ds() -> Dreamscape:
    return small_dreamscape()


@pytest.fixture
def canvas(qtbot, ds):
    """A shown DreamView at 1:1 over a DreamScene of the small dreamscape."""
    from studio.ui.canvas import DreamScene, DreamView

    scene = DreamScene(ds)
    view = DreamView(scene)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(500, 40)
    QApplication.processEvents()
    return scene, view


def send_mouse(widget: QWidget, kind: QEvent.Type, pos: QPoint | QPointF,
               button: Qt.MouseButton = Qt.MouseButton.LeftButton,
               buttons: Qt.MouseButton | None = None,
               modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    local = QPointF(pos)
    if buttons is None:
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(local.toPoint())),
                        button if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
                        buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, points: Iterable[QPoint | QPointF],
         button: Qt.MouseButton = Qt.MouseButton.LeftButton,
         modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, steps: int = 6) -> None:
    """Press at the first point, move through the others in small steps, release at the last."""
    pts = [QPointF(p) for p in points]
    send_mouse(widget, QEvent.Type.MouseButtonPress, pts[0], button, modifiers=modifiers)
    previous = pts[0]
    for target in pts[1:]:
        for i in range(1, steps + 1):
            p = previous + (target - previous) * (i / steps)
            send_mouse(widget, QEvent.Type.MouseMove, p, button, buttons=button,
                       modifiers=modifiers)
        previous = target
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pts[-1], button, modifiers=modifiers)


def click(widget: QWidget, pos: QPoint | QPointF,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, pos, modifiers=modifiers)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, modifiers=modifiers)


def view_pos(view, scene_point: QPointF) -> QPoint:
    """Viewport coordinates of a scene point."""
    return view.mapFromScene(scene_point)
