"""Canvas items: node cards, bezier transitions and group frames, drawn with level of detail.

Items only *show* the model: they hold a reference to their record, read it at paint time
and never write it. Positions change visually while the user drags; the scene turns the
drag into one intent signal and the model's events put items where the model says.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QStaticText,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from studio.model import Edge, Group, Node

from .style import SEVERITY_COLORS, Theme, fonts, heat_color, icon_pixmap, kind_color

if TYPE_CHECKING:
    from .scene import DreamScene

# ----------------------------------------------------------------- geometry
NODE_W = 180.0
NODE_H = 84.0
HEADER_H = 26.0
RADIUS = 7.0
PORT_R = 5.0
PORT_HIT = 11.0
ARROW_LEN = 9.0
LABEL_MAX_W = 150.0
GROUP_PAD = 16.0
GROUP_TITLE_H = 26.0

# Below LOD_SIMPLE cards are filled rounded rects; below LOD_PLAIN plain rects (and the
# view switches to its bulk overview drawing, see overview.py).
LOD_SIMPLE = 0.4
LOD_PLAIN = 0.15

CARD = QRectF(0, 0, NODE_W, NODE_H)
IN_PORT = QPointF(0, NODE_H / 2)
OUT_PORT = QPointF(NODE_W, NODE_H / 2)
NODE_BOUNDS = CARD.adjusted(-12, -12, 12, 12)
BADGE_CENTER = QPointF(NODE_W - 3, 3)

Z_GROUP = -10.0
Z_EDGE = -1.0
Z_NODE = 0.0
Z_NODE_SELECTED = 1.0
Z_PREVIEW = 10.0

_GIC = QGraphicsItem.GraphicsItemChange
_POS_CHANGE = _GIC.ItemPositionChange
_POS_CHANGED = _GIC.ItemPositionHasChanged
_SEL_CHANGED = _GIC.ItemSelectedHasChanged
_SEL_CHANGE = _GIC.ItemSelectedChange
_lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform


def _card_path() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(CARD, RADIUS, RADIUS)
    return path


def _header_path() -> QPainterPath:
    """The card's top band: rounded top corners, square bottom."""
    r, w, h = RADIUS, NODE_W, HEADER_H
    path = QPainterPath(QPointF(0, h))
    path.lineTo(0, r)
    path.arcTo(QRectF(0, 0, 2 * r, 2 * r), 180, -90)
    path.lineTo(w - r, 0)
    path.arcTo(QRectF(w - 2 * r, 0, 2 * r, 2 * r), 90, -90)
    path.lineTo(w, h)
    path.closeSubpath()
    return path


def _body_path() -> QPainterPath:
    r, w, h = RADIUS, NODE_W, NODE_H
    path = QPainterPath(QPointF(0, HEADER_H))
    path.lineTo(w, HEADER_H)
    path.lineTo(w, h - r)
    path.arcTo(QRectF(w - 2 * r, h - 2 * r, 2 * r, 2 * r), 0, -90)
    path.lineTo(r, h)
    path.arcTo(QRectF(0, h - 2 * r, 2 * r, 2 * r), 270, -90)
    path.closeSubpath()
    return path


def _node_shape() -> QPainterPath:
    path = _card_path()
    for centre in (IN_PORT, OUT_PORT):
        port = QPainterPath()
        port.addEllipse(centre, PORT_HIT, PORT_HIT)
        path = path.united(port)
    return path


CARD_PATH = _card_path()
HEADER_PATH = _header_path()
BODY_PATH = _body_path()
NODE_SHAPE = _node_shape()


def metrics(name: str) -> QFontMetricsF:
    cached = _METRICS.get(name)
    if cached is None:
        cached = _METRICS[name] = QFontMetricsF(fonts()[name])
    return cached


_METRICS: dict[str, QFontMetricsF] = {}


