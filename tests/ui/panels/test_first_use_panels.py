"""Issue 13's first-use defects in the live panels: history rewind, the settling-scene fix."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from studio.model.ops import UpdateNode


def wait(panels) -> None:  # noqa: ANN001
    assert panels.wait_until_idle(30000)


def click_choice(preview, edge_id: str) -> None:  # noqa: ANN001
    button = next(b for b in preview.choice_buttons if b.property("edge_id") == edge_id)
    button.click()


def test_double_clicking_a_past_step_rewinds_to_that_step(make_window, qtbot) -> None:
    window, panels = make_window()
    preview = panels.preview
    panels.preview_dock.show()
    panels.preview_dock.raise_()
    click_choice(preview, "e1")
    click_choice(preview, "e3")
    click_choice(preview, "e4")
    assert preview.history.count() == 4
    QApplication.processEvents()
    item = preview.history.item(1)
    rect = preview.history.visualItemRect(item)
    viewport = preview.history.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    QApplication.processEvents()
    assert preview.history.count() == 2
    assert preview.title.text() == "The hall"


def test_settling_fix_lands_on_free_canvas_and_carries_the_exit_label(make_window) -> None:
    window, panels = make_window()
    doc = window.document
    doc.auto_layout(None)  # the fixture's scenes all start at (0, 0)
    doc.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")
    ds = doc.ds
    edge = next(e for e in ds.edges if e.source == "lantern" and e.target == "wake")
    from studio.model.ops import UpdateEdge

    doc.push(UpdateEdge(edge.id, {"label": "Wake gently"}), "Label")
    # A card sits exactly where the fix would put the settling scene.
    lantern, wake = ds.node("lantern"), ds.node("wake")
    doc.push(
        UpdateNode("kitchen", {"x": (lantern.x + wake.x) / 2, "y": (lantern.y + wake.y) / 2 + 60}),
        "Move",
    )
    wait(panels)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    assert panels.apply_fix(finding)
    settle = next(n for n in ds.nodes if "settling" in n.tags)
    placed = QRectF(settle.x, settle.y, 180, 84)
    for node in ds.nodes:
        if node.id != settle.id:
            assert not placed.intersects(QRectF(node.x, node.y, 180, 84)), node.id
    into_settle = ds.edge(edge.id)
    onward = next(e for e in ds.edges if e.source == settle.id)
    assert into_settle.target == settle.id and into_settle.label == ""
    assert onward.target == "wake" and onward.label == "Wake gently"


def _shown(window, size) -> None:  # noqa: ANN001
    window.resize(*size)
    window.show()
    for _ in range(5):
        QApplication.processEvents()


def test_message_column_is_readable_at_1440_by_900(make_window, example) -> None:
    window, panels = make_window(example("elis-dreamgame.dream"))
    _shown(window, (1440, 900))
    wait(panels)
    QApplication.processEvents()
    table = panels.lint_panel.table
    from studio.ui.panels.findings_model import COL_MESSAGE

    chars = table.columnWidth(COL_MESSAGE) / table.fontMetrics().averageCharWidth()
    assert chars >= 25


def test_default_layout_gives_the_canvas_most_room_and_five_findings(make_window, example) -> None:
    window, panels = make_window(example("elis-dreamgame.dream"))
    _shown(window, (1280, 800))
    wait(panels)
    QApplication.processEvents()
    view = window.view.viewport()
    docks = [window.inspector_dock, panels.preview_dock, panels.lint_dock]
    assert all(d.isVisible() and not d.visibleRegion().isEmpty() for d in docks)
    biggest_dock = max(d.width() * d.height() for d in docks)
    assert view.width() * view.height() > 2 * biggest_dock
    assert view.width() * view.height() >= 0.4 * window.width() * window.height()
    table = panels.lint_panel.table
    rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert rows >= 5


def test_window_can_be_narrow_and_docks_widened(make_window) -> None:
    window, panels = make_window()
    _shown(window, (1280, 800))
    assert window.minimumSizeHint().width() <= 900
    window.resizeDocks([window.inspector_dock], [560], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    assert window.inspector_dock.width() >= 520


def test_all_four_night_plots_fit_at_1280_by_800(make_window, example) -> None:
    window, panels = make_window(example("reality-somnos.dream"))
    _shown(window, (1280, 800))
    panels.plots_dock.raise_()
    wait(panels)
    for _ in range(3):
        QApplication.processEvents()
    graphics = panels.plots.graphics
    for plot in panels.plots.plots:
        box = plot.sceneBoundingRect()
        assert box.right() <= graphics.width() + 1 and box.bottom() <= graphics.height() + 1
        assert box.width() >= 120, plot.titleLabel.text


def test_badge_tooltip_names_the_finding_and_its_fix(make_window) -> None:
    from studio.ui.canvas.gestures import node_tooltip

    window, panels = make_window()
    window.document.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")
    wait(panels)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    node_id = finding.nodes[0]
    tip = node_tooltip(window.scene.node_item(node_id))
    assert "INT003" in tip and "Fix:" in tip and "settling" in tip
