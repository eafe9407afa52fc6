"""The Publish menu in the editor: saves recorded in the library, the library window, the
review dialog and the export/verify dialogs, driven offscreen against a temporary library."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from studio.io import content_hash, dumps_dreamscape, load_dreamscape
from studio.io.package_verify import verify_package
from studio.model import Node
from studio.model.ops import AddNode, UpdateNode
from studio.store import Library, diff_data
from studio.ui import publish_actions, settings
from studio.ui import publish_common as common
from studio.ui.document import Document
from studio.ui.library_window import (
    LibraryWindow,
    describe_diff,
    diff_rows,
    open_revision_window,
)
from studio.ui.main_window import WINDOWS, MainWindow
from studio.ui.publish_actions import install_publish_actions
from tests.conftest import EXAMPLES

WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch) -> Path:
    """QSettings(org, app) always uses the native format, so setDefaultFormat alone does not
    keep tests away from the user's settings: point the studio's settings at a file here."""
    path = tmp_path / "settings" / "studio.ini"
    monkeypatch.setattr(
        settings, "app_settings", lambda: QSettings(str(path), QSettings.Format.IniFormat)
    )
    return path


@pytest.fixture
def library_path(tmp_path, monkeypatch) -> Path:
    """Every test gets its own library database."""
    path = tmp_path / "library" / "library.db"
    monkeypatch.setenv("DREAMSTUDIO_LIBRARY", str(path))
    return path


def example(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "work" / f"{name}.dream"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / f"{name}.dream", target)
    return target


@pytest.fixture
def editor(qtbot, library_path):
    """Opens a file in an editor window with the Publish menu; closes everything after."""

    def make(path: Path, live_panels: bool = False) -> MainWindow:
        window = MainWindow(Document(load_dreamscape(path), path), live_panels=live_panels)
        if getattr(window, "publish", None) is None:
            install_publish_actions(window)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    qtbot.waitUntil(lambda: common.jobs_running() == 0, timeout=WAIT_MS)
    library = publish_actions.library_window()
    if library is not None:
        library.close()
    publish_actions._LIBRARY_WINDOW.clear()
    WINDOWS.clear()  # pytest-qt has closed the windows before this teardown


def wait_for(qtbot, condition) -> None:
    qtbot.waitUntil(condition, timeout=WAIT_MS)


def saved(qtbot, window: MainWindow) -> bool:
    """Save, and wait until the library has recorded it (that runs in the background)."""
    ok = window.save()
    wait_for(qtbot, lambda: window.publish.pending == 0)
    return ok


def diffed(qtbot, window: LibraryWindow, *numbers: int) -> list[str]:
    window.select_revisions(*numbers)
    wait_for(qtbot, lambda: not window.diff_busy)
    return window.diff_lines()


def edit_text(window: MainWindow, node_id: str, text: str) -> None:
    window.document.push(UpdateNode(node_id, {"text": text}), "Edit text")


# ---------------------------------------------------------------- menu and save hook
def test_publish_menu_sits_before_help_with_its_four_commands(editor, tmp_path) -> None:
    window = editor(example(tmp_path, "reality-somnos"))
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Publish") == titles.index("Help") - 1
    menu = window.publish.menu
    labels = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert labels == ["Library…", "Review…", "Export Package…", "Verify Package…"]
    assert "Publish" in [name for name, _actions in window.actions_.menus]
    assert install_publish_actions(window) is window.publish  # installing twice adds nothing
    assert [a.text() for a in window.menuBar().actions()].count("&Publish") == 1


def test_each_save_records_a_revision_and_an_unchanged_save_records_none(
    editor, tmp_path, library_path, qtbot
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    assert saved(qtbot, window)
    first = window.publish.last_revision
    assert first is not None and first.number == 1
    assert first.content_hash == content_hash(window.document.ds)
    assert first.title == "Reality Somnos: Eli's Arena, Rebalanced"

    assert saved(qtbot, window)  # nothing changed since
    assert window.publish.last_revision is None and window.publish.last_error is None
    edit_text(window, "lantern", "Jamie's lantern glows, steady and warm.")
    assert saved(qtbot, window)
    assert window.publish.last_revision.number == 2
    wait_for(qtbot, lambda: "library revision 2" in window.statusBar().currentMessage())

    with Library.open(library_path) as library:
        history = library.history(path)
        assert [r.number for r in history] == [1, 2]
        assert library.revision(path, 2).content == path.read_text(encoding="utf-8")


def test_quick_successive_saves_are_recorded_in_save_order(
    editor, tmp_path, qtbot, library_path
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    texts = [f"The lantern's song, verse {i}." for i in range(4)]
    for text in texts:  # no waiting between saves
        edit_text(window, "lantern", text)
        assert window.save()
    wait_for(qtbot, lambda: window.publish.pending == 0)
    with Library.open(library_path) as library:
        history = library.history(path)
        assert [r.number for r in history] == [1, 2, 3, 4]
        for number, text in enumerate(texts, 1):
            assert text in (library.revision(path, number).content or "")
        assert library.revision(path).content == path.read_text(encoding="utf-8")


def test_save_as_records_the_new_file(editor, tmp_path, library_path, monkeypatch, qtbot) -> None:
    window = editor(example(tmp_path, "maes-garden"))
    target = tmp_path / "work" / "maes-garden-copy.dream"
    monkeypatch.setattr("studio.ui.dialogs.ask_save_path", lambda *a, **k: target)
    assert window.save_as()
    wait_for(qtbot, lambda: window.publish.pending == 0)
    with Library.open(library_path) as library:
        assert library.knows(target)
        assert len(library.history(target)) == 1


def test_an_unusable_library_never_blocks_the_save(editor, tmp_path, monkeypatch, qtbot) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    monkeypatch.setenv("DREAMSTUDIO_LIBRARY", str(folder))
    edit_text(window, "lantern", "Saved even though the library is a folder.")
    assert saved(qtbot, window)
    assert "Saved even though the library is a folder." in path.read_text(encoding="utf-8")
    assert not window.document.modified
    assert window.publish.last_error and "folder" in window.publish.last_error
    wait_for(qtbot, lambda: "not recorded in the library" in window.statusBar().currentMessage())


# ---------------------------------------------------------------- library window
def _record_two_files(tmp_path: Path, library_path: Path) -> tuple[Path, Path]:
    somnos = example(tmp_path, "reality-somnos")
    garden = example(tmp_path, "maes-garden")
    with Library.open(library_path) as library:
        for path in (somnos, garden):
            library.record_save(load_dreamscape(path), path, author="Jamie", message="first")
        ds = load_dreamscape(somnos)
        UpdateNode("lantern", {"text": "A lighthouse beam sweeps the bay."}).apply(ds)
        AddNode(Node("harbour", "anchor", "The harbour wall", x=10, y=10)).apply(ds)
        library.record_save(ds, somnos, author="Jamie", message="harbour")
    return somnos, garden


def test_library_window_lists_searches_and_diffs_two_revisions(
    qtbot, tmp_path, library_path
) -> None:
    somnos, garden = _record_two_files(tmp_path, library_path)
    window = LibraryWindow()
    qtbot.addWidget(window)
    window.show()
    keys = {str(somnos.resolve()), str(garden.resolve())}
    assert set(window.shown_paths()) == keys
    assert "2 dreamscapes" in window.empty_note.text()

    window.search.setText("lighthouse")
    window.refresh()
    assert window.shown_paths() == [str(somnos.resolve())]
    window.search.setText("nothing-like-this-anywhere")
    window.refresh()
    assert window.shown_paths() == []
    assert "No dreamscape matches" in window.empty_note.text()
    window.search.clear()
    window.refresh()
    assert set(window.shown_paths()) == keys

    assert window.select_path(somnos)
    history = window.history_table
    assert history.rowCount() == 2
    assert [history.item(r, 3).text() for r in range(2)] == ["harbour", "first"]
    lines = diffed(qtbot, window, 1, 2)
    assert window.selected_revisions() == [1, 2]
    assert "+ node harbour" in lines
    assert any(line.startswith("~ node lantern.text:") for line in lines)
    assert "Scenes: 1 added, 1 changed" in window.diff_summary.text()

    assert "+ node lantern" in diffed(qtbot, window, 1)  # revision 1: all it added
    assert "Revision 1" in window.diff_box.title()
    lines = diffed(qtbot, window, 2)  # one later revision: against the one before it
    assert "+ node harbour" in lines and "Changes from revision 1 to 2" in window.diff_box.title()


def test_long_text_changes_show_where_they_differ() -> None:
    before = {"nodes": [{"id": "pier", "text": "Mae waits on the pier. " * 6 + "The tide is low."}]}
    after = {"nodes": [{"id": "pier", "text": "Mae waits on the pier. " * 6 + "The tide is in."}]}
    ((line, tip),) = diff_rows(diff_data(before, after))
    assert line.startswith("~ node pier.text: '…")
    assert "tide is low." in line and "tide is in." in line
    assert "The tide is low." in tip and "The tide is in." in tip
    assert describe_diff(diff_data(before, after)) == "Scenes: 1 changed"
    assert describe_diff(diff_data(before, before)) == "No changes."


def test_open_revision_makes_an_untitled_window_and_leaves_the_file(
    qtbot, tmp_path, library_path
) -> None:
    somnos, _garden = _record_two_files(tmp_path, library_path)
    before = somnos.read_bytes()
    window = LibraryWindow(
        open_revision=lambda ds, rev: open_revision_window(ds, rev, live_panels=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.select_path(somnos)
    window.select_revisions(2)
    assert window.open_revision_button.isEnabled()
    qtbot.mouseClick(window.open_revision_button, Qt.MouseButton.LeftButton)
    opened = WINDOWS[-1]
    try:
        assert opened.document.path is None
        assert opened.document.ds.has_node("harbour")
        with Library.open(library_path) as library:
            assert dumps_dreamscape(opened.document.ds) == library.revision(somnos, 2).content
        assert somnos.read_bytes() == before
        assert "untitled" in opened.windowTitle()
    finally:
        opened.close()
        WINDOWS.clear()


def test_library_action_opens_one_window_on_the_current_file(editor, tmp_path, qtbot) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    saved(qtbot, window)
    first = window.publish.show_library()
    assert window.publish.show_library() is first
    assert first.selected_path() == str(path.resolve())
    edit_text(window, "lantern", "The lantern learns a new song.")
    saved(qtbot, window)  # an open library window follows new revisions
    assert first.history_table.rowCount() == 2


# ---------------------------------------------------------------- review dialog
def test_review_refuses_a_short_override_and_records_an_approval(
    editor, tmp_path, qtbot, library_path
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    window.save()
    dialog = window.publish.review()
    wait_for(qtbot, lambda: dialog.checked is not None)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert dialog.hash_field.text() == digest
    assert "EXPORT ALLOWED" in dialog.header.verdict.text()

    qtbot.keyClicks(dialog.reviewer, "Dr. Lorne")
    dialog.set_decision("override")
    qtbot.keyClicks(dialog.justification, "looks fine")
    assert not dialog.record_button.isEnabled()
    assert "at least 20 characters (10 so far)" in dialog.validation.text()
    assert dialog.justification.property("invalid") is True
    assert dialog.record() is None
    with Library.open(library_path) as library:
        assert library.reviews_for(digest) == []

    dialog.set_decision("approve")
    assert dialog.record_button.isEnabled()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    review = dialog.last_review
    assert review is not None and review.decision == "approve"
    assert review.reviewer == "Dr. Lorne" and review.justification == "looks fine"
    assert dialog.result_label.isVisible() and "approve by Dr. Lorne" in dialog.result_label.text()
    assert "approved by Dr. Lorne" in dialog.header.verdict.text()
    assert dialog.reviews.rowCount() == 1
    assert not dialog.record_button.isEnabled()  # the same review is not recorded twice
    with Library.open(library_path) as library:
        stored = library.reviews_for(digest)
        assert [(r.decision, r.reviewer) for r in stored] == [("approve", "Dr. Lorne")]
        # DS008 (info): a condition the exact analysis finds always true adds 2 points.
        assert stored[0].score == 2 and stored[0].band == "low"

    assert common.remembered_reviewer() == "Dr. Lorne"
    again = window.publish.review()
    assert again.reviewer.text() == "Dr. Lorne"
    wait_for(qtbot, lambda: again.checked is not None)
    assert again.reviews.rowCount() == 1  # previous reviews of this content


def test_fatal_findings_make_override_unavailable(editor, tmp_path, qtbot) -> None:
    window = editor(example(tmp_path, "elis-dreamgame"))
    window.save()
    dialog = window.publish.review()
    wait_for(qtbot, lambda: dialog.checked is not None)
    override = dialog.decision_buttons["override"]
    assert not override.isEnabled()
    assert dialog.override_note.isVisible() and "EXT002" in dialog.override_note.text()
    dialog.reviewer.setText("Dr. Lorne")
    dialog.set_decision("reject")
    dialog.justification.setPlainText("The vault has no door; Eli cannot leave.")
    assert dialog.record() is not None
    assert "rejected by Dr. Lorne" in dialog.header.verdict.text()


def test_unsaved_changes_are_saved_before_a_review_or_not_reviewed(
    editor, tmp_path, monkeypatch, qtbot
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    edit_text(window, "lantern", "An edit that is not saved yet.")
    asked: list[str] = []
    monkeypatch.setattr(
        common, "ask_save_first", lambda _parent, name, purpose: asked.append(purpose) or False
    )
    assert window.publish.review() is None
    assert window.publish.export() is None
    assert asked == ["reviewing it", "exporting it"]
    assert "not saved yet" not in path.read_text(encoding="utf-8")

    monkeypatch.setattr(common, "ask_save_first", lambda *_args: True)
    dialog = window.publish.review()
    assert not window.document.modified
    wait_for(qtbot, lambda: dialog.checked is not None)
    assert dialog.hash_field.text() == hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- export and verify
def test_blocked_export_explains_why_writes_nothing_and_offers_the_lint_panel(
    editor, tmp_path, qtbot
) -> None:
    path = example(tmp_path, "elis-dreamgame")
    window = editor(path, live_panels=True)
    window.save()
    dialog = window.publish.export()
    wait_for(qtbot, lambda: dialog.prepared is not None)
    verdict = dialog.prepared.evaluation.verdict
    assert not verdict.allowed and verdict.fatal
    assert "EXPORT BLOCKED" in dialog.header.verdict.text()
    shown = dialog.header.reasons.text()
    assert verdict.reasons and all(
        reason in shown.replace("&#x27;", "'") for reason in verdict.reasons
    )
    assert "Nothing was written" in dialog.blocked_text.text()
    assert dialog.blocked_box.isVisible() and not dialog.allowed_box.isVisible()
    assert not dialog.export_button.isEnabled()
    assert not dialog.review_button.isVisible()  # nobody can lift a fatal finding
    assert dialog.export() is False
    assert list(tmp_path.rglob("*.dreampkg")) == []

    dock = window.findChild(QDockWidget, "dock_lint")
    dock.hide()
    assert dialog.lint_button.isEnabled()
    qtbot.mouseClick(dialog.lint_button, Qt.MouseButton.LeftButton)
    assert dock.isVisible()
    assert not dialog.isVisible()
    window.live_panels.wait_until_idle(WAIT_MS)


def test_a_reviewer_override_unblocks_a_non_fatal_export(
    editor, tmp_path, qtbot, library_path
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    window.document.push(UpdateNode("lantern", {"intensity": 0.95}), "Brighter lantern")
    saved(qtbot, window)
    blocked = window.publish.export()
    wait_for(qtbot, lambda: blocked.prepared is not None)
    assert not blocked.prepared.allowed and not blocked.prepared.evaluation.verdict.fatal
    assert "INT002" in blocked.header.reasons.text()
    assert blocked.review_button.isVisible()
    qtbot.mouseClick(blocked.review_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: window.publish.review_dialog is not None)
    review = window.publish.review_dialog
    wait_for(qtbot, lambda: review.checked is not None)
    assert review.decision_buttons["override"].isEnabled()
    review.reviewer.setText("Dr. Lorne")
    review.set_decision("override")
    review.justification.setPlainText(
        "The lantern flare lasts one minute and ends in a calm anchor scene."
    )
    # Without a key the override is recorded, shown as unsigned, and the block stays.
    assert review.signing_key() is None and "UNSIGNED" in review.signing.note.text()
    unsigned = review.record()
    assert unsigned is not None and not unsigned.signed
    assert "EXPORT BLOCKED" in review.header.verdict.text()
    assert review.reviews.item(0, 4).text() == "unsigned"
    lorne = trusted_key("Dr. Lorne")
    review.signing.fill(review.reviewer.text())
    assert review.signing_key().key_id == lorne.key_id
    assert "trusted here" in review.signing.note.text()
    review.justification.setPlainText(
        "The lantern flare lasts one minute and ends in a calm anchor scene, signed."
    )
    signed = review.record()
    assert signed is not None and signed.key_id == lorne.key_id
    assert "override" in review.header.verdict.text()
    assert "EXPORT ALLOWED" in review.header.verdict.text()
    assert review.reviews.item(0, 4).text().startswith("signed, valid and trusted")

    allowed = window.publish.export()
    wait_for(qtbot, lambda: allowed.prepared is not None)
    assert allowed.prepared.allowed
    assert allowed.export()
    wait_for(qtbot, lambda: allowed.export_result is not None)
    manifest = verify_package(allowed.export_result.package.path).manifest
    assert manifest["review"]["decision"] == "override"
    assert manifest["review"]["reviewer"] == "Dr. Lorne"
    assert manifest["review"]["key_id"] == lorne.key_id


def test_the_hint_follows_the_decision_on_screen(editor, tmp_path, qtbot) -> None:
    """Issue 13, defect 6: after text was typed and deleted, changing the decision left the
    previous decision's hint painted in the justification box."""
    window = editor(example(tmp_path, "reality-somnos"))
    window.save()
    dialog = window.publish.review()
    wait_for(qtbot, lambda: dialog.checked is not None)
    dialog.reviewer.setText("Dr. Lorne")
    box = dialog.justification

    def on_screen():
        QApplication.processEvents()
        corner = box.mapTo(dialog, box.rect().topLeft())
        shot = dialog.screen().grabWindow(
            dialog.winId(), corner.x(), corner.y(), box.width(), box.height()
        )
        return shot.toImage()

    dialog.set_decision("reject")
    box.setPlainText("Too long for Eli.")
    box.setPlainText("")
    before = on_screen()
    dialog.set_decision("approve")
    assert box.placeholderText() == "Optional: what you checked."
    assert on_screen() != before  # the approve hint is painted, not the reject one