def wrap_excerpt(text: str, fm: QFontMetricsF, width: float, lines: int = 2) -> str:
    """The first `lines` lines of word-wrapped text, the last one elided: a card's excerpt."""
    words = " ".join(text.split()).split(" ")
    out: list[str] = []
    i = 0
    while i < len(words) and len(out) < lines - 1:
        line = words[i]
        i += 1
        if fm.horizontalAdvance(line) > width:  # one very long word: elide it on its own line
            out.append(fm.elidedText(line, Qt.TextElideMode.ElideRight, width))
            continue
        while i < len(words) and fm.horizontalAdvance(line + " " + words[i]) <= width:
            line += " " + words[i]
            i += 1
        out.append(line)
    if i < len(words):
        out.append(fm.elidedText(" ".join(words[i:]), Qt.TextElideMode.ElideRight, width))
    return "\u2028".join(x for x in out if x)  # QStaticText breaks lines on U+2028, not \n


def _static(text: str, width: float | None = None) -> QStaticText:
    st = QStaticText(text)
    st.setTextFormat(Qt.TextFormat.PlainText)
    st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    if width is not None:
        st.setTextWidth(width)
    return st


def _intensity_color(value: float) -> QColor:
    if value < 0.34:
        return QColor("#4fb98a")
    if value < 0.67:
        return QColor("#e0a040")
    return QColor("#e25c5c")


class CanvasContext:
    """State every item of one scene shares: theme, snapping, drag and overview flags."""

    def __init__(self, scene: DreamScene, theme: Theme) -> None:
        self.scene = scene
        self.theme = theme
        self.snap = False
        self.grid = 20
        self.dragging = False
        self.overview = False
        self.overview_rev = 0

    def snapped(self, point: QPointF) -> QPointF:
        g = self.grid
        return QPointF(round(point.x() / g) * g, round(point.y() / g) * g)

    def touch_overview(self) -> None:
        """Something the overview shows changed; repaint it if it is on screen."""
        self.overview_rev += 1
        if self.overview:
            self.scene.overview_dirty()


