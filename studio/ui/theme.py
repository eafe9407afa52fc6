"""Dark and light looks: a Fusion palette for native parts plus the QSS in assets/styles."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from .resources import asset_path

THEMES = ("dark", "light")
_PALETTES = {
    "dark": {
        "window": "#1f2228",
        "base": "#1a1d23",
        "alt": "#252a33",
        "text": "#d8dce6",
        "button": "#2d3340",
        "highlight": "#3d4f8a",
        "muted": "#8d94a5",
        "link": "#7b93ff",
    },
    "light": {
        "window": "#eef0f3",
        "base": "#ffffff",
        "alt": "#f3f5f8",
        "text": "#1f2430",
        "button": "#ffffff",
        "highlight": "#b7c5f5",
        "muted": "#5d6575",
        "link": "#4a63d8",
    },
}


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast between two opaque colours (1..21; AA asks 4.5 for text, 3 for parts)."""
    high, low = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour: QColor | str, background: QColor | str, ratio: float = 4.5) -> QColor:
    """`colour` darkened (on light backgrounds) or lightened (on dark) until it reads as text."""
    result, back = QColor(colour), QColor(background)
    darken = _luminance(back) > 0.4
    for _ in range(40):
        if contrast_ratio(result, back) >= ratio:
            break
        result = result.darker(108) if darken else result.lighter(108)
    return result


def text_colour_for(widget: object, colour: QColor | str) -> str:
    """A status colour as text on `widget`'s own background, at AA contrast (#rrggbb)."""
    app = QApplication.instance()
    theme = app.property("studio_theme") if app is not None else None
    background = _PALETTES.get(theme or "dark", _PALETTES["dark"])["window"]
    palette = getattr(widget, "palette", None)
    if callable(palette):
        background = palette().color(QPalette.ColorRole.Window)
    return readable(colour, background).name()


def palette_for(name: str) -> QPalette:
    colours = {k: QColor(v) for k, v in _PALETTES[name].items()}
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, colours["window"])
    pal.setColor(role.WindowText, colours["text"])
    pal.setColor(role.Base, colours["base"])
    pal.setColor(role.AlternateBase, colours["alt"])
    pal.setColor(role.Text, colours["text"])
    pal.setColor(role.Button, colours["button"])
    pal.setColor(role.ButtonText, colours["text"])
    pal.setColor(role.Highlight, colours["highlight"])
    pal.setColor(role.HighlightedText, QColor("#ffffff" if name == "dark" else "#111522"))
    pal.setColor(role.ToolTipBase, colours["alt"])
    pal.setColor(role.ToolTipText, colours["text"])
    pal.setColor(role.PlaceholderText, colours["muted"])
    pal.setColor(role.Link, colours["link"])
    for group_role in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, group_role, colours["muted"])
    return pal


def stylesheet(name: str) -> str:
    path = asset_path("styles", f"{name}.qss")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:  # a broken install still opens, just unstyled
        return ""


def apply_theme(app: QApplication, name: str) -> str:
    """Switch the whole application; returns the theme actually applied."""
    name = name if name in THEMES else "dark"
    app.setStyle("Fusion")
    app.setPalette(palette_for(name))
    app.setStyleSheet(stylesheet(name))
    app.setProperty("studio_theme", name)
    return name


def current_theme() -> str:
    app = QApplication.instance()
    value = app.property("studio_theme") if app is not None else None
    return value if value in THEMES else "dark"


def repolish(widget: QWidget) -> None:
    """Re-apply QSS after a dynamic property (e.g. `invalid`) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
