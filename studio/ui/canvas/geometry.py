"""Shared canvas geometry and helpers: card size, ports, LOD thresholds, text layout, context.

Every item of a scene holds the same `CanvasContext`, so theme, snapping and the current
level-of-detail mode are one attribute read away at paint time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ..theme import contrast_ratio
from .style import SEVERITY_COLORS, Theme, fonts


class SceneHost(Protocol):
    """What the items ask of their scene (DreamScene); items never import the scene module."""

    node_activated: Any  # Signal(str): a card was double-clicked

    def items(self, *args: Any, **kwargs: Any) -> list[QGraphicsItem]: ...

    def selectedItems(self) -> list[QGraphicsItem]: ...  # noqa: N802 - Qt API

    def select(
        self, node_ids: Iterable[str], edge_ids: Iterable[str] = (), add: bool = False
    ) -> None: ...

    def finish_move(
        self, before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
    ) -> None: ...

    def edge_items(self) -> Collection[Any]: ...

    def overview_dirty(self) -> None: ...


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

# Below LOD_SIMPLE cards are filled rounded rects (drawn in bulk by NodeLayer); below
# LOD_PLAIN plain rects, and the view switches to its cached overview (overview.py).
LOD_SIMPLE = 0.65  # below, titles in large type: the detail title would be under 8 px
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

lod_of = QStyleOptionGraphicsItem.levelOfDetailFromTransform


def visible_rect(painter: QPainter, option: QStyleOptionGraphicsItem) -> QRectF:
    """The exposed rect, cut to the paint device: a bulk layer's bounds are the whole plane."""
    device = painter.device()
    inverse, ok = painter.worldTransform().inverted()
    exposed = option.exposedRect
    if device is None or not ok:
        return exposed
    return exposed.intersected(inverse.mapRect(QRectF(0, 0, device.width(), device.height())))


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
CARD_INNER_PATH = QPainterPath()
CARD_INNER_PATH.addRoundedRect(CARD.adjusted(1, 1, -1, -1), RADIUS - 1, RADIUS - 1)
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


def static_text(text: str, width: float | None = None) -> QStaticText:
    st = QStaticText(text)
    st.setTextFormat(Qt.TextFormat.PlainText)
    st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    if width is not None:
        st.setTextWidth(width)
    return st


def intensity_color(value: float) -> QColor:
    if value < 0.34:
        return QColor("#4fb98a")
    if value < 0.67:
        return QColor("#e0a040")
    return QColor("#e25c5c")


class CanvasContext:
    """State every item of one scene shares: theme, snapping, drag and detail mode."""

    def __init__(self, scene: SceneHost, theme: Theme) -> None:
        self.scene = scene
        self.theme = theme
        self.snap = False
        self.grid = 20
        self.dragging = False
        self.mode = "detail"  # "detail" | "simple" | "overview", set by the view's zoom
        self.overview_rev = 0
        self.geometry_rev = 0
        self._query: tuple[tuple[float, ...] | None, list[QGraphicsItem]] = (None, [])
        self.edge_layer: QGraphicsItem | None = None
        self.node_layer: QGraphicsItem | None = None

    def items_in(self, rect: QRectF) -> list[QGraphicsItem]:
        """Scene items whose bounds meet `rect`; both bulk layers of one paint share the query."""
        key = (rect.x(), rect.y(), rect.width(), rect.height(), self.geometry_rev)
        if self._query[0] != key:
            found = self.scene.items(
                rect,
                Qt.ItemSelectionMode.IntersectsItemBoundingRect,
                Qt.SortOrder.AscendingOrder,
                QTransform(),
            )
            self._query = (key, found)
        return self._query[1]

    @property
    def overview(self) -> bool:
        return self.mode == "overview"

    def snapped(self, point: QPointF) -> QPointF:
        g = self.grid
        return QPointF(round(point.x() / g) * g, round(point.y() / g) * g)

    def touch_overview(self, geometry: bool = False) -> None:
        """Something the overview shows changed (`geometry`: a position, kind or edge end)."""
        self.overview_rev += 1
        if geometry:
            self.geometry_rev += 1
        if self.mode == "overview":
            self.scene.overview_dirty()

    def edges_dirty(self, rect: QRectF) -> None:
        if self.edge_layer is not None and self.mode != "overview":
            self.edge_layer.update(rect)

    def nodes_dirty(self, rect: QRectF) -> None:
        if self.node_layer is not None and self.mode == "simple":
            self.node_layer.update(rect)


def badge_glyph_colour(severity: str) -> QColor:
    """White or black, whichever reads better on the badge's fill (amber takes black)."""
    fill = QColor(SEVERITY_COLORS.get(severity, "#888888"))
    return max((QColor("#ffffff"), QColor("#000000")), key=lambda c: contrast_ratio(c, fill))


def paint_badge(painter: QPainter, centre: QPointF, severity: str, theme: Theme) -> None:
    painter.setPen(QPen(theme.background, 2))
    painter.setBrush(QColor(SEVERITY_COLORS.get(severity, "#888888")))
    painter.drawEllipse(centre, 7.5, 7.5)
    painter.setPen(badge_glyph_colour(severity))
    painter.setFont(fonts()["badge"])
    painter.drawText(
        QRectF(centre.x() - 7, centre.y() - 7, 14, 14),
        int(Qt.AlignmentFlag.AlignCenter),
        "i" if severity == "info" else "!",
    )
