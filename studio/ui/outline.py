"""The outline dock: every scene as a searchable list that follows the model's events."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from studio.model import Dreamscape, Node

from .kinds import kind_icon

_SHOWN_FIELDS = {"title", "kind", "text"}
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class NodeListModel(QAbstractTableModel):
    """Rows are the dreamscape's nodes in file order; columns title and id."""

    def __init__(self, ds: Dreamscape, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ds: Dreamscape | None = None
        self.set_dreamscape(ds)

    @property
    def ds(self) -> Dreamscape:
        """The dreamscape followed (set on construction, so never None afterwards)."""
        assert self._ds is not None
        return self._ds

    def set_dreamscape(self, ds: Dreamscape) -> None:
        self.beginResetModel()
        if self._ds is not None:
            self._unhook(self._ds)
        self._ds = ds
        events = ds.events
        events.node_added.connect(self._on_added)
        events.node_removed.connect(self._on_removed)
        events.node_changed.connect(self._on_changed)
        events.node_renamed.connect(self._on_renamed)
        self.endResetModel()

    def _unhook(self, ds: Dreamscape) -> None:
        ds.events.node_added.disconnect(self._on_added)
        ds.events.node_removed.disconnect(self._on_removed)
        ds.events.node_changed.disconnect(self._on_changed)
        ds.events.node_renamed.disconnect(self._on_renamed)

    def detach(self) -> None:
        if self._ds is not None:
            self._unhook(self._ds)

    # model events -------------------------------------------------------
    def _on_added(self, node: Node, index: int) -> None:
        self.beginInsertRows(QModelIndex(), index, index)
        self.endInsertRows()

    def _on_removed(self, node: Node, index: int) -> None:
        # The model already dropped the node; Qt only needs the row range.
        self.beginRemoveRows(QModelIndex(), index, index)
        self.endRemoveRows()

    def _on_changed(self, node: Node, fields: tuple[str, ...]) -> None:
        if _SHOWN_FIELDS.intersection(fields):
            self._row_changed(node)

    def _on_renamed(self, node: Node, old_id: str) -> None:
        self._row_changed(node)

    def _row_changed(self, node: Node) -> None:
        row = self.ds.node_index(node.id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    # Qt model API -------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() or self._ds is None else len(self._ds.nodes)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Scene", "Id")[section]
        return None

    def node_at(self, row: int) -> Node:
        return self.ds.nodes[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ds.nodes):
            return None
        node = self.ds.nodes[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.display_title if col == 0 else node.id
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return kind_icon(node.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            excerpt = node.text if len(node.text) < 160 else node.text[:157] + "…"
            return f"{node.display_title} — {node.kind} ({node.id})\n{excerpt}".strip()
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:  # ids are secondary: muted
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.UserRole:
            return node.id
        return None


class NodeFilter(QSortFilterProxyModel):
    """Case-insensitive match on title, text or id."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        if not self._needle:
            return True
        source = self.sourceModel()
        assert isinstance(source, NodeListModel)
        node = source.node_at(row)
        needle = self._needle
        return (
            needle in node.title.casefold()
            or needle in node.text.casefold()
            or needle in node.id.casefold()
        )


class OutlinePanel(QWidget):
    """Search field plus list; activating a row asks the window to select and centre it."""

    node_clicked = Signal(str)
    match_chosen = Signal(str)  # Enter in the search: jump there and leave the search box

    def __init__(self, ds: Dreamscape, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outline")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search scenes by title or text  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.model = NodeListModel(ds, self)
        self.proxy = NodeFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 96)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self.search.textChanged.connect(self.proxy.set_needle)
        self.search.returnPressed.connect(self._activate_first)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        self._syncing = False

    def set_dreamscape(self, ds: Dreamscape) -> None:
        self.model.set_dreamscape(ds)

    def visible_ids(self) -> list[str]:
        return [
            self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(self.proxy.rowCount())
        ]

    def _clicked(self, index: QModelIndex) -> None:
        if not self._syncing and index.isValid():
            self.node_clicked.emit(index.data(Qt.ItemDataRole.UserRole))

    def _activate_first(self) -> None:
        if self.proxy.rowCount():
            index = self.proxy.index(0, 0)
            self.view.setCurrentIndex(index)
            self.match_chosen.emit(index.data(Qt.ItemDataRole.UserRole))

    def show_selection(self, node_ids: list[str]) -> None:
        """Mirror the canvas selection without echoing it back."""
        if self._syncing:
            return
        self._syncing = True
        try:
            selection = self.view.selectionModel()
            selection.clearSelection()
            ds = self.model.ds
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            last = None
            for node_id in node_ids[:200]:
                if not ds.has_node(node_id):
                    continue
                index = self.proxy.mapFromSource(self.model.index(ds.node_index(node_id), 0))
                if index.isValid():
                    selection.select(index, flags)
                    last = index
            if last is not None:
                self.view.scrollTo(last)
        finally:
            self._syncing = False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
