"""DreamScene: the canvas follows the dreamscape's events and turns gestures into intent.

The scene never edits the model. Drags, connections and deletions become signals that the
Document turns into undoable operations; the operations' events then update the items.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
)

from studio.lint.vocabulary import SEVERITY_RANK
from studio.model import Dreamscape, Edge, Group, Node

from .geometry import Z_NODE, Z_NODE_SELECTED
from .gestures import SceneGestures
from .items import (
    NODE_H,
    NODE_W,
    CanvasContext,
    EdgeItem,
    EdgeLayer,
    GroupItem,
    NodeItem,
    NodeLayer,
)
from .style import Theme, theme

_HAS_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_SCENE_MARGIN = 1600.0


class DreamScene(SceneGestures, QGraphicsScene):
    """The node-graph canvas of one dreamscape: follows model events, emits intent signals.

    The first seven signals are the intents the document turns into undoable edits (see
    docs/architecture.md); the canvas itself never edits the model.
    """

    nodes_moved = Signal(dict, dict)
    connect_requested = Signal(str, str)
    add_node_requested = Signal(str, float, float)
    delete_requested = Signal(list, list)
    node_activated = Signal(str)
    context_menu_requested = Signal(str, str, object)
    selection_changed_ids = Signal(list, list)
    # Display-only signals, for the view and the minimap.
    dreamscape_replaced = Signal()
    overview_changed = Signal()
    connect_dropped = Signal(str, QPointF)  # a connection released on empty canvas
    theme_changed = Signal(str)

    def __init__(self, ds: Dreamscape, parent: Any = None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.ctx = CanvasContext(self, theme("dark"))
        self._ds: Dreamscape | None = None
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[str, EdgeItem] = {}
        self._groups: dict[str, GroupItem] = {}
        self._badged: tuple[set[str], set[str]] = (set(), set())
        self._highlighted: tuple[set[str], set[str]] = (set(), set())
        self._heated: set[str] = set()
        self._press_positions: dict[str, tuple[float, float]] | None = None
        self._selection_batch = 0
        self._last_selection: tuple[list[str], list[str]] = ([], [])
        self._selected_edges: set[EdgeItem] = set()
        self._selected_nodes: set[NodeItem] = set()
        self._bounds_cache: tuple[int, QRectF] = (-1, QRectF())
        self._order: tuple[Any, dict[str, int], dict[str, int]] = (None, {}, {})
        self._connect_from: NodeItem | None = None
        self._connect_start = QPointF()
        self._preview: QGraphicsPathItem | None = None
        self._drop_item: NodeItem | None = None
        self._rect_pending = False
        self._overview_pending = False
        # Set by the live panels: (kind, id) -> [(code, message, fix)] for badge tooltips.
        self.finding_lookup: Any = None
        self.selectionChanged.connect(self._on_selection_changed)
        self.set_dreamscape(ds)

    # ============================================================ binding
    @property
    def dreamscape(self) -> Dreamscape:
        assert self._ds is not None
        return self._ds

    def _handlers(self) -> list[tuple[str, Any]]:
        return [
            ("node_added", self._on_node_added),
            ("node_removed", self._on_node_removed),
            ("node_changed", self._on_node_changed),
            ("node_renamed", self._on_node_renamed),
            ("edge_added", self._on_edge_added),
            ("edge_removed", self._on_edge_removed),
            ("edge_changed", self._on_edge_changed),
            ("group_added", self._on_group_added),
            ("group_removed", self._on_group_removed),
            ("group_changed", self._on_group_changed),
        ]

    def set_dreamscape(self, ds: Dreamscape) -> None:
        """Show another dreamscape (open, revert): items are rebuilt from scratch."""
        if self._ds is not None:
            for name, handler in self._handlers():
                getattr(self._ds.events, name).disconnect(handler)
        self._cancel_connect()
        self._selection_batch += 1
        try:
            self.ctx.edge_layer = self.ctx.node_layer = None
            self.clear()
            self._selected_edges, self._selected_nodes = set(), set()
            edge_layer, node_layer = EdgeLayer(self.ctx), NodeLayer(self.ctx)
            self.addItem(edge_layer)
            self.addItem(node_layer)
            node_layer.setVisible(self.ctx.mode == "simple")
            edge_layer.setVisible(self.ctx.mode != "overview")
            self.ctx.edge_layer, self.ctx.node_layer = edge_layer, node_layer
            self._nodes.clear()
            self._edges.clear()
            self._groups.clear()
            self._badged = (set(), set())
            self._highlighted = (set(), set())
            self._heated = set()
            self._ds = ds
            for node in ds.nodes:
                self._add_node_item(node)
            for edge in ds.edges:
                self._add_edge_item(edge)
            for index, group in enumerate(ds.groups):
                self._add_group_item(group, index)
        finally:
            self._selection_batch -= 1
        for name, handler in self._handlers():
            getattr(ds.events, name).connect(handler)
        # A new document is new geometry: bump the revision before the bounds are measured.
        self.ctx.touch_overview(geometry=True)
        self._bounds_cache = (-1, QRectF())
        self._update_scene_rect()
        self._last_selection = ([], [])
        self.dreamscape_replaced.emit()

    # ------------------------------------------------------------ items
    def _add_node_item(self, node: Node) -> NodeItem:
        item = NodeItem(node, self.ctx)
        self._nodes[node.id] = item
        self.addItem(item)
        return item

    def _add_edge_item(self, edge: Edge) -> EdgeItem | None:
        source = self._nodes.get(edge.source)
        target = self._nodes.get(edge.target)
        if source is None or target is None:
            return None
        item = EdgeItem(edge, source, target, self.ctx)
        item.attach()
        self._edges[edge.id] = item
        self.addItem(item)
        return item

    def _add_group_item(self, group: Group, index: int) -> GroupItem:
        item = GroupItem(group, self.ctx)
        item.setZValue(item.zValue() + index * 0.01)
        self._groups[group.id] = item
        self.addItem(item)
        item.set_members([self._nodes[n] for n in group.nodes if n in self._nodes])
        return item

    # ------------------------------------------------------- model events
    def _on_node_added(self, node: Node, index: int) -> None:
        self._add_node_item(node)
        self._schedule_scene_rect()
        self.ctx.touch_overview(geometry=True)

    def _on_node_removed(self, node: Node, index: int) -> None:
        item = self._nodes.pop(node.id, None)
        if item is None:
            return
        if item is self._connect_from:
            self._cancel_connect()
        for edge in list(item.edges):  # normally gone already (RemoveNode drops edges first)
            self._remove_edge_item(edge.edge.id)
        for group in list(item.groups):
            group.set_members([m for m in group.members if m is not item])
        self.removeItem(item)
        self._schedule_scene_rect()
        self.ctx.touch_overview(geometry=True)

    def _on_node_changed(self, node: Node, fields: tuple[str, ...]) -> None:
        item = self._nodes.get(node.id)
        if item is None:
            return
        if "x" in fields or "y" in fields:
            if item.pos() != QPointF(node.x, node.y):
                item.move_to(node.x, node.y)
                self._schedule_scene_rect()
        if set(fields) - {"x", "y"}:
            item.refresh()

    def _on_node_renamed(self, node: Node, old_id: str) -> None:
        item = self._nodes.pop(old_id, None)
        if item is not None:
            self._nodes[node.id] = item
            item.refresh()

    def _on_edge_added(self, edge: Edge, index: int) -> None:
        self._add_edge_item(edge)
        self.ctx.touch_overview(geometry=True)

    def _remove_edge_item(self, edge_id: str) -> None:
        item = self._edges.pop(edge_id, None)
        if item is not None:
            item.detach()
            self.removeItem(item)

    def _on_edge_removed(self, edge: Edge, index: int) -> None:
        self._remove_edge_item(edge.id)
        self.ctx.touch_overview(geometry=True)

    def _on_edge_changed(self, edge: Edge, fields: tuple[str, ...]) -> None:
        item = self._edges.get(edge.id)
        if item is None:
            return
        if "source" in fields or "target" in fields:
            was_selected = item.isSelected()
            self._remove_edge_item(edge.id)
            item = self._add_edge_item(edge)
            if item is not None and was_selected:
                item.setSelected(True)
            self.ctx.touch_overview(geometry=True)
        else:
            item.refresh()

    def _on_group_added(self, group: Group, index: int) -> None:
        self._add_group_item(group, index)
        self.ctx.touch_overview(geometry=True)

    def _on_group_removed(self, group: Group, index: int) -> None:
        item = self._groups.pop(group.id, None)
        if item is not None:
            item.set_members([])
            self.removeItem(item)
            self.ctx.touch_overview(geometry=True)

    def _on_group_changed(self, group: Group, fields: tuple[str, ...]) -> None:
        item = self._groups.get(group.id)
        if item is None:
            return
        if "nodes" in fields:
            item.set_members([self._nodes[n] for n in group.nodes if n in self._nodes])
        item.refresh()
        self.ctx.touch_overview(geometry=True)

    # ---------------------------------------------------------- scene rect
    def _schedule_scene_rect(self) -> None:
        if not self._rect_pending:
            self._rect_pending = True
            QTimer.singleShot(0, self, self._update_scene_rect)

    def flush_scene_rect(self) -> None:
        """Apply a pending scene-rect update now (before fitting or centring the view)."""
        if self._rect_pending:
            self._update_scene_rect()

    def _update_scene_rect(self) -> None:
        self._rect_pending = False
        bounds = self.items_bounding_rect()
        if bounds.isNull():
            bounds = QRectF(0, 0, NODE_W, NODE_H)
        margin = _SCENE_MARGIN + 0.25 * max(bounds.width(), bounds.height())
        self.setSceneRect(bounds.adjusted(-margin, -margin, margin, margin))

    def items_bounding_rect(self) -> QRectF:
        """The nodes and group frames (not the scene's panning margin)."""
        key = self.ctx.geometry_rev
        if self._bounds_cache[0] != key:
            self._bounds_cache = (key, self._compute_bounds())
        return QRectF(self._bounds_cache[1])

    def _compute_bounds(self) -> QRectF:
        if not self._nodes:
            return QRectF()
        xs = []
        ys = []
        for item in self._nodes.values():
            p = item.pos()
            xs.append(p.x())
            ys.append(p.y())
        rect = QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs) + NODE_W, max(ys) + NODE_H))
        for group in self._groups.values():
            if group.members:
                rect = rect.united(group.frame_rect())
        return rect

    # ============================================================== API
    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def edge_item(self, edge_id: str) -> EdgeItem | None:
        return self._edges.get(edge_id)

    def group_item(self, group_id: str) -> GroupItem | None:
        return self._groups.get(group_id)

    def node_items(self) -> Iterable[NodeItem]:
        return self._nodes.values()

    def edge_items(self) -> Collection[EdgeItem]:
        return self._edges.values()

    def group_items(self) -> Iterable[GroupItem]:
        return self._groups.values()

    def _file_order(self) -> tuple[dict[str, int], dict[str, int]]:
        """Position of every node and edge id in the file, rebuilt when the model changes."""
        ds = self.dreamscape
        if self._order[0] != (id(ds), ds.revision):
            self._order = (
                (id(ds), ds.revision),
                {n.id: i for i, n in enumerate(ds.nodes)},
                {e.id: i for i, e in enumerate(ds.edges)},
            )
        return self._order[1], self._order[2]

    def _selected(self) -> tuple[list[str], list[str]]:
        nodes_order, edges_order = self._file_order()
        nodes, edges = [], []
        for item in self.selectedItems():
            if type(item) is NodeItem:
                nodes.append(item.node.id)
            elif type(item) is EdgeItem:
                edges.append(item.edge.id)
        nodes.sort(key=lambda i: nodes_order.get(i, len(nodes_order)))
        edges.sort(key=lambda i: edges_order.get(i, len(edges_order)))
        return nodes, edges

    def selected_node_ids(self) -> list[str]:
        """Selected scenes in file order."""
        return self._selected()[0]

    def selected_edge_ids(self) -> list[str]:
        """Selected transitions in file order."""
        return self._selected()[1]

    def select(
        self, node_ids: Iterable[str], edge_ids: Iterable[str] = (), add: bool = False
    ) -> None:
        """Select exactly these (or, with `add`, these too); one selection signal at the end."""
        target: set[QGraphicsItem] = set()
        for node_id in node_ids:
            if (card := self._nodes.get(node_id)) is not None:
                target.add(card)
        for edge_id in edge_ids:
            if (edge := self._edges.get(edge_id)) is not None:
                target.add(edge)
        self._selection_batch += 1
        try:
            current = set(self.selectedItems())
            if not add:
                for item in current - target:
                    item.setSelected(False)
            for item in target - current:
                item.setSelected(True)
        finally:
            self._selection_batch -= 1
        self._on_selection_changed()

    def select_all(self) -> None:
        self.select(list(self._nodes), list(self._edges))

    def clear_selection(self) -> None:
        self.select((), ())

    def _on_selection_changed(self) -> None:
        if self._selection_batch:
            return
        selected = self.selectedItems()
        edges = {i for i in selected if type(i) is EdgeItem}
        nodes = {i for i in selected if type(i) is NodeItem}
        for edge in edges ^ self._selected_edges:
            edge.repaint()
        for node in nodes ^ self._selected_nodes:
            node.setZValue(Z_NODE_SELECTED if node in nodes else Z_NODE)  # dragged cards on top
            self.ctx.nodes_dirty(node.sceneBoundingRect())
        if edges != self._selected_edges or nodes != self._selected_nodes:
            self.ctx.touch_overview()
        self._selected_edges, self._selected_nodes = edges, nodes
        current = self._selected()
        if current != self._last_selection:
            self._last_selection = current
            self.selection_changed_ids.emit(current[0], current[1])

    @property
    def snap_enabled(self) -> bool:
        return self.ctx.snap

    @property
    def snap_grid(self) -> int:
        return self.ctx.grid

    def set_snap(self, enabled: bool, grid: int = 20) -> None:
        self.ctx.snap = bool(enabled)
        self.ctx.grid = max(1, int(grid))

    def set_highlight(self, current: str | None, path: list[str]) -> None:
        """Preview: glow on the current scene, tint on the scenes (and steps) taken so far."""
        path = list(path)
        path_nodes = set(path)
        path_edges: set[str] = set()
        for a, b in zip(path, path[1:], strict=False):
            for item in self._nodes[a].edges if a in self._nodes else ():
                if item.source.node.id == a and item.target.node.id == b:
                    path_edges.add(item.edge.id)
        old_nodes, old_edges = self._highlighted
        for node_id in old_nodes | path_nodes | ({current} if current else set()):
            card = self._nodes.get(node_id)
            if card is not None:
                state = (
                    "current" if node_id == current else ("path" if node_id in path_nodes else None)
                )
                card.set_state(highlight=state)
        for edge_id in old_edges | path_edges:
            if (edge := self._edges.get(edge_id)) is not None:
                edge.set_state(highlighted=edge_id in path_edges)
        self._highlighted = (path_nodes | ({current} if current else set()), path_edges)

    def set_badges(self, nodes: dict[str, str], edges: dict[str, str]) -> None:
        """Lint results: the worst severity per node/edge as a coloured badge."""
        old_nodes, old_edges = self._badged
        for node_id in old_nodes - set(nodes):
            if (item := self._nodes.get(node_id)) is not None:
                item.set_state(badge=None)
        for node_id, severity in nodes.items():
            if (item := self._nodes.get(node_id)) is not None:
                item.set_state(badge=severity if severity in SEVERITY_RANK else None)
        for edge_id in old_edges - set(edges):
            if (edge := self._edges.get(edge_id)) is not None:
                edge.set_state(badge=None)
        for edge_id, severity in edges.items():
            if (edge := self._edges.get(edge_id)) is not None:
                edge.set_state(badge=severity if severity in SEVERITY_RANK else None)
        self._badged = (set(nodes), set(edges))

    def set_heat(self, values: dict[str, float] | None) -> None:
        """Simulation heat per node (0..1); None switches the overlay off."""
        values = values or {}
        for node_id in self._heated - set(values):
            if (item := self._nodes.get(node_id)) is not None:
                item.set_state(heat=None)
        for node_id, value in values.items():
            if (item := self._nodes.get(node_id)) is not None:
                item.set_state(heat=min(1.0, max(0.0, float(value))))
        self._heated = set(values)

    def set_theme(self, name: str) -> None:
        self.ctx.theme = theme(name)
        for item in self._nodes.values():
            item.update()
        for group in self._groups.values():
            group.update()
        self.ctx.touch_overview()
        self.theme_changed.emit(self.ctx.theme.name)
        self.update()

    @property
    def theme(self) -> Theme:
        return self.ctx.theme

    def marked_edges(self) -> list[EdgeItem]:
        """Selected or preview-highlighted edges (few; the overview draws them on top)."""
        marked = set(self._selected_edges)
        marked.update(e for i in self._highlighted[1] if (e := self._edges.get(i)) is not None)
        return list(marked)

    def marked_nodes(self) -> tuple[list[NodeItem], list[NodeItem], list[NodeItem], list[NodeItem]]:
        """(heated, selected, highlighted, badged) node items for the overview's marks."""

        def items(ids: Iterable[str]) -> list[NodeItem]:
            return [item for i in ids if (item := self._nodes.get(i)) is not None]

        heated = [i for i in items(self._heated) if i.heat is not None]
        selected = [i for i in self.selectedItems() if type(i) is NodeItem]
        lit = [i for i in items(self._highlighted[0]) if i.highlight and not i.isSelected()]
        badged = [i for i in items(self._badged[0]) if i.badge]
        return heated, selected, lit, badged

    # ------------------------------------------------------- level of detail
    def set_mode(self, mode: str) -> None:
        """How much the canvas draws, chosen by the view's zoom (see geometry.LOD_*).

        "detail": cards paint themselves (cached), the EdgeLayer strokes edges;
        "simple": cards stop painting and the NodeLayer fills them in bulk;
        "overview": both layers rest and the view draws its cached overview image.
        Items stay selectable and draggable in every mode.
        """
        ctx = self.ctx
        if mode == ctx.mode:
            return
        cards_paint = mode == "detail"
        if cards_paint != (ctx.mode == "detail"):
            for item in self._nodes.values():
                item.setFlag(_HAS_NO_CONTENTS, not cards_paint)
        ctx.mode = mode
        if ctx.node_layer is not None and ctx.edge_layer is not None:
            ctx.node_layer.setVisible(mode == "simple")
            ctx.edge_layer.setVisible(mode != "overview")
        ctx.touch_overview()
        self.update()

    def set_overview(self, enabled: bool) -> None:
        """Switch the far-out overview on (or back to detail)."""
        self.set_mode("overview" if enabled else "detail")

    def overview_dirty(self) -> None:
        if not self._overview_pending:
            self._overview_pending = True
            QTimer.singleShot(0, self, self._emit_overview_changed)

    def _emit_overview_changed(self) -> None:
        self._overview_pending = False
        self.overview_changed.emit()
