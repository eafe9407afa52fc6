"""The searchable quick-add popup: type a few letters, press Enter, get a scene at the cursor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import NODE_KINDS

from .style import KIND_HINTS, KIND_LABELS, kind_icon

_KIND_ROLE = Qt.ItemDataRole.UserRole


# What a designer most often adds after a scene of each kind (quick-add preselects it).
LIKELY_NEXT: dict[str, str] = {
    "entry": "scene",
    "scene": "choice",
    "choice": "scene",
    "reward": "anchor",
    "social": "scene",
    "anchor": "exit",
    "nightmare": "anchor",
    "exit": "scene",
}


def likely_next(after: str | None, has_entry: bool) -> str:
    """The kind to preselect: after the selected scene's kind, else an entry if none yet."""
    if after is not None:
        return LIKELY_NEXT.get(after, "scene")
    return "scene" if has_entry else "entry"


def kind_matches(kind: str, query: str) -> int:
    """Rank of a kind for a search (lower is better); -1 when it does not match."""
    query = query.strip().lower()
    if not query:
        return 0
    label = KIND_LABELS.get(kind, kind).lower()
    if label.startswith(query) or kind.startswith(query):
        return 0
    if query in label or query in kind:
        return 1
    if query in KIND_HINTS.get(kind, "").lower():
        return 2
    return -1


class QuickAddPopup(QFrame):
    """A frameless popup listing node kinds; `chosen(kind)` fires on Enter or click."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("QuickAddPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        title = QLabel("Add to the dream")
        title.setObjectName("QuickAddTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search kinds…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setIconSize(QSize(20, 20))
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for kind in NODE_KINDS:
            item = QListWidgetItem(kind_icon(kind), KIND_LABELS.get(kind, kind.title()))
            item.setData(_KIND_ROLE, kind)
            item.setToolTip(KIND_HINTS.get(kind, ""))
            self.list.addItem(item)
        self.hint = QLabel("")
        self.hint.setObjectName("QuickAddHint")
        self.hint.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.setFixedWidth(240)
        self.preferred: str | None = None  # preselected while the search is empty
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemClicked.connect(self._choose_item)
        self.list.currentItemChanged.connect(self._show_hint)
        self._filter("")

    # --------------------------------------------------------------- behaviour
    def popup(self, global_pos: QPoint, preferred: str | None = None) -> None:
        """Show at a screen position (kept on screen), with an empty search focused and the
        likeliest kind preselected."""
        self.preferred = preferred
        self.search.clear()
        self._filter("")
        self._fit_list()
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        self.adjustSize()
        screen = self.screen().availableGeometry() if self.screen() else None
        pos = QPoint(global_pos)
        if screen is not None:
            pos.setX(max(screen.left(), min(pos.x(), screen.right() - self.width())))
            pos.setY(max(screen.top(), min(pos.y(), screen.bottom() - self.height())))
        self.move(pos)
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def _fit_list(self) -> None:
        """Every kind whole, once the style sheet's padding is known (after polishing)."""
        self.list.ensurePolished()
        self.list.doItemsLayout()
        rows = range(self.list.count())
        height = sum(
            max(self.list.sizeHintForRow(i), self.list.visualItemRect(self.list.item(i)).height())
            for i in rows
        )
        self.list.setFixedHeight(height + 2 * self.list.frameWidth() + 2)
        self.hint.ensurePolished()
        self.hint.setMinimumHeight(2 * self.hint.fontMetrics().lineSpacing() + 4)

    def visible_kinds(self) -> list[str]:
        return [
            self.list.item(i).data(_KIND_ROLE)
            for i in range(self.list.count())
            if not self.list.item(i).isHidden()
        ]

    def _filter(self, text: str) -> None:
        ranked = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            rank = kind_matches(item.data(_KIND_ROLE), text)
            item.setHidden(rank < 0)
            if rank >= 0:
                ranked.append((rank, i))
        rows = [i for _, i in ranked]
        wanted = [
            i for i in rows if not text and self.list.item(i).data(_KIND_ROLE) == self.preferred
        ]
        self.list.setCurrentRow(wanted[0] if wanted else min(ranked)[1] if ranked else -1)
        if not ranked:
            self.hint.setText("No kind matches.")

    def _show_hint(self, current: QListWidgetItem | None, previous: Any = None) -> None:
        self.hint.setText(current.toolTip() if current is not None else "")

    def _move_current(self, step: int) -> None:
        rows = [i for i in range(self.list.count()) if not self.list.item(i).isHidden()]
        if not rows:
            return
        row = self.list.currentRow()
        index = rows.index(row) if row in rows else -1
        self.list.setCurrentRow(rows[(index + step) % len(rows)])

    def _choose_item(self, item: QListWidgetItem) -> None:
        kind = item.data(_KIND_ROLE)
        self.close()
        self.chosen.emit(kind)

    def choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            self._choose_item(item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
            if key == Qt.Key.Key_Down:
                self._move_current(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move_current(-1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(watched, event)
