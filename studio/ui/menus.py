"""The main window's actions and menus: one place that names every command and its keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from . import settings
from .theme import THEMES

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from .document import Document


class MenuCommands(Protocol):
    """Everything the menus trigger or fill in (the main window provides it)."""

    document: Document
    recent_menu: QMenu
    panels_menu: QMenu

    def new_document(self) -> object: ...

    def connect_selected(self) -> object: ...

    def edit_selected(self) -> object: ...

    def select_neighbour(self, step: int, extend: bool = False) -> object: ...

    def new_window(self) -> object: ...

    def open_dialog(self) -> object: ...

    def save(self) -> object: ...

    def save_as(self) -> object: ...

    def revert(self) -> object: ...

    def close(self) -> object: ...

    def quit_all(self) -> object: ...

    def cut(self) -> object: ...

    def copy(self) -> object: ...

    def paste(self) -> object: ...

    def duplicate(self) -> object: ...

    def delete_selection(self) -> object: ...

    def select_all(self) -> object: ...

    def focus_search(self) -> object: ...

    def fit_all(self) -> object: ...

    def fit_selection(self) -> object: ...

    def zoom_in(self) -> object: ...

    def zoom_out(self) -> object: ...

    def zoom_reset(self) -> object: ...

    def auto_layout_all(self) -> object: ...

    def auto_layout_selection(self) -> object: ...

    def group_selection(self) -> object: ...

    def ungroup_selection(self) -> object: ...

    def show_shortcuts(self) -> object: ...

    def show_about(self) -> object: ...

    def rebuild_recent_menu(self) -> object: ...

    def set_minimap_visible(self, visible: bool) -> object: ...

    def set_snap(self, enabled: bool) -> object: ...

    def set_theme(self, name: str) -> object: ...


Keys = QKeySequence.StandardKey | str | list | None

# Gestures that are not menu actions, for the shortcuts dialog.
CANVAS_GESTURES: tuple[tuple[str, str, str], ...] = (
    ("Canvas", "Quick-add a scene at the cursor", "Tab, or double-click empty canvas"),
    ("Canvas", "Connect two scenes", "Drag from a scene's output port to another scene"),
    ("Canvas", "Add the next scene, connected", "Tab with one scene selected, then Enter"),
    ("Canvas", "Add to / remove from selection", "Ctrl+click"),
    ("Canvas", "Select an area", "Drag on empty canvas"),
    ("Canvas", "Pan", "Middle drag, or Space+drag"),
    ("Canvas", "Zoom at the cursor", "Mouse wheel"),
    ("Canvas", "Edit a scene", "Double-click it"),
    ("Outline", "Jump to the first match", "Enter in the search field"),
)


class Actions:
    """Named QActions of one window (attributes, so tests can trigger them by name)."""

    new: QAction
    new_window: QAction
    open: QAction
    save: QAction
    save_as: QAction
    revert: QAction
    close: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    cut: QAction
    copy: QAction
    paste: QAction
    duplicate: QAction
    delete: QAction
    select_all: QAction
    find: QAction
    connect: QAction
    edit_scene: QAction
    next_scene: QAction
    previous_scene: QAction
    extend_next: QAction
    fit_all: QAction
    fit_selection: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    minimap: QAction
    snap: QAction
    layout_all: QAction
    layout_selection: QAction
    group: QAction
    ungroup: QAction
    shortcuts: QAction
    about: QAction
    themes: dict[str, QAction]

    def __init__(self) -> None:
        self.menus: list[tuple[str, list[QAction]]] = []

    def all(self) -> list[QAction]:
        return [a for _, actions in self.menus for a in actions]


def _action(
    window: QMainWindow,
    text: str,
    slot: Callable[..., object] | None = None,
    keys: Keys = None,
    tip: str = "",
    checkable: bool = False,
) -> QAction:
    action = QAction(text, window)
    if keys is not None:
        if isinstance(keys, QKeySequence.StandardKey):
            action.setShortcuts(keys)  # every binding the desktop uses for it
        elif isinstance(keys, list):
            action.setShortcuts([QKeySequence(k) for k in keys])
        else:
            action.setShortcut(QKeySequence(keys))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.setCheckable(checkable)
    if slot is not None:
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action


def build_menus(parent: QMainWindow, window: MenuCommands) -> Actions:
    """Create every action of `window` (the same object as `parent`) and its menu bar."""
    a = Actions()
    sk = QKeySequence.StandardKey
    bar = parent.menuBar()

    # ---------------------------------------------------------------- File
    a.new = _action(parent, "&New", window.new_document, sk.New, "Start a new dreamscape")
    a.new_window = _action(
        parent, "New &Window", window.new_window, "Ctrl+Shift+N", "Open another editor window"
    )
    a.open = _action(parent, "&Open…", window.open_dialog, sk.Open, "Open a .dream file")
    a.save = _action(parent, "&Save", window.save, sk.Save, "Save to the current file")
    a.save_as = _action(parent, "Save &As…", window.save_as, sk.SaveAs, "Save to a new file")
    a.revert = _action(
        parent,
        "&Revert to Saved",
        window.revert,
        None,
        "Discard unsaved changes and reload the file",
    )
    a.close = _action(parent, "&Close Window", window.close, sk.Close)
    a.quit = _action(parent, "&Quit", window.quit_all, sk.Quit)
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.new, a.new_window, a.open])
    window.recent_menu = QMenu("Open &Recent", parent)
    window.recent_menu.aboutToShow.connect(window.rebuild_recent_menu)
    file_menu.addMenu(window.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a.save, a.save_as, a.revert])
    file_menu.addSeparator()
    file_menu.addActions([a.close, a.quit])
    a.menus.append(
        ("File", [a.new, a.new_window, a.open, a.save, a.save_as, a.revert, a.close, a.quit])
    )

    # ---------------------------------------------------------------- Edit
    stack = window.document.undo_stack
    a.undo = stack.createUndoAction(parent, "&Undo")
    a.undo.setShortcuts(QKeySequence.keyBindings(sk.Undo))
    a.redo = stack.createRedoAction(parent, "&Redo")
    redo_keys = QKeySequence.keyBindings(sk.Redo)
    for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):  # both habits work on every desktop
        if QKeySequence(extra) not in redo_keys:
            redo_keys.append(QKeySequence(extra))
    a.redo.setShortcuts(redo_keys)
    parent.addAction(a.undo)
    parent.addAction(a.redo)
    a.cut = _action(parent, "Cu&t", window.cut, sk.Cut)
    a.copy = _action(parent, "&Copy", window.copy, sk.Copy)
    a.paste = _action(parent, "&Paste", window.paste, sk.Paste)
    a.duplicate = _action(parent, "D&uplicate", window.duplicate, "Ctrl+D")
    a.delete = _action(parent, "&Delete", window.delete_selection, [sk.Delete, "Backspace"])
    a.select_all = _action(parent, "Select &All", window.select_all, sk.SelectAll)
    a.find = _action(
        parent, "&Find Scene…", window.focus_search, sk.Find, "Search scenes by title or text"
    )
    a.connect = _action(
        parent,
        "C&onnect Selected Scenes",
        window.connect_selected,
        "Ctrl+K",
        "Connect the first selected scene to the second",
    )
    a.edit_scene = _action(parent, "&Edit Scene", window.edit_selected, "F2")
    a.next_scene = _action(
        parent, "Select &Next Scene", lambda: window.select_neighbour(1), "Alt+Right"
    )
    a.previous_scene = _action(
        parent, "Select &Previous Scene", lambda: window.select_neighbour(-1), "Alt+Left"
    )
    a.extend_next = _action(
        parent,
        "Add Next Scene to Selection",
        lambda: window.select_neighbour(1, extend=True),
        "Alt+Shift+Right",
    )
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a.undo, a.redo])
    edit_menu.addSeparator()
    edit_menu.addActions([a.cut, a.copy, a.paste, a.duplicate, a.delete])
    edit_menu.addSeparator()
    edit_menu.addActions([a.connect, a.edit_scene])
    edit_menu.addSeparator()
    edit_menu.addActions([a.select_all, a.next_scene, a.previous_scene, a.extend_next, a.find])
    a.menus.append(
        (
            "Edit",
            [
                a.undo,
                a.redo,
                a.cut,
                a.copy,
                a.paste,
                a.duplicate,
                a.delete,
                a.connect,
                a.edit_scene,
                a.select_all,
                a.next_scene,
                a.previous_scene,
                a.extend_next,
                a.find,
            ],
        )
    )

    # ---------------------------------------------------------------- View
    a.fit_all = _action(parent, "Fit &All", window.fit_all, ["Home", "Ctrl+Shift+H"])
    a.fit_selection = _action(parent, "Fit &Selection", window.fit_selection, "F")
    a.zoom_in = _action(parent, "Zoom &In", window.zoom_in, [sk.ZoomIn, "Ctrl+="])
    a.zoom_out = _action(parent, "Zoom &Out", window.zoom_out, sk.ZoomOut)
    a.zoom_reset = _action(parent, "Actual &Size", window.zoom_reset, "Ctrl+0")
    a.minimap = _action(parent, "&Minimap", window.set_minimap_visible, "Ctrl+M", checkable=True)
    a.snap = _action(parent, "Snap to &Grid", window.set_snap, "Ctrl+'", checkable=True)
    view_menu = bar.addMenu("&View")
    view_menu.addActions([a.fit_all, a.fit_selection, a.zoom_in, a.zoom_out, a.zoom_reset])
    view_menu.addSeparator()
    view_menu.addActions([a.minimap, a.snap])
    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(parent)
    a.themes = {}
    for name in THEMES:
        action = QAction(name.capitalize(), parent, checkable=True)
        action.setChecked(name == settings.theme_name())
        action.triggered.connect(lambda _c=False, n=name: window.set_theme(n))
        group.addAction(action)
        theme_menu.addAction(action)
        a.themes[name] = action
    view_menu.addSeparator()
    window.panels_menu = view_menu.addMenu("&Panels")
    a.menus.append(
        (
            "View",
            [a.fit_all, a.fit_selection, a.zoom_in, a.zoom_out, a.zoom_reset, a.minimap, a.snap],
        )
    )

    # ---------------------------------------------------------------- Arrange
    a.layout_all = _action(
        parent,
        "Auto-layout &All",
        window.auto_layout_all,
        "Ctrl+L",
        "Lay out the whole graph left to right from the entry",
    )
    a.layout_selection = _action(
        parent,
        "Auto-layout &Selection",
        window.auto_layout_selection,
        "Ctrl+Shift+L",
        "Lay out only the selected scenes",
    )
    a.group = _action(
        parent,
        "&Group",
        window.group_selection,
        "Ctrl+G",
        "Frame the selected scenes in a titled group",
    )
    a.ungroup = _action(parent, "&Ungroup", window.ungroup_selection, "Ctrl+Shift+G")
    arrange = bar.addMenu("&Arrange")
    arrange.addActions([a.layout_all, a.layout_selection])
    arrange.addSeparator()
    arrange.addActions([a.group, a.ungroup])
    a.menus.append(("Arrange", [a.layout_all, a.layout_selection, a.group, a.ungroup]))

    # ---------------------------------------------------------------- Help
    a.shortcuts = _action(parent, "&Keyboard Shortcuts", window.show_shortcuts, ["Ctrl+/", "F1"])
    a.about = _action(parent, "&About Adjuster Studio", window.show_about)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a.shortcuts, a.about])
    a.menus.append(("Help", [a.shortcuts, a.about]))
    return a
