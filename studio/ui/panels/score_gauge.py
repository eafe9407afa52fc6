"""The escapism-risk gauge: a 0–100 arc coloured by band, readable at a glance."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .style import BAND_LABELS, band_colour, is_dark

SWEEP_DEGREES = 270.0


class ScoreGauge(QWidget):
    """Draws the score as a 270° arc; `compact` fits a status bar."""

    def __init__(self, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compact = compact
        self.score: int | None = None
        self.band: str | None = None
        self.updating = False
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Escapism-risk score (0–100)")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(22, 22) if self.compact else QSize(96, 96)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    def set_score(self, score: int | None, band: str | None) -> None:
        """None means not yet known (first run still going, or the linter failed)."""
        self.score = None if score is None else max(0, min(100, int(score)))
        self.band = band
        text = (
            "not scored yet"
            if self.score is None
            else (f"{self.score} / 100 — {BAND_LABELS.get(band or '', band or '')}")
        )
        self.setToolTip(f"Escapism-risk score: {text}")
        self.setAccessibleName(f"Escapism-risk score {text}")
        self.update()

    def band_text(self) -> str:
        """The words under the number: "no risk", "low risk", … (never the raw band "none")."""
        if self.score is None:
            return "…"
        return BAND_LABELS.get(self.band or "", f"{self.band} risk" if self.band else "")

    def set_updating(self, updating: bool) -> None:
        """Dim the number while a newer run is computing: the old value is not current."""
        if updating != self.updating:
            self.updating = updating
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        thickness = max(3.0, side * 0.11)
        rect = QRectF(
            (self.width() - side) / 2 + thickness / 2,
            (self.height() - side) / 2 + thickness / 2,
            side - thickness,
            side - thickness,
        )
        dark = is_dark(self)
        track = QColor("#ffffff" if dark else "#000000")
        track.setAlphaF(0.13)
        pen = QPen(track, thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        start = 225 * 16  # from lower left, clockwise to lower right
        p.drawArc(rect, start, int(-SWEEP_DEGREES * 16))
        colour = band_colour(self.band)
        if self.updating:
            colour.setAlphaF(0.55)
        if self.score:
            pen.setColor(colour)
            p.setPen(pen)
            p.drawArc(rect, start, int(-SWEEP_DEGREES * self.score / 100 * 16))
        text_colour = self.palette().color(self.foregroundRole())
        if self.updating:
            text_colour.setAlphaF(0.55)
        p.setPen(text_colour)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(8, int(side * (0.42 if self.compact else 0.3))))
        p.setFont(font)
        label = "–" if self.score is None else str(self.score)
        number_box = (
            QRectF(rect) if self.compact else rect.adjusted(0, -side * 0.06, 0, -side * 0.06)
        )
        p.drawText(number_box, Qt.AlignmentFlag.AlignCenter, label)
        if not self.compact:
            font.setBold(False)
            font.setPixelSize(max(8, int(side * 0.11)))
            p.setFont(font)
            band = self.band_text()
            p.drawText(
                rect.adjusted(0, side * 0.26, 0, side * 0.26), Qt.AlignmentFlag.AlignCenter, band
            )
        p.end()
