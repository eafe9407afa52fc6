"""DreamView: zoom at the cursor, pan, fit, grid, quick-add and drops onto the canvas."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QFrame, QGraphicsView, QRubberBand, QWidget

from .items import LOD_PLAIN, LOD_SIMPLE, NODE_H, EdgeItem, GroupItem, NodeItem
from .overview import OverviewLayer
from .quick_add import QuickAddPopup
from .scene import DreamScene

KIND_MIME = "application/x-dreamstudio-kind"
MIN_ZOOM = 0.05
MAX_ZOOM = 4.0
FIT_MARGIN = 48
READABLE_ZOOM = 0.375  # from here up card titles render at 9 px or more
JUMP_ZOOM = 0.8  # a jump to one scene (search, finding) shows it comfortably large


class DreamView(QGraphicsView):
    """The canvas widget; all edits leave through the scene's intent signals."""

    zoom_changed = Signal(float)

    def __init__(self, scene: DreamScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        hint = QPainter.RenderHint
        self.setRenderHints(hint.Antialiasing | hint.TextAntialiasing | hint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        flag = QGraphicsView.OptimizationFlag
        self.setOptimizationFlag(flag.DontAdjustForAntialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)  # our own band: scenes only, not edges
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._overview = OverviewLayer()
        self._space = False
        self._panning: QPointF | None = None
        self._pan_rest = QPointF()
        self._band_origin: QPoint | None = None
        self._band_base: list[str] = []
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self._quick_add: QuickAddPopup | None = None
        self._quick_target: tuple[QPointF, Callable[[str, QPointF], None] | None] = (
            QPointF(),
            None,
        )
        self._last_mouse: QPoint | None = None  # over the viewport, else None
        self.fit_obstacles: list[QWidget] = []  # overlays (the minimap) that fitting keeps clear
        # Set by the window: (kind to preselect, what to do with the choice) for Tab quick-add.
        self.quick_add_provider: Callable[[], tuple[str | None, Any]] | None = None
        self._bind(scene)
        self._after_zoom()

    # ---------------------------------------------------------------- scene
    def dream_scene(self) -> DreamScene:
        scene = self.scene()
        assert isinstance(scene, DreamScene)
        return scene

    def _bind(self, scene: DreamScene) -> None:
        scene.overview_changed.connect(self._overview_changed)
        scene.theme_changed.connect(self._theme_changed)
        scene.connect_dropped.connect(self._connect_dropped)

    def _overview_changed(self) -> None:
        if self.dream_scene().ctx.overview:
            self.viewport().update()

    def _theme_changed(self, name: str) -> None:
        self.resetCachedContent()
        self._overview.invalidate()
        self.viewport().update()

    # ----------------------------------------------------------------- zoom
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom to `factor` (clamped to 0.05..4), keeping `anchor` (viewport px) fixed."""
        target = min(MAX_ZOOM, max(MIN_ZOOM, float(factor)))
        current = self.zoom()
        if math.isclose(target, current, rel_tol=1e-9):
            return
        anchor = self.viewport().rect().center() if anchor is None else QPoint(anchor)
        scene_point = self.mapToScene(anchor)
        self.scale(target / current, target / current)
        self._keep_under(scene_point, anchor)
        self._after_zoom()

    def _keep_under(self, scene_point: QPointF, anchor: QPoint) -> None:
        moved = self.mapFromScene(scene_point) - anchor
        if moved.isNull():
            return
        viewport = self.viewport()
        viewport.setUpdatesEnabled(False)  # one repaint for both bars, not a scroll each
        try:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        finally:
            viewport.setUpdatesEnabled(True)

    def _after_zoom(self) -> None:
        zoom = self.zoom()
        mode = "overview" if zoom < LOD_PLAIN else "simple" if zoom < LOD_SIMPLE else "detail"
        self.dream_scene().set_mode(mode)
        self.zoom_changed.emit(zoom)

    def wheelEvent(self, event: Any) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            bar = self.horizontalScrollBar()  # shift+wheel pans sideways
            bar.setValue(bar.value() - delta)
            event.accept()
            return
        self.set_zoom(self.zoom() * math.pow(1.0015, delta), event.position().toPoint())
        event.accept()

    def fit_rect(self, rect: QRectF, max_zoom: float = 1.0, min_zoom: float = MIN_ZOOM) -> None:
        """Show `rect` whole and centred beside the overlays; zoom kept in min..max_zoom."""
        if rect.isNull() or not rect.isValid():
            return
        self.dream_scene().flush_scene_rect()
        area = self._fit_area(rect)
        target = min(MAX_ZOOM, max(MIN_ZOOM, min_zoom, min(_fit_scale(rect, area), max_zoom)))
        self.scale(target / self.zoom(), target / self.zoom())
        self.centerOn(rect.center())
        if target <= _fit_scale(rect, area) + 1e-9:
            # Whole graph shown: centre it in the free area, not under an overlay.
            shift = area.center() - self.viewport().rect().center()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - shift.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - shift.y())
        self._after_zoom()

    def _fit_area(self, rect: QRectF) -> QRect:
        """The viewport minus visible overlays (the minimap): beside or above, whichever is larger."""
        area = self.viewport().rect()
        for widget in self.fit_obstacles:
            if not widget.isVisible():
                continue
            box = widget.geometry().translated(-self.viewport().pos())
            if not area.intersects(box):
                continue
            beside = QRect(area.left(), area.top(), box.left() - area.left(), area.height())
            above = QRect(area.left(), area.top(), area.width(), box.top() - area.top())
            area = max((beside, above), key=lambda a: _fit_scale(rect, a))
        return area

    def fit_all(self) -> None:
        self.fit_rect(self.dream_scene().items_bounding_rect())

    def fit_readable(self) -> None:
        """Fit the graph, but never below the zoom where titles read; then start at the entry
        (the left of the graph) rather than the middle."""
        scene = self.dream_scene()
        rect = scene.items_bounding_rect()
        if rect.isNull():
            return
        self.fit_rect(rect, min_zoom=READABLE_ZOOM)
        area = self._fit_area(rect)
        if _fit_scale(rect, area) >= READABLE_ZOOM:
            return
        entry = next((n for n in scene.dreamscape.nodes if n.kind == "entry"), None)
        item = scene.node_item(entry.id) if entry is not None else None
        focus = item.sceneBoundingRect().center() if item is not None else rect.center()
        zoom = self.zoom()
        x = rect.left() + (area.width() / 2 - FIT_MARGIN) / zoom
        y = min(max(focus.y(), rect.top() + (area.height() / 2 - FIT_MARGIN) / zoom), rect.bottom())
        self.centerOn(QPointF(x, y))

    def fit_selection(self) -> None:
        """Fit the selected scenes (and selected transitions); everything when none is."""
        rect = QRectF()
        for item in self.dream_scene().selectedItems():
            if isinstance(item, NodeItem | EdgeItem):
                rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            self.fit_all()
        else:
            self.fit_rect(rect)

    def center_on_node(self, node_id: str) -> None:
        item = self.dream_scene().node_item(node_id)
        if item is not None:
            self.dream_scene().flush_scene_rect()
            self.centerOn(item.sceneBoundingRect().center())

    # ------------------------------------------------------------- painting
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)  # Qt passes a QRectF; the stub also allows QRect
        theme = self.dream_scene().ctx.theme
        painter.fillRect(rect, theme.background)
        zoom = self.zoom()
        if zoom < 0.12:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if zoom >= 0.45:
            minor = QColor(theme.grid_minor)
            minor.setAlphaF(min(1.0, (zoom - 0.45) / 0.35))
            painter.setPen(QPen(minor, 0))
            painter.drawLines(_grid_lines(rect, 20, skip=100))
        major = QColor(theme.grid_major)
        major.setAlphaF(min(1.0, (zoom - 0.12) / 0.2))
        painter.setPen(QPen(major, 0))
        painter.drawLines(_grid_lines(rect, 100))
        painter.restore()

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        scene = self.dream_scene()
        if scene.ctx.overview:
            self._overview.draw(painter, scene, self.zoom())

    # ---------------------------------------------------------------- mouse
    def _item_kind_at(self, pos: QPoint) -> str:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return "node"
            if isinstance(item, EdgeItem):
                return "edge"
            if isinstance(item, GroupItem):
                return "group"
        return ""

    def mousePressEvent(self, event: Any) -> None:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._panning = event.position()
            self._pan_rest = QPointF()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        scene = self.dream_scene()
        pos = event.position().toPoint()
        if button == Qt.MouseButton.LeftButton and not self._item_kind_at(pos):
            additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            super().mousePressEvent(event)  # the scene clears the selection unless Ctrl is held
            self._band_origin = pos
            self._band_base = scene.selected_node_ids() if additive else []
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        self._last_mouse = event.position().toPoint()
        if self._panning is not None:
            delta = event.position() - self._panning + self._pan_rest
            self._panning = event.position()
            step = QPoint(round(delta.x()), round(delta.y()))
            self._pan_rest = delta - QPointF(step)  # keep sub-pixel motion for the next event
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - step.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - step.y())
            event.accept()
            return
        if self._band_origin is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._update_band(event.position().toPoint())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _update_band(self, pos: QPoint) -> None:
        """Select the scenes the band touches (plus, with Ctrl, what was selected before)."""
        assert self._band_origin is not None
        rect = QRect(self._band_origin, pos).normalized()
        if not self._band.isVisible():
            if (pos - self._band_origin).manhattanLength() < QApplication.startDragDistance():
                return
            self._band.show()
        self._band.setGeometry(rect)
        scene = self.dream_scene()
        area = self.mapToScene(rect).boundingRect()
        touched = [
            item.node.id
            for item in scene.items(area, Qt.ItemSelectionMode.IntersectsItemShape)
            if isinstance(item, NodeItem)
        ]
        scene.select(list(dict.fromkeys(self._band_base + touched)))

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._panning is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._panning = None
            if self._space:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        if self._band_origin is not None and event.button() == Qt.MouseButton.LeftButton:
            self._band_origin = None
            self._band.hide()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: Any) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and not self._item_kind_at(pos):
            self.open_quick_add(pos)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ------------------------------------------------------------- keyboard
    def event(self, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers()
        ):
            pos = self._last_mouse
            if pos is None or not self.viewport().rect().contains(pos):
                pos = self.viewport().rect().center()
            preferred, on_chosen = (
                self.quick_add_provider() if self.quick_add_provider else (None, None)
            )
            self.open_quick_add(pos, on_chosen, preferred)
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._last_mouse = None
        return super().viewportEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if self._panning is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        self._space = False
        super().focusOutEvent(event)

    # ------------------------------------------------------------ quick add
    def quick_add_popup(self) -> QuickAddPopup:
        if self._quick_add is None:
            self._quick_add = QuickAddPopup(self)
            self._quick_add.chosen.connect(self._quick_chosen)
        return self._quick_add

    def open_quick_add(
        self,
        viewport_pos: QPoint,
        on_chosen: Callable[[str, QPointF], None] | None = None,
        preferred: str | None = None,
    ) -> QuickAddPopup:
        """Open the popup at a viewport position; the chosen kind lands there."""
        popup = self.quick_add_popup()
        self._quick_target = (self.mapToScene(viewport_pos), on_chosen)
        popup.popup(self.viewport().mapToGlobal(viewport_pos), preferred)
        return popup

    def _quick_chosen(self, kind: str) -> None:
        scene_pos, on_chosen = self._quick_target
        if on_chosen is not None:
            on_chosen(kind, scene_pos)
        else:
            self.dream_scene().add_node_requested.emit(kind, scene_pos.x(), scene_pos.y())

    def _connect_dropped(self, source_id: str, scene_pos: QPointF) -> None:
        def chosen(kind: str, pos: QPointF) -> None:
            self.dream_scene().add_and_connect(source_id, kind, pos.x(), pos.y() - NODE_H / 2)

        self.open_quick_add(self.mapFromScene(scene_pos), chosen)

    # ---------------------------------------------------------------- drops
    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: Any) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(KIND_MIME):
            super().dropEvent(event)
            return
        kind = bytes(mime.data(KIND_MIME).data()).decode("utf-8", "replace").strip()
        if kind:
            pos = self.mapToScene(event.position().toPoint())
            self.dream_scene().add_node_requested.emit(kind, pos.x(), pos.y())
        event.acceptProposedAction()


def _fit_scale(rect: QRectF, area: QRect) -> float:
    """The zoom that shows `rect` whole inside `area` with the fit margin."""
    margin = 4 if min(area.width(), area.height()) <= 2 * FIT_MARGIN else FIT_MARGIN
    sx = (area.width() - 2 * margin) / max(rect.width(), 1.0)
    sy = (area.height() - 2 * margin) / max(rect.height(), 1.0)
    return max(0.0, min(sx, sy))


def _grid_lines(rect: QRectF, step: int, skip: int = 0) -> list[QLineF]:
    left = math.floor(rect.left() / step) * step
    top = math.floor(rect.top() / step) * step
    lines: list[QLineF] = []
    x = left
    while x <= rect.right():
        if not skip or x % skip:
            lines.append(QLineF(x, rect.top(), x, rect.bottom()))
        x += step
    y = top
    while y <= rect.bottom():
        if not skip or y % skip:
            lines.append(QLineF(rect.left(), y, rect.right(), y))
        y += step
    return lines