# ===================================================================== nodes
class NodeItem(QGraphicsItem):
    """A dream scene as a card: kind header, excerpt, minutes and intensity, two ports."""

    def __init__(self, node: Node, ctx: CanvasContext) -> None:
        super().__init__()
        self.node = node
        self.ctx = ctx
        self.edges: list[EdgeItem] = []
        self.groups: list[GroupItem] = []
        self.badge: str | None = None
        self.highlight: str | None = None  # "current" | "path" | None
        self.heat: float | None = None
        self.drop_target = False
        self._texts: tuple[QStaticText, QStaticText, QStaticText] | None = None
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flags.ItemIsMovable | flags.ItemIsSelectable
                      | flags.ItemSendsGeometryChanges
                      | (flags.ItemHasNoContents if ctx.overview else flags(0)))
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setPos(node.x, node.y)

    @property
    def node_id(self) -> str:
        return self.node.id

    # --------------------------------------------------------------- geometry
    def boundingRect(self) -> QRectF:
        return NODE_BOUNDS

    def shape(self) -> QPainterPath:
        return NODE_SHAPE

    def in_port_scene(self) -> QPointF:
        return self.pos() + IN_PORT

    def out_port_scene(self) -> QPointF:
        return self.pos() + OUT_PORT

    def hits_out_port(self, scene_pos: QPointF) -> bool:
        local = self.mapFromScene(scene_pos) - OUT_PORT
        return local.x() * local.x() + local.y() * local.y() <= PORT_HIT * PORT_HIT

    def hits_in_port(self, scene_pos: QPointF) -> bool:
        local = self.mapFromScene(scene_pos) - IN_PORT
        return local.x() * local.x() + local.y() * local.y() <= PORT_HIT * PORT_HIT

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == _POS_CHANGED:
            for edge in self.edges:
                edge.update_geometry()
            for group in self.groups:
                group.refresh_bounds()
            self.ctx.touch_overview()
        elif change == _POS_CHANGE:
            if self.ctx.dragging and self.ctx.snap:
                return self.ctx.snapped(value)
        elif change == _SEL_CHANGED:
            self.setZValue(Z_NODE_SELECTED if value else Z_NODE)
            self.ctx.touch_overview()
        return super().itemChange(change, value)

    # ---------------------------------------------------------------- state
    def refresh(self) -> None:
        """The record changed: drop cached text, repaint."""
        self._texts = None
        self.update()
        self.ctx.touch_overview()

    def set_state(self, *, badge: Any = ..., highlight: Any = ..., heat: Any = ...,
                  drop_target: Any = ...) -> None:
        changed = False
        for name, value in (("badge", badge), ("highlight", highlight), ("heat", heat),
                            ("drop_target", drop_target)):
            if value is not ... and getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        if changed:
            self.update()
            self.ctx.touch_overview()

    def _prepare_texts(self) -> tuple[QStaticText, QStaticText, QStaticText]:
        node = self.node
        title_w = NODE_W - 30 - 12
        title = metrics("title").elidedText(node.display_title, Qt.TextElideMode.ElideRight,
                                            title_w)
        excerpt = wrap_excerpt(node.text, metrics("body"), NODE_W - 20) if node.text else ""
        minutes = f"{node.minutes:g} min"
        self._texts = (_static(title), _static(excerpt), _static(minutes))
        return self._texts

    # ---------------------------------------------------------------- paint
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
              ) -> None:
        lod = _lod(painter.worldTransform())
        if lod < LOD_SIMPLE:
            self._paint_simple(painter, lod)
        else:
            self._paint_full(painter, lod)

    def _fill_color(self) -> QColor:
        return heat_color(self.heat) if self.heat is not None else kind_color(self.node.kind)

    def _paint_simple(self, painter: QPainter, lod: float) -> None:
        theme = self.ctx.theme
        painter.setBrush(self._fill_color())
        if self.isSelected():
            painter.setPen(QPen(theme.selection, 0 if lod < LOD_PLAIN else 3))
        elif self.highlight is not None:
            painter.setPen(QPen(theme.current, 0 if lod < LOD_PLAIN else 3))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        if lod < LOD_PLAIN:
            painter.drawRect(CARD)
            return
        painter.drawRoundedRect(CARD, RADIUS, RADIUS)
        if self.badge:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(SEVERITY_COLORS.get(self.badge, "#888888")))
            painter.drawEllipse(BADGE_CENTER, 9, 9)

    def _paint_full(self, painter: QPainter, lod: float) -> None:
        theme = self.ctx.theme
        node = self.node
        texts = self._texts or self._prepare_texts()
        kcolor = kind_color(node.kind)
        selected = self.isSelected()

        if self.highlight == "current":
            glow = QColor(theme.current)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for spread, alpha in ((9, 28), (6, 55), (3, 110)):
                glow.setAlpha(alpha)
                painter.setPen(QPen(glow, 3))
                painter.drawRoundedRect(CARD.adjusted(-spread, -spread, spread, spread),
                                        RADIUS + spread, RADIUS + spread)

        # card body and kind header
        painter.setPen(QPen(theme.card_border, 1))
        painter.setBrush(theme.card)
        painter.drawPath(CARD_PATH)
        if self.heat is not None:
            tint = heat_color(self.heat)
            tint.setAlpha(95)
            painter.fillPath(BODY_PATH, tint)
        elif self.highlight == "path":
            tint = QColor(theme.path)
            tint.setAlpha(40)
            painter.fillPath(BODY_PATH, tint)
        painter.fillPath(HEADER_PATH, kcolor)

        # icon and title
        icon_px = max(8, min(96, round(16 * lod)))
        painter.drawPixmap(QRectF(8, 5, 16, 16), icon_pixmap(node.kind, "#ffffff", icon_px),
                           QRectF(0, 0, icon_px, icon_px))
        painter.setFont(fonts()["title"])
        painter.setPen(theme.header_text)
        title_st = texts[0]
        painter.drawStaticText(QPointF(30, (HEADER_H - title_st.size().height()) / 2), title_st)

        # excerpt
        painter.setFont(fonts()["body"])
        painter.setPen(theme.text if self.heat is not None else theme.text_dim)
        painter.drawStaticText(QPointF(10, HEADER_H + 5), texts[1])

        # hint line: minutes and intensity
        y = NODE_H - 13
        painter.setPen(QPen(theme.text_dim, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(14, y), 4, 4)
        painter.drawLine(QPointF(14, y), QPointF(14, y - 2.5))
        painter.drawLine(QPointF(14, y), QPointF(15.8, y + 0.8))
        painter.setFont(fonts()["hint"])
        minutes_st = texts[2]
        painter.drawStaticText(QPointF(22, y - minutes_st.size().height() / 2), minutes_st)
        bar = QRectF(NODE_W - 10 - 44, y - 2, 44, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.track)
        painter.drawRoundedRect(bar, 2, 2)
        level = min(1.0, max(0.0, float(node.intensity)))
        if level > 0:
            painter.setBrush(_intensity_color(level))
            painter.drawRoundedRect(QRectF(bar.x(), bar.y(), max(4.0, bar.width() * level), 4),
                                    2, 2)
        painter.setPen(theme.text_dim)
        painter.drawText(QRectF(bar.x() - 60, y - 7, 55, 14),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         "intensity")
        if self.heat is not None:
            painter.setPen(theme.text)
            painter.drawText(QRectF(NODE_W - 52, HEADER_H + 2, 44, 14),
                             int(Qt.AlignmentFlag.AlignRight), f"{self.heat:.0%}")

        # ports
        painter.setBrush(theme.port_fill)
        painter.setPen(QPen(kcolor.lighter(135), 2))
        painter.drawEllipse(IN_PORT, PORT_R, PORT_R)
        painter.drawEllipse(OUT_PORT, PORT_R, PORT_R)

        # outlines: path, drop target, selection
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.highlight == "path" and not selected:
            painter.setPen(QPen(theme.path, 1.5))
            painter.drawRoundedRect(CARD, RADIUS, RADIUS)
        if self.drop_target:
            painter.setPen(QPen(theme.drop_target, 2.5))
            painter.drawRoundedRect(CARD.adjusted(-3, -3, 3, 3), RADIUS + 3, RADIUS + 3)
        if selected:
            painter.setPen(QPen(theme.selection, 2))
            painter.drawRoundedRect(CARD.adjusted(-3, -3, 3, 3), RADIUS + 3, RADIUS + 3)

        if self.badge:
            _paint_badge(painter, BADGE_CENTER, self.badge, theme)

    # ---------------------------------------------------------------- events
    def hoverMoveEvent(self, event: Any) -> None:
        if self.hits_out_port(event.scenePos()):
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.unsetCursor()
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self.unsetCursor()
        super().hoverLeaveEvent(event)

    def mouseDoubleClickEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.ctx.scene.node_activated.emit(self.node.id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


def _paint_badge(painter: QPainter, centre: QPointF, severity: str, theme: Theme) -> None:
    painter.setPen(QPen(theme.background, 2))
    painter.setBrush(QColor(SEVERITY_COLORS.get(severity, "#888888")))
    painter.drawEllipse(centre, 7.5, 7.5)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(fonts()["badge"])
    painter.drawText(QRectF(centre.x() - 7, centre.y() - 7, 14, 14),
                     int(Qt.AlignmentFlag.AlignCenter), "i" if severity == "info" else "!")


# ===================================================================== edges
def edge_controls(p_out: QPointF, tip: QPointF, loop: bool
                  ) -> tuple[QPointF, QPointF, QPointF, QPointF, QPointF]:
    """Bezier (p0, c1, c2, p3) from an output port to just before the arrow, and its direction.

    Forward edges leave and arrive horizontally; backward edges on about the same row bow
    below the cards instead of cutting through them; a self-loop arcs over its card.
    """
    if loop:
        direction = QPointF(0.5369, 0.8437)  # unit (70, 110)
        p3 = tip - direction * ARROW_LEN
        return p_out, p_out + QPointF(70, -120), p3 + QPointF(-70, -110), p3, direction
    direction = QPointF(1.0, 0.0)
    p3 = QPointF(tip.x() - ARROW_LEN, tip.y())
    dist = p3.x() - p_out.x()
    dy = p3.y() - p_out.y()
    if dist >= 0:
        dx = max(28.0, dist * 0.5)
        return p_out, QPointF(p_out.x() + dx, p_out.y()), QPointF(p3.x() - dx, p3.y()), p3, direction
    dx = min(240.0, 70.0 + -dist * 0.25)
    bow = NODE_H * 1.1 + min(-dist, 900.0) * 0.12 if abs(dy) < NODE_H else 0.0
    return (p_out, QPointF(p_out.x() + dx, p_out.y() + bow), QPointF(p3.x() - dx, p3.y() + bow),
            p3, direction)


class EdgeItem(QGraphicsItem):
    """A transition: a bezier with an arrowhead, an elided label and a condition mark."""

    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, ctx: CanvasContext
                 ) -> None:
        super().__init__()
        self.edge = edge
        self.ctx = ctx
        self.source = source
        self.target = target
        self.badge: str | None = None
        self.highlighted = False
        self._path: QPainterPath | None = None
        self._shape: QPainterPath | None = None
        self._label_st: QStaticText | None = None
        self._label_text = ""
        self._label_w = 0.0
        self._bounds = QRectF()
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flags.ItemIsSelectable
                      | (flags.ItemHasNoContents if ctx.overview else flags(0)))
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
        src, dst = self.source, self.target
        tip = dst.pos() + QPointF(-PORT_R - 1.5, NODE_H / 2)
        p0, c1, c2, p3, direction = edge_controls(src.pos() + OUT_PORT, tip, src is dst)
        self._p0, self._c1, self._c2, self._p3, self._tip, self._dir = p0, c1, c2, p3, tip, direction
        self._mid = (p0 + c1 * 3 + c2 * 3 + p3) / 8
        xs = (p0.x(), c1.x(), c2.x(), p3.x(), tip.x())
        ys = (p0.y(), c1.y(), c2.y(), p3.y(), tip.y())
        bounds = QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs), max(ys)))
        # label: shown only where there is room between the cards, elided to fit
        label = self.edge.label
        if src is dst:
            room = LABEL_MAX_W
        else:
            room = min(LABEL_MAX_W, abs(p3.x() - p0.x()) - 24, math.hypot(p3.x() - p0.x(),
                                                                        p3.y() - p0.y()) - 24)
        text = ""
        if label and room >= 40:
            text = metrics("label").elidedText(label, Qt.TextElideMode.ElideRight, room - 12)
            if text == "…":
                text = ""
        if text != self._label_text:
            self._label_text = text
            self._label_st = None
            self._label_w = metrics("label").horizontalAdvance(text) if text else 0.0
        extra = self._decor_rect()
        self._bounds = bounds.united(extra).adjusted(-6, -6, 6, 6)

    def _decor_rect(self) -> QRectF:
        """Where the label pill (with its condition diamond and badge) sits: on the midpoint."""
        w = self._label_w + (16 if self.edge.condition else 0) + (16 if self.badge else 0)
        if self._label_text:
            w += 12
        w = max(w, 16.0)
        return QRectF(self._mid.x() - w / 2, self._mid.y() - 9, w, 18)

    def update_geometry(self) -> None:
        self.prepareGeometryChange()
        self._path = None
        self._shape = None
        self._compute()

    def refresh(self) -> None:
        """The record changed (label, condition): recompute and repaint."""
        self._label_text = "\0"  # force re-elision
        self.update_geometry()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def path(self) -> QPainterPath:
        if self._path is None:
            path = QPainterPath(self._p0)
            path.cubicTo(self._c1, self._c2, self._p3)
            path.lineTo(self._tip)
            self._path = path
        return self._path

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            shape = stroker.createStroke(self.path())
            if self._label_text or self.edge.condition or self.badge:
                shape.addRect(self._decor_rect())
            self._shape = shape
        return self._shape

    def midpoint(self) -> QPointF:
        return QPointF(self._mid)

    def set_state(self, *, badge: Any = ..., highlighted: Any = ...) -> None:
        changed = False
        if badge is not ... and badge != self.badge:
            self.badge = badge
            self.update_geometry()
            changed = True
        if highlighted is not ... and highlighted != self.highlighted:
            self.highlighted = highlighted
            changed = True
        if changed:
            self.update()

    # ---------------------------------------------------------------- paint
    def _color(self) -> QColor:
        theme = self.ctx.theme
        if self.isSelected():
            return theme.selection
        if self.highlighted:
            return theme.path
        return theme.edge

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
              ) -> None:
        lod = _lod(painter.worldTransform())
        color = self._color()
        if lod < LOD_PLAIN:
            painter.setPen(QPen(color, 0))
            painter.drawLine(QLineF(self._p0, self._tip))
            return
        emphasised = self.isSelected() or self.highlighted
        if lod < LOD_SIMPLE:
            painter.setPen(QPen(color, 2.5 if emphasised else 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.path())
            return
        pen = QPen(color, 2.4 if emphasised else 1.5)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if self.edge.condition:
            pen.setDashPattern([4.0, 3.0])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        # arrowhead
        d = self._dir
        normal = QPointF(-d.y(), d.x())
        base = self._tip - d * ARROW_LEN
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF([self._tip, base + normal * 4.5, base - normal * 4.5]))
        self._paint_decor(painter)

    def _paint_decor(self, painter: QPainter) -> None:
        theme = self.ctx.theme
        has_cond = bool(self.edge.condition)
        if not (self._label_text or has_cond or self.badge):
            return
        rect = self._decor_rect()
        if self._label_text:
            painter.setPen(QPen(self._color() if self.isSelected() else theme.card_border, 1))
            painter.setBrush(theme.label_pill)
            painter.drawRoundedRect(rect, 9, 9)
        x = rect.x() + (8 if self._label_text else rect.width() / 2 - (8 if self.badge else 0))
        cy = rect.center().y()
        if has_cond:
            painter.setPen(QPen(theme.background, 1.5))
            painter.setBrush(theme.condition)
            painter.drawPolygon(QPolygonF([QPointF(x, cy - 5.5), QPointF(x + 5.5, cy),
                                           QPointF(x, cy + 5.5), QPointF(x - 5.5, cy)]))
            x += 12 if self._label_text else 16
        if self._label_text:
            if self._label_st is None:
                self._label_st = _static(self._label_text)
            painter.setFont(fonts()["label"])
            painter.setPen(theme.edge_label)
            x += 0 if has_cond else -2
            painter.drawStaticText(QPointF(x, cy - self._label_st.size().height() / 2),
                                   self._label_st)
            x += self._label_w + 10
        if self.badge:
            _paint_badge(painter, QPointF(x if self._label_text else x + 8, cy), self.badge,
                         theme)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == _SEL_CHANGE and value and self.ctx.scene.band_selecting:
            return False  # a rubber band picks scenes, not the transitions it happens to cross
        if change == _SEL_CHANGED:
            self.ctx.touch_overview()
        return super().itemChange(change, value)


