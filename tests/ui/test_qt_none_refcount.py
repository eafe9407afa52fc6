"""Guard against the PySide6 6.12.0 trap: void Qt calls must not drain None's refcount.

PySide6 6.12.0 on CPython 3.11 loses one reference to None per call of a Qt method
returning nothing, ending in `Fatal Python error: none_dealloc` (docs/architecture.md, "Qt
pin"). The pin in pyproject.toml keeps us below 6.12; this test makes sure an upgrade
cannot bring the crash back silently.
"""

from __future__ import annotations

import sys

import pytest

QtGui = pytest.importorskip("PySide6.QtGui")


def test_void_qt_calls_keep_none_refcount(qapp) -> None:
    pen = QtGui.QPen()
    brush = QtGui.QBrush()
    before = sys.getrefcount(None)
    for i in range(20_000):
        pen.setWidth(i % 7)
        pen.setCosmetic(bool(i % 2))
        brush.setStyle(QtGui.Qt.BrushStyle.SolidPattern)
    after = sys.getrefcount(None)
    # Other code may take or drop a few references meanwhile; the bug loses 60,000.
    assert after >= before - 100, f"None lost {before - after} references over 60,000 void calls"


def test_pyside_version_is_below_the_known_bad_release() -> None:
    import PySide6

    major, minor = (int(p) for p in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12), (
        f"PySide6 {PySide6.__version__}: verify the None refcount fix before lifting the pin"
    )
