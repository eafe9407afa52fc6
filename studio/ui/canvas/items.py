"""Canvas items: node cards, group frames and the layer that draws cards in bulk when zoomed out.

Items only *show* the model: they hold a reference to their record, read it at paint time
and never write it. Positions change visually while the user drags; the scene turns the
drag into one intent signal and the model's events put items where the model says.
Transitions live in edges.py (re-exported here).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QStaticText, QTextOption
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from studio.model import Group, Node

from .edges import EdgeItem, EdgeLayer, edge_controls
from .geometry import (
    BADGE_CENTER,
    BODY_PATH,
    CARD,
    CARD_INNER_PATH,
    CARD_PATH,
    GROUP_PAD,
    GROUP_TITLE_H,
    HEADER_H,
    HEADER_PATH,
    IN_PORT,
    LOD_PLAIN,
    LOD_SIMPLE,
    NODE_BOUNDS,
    NODE_H,
    NODE_SHAPE,
    NODE_W,
    OUT_PORT,
    PORT_HIT,
    PORT_R,
    RADIUS,
    Z_GROUP,
    Z_NODE,
    Z_PREVIEW,
    CanvasContext,
    intensity_color,
    lod_of,
    metrics,
    paint_badge,
    static_text,
    visible_rect,
    wrap_excerpt,
)
from .style import SEVERITY_COLORS, clock_pixmap, fonts, heat_color, icon_pixmap, kind_color

__all__ = [
    "IN_PORT",
    "LOD_PLAIN",
    "LOD_SIMPLE",
    "NODE_H",
    "NODE_W",
    "OUT_PORT",
    "PORT_R",
    "Z_PREVIEW",
    "CanvasContext",
    "EdgeItem",
    "EdgeLayer",
    "GroupItem",
    "NodeItem",
    "NodeLayer",
    "edge_controls",
]

_BY_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect
_HUGE = QRectF(-1e7, -1e7, 2e7, 2e7)
_WORDS: dict[str, QStaticText] = {}
HEAT_PILL_W = 36.0


def _intensity_word() -> QStaticText:
    """One shared layout for the word every card shows."""
    word = _WORDS.get("intensity")
    if word is None:
        word = _WORDS["intensity"] = static_text("intensity")
    return word


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
        self._far_title: QStaticText | None = None
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(
            flags.ItemIsMovable
            | flags.ItemIsSelectable
            | (flags.ItemHasNoContents if ctx.mode != "detail" else flags(0))
        )
        # No item cache: measured at 1:1 on 5,000 cards, DeviceCoordinateCache saved ~2 ms
        # on repaints but cost ~5 ms on every zoom step (one new pixmap per visible card).
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

    # No itemChange override: Qt would call into Python for every flag, scene and position
    # change of 5,000 cards (six calls each just to build the scene, 10,000 to switch the
    # level of detail). The few places that move cards call `moved()` themselves.
    def move_to(self, x: float, y: float) -> None:
        """Put the card at (x, y) and bring its edges, groups and the overview along."""
        if self.pos() != QPointF(x, y):
            old = self.sceneBoundingRect()
            self.setPos(x, y)
            self.moved(old)

    def moved(self, old_rect: QRectF | None = None) -> None:
        for edge in self.edges:
            edge.update_geometry()
        for group in self.groups:
            group.refresh_bounds()
        ctx = self.ctx
        ctx.touch_overview(geometry=True)
        if old_rect is not None:
            ctx.nodes_dirty(old_rect)
        ctx.nodes_dirty(self.sceneBoundingRect())

    def mouseMoveEvent(self, event: Any) -> None:
        """Qt drags every selected card; follow up on the ones that moved (and snap them)."""
        scene = self.ctx.scene
        movers = [i for i in scene.selectedItems() if type(i) is NodeItem]
        if self not in movers:
            movers.append(self)
        before = [(item, item.pos(), item.sceneBoundingRect()) for item in movers]
        super().mouseMoveEvent(event)
        ctx = self.ctx
        for item, pos, rect in before:
            if ctx.snap:
                snapped = ctx.snapped(item.pos())
                if snapped != item.pos():
                    item.setPos(snapped)
            if item.pos() != pos:
                item.moved(rect)

    # ---------------------------------------------------------------- state
    def refresh(self) -> None:
        """The record changed: drop cached text, repaint."""
        self._texts = None
        self._far_title = None
        self.update()
        self.ctx.touch_overview(geometry=True)
        self.ctx.nodes_dirty(self.sceneBoundingRect())

    def set_state(
        self, *, badge: Any = ..., highlight: Any = ..., heat: Any = ..., drop_target: Any = ...
    ) -> None:
        changed = False
        for name, value in (
            ("badge", badge),
            ("highlight", highlight),
            ("heat", heat),
            ("drop_target", drop_target),
        ):
            if value is not ... and getattr(self, name) != value:
                if name == "heat" and (value is None) != (self.heat is None):
                    self._texts = None  # the title makes room for the heat pill
                setattr(self, name, value)
                changed = True
        if changed:
            self.update()
            self.ctx.touch_overview()
            self.ctx.nodes_dirty(self.sceneBoundingRect())

    def _prepare_texts(self) -> tuple[QStaticText, QStaticText, QStaticText]:
        node = self.node
        title_w = NODE_W - 30 - 12 - (HEAT_PILL_W + 2 if self.heat is not None else 0)
        title = metrics("title").elidedText(
            node.display_title, Qt.TextElideMode.ElideRight, title_w
        )
        excerpt = wrap_excerpt(node.text, metrics("body"), NODE_W - 20) if node.text else ""
        minutes = f"{node.minutes:g} min"
        self._texts = (static_text(title), static_text(excerpt), static_text(minutes))
        return self._texts

    def far_title(self) -> QStaticText:
        """The title in large type, two lines at most, for reading the graph zoomed out."""
        if self._far_title is None:
            text = wrap_excerpt(self.node.display_title, metrics("far_title"), NODE_W - 20)
            self._far_title = static_text(text, NODE_W - 20)
            self._far_title.setTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        return self._far_title

    # ---------------------------------------------------------------- paint
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
    ) -> None:
        lod = lod_of(painter.worldTransform())
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
            painter.drawEllipse(BADGE_CENTER, max(9.0, 4.5 / lod), max(9.0, 4.5 / lod))

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
                painter.drawRoundedRect(
                    CARD.adjusted(-spread, -spread, spread, spread),
                    RADIUS + spread,
                    RADIUS + spread,
                )

        # card body and kind header (fills only: filling is far cheaper than stroking)
        painter.fillPath(CARD_PATH, theme.card_border)
        painter.fillPath(CARD_INNER_PATH, theme.card)
        if self.heat is not None:
            tint = heat_color(self.heat)
            tint.setAlpha(70)
            painter.fillPath(BODY_PATH, tint)
        elif self.highlight == "path":
            tint = QColor(theme.path)
            tint.setAlpha(40)
            painter.fillPath(BODY_PATH, tint)
        painter.fillPath(HEADER_PATH, kcolor)

        # icon and title
        icon_px = max(8, min(96, round(16 * lod)))
        painter.drawPixmap(
            QRectF(8, 5, 16, 16),
            icon_pixmap(node.kind, "#ffffff", icon_px),
            QRectF(0, 0, icon_px, icon_px),
        )
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
        clock_px = max(6, min(64, round(10 * lod)))
        painter.drawPixmap(
            QRectF(9, y - 5, 10, 10),
            clock_pixmap(theme.text_dim.name(), clock_px),
            QRectF(0, 0, clock_px, clock_px),
        )
        painter.setPen(theme.text_dim)
        painter.setFont(fonts()["hint"])
        minutes_st = texts[2]
        painter.drawStaticText(QPointF(22, y - minutes_st.size().height() / 2), minutes_st)
        bar = QRectF(NODE_W - 10 - 44, y - 2, 44, 4)
        painter.fillRect(bar, theme.track)  # plain rects: 4 px tall, rounding would not show
        level = min(1.0, max(0.0, float(node.intensity)))
        if level > 0:
            painter.fillRect(
                QRectF(bar.x(), bar.y(), max(3.0, bar.width() * level), 4), intensity_color(level)
            )
        painter.setPen(theme.text_dim)
        word = _intensity_word()
        painter.drawStaticText(
            QPointF(bar.x() - 5 - word.size().width(), y - word.size().height() / 2), word
        )
        if self.heat is not None:  # a pill on the header: share of dreamers' visits
            pill = QRectF(NODE_W - 8 - HEAT_PILL_W, 5, HEAT_PILL_W, 16)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(heat_color(self.heat))
            painter.drawRoundedRect(pill, 8, 8)
            painter.setPen(QColor("#14161a"))
            painter.setFont(fonts()["badge"])
            painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), f"{self.heat:.0%}")

        # ports: a ring made of two filled discs
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kcolor.lighter(135))
        painter.drawEllipse(IN_PORT, PORT_R + 1, PORT_R + 1)
        painter.drawEllipse(OUT_PORT, PORT_R + 1, PORT_R + 1)
        painter.setBrush(theme.port_fill)
        painter.drawEllipse(IN_PORT, PORT_R - 1, PORT_R - 1)
        painter.drawEllipse(OUT_PORT, PORT_R - 1, PORT_R - 1)

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
            paint_badge(painter, BADGE_CENTER, self.badge, theme)

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


class NodeLayer(QGraphicsItem):
    """Between LOD_PLAIN and LOD_SIMPLE: every visible card as a kind-coloured rounded rect.

    The cards themselves stop painting (ItemHasNoContents) but stay selectable and
    draggable; this one item fills them by colour in a few calls, with selection,
    highlight and badges on top.
    """

    def __init__(self, ctx: CanvasContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_NODE + 0.5)

    def boundingRect(self) -> QRectF:
        return _HUGE

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
    ) -> None:
        lod = lod_of(painter.worldTransform())
        if not LOD_PLAIN <= lod < LOD_SIMPLE:
            return
        theme = self.ctx.theme
        rounded = lod >= 0.3  # below, a 7 px corner is under 2 device px: plain rects will do
        fills: dict[str, list[QRectF]] = defaultdict(list)
        cards: list[NodeItem] = []
        selected: list[QRectF] = []
        lit: list[QRectF] = []
        badges: dict[str, QPainterPath] = defaultdict(QPainterPath)
        badge_r = max(9.0, 4.5 / lod)  # at least 9 device px across
        for item in self.ctx.items_in(visible_rect(painter, option)):
            if type(item) is not NodeItem:
                continue
            cards.append(item)
            p = item.pos()
            x, y = p.x(), p.y()
            rect = QRectF(x, y, NODE_W, NODE_H)
            key = heat_color(item.heat).name() if item.heat is not None else item.node.kind
            fills[key].append(rect)
            if item.isSelected():
                selected.append(rect)
            elif item.highlight is not None:
                lit.append(rect)
            if item.badge:
                badges[item.badge].addEllipse(
                    QPointF(x + BADGE_CENTER.x(), y + BADGE_CENTER.y()), badge_r, badge_r
                )
        painter.setPen(Qt.PenStyle.NoPen)
        if not rounded:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for key, rects in fills.items():
            painter.setBrush(QColor(key) if key.startswith("#") else kind_color(key))
            _draw_cards(painter, rects, rounded)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for color, rects in ((theme.current, lit), (theme.selection, selected)):
            if rects:
                painter.setPen(QPen(color, 3))
                _draw_cards(painter, rects, rounded)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if rounded:  # titles in large type while they can still be read (>= ~7 px)
            painter.setFont(fonts()["far_title"])
            for item in cards:
                layout = item.far_title()
                size = layout.size()
                p = item.pos()
                painter.setPen(QColor("#14161a") if item.heat is not None else theme.header_text)
                painter.drawStaticText(
                    QPointF(p.x() + 10, p.y() + (NODE_H - size.height()) / 2), layout
                )
        painter.setPen(Qt.PenStyle.NoPen)
        for severity, path in badges.items():
            painter.setBrush(QColor(SEVERITY_COLORS.get(severity, "#888888")))
            painter.drawPath(path)


def _draw_cards(painter: QPainter, rects: list[QRectF], rounded: bool) -> None:
    if not rounded:
        painter.drawRects(rects)
        return
    path = QPainterPath()
    for rect in rects:
        path.addRoundedRect(rect, RADIUS, RADIUS)
    painter.drawPath(path)


# ==================================================================== groups
class GroupItem(QGraphicsItem):
    """A titled, translucent frame behind its scenes; dragging the title moves them all."""

    def __init__(self, group: Group, ctx: CanvasContext) -> None:
        super().__init__()
        self.record = group  # not `group`: that is QGraphicsItem.group()
        self.ctx = ctx
        self.members: list[NodeItem] = []
        self._rect = QRectF()
        self._title_st: tuple[str, QStaticText] | None = None
        self._drag: tuple[QPointF, dict[str, QPointF]] | None = None
        self._suspended = False
        self.setZValue(Z_GROUP)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)

    @property
    def group_id(self) -> str:
        return self.record.id

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
        color = QColor(self.record.color)
        return color if color.isValid() else QColor("#5b6ee1")

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: Any = None
    ) -> None:
        if self._rect.isNull():
            return
        lod = lod_of(painter.worldTransform())
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
        font_name = "group" if lod >= 0.7 else "group_far"  # keep the title legible far out
        if self._title_st is None or self._title_st[0] != font_name:
            text = metrics(font_name).elidedText(
                self.record.title or self.record.id,
                Qt.TextElideMode.ElideRight,
                max(10.0, self._rect.width() - 24),
            )
            self._title_st = (font_name, static_text(text))
        layout = self._title_st[1]
        painter.setFont(fonts()[font_name])
        painter.setPen(self.ctx.theme.group_title)
        painter.drawStaticText(
            QPointF(
                self._rect.x() + 12,
                self._rect.y() + (GROUP_TITLE_H - layout.size().height()) / 2 + 1,
            ),
            layout,
        )

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
                    item.move_to(origin.x() + delta.x(), origin.y() + delta.y())
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
