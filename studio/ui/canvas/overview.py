"""Far-out drawing of the whole graph in a few bulk calls, cached as one image.

Painting 17,000 items one Python call at a time costs ~14 µs each, far too slow for a
fit-all of 5,000 scenes. Below LOD_PLAIN the scene's node and edge items stop painting
(ItemHasNoContents, still selectable and draggable) and the view draws this layer instead:
edges as lines, nodes as rects batched by colour, then selection, highlight and badges.
The image is rebuilt only when the zoom or anything it shows changes, so pans are blits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from .edges import plain_line
from .geometry import NODE_H, NODE_W
from .style import SEVERITY_COLORS, heat_color, kind_color

if TYPE_CHECKING:
    from .items import NodeItem
    from .scene import DreamScene

MAX_IMAGE_SIDE = 6000
ANTIALIAS_EDGE_LIMIT = 3000


class OverviewLayer:
    """The cached overview of one scene at one zoom: a base image (edges and cards, rebuilt
    on geometry changes) and a marks image on top (selection, preview, heat, badges), so an
    edit that only changes marks never redraws the ~12k edges of a large graph."""

    def __init__(self) -> None:
        self._image: QImage | None = None
        self._key: tuple[float, int, str, tuple[float, ...], float] | None = None
        self._marks: QImage | None = None
        self._marks_key: tuple[float, int, float] | None = None
        self._geometry: tuple[int, list[QLineF], dict[str, list[QRectF]]] | None = None
        self.renders = 0
        self.mark_renders = 0

    def invalidate(self) -> None:
        self._key = None
        self._marks_key = None

    def draw(self, painter: QPainter, scene: DreamScene, scale: float) -> None:
        """Paint the overview through `painter` (in scene coordinates, at view `scale`)."""
        bounds = scene.items_bounding_rect()
        if bounds.isNull() or scale <= 0:
            return
        bounds = bounds.adjusted(-8, -8, 8, 8)
        side = max(bounds.width(), bounds.height()) * scale
        if side > MAX_IMAGE_SIDE:  # too large to cache: draw straight into the view
            self.render(painter, scene, scale)
            return
        ctx = scene.ctx
        # Rendered in device pixels, so the picture stays sharp on high-DPI screens.
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        edges = (bounds.x(), bounds.y(), bounds.width(), bounds.height())
        key = (round(scale, 6), ctx.geometry_rev, ctx.theme.name, edges, ratio)
        if self._key != key or self._image is None:
            self._image = self._render_image(scene, bounds, scale, ratio, self.render_base)
            self._key = key
            self._marks_key = None
            self.renders += 1
        marks_key = (round(scale, 6), ctx.overview_rev, ratio)
        if self._marks_key != marks_key or self._marks is None:
            self._marks = self._render_image(scene, bounds, scale, ratio, self.render_marks)
            self._marks_key = marks_key
            self.mark_renders += 1
        device = painter.worldTransform().map(bounds.topLeft())
        at = QPointF(round(device.x()), round(device.y()))
        painter.save()
        painter.resetTransform()
        painter.drawImage(at, self._image)
        painter.drawImage(at, self._marks)
        painter.restore()

    def _render_image(
        self,
        scene: DreamScene,
        bounds: QRectF,
        scale: float,
        ratio: float,
        paint: Callable[[QPainter, DreamScene, float], None],
    ) -> QImage:
        """One layer in device pixels (ratio = the screen's pixels per logical pixel)."""
        width = max(1, int(bounds.width() * scale * ratio) + 2)
        height = max(1, int(bounds.height() * scale * ratio) + 2)
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        paint(painter, scene, scale)
        painter.end()
        return image

    def _lists(self, scene: DreamScene) -> tuple[list[QLineF], dict[str, list[QRectF]]]:
        """Every edge as a line and every card as a rect by kind, rebuilt only on geometry change."""
        rev = scene.ctx.geometry_rev
        if self._geometry is None or self._geometry[0] != rev:
            lines = [plain_line(item) for item in scene.edge_items()]
            rects: dict[str, list[QRectF]] = defaultdict(list)
            for item in scene.node_items():
                p = item.pos()
                rects[item.node.kind].append(QRectF(p.x(), p.y(), NODE_W, NODE_H))
            self._geometry = (rev, lines, dict(rects))
        return self._geometry[1], self._geometry[2]

    def render(self, painter: QPainter, scene: DreamScene, scale: float) -> None:
        """Edges and cards, then the marks on top."""
        self.render_base(painter, scene, scale)
        self.render_marks(painter, scene, scale)

    def render_base(self, painter: QPainter, scene: DreamScene, scale: float) -> None:
        """Every edge as a plain line and every card as a rect coloured by kind."""
        theme = scene.ctx.theme
        lines, rects = self._lists(scene)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(lines) <= ANTIALIAS_EDGE_LIMIT)
        painter.setPen(QPen(theme.edge_overview, 0))
        painter.drawLines(lines)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for kind, kind_rects in rects.items():
            painter.setBrush(kind_color(kind))
            painter.drawRects(kind_rects)

    def render_marks(self, painter: QPainter, scene: DreamScene, scale: float) -> None:
        """The few marked edges and cards: path, heat, preview highlight, selection, badges."""
        theme = scene.ctx.theme
        marked = [plain_line(e) for e in scene.marked_edges()]
        if marked:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(theme.path, 0))
            painter.drawLines(marked)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        heated, selected, lit, badges = scene.marked_nodes()
        for item in heated:
            painter.setBrush(heat_color(item.heat or 0.0))
            painter.drawRect(_card(item))
        outline = max(2.0, 2.0 / max(scale, 1e-6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if lit:
            painter.setPen(QPen(theme.current, outline))
            painter.drawRects([_card(i) for i in lit])
        if selected:
            painter.setPen(QPen(theme.selection, outline))
            painter.drawRects([_card(i) for i in selected])
        if badges:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            radius = max(9.0, 3.5 / max(scale, 1e-6))
            painter.setPen(Qt.PenStyle.NoPen)
            for item in badges:
                p = item.pos()
                painter.setBrush(QColor(SEVERITY_COLORS.get(item.badge or "", "#888888")))
                painter.drawEllipse(QPointF(p.x() + NODE_W, p.y()), radius, radius)


def _card(item: NodeItem) -> QRectF:
    p = item.pos()
    return QRectF(p.x(), p.y(), NODE_W, NODE_H)
