"""The lint dock follows edits: findings, badges, selection, quick fixes and suppressions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.lint import lint_dreamscape
from studio.model.ops import RemoveEdge, UpdateNode
from studio.ui.panels import lint_panel
from studio.ui.panels.findings_model import COL_CODE, COL_POINTS


def codes_at(panels, node_id: str) -> set[str]:  # noqa: ANN001
    return {f.code for f in panels.lint_panel.model.findings if node_id in f.nodes}


def wait(panels) -> None:  # noqa: ANN001
    assert panels.wait_until_idle(30000)


def test_first_result_fills_panel_status_and_badges(make_window) -> None:
    window, panels = make_window()
    wait(panels)
    report = panels.current.outcome.report
    expected = lint_dreamscape(window.document.ds.clone())
    assert [f.code for f in report.findings] == [f.code for f in expected.findings]
    assert panels.lint_panel.gauge.score == expected.score
    assert panels.status_gauge.score == expected.score
    verdict = "Publishing allowed" if not expected.blocked else "Blocked: " + expected.reasons[0]
    assert panels.lint_panel.verdict.text() == verdict
    assert verdict[:40] in panels.status_verdict.text()


def test_finding_appears_after_edit_and_disappears_after_undo(make_window) -> None:
    window, panels = make_window()
    doc = window.document
    wait(panels)
    assert "DS003" not in codes_at(panels, "lantern")
    assert window.spy.badges[0].get("lantern") is None

    doc.push(RemoveEdge("e5"), "Disconnect")  # the lantern now leads nowhere: a dead end
    wait(panels)
    assert "DS003" in codes_at(panels, "lantern")
    assert window.spy.badges[0]["lantern"] == "error"
    assert panels.lint_panel.verdict.text().startswith("Blocked")

    doc.undo_stack.undo()
    wait(panels)
    assert "DS003" not in codes_at(panels, "lantern")
    assert "lantern" not in window.spy.badges[0]


def test_clicking_a_finding_selects_and_centres_its_node(make_window, qtbot) -> None:
    window, panels = make_window()
    window.document.push(RemoveEdge("e5"), "Disconnect")
    wait(panels)
    model = panels.lint_panel.model
    row = next(i for i, f in enumerate(model.visible) if f.code == "DS003")
    table = panels.lint_panel.table
    window.show()
    rect = table.visualRect(model.index(row, COL_CODE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.spy.selected == (["lantern"], [])
    assert window.spy.centered[-1] == (["lantern"], [])
    assert panels.lint_panel.selected_finding().code == "DS003"
    assert "Why this rule exists" in panels.lint_panel.detail.toHtml()
    tip = model.data(model.index(row, COL_CODE), Qt.ItemDataRole.ToolTipRole)
    assert model.visible[row].rule.rationale in tip


def test_quick_fix_is_one_undo_step(make_window) -> None:
    window, panels = make_window()
    doc = window.document
    doc.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")  # an abrupt exit follows
    wait(panels)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    assert finding.fix is not None and finding.fix.automatic
    nodes_before, edges_before = len(doc.ds.nodes), len(doc.ds.edges)
    steps_before = doc.undo_stack.count()
    panels.lint_panel.select_key((finding.code, finding.nodes, finding.edges, finding.message))
    panels.lint_panel.fix_button.click()
    assert doc.undo_stack.count() == steps_before + 1
    assert len(doc.ds.nodes) == nodes_before + 1  # the settling scene
    wait(panels)
    assert not [f for f in panels.lint_panel.model.findings if f.code == "INT003"]
    doc.undo_stack.undo()
    assert (len(doc.ds.nodes), len(doc.ds.edges)) == (nodes_before, edges_before)
    wait(panels)
    assert [f for f in panels.lint_panel.model.findings if f.code == "INT003"]


def test_suppress_here_asks_for_a_reason_and_is_undoable(make_window, monkeypatch) -> None:
    window, panels = make_window()
    doc = window.document
    doc.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")
    wait(panels)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    asked = []

    def fake_reason(parent, f):  # noqa: ANN001, ANN202
        asked.append(f.code)
        return "The lantern flares once, on purpose"

    monkeypatch.setattr(lint_panel, "ask_reason", fake_reason)
    panels.lint_panel.select_key((finding.code, finding.nodes, finding.edges, finding.message))
    panels.lint_panel.suppress_button.click()
    assert asked == ["INT003"]
    owner = finding.nodes[0] if finding.nodes else finding.edges[0]
    element = doc.ds.node(owner) if finding.nodes else doc.ds.edge(owner)
    assert element.lint_ignore == {"INT003": "The lantern flares once, on purpose"}
    wait(panels)
    shown = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    assert shown.suppressed and shown.reason == "The lantern flares once, on purpose"
    model = panels.lint_panel.model
    row = model.visible.index(shown)
    assert model.data(model.index(row, COL_POINTS)) == "—"
    assert model.data(model.index(row, COL_CODE), Qt.ItemDataRole.ForegroundRole) is not None

    doc.undo_stack.undo()
    assert element.lint_ignore == {}
    wait(panels)
    assert not next(f for f in panels.lint_panel.model.findings if f.code == "INT003").suppressed


def test_cancelled_reason_changes_nothing(make_window, monkeypatch) -> None:
    window, panels = make_window()
    window.document.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")
    wait(panels)
    steps = window.document.undo_stack.count()
    monkeypatch.setattr(lint_panel, "ask_reason", lambda parent, f: None)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    panels.lint_panel.request_suppress(finding)
    assert window.document.undo_stack.count() == steps


def test_filters_by_severity_family_and_text(make_window, example) -> None:
    window, panels = make_window(example("elis-dreamgame.dream"))
    wait(panels)
    panel = panels.lint_panel
    model = panel.model
    everything = len(model.visible)
    assert everything == len(panels.current.outcome.report.findings)
    panel.set_severity_visible("warning", False)
    panel.set_severity_visible("info", False)
    assert model.visible and all(f.severity == "error" for f in model.visible)
    panel.set_severity_visible("warning", True)
    panel.set_severity_visible("info", True)
    panel.set_family("SOC")
    assert model.visible and all(f.code.startswith("SOC") for f in model.visible)
    panel.set_family(None)
    panel.search.setText("boss_fight")
    assert model.visible and all(
        "boss_fight" in (*f.nodes, *f.edges) or "boss_fight" in f.message for f in model.visible
    )
    panel.search.clear()
    assert len(model.visible) == everything


def test_sorting_by_points_and_code(make_window, example) -> None:
    window, panels = make_window(example("elis-dreamgame.dream"))
    wait(panels)
    model = panels.lint_panel.model
    panels.lint_panel.table.sortByColumn(COL_POINTS, Qt.SortOrder.DescendingOrder)
    points = [f.points for f in model.visible]
    assert points == sorted(points, reverse=True)
    panels.lint_panel.table.sortByColumn(COL_CODE, Qt.SortOrder.AscendingOrder)
    codes = [f.code for f in model.visible]
    assert codes == sorted(codes)


def test_a_failing_linter_is_shown_not_raised(make_window) -> None:
    window, panels = make_window()

    def broken(ds, should_stop):  # noqa: ANN001, ANN202
        raise RuntimeError("rule pack exploded")

    panels.runner.job = broken
    window.document.push(UpdateNode("hall", {"title": "The long hall"}), "Rename")
    wait(panels)
    assert "rule pack exploded" in panels.lint_panel.problem_label.text()
    assert not panels.lint_panel.problem_label.isHidden()
    assert panels.lint_panel.gauge.score is None
    assert "Lint failed" in panels.status_verdict.text()


def test_rule_and_plugin_errors_are_listed(make_window, monkeypatch) -> None:
    window, panels = make_window()
    wait(panels)
    report = panels.current.outcome.report
    report.rule_errors = ["EXT999 broken-rule: ZeroDivisionError: division by zero"]
    report.plugin_errors = ["plugin 'stray' (plugins/stray): ImportError: nope"]
    panels.lint_panel.set_report(report)
    text = panels.lint_panel.problem_label.text()
    assert "EXT999" in text and "plugin 'stray'" in text


def test_canvas_context_menu_offers_fix_and_suppress(make_window) -> None:
    window, panels = make_window()
    window.document.push(UpdateNode("lantern", {"intensity": 0.9}), "Edit")
    wait(panels)
    finding = next(f for f in panels.lint_panel.model.findings if f.code == "INT003")
    kind, owner = ("node", finding.nodes[0]) if finding.nodes else ("edge", finding.edges[0])
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    assert panels.add_finding_actions(menu, kind, owner) >= 1
    sub = next(a.menu() for a in menu.actions() if a.menu() and "INT003" in a.text())
    labels = [a.text() for a in sub.actions()]
    assert any(t.startswith("Fix INT003") for t in labels)
    assert any("Suppress INT003" in t for t in labels)
    steps = window.document.undo_stack.count()
    next(a for a in sub.actions() if a.text().startswith("Fix INT003")).trigger()
    QApplication.processEvents()
    assert window.document.undo_stack.count() == steps + 1


def test_the_windows_canvas_menu_carries_the_findings(make_window, monkeypatch) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QMenu

    window, panels = make_window()
    window.document.push(RemoveEdge("e5"), "Disconnect")
    wait(panels)
    shown = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *a: shown.append(menu))
    monkeypatch.setattr(QMenu, "exec", lambda menu, *a: shown.append(menu))
    window.scene.context_menu_requested.emit("node", "lantern", QPoint(10, 10))
    assert len(shown) == 1  # one menu: the window's, with the findings added
    titles = [a.text() for a in shown[0].actions()]
    assert any(t.startswith("DS003") for t in titles)


def test_skipped_rules_are_noted(make_window, example) -> None:
    window, panels = make_window(example("elis-dreamgame.dream"))
    wait(panels)
    notes = panels.current.outcome.report.notes
    assert notes  # some rules cannot run on a dream with a closed loop
    assert notes[0] in panels.lint_panel.state.toolTip()