def test_an_encrypted_key_asks_for_its_passphrase(editor, tmp_path, qtbot) -> None:
    from studio.store.keys import new_key

    new_key("Dr. Lorne", passphrase=b"lantern bay")
    window = editor(example(tmp_path, "reality-somnos"))
    window.save()
    dialog = window.publish.review()
    wait_for(qtbot, lambda: dialog.checked is not None)
    dialog.reviewer.setText("Dr. Lorne")
    dialog.set_decision("approve")
    assert dialog.signing.passphrase.isVisibleTo(dialog)
    assert not dialog.record_button.isEnabled() and "passphrase" in dialog.validation.text()
    dialog.signing.passphrase.setText("wrong")
    assert dialog.record() is None and "wrong passphrase" in dialog.validation.text()
    dialog.signing.passphrase.setText("lantern bay")
    review = dialog.record()
    assert review is not None and review.signed


def trusted_key(name: str):
    """A reviewer key made on this machine and trusted in the user's trust store."""
    from studio.store.keys import new_key
    from studio.store.trust import trust_key, user_trust_db

    key = new_key(name)
    db = user_trust_db()
    trust_key(db, key.public)
    db.close()
    return key


def test_allowed_export_writes_a_package_that_verifies(
    editor, tmp_path, qtbot, library_path
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    window.save()
    dialog = window.publish.export()
    wait_for(qtbot, lambda: dialog.prepared is not None)
    assert dialog.prepared.allowed
    assert dialog.allowed_box.isVisible() and dialog.export_button.isEnabled()
    assert dialog.output_path() == path.with_suffix(".dreampkg")

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: dialog.export_result is not None)
    package = path.with_suffix(".dreampkg")
    assert package.is_file()
    assert verify_package(package).ok
    assert dialog.package_hash.text() == hashlib.sha256(package.read_bytes()).hexdigest()
    with Library.open(library_path) as library:
        exports = library.exports_for(hashlib.sha256(path.read_bytes()).hexdigest())
        assert [e["package_sha256"] for e in exports] == [dialog.package_hash.text()]

    verify = dialog.verify()
    wait_for(qtbot, lambda: verify.verified is not None)
    lines = verify.result_lines()
    assert verify.verified.result.ok
    assert "VERIFIED" in verify.headline.text()
    assert any(line.startswith("✓ dreamscape.dream") for line in lines)
    assert verify.verified.sha256 == dialog.package_hash.text()


