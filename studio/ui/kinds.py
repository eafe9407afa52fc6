"""Node kinds as the panels show them: icon, colour and a one-line hint from the canvas style."""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

_style: ModuleType | None
try:  # the canvas owns kind colours and icons; panels still work without it
    from .canvas import style as _style
except ImportError:  # pragma: no cover - only while the canvas package is absent
    _style = None

_FALLBACK_HINT = "A dream scene"


def kind_colour(kind: str) -> QColor:
    if _style is not None:
        return _style.kind_color(kind)
    return QColor("#6b7280")


def kind_hint(kind: str) -> str:
    hints = getattr(_style, "KIND_HINTS", {}) if _style is not None else {}
    return hints.get(kind, _FALLBACK_HINT)


@lru_cache(maxsize=32)
def kind_icon(kind: str) -> QIcon:
    """The kind's tinted SVG icon (a coloured dot if the icons are missing)."""
    if _style is not None:
        return _style.kind_icon(kind)
    pixmap = QPixmap(24, 24)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(kind_colour(kind))
    painter.drawEllipse(QRectF(5, 5, 14, 14))
    painter.end()
    return QIcon(pixmap)
