"""Fixtures for canvas tests: a small dreamscape, a shown scene + view, and mouse helpers."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QApplication

from studio.io import loads_dreamscape
from studio.model import Dreamscape
from tests.ui.gui_helpers import click, drag, send_mouse  # noqa: F401 - shared with the canvas tests


def small_dreamscape() -> Dreamscape:
    """Five scenes in a row plus a side branch, one conditional edge, one group."""
    nodes = [
        {
            "id": "onset",
            "kind": "entry",
            "title": "The lantern",
            "text": "Jamie's lantern glows.",
            "x": 0,
            "y": 0,
        },
        {
            "id": "hall",
            "kind": "choice",
            "title": "Hall of doors",
            "text": "Three doors wait.",
            "x": 260,
            "y": 0,
        },
        {
            "id": "arena",
            "kind": "reward",
            "title": "The arena",
            "text": "Eli hears the crowd.",
            "x": 520,
            "y": -160,
        },
        {
            "id": "kitchen",
            "kind": "social",
            "title": "Mae's kitchen",
            "text": "Cocoa and talk.",
            "x": 520,
            "y": 160,
        },
        {
            "id": "wake",
            "kind": "exit",
            "title": "Morning",
            "text": "The alarm, gently.",
            "x": 800,
            "y": 0,
        },
    ]
    edges = [
        {"id": "e1", "from": "onset", "to": "hall", "label": "Follow the lantern"},
        {
            "id": "e2",
            "from": "hall",
            "to": "arena",
            "label": "The stadium door",
            "condition": "courage >= 1",
        },
        {"id": "e3", "from": "hall", "to": "kitchen", "label": "The door of cocoa"},
        {"id": "e4", "from": "arena", "to": "wake", "label": "Time to wake"},
        {"id": "e5", "from": "kitchen", "to": "wake", "label": "Goodnight"},
    ]
    data = {
        "format": "dreamscape",
        "version": 1,
        "meta": {"title": "Canvas test", "author": "Jamie", "audience": "teen"},
        "variables": {"courage": {"type": "int", "initial": 0}},
        "nodes": nodes,
        "edges": edges,
        "groups": [
            {
                "id": "g_home",
                "title": "Home with Mae",
                "nodes": ["kitchen", "wake"],
                "color": "#5bb98a",
            }
        ],
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


def view_pos(view, scene_point: QPointF) -> QPoint:
    """Viewport coordinates of a scene point."""
    return view.mapFromScene(scene_point)
