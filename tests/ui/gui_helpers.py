"""Mouse and keyboard helpers for driving the real editor widgets in tests."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

LEFT = Qt.MouseButton.LeftButton


def send_mouse(
    widget: QWidget,
    kind: QEvent.Type,
    pos: QPoint | QPointF,
    button: Qt.MouseButton = LEFT,
    buttons: Qt.MouseButton | None = None,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    local = QPointF(pos)
    if buttons is None:
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(
        kind,
        local,
        QPointF(widget.mapToGlobal(local.toPoint())),
        button if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        buttons,
        modifiers,
    )
    QApplication.sendEvent(widget, event)


def drag(
    widget: QWidget,
    points: Iterable[QPoint | QPointF],
    button: Qt.MouseButton = LEFT,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    steps: int = 6,
) -> None:
    """Press at the first point, move through the rest in small steps, release at the last."""
    pts = [QPointF(p) for p in points]
    send_mouse(widget, QEvent.Type.MouseButtonPress, pts[0], button, modifiers=modifiers)
    previous = pts[0]
    for target in pts[1:]:
        for i in range(1, steps + 1):
            p = previous + (target - previous) * (i / steps)
            send_mouse(
                widget, QEvent.Type.MouseMove, p, button, buttons=button, modifiers=modifiers
            )
        previous = target
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pts[-1], button, modifiers=modifiers)


def click(
    widget: QWidget,
    pos: QPoint | QPointF,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, pos, modifiers=modifiers)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, modifiers=modifiers)
