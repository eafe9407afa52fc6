"""Colours and icons the live panels share, chosen for both dark and light themes."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from studio.lint.vocabulary import (
    BAND_COLOURS,
    BAND_LABELS,
    ROLE_COLOURS,
    SEVERITIES,
    SEVERITY_COLOURS,
    SEVERITY_RANK,
    UNKNOWN_COLOUR,
    worst,
)

__all__ = [
    "BAND_COLOURS",
    "BAND_LABELS",
    "ROLE_COLOURS",
    "SEVERITIES",
    "SEVERITY_COLOURS",
    "SEVERITY_RANK",
    "UNKNOWN_COLOUR",
    "band_colour",
    "is_dark",
    "severity_icon",
    "worst",
]


def band_colour(band: str | None) -> QColor:
    return QColor(BAND_COLOURS.get(band or "", UNKNOWN_COLOUR))


def is_dark(widget: QWidget | None = None) -> bool:
    """Whether the window background is dark, so plots and badges pick readable ink."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


@cache
def severity_icon(severity: str, size: int = 16) -> QIcon:
    """A round error, a warning triangle or an info dot: recognisable without colour too."""
    pix = QPixmap(size * 2, size * 2)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size * 2
    colour = QColor(SEVERITY_COLOURS.get(severity, UNKNOWN_COLOUR))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    if severity == "warning":
        path = QPainterPath()
        path.moveTo(QPointF(s / 2, s * 0.08))
        path.lineTo(QPointF(s * 0.95, s * 0.9))
        path.lineTo(QPointF(s * 0.05, s * 0.9))
        path.closeSubpath()
        p.drawPath(path)
        glyph, box = "!", QRectF(0, s * 0.2, s, s * 0.7)
    else:
        p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88))
        glyph, box = ("!" if severity == "error" else "i"), QRectF(0, 0, s, s)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(s * 0.6))
    p.setFont(font)
    p.setPen(QPen(QColor("#ffffff")))
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)
    p.end()
    pix.setDevicePixelRatio(2.0)
    return QIcon(pix)
