"""A new user builds a five-scene design with the keyboard alone; desktop conventions hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)

from studio.model import Dreamscape
from studio.ui import dialogs
from studio.ui.document import Document
from studio.ui.main_window import WINDOWS, MainWindow

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


@pytest.fixture
def empty_window(qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    win = MainWindow(Document(Dreamscape()), live_panels=False, remember_layout=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    WINDOWS.clear()


def _press(qtbot, widget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    qtbot.keyClick(widget, key, modifiers)
    QApplication.processEvents()


def _trigger(window, keys: str) -> None:  # noqa: ANN001
    """What the shortcut map does for `keys`: trigger the one window action bound to it."""
    wanted = QKeySequence(keys)
    actions = [a for a in window.actions() if wanted in a.shortcuts() and a.isEnabled()]
    assert len(actions) == 1, keys
    actions[0].trigger()
    QApplication.processEvents()


def _quick_add(qtbot, window, typed: str = "") -> None:  # noqa: ANN001
    view = window.view
    view.setFocus()
    _press(qtbot, view, Qt.Key.Key_Tab)
    popup = view.quick_add_popup()
    assert popup.isVisible()
    if typed:
        qtbot.keyClicks(popup.search, typed)
    _press(qtbot, popup.search, Qt.Key.Key_Return)


def test_five_scene_design_with_the_keyboard_alone(qtbot, empty_window) -> None:
    window = empty_window
    ds = window.document.ds
    _quick_add(qtbot, window)  # nothing yet: entry is preselected
    assert [n.kind for n in ds.nodes] == ["entry"]
    _quick_add(qtbot, window)  # after the entry: a scene, connected from it
    _quick_add(qtbot, window)  # after a scene: a choice
    _quick_add(qtbot, window, "social")
    _quick_add(qtbot, window, "exit")
    assert [n.kind for n in ds.nodes] == ["entry", "scene", "choice", "social", "exit"]
    chain = [(e.source, e.target) for e in ds.edges]
    ids = [n.id for n in ds.nodes]
    assert chain == list(zip(ids, ids[1:], strict=False))
    assert all(e.label == "" for e in ds.edges)  # no label repeating the target's title
    # Cards never overlap.
    spots = {(round(n.x), round(n.y)) for n in ds.nodes}
    assert len(spots) == 5
    # A second way out: select the choice, add the exit to the selection, connect (Ctrl+K).
    window.scene.select([ids[0]])
    window._selection_order = [ids[0]]
    _trigger(window, "Alt+Right")
    _trigger(window, "Alt+Right")
    assert window.scene.selected_node_ids() == [ids[2]]
    _trigger(window, "Alt+Shift+Right")
    _trigger(window, "Alt+Shift+Right")
    window.scene.select([ids[2], ids[4]])
    window._selection_order = [ids[2], ids[4]]
    _trigger(window, "Ctrl+K")
    assert (ids[2], ids[4]) in [(e.source, e.target) for e in ds.edges]
    # F2 edits the selected scene's title in the inspector.
    window.scene.select([ids[1]])
    _trigger(window, "F2")
    title = window.inspector.node_form.title
    assert title.hasFocus() or QApplication.focusWidget() is title
    qtbot.keyClicks(title, "Mae's kitchen")
    _press(qtbot, title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ds.node(ids[1]).title == "Mae's kitchen", timeout=2000)
    # Undo names the last step.
    assert window.document.undo_stack.canUndo()


def test_quick_add_preselects_the_likely_next_kind(qtbot, empty_window) -> None:
    from studio.ui.canvas.quick_add import likely_next

    assert likely_next(None, has_entry=False) == "entry"
    assert likely_next("entry", has_entry=True) == "scene"
    assert likely_next("anchor", has_entry=True) == "exit"


def test_no_two_actions_share_a_key_and_standard_keys_are_used(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    window = MainWindow(remember_layout=False)
    qtbot.addWidget(window)
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for keys in action.shortcuts():
            text = keys.toString()
            assert text not in seen, f"{text}: {seen.get(text)} and {action.text()}"
            seen[text] = action.text()
    for shortcut in window.findChildren(QShortcut):
        assert shortcut.key().toString() not in seen
    sk = QKeySequence.StandardKey
    a = window.actions_
    for action, standard in (
        (a.undo, sk.Undo),
        (a.quit, sk.Quit),
        (a.find, sk.Find),
        (a.save_as, sk.SaveAs),
        (a.close, sk.Close),
    ):
        bindings = QKeySequence.keyBindings(standard)
        assert action.shortcuts()[: len(bindings)] == bindings, action.text()
    window.live_panels.shutdown()
    WINDOWS.clear()


def test_every_control_has_an_accessible_name(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a, **k: "discard")
    from studio.io import load_dreamscape

    window = MainWindow(
        Document(load_dreamscape(EXAMPLES / "maes-garden.dream")), remember_layout=False
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.live_panels.wait_until_idle(20000)
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)
    unnamed = []
    widgets = [w for kind in kinds for w in window.findChildren(kind)]
    for widget in dict.fromkeys(widgets):
        if not widget.isVisibleTo(window):
            continue
        name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
        if not name and isinstance(widget, QAbstractButton) and widget.toolTip():
            name = widget.toolTip()
        if not name.strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert not unnamed, unnamed
    assert window.view.accessibleName()
    window.scene.select([window.document.ds.nodes[0].id])
    assert window.document.ds.nodes[0].display_title in window.view.accessibleDescription()
    window.live_panels.shutdown()
    WINDOWS.clear()


def test_dropping_a_dream_file_opens_it(qtbot, empty_window) -> None:
    window = empty_window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(EXAMPLES / "maes-garden.dream"))])
    drop = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.document.path is not None, timeout=2000)
    assert window.document.path.name == "maes-garden.dream"


def test_window_icon_and_desktop_entry() -> None:
    root = Path(__file__).resolve().parents[2]
    entry = (root / "assets" / "desktop" / "adjuster-studio.desktop").read_text()
    assert "Exec=adjuster-studio %f" in entry and "Type=Application" in entry
    from studio.ui.main_window import app_icon

    assert not app_icon().isNull()
