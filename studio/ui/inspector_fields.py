"""Inspector field widgets that validate as you type and only commit valid values.

Each field shows a problem by turning red (the `invalid` property the QSS styles) with the
message in its tooltip and in the error label under it; invalid input is never applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.model import ExpressionError, compile_expression

from .theme import repolish

Validator = Callable[[str], str | None]  # text -> error message or None
TEXT_COMMIT_DELAY_MS = 600


def expression_error(source: str, declared: Mapping[str, Any]) -> str | None:
    """The first problem with an expression against the declared variables, or None."""
    try:
        expr = compile_expression(source)
    except ExpressionError as exc:
        return str(exc)
    missing = sorted(n for n in expr.names if n not in declared)
    if missing:
        column = source.find(missing[0]) + 1
        return f"column {column}: undeclared variable '{missing[0]}'"
    return None


def set_invalid(widget: QWidget, message: str | None, label: QLabel | None = None) -> None:
    widget.setProperty("invalid", "true" if message else "false")
    widget.setToolTip(message or "")
    repolish(widget)
    if label is not None:
        label.setText(message or "")
        label.setVisible(bool(message))


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class CheckedLineEdit(QLineEdit):
    """A line edit with a validator; emits `committed(text)` on Enter/focus-out when valid."""

    committed = Signal(str)

    def __init__(self, validator: Validator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.validator_fn = validator
        self.error = error_label()
        self._model_value = ""
        self.textEdited.connect(self._check)
        self.editingFinished.connect(self._finish)

    def set_value(self, text: str) -> None:
        """Show the model's value (no commit, no signal)."""
        self._model_value = text
        if self.text() != text:
            self.blockSignals(True)
            self.setText(text)
            self.setCursorPosition(0)  # long values show their start
            self.blockSignals(False)
        set_invalid(self, None, self.error)

    def problem(self) -> str | None:
        return self.validator_fn(self.text()) if self.validator_fn else None

    def _check(self, *_: Any) -> None:
        set_invalid(self, self.problem(), self.error)

    def _finish(self) -> None:
        message = self.problem()
        set_invalid(self, message, self.error)
        if message is None and self.text() != self._model_value:
            self._model_value = self.text()
            self.committed.emit(self.text())


