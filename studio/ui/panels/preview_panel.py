"""The play-through preview: walk the dream as one dreamer, with the canvas following along."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.model import Dreamscape
from studio.sim import PlayEngine

from ..theme import text_colour_for
from .style import ROLE_COLOURS, SEVERITY_COLOURS

MAX_SHOWN_CHOICES = 40


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def choice_text(ds: Dreamscape, choice: Any) -> str:
    """What a choice button says: the edge label, where it leads, and why it is off."""
    target = (
        ds.node(choice.edge.target).display_title
        if ds.has_node(choice.edge.target)
        else choice.edge.target
    )
    label = choice.edge.label or f"Go to {target}"
    if choice.enabled:
        return f"{choice.probability:.0%}  ·  {label}  →  {target}"
    why = choice.error or (f"needs {choice.condition}" if choice.condition else "disabled")
    return f"{label}  →  {target}  —  {why}"


class ChoiceButton(QPushButton):
    """A choice that fits a narrow dock: elided in the middle, whole in its tooltip."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.full_text = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(60)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        room = max(20, self.width() - 24)
        self.setText(
            self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, room)
        )


class PreviewPanel(QWidget):
    """Owns one PlayEngine over the live document; rebinding keeps the place across edits."""

    moved = Signal()  # after every step, rewind, restart or rebind

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self.window_ = window
        self.engine: PlayEngine | None = None
        self.notice = ""
        self.active = True
        self._stale = False
        self._rebind_timer = QTimer(self)
        self._rebind_timer.setSingleShot(True)
        self._rebind_timer.setInterval(0)
        self._rebind_timer.timeout.connect(self.rebind)
        self._ds: Dreamscape | None = None

        self.title = QLabel("")
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.meta = QLabel("")
        self.meta.setObjectName("previewMeta")
        self.text = QTextBrowser(self)
        self.text.setObjectName("previewText")
        self.text.setOpenLinks(False)
        self.status = QLabel("")
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)

        self.choice_box = QWidget(self)
        self.choice_layout = QVBoxLayout(self.choice_box)
        self.choice_layout.setContentsMargins(0, 0, 0, 0)
        self.choice_layout.setSpacing(4)
        self.choice_buttons: list[QPushButton] = []
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.choice_box)
        scroll.setMinimumHeight(56)

        self.back_button = QPushButton("◀ Back")
        self.back_button.setToolTip("Rewind one step")
        self.restart_button = QPushButton("Restart")
        self.from_selection_button = QPushButton("Play from selected")
        self.from_selection_button.setToolTip(
            "Start the play-through at the scene selected on the canvas"
        )
        self.back_button.clicked.connect(self.rewind)
        self.restart_button.clicked.connect(lambda: self.restart())
        self.from_selection_button.clicked.connect(self.play_from_selection)
        controls = QHBoxLayout()
        for b in (self.back_button, self.restart_button, self.from_selection_button):
            controls.addWidget(b)
        controls.addStretch(1)

        self.variables = QTableWidget(0, 2, self)
        self.variables.setObjectName("previewVariables")
        self.variables.setHorizontalHeaderLabels(["Variable", "Value"])
        self.variables.verticalHeader().hide()
        self.variables.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.variables.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.variables.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history = QListWidget(self)
        self.history.setObjectName("previewHistory")
        self.history.setToolTip("Double-click a step to rewind to it")
        # Activation covers double-click and Enter; connecting itemDoubleClicked too ran the
        # rewind twice, the second time on an item of the rebuilt (shorter) list.
        self.history.itemActivated.connect(self._history_activated)
        # Not self.lower: that is QWidget.lower().
        self.lower_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower_split.addWidget(self.variables)
        self.lower_split.addWidget(self.history)
        self.lower_split.setChildrenCollapsible(False)
        for part in (self.text, self.variables, self.history):
            part.setMinimumHeight(44)  # the preview shares a column with the inspector

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.title)
        top_layout.addWidget(self.meta)
        top_layout.addWidget(self.text, 1)
        top_layout.addWidget(self.status)
        top_layout.addWidget(scroll, 1)
        top_layout.addLayout(controls)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.lower_split)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # Side by side when there is room, variables above history in a narrow dock.
        narrow = self.width() < 300
        self.lower_split.setOrientation(
            Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        )

    # ------------------------------------------------------------ following
    def set_dreamscape(self, ds: Dreamscape) -> None:
        """A new document (open/revert): start over on it."""
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._on_changed)
        self._ds = ds
        ds.events.changed.connect(self._on_changed)
        self.engine = None
        self.notice = ""
        self.restart()

    def detach(self) -> None:
        """Stop following the document (pure Python: safe after the widget is gone)."""
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._on_changed)
            self._ds = None

    def _on_changed(self, _event: str) -> None:
        if self.active:
            self._rebind_timer.start()  # many events of one edit rebind once
        else:
            self._stale = True  # hidden: catch up when shown, not on every edit

    def rebind(self) -> None:
        """Pick up edits: stay at the current node if it still exists."""
        ds = self._ds
        if ds is None:
            return
        if self.engine is None:
            self.restart()
            return
        before = self.engine.history[-1].node if self.engine.history else None
        try:
            self.engine.rebind(ds)
        except Exception as exc:  # noqa: BLE001 - a half-edited design must not break the preview
            self.engine = None
            self._show_unplayable(str(exc))
            return
        after = self.engine.history[-1].node if self.engine.history else None
        if before is not None and after != before:
            self.notice = (
                f"The scene '{before}' was removed; the play-through is back at '{after}'."
            )
        self.refresh()

    # ---------------------------------------------------------------- moves
    def restart(self, start: str | None = None) -> None:
        ds = self._ds
        if ds is None:
            return
        self.notice = ""
        try:
            if self.engine is None:
                self.engine = PlayEngine(ds, start=start)
            else:
                self.engine.restart(start)
        except Exception as exc:  # noqa: BLE001 - e.g. no single entry yet
            self.engine = None
            self._show_unplayable(str(exc))
            return
        self.refresh()

    def play_from(self, node_id: str) -> None:
        if self._ds is None or not self._ds.has_node(node_id):
            return
        if self.engine is None:
            self.restart(node_id)
        else:
            self.engine.restart(node_id)
            self.notice = ""
            self.refresh()

    def play_from_selection(self) -> None:
        scene = getattr(self.window_, "scene", None)
        ids = list(scene.selected_node_ids()) if scene is not None else []
        if ids:
            self.play_from(ids[0])
        else:
            self.notice = "Select a scene on the canvas first."
            self.refresh()

    def take(self, edge_id: str) -> None:
        if self.engine is None:
            return
        try:
            self.engine.take(edge_id)
            self.notice = ""
        except Exception as exc:  # noqa: BLE001 - the choice went away under us
            self.notice = str(exc)
        self.refresh()

    def rewind(self) -> None:
        if self.engine is not None and self.engine.rewind():
            self.notice = ""
            self.refresh()

    def rewind_to(self, step: int) -> None:
        """Go back to the given history step (0 = the start)."""
        if self.engine is None:
            return
        while len(self.engine.history) > step + 1 and self.engine.rewind():
            pass
        self.notice = ""
        self.refresh()

    def _history_activated(self, item: QListWidgetItem) -> None:
        row = self.history.row(item)
        if row >= 0:  # an item of a list already rebuilt is no step any more
            self.rewind_to(row)

    # ------------------------------------------------------------- display
    def set_active(self, active: bool) -> None:
        """The dock is hidden: stop following edits and highlighting; shown again: catch up."""
        self.active = active
        if active and self._stale:
            self._stale = False
            self.rebind()
        else:
            self._highlight()

    def _highlight(self) -> None:
        scene = getattr(self.window_, "scene", None)
        if scene is None:
            return
        if self.active and self.engine is not None:
            scene.set_highlight(self.engine.current.id, self.engine.path)
        else:
            scene.set_highlight(None, [])

    def _show_unplayable(self, reason: str) -> None:
        self.title.setText("Nothing to play yet")
        self.meta.setText("")
        self.text.setHtml(f"<p>{html.escape(reason)}</p>")
        self._set_status(reason, "warning")
        self._set_choices([])
        self.variables.setRowCount(0)
        self.history.clear()
        for b in (self.back_button, self.restart_button):
            b.setEnabled(False)
        self._highlight()
        self.moved.emit()

    def _set_status(self, text: str, severity: str | None) -> None:
        self.status.setText(text)
        colour = (
            ROLE_COLOURS["calm"] if severity == "done" else SEVERITY_COLOURS.get(severity or "", "")
        )
        self.status.setStyleSheet(
            f"color: {text_colour_for(self.status, colour)};" if colour else ""
        )
        self.status.setVisible(bool(text))

    def refresh(self) -> None:
        eng = self.engine
        if eng is None:
            return
        ds = eng.ds
        node = eng.current
        self.title.setText(node.display_title)
        self.meta.setText(
            f"{node.kind} · {node.id} · step {len(eng.history) - 1} · {eng.minutes:g} dream minutes"
        )
        self.text.setPlainText(node.text or "(this scene has no text yet)")
        lines = [self.notice] if self.notice else []
        severity: str | None = "warning" if self.notice else None
        if eng.is_exit:
            lines.append(
                f"The dream ends here after {eng.minutes:g} minutes: the sleeper "
                "returns to natural sleep."
            )
            severity = severity or "done"
        elif eng.is_stalled:
            lines.append(
                "Stalled: no transition is enabled here, so the dreamer is stuck in this scene."
            )
            severity = "error"
        lines.extend(eng.problems[:3])
        if eng.problems and severity is None:
            severity = "warning"
        self._set_status("\n".join(lines), severity)
        self._set_choices(eng.choices())
        self._fill_variables(
            eng.variables, eng.history[-2].variables if len(eng.history) > 1 else None
        )
        self.history.clear()
        for i, step in enumerate(eng.history):
            title = ds.node(step.node).display_title if ds.has_node(step.node) else step.node
            self.history.addItem(f"{i}. {title}")
        self.history.setCurrentRow(len(eng.history) - 1)
        self.back_button.setEnabled(len(eng.history) > 1)
        self.restart_button.setEnabled(True)
        self._highlight()
        self.moved.emit()

    def _set_choices(self, choices: list[Any]) -> None:
        while self.choice_layout.count():
            item = self.choice_layout.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.hide()  # the clicked button may still be mid-signal: delete later
                widget.deleteLater()
        self.choice_buttons = []
        ds = self.engine.ds if self.engine is not None else None
        for choice in choices[:MAX_SHOWN_CHOICES]:
            button = ChoiceButton(choice_text(ds, choice) if ds is not None else choice.edge.id)
            button.setObjectName(f"choice:{choice.edge.id}")
            button.setProperty("edge_id", choice.edge.id)
            button.setEnabled(choice.enabled)
            button.setStyleSheet("text-align: left; padding: 4px 8px;")
            if choice.enabled:
                button.setToolTip(
                    f"{button.full_text}\nTake transition {choice.edge.id}"
                    + (f" (condition {choice.condition} holds)" if choice.condition else "")
                )
                edge_id = choice.edge.id
                button.clicked.connect(lambda _=False, e=edge_id: self.take(e))
            else:
                button.setToolTip(
                    f"{button.full_text}\nDisabled: {choice.error or choice.condition} "
                    "is not true with the variables as they are now"
                )
            self.choice_layout.addWidget(button)
            self.choice_buttons.append(button)
        if len(choices) > MAX_SHOWN_CHOICES:
            more = QPushButton(f"… {len(choices) - MAX_SHOWN_CHOICES} more transitions")
            more.setEnabled(False)
            self.choice_layout.addWidget(more)
            self.choice_buttons.append(more)
        self.choice_layout.addStretch(1)

    def _fill_variables(self, values: dict[str, Any], before: dict[str, Any] | None) -> None:
        self.variables.setRowCount(len(values))
        for row, (name, value) in enumerate(values.items()):
            name_item = QTableWidgetItem(name)
            value_item = QTableWidgetItem(_format_value(value))
            if before is not None and before.get(name) != value:
                font = value_item.font()
                font.setBold(True)
                value_item.setFont(font)
                value_item.setToolTip(f"changed from {_format_value(before.get(name))}")
            self.variables.setItem(row, 0, name_item)
            self.variables.setItem(row, 1, value_item)

    # ------------------------------------------------------------- queries
    def enabled_choice_ids(self) -> list[str]:
        return [
            b.property("edge_id")
            for b in self.choice_buttons
            if b.isEnabled() and b.property("edge_id")
        ]

    def disabled_choice_ids(self) -> list[str]:
        return [
            b.property("edge_id")
            for b in self.choice_buttons
            if not b.isEnabled() and b.property("edge_id")
        ]
