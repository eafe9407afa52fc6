"""The palette dock: node kinds to drag onto the canvas (or double-click to add at the centre)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from studio.model import NODE_KINDS

from .kinds import kind_hint, kind_icon

KIND_MIME = "application/x-dreamstudio-kind"


class PaletteList(QListWidget):
    """One row per kind; dragging carries the kind name as `application/x-dreamstudio-kind`."""

    kind_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("palette")
        self.setIconSize(QSize(24, 24))
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # A wrapping grid of fixed cells keeps all kinds visible in a short dock.
        self.setViewMode(QListWidget.ViewMode.ListMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for kind in NODE_KINDS:
            item = QListWidgetItem(kind_icon(kind), kind.capitalize())
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setSizeHint(QSize(116, 30))
            item.setToolTip(f"{kind_hint(kind)}\nDrag onto the canvas, or double-click to add.")
            self.addItem(item)
        self.itemDoubleClicked.connect(
            lambda item: self.kind_activated.emit(item.data(Qt.ItemDataRole.UserRole))
        )

    def sizeHint(self) -> QSize:
        return QSize(240, 4 * 34 + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 4 * 34 + 12)  # all eight kinds in two columns, no scrolling

    def mimeTypes(self) -> list[str]:
        return [KIND_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        mime = QMimeData()
        if items:
            kind = items[0].data(Qt.ItemDataRole.UserRole)
            mime.setData(KIND_MIME, kind.encode("utf-8"))
            mime.setText(kind)
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
