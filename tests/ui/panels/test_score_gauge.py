"""The studio's gauge and the report's gauge read one band table: a band colour change is one
edit in studio/lint/vocabulary.py."""

from __future__ import annotations

import pytest

from studio.lint.vocabulary import BAND_COLOURS, BANDS, band_for
from studio.report.svg_plots import gauge
from studio.ui.panels.score_gauge import ScoreGauge


@pytest.mark.parametrize("score", [floor for floor, _name in BANDS if floor > 0])
def test_studio_gauge_and_report_gauge_share_band_colours(qtbot, score: int) -> None:  # noqa: ANN001
    band = band_for(score)
    widget = ScoreGauge()
    qtbot.addWidget(widget)
    widget.resize(widget.sizeHint())
    widget.set_score(score, band)
    image = widget.grab().toImage()
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    assert BAND_COLOURS[band] in colours
    assert f'fill="{BAND_COLOURS[band]}">{score}</text>' in gauge(score, band)