class ExpressionEdit(CheckedLineEdit):
    """An expression field checked against the document's declared variables."""

    def __init__(
        self,
        declared: Callable[[], Mapping[str, Any]],
        allow_empty: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        self.declared = declared
        self.allow_empty = allow_empty
        super().__init__(self._validate, parent)
        self.setPlaceholderText("always" if allow_empty else "expression, e.g. courage + 1")

    def _validate(self, text: str) -> str | None:
        if not text.strip():
            return None if self.allow_empty else "an expression is needed"
        return expression_error(text, self.declared())


class TextArea(QPlainTextEdit):
    """Multi-line text committed a moment after typing stops, and on focus-out."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model_value = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit)
        self.textChanged.connect(self._timer.start)
        self.setTabChangesFocus(True)

    def set_value(self, text: str) -> None:
        self._model_value = text
        if self.toPlainText() != text:
            self.blockSignals(True)
            self.setPlainText(text)
            self.blockSignals(False)
        self._timer.stop()

    def commit(self) -> None:
        self._timer.stop()
        text = self.toPlainText()
        if text != self._model_value:
            self._model_value = text
            self.committed.emit(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self.commit()
        super().focusOutEvent(event)


class NumberField(QDoubleSpinBox):
    """A bounded number; commits on Enter, focus-out or the arrows (not every keystroke)."""

    committed = Signal(float)

    def __init__(
        self,
        low: float,
        high: float,
        step: float = 0.1,
        decimals: int = 2,
        low_open: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setDecimals(decimals)
        smallest = 10**-decimals
        self.setRange(low + smallest if low_open else low, high)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self._model_value: float | None = None
        self.valueChanged.connect(self._changed)

    def set_value(self, value: float) -> None:
        self._model_value = float(value)
        self.blockSignals(True)
        self.setValue(float(value))
        self.blockSignals(False)

    def _changed(self, value: float) -> None:
        if self._model_value is None or abs(value - self._model_value) > 1e-12:
            self._model_value = value
            self.committed.emit(value)


def clean_number(value: float) -> float | int:
    """Whole numbers as ints so saved files read 5, not 5.0."""
    return int(value) if float(value).is_integer() else round(float(value), 6)


class EffectsEditor(QWidget):
    """Rows of `variable ← expression`; emits the whole dict only when every row is valid."""

    committed = Signal(dict)

    def __init__(
        self, declared: Callable[[], Mapping[str, Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.declared = declared
        self._rows: list[tuple[QComboBox, ExpressionEdit, QPushButton]] = []
        self._value: dict[str, str] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(4)
        outer.addLayout(self.grid)
        self.error = error_label()
        outer.addWidget(self.error)
        self.add_button = QPushButton("Add effect")
        self.add_button.setToolTip("Set a variable when the dreamer passes here")
        self.add_button.clicked.connect(self._add_clicked)
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def set_value(self, effects: Mapping[str, str]) -> None:
        if dict(effects) == self._value and len(self._rows) == len(effects):
            return
        self._value = dict(effects)
        self._clear_rows()
        for name, source in effects.items():
            self._add_row(name, source)
        self.error.setVisible(False)
        self.add_button.setEnabled(bool(self.declared()))

    def _clear_rows(self) -> None:
        for combo, edit, button in self._rows:
            for widget in (combo, edit, button, edit.error):
                widget.setParent(None)
                widget.deleteLater()
        self._rows.clear()

    def _add_row(self, name: str, source: str) -> None:
        combo = QComboBox()
        names = list(self.declared())
        if name and name not in names:
            names.insert(0, name)
        combo.addItems(names)
        combo.setCurrentText(name)
        edit = ExpressionEdit(self.declared)
        edit.set_value(source)
        remove = QPushButton("×")
        remove.setFixedWidth(28)
        remove.setProperty("role", "icon")
        remove.setToolTip("Remove this effect")
        row = len(self._rows)
        self.grid.addWidget(combo, row * 2, 0)
        self.grid.addWidget(edit, row * 2, 1)
        self.grid.addWidget(remove, row * 2, 2)
        self.grid.addWidget(edit.error, row * 2 + 1, 0, 1, 3)
        self.grid.setColumnStretch(1, 1)
        entry = (combo, edit, remove)
        self._rows.append(entry)
        combo.currentTextChanged.connect(self._try_commit)
        edit.committed.connect(self._try_commit)
        remove.clicked.connect(lambda: self._remove(entry))

    def _add_clicked(self) -> None:
        declared = list(self.declared())
        if not declared:
            return
        unused = [n for n in declared if n not in self.current_names()] or declared
        name = unused[0]
        kind = getattr(self.declared()[name], "type", "int")
        self._add_row(name, "true" if kind == "bool" else f"{name} + 1")
        self._try_commit()

    def _remove(self, entry: tuple[QComboBox, ExpressionEdit, QPushButton]) -> None:
        self._rows.remove(entry)
        for widget in (*entry, entry[1].error):
            widget.setParent(None)
            widget.deleteLater()
        self._try_commit()

    def current_names(self) -> list[str]:
        return [combo.currentText() for combo, _, _ in self._rows]

    def problem(self) -> str | None:
        names = self.current_names()
        for name in names:
            if name not in self.declared():
                return f"'{name}' is not a declared variable"
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            return f"'{sorted(duplicates)[0]}' is set twice"
        for _, edit, _ in self._rows:
            message = edit.problem()
            if message:
                return message
        return None

    def _try_commit(self, *_: Any) -> None:
        message = self.problem()
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if message:
            return
        value = {combo.currentText(): edit.text() for combo, edit, _ in self._rows}
        if value != self._value:
            self._value = value
            self.committed.emit(value)


def parse_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_suppressions(text: str) -> tuple[dict[str, str], str | None]:
    """`CODE: reason` per line -> dict, or an error naming the bad line."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        code, sep, reason = line.partition(":")
        if not sep or not code.strip():
            return {}, f"line {number}: write CODE: reason"
        if not reason.strip():
            return {}, f"line {number}: a suppression needs a non-empty reason"
        out[code.strip()] = reason.strip()
    return out, None


def format_suppressions(value: Mapping[str, str]) -> str:
    return "\n".join(f"{code}: {reason}" for code, reason in value.items())
