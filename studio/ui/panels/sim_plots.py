"""The simulated-night dock: survival, intensity band, minutes to exit, hypnogram, headline numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..theme import text_colour_for
from .plot_data import REM, STAGES, PlotData
from .style import ROLE_COLOURS, SEVERITY_COLOURS, is_dark

ACCENT = "#5b6ee1"  # the dream
MIN_PLOT_WIDTH = 175  # below this per plot, four in a row clip their axes: use a 2×2 grid
REM_FILL = "#b07cf0"  # REM windows
CAPTURED = "#e8742c"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


def _minutes(value: Any) -> str:
    return "—" if value is None else f"{float(value):.0f} min"


def survival_extent(t: np.ndarray, p: np.ndarray) -> float:
    """Where the survival curve has said everything: a little past the last dreamer's exit."""
    if t.size == 0:
        return 1.0
    alive = np.nonzero(p > 0)[0]
    if alive.size == 0:
        return max(float(t[min(1, t.size - 1)]), 1.0)
    last = int(alive[-1])
    if last >= t.size - 1:
        return float(t[-1])
    return min(float(t[-1]), max(10.0, float(t[last + 1]) * 1.1))


class SimPlots(QWidget):
    """Four linked views of one simulated night; `data` holds what is plotted right now."""

    heat_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simPlots")
        self.data: PlotData | None = None
        self._wide: bool | None = None
        self._theming = False

        self.numbers: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setVerticalSpacing(3)
        for key, title, tip in (
            ("finished", "Finished", "Dreamers who reached an exit within the night's REM time"),
            (
                "captured",
                "Captured",
                "Dreamers still in the dream when the night's REM time ran out",
            ),
            ("stalled", "Stalled", "Dreamers stuck where no transition was enabled"),
            ("mean", "Mean", "Mean dream minutes to exit (finished dreamers)"),
            ("p95", "95th pct", "95% of finishing dreamers exit within this many dream minutes"),
            ("windows", "REM windows", "Mean REM windows a dream spans"),
            ("anchor", "Anchor", "Finishing dreamers who passed a reality anchor"),
            ("social", "Social", "Finishing dreamers who spent time with a real person"),
            ("reward", "Reward rate", "Rewards per dream minute"),
        ):
            label = QLabel("—")
            label.setObjectName(f"sim_{key}")
            label.setToolTip(tip)
            caption = QLabel(title)
            caption.setToolTip(tip)
            form.addRow(caption, label)
            self.numbers[key] = label
        self.title = QLabel("Simulated night")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.note = QLabel("Simulating…")
        self.note.setWordWrap(True)
        self.note.setObjectName("simNote")
        self.updating = False
        self.updating_label = QLabel("Updating… (these curves are for the previous edit)")
        self.updating_label.setObjectName("simUpdating")
        self.updating_label.setWordWrap(True)
        self.updating_label.setStyleSheet(
            f"color: {text_colour_for(self, SEVERITY_COLOURS['warning'])};"
        )
        self.updating_label.hide()
        self.heat_box = QPushButton("Heat on canvas")
        self.heat_box.setCheckable(True)
        self.heat_box.setToolTip("Colour scenes on the canvas by expected visits per night")
        self.heat_box.toggled.connect(self._heat_label)
        self.heat_box.toggled.connect(self.heat_toggled)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.title)
        side_layout.addWidget(self.updating_label)
        side_layout.addLayout(form)
        side_layout.addWidget(self.heat_box)
        side_layout.addWidget(self.note)
        side_layout.addStretch(1)
        side.setFixedWidth(170)
        side_scroll = QScrollArea(self)  # the figures scroll in a short dock, never clip
        side_scroll.setWidget(side)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFixedWidth(170 + side_scroll.verticalScrollBar().sizeHint().width())
        side_scroll.setMinimumHeight(60)

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setMinimumSize(240, 150)
        self.survival_plot = pg.PlotItem(title="Still dreaming")
        self.intensity_plot = pg.PlotItem(title="Intensity")
        self.histogram_plot = pg.PlotItem(title="Minutes to exit")
        self.hypnogram_plot = pg.PlotItem(title="The night")
        self.plots = (
            self.survival_plot,
            self.intensity_plot,
            self.histogram_plot,
            self.hypnogram_plot,
        )
        for plot, tip in zip(
            self.plots,
            (
                "P(still dreaming) after each dream minute, over all simulated dreamers",
                "Intensity of the scenes dreamers are in: mean line, p10–p90 band",
                "How many dream minutes finishing dreamers took to reach an exit",
                "Sleep stages over the night; shaded: REM windows (when the dream may play); "
                "thick bars: where the median dreamer's dream sits",
            ),
            strict=True,
        ):
            plot.getViewBox().setToolTip(tip)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
            plot.showGrid(x=True, y=True, alpha=0.15)
        self.survival_plot.setLabel("bottom", "dream minutes")
        self.survival_plot.setYRange(-0.03, 1.06, padding=0)
        self.survival_plot.getAxis("left").setTicks([[(0, "0%"), (0.5, "50%"), (1, "100%")]])
        self.intensity_plot.setLabel("bottom", "dream minutes")
        self.intensity_plot.setYRange(-0.03, 1.06, padding=0)
        self.intensity_plot.getAxis("left").setTicks([[(0, "0"), (0.5, "0.5"), (1, "1")]])
        self.histogram_plot.setLabel("bottom", "dream minutes")
        self.hypnogram_plot.setLabel("bottom", "hours after lights out")
        self.hypnogram_plot.getAxis("left").setTicks([list(enumerate(STAGES))])
        self.hypnogram_plot.setYRange(-0.3, 4.4, padding=0)

        self.survival_curve = pg.PlotDataItem(fillLevel=0)
        self.survival_plot.addItem(self.survival_curve)
        self.band_low = pg.PlotDataItem()
        self.band_high = pg.PlotDataItem()
        self.band_fill = pg.FillBetweenItem(self.band_low, self.band_high)
        self.mean_curve = pg.PlotDataItem()
        for item in (self.band_low, self.band_high, self.band_fill, self.mean_curve):
            self.intensity_plot.addItem(item)
        self.histogram_bars = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.histogram_plot.addItem(self.histogram_bars)
        self.histogram_empty = pg.TextItem("No dreamer reached an exit", anchor=(0.5, 0.5))
        self.histogram_plot.addItem(self.histogram_empty, ignoreBounds=True)
        self.histogram_empty.hide()
        self.stage_curve = pg.PlotDataItem()
        self.hypnogram_plot.addItem(self.stage_curve)
        self.dream_curve = pg.PlotDataItem(connect="pairs")
        self.hypnogram_plot.addItem(self.dream_curve)
        self.rem_regions: list[pg.LinearRegionItem] = []
        self.exit_line = pg.InfiniteLine(angle=90, movable=False)
        self.hypnogram_plot.addItem(self.exit_line)
        self.exit_line.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(side_scroll)
        layout.addWidget(self.graphics, 1)
        self._arrange(wide=True)
        self.apply_theme()

    def _heat_label(self, on: bool) -> None:
        self.heat_box.setText("✓ Heat on canvas" if on else "Heat on canvas")

    # ------------------------------------------------------------- layout
    def _arrange(self, wide: bool) -> None:
        """One row of four in a wide dock, a 2×2 grid in a squarer one."""
        if wide == self._wide:
            return
        self._wide = wide
        grid = self.graphics.ci
        for plot in self.plots:
            if plot.scene() is not None:
                grid.removeItem(plot)
        layout = grid.layout
        if wide:
            for col, plot in enumerate(self.plots):
                grid.addItem(plot, row=0, col=col)
                layout.setColumnStretchFactor(col, 3 if plot is self.hypnogram_plot else 2)
        else:
            for i, plot in enumerate(self.plots):
                grid.addItem(plot, row=i // 2, col=i % 2)
            for col in range(4):
                layout.setColumnStretchFactor(col, 1 if col < 2 else 0)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        size = self.graphics.size()
        room = size.width() >= len(self.plots) * MIN_PLOT_WIDTH
        self._arrange(wide=room and size.width() > 1.5 * max(1, size.height()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.apply_theme()

    def apply_theme(self) -> None:
        """Plot ink and paper from the window palette, so both themes read well."""
        if self._theming:
            return
        self._theming = True
        try:
            dark = is_dark(self)
            paper = self.palette().color(QPalette.ColorRole.Base)
            ink = self.palette().color(QPalette.ColorRole.Text)
            self.graphics.setBackground(paper)
            for plot in self.plots:
                for name in ("left", "bottom"):
                    axis = plot.getAxis(name)
                    axis.setPen(pg.mkPen(ink))
                    axis.setTextPen(pg.mkPen(ink))
                plot.titleLabel.setText(plot.titleLabel.text, color=ink.name(), size="9pt")
            line = QColor("#8fa2ff" if dark else ACCENT)
            fill = QColor(line)
            fill.setAlpha(60)
            self.survival_curve.setPen(pg.mkPen(line, width=2))
            self.survival_curve.setBrush(pg.mkBrush(fill))
            self.mean_curve.setPen(pg.mkPen(line, width=2))
            band = QColor(line)
            band.setAlpha(50)
            self.band_low.setPen(pg.mkPen(None))
            self.band_high.setPen(pg.mkPen(None))
            self.band_fill.setBrush(pg.mkBrush(band))
            self.histogram_bars.setPen(pg.mkPen(line, width=1))
            self.histogram_empty.setColor(QColor(CAPTURED))
            self.histogram_bars.setBrush(pg.mkBrush(fill))
            stage = QColor(ink)
            stage.setAlpha(170)
            self.stage_curve.setPen(pg.mkPen(stage, width=1.5))
            self.dream_curve.setPen(
                pg.mkPen(QColor(CAPTURED if self._captured() else line), width=7)
            )
            self.exit_line.setPen(
                pg.mkPen(QColor(ROLE_COLOURS["calm"]), width=2, style=Qt.PenStyle.DashLine)
            )
            for region in self.rem_regions:
                self._style_region(region)
        finally:
            self._theming = False

    def _style_region(self, region: pg.LinearRegionItem) -> None:
        colour = QColor(REM_FILL)
        colour.setAlpha(70 if is_dark(self) else 55)
        region.setBrush(pg.mkBrush(colour))
        for line in region.lines:
            line.setPen(pg.mkPen(None))

    def _captured(self) -> bool:
        return (
            self.data is not None
            and self.data.dream_end_clock is None
            and self.data.survival is not None
        )

    # ------------------------------------------------------------- content
    def set_data(self, data: PlotData | None, error: str | None = None) -> None:
        """Plot a night (None: the simulation failed; the night itself is still drawn)."""
        self.data = data
        if data is None:
            self.note.setText(error or "No simulation result.")
            self.note.setStyleSheet(f"color: {text_colour_for(self, SEVERITY_COLOURS['error'])};")
            for curve in (
                self.survival_curve,
                self.mean_curve,
                self.band_low,
                self.band_high,
                self.histogram_bars,
                self.dream_curve,
            ):
                curve.setData([], [])
            self.histogram_bars.setData([0.0, 1.0], [0.0])
            return
        if data.survival is not None:
            t, p = data.survival
            self.survival_curve.setData(t, p)
            self.survival_plot.setXRange(0, survival_extent(t, p), padding=0.02)
        if data.band is not None:
            t, mean, p10, p90 = data.band
            ok = np.isfinite(mean)
            self.mean_curve.setData(t[ok], mean[ok])
            self.band_low.setData(t[ok], p10[ok])
            self.band_high.setData(t[ok], p90[ok])
        if data.histogram is not None:
            edges, counts = data.histogram
            self.histogram_bars.setData(edges, counts)
            empty = not np.any(counts)
            self.histogram_empty.setVisible(empty)
            if empty:
                self.histogram_plot.setYRange(0, 1, padding=0)
                self.histogram_empty.setPos(float(edges[0] + edges[-1]) / 2, 0.5)
            else:
                self.histogram_plot.enableAutoRange(axis="y")
        self._set_night(data)
        self._set_numbers(data.headline)
        notes = []
        if self._captured():
            notes.append("The median dreamer is still dreaming at dawn.")
        if error:
            notes.append(error)
        notes.extend(data.problems[:3])
        self.note.setText("\n".join(notes))
        self.note.setStyleSheet(
            f"color: {text_colour_for(self, SEVERITY_COLOURS['warning'])};" if notes else ""
        )
        self.apply_theme()

    def _set_night(self, data: PlotData) -> None:
        x, y = data.hypnogram
        self.stage_curve.setData(x / 60.0, y)
        for region in self.rem_regions:
            self.hypnogram_plot.removeItem(region)
        self.rem_regions = []
        for start, end in data.rem_windows:
            region = pg.LinearRegionItem((start / 60.0, end / 60.0), movable=False)
            region.setZValue(-10)
            self._style_region(region)
            self.hypnogram_plot.addItem(region)
            self.rem_regions.append(region)
        xs: list[float] = []
        for start, end in data.dream_segments:
            xs += [start / 60.0, end / 60.0]
        self.dream_curve.setData(np.asarray(xs, float), np.full(len(xs), float(REM)))
        if data.dream_end_clock is not None:
            self.exit_line.setValue(data.dream_end_clock / 60.0)
            self.exit_line.setToolTip("The median dreamer's dream ends here")
            self.exit_line.show()
        else:
            self.exit_line.hide()
        end = float(x[-1]) / 60.0 if x.size else 8.0
        self.hypnogram_plot.setXRange(0, max(end, 1.0), padding=0.02)
        captured = self._captured()
        self.hypnogram_plot.getViewBox().setToolTip(
            "Sleep stages over the night; shaded: REM windows (when the dream may play); "
            "thick bars: where the median dreamer's dream sits"
            + (" — captured: it never ends before dawn" if captured else "")
        )

    def _set_numbers(self, h: dict[str, Any]) -> None:
        n = self.numbers
        n["finished"].setText(_pct(h.get("finished_fraction")))
        captured = h.get("captured_fraction")
        n["captured"].setText(_pct(captured))
        n["captured"].setStyleSheet(
            f"color: {text_colour_for(self, CAPTURED)}; font-weight: bold;" if captured else ""
        )
        stalled = h.get("stalled_fraction")
        n["stalled"].setText(_pct(stalled))
        n["stalled"].setStyleSheet(
            f"color: {text_colour_for(self, SEVERITY_COLOURS['error'])};" if stalled else ""
        )
        n["mean"].setText(_minutes(h.get("mean_minutes")))
        n["p95"].setText(_minutes(h.get("p95_minutes")))
        windows = h.get("mean_rem_windows")
        n["windows"].setText("—" if windows is None else f"{windows:.1f}")
        n["anchor"].setText(_pct(h.get("anchor_coverage")))
        n["social"].setText(_pct(h.get("social_coverage")))
        rate = h.get("reward_rate")
        n["reward"].setText("—" if rate is None or not math.isfinite(rate) else f"{rate:.2f}/min")
        dreamers = h.get("dreamers")
        self.title.setText(
            f"Simulated night\n{dreamers:,} dreamers" if dreamers else "Simulated night"
        )

    def set_updating(self, updating: bool) -> None:
        """Mark the curves as not current while a newer run computes.

        Only labels change: repainting four plots just to fade them would cost the event
        loop more than anything else in a large document's rerun.
        """
        self.updating = updating
        self.updating_label.setVisible(updating)
        if updating and self.data is None:
            self.note.setText("Simulating…")
