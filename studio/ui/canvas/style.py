"""The canvas look in one place: kind colours, themes, fonts and tinted kind icons."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

from studio.lint.vocabulary import SEVERITY_COLOURS
from studio.model import NODE_KINDS

from ..resources import asset_path

# Calm, mid-dark tones: white text on each keeps a contrast of at least 4.7:1, and each
# stands apart from both the dark and the light canvas.
KIND_COLORS: dict[str, str] = {
    "entry": "#2f7d6d",
    "scene": "#4a66a0",
    "choice": "#7656a8",
    "reward": "#9a6a12",
    "social": "#a84f73",
    "anchor": "#2a7896",
    "nightmare": "#a23b3b",
    "exit": "#566478",
}
FALLBACK_KIND_COLOR = "#6b7280"

KIND_LABELS: dict[str, str] = {
    "entry": "Entry",
    "scene": "Scene",
    "choice": "Choice",
    "reward": "Reward",
    "social": "Social",
    "anchor": "Anchor",
    "nightmare": "Nightmare",
    "exit": "Exit",
}
KIND_HINTS: dict[str, str] = {
    "entry": "Where the dream starts, at sleep onset",
    "scene": "A place or moment in the dream",
    "choice": "The dreamer picks a way forward",
    "reward": "A prize, win or bonus",
    "social": "Time with someone who matters",
    "anchor": "A gentle link back to waking life",
    "nightmare": "A frightening or distressing scene",
    "exit": "The dreamer wakes or sinks into deep sleep",
}

SEVERITY_COLORS = SEVERITY_COLOURS  # the canvas spells it the Qt way; one table underneath


@dataclass(frozen=True)
class Theme:
    """Colours of one canvas theme; items read them at paint time, so switching is instant.

    Colour strings are Qt's `#RRGGBB` or `#AARRGGBB`.
    """

    name: str
    background: QColor
    grid_minor: QColor
    grid_major: QColor
    card: QColor
    card_border: QColor
    text: QColor
    text_dim: QColor
    header_text: QColor
    track: QColor
    edge: QColor
    edge_overview: QColor
    edge_label: QColor
    label_pill: QColor
    condition: QColor
    selection: QColor
    current: QColor
    path: QColor
    port_fill: QColor
    drop_target: QColor
    group_title: QColor


def _theme(name: str, **colours: str) -> Theme:
    return Theme(name, **{key: QColor(value) for key, value in colours.items()})


THEMES: dict[str, Theme] = {
    "dark": _theme(
        "dark",
        background="#1b1e24",
        grid_minor="#262a32",
        grid_major="#2e333d",
        card="#262b34",
        card_border="#363c48",
        text="#e3e6ee",
        text_dim="#a3aab8",
        header_text="#ffffff",
        track="#3a404c",
        edge="#8a93a6",
        edge_overview="#3f4552",
        edge_label="#c3c8d4",
        label_pill="#e61b1e24",
        condition="#d6a24a",
        selection="#5fa8ff",
        current="#ffd166",
        path="#ffd166",
        port_fill="#1b1e24",
        drop_target="#7ee2a8",
        group_title="#e3e6ee",
    ),
    "light": _theme(
        "light",
        background="#f1f3f6",
        grid_minor="#e4e7ec",
        grid_major="#d6dae2",
        card="#ffffff",
        card_border="#cfd4dd",
        text="#1f2430",
        text_dim="#5d6575",
        header_text="#ffffff",
        track="#dde1e8",
        edge="#7a8294",
        edge_overview="#b4bac6",
        edge_label="#3b4150",
        label_pill="#e6f1f3f6",
        condition="#b37a14",
        selection="#2f6fd6",
        current="#e09b00",
        path="#e09b00",
        port_fill="#ffffff",
        drop_target="#1f9d5c",
        group_title="#1f2430",
    ),
}


def theme(name: str) -> Theme:
    """The named theme, falling back to dark for unknown names (old settings files)."""
    return THEMES.get(name, THEMES["dark"])


def kind_color(kind: str) -> QColor:
    return QColor(KIND_COLORS.get(kind, FALLBACK_KIND_COLOR))


def heat_color(value: float) -> QColor:
    """Cool teal through amber to red: 0 = rarely visited, 1 = where dreamers pile up."""
    v = min(1.0, max(0.0, float(value)))
    stops = ((0.0, (46, 139, 160)), (0.5, (232, 176, 60)), (1.0, (226, 70, 70)))
    for (a, ca), (b, cb) in zip(stops, stops[1:], strict=False):
        if v <= b:
            t = (v - a) / (b - a)
            return QColor(*(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True)))
    return QColor(*stops[-1][1])


# ------------------------------------------------------------------------- fonts
def _font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont()
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@cache
def fonts() -> dict[str, QFont]:
    """Pixel-sized fonts so cards keep their layout whatever the screen's DPI."""
    return {
        "title": _font(12, QFont.Weight.DemiBold),
        "body": _font(11),
        "hint": _font(10),
        "label": _font(10),
        "group": _font(13, QFont.Weight.DemiBold),
        "group_far": _font(20, QFont.Weight.DemiBold),
        "badge": _font(10, QFont.Weight.Bold),
        "far_title": _font(24, QFont.Weight.DemiBold),
    }


# ------------------------------------------------------------------------- icons
@cache
def _svg_source(kind: str) -> bytes | None:
    path = asset_path("icons", f"{kind}.svg")
    try:
        return path.read_bytes()
    except OSError:
        return None


def _render_svg(kind: str, color: str, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    source = _svg_source(kind) or _svg_source("scene")
    if source is None:  # no icons installed: a plain dot keeps the layout honest
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawEllipse(QRectF(size * 0.3, size * 0.3, size * 0.4, size * 0.4))
        painter.end()
        return image
    renderer = QSvgRenderer(QByteArray(source.replace(b"currentColor", color.encode())))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


@lru_cache(maxsize=512)
def icon_pixmap(kind: str, color: str, size: int) -> QPixmap:
    """A kind icon tinted `color` at `size` device pixels (cached per zoom step)."""
    return QPixmap.fromImage(_render_svg(kind, color, max(4, size)))


@lru_cache(maxsize=128)
def clock_pixmap(color: str, size: int) -> QPixmap:
    """The small clock before a card's minutes, drawn once per colour and zoom step."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 10.0, size / 10.0)
    painter.setPen(QPen(QColor(color), 1.2))
    painter.drawEllipse(QPointF(5, 5), 4, 4)
    painter.drawLine(QPointF(5, 5), QPointF(5, 2.5))
    painter.drawLine(QPointF(5, 5), QPointF(6.8, 5.8))
    painter.end()
    return QPixmap.fromImage(image)


@lru_cache(maxsize=64)
def kind_icon(kind: str, color: str | None = None) -> QIcon:
    """A QIcon for lists, menus and the palette; tinted with the kind colour by default."""
    tint = color or KIND_COLORS.get(kind, FALLBACK_KIND_COLOR)
    icon = QIcon()
    for size in (16, 24, 32, 48):
        icon.addPixmap(icon_pixmap(kind, tint, size))
    return icon


def all_kinds() -> tuple[str, ...]:
    return NODE_KINDS
