"""The Rebalance… dialog: background search with progress, the proposal on the canvas, ticking
edits previews the score, Apply is one undo step, Discard leaves the document untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.io import dumps_dreamscape, load_dreamscape
from studio.lint import lint_dreamscape
from studio.store import Library
from studio.store.lineage import parent_record
from studio.ui import dialogs
from studio.ui.canvas.proposal_overlay import ADDED, CHANGED
from studio.ui.document import Document
from studio.ui.main_window import WINDOWS, MainWindow
from studio.ui.rebalance_panel import RebalanceDialog
from tests.conftest import EXAMPLES

ELI = EXAMPLES / "elis-dreamgame.dream"
SHOTS = Path("/tmp/rebalance-shots")
SHOTS.mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _no_save_prompt(monkeypatch):
    # pytest-qt closes widgets before fixtures tear down: never block on the save prompt.
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    yield
    WINDOWS.clear()


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "eli.dream"
    path.write_bytes(ELI.read_bytes())
    win = MainWindow(Document(load_dreamscape(path), path), live_panels=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    dialog = win.rebalance.dialog
    if dialog is not None:
        dialog.cancel_event.set()
        dialog.wait()


def _finished(qtbot, dialog: RebalanceDialog) -> None:
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=60_000)


def _colours(dialog: RebalanceDialog) -> set[str]:
    names = set()
    for _i, item in dialog.overlay.items:
        pen = item.pen() if hasattr(item, "pen") else None
        if pen is not None:
            names.add(pen.color().name())
    return names


def test_rebalance_runs_in_background_and_shows_the_proposal(qtbot, window, tmp_path) -> None:
    before = dumps_dreamscape(window.document.ds)
    dialog = window.rebalance.open()
    assert dialog.is_running() or dialog.proposal is not None  # the window is not blocked
    _finished(qtbot, dialog)
    assert dialog.proposal.allowed
    assert dialog.edit_list.count() == len(dialog.proposal.edits) > 0
    assert all(
        dialog.edit_list.item(i).checkState() == Qt.CheckState.Checked
        for i in range(dialog.edit_list.count())
    )
    assert dialog.gauge.score == dialog.proposal.score_after
    assert "publishing allowed" in dialog.headline.text()
    assert {ADDED.name(), CHANGED.name()} <= _colours(dialog)
    drawn = {index for index, _item in dialog.overlay.items}
    assert drawn == set(range(len(dialog.proposal.edits)))  # every edit is on the canvas
    dialog.edit_list.setCurrentRow(1)
    assert dialog.overlay.focused == 1 and not dialog.overlay.bounds(1).isNull()
    assert dumps_dreamscape(window.document.ds) == before  # nothing applied yet
    dialog.resize(620, 700)
    dialog.grab().save(str(SHOTS / "rebalance-dialog.png"))
    window.resize(1500, 950)
    window.view.fit_all() if hasattr(window.view, "fit_all") else None
    window.grab().save(str(SHOTS / "rebalance-canvas.png"))


def test_ticking_previews_the_subset_and_apply_is_one_undo_step(qtbot, window) -> None:
    dialog = window.rebalance.open()
    _finished(qtbot, dialog)
    proposal = dialog.proposal
    # Untick the dearest text edit: the gauge shows the subset's real score.
    last = len(proposal.edits) - 1
    dialog.set_checked(last, False)
    qtbot.waitUntil(lambda: not dialog.gauge.updating, timeout=20_000)
    assert dialog.gauge.score == proposal.edits[last].score_without
    assert "still blocked" in dialog.headline.text()
    dialog.set_checked(last, True)
    qtbot.waitUntil(lambda: dialog.gauge.score == proposal.score_after, timeout=20_000)

    before = dumps_dreamscape(window.document.ds)
    count = window.document.undo_stack.count()
    dialog.apply_button.click()
    assert window.document.undo_stack.count() == count + 1
    assert window.document.undo_stack.undoText() == proposal.label
    assert not lint_dreamscape(window.document.ds).blocked
    assert dialog.overlay.items == []
    window.document.undo_stack.undo()
    assert dumps_dreamscape(window.document.ds) == before


def test_unticking_an_edit_unticks_the_edits_built_on_it(qtbot, window) -> None:
    dialog = window.rebalance.open()
    _finished(qtbot, dialog)
    deps = dialog.deps
    pairs = [(i, j) for j, needs in deps.items() for i in needs]
    if not pairs:
        pytest.skip("this proposal has no edit that builds on another")
    i, j = pairs[0]
    dialog.set_checked(i, False)
    assert dialog.edit_list.item(j).checkState() == Qt.CheckState.Unchecked
    dialog.set_checked(j, True)
    assert dialog.edit_list.item(i).checkState() == Qt.CheckState.Checked


def test_discard_and_cancel_leave_the_document_untouched(qtbot, window) -> None:
    before = dumps_dreamscape(window.document.ds)
    dialog = window.rebalance.open()
    dialog.cancel()
    _finished(qtbot, dialog)
    assert dialog.proposal.stopped in ("cancelled", None)
    dialog.discard_button.click()
    assert dumps_dreamscape(window.document.ds) == before
    assert window.document.undo_stack.count() == 0
    assert dialog.overlay.items == []


def test_a_changed_document_makes_the_proposal_stale(qtbot, window) -> None:
    dialog = window.rebalance.open()
    _finished(qtbot, dialog)
    window.document.add_node("scene", 0, 0)
    assert not dialog.apply_button.isEnabled()
    assert "changed" in dialog.summary.text()


def test_saving_after_apply_records_the_lineage(qtbot, window, tmp_path) -> None:
    parent_text = dumps_dreamscape(window.document.ds)
    dialog = window.rebalance.open()
    _finished(qtbot, dialog)
    dialog.apply_button.click()
    target = window.document.save(tmp_path / "eli-rebalanced.dream")
    import hashlib

    child = hashlib.sha256(Path(target).read_bytes()).hexdigest()
    with Library.open() as lib:
        record = parent_record(lib, child)
    assert record is not None
    assert record["parent_hash"] == hashlib.sha256(parent_text.encode()).hexdigest()
    assert len(record["proposal"]["edits"]) == len(dialog.proposal.edits)


def test_the_lint_panel_and_the_menu_open_it(qtbot, tmp_path) -> None:
    path = tmp_path / "eli.dream"
    path.write_bytes(ELI.read_bytes())
    win = MainWindow(Document(load_dreamscape(path), path), live_panels=True)
    qtbot.addWidget(win)
    try:
        assert win.rebalance.action.text().replace("&", "") == "Rebalance…"
        assert (
            win.rebalance.menu is not None and win.rebalance.action in win.rebalance.menu.actions()
        )
        assert win.rebalance.menu.title().replace("&", "") == "Edit"
        win.live_panels.lint_panel.rebalance_button.click()
        dialog = win.rebalance.dialog
        assert dialog is not None
        dialog.cancel()
        dialog.wait()
        qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=60_000)
        dialog.discard()
    finally:
        win.live_panels.shutdown()
