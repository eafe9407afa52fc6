"""The minimap: the whole dreamscape in miniature with the view's rectangle; click to go there."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QEvent, QLineF, QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.model import Dreamscape

from .items import NODE_H, NODE_W
from .style import kind_color
from .view import DreamView

_PAD = 6
_EDGE_LIMIT = 4000


class MiniMap(QWidget):
    """Paints node rects from the model (cached) and the view's viewport on top.

    Without a parent it floats in the view's bottom-right corner; with one (a dock) it is
    an ordinary widget.
    """

    def __init__(self, view: DreamView, parent: QWidget | None = None) -> None:
        self.overlay = parent is None
        super().__init__(view if parent is None else parent)
        self.view = view
        self._ds: Dreamscape | None = None
        self._image: QImage | None = None
        self._map: tuple[float, QPointF, QRectF] | None = None  # scale, offset, scene bounds
        self.renders = 0
        self.setMinimumSize(120, 80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Minimap: click or drag to move the view")
        scene = view.dream_scene()
        scene.dreamscape_replaced.connect(self._rebind)
        scene.theme_changed.connect(lambda _name: self.invalidate())
        view.zoom_changed.connect(lambda _z: self.update())
        view.horizontalScrollBar().valueChanged.connect(lambda _v: self.update())
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        self.destroyed.connect(self._unbind)
        self._rebind()
        if self.overlay:
            self.resize(220, 148)
            view.installEventFilter(self)
            self._place()
            self.show()

    def sizeHint(self) -> QSize:
        return QSize(220, 148)

    # ------------------------------------------------------------- binding
    def _rebind(self) -> None:
        self._unbind()
        self._ds = self.view.dream_scene().dreamscape
        self._ds.events.changed.connect(self._model_changed)
        self.invalidate()

    def _unbind(self, *_: Any) -> None:
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._model_changed)
            self._ds = None

    def _model_changed(self, event_name: str) -> None:
        if event_name.startswith(("node", "edge", "group")):
            try:
                self.invalidate()
            except RuntimeError:  # the widget is gone but the model lives on
                self._unbind()

    def invalidate(self) -> None:
        self._image = None
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        margin = 12
        self.move(
            self.view.width() - self.width() - margin, self.view.height() - self.height() - margin
        )

    def resizeEvent(self, event: Any) -> None:
        self.invalidate()
        super().resizeEvent(event)

    # ------------------------------------------------------------- mapping
    def _scene_bounds(self) -> QRectF:
        ds = self._ds
        if ds is None or not ds.nodes:
            return QRectF(0, 0, NODE_W, NODE_H)
        xs = [n.x for n in ds.nodes]
        ys = [n.y for n in ds.nodes]
        rect = QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs) + NODE_W, max(ys) + NODE_H))
        margin = 0.04 * max(rect.width(), rect.height()) + 20
        return rect.adjusted(-margin, -margin, margin, margin)

    def _mapping(self) -> tuple[float, QPointF, QRectF]:
        if self._map is None or self._image is None:
            bounds = self._scene_bounds()
            area = QRectF(self.rect()).adjusted(_PAD, _PAD, -_PAD, -_PAD)
            scale = min(area.width() / bounds.width(), area.height() / bounds.height())
            offset = QPointF(
                area.x() + (area.width() - bounds.width() * scale) / 2,
                area.y() + (area.height() - bounds.height() * scale) / 2,
            )
            self._map = (scale, offset, bounds)
        return self._map

    def to_widget(self, scene_point: QPointF) -> QPointF:
        scale, offset, bounds = self._mapping()
        return (scene_point - bounds.topLeft()) * scale + offset

    def to_scene(self, widget_point: QPointF) -> QPointF:
        scale, offset, bounds = self._mapping()
        return (widget_point - offset) / scale + bounds.topLeft()

    # ------------------------------------------------------------- painting
    def _render(self) -> QImage:
        self._map = None
        scale, offset, bounds = self._mapping()
        ratio = self.devicePixelRatioF()  # sharp on high-DPI screens: render physical pixels
        image = QImage(self.size() * ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        ds = self._ds
        if ds is None:
            return image
        theme = self.view.dream_scene().ctx.theme
        painter = QPainter(image)
        painter.translate(offset)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        positions = {n.id: (n.x, n.y) for n in ds.nodes}
        for group in ds.groups:
            pts = [positions[n] for n in group.nodes if n in positions]
            if not pts:
                continue
            color = QColor(group.color)
            color.setAlpha(60)
            painter.fillRect(
                QRectF(
                    QPointF(min(p[0] for p in pts) - 12, min(p[1] for p in pts) - 30),
                    QPointF(
                        max(p[0] for p in pts) + NODE_W + 12, max(p[1] for p in pts) + NODE_H + 12
                    ),
                ),
                color,
            )
        if len(ds.edges) <= _EDGE_LIMIT:
            painter.setPen(QPen(theme.edge_overview, 0))
            painter.drawLines(
                [
                    QLineF(
                        positions[e.source][0] + NODE_W,
                        positions[e.source][1] + NODE_H / 2,
                        positions[e.target][0],
                        positions[e.target][1] + NODE_H / 2,
                    )
                    for e in ds.edges
                    if e.source in positions and e.target in positions
                ]
            )
        by_kind: dict[str, list[QRectF]] = defaultdict(list)
        for node in ds.nodes:
            by_kind[node.kind].append(QRectF(node.x, node.y, NODE_W, NODE_H))
        painter.setPen(Qt.PenStyle.NoPen)
        for kind, rects in by_kind.items():
            painter.setBrush(kind_color(kind))
            painter.drawRects(rects)
        painter.end()
        self.renders += 1
        return image

    def viewport_rect(self) -> QRectF:
        """The view's visible scene area in minimap coordinates."""
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return QRectF(self.to_widget(visible.topLeft()), self.to_widget(visible.bottomRight()))

    def paintEvent(self, event: Any) -> None:
        theme = self.view.dream_scene().ctx.theme
        if (
            self._image is None
            or self._image.deviceIndependentSize().toSize() != self.size()
            or self._image.devicePixelRatio() != self.devicePixelRatioF()
        ):
            self._image = self._render()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        back = QColor(theme.background)
        back.setAlpha(235)
        painter.setPen(QPen(theme.card_border, 1))
        painter.setBrush(back)
        painter.drawRoundedRect(frame, 6, 6)
        painter.drawImage(0, 0, self._image)
        painter.setClipRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))
        view_rect = self.viewport_rect()
        fill = QColor(theme.selection)
        fill.setAlpha(36)
        painter.setBrush(fill)
        painter.setPen(QPen(theme.selection, 1.5))
        painter.drawRect(view_rect)
        painter.end()

    # ---------------------------------------------------------------- mouse
    def _go(self, pos: QPointF) -> None:
        self.view.centerOn(self.to_scene(pos))
        self.update()

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._go(event.position())
            event.accept()

    def mouseMoveEvent(self, event: Any) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
            event.accept()
