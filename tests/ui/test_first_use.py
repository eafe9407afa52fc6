"""Issue 13's first-use defects, each driven through the real window (offscreen)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDockWidget, QPlainTextEdit

from studio.io import loads_dreamscape
from studio.ui import dialogs
from studio.ui.document import Document
from studio.ui.main_window import WINDOWS, MainWindow

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


def _design(count: int, spread: float, columns: int = 0, edges_too: bool = True) -> str:
    columns = columns or count
    nodes = [
        {
            "id": f"n{i}",
            "kind": "entry" if i == 0 else "exit" if i == count - 1 else "scene",
            "title": f"Scene {i}",
            "x": (i % columns) * spread,
            "y": (i // columns) * spread * 0.6,
        }
        for i in range(count)
    ]
    edges = [{"id": f"e{i}", "from": f"n{i}", "to": f"n{i + 1}"} for i in range(count - 1)]
    edges = edges if edges_too else []
    return json.dumps(
        {
            "format": "dreamscape",
            "version": 1,
            "meta": {"title": "Wide"},
            "nodes": nodes,
            "edges": edges,
        }
    )


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    win = MainWindow(Document(loads_dreamscape(_design(3, 260), "small.dream")), live_panels=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    QApplication.processEvents()
    yield win
    WINDOWS.clear()


def test_opening_a_wider_design_lets_the_whole_graph_be_scrolled_to(
    qtbot, monkeypatch, tmp_path
) -> None:
    from studio.io import load_dreamscape

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    ds = load_dreamscape(EXAMPLES / "maes-garden.dream")
    window = MainWindow(Document(ds), live_panels=False, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.fit_all()
    QApplication.processEvents()
    wide = tmp_path / "wide.dream"
    wide.write_text(_design(14, 900), encoding="utf-8")
    assert window.open_path(wide)
    QApplication.processEvents()
    bounds = window.scene.items_bounding_rect()
    rect = window.scene.sceneRect()
    rightmost = max(window.scene.node_items(), key=lambda item: item.pos().x())
    assert rect.contains(rightmost.sceneBoundingRect())
    # The panning margin is the same on both sides of the new graph.
    assert abs((bounds.left() - rect.left()) - (rect.right() - bounds.right())) < 1


def test_fit_all_keeps_the_graph_clear_of_the_minimap(window, tmp_path) -> None:
    square = tmp_path / "square.dream"
    square.write_text(_design(18, 400, columns=3), encoding="utf-8")
    assert window.open_path(square)
    window.actions_.minimap.setChecked(True)
    window.view.fit_all()
    QApplication.processEvents()
    mini = window.minimap.geometry()
    for item in window.scene.node_items():
        shown = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert not shown.intersects(mini), item.node.id


def test_shortcuts_dialog_shows_every_action_name_whole(window) -> None:
    rows = dialogs.shortcut_rows(window.menu_actions())
    dialog = dialogs.ShortcutsDialog(window, rows)
    dialog.show()
    QApplication.processEvents()
    table = dialog.table
    metrics = QFontMetrics(table.font())
    for column in range(3):
        widest = max(
            metrics.horizontalAdvance(table.item(r, column).text()) for r in range(table.rowCount())
        )
        assert table.columnWidth(column) >= widest + 2, column
    assert not table.horizontalScrollBar().isVisible()
    dialog.close()


def test_error_dialog_wraps_long_lines(window) -> None:
    line = "broken.dream: nodes[3].condition: " + "a very long explanation " * 20
    dialog = dialogs.ErrorListDialog(window, "Cannot open", "Problems:", [line])
    dialog.show()
    QApplication.processEvents()
    assert dialog.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert not dialog.text.horizontalScrollBar().isVisible()
    dialog.close()


@pytest.mark.parametrize("how", ["button", "escape", "ctrl_w"])
def test_library_window_closes_with_a_button_escape_and_ctrl_w(qtbot, how) -> None:
    from studio.ui.library_window import LibraryWindow

    library = LibraryWindow()
    qtbot.addWidget(library)
    library.show()
    qtbot.waitExposed(library)
    if how == "button":
        library.close_button.click()
    elif how == "escape":
        qtbot.keyClick(library.search, Qt.Key.Key_Escape)
    else:
        qtbot.keyClick(library.search, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert not library.isVisible()


def test_unsaved_prompt_names_the_action_that_triggered_it(window, monkeypatch, tmp_path) -> None:
    asked: list[str] = []

    def ask(parent, name, before="closing"):  # noqa: ANN001, ANN202
        asked.append(before)
        return "cancel"

    monkeypatch.setattr(dialogs, "ask_save_changes", ask)
    window.document.set_modified(True)
    other = tmp_path / "other.dream"
    other.write_text(_design(3, 260), encoding="utf-8")
    assert not window.open_path(other)
    window.new_document()
    assert asked == ["opening “other.dream”", "starting a new dreamscape"]
    window.document.set_modified(False)


def test_unsaved_prompt_text_follows_the_action(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def fake_exec(box):  # noqa: ANN001, ANN202
        seen.append(box.text())
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    dialogs.ask_save_changes(None, "night.dream", "opening “other.dream”")
    assert seen == ["Save the changes to “night.dream” before opening “other.dream”?"]


def test_first_window_fits_the_available_screen(qtbot) -> None:
    win = MainWindow(live_panels=False, remember_layout=False)
    qtbot.addWidget(win)
    available = win.screen().availableGeometry()
    assert win.width() <= available.width() and win.height() <= available.height()
    win.close()
    WINDOWS.clear()


def test_first_window_size_is_taken_from_the_screen() -> None:
    from studio.ui.main_window import first_window_size

    w, h = first_window_size(QRect(0, 0, 1280, 800))
    assert 1240 <= w <= 1280 and 740 <= h <= 800  # the whole small screen, frame included
    assert first_window_size(QRect(0, 0, 2560, 1440)) == (1600, 1000)
    w, h = first_window_size(QRect(0, 0, 1440, 900))
    assert w <= 1440 and h <= 870


def test_quick_add_shows_the_last_kind_whole_above_its_description(window, qtbot) -> None:
    popup = window.view.open_quick_add(QPoint(200, 200))
    qtbot.waitExposed(popup)
    QApplication.processEvents()
    last = popup.list.item(popup.list.count() - 1)
    rect = popup.list.visualItemRect(last)
    assert rect.bottom() <= popup.list.viewport().height()
    hint = popup.hint.geometry()
    assert hint.top() >= popup.list.geometry().bottom()
    popup.close()


def test_outline_enter_jumps_to_a_readable_card_and_gives_focus_to_the_canvas(
    window, qtbot
) -> None:
    from studio.ui.canvas.view import READABLE_ZOOM

    window.view.set_zoom(0.1)
    window.focus_search()
    qtbot.keyClicks(window.outline.search, "Scene 2")
    qtbot.keyClick(window.outline.search, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert window.scene.selected_node_ids() == ["n2"]
    assert window.view.zoom() >= READABLE_ZOOM
    assert window.view.hasFocus()


def test_gauge_names_no_risk_not_none_risk(qtbot) -> None:
    from studio.ui.panels.score_gauge import ScoreGauge

    gauge = ScoreGauge()
    qtbot.addWidget(gauge)
    gauge.set_score(0, "none")
    assert "none risk" not in gauge.band_text() and "no risk" in gauge.band_text()
    assert "none" not in gauge.accessibleName()


def test_missing_xcb_libraries_are_named_with_their_packages(monkeypatch, capsys) -> None:
    from studio.ui import platform_check

    monkeypatch.setattr(
        platform_check,
        "_loadable",
        lambda soname: "icccm" not in soname and "keysyms" not in soname,
    )
    message = platform_check.missing_xcb_message()
    assert message is not None
    assert "libxcb-icccm4" in message and "libxcb-keysyms1" in message
    assert "libxcb-cursor0" not in message
    assert "README" in message
    monkeypatch.setattr(platform_check, "_loadable", lambda soname: True)
    assert platform_check.missing_xcb_message() is None


def test_app_reports_missing_xcb_libraries_instead_of_crashing(monkeypatch, capsys) -> None:
    from studio.ui import app, platform_check

    monkeypatch.setattr(platform_check, "missing_xcb_message", lambda: "missing: libxcb-icccm4")
    monkeypatch.setattr(platform_check, "wants_xcb", lambda: True)
    assert app.run_app([]) == 1
    assert "libxcb-icccm4" in capsys.readouterr().err


def test_readme_names_the_packages_the_check_asks_for() -> None:
    from studio.ui import platform_check

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for package in platform_check.XCB_PACKAGES.values():
        assert package in readme


def test_dock_titles_are_collapsible_docks(window) -> None:
    for dock in window.findChildren(QDockWidget):
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable


def test_report_without_a_browser_says_where_the_file_is(qtbot, monkeypatch, tmp_path) -> None:
    from PySide6.QtGui import QDesktopServices, QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    from studio.ui import publish_common

    report = tmp_path / "eli-report.html"
    report.write_text("<html></html>", encoding="utf-8")
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()))
    )
    shown: list[str] = []

    def fake_exec(box):  # noqa: ANN001, ANN202
        shown.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == "Copy Path").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert publish_common.open_in_browser(report) is False
    assert opened == [str(report)]
    assert shown and str(report) in shown[0] and "browser" in shown[0]
    assert QGuiApplication.clipboard().text() == str(report)


def test_examples_open_at_a_zoom_where_titles_read(qtbot, monkeypatch) -> None:
    from studio.ui.canvas.view import READABLE_ZOOM

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    window = MainWindow(live_panels=False, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(EXAMPLES / "reality-somnos.dream")
    qtbot.waitUntil(lambda: window.view.zoom() >= READABLE_ZOOM - 1e-6, timeout=2000)
    entry = window.scene.node_item("onset")
    shown = window.view.mapFromScene(entry.sceneBoundingRect()).boundingRect()
    assert window.view.viewport().rect().contains(shown)  # the story starts on screen
    WINDOWS.clear()


def test_theme_follows_the_system_scheme_until_chosen(qtbot, monkeypatch) -> None:
    from PySide6.QtGui import QGuiApplication

    from studio.ui import settings

    hints = QGuiApplication.styleHints()
    monkeypatch.setattr(hints.__class__, "colorScheme", lambda self: Qt.ColorScheme.Light)
    assert settings.theme_name() == "light"
    settings.set_theme_name("dark")
    assert settings.theme_name() == "dark"


def test_paste_lands_on_free_canvas(window) -> None:
    from PySide6.QtCore import QRectF

    from studio.ui.clipboard import put_on_clipboard

    ds = window.document.ds
    put_on_clipboard(window.document.copy_data(["n1"]))
    source = ds.node("n1")
    pasted = window.paste((source.x, source.y))
    assert pasted
    new = ds.node(pasted[0])
    placed = QRectF(new.x, new.y, 180, 84)
    for node in ds.nodes:
        if node.id != new.id:
            assert not placed.intersects(QRectF(node.x, node.y, 180, 84)), node.id


def test_multi_selection_note_is_at_the_top_of_the_inspector(window) -> None:
    window.scene.select(["n0", "n1"])
    QApplication.processEvents()
    note = window.inspector.multi
    assert window.inspector.stack.currentWidget() is note
    assert note.alignment() & Qt.AlignmentFlag.AlignTop
