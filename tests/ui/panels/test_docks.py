"""The live docks have stable names, so the window's saved layout covers them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget


def test_docks_and_status_widgets_are_installed(make_window) -> None:
    window, panels = make_window()
    names = {d.objectName() for d in window.findChildren(QDockWidget)}
    assert {"dock_lint", "dock_preview", "dock_simulation"} <= names
    assert window.live_panels is panels
    bar = window.statusBar()
    assert panels.status_gauge.parent() is bar and panels.status_verdict.parent() is bar


def test_layout_round_trips_through_save_state(make_window, qtbot) -> None:
    window, panels = make_window()
    window.show()
    panels.plots_dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, panels.preview_dock)
    state = window.saveState()
    other, other_panels = make_window()
    other.show()
    assert other_panels.plots_dock.isVisible()
    assert other.restoreState(state)
    assert not other_panels.plots_dock.isVisible()
    assert other.dockWidgetArea(other_panels.preview_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
