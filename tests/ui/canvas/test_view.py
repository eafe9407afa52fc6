"""Zoom, fit, level of detail, lint/preview/heat decorations, themes and the minimap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from studio.model.ops import MoveNodes
from studio.ui.canvas import MiniMap
from studio.ui.canvas.items import NODE_H, NODE_W
from studio.ui.canvas.style import KIND_COLORS, SEVERITY_COLORS, THEMES, heat_color

from .conftest import click, view_pos


def _wheel(view, pos: QPoint, delta: int) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(view.viewport().mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)


def _pixel(view, scene_point: QPointF) -> QColor:
    image = view.viewport().grab().toImage()
    p = view.mapFromScene(scene_point)
    return QColor(image.pixel(p.x(), p.y()))


def _card_centre(scene, node_id: str) -> QPointF:
    return scene.node_item(node_id).pos() + QPointF(NODE_W / 2, NODE_H / 2)


def test_wheel_zooms_at_the_cursor(canvas) -> None:
    scene, view = canvas
    zooms = []
    view.zoom_changed.connect(zooms.append)
    cursor = QPoint(300, 200)
    anchor = view.mapToScene(cursor)
    for delta in (120, 120, -360, 240):
        _wheel(view, cursor, delta)
        moved = view.mapToScene(cursor) - anchor
        assert abs(moved.x()) * view.zoom() <= 1.5 and abs(moved.y()) * view.zoom() <= 1.5
    assert len(zooms) == 4
    assert view.zoom() == pytest.approx(1.0015**120, rel=1e-6)


def test_zoom_is_clamped(canvas) -> None:
    scene, view = canvas
    for _ in range(40):
        _wheel(view, QPoint(100, 100), 720)
    assert view.zoom() == pytest.approx(4.0)
    for _ in range(80):
        _wheel(view, QPoint(100, 100), -720)
    assert view.zoom() == pytest.approx(0.05)


def _visible(view):
    return view.mapToScene(view.viewport().rect()).boundingRect()


def test_fit_all_shows_every_node_and_fit_selection_zooms_in(canvas) -> None:
    scene, view = canvas
    MoveNodes({"wake": (4200.0, 2600.0)}).apply(scene.dreamscape)
    view.fit_all()
    visible = _visible(view)
    for item in scene.node_items():
        assert visible.contains(item.pos() + QPointF(NODE_W, NODE_H))
        assert visible.contains(item.pos())
    fit_zoom = view.zoom()
    assert fit_zoom < 0.3
    scene.select(["onset", "hall"])
    view.fit_selection()
    assert view.zoom() == pytest.approx(1.0)  # never magnified past 1:1
    visible = _visible(view)
    for node_id in ("onset", "hall"):
        assert visible.contains(scene.node_item(node_id).sceneBoundingRect())


def test_center_on_node(canvas) -> None:
    scene, view = canvas
    view.center_on_node("kitchen")
    centre = view.mapToScene(view.viewport().rect().center())
    target = scene.node_item("kitchen").sceneBoundingRect().center()
    assert abs(centre.x() - target.x()) <= 1 and abs(centre.y() - target.y()) <= 1


@pytest.mark.parametrize("zoom", [0.35, 0.25, 0.1])
def test_low_zoom_draws_cards_as_plain_kind_colour(canvas, zoom) -> None:
    scene, view = canvas
    view.set_zoom(zoom)
    view.centerOn(_card_centre(scene, "hall"))
    assert scene.ctx.overview == (zoom < 0.15)
    # from 0.3 the title is written large across the middle: sample above it
    above_title = QPointF(0, -NODE_H / 2 + 9) if zoom >= 0.3 else QPointF(0, 0)
    colour = _pixel(view, _card_centre(scene, "hall") + above_title)
    assert colour.name() == KIND_COLORS["choice"]
    colour = _pixel(view, _card_centre(scene, "arena") + above_title)
    assert colour.name() == KIND_COLORS["reward"]
    if zoom >= 0.3:  # and the title is there, in the header text colour
        image = view.viewport().grab().toImage()
        card = scene.node_item("hall").sceneBoundingRect().adjusted(12, 12, -12, -12)
        area = view.mapFromScene(card).boundingRect()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(area.left(), area.right())
            for y in range(area.top(), area.bottom())
        }
        assert THEMES["dark"].header_text.name() in colours


def test_full_detail_draws_the_card_body(canvas) -> None:
    scene, view = canvas
    colour = _pixel(view, scene.node_item("hall").pos() + QPointF(NODE_W - 6, NODE_H / 2 + 4))
    assert colour.name() == THEMES["dark"].card.name()
    colour = _pixel(view, scene.node_item("hall").pos() + QPointF(NODE_W - 6, 12))
    assert colour.name() == KIND_COLORS["choice"]


def test_overview_follows_moves_and_selection(canvas) -> None:
    scene, view = canvas
    view.set_zoom(0.1)
    view.centerOn(_card_centre(scene, "hall"))
    QApplication.processEvents()
    MoveNodes({"hall": (260.0, 400.0)}).apply(scene.dreamscape)
    QApplication.processEvents()
    assert _pixel(view, _card_centre(scene, "hall")).name() == KIND_COLORS["choice"]
    # the old place is empty canvas again
    assert _pixel(view, QPointF(260 + NODE_W / 2, NODE_H / 2)).name() != KIND_COLORS["choice"]
    # items still take clicks at overview zoom
    click(view.viewport(), view_pos(view, _card_centre(scene, "hall")))
    assert scene.selected_node_ids() == ["hall"]


def test_badges_highlight_and_heat(canvas) -> None:
    scene, view = canvas
    scene.set_badges({"hall": "error", "arena": "info", "ghost": "error"}, {"e2": "warning"})
    assert scene.node_item("hall").badge == "error"
    assert scene.node_item("arena").badge == "info"
    assert scene.edge_item("e2").badge == "warning"
    badge_at = scene.node_item("hall").pos() + QPointF(NODE_W - 3, 3)
    assert _pixel(view, badge_at + QPointF(-4, 0)).name() == SEVERITY_COLORS["error"]
    scene.set_badges({"arena": "warning"}, {})
    assert scene.node_item("hall").badge is None
    assert scene.node_item("arena").badge == "warning"
    assert scene.edge_item("e2").badge is None

    scene.set_highlight("arena", ["onset", "hall", "arena"])
    assert scene.node_item("arena").highlight == "current"
    assert scene.node_item("hall").highlight == "path"
    assert scene.edge_item("e1").highlighted and scene.edge_item("e2").highlighted
    assert not scene.edge_item("e3").highlighted
    scene.set_highlight(None, [])
    assert all(i.highlight is None for i in scene.node_items())
    assert not any(e.highlighted for e in scene.edge_items())

    scene.set_heat({"hall": 1.0, "kitchen": 0.0})
    assert scene.node_item("hall").heat == 1.0
    view.set_zoom(0.25)
    view.centerOn(_card_centre(scene, "hall"))
    assert _pixel(view, _card_centre(scene, "hall")).name() == heat_color(1.0).name()
    scene.set_heat(None)
    assert scene.node_item("hall").heat is None
    assert _pixel(view, _card_centre(scene, "hall")).name() == KIND_COLORS["choice"]


def test_theme_switch_repaints_background(canvas) -> None:
    scene, view = canvas
    spot = QPointF(-50, 390)  # between grid lines, far from any card
    assert _pixel(view, spot).name() == THEMES["dark"].background.name()
    scene.set_theme("light")
    QApplication.processEvents()
    assert _pixel(view, spot).name() == THEMES["light"].background.name()
    scene.set_theme("no-such-theme")
    assert scene.theme.name == "dark"


def test_minimap_draws_model_and_recentres_view(canvas, qtbot) -> None:
    scene, view = canvas
    minimap = MiniMap(view)
    qtbot.waitExposed(minimap)
    minimap.repaint()
    renders = minimap.renders
    assert renders >= 1
    # the view's rectangle is shown where the view looks
    visible = _visible(view)
    rect = minimap.viewport_rect()
    assert rect.center().x() == pytest.approx(minimap.to_widget(visible.center()).x(), abs=0.5)
    # clicking recentres the view on that spot
    target = minimap.to_widget(_card_centre(scene, "kitchen"))
    click(minimap, target)
    centre = view.mapToScene(view.viewport().rect().center())
    assert abs(centre.x() - _card_centre(scene, "kitchen").x()) <= 3
    assert abs(centre.y() - _card_centre(scene, "kitchen").y()) <= 3
    # a model change is redrawn from the model, not from a scene render
    MoveNodes({"wake": (1400.0, 0.0)}).apply(scene.dreamscape)
    minimap.repaint()
    assert minimap.renders == renders + 1
    assert minimap.pos().x() > view.width() / 2  # floats in the bottom-right corner


def test_minimap_and_overview_render_in_device_pixels(qtbot, monkeypatch) -> None:
    """Sharp on high-DPI screens: the cached pictures carry the screen's pixel ratio."""
    from PySide6.QtGui import QImage, QPainter

    from studio.model import Dreamscape, Node
    from studio.ui.canvas.minimap import MiniMap
    from studio.ui.canvas.overview import OverviewLayer
    from studio.ui.canvas.scene import DreamScene
    from studio.ui.canvas.view import DreamView

    ds = Dreamscape()
    ds.load_elements([Node("a", "entry", x=0, y=0), Node("b", "exit", x=400, y=200)], [])
    view = DreamView(DreamScene(ds))
    qtbot.addWidget(view)
    minimap = MiniMap(view)
    minimap.resize(160, 100)
    monkeypatch.setattr(MiniMap, "devicePixelRatioF", lambda self: 2.0)
    image = minimap._render()
    assert image.devicePixelRatio() == 2.0 and image.width() == 320
    layer = OverviewLayer()
    target = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    target.setDevicePixelRatio(2.0)
    painter = QPainter(target)
    layer.draw(painter, view.dream_scene(), 0.1)
    painter.end()
    assert layer._image is not None and layer._image.devicePixelRatio() == 2.0
