"""Small, dependency-free SVG charts for the ethics report: a score gauge, line charts with a
shaded band, and a histogram. Output is plain text, the same for the same numbers, so a
report embeds them inline and a package stays byte-for-byte reproducible."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TypeGuard

from studio.lint.vocabulary import BAND_COLOURS, band_ranges

# A plot is drawn in a 480×300 box and scales to its column (width 100%): two side by side
# on a desktop, one on a phone, where 12-unit text still reads at about 10 px.
WIDTH = 480
HEIGHT = 300
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 52
MARGIN_BOTTOM = 50
HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="4" stroke-linejoin="round"'
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\""
INK = "#1f2430"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BAND_RANGES = tuple(band_ranges())  # (band, from, to) along the gauge's 0–100 arc


def fmt(value: float) -> str:
    """Short, stable number text: at most 2 decimals, no trailing zeros."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high` (steps of 1, 2 or 5 × 10^k)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9)
    ticks = []
    i = 0
    while True:  # multiples of step, not a running sum, so errors never accumulate
        value = (first + i) * step
        ticks.append(round(value, 10))
        if value >= high - step * 1e-6:
            return ticks
        i += 1


@dataclass(slots=True)
class Series:
    """One line on a chart; None or NaN values break the line."""

    label: str
    ys: Sequence[float | None]
    colour: str = "#3b5bdb"
    width: float = 2.0
    dashed: bool = False


@dataclass(slots=True)
class Band:
    """A shaded range between two curves (e.g. the 10th–90th percentile)."""

    label: str
    lows: Sequence[float | None]
    highs: Sequence[float | None]
    colour: str = "#3b5bdb"
    opacity: float = 0.18


