"""Accessible names for every control, so screen readers say what a field is for.

Most controls sit in form rows or carry a placeholder or tooltip; the name is taken from
those when the code that built the control did not set one.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)


def _form_label(widget: QWidget) -> str:
    """The label of the form row holding `widget` (or the wrapper it sits in)."""
    field: QWidget | None = widget
    while field is not None:
        parent = field.parentWidget()
        if parent is None:
            break
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(field)
            if isinstance(label, QLabel) and label.text():
                return label.text().replace("&", "").rstrip(":")
        field = parent
    return ""


def describe(widget: QWidget) -> str:
    """The best name a control already shows: its form label, text, placeholder or tooltip."""
    candidates = [_form_label(widget)]
    text = getattr(widget, "text", None)
    if isinstance(widget, QAbstractButton) and callable(text):
        candidates.append(text().replace("&", ""))
    placeholder = getattr(widget, "placeholderText", None)
    if callable(placeholder):
        candidates.append(placeholder())
    candidates.append(widget.toolTip())
    if isinstance(widget, QComboBox):
        candidates.append(widget.currentText())
    candidates.append(widget.objectName().replace("_", " "))
    return next((c.strip() for c in candidates if c and c.strip()), "")


def name_controls(root: QWidget) -> int:
    """Give every unnamed control under `root` its visible name; returns how many were named."""
    named = 0
    for kind in CONTROLS:
        for widget in root.findChildren(kind):
            if widget.accessibleName():
                continue
            name = describe(widget)
            if name:
                widget.setAccessibleName(name)
                named += 1
    return named
