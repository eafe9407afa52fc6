"""The Publish menu of an editor window, and the library revision every save records.

`install_publish_actions(window)` adds Library…, Review…, Export Package… and Verify
Package…, and wraps the window's `Document.save` so that each save also records a revision
in the library — quietly, on a background thread: a library that cannot be opened is
reported in the status bar and never blocks or undoes the save.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from studio.model import Dreamscape
from studio.store import Revision

from . import publish_common as common
from .export_dialog import ExportDialog, VerifyDialog
from .library_window import LibraryWindow, open_file_window, open_revision_window
from .review_dialog import ReviewDialog

_LIBRARY_WINDOW: list[LibraryWindow] = []  # one per process, shared by every editor window
STATUS_MS = 6000
SAVE_MESSAGE = "saved in the editor"


def library_window() -> LibraryWindow | None:
    """The open library window, if any."""
    import shiboken6

    while _LIBRARY_WINDOW and not shiboken6.isValid(_LIBRARY_WINDOW[0]):
        _LIBRARY_WINDOW.pop()
    return _LIBRARY_WINDOW[0] if _LIBRARY_WINDOW else None


class PublishActions(QObject):
    """Owns one window's publish actions, its dialogs, and its save hook."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.review_dialog: ReviewDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self.last_revision: Revision | None = None
        self.last_error: str | None = None
        self.pending = 0  # saves still being recorded
        self._build_menu()
        self._hook_save()

    # ------------------------------------------------------------ menu
    def _action(self, text: str, slot: Any, keys: str | None, tip: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def _build_menu(self) -> None:
        self.library_action = self._action(
            "&Library…",
            self.show_library,
            "Ctrl+Shift+B",
            "Browse saved dreamscapes, their history and what changed",
        )
        self.review_action = self._action(
            "&Review…",
            self.review,
            "Ctrl+Shift+R",
            "Read the ethics report and approve, reject or override this content",
        )
        self.export_action = self._action(
            "&Export Package…",
            self.export,
            "Ctrl+Shift+E",
            "Check the publish gate and write a verifiable .dreampkg",
        )
        self.verify_action = self._action(
            "&Verify Package…",
            self.verify_package,
            None,
            "Check a .dreampkg file's hashes and structure",
        )
        actions = [self.library_action, self.review_action, self.export_action, self.verify_action]
        bar = self.window.menuBar()
        menu = QMenu("&Publish", self.window)
        menu.setObjectName("publishMenu")
        menu.addAction(self.library_action)
        menu.addSeparator()
        menu.addActions([self.review_action, self.export_action])
        menu.addSeparator()
        menu.addAction(self.verify_action)
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        else:
            bar.addMenu(menu)
        self.menu = menu
        registry = getattr(getattr(self.window, "actions_", None), "menus", None)
        if isinstance(registry, list):  # the shortcuts dialog lists every menu
            at = next((i for i, (name, _a) in enumerate(registry) if name == "Help"), len(registry))
            registry.insert(at, ("Publish", actions))

    # ------------------------------------------------------------ recording saves
    def _hook_save(self) -> None:
        document = self.window.document
        original = document.save

        def save_and_record(path: Path | None = None) -> Path:
            target = original(path)
            self.record_save(Path(target))
            return target

        document.save = save_and_record

    def record_save(self, path: Path) -> None:
        """Record the file just written as a revision, on a background thread in save order.

        The content is the file's bytes and the title is read now, so later edits cannot
        leak into this revision."""
        self.pending += 1
        title = self.window.document.ds.meta.title
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._recorded(None, path, common.describe_error(exc))
            return
        # record_save reads only the title from the document when the text is given.
        titled = Dreamscape()
        titled.meta.title = title

        def record() -> Revision | None:
            with common.open_library() as library:
                return library.record_save(
                    titled,
                    path,
                    text=text,
                    message=SAVE_MESSAGE,
                )

        common.run_in_background(
            self,
            record,
            lambda rev: self._recorded(rev, path, None),
            lambda exc: self._recorded(None, path, common.describe_error(exc)),
            pool=common.ordered_pool(),
        )

    def _recorded(self, revision: Revision | None, path: Path, error: str | None) -> None:
        self.pending -= 1
        self.last_revision, self.last_error = revision, error
        bar = self.window.statusBar()
        if error is not None:
            bar.showMessage(
                f"Saved {path.name}, but not recorded in the library: {error}", STATUS_MS * 2
            )
        elif revision is not None:
            bar.showMessage(f"Saved {path.name} · library revision {revision.number}", STATUS_MS)
            window = library_window()
            if window is not None:
                window.refresh()

    # ------------------------------------------------------------ commands
    def show_library(self) -> LibraryWindow:
        window = library_window()
        if window is None:
            live = getattr(self.window, "live_panels_enabled", True)
            window = LibraryWindow(
                open_revision=lambda ds, rev: open_revision_window(ds, rev, live),
                open_file=lambda path: open_file_window(path, live),
            )
            _LIBRARY_WINDOW.append(window)
        else:
            window.refresh()
        path = self.window.document.path
        if path is not None:
            window.select_path(path)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def saved_path(self, purpose: str) -> Path | None:
        """The document's file once it holds exactly what is on screen, or None if declined."""
        document = self.window.document
        if document.path is None or document.modified:
            if not common.ask_save_first(self.window, document.display_name(), purpose):
                return None
            if not self.window.save():
                return None
        return Path(document.path) if document.path is not None else None

    def review(self) -> ReviewDialog | None:
        path = self.saved_path("reviewing it")
        if path is None:
            return None
        self._close(self.review_dialog)
        dialog = ReviewDialog(path, self.window)
        dialog.recorded.connect(lambda _r: self._refresh_library())
        self.review_dialog = dialog
        dialog.show()
        return dialog

    def export(self) -> ExportDialog | None:
        path = self.saved_path("exporting it")
        if path is None:
            return None
        self._close(self.export_dialog)
        dialog = ExportDialog(path, editor=self.window)
        dialog.review_requested.connect(lambda: QTimer.singleShot(0, self.review))
        dialog.exported.connect(lambda _r: self._refresh_library())
        self.export_dialog = dialog
        dialog.show()
        return dialog

    def verify_package(self) -> VerifyDialog | None:
        document_path = self.window.document.path
        start = str(document_path.parent) if document_path is not None else ""
        path = common.ask_package_open_path(self.window, start)
        if path is None:
            return None
        dialog = VerifyDialog(path, self.window)
        self.verify_dialog = dialog
        dialog.show()
        return dialog

    @staticmethod
    def _close(dialog: QWidget | None) -> None:
        import shiboken6

        if dialog is not None and shiboken6.isValid(dialog):
            dialog.close()
            dialog.deleteLater()

    @staticmethod
    def _refresh_library() -> None:
        window = library_window()
        if window is not None:
            window.refresh()


def install_publish_actions(window: Any) -> PublishActions:
    """Add the Publish menu to an editor window and record each of its saves in the library."""
    existing = getattr(window, "publish", None)
    if isinstance(existing, PublishActions):  # once per window: one menu, one save hook
        return existing
    actions = PublishActions(window)
    window.publish = actions
    return actions
