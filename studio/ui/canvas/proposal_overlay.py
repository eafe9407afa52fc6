"""A rebalancing proposal drawn over the canvas as a diff: added scenes and transitions dashed
green, changed fields amber with before → after, cut transitions red.

The overlay only shows: it reads the document and a copy of it with the proposal applied,
and never writes either. Each mark knows the edit it belongs to, so the side list can
focus and highlight one edit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from studio.model import Dreamscape
from studio.repair import Change, Proposal
from studio.repair.edits import text_change

from .geometry import NODE_H, NODE_W

ADDED = QColor("#3fb950")
CHANGED = QColor("#e3a008")
CUT = QColor("#f85149")
OVERLAY_Z = 50.0
MAX_LABELS = 8  # more than this and only the focused edit's labels show


def _in_port(ds: Dreamscape, node_id: str) -> QPointF | None:
    if not ds.has_node(node_id):
        return None
    node = ds.node(node_id)
    return QPointF(node.x, node.y + NODE_H / 2)


def _out_port(ds: Dreamscape, node_id: str) -> QPointF | None:
    if not ds.has_node(node_id):
        return None
    node = ds.node(node_id)
    return QPointF(node.x + NODE_W, node.y + NODE_H / 2)


def _curve(start: QPointF, end: QPointF) -> QPainterPath:
    path = QPainterPath(start)
    dx = max(60.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end)
    return path


class ProposalOverlay:
    """Owns the overlay's items on one canvas scene; `show` replaces, `clear` removes them."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.items: list[tuple[int, QGraphicsItem]] = []
        self.focused: int | None = None
        self._lines: dict[str, int] = {}  # labels already under a changed scene

    def clear(self) -> None:
        for _index, item in self.items:
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self.items = []
        self._lines = {}

    def show(
        self, before: Dreamscape, after: Dreamscape, proposal: Proposal, chosen: set[int]
    ) -> None:
        """Draw the chosen edits of the proposal (`after` is `before` with them applied)."""
        self.clear()
        for index, pe in enumerate(proposal.edits):
            if index not in chosen:
                continue
            for change in pe.changes:
                self._draw(index, change, before, after)
        self.set_focus(self.focused)

    def _add(self, index: int, item: QGraphicsItem) -> None:
        item.setZValue(OVERLAY_Z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.setData(0, index)
        self.scene.addItem(item)
        self.items.append((index, item))

    def _pen(self, colour: QColor, dashed: bool, width: float = 3.0) -> QPen:
        pen = QPen(colour, width)
        pen.setCosmetic(True)  # as thick on screen at any zoom
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        return pen

    def _label(self, index: int, text: str, at: QPointF, colour: QColor) -> None:
        label = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPointSizeF(9)
        font.setBold(True)
        label.setFont(font)
        label.setBrush(colour)
        label.setPos(at)
        label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._add(index, label)

    def _edge_path(self, ds: Dreamscape, source: str, target: str) -> QPainterPath | None:
        start, end = _out_port(ds, source), _in_port(ds, target)
        if start is None or end is None:
            return None
        return _curve(start, end)

    def _draw(self, index: int, change: Change, before: Dreamscape, after: Dreamscape) -> None:
        if change.element == "node" and change.field == "added":
            self._draw_added_node(index, change.id, after)
        elif change.element == "node":
            self._draw_changed_node(index, change, before)
        elif change.field == "added" and after.has_edge(change.id):
            edge = after.edge(change.id)
            path = self._edge_path(after, edge.source, edge.target)
            if path is not None:
                self._add(index, self._path_item(path, ADDED, dashed=True))
        elif change.field == "cut" and before.has_edge(change.id):
            edge = before.edge(change.id)
            path = self._edge_path(before, edge.source, edge.target)
            if path is not None:
                self._add(index, self._path_item(path, CUT, dashed=False))
                self._label(index, "cut", path.pointAtPercent(0.5), CUT)
        elif change.field == "target" and before.has_edge(change.id):
            edge = before.edge(change.id)
            old = self._edge_path(before, edge.source, edge.target)
            new = self._edge_path(after, edge.source, str(change.after))
            if old is not None:
                self._add(index, self._path_item(old, CUT, dashed=True, width=2.0))
            if new is not None:
                self._add(index, self._path_item(new, ADDED, dashed=True))
        elif before.has_edge(change.id):
            edge = before.edge(change.id)
            path = self._edge_path(before, edge.source, edge.target)
            if path is not None:
                self._add(index, self._path_item(path, CHANGED, dashed=False))
                self._label(
                    index,
                    _field_change(change),
                    path.pointAtPercent(0.5) + QPointF(4, 2),
                    CHANGED,
                )

    def _path_item(
        self, path: QPainterPath, colour: QColor, dashed: bool, width: float = 3.0
    ) -> QGraphicsPathItem:
        item = QGraphicsPathItem(path)
        item.setPen(self._pen(colour, dashed, width))
        return item

    def _draw_added_node(self, index: int, node_id: str, after: Dreamscape) -> None:
        if not after.has_node(node_id):
            return
        node = after.node(node_id)
        rect = QGraphicsRectItem(QRectF(node.x, node.y, NODE_W, NODE_H))
        rect.setPen(self._pen(ADDED, dashed=True))
        fill = QColor(ADDED)
        fill.setAlpha(40)
        rect.setBrush(fill)
        self._add(index, rect)
        self._label(index, f"+ {node.kind}: {node.title}", QPointF(node.x + 8, node.y + 8), ADDED)

    def _draw_changed_node(self, index: int, change: Change, before: Dreamscape) -> None:
        if not before.has_node(change.id):
            return
        node = before.node(change.id)
        lines = self._lines.get(change.id, 0)
        if not lines:
            rect = QGraphicsRectItem(QRectF(node.x - 4, node.y - 4, NODE_W + 8, NODE_H + 8))
            rect.setPen(self._pen(CHANGED, dashed=False))
            self._add(index, rect)
        self._lines[change.id] = lines + 1
        self._label(
            index,
            _field_change(change),
            QPointF(node.x, node.y + NODE_H + 6 + 15 * lines),
            CHANGED,
        )

    def set_focus(self, index: int | None) -> None:
        """Emphasise one edit's marks and dim the others (None: all equal)."""
        self.focused = index
        labels = [item for _i, item in self.items if isinstance(item, QGraphicsSimpleTextItem)]
        few = len(labels) <= MAX_LABELS
        for i, item in self.items:
            mine = index is None or i == index
            item.setOpacity(1.0 if mine else 0.35)
            if isinstance(item, QGraphicsSimpleTextItem):  # labels stay readable, never a pile
                item.setVisible(i == index or (index is None and few))

    def bounds(self, index: int) -> QRectF:
        """Where one edit's marks are, for centring the view on it."""
        rect = QRectF()
        for i, item in self.items:
            if i == index and not isinstance(item, QGraphicsSimpleTextItem):
                rect = rect.united(item.sceneBoundingRect())
        return rect


def _field_change(change: Change) -> str:
    if isinstance(change.before, str) and isinstance(change.after, str):
        return f"{change.field}: {_short(text_change(change.before, change.after))}"
    return f"{change.field}: {_short(change.before)} → {_short(change.after)}"


def _short(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= 28 else text[:27] + "…"
