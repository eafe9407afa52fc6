"""Both themes meet WCAG AA: 4.5:1 for text, 3:1 for the edges of controls and badges."""

from __future__ import annotations

import re

import pytest

from studio.ui.canvas.geometry import badge_glyph_colour
from studio.ui.canvas.style import KIND_COLORS, SEVERITY_COLORS, THEMES
from studio.ui.panels.style import BAND_COLOURS, SEVERITY_COLOURS
from studio.ui.theme import _PALETTES, contrast_ratio, readable, stylesheet

TEXT, PART = 4.5, 3.0


def _rule(qss: str, selector: str, prop: str) -> str:
    """The colour `prop` of the first rule that starts with `selector` in a stylesheet."""
    match = re.search(r"^" + re.escape(selector) + r"[^{:]*\{([^}]*)\}", qss, re.MULTILINE)
    assert match, selector
    found = re.search(prop + r"\s*:[^;#]*(#[0-9a-fA-F]{6})", match.group(1))
    assert found, (selector, prop)
    return found.group(1)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_palette_text_reads_on_every_surface(name) -> None:
    colours = _PALETTES[name]
    for fg in ("text", "muted"):
        for bg in ("window", "base", "alt"):
            assert contrast_ratio(colours[fg], colours[bg]) >= TEXT, (fg, bg)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_canvas_text_and_lines(name) -> None:
    theme = THEMES[name]
    assert contrast_ratio(theme.text, theme.card) >= TEXT
    assert contrast_ratio(theme.text_dim, theme.card) >= TEXT
    assert contrast_ratio(theme.edge_label, theme.background) >= TEXT
    assert contrast_ratio(theme.edge, theme.background) >= PART
    assert contrast_ratio(theme.condition, theme.background) >= PART
    for kind, colour in KIND_COLORS.items():
        assert contrast_ratio(theme.header_text, colour) >= TEXT, kind


def test_badge_glyphs_read_on_their_fill() -> None:
    for severity, fill in SEVERITY_COLORS.items():
        assert contrast_ratio(badge_glyph_colour(severity), fill) >= TEXT, severity


@pytest.mark.parametrize("name", ["light", "dark"])
def test_status_colours_as_text_are_made_readable(name) -> None:
    window = _PALETTES[name]["window"]
    for colour in (*SEVERITY_COLOURS.values(), *BAND_COLOURS.values()):
        assert contrast_ratio(readable(colour, window), window) >= TEXT


@pytest.mark.parametrize("name", ["light", "dark"])
def test_fields_and_buttons_have_visible_edges(name) -> None:
    qss = stylesheet(name)
    dialog = _rule(qss, "QDialog", "background")
    button_edge = _rule(qss, "QPushButton", "border")
    assert contrast_ratio(button_edge, dialog) >= PART  # the dark Close button was invisible
    field, field_edge = (
        _rule(qss, "QLineEdit, QPlainTextEdit", "background"),
        _rule(qss, "QLineEdit, QPlainTextEdit", "border"),
    )
    assert contrast_ratio(field_edge, field) >= PART


def test_lint_verdict_text_is_readable_in_the_light_theme(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from studio.ui.panels.lint_panel import LintPanel
    from studio.ui.theme import apply_theme, text_colour_for

    apply_theme(QApplication.instance(), "light")
    try:
        panel = LintPanel()
        qtbot.addWidget(panel)
        background = panel.verdict.palette().color(panel.verdict.backgroundRole())
        for colour in SEVERITY_COLOURS.values():
            assert contrast_ratio(text_colour_for(panel.verdict, colour), background) >= TEXT
    finally:
        apply_theme(QApplication.instance(), "dark")
