"""How the canvas reads the mouse and keyboard: drags, connections, deletes, menus, tooltips.

A mixin of DreamScene, kept apart from the model-following half. Every gesture ends in an
intent signal; none of it edits the model.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QToolTip,
)

from studio.model import Dreamscape, Node

from .geometry import CanvasContext
from .items import NODE_H, OUT_PORT, PORT_R, Z_PREVIEW, EdgeItem, NodeItem, edge_controls
from .style import KIND_LABELS


class SceneGestures(QGraphicsScene):
    """Mouse, keyboard and help events of DreamScene (which provides the state and signals)."""

    # Intent signals, defined by DreamScene.
    nodes_moved: ClassVar[Signal]
    connect_requested: ClassVar[Signal]
    connect_dropped: ClassVar[Signal]
    add_node_requested: ClassVar[Signal]
    delete_requested: ClassVar[Signal]
    context_menu_requested: ClassVar[Signal]
    # State DreamScene sets up.
    ctx: CanvasContext
    _nodes: dict[str, NodeItem]
    _press_positions: dict[str, tuple[float, float]] | None
    _connect_from: NodeItem | None
    _connect_start: QPointF
    _preview: QGraphicsPathItem | None
    _drop_item: NodeItem | None
    # Queries and selection DreamScene provides.
    _schedule_scene_rect: Callable[[], None]
    selected_node_ids: Callable[[], list[str]]
    selected_edge_ids: Callable[[], list[str]]
    select_all: Callable[[], None]
    select: Callable[..., None]

    @property
    def dreamscape(self) -> Dreamscape:
        raise NotImplementedError  # DreamScene's property

    # ============================================================ gestures
    def _node_at(self, pos: QPointF, skip: Any = None) -> NodeItem | None:
        for item in self.items(
            pos,
            Qt.ItemSelectionMode.IntersectsItemShape,
            Qt.SortOrder.DescendingOrder,
            QTransform(),
        ):
            if isinstance(item, NodeItem) and item is not skip:
                return item
        return None

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            node = self._node_at(event.scenePos())
            if (
                node is not None
                and node.hits_out_port(event.scenePos())
                and not node.hits_in_port(event.scenePos())
            ):
                self._start_connect(node, event.scenePos())
                event.accept()
                return
        super().mousePressEvent(event)
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self.mouseGrabberItem() is not None
            and isinstance(self.mouseGrabberItem(), NodeItem)
        ):
            self._press_positions = {
                item.node.id: (item.pos().x(), item.pos().y())
                for item in self.selectedItems()
                if isinstance(item, NodeItem)
            }
            self.ctx.dragging = True

    def mouseMoveEvent(self, event: Any) -> None:
        if self._connect_from is not None:
            self._update_connect(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._connect_from is not None and event.button() == Qt.MouseButton.LeftButton:
            self._finish_connect(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press_positions is not None:
            before = self._press_positions
            self._press_positions = None
            self.ctx.dragging = False
            after = {}
            for node_id in before:
                item = self._nodes.get(node_id)
                if item is not None:
                    after[node_id] = (item.pos().x(), item.pos().y())
            self.finish_move({k: before[k] for k in after}, after)

    def finish_move(
        self, before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
    ) -> None:
        """End of a drag: announce what moved, then show the model's positions again.

        With the Document connected the model already holds `after`, so nothing visibly
        changes; without it (or when the Document refuses) the items return to the model.
        """
        self.ctx.dragging = False
        moved = [k for k in after if after[k] != before.get(k)]
        if moved:
            self.nodes_moved.emit({k: before[k] for k in moved}, {k: after[k] for k in moved})
        ds = self.dreamscape
        for node_id in moved:
            item = self._nodes.get(node_id)
            if item is not None and ds.has_node(node_id):
                node = ds.node(node_id)
                item.move_to(node.x, node.y)
        if moved:
            self._schedule_scene_rect()

    def mouseDoubleClickEvent(self, event: Any) -> None:
        super().mouseDoubleClickEvent(event)

    # ------------------------------------------------------------ connecting
    def _start_connect(self, node: NodeItem, pos: QPointF) -> None:
        self._connect_from = node
        self._connect_start = QPointF(pos)
        preview = QGraphicsPathItem()
        pen = QPen(self.ctx.theme.selection, 2)
        pen.setDashPattern([5.0, 3.0])
        pen.setCosmetic(False)
        preview.setPen(pen)
        preview.setZValue(Z_PREVIEW)
        preview.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.addItem(preview)
        self._preview = preview
        self._update_connect(pos)

    def _update_connect(self, pos: QPointF) -> None:
        source = self._connect_from
        if source is None or self._preview is None:
            return
        target = self._node_at(pos, skip=self._preview)
        if target is not None:
            tip = target.pos() + QPointF(-PORT_R - 1.5, NODE_H / 2)
            p0, c1, c2, p3, _ = edge_controls(source.pos() + OUT_PORT, tip, target is source)
        else:
            tip = pos
            p0, c1, c2, p3, _ = edge_controls(source.pos() + OUT_PORT, pos, False)
            if pos.x() < p0.x():  # free end: a plain curve towards the cursor
                c1 = QPointF(p0.x() + 60, p0.y())
                c2 = QPointF(pos.x() - 60, pos.y())
                p3 = pos
        path = QPainterPath(p0)
        path.cubicTo(c1, c2, p3)
        path.lineTo(tip)
        self._preview.setPath(path)
        if target is not self._drop_item:
            if self._drop_item is not None:
                self._drop_item.set_state(drop_target=False)
            self._drop_item = target
            if target is not None:
                target.set_state(drop_target=True)

    def _finish_connect(self, pos: QPointF) -> None:
        source = self._connect_from
        target = self._node_at(pos, skip=self._preview)
        moved_far = (pos - self._connect_start).manhattanLength() > 12
        self._cancel_connect()
        if source is None:
            return
        if target is not None:
            if target is not source or moved_far:
                self.connect_requested.emit(source.node.id, target.node.id)
        elif moved_far:
            self.connect_dropped.emit(source.node.id, pos)

    def _cancel_connect(self) -> None:
        if self._preview is not None:
            self.removeItem(self._preview)
            self._preview = None
        if self._drop_item is not None:
            self._drop_item.set_state(drop_target=False)
            self._drop_item = None
        self._connect_from = None

    def is_connecting(self) -> bool:
        return self._connect_from is not None

    def add_and_connect(self, source_id: str, kind: str, x: float, y: float) -> str | None:
        """Quick-add after a connection dropped on empty canvas: ask for a node, then the edge.

        Returns the new node's id when the Document created it (synchronously, as it does).
        """
        added: list[str] = []

        def note(node: Node, index: int) -> None:
            added.append(node.id)

        events = self.dreamscape.events
        events.node_added.connect(note)
        try:
            self.add_node_requested.emit(kind, x, y)
        finally:
            events.node_added.disconnect(note)
        if added and self.dreamscape.has_node(source_id):
            self.connect_requested.emit(source_id, added[-1])
            return added[-1]
        return None

    # ------------------------------------------------------------ keys, menus, tips
    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not self.focusItem():
            nodes, edges = self.selected_node_ids(), self.selected_edge_ids()
            if nodes or edges:
                self.delete_requested.emit(nodes, edges)
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self._connect_from is not None:
            self._cancel_connect()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: Any) -> None:
        pos = event.scenePos()
        for item in self.items(
            pos,
            Qt.ItemSelectionMode.IntersectsItemShape,
            Qt.SortOrder.DescendingOrder,
            QTransform(),
        ):
            if isinstance(item, NodeItem):
                if not item.isSelected():
                    self.select([item.node.id])
                self.context_menu_requested.emit("node", item.node.id, event.screenPos())
                event.accept()
                return
            if isinstance(item, EdgeItem):
                if not item.isSelected():
                    self.select([], [item.edge.id])
                self.context_menu_requested.emit("edge", item.edge.id, event.screenPos())
                event.accept()
                return
        self.context_menu_requested.emit("canvas", "", event.screenPos())
        event.accept()

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        """Tooltips built on demand from the model, so 5,000 items carry no tooltip strings."""
        text = ""
        for item in self.items(
            event.scenePos(),
            Qt.ItemSelectionMode.IntersectsItemShape,
            Qt.SortOrder.DescendingOrder,
            QTransform(),
        ):
            if isinstance(item, NodeItem):
                text = node_tooltip(item)
                break
            if isinstance(item, EdgeItem):
                text = edge_tooltip(item)
                break
        if text:
            QToolTip.showText(event.screenPos(), text, event.widget())
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()


def node_tooltip(item: NodeItem) -> str:
    node = item.node
    text = node.text if len(node.text) <= 280 else node.text[:277] + "…"
    lines = [
        f"<b>{html.escape(node.display_title)}</b> "
        f"<span style='color:gray'>({KIND_LABELS.get(node.kind, node.kind)}, "
        f"{html.escape(node.id)})</span>"
    ]
    if text:
        lines.append(html.escape(text))
    lines.append(
        f"{node.minutes:g} min · intensity {node.intensity:.2f} · valence {node.valence:+.2f}"
    )
    if item.heat is not None:
        lines.append(f"heat {item.heat:.0%}")
    lines += finding_lines(item, "node", node.id)
    return "<br>".join(lines)


MAX_TIP_FINDINGS = 4


def finding_lines(item: NodeItem | EdgeItem, kind: str, element_id: str) -> list[str]:
    """The badge explained: each finding's code and message, and its fix when it has one."""
    if not item.badge:
        return []
    lookup = getattr(item.scene(), "finding_lookup", None)
    found = lookup(kind, element_id) if lookup is not None else []
    if not found:
        return [f"lint: worst finding is {item.badge}"]
    lines = []
    for code, message, fix in found[:MAX_TIP_FINDINGS]:
        lines.append(f"<b>{html.escape(code)}</b> {html.escape(message)}")
        if fix:
            lines.append(f"&nbsp;&nbsp;Fix: {html.escape(fix)}")
    if len(found) > MAX_TIP_FINDINGS:
        lines.append(f"… and {len(found) - MAX_TIP_FINDINGS} more in the lint panel")
    return lines


def edge_tooltip(item: EdgeItem) -> str:
    edge = item.edge
    lines = [
        f"<b>{html.escape(edge.label or edge.id)}</b>",
        f"{html.escape(item.source.node.display_title)} → "
        f"{html.escape(item.target.node.display_title)} · weight {edge.weight:g}",
    ]
    if edge.condition:
        lines.append(f"only if <code>{html.escape(edge.condition)}</code>")
    if edge.effects:
        lines.append(
            "sets "
            + ", ".join(f"{html.escape(k)} = {html.escape(v)}" for k, v in edge.effects.items())
        )
    lines += finding_lines(item, "edge", edge.id)
    return "<br>".join(lines)