def test_export_to_a_chosen_path_and_never_over_the_dreamscape(
    editor, tmp_path, qtbot, monkeypatch
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    window.save()
    dialog = window.publish.export()
    wait_for(qtbot, lambda: dialog.prepared is not None)
    monkeypatch.setattr(common, "ask_package_save_path", lambda *_a: path)
    dialog.browse()
    assert dialog.export() is False
    assert "other than the dreamscape" in dialog.error.text()
    assert path.read_bytes().startswith(b"{")

    chosen = tmp_path / "out" / "somnos-release.dreampkg"
    chosen.parent.mkdir()
    monkeypatch.setattr(common, "ask_package_save_path", lambda *_a: chosen)
    dialog.browse()
    assert dialog.export() is True
    wait_for(qtbot, lambda: dialog.export_result is not None)
    assert chosen.is_file() and verify_package(chosen).ok
    assert not path.with_suffix(".dreampkg").exists()


def test_verify_package_lists_what_is_wrong_with_a_tampered_package(
    editor, tmp_path, qtbot, monkeypatch
) -> None:
    path = example(tmp_path, "reality-somnos")
    window = editor(path)
    window.save()
    dialog = window.publish.export()
    wait_for(qtbot, lambda: dialog.prepared is not None)
    dialog.export()
    wait_for(qtbot, lambda: dialog.export_result is not None)
    good = dialog.export_result.package.path
    bad = tmp_path / "tampered.dreampkg"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "report.html":
                data = data.replace(b"Reality Somnos", b"Reality Somnus", 1)
            target.writestr(info, data)
    monkeypatch.setattr(common, "ask_package_open_path", lambda *_a: bad)
    verify = window.publish.verify_package()
    wait_for(qtbot, lambda: verify.verified is not None)
    assert "FAILED" in verify.headline.text()
    assert any("hash mismatch for report.html" in line for line in verify.result_lines())

    monkeypatch.setattr(common, "ask_package_open_path", lambda *_a: None)
    assert window.publish.verify_package() is None


def test_dialogs_render_with_readable_sizes(editor, tmp_path, qtbot) -> None:
    """Every dialog lays out without clipping its verdict (heights fit the wrapped text)."""
    window = editor(example(tmp_path, "elis-dreamgame"))
    window.save()
    dialog = window.publish.export()
    wait_for(qtbot, lambda: dialog.prepared is not None)
    QApplication.processEvents()
    header = dialog.header
    assert header.height() >= header.heightForWidth(header.width())
    assert not dialog.grab().isNull()
