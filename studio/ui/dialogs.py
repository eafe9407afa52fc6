"""Modal dialogs of the editor, as module functions so tests can monkeypatch each one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import studio

FILE_FILTER = "Dreamscapes (*.dream);;All files (*)"


def ask_save_changes(parent: QWidget | None, name: str, before: str = "closing") -> str:
    """'save', 'discard' or 'cancel' for a document with unsaved changes; `before` says why."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to “{name}” before {before}?")
    box.setInformativeText("Your changes will be lost if you don't save them.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {
        QMessageBox.StandardButton.Save: "save",
        QMessageBox.StandardButton.Discard: "discard",
    }.get(QMessageBox.StandardButton(answer), "cancel")


class ErrorListDialog(QDialog):
    """Every located problem, selectable and copyable, so authors can fix a file in one pass."""

    def __init__(self, parent: QWidget | None, title: str, summary: str, lines: Sequence[str]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 360)
        layout = QVBoxLayout(self)
        heading = QLabel(summary)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def show_errors(parent: QWidget | None, title: str, summary: str, lines: Sequence[str]) -> None:
    ErrorListDialog(parent, title, summary, lines).exec()


def show_message(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def ask_open_path(parent: QWidget | None, directory: str = "") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open dreamscape", directory, FILE_FILTER)
    return Path(path) if path else None


def ask_save_path(parent: QWidget | None, suggested: str = "") -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save dreamscape", suggested, FILE_FILTER)
    if not path:
        return None
    target = Path(path)
    return target if target.suffix else target.with_suffix(".dream")


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value.strip() if ok else None


def ask_restore(parent: QWidget | None, descriptions: Sequence[str]) -> str:
    """'restore', 'discard' or 'later' for recovery files left by an unclean exit."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work")
    box.setText("Adjuster Studio closed before these dreamscapes were saved:")
    box.setInformativeText(
        "\n".join(f"• {d}" for d in descriptions)
        + "\n\nRestore them from the automatic recovery copies?"
    )
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore else "discard" if clicked is discard else "later"


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class ShortcutsDialog(QDialog):
    """Every action with a shortcut, grouped by menu, built from the live actions."""

    def __init__(self, parent: QWidget | None, rows: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 620)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Shortcut"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setAccessibleName("Keyboard shortcuts")
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        layout.addWidget(buttons)
        self.resize(self._wanted_width(), 620)

    def _wanted_width(self) -> int:
        """Wide enough for every column whole (capped by the screen), so nothing is clipped."""
        table = self.table
        table.resizeColumnsToContents()
        columns = sum(table.sizeHintForColumn(c) for c in range(table.columnCount()))
        frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width() + 48
        screen = self.screen().availableGeometry().width() if self.screen() else 1280
        return min(screen - 40, max(560, columns + frame))


def shortcut_rows(
    menus: Sequence[tuple[str, Sequence[QAction]]], extra: Sequence[tuple[str, str, str]] = ()
) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for each action that has a shortcut, plus canvas gestures."""
    rows = []
    seen: set[int] = set()
    for menu, actions in menus:
        for action in actions:
            if id(action) in seen:
                continue
            seen.add(id(action))
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k]
            if keys:
                rows.append((menu, action.text().replace("&", "").rstrip("."), ", ".join(keys)))
    return rows + list(extra)


def show_shortcuts(parent: QWidget | None, rows: Sequence[tuple[str, str, str]]) -> None:
    ShortcutsDialog(parent, rows).exec()


def show_about(parent: QWidget | None) -> None:
    text = (
        f"<h3>Adjuster Studio {studio.__version__}</h3>"
        "<p>Design dreamscapes for DreamSync, play them through, watch a simulated night "
        "and check each design against the escapism-risk rules before publishing.</p>"
        "<p>Made for Adjusters who want sleepers to wake rested.</p>"
    )
    box = QMessageBox(parent)
    box.setWindowTitle("About Adjuster Studio")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(text)
    box.exec()
