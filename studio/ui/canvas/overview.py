"""Far-out drawing of the whole graph in a few bulk calls, cached as one image.

Painting 17,000 items one Python call at a time costs ~14 µs each, far too slow for a
fit-all of 5,000 scenes. Below LOD_PLAIN the scene's node and edge items stop painting
(ItemHasNoContents, still selectable and draggable) and the view draws this layer instead:
edges as lines, nodes as rects batched by colour, then selection, highlight and badges.
The image is rebuilt only when the zoom or anything it shows changes, so pans are blits.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from .items import IN_PORT, NODE_H, NODE_W, OUT_PORT
from .style import SEVERITY_COLORS, heat_color, kind_color

if TYPE_CHECKING:
    from .scene import DreamScene

MAX_IMAGE_SIDE = 6000
ANTIALIAS_EDGE_LIMIT = 3000


class OverviewLayer:
    """The cached overview image of one scene at one zoom."""

    def __init__(self) -> None:
        self._image: QImage | None = None
        self._key: tuple[float, int] | None = None
        self._origin = QPointF()
        self.renders = 0

    def invalidate(self) -> None:
        self._key = None

    def draw(self, painter: QPainter, scene: DreamScene, scale: float) -> None:
        """Paint the overview through `painter` (in scene coordinates, at view `scale`)."""
        bounds = scene.items_bounding_rect()
        if bounds.isNull() or scale <= 0:
            return
        bounds = bounds.adjusted(-8, -8, 8, 8)
        side = max(bounds.width(), bounds.height()) * scale
        if side > MAX_IMAGE_SIDE:  # too large to cache: draw straight into the view
            render_overview(painter, scene, scale)
            return
        key = (round(scale, 6), scene.ctx.overview_rev)
        if self._key != key or self._image is None:
            self._render_image(scene, bounds, scale)
            self._key = key
        assert self._image is not None
        device = painter.worldTransform().map(bounds.topLeft())
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(round(device.x()), round(device.y())), self._image)
        painter.restore()

    def _render_image(self, scene: DreamScene, bounds: QRectF, scale: float) -> None:
        width = max(1, int(bounds.width() * scale) + 2)
        height = max(1, int(bounds.height() * scale) + 2)
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        render_overview(painter, scene, scale)
        painter.end()
        self._image = image
        self.renders += 1


def render_overview(painter: QPainter, scene: DreamScene, scale: float) -> None:
    """Edges, nodes, then marks, each batched into as few painter calls as possible."""
    theme = scene.ctx.theme
    edges = list(scene.edge_items())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing,
                          len(edges) <= ANTIALIAS_EDGE_LIMIT)
    normal: list[QLineF] = []
    marked: list[QLineF] = []
    for item in edges:
        line = QLineF(item.source.pos() + OUT_PORT, item.target.pos() + IN_PORT)
        (marked if item.highlighted or item.isSelected() else normal).append(line)
    painter.setPen(QPen(theme.edge_overview, 0))
    painter.drawLines(normal)
    if marked:
        painter.setPen(QPen(theme.path, 0))
        painter.drawLines(marked)

    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    by_color: dict[str, list[QRectF]] = defaultdict(list)
    selected: list[QRectF] = []
    lit: list[QRectF] = []
    badges: list[tuple[QPointF, str]] = []
    for item in scene.node_items():
        p = item.pos()
        rect = QRectF(p.x(), p.y(), NODE_W, NODE_H)
        color = heat_color(item.heat).name() if item.heat is not None else item.node.kind
        by_color[color].append(rect)
        if item.isSelected():
            selected.append(rect)
        elif item.highlight is not None:
            lit.append(rect)
        if item.badge:
            badges.append((QPointF(p.x() + NODE_W, p.y()), item.badge))
    painter.setPen(Qt.PenStyle.NoPen)
    for key, rects in by_color.items():
        painter.setBrush(QColor(key) if key.startswith("#") else kind_color(key))
        painter.drawRects(rects)
    outline = max(2.0, 2.0 / max(scale, 1e-6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if lit:
        painter.setPen(QPen(theme.current, outline))
        painter.drawRects(lit)
    if selected:
        painter.setPen(QPen(theme.selection, outline))
        painter.drawRects(selected)
    if badges:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        radius = max(9.0, 3.5 / max(scale, 1e-6))
        painter.setPen(Qt.PenStyle.NoPen)
        for centre, severity in badges:
            painter.setBrush(QColor(SEVERITY_COLORS.get(severity, "#888888")))
            painter.drawEllipse(centre, radius, radius)
