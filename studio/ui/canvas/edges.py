"""Transitions: bezier geometry, EdgeItem (selection and hit-testing) and the EdgeLayer that draws them.

An EdgeItem has no contents of its own. Painting 500 edges as 500 items costs ~10 µs of
per-item overhead each before a single pixel is drawn, so one EdgeLayer item per scene
strokes all edges in the exposed area with a few batched paths instead. Long edges that
cross the view are clipped to their visible piece, and edges too long to ever fit on
screen at detail zoom use Qt's aliased stroker, which is four times faster.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QStaticText,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from studio.model import Edge, Node

from .geometry import (
    ARROW_LEN,
    LABEL_MAX_W,
    LOD_PLAIN,
    LOD_SIMPLE,
    NODE_H,
    NODE_W,
    PORT_R,
    Z_EDGE,
    CanvasContext,
    lod_of,
    metrics,
    paint_badge,
    static_text,
    visible_rect,
)
from .style import fonts


class EdgeEnd(Protocol):
    """A card an edge joins (a NodeItem); edges never import the items module."""

    node: Node
    edges: list[EdgeItem]

    def pos(self) -> QPointF: ...


LONG_EDGE = 4000.0  # longer than any viewport at LOD_SIMPLE: drawn aliased
DENSE_EDGES = 3000  # above this many edges, zoomed-out edges are aliased straight lines
_SAMPLES = 32
_DECOR_W = LABEL_MAX_W + 48
_HUGE = QRectF(-1e7, -1e7, 2e7, 2e7)
_BY_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect


# -------------------------------------------------------------------- bezier math
def _controls(
    x0: float, y0: float, tx: float, ty: float, loop: bool
) -> tuple[float, float, float, float, float, float, float, float]:
    """(c1x, c1y, c2x, c2y, p3x, p3y, dirx, diry) of the curve from (x0, y0) to an arrow tip."""
    if loop:
        dx, dy = 0.5369, 0.8437  # unit (70, 110)
        p3x, p3y = tx - dx * ARROW_LEN, ty - dy * ARROW_LEN
        return x0 + 70, y0 - 120, p3x - 70, p3y - 110, p3x, p3y, dx, dy
    p3x, p3y = tx - ARROW_LEN, ty
    dist = p3x - x0
    if dist >= 0:
        d = max(28.0, dist * 0.5)
        return x0 + d, y0, p3x - d, p3y, p3x, p3y, 1.0, 0.0
    d = min(240.0, 70.0 + -dist * 0.25)
    bow = NODE_H * 1.1 + min(-dist, 900.0) * 0.12 if abs(p3y - y0) < NODE_H else 0.0
    return x0 + d, y0 + bow, p3x - d, p3y + bow, p3x, p3y, 1.0, 0.0


def edge_controls(
    p_out: QPointF, tip: QPointF, loop: bool
) -> tuple[QPointF, QPointF, QPointF, QPointF, QPointF]:
    """Bezier (p0, c1, c2, p3) from an output port to just before the arrow, and its direction.

    Forward edges leave and arrive horizontally; backward edges on about the same row bow
    below the cards instead of cutting through them; a self-loop arcs over its card.
    """
    c1x, c1y, c2x, c2y, p3x, p3y, dx, dy = _controls(p_out.x(), p_out.y(), tip.x(), tip.y(), loop)
    return QPointF(p_out), QPointF(c1x, c1y), QPointF(c2x, c2y), QPointF(p3x, p3y), QPointF(dx, dy)


def _bezier_point(g: tuple[float, ...], t: float) -> tuple[float, float]:
    u = 1.0 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * g[0] + b * g[2] + c * g[4] + d * g[6], a * g[1] + b * g[3] + c * g[5] + d * g[7])


def _split(p: tuple[float, ...], t: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    x0, y0, x1, y1, x2, y2, x3, y3 = p
    ax, ay = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    bx, by = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
    cx, cy = x2 + (x3 - x2) * t, y2 + (y3 - y2) * t
    dx, dy = ax + (bx - ax) * t, ay + (by - ay) * t
    ex, ey = bx + (cx - bx) * t, by + (cy - by) * t
    fx, fy = dx + (ex - dx) * t, dy + (ey - dy) * t
    return (x0, y0, ax, ay, dx, dy, fx, fy), (fx, fy, ex, ey, cx, cy, x3, y3)


def sub_bezier(g: tuple[float, ...], t0: float, t1: float) -> tuple[float, ...]:
    """Control points of the piece of cubic `g` between t0 and t1 (de Casteljau, twice)."""
    left = _split(g, t1)[0] if t1 < 1.0 else g
    return _split(left, t0 / t1)[1] if t0 > 0.0 else left


# ------------------------------------------------------------------------- items
class EdgeItem(QGraphicsItem):
    """A transition's selection, hit area and tooltip anchor; the EdgeLayer paints it.

    Geometry is kept as plain floats; the QPainterPath, the label layout and the samples
    used to clip long curves are built lazily, so building 12,500 edges stays cheap.
    """

    def __init__(self, edge: Edge, source: EdgeEnd, target: EdgeEnd, ctx: CanvasContext) -> None:
        super().__init__()
        self.edge = edge
        self.ctx = ctx
        self.source = source
        self.target = target
        self.badge: str | None = None
        self.highlighted = False
        self._path: QPainterPath | None = None
        self._shape: QPainterPath | None = None
        self._samples: list[tuple[float, float]] | None = None
        self._label: tuple[str, float, QStaticText | None] | None = None  # text, width, layout
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flags.ItemIsSelectable | flags.ItemHasNoContents)
        self.setZValue(Z_EDGE)
        self._compute()

    @property
    def edge_id(self) -> str:
        return self.edge.id

    def attach(self) -> None:
        self.source.edges.append(self)
        if self.target is not self.source:
            self.target.edges.append(self)

    def detach(self) -> None:
        for end in (self.source, self.target):
            if self in end.edges:
                end.edges.remove(self)

    # -------------------------------------------------------------- geometry
    def _compute(self) -> None:
        s = self.source.pos()
        t = self.target.pos()
        x0, y0 = s.x() + NODE_W, s.y() + NODE_H / 2
        tx, ty = t.x() - PORT_R - 1.5, t.y() + NODE_H / 2
        c1x, c1y, c2x, c2y, p3x, p3y, dx, dy = _controls(x0, y0, tx, ty, self.source is self.target)
        self._g = (x0, y0, c1x, c1y, c2x, c2y, p3x, p3y)
        self._tip = (tx, ty)
        self._dir = (dx, dy)
        self._mid = ((x0 + 3 * c1x + 3 * c2x + p3x) / 8, (y0 + 3 * c1y + 3 * c2y + p3y) / 8)
        left, right = min(x0, c1x, c2x, p3x, tx), max(x0, c1x, c2x, p3x, tx)
        top, bottom = min(y0, c1y, c2y, p3y, ty), max(y0, c1y, c2y, p3y, ty)
        self.is_long = max(right - left, bottom - top) > LONG_EDGE
        self.has_decor = bool(self.edge.label or self.edge.condition or self.badge)
        if self.has_decor:
            mx, my = self._mid
            left, right = min(left, mx - _DECOR_W / 2), max(right, mx + _DECOR_W / 2)
            top, bottom = min(top, my - 10), max(bottom, my + 10)
        self._bounds = QRectF(left - 6, top - 6, right - left + 12, bottom - top + 12)

    def update_geometry(self) -> None:
        """An end moved: recompute, and have the layer repaint the old and new area."""
        old = self._bounds
        self.prepareGeometryChange()
        self._path = None
        self._shape = None
        self._samples = None
        self._label = None
        self._compute()
        self.ctx.geometry_rev += 1  # bounds changed: cached layer queries are stale
        self.ctx.edges_dirty(old)
        self.ctx.edges_dirty(self._bounds)

    def refresh(self) -> None:
        """The record changed (label, condition): recompute and repaint."""
        self.update_geometry()

    def repaint(self) -> None:
        self.ctx.edges_dirty(self._bounds)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
    ) -> None:
        """Never called (ItemHasNoContents): the EdgeLayer draws every edge."""

    def path(self) -> QPainterPath:
        if self._path is None:
            g = self._g
            path = QPainterPath(QPointF(g[0], g[1]))
            path.cubicTo(g[2], g[3], g[4], g[5], g[6], g[7])
            path.lineTo(self._tip[0], self._tip[1])
            self._path = path
        return self._path

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            shape = stroker.createStroke(self.path())
            if self._label_info()[0] or self.edge.condition or self.badge:
                shape.addRect(self._decor_rect())
            self._shape = shape
        return self._shape

    def midpoint(self) -> QPointF:
        return QPointF(*self._mid)

    def set_state(self, *, badge: Any = ..., highlighted: Any = ...) -> None:
        if badge is not ... and badge != self.badge:
            self.badge = badge
            self.update_geometry()
        if highlighted is not ... and highlighted != self.highlighted:
            self.highlighted = highlighted
            self.repaint()
            self.ctx.touch_overview()

    # ------------------------------------------------------------- decoration
    def _label_info(self) -> tuple[str, float, QStaticText | None]:
        """The label elided to the room between the cards (hidden when there is none)."""
        if self._label is None:
            label = self.edge.label
            text = ""
            if label:
                g = self._g
                if self.source is self.target:
                    room = LABEL_MAX_W
                else:
                    room = min(
                        LABEL_MAX_W,
                        abs(g[6] - g[0]) - 24,
                        math.hypot(g[6] - g[0], g[7] - g[1]) - 24,
                    )
                if room >= 48:
                    text = metrics("label").elidedText(
                        label, Qt.TextElideMode.ElideRight, room - 12
                    )
                    if text != label and len(text.rstrip("…").strip()) < 6:
                        text = ""  # a stub like "Lo…" says nothing: the tooltip has it
            width = metrics("label").horizontalAdvance(text) if text else 0.0
            self._label = (text, width, None)
        return self._label

    def _decor_rect(self) -> QRectF:
        """Where the label pill (with its condition diamond and badge) sits: on the midpoint."""
        text, width, _ = self._label_info()
        w = width + (16 if self.edge.condition else 0) + (16 if self.badge else 0)
        if text:
            w += 12
        w = max(w, 16.0)
        return QRectF(self._mid[0] - w / 2, self._mid[1] - 9, w, 18)

    def add_visible(self, path: QPainterPath, exposed: QRectF) -> None:
        """Append the curve to `path`: whole, or for a long edge only the piece in `exposed`."""
        g = self._g
        bounds = self._bounds
        if (
            self.is_long
            or (bounds.width() < 1500 and bounds.height() < 1500)
            or exposed.contains(bounds)
        ):
            # long edges go to the aliased stroker, which skips off-screen parts cheaply
            path.moveTo(g[0], g[1])
            path.cubicTo(g[2], g[3], g[4], g[5], g[6], g[7])
            path.lineTo(self._tip[0], self._tip[1])
            return
        if self._samples is None:
            self._samples = [_bezier_point(g, i / _SAMPLES) for i in range(_SAMPLES + 1)]
        margin = 40.0  # how far the curve may stray from its sampled chords, plus the pen
        left, top = exposed.left() - margin, exposed.top() - margin
        right, bottom = exposed.right() + margin, exposed.bottom() + margin
        first = last = -1
        samples = self._samples
        ax, ay = samples[0]
        for i in range(_SAMPLES):
            bx, by = samples[i + 1]
            if (
                (ax if ax > bx else bx) >= left
                and (ax if ax < bx else bx) <= right
                and (ay if ay > by else by) >= top
                and (ay if ay < by else by) <= bottom
            ):
                if first < 0:
                    first = i
                last = i
            ax, ay = bx, by
        if first < 0:
            return
        p = sub_bezier(g, first / _SAMPLES, (last + 1) / _SAMPLES)
        path.moveTo(p[0], p[1])
        path.cubicTo(p[2], p[3], p[4], p[5], p[6], p[7])
        if last == _SAMPLES - 1:
            path.lineTo(self._tip[0], self._tip[1])

    def add_arrow(self, path: QPainterPath) -> None:
        tx, ty = self._tip
        dx, dy = self._dir
        bx, by = tx - dx * ARROW_LEN, ty - dy * ARROW_LEN
        path.moveTo(tx, ty)
        path.lineTo(bx - dy * 4.5, by + dx * 4.5)
        path.lineTo(bx + dy * 4.5, by - dx * 4.5)
        path.closeSubpath()

    def tip(self) -> tuple[float, float]:
        return self._tip

    def decor_parts(
        self,
    ) -> tuple[QRectF | None, QPointF | None, QPointF, QStaticText | None, QPointF | None]:
        """Where the pill, condition diamond, label text and badge go (each may be absent)."""
        has_cond = bool(self.edge.condition)
        text, width, layout = self._label_info()
        rect = self._decor_rect()
        x = rect.x() + (8 if text else rect.width() / 2 - (8 if self.badge else 0))
        cy = rect.center().y()
        diamond = None
        if has_cond:
            diamond = QPointF(x, cy)
            x += 12 if text else 16
        text_at = QPointF()
        if text:
            if layout is None:
                layout = static_text(text)
                self._label = (text, width, layout)
            x += 0 if has_cond else -2
            text_at = QPointF(x, cy - layout.size().height() / 2)
            x += width + 10
        badge = QPointF(x if text else x + 8, cy) if self.badge else None
        return (rect if text else None), diamond, text_at, (layout if text else None), badge

    def paint_decor(self, painter: QPainter, color: QColor) -> None:
        """The label pill on the midpoint, with the condition diamond and the lint badge."""
        paint_decorations(painter, [self], self.ctx.theme, color)


def _diamond_polygon(c: QPointF, r: float) -> QPolygonF:
    x, y = c.x(), c.y()
    return QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)])


def paint_decorations(
    painter: QPainter, items: list[EdgeItem], theme: Any, border: QColor | None = None
) -> None:
    """Labels, condition marks and badges of edges, each pill drawn as two small fills."""
    rim = border if border is not None else theme.card_border
    font_set = False
    for item in items:
        rect, diamond, text_at, layout, badge = item.decor_parts()
        painter.setPen(Qt.PenStyle.NoPen)
        if rect is not None:
            painter.setBrush(rim)
            painter.drawRoundedRect(rect, 9, 9)
            painter.setBrush(theme.label_pill)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 8, 8)
        if diamond is not None:
            painter.setBrush(theme.background)
            painter.drawPolygon(_diamond_polygon(diamond, 7.0))
            painter.setBrush(theme.condition)
            painter.drawPolygon(_diamond_polygon(diamond, 5.5))
        if layout is not None:
            if not font_set:
                painter.setFont(fonts()["label"])
                font_set = True
            painter.setPen(theme.edge_label)
            painter.drawStaticText(text_at, layout)
        if badge is not None and item.badge:
            paint_badge(painter, badge, item.badge, theme)


class EdgeLayer(QGraphicsItem):
    """Draws every edge in the exposed area with a handful of batched painter calls."""

    def __init__(self, ctx: CanvasContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_EDGE)

    def boundingRect(self) -> QRectF:
        return _HUGE

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never under the mouse

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
    ) -> None:
        lod = lod_of(painter.worldTransform())
        if lod < LOD_PLAIN:
            return  # the view's overview draws edges this far out
        ctx = self.ctx
        theme = ctx.theme
        exposed = visible_rect(painter, option)
        detail = lod >= LOD_SIMPLE
        # Far enough out that thousands of edges show, big graphs trade curves for speed.
        smooth = detail or len(ctx.scene.edge_items()) <= DENSE_EDGES
        near = exposed.adjusted(-12, -12, 12, 12)
        decor_zone = exposed.adjusted(-_DECOR_W, -12, _DECOR_W, 12)
        solid, dashed, long_solid, long_dashed = (
            QPainterPath(),
            QPainterPath(),
            QPainterPath(),
            QPainterPath(),
        )
        arrows = QPainterPath()
        arrows.setFillRule(Qt.FillRule.WindingFill)  # arrows meeting at one port must not cancel
        special: list[EdgeItem] = []
        decor: list[EdgeItem] = []
        lines: list[QLineF] = []  # big graph, zoomed out: straight lines, as in the overview
        for item in ctx.items_in(exposed):
            if type(item) is not EdgeItem:
                continue
            if item.highlighted or item.isSelected():
                special.append(item)
                continue
            if not smooth:
                g = item._g
                lines.append(QLineF(g[0], g[1], item._tip[0], item._tip[1]))
                continue
            if detail and item.edge.condition:
                target = long_dashed if item.is_long else dashed
            else:
                target = long_solid if item.is_long else solid
            item.add_visible(target, exposed)
            if detail:
                tx, ty = item._tip
                if near.contains(tx, ty):
                    item.add_arrow(arrows)
                if item.has_decor and decor_zone.contains(*item._mid):
                    decor.append(item)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pen = QPen(theme.edge, 1.0)
        pen.setCosmetic(True)  # one device pixel: Qt's fast thin-line stroker, dashes included
        painter.setPen(pen)
        painter.drawPath(solid)
        aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawPath(long_solid)
        if lines:
            painter.drawLines(lines)
        pen.setDashPattern([4.0, 3.0])
        painter.setPen(pen)
        painter.drawPath(long_dashed)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        painter.drawPath(dashed)
        if detail:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.edge)
            painter.drawPath(arrows)
        for item in special:
            self._paint_special(painter, item, exposed, detail)
        paint_decorations(painter, decor, theme)

    def _paint_special(
        self, painter: QPainter, item: EdgeItem, exposed: QRectF, detail: bool
    ) -> None:
        theme = self.ctx.theme
        color = theme.selection if item.isSelected() else theme.path
        path = QPainterPath()
        item.add_visible(path, exposed)
        pen = QPen(color, 2.2 if detail else 2.5)
        if detail and item.edge.condition:
            pen.setDashPattern([2.0, 1.5])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if detail:
            arrow = QPainterPath()
            item.add_arrow(arrow)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawPath(arrow)
            if item.has_decor:
                item.paint_decor(painter, color)


def plain_line(item: EdgeItem) -> QLineF:
    """The straight port-to-port line the overview draws for an edge."""
    g = item._g
    return QLineF(g[0], g[1], item._tip[0], item._tip[1])