class _Frame:
    """Maps data to pixels inside the plot area and draws axes, grid and labels."""

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        if self.x1 <= self.x0:
            self.x1 = self.x0 + 1
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1
        self.left, self.right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
        self.top, self.bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def py(self, y: float) -> float:
        return self.bottom - (y - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)

    def axes(
        self,
        x_ticks: list[float],
        y_ticks: list[float],
        x_label: str,
        y_label: str,
        y_format: str = "",
    ) -> list[str]:
        out = []
        for y in y_ticks:
            p = fmt(self.py(y))
            out.append(
                f'<line x1="{self.left}" y1="{p}" x2="{self.right}" y2="{p}" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
            label = f"{fmt(y * 100)}%" if y_format == "percent" else fmt(y)
            out.append(
                f'<text x="{self.left - 6}" y="{p}" dy="0.32em" text-anchor="end" '
                f'font-size="13" fill="{MUTED}">{label}</text>'
            )
        span = (self.x1 - self.x0) * 1e-6
        for x in (t for t in x_ticks if self.x0 - span <= t <= self.x1 + span):
            p = fmt(self.px(x))
            out.append(
                f'<line x1="{p}" y1="{self.bottom}" x2="{p}" y2="{self.bottom + 4}" '
                f'stroke="{MUTED}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{p}" y="{self.bottom + 17}" text-anchor="middle" '
                f'font-size="13" fill="{MUTED}">{fmt(x)}</text>'
            )
        out.append(
            f'<line x1="{self.left}" y1="{self.bottom}" x2="{self.right}" '
            f'y2="{self.bottom}" stroke="{INK}" stroke-width="1"/>'
        )
        out.append(
            f'<line x1="{self.left}" y1="{self.top}" x2="{self.left}" y2="{self.bottom}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        mid_x = fmt((self.left + self.right) / 2)
        out.append(
            f'<text x="{mid_x}" y="{HEIGHT - 10}" text-anchor="middle" font-size="13" '
            f'fill="{INK}">{escape(x_label)}</text>'
        )
        mid_y = fmt((self.top + self.bottom) / 2)
        out.append(
            f'<text x="14" y="{mid_y}" text-anchor="middle" font-size="13" fill="{INK}" '
            f'transform="rotate(-90 14 {mid_y})">{escape(y_label)}</text>'
        )
        return out


def _finite(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


def _runs(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Split a curve into runs of defined points."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=False):
        if _finite(y) and _finite(x):
            runs[-1].append((x, float(y)))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _open(title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" {FONT}>',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<text x="{MARGIN_LEFT}" y="18" font-size="15" font-weight="600" '
        f'fill="{INK}">{escape(title)}</text>',
    ]


def _legend(items: list[tuple[str, str, bool]]) -> list[str]:
    """One row under the title, left to right, clear of the plot area."""
    out = []
    x = float(MARGIN_LEFT)
    for label, colour, is_band in items:
        if is_band:
            out.append(
                f'<rect x="{fmt(x)}" y="29" width="16" height="10" fill="{colour}" '
                'fill-opacity="0.25"/>'
            )
        else:
            out.append(
                f'<line x1="{fmt(x)}" y1="34" x2="{fmt(x + 16)}" y2="34" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
        out.append(
            f'<text x="{fmt(x + 21)}" y="34" dy="0.32em" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        x += 6.6 * len(label) + 36
    return out


def line_chart(
    xs: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    bands: Sequence[Band] = (),
    y_range: tuple[float, float] | None = None,
    y_format: str = "",
    markers: Sequence[tuple[float, str]] = (),
    levels: Sequence[tuple[float, str]] = (),
    description: str = "",
) -> str:
    """Lines (and shaded bands) over a shared x axis; `markers` are labelled vertical rules,
    `levels` labelled horizontal ones."""
    xs = [float(x) for x in xs]
    if y_range is None:
        values = [float(y) for s in series for y in s.ys if _finite(y)]
        values += [float(y) for b in bands for y in list(b.lows) + list(b.highs) if _finite(y)]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        y_range = (min(0.0, low), high if high > low else low + 1)
    x_range = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_ticks = nice_ticks(*y_range)
    frame = _Frame(x_range, (min(y_ticks[0], y_range[0]), max(y_ticks[-1], y_range[1])))
    out = _open(title, description or title)
    out += frame.axes(nice_ticks(*x_range, count=8), y_ticks, x_label, y_label, y_format)
    for band in bands:
        for run in _band_runs(xs, band):
            upper = " ".join(f"{fmt(frame.px(x))},{fmt(frame.py(hi))}" for x, _, hi in run)
            lower = " ".join(
                f"{fmt(frame.px(x))},{fmt(frame.py(lo))}" for x, lo, _ in reversed(run)
            )
            out.append(
                f'<polygon points="{upper} {lower}" fill="{band.colour}" '
                f'fill-opacity="{band.opacity}" stroke="none"/>'
            )
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for line in _runs(xs, s.ys):
            points = " ".join(f"{fmt(frame.px(x))},{fmt(frame.py(y))}" for x, y in line)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" '
                f'stroke-width="{fmt(s.width)}" stroke-linejoin="round"{dash}/>'
            )
    for x, label in markers:
        if frame.x0 <= x <= frame.x1:
            p = fmt(frame.px(x))
            out.append(
                f'<line x1="{p}" y1="{frame.top}" x2="{p}" y2="{frame.bottom}" '
                f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 3"/>'
            )
            out.append(
                f'<text x="{p}" y="{frame.top + 12}" dx="-4" text-anchor="end" font-size="12" '
                f'fill="{MUTED}" {HALO}>{escape(label)}</text>'
            )
    labels: list[str] = []  # on top of every curve, with a halo, so no line crosses them
    for y, label in levels:
        if frame.y0 <= y <= frame.y1:
            p = fmt(frame.py(y))
            out.append(
                f'<line x1="{frame.left}" y1="{p}" x2="{frame.right}" y2="{p}" '
                f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="5 4"/>'
            )
            labels.append(
                f'<text x="{frame.left + 6}" y="{p}" dy="-0.4em" font-size="12" '
                f'fill="{INK}" {HALO}>{escape(label)}</text>'
            )
    out += labels
    legend = [(b.label, b.colour, True) for b in bands] + [
        (s.label, s.colour, False) for s in series
    ]
    if len(legend) > 1:
        out += _legend(legend)
    out.append("</svg>")
    return "\n".join(out)


def _band_runs(xs: Sequence[float], band: Band) -> list[list[tuple[float, float, float]]]:
    runs: list[list[tuple[float, float, float]]] = [[]]
    for x, lo, hi in zip(xs, band.lows, band.highs, strict=False):
        if _finite(lo) and _finite(hi):
            runs[-1].append((x, float(lo), float(hi)))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) > 1]


def histogram(
    edges: Sequence[float],
    counts: Sequence[int],
    *,
    title: str,
    x_label: str,
    y_label: str,
    colour: str = "#3b5bdb",
    markers: Sequence[tuple[float, str]] = (),
    empty_note: str = "",
    description: str = "",
) -> str:
    """Bars for binned counts; `edges` has one more value than `counts`."""
    edges = [float(e) for e in edges]
    counts = [int(c) for c in counts]
    top = max(counts) if counts else 0
    y_ticks = [t for t in nice_ticks(0, max(top, 5), count=5) if float(t).is_integer()]
    frame = _Frame((edges[0], edges[-1]) if len(edges) > 1 else (0.0, 1.0), (0, y_ticks[-1]))
    out = _open(title, description or title)
    out += frame.axes(_ticks_from(frame.x0, frame.x1), y_ticks, x_label, y_label)
    for left, right, count in zip(edges, edges[1:], counts, strict=False):
        if count <= 0:
            continue
        x = frame.px(left)
        w = max(frame.px(right) - x - 1, 1)
        y = frame.py(count)
        out.append(
            f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" '
            f'height="{fmt(frame.bottom - y)}" fill="{colour}" fill-opacity="0.8">'
            f"<title>{fmt(left)}–{fmt(right)} min: {count}</title></rect>"
        )
    if top == 0 and empty_note:
        out.append(
            f'<text x="{fmt((frame.left + frame.right) / 2)}" '
            f'y="{fmt((frame.top + frame.bottom) / 2)}" text-anchor="middle" '
            f'font-size="14" fill="{MUTED}">{escape(empty_note)}</text>'
        )
    for x, label in markers:
        if frame.x0 <= x <= frame.x1:
            p = fmt(frame.px(x))
            out.append(
                f'<line x1="{p}" y1="{frame.top}" x2="{p}" y2="{frame.bottom}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            out.append(
                f'<text x="{p}" y="{frame.top - 6}" text-anchor="middle" font-size="12" '
                f'fill="{INK}" {HALO}>{escape(label)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _ticks_from(low: float, high: float) -> list[float]:
    """Axis ticks that start at the first bar's edge, then the round values after it."""
    ticks = [t for t in nice_ticks(low, high, count=6) if low <= t <= high]
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else (high - low)
    return [low] + [t for t in ticks if t - low >= 0.5 * step]


STAGE_NAMES = ("N3", "N2", "N1", "REM", "Wake")
REM_FILL = "#b07cf0"
DREAM_INK = "#3b5bdb"


def hypnogram(
    xs: Sequence[float],
    stages: Sequence[float],
    rem_windows: Sequence[tuple[float, float]],
    dream: Sequence[tuple[float, float]],
    *,
    captured: bool,
    title: str,
    description: str = "",
) -> str:
    """Sleep stages over the hours after lights out, REM windows shaded, the dream as bars."""
    hours = [float(x) / 60 for x in xs]
    end = max(hours) if hours else 1.0
    frame = _Frame((0.0, max(end, 1.0)), (-0.4, 4.4))
    out = _open(title, description or title)
    for start, stop in rem_windows:
        x0, x1 = frame.px(start / 60), frame.px(stop / 60)
        out.append(
            f'<rect x="{fmt(x0)}" y="{frame.top}" width="{fmt(max(x1 - x0, 1))}" '
            f'height="{frame.bottom - frame.top}" fill="{REM_FILL}" fill-opacity="0.18"/>'
        )
    axes = frame.axes(nice_ticks(0, frame.x1, count=8), [], "hours after lights out", "")
    out += axes
    for level, name in enumerate(STAGE_NAMES):
        out.append(
            f'<text x="{frame.left - 6}" y="{fmt(frame.py(level))}" dy="0.32em" '
            f'text-anchor="end" font-size="12" fill="{MUTED}">{name}</text>'
        )
    points = " ".join(
        f"{fmt(frame.px(x))},{fmt(frame.py(y))}" for x, y in zip(hours, stages, strict=False)
    )
    out.append(f'<polyline points="{points}" fill="none" stroke="{INK}" stroke-width="1.5"/>')
    rem_y = fmt(frame.py(3))
    for start, stop in dream:
        out.append(
            f'<line x1="{fmt(frame.px(start / 60))}" y1="{rem_y}" x2="{fmt(frame.px(stop / 60))}" '
            f'y2="{rem_y}" stroke="{DREAM_INK}" stroke-width="7" stroke-linecap="butt"/>'
        )
    if dream and not captured:
        p = fmt(frame.px(dream[-1][1] / 60))
        out.append(
            f'<line x1="{p}" y1="{frame.top}" x2="{p}" y2="{frame.bottom}" stroke="{DREAM_INK}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out += _legend(
        [
            ("REM window", REM_FILL, True),
            ("the dream" + (" (captured)" if captured else ""), DREAM_INK, False),
        ]
    )
    out.append("</svg>")
    return "\n".join(out)


def _arc_point(cx: float, cy: float, r: float, score: float) -> tuple[float, float]:
    angle = math.pi * (1 - score / 100)
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def gauge(score: int, band: str, threshold: float | None = None) -> str:
    """A half-circle 0–100 dial coloured by band, with the score and the gate threshold."""
    w, h, cx, cy, r = 260, 160, 130, 130, 100
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" {FONT}>',
        f"<title>Escapism risk {int(score)} of 100 ({escape(band)})</title>",
    ]
    for name, start, end in BAND_RANGES:
        x0, y0 = _arc_point(cx, cy, r, start)
        x1, y1 = _arc_point(cx, cy, r, end)
        out.append(
            f'<path d="M {fmt(x0)} {fmt(y0)} A {r} {r} 0 0 1 {fmt(x1)} {fmt(y1)}" '
            f'fill="none" stroke="{BAND_COLOURS[name]}" stroke-width="18" '
            f'stroke-opacity="{1 if name == band else 0.35}"/>'
        )
    if threshold is not None and 0 <= threshold <= 100:
        xa, ya = _arc_point(cx, cy, r - 14, threshold)
        xb, yb = _arc_point(cx, cy, r + 14, threshold)
        out.append(
            f'<line x1="{fmt(xa)}" y1="{fmt(ya)}" x2="{fmt(xb)}" y2="{fmt(yb)}" '
            f'stroke="{INK}" stroke-width="2"><title>gate threshold {fmt(threshold)}'
            "</title></line>"
        )
    score = max(0, min(100, int(score)))
    nx, ny = _arc_point(cx, cy, r - 24, score)
    out.append(
        f'<line x1="{cx}" y1="{cy}" x2="{fmt(nx)}" y2="{fmt(ny)}" stroke="{INK}" '
        'stroke-width="3" stroke-linecap="round"/>'
    )
    out.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="{INK}"/>')
    out.append(
        f'<text x="{cx}" y="{cy - 34}" text-anchor="middle" font-size="34" '
        f'font-weight="700" fill="{BAND_COLOURS.get(band, INK)}">{score}</text>'
    )
    out.append(
        f'<text x="{cx}" y="{cy + 22}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">{escape(band)} risk · 0–100</text>'
    )
    out.append("</svg>")
    return "\n".join(out)