# ==================================================================== groups
class GroupItem(QGraphicsItem):
    """A titled, translucent frame behind its scenes; dragging the title moves them all."""

    def __init__(self, group: Group, ctx: CanvasContext) -> None:
        super().__init__()
        self.group = group
        self.ctx = ctx
        self.members: list[NodeItem] = []
        self._rect = QRectF()
        self._title_st: QStaticText | None = None
        self._drag: tuple[QPointF, dict[str, QPointF]] | None = None
        self._suspended = False
        self.setZValue(Z_GROUP)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    @property
    def group_id(self) -> str:
        return self.group.id

    def set_members(self, members: list[NodeItem]) -> None:
        for item in self.members:
            if self in item.groups:
                item.groups.remove(self)
        self.members = members
        for item in members:
            item.groups.append(self)
        self.refresh_bounds()

    def refresh(self) -> None:
        self._title_st = None
        self.refresh_bounds()
        self.update()

    def refresh_bounds(self) -> None:
        if self._suspended:
            return
        rect = QRectF()
        for item in self.members:
            p = item.pos()
            rect = rect.united(QRectF(p.x(), p.y(), NODE_W, NODE_H))
        if not rect.isNull():
            rect = rect.adjusted(-GROUP_PAD, -GROUP_PAD - GROUP_TITLE_H, GROUP_PAD, GROUP_PAD)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.setVisible(bool(self.members))

    def frame_rect(self) -> QRectF:
        return QRectF(self._rect)

    def title_rect(self) -> QRectF:
        r = self._rect
        return QRectF(r.x(), r.y(), r.width(), GROUP_TITLE_H + 4)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.title_rect())  # the inside stays canvas: band-select, quick-add
        return path

    def color(self) -> QColor:
        color = QColor(self.group.color)
        return color if color.isValid() else QColor("#5b6ee1")

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
              ) -> None:
        if self._rect.isNull():
            return
        lod = _lod(painter.worldTransform())
        base = self.color()
        fill = QColor(base)
        fill.setAlpha(34 if self.ctx.theme.name == "dark" else 40)
        border = QColor(base)
        border.setAlpha(150)
        painter.setPen(QPen(border, 1.5 if lod >= LOD_PLAIN else 0))
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, 10, 10)
        band = QColor(base)
        band.setAlpha(95)
        title = self.title_rect().adjusted(1, 1, -1, 0)
        path = QPainterPath()
        path.addRoundedRect(title, 9, 9)
        clip = QPainterPath()
        clip.addRect(QRectF(title.x(), title.y(), title.width(), GROUP_TITLE_H))
        painter.fillPath(path.intersected(clip), band)
        if lod < LOD_PLAIN * 1.5:
            return
        if self._title_st is None:
            text = metrics("group").elidedText(self.group.title or self.group.id,
                                               Qt.TextElideMode.ElideRight,
                                               max(10.0, self._rect.width() - 24))
            self._title_st = _static(text)
        painter.setFont(fonts()["group"])
        painter.setPen(self.ctx.theme.group_title)
        painter.drawStaticText(
            QPointF(self._rect.x() + 12,
                    self._rect.y() + (GROUP_TITLE_H - self._title_st.size().height()) / 2 + 1),
            self._title_st)

    # ------------------------------------------------------------ dragging
    def mousePressEvent(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.members:
            event.ignore()
            return
        scene = self.ctx.scene
        additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        scene.select([m.node.id for m in self.members], add=additive)
        self._drag = (event.scenePos(), {m.node.id: m.pos() for m in self.members})
        self.ctx.dragging = True
        event.accept()

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag is None:
            return
        start, positions = self._drag
        delta = event.scenePos() - start
        if self.ctx.snap:
            first = next(iter(positions.values()))
            delta = self.ctx.snapped(first + delta) - first
        by_id = {m.node.id: m for m in self.members}
        self._suspended = True
        try:
            for node_id, origin in positions.items():
                item = by_id.get(node_id)
                if item is not None:
                    item.setPos(origin + delta)
        finally:
            self._suspended = False
        self.refresh_bounds()

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._drag is None:
            return
        _, positions = self._drag
        self._drag = None
        self.ctx.dragging = False
        by_id = {m.node.id: m for m in self.members}
        before = {nid: (p.x(), p.y()) for nid, p in positions.items() if nid in by_id}
        after = {nid: (by_id[nid].pos().x(), by_id[nid].pos().y()) for nid in before}
        self.ctx.scene.finish_move(before, after)
