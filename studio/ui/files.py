"""File handling of a main window: new, open, recent, save, save as, revert, close, recovery."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMenu

from studio.io import DreamFileError, load_dreamscape
from studio.model.starter import starter_dreamscape

from . import dialogs, settings
from .autosave import Recovery, recovery_for

if TYPE_CHECKING:
    from .autosave import Autosaver
    from .document import Document


def _issue_summary(path: Path | str, count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"“{Path(path).name}” was not opened: {count} {noun} found. Nothing was changed."


class FileHandling(QMainWindow):
    """The main window's file commands; every path that could lose work asks first."""

    # Set up by MainWindow.__init__ and build_menus.
    document: Document
    autosaver: Autosaver
    recent_menu: QMenu

    def maybe_save(self, before: str = "closing") -> bool:
        """True when it is fine to drop the current document (saved, discarded or clean)."""
        if not self.document.modified:
            return True
        answer = dialogs.ask_save_changes(self, self.document.display_name(), before)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_document(self) -> None:
        if self.maybe_save("starting a new dreamscape"):
            self.document.replace(starter_dreamscape(), None)

    def open_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path = dialogs.ask_open_path(self, start)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path | str) -> bool:
        """Load into this window; a bad file shows every error and changes nothing."""
        path = Path(path)
        try:
            ds = load_dreamscape(path)
        except DreamFileError as exc:
            dialogs.show_errors(
                self, "Cannot open dreamscape", _issue_summary(path, len(exc.issues)), exc.lines()
            )
            if not path.exists():
                settings.remove_recent_file(path)
            return False
        if not self.maybe_save(f"opening “{path.name}”"):
            return False
        recovery = recovery_for(path)
        self.document.replace(ds, path)
        settings.add_recent_file(path)
        if recovery is not None:
            answer = dialogs.ask_restore(self, [recovery.describe()])
            if answer == "restore":
                self.restore_recovery(recovery)
            elif answer == "discard":
                recovery.discard()
        return True

    def restore_recovery(self, recovery: Recovery) -> bool:
        """Load an autosaved copy as unsaved changes to its original file."""
        try:
            ds = recovery.load()
        except DreamFileError as exc:
            dialogs.show_errors(
                self, "Cannot restore", "The recovery copy is damaged:", exc.lines()
            )
            return False
        original = recovery.original
        self.document.replace(ds, original)
        self.autosaver.adopt(recovery.key)  # the offered copy becomes this window's
        self.document.set_modified(True)
        self.autosaver.save_now()
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = str(
            self.document.path or Path.cwd() / _suggest_name(self.document.ds.meta.title)
        )
        path = dialogs.ask_save_path(self, suggested)
        return self._save_to(path) if path is not None else False

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except OSError as exc:
            dialogs.show_message(
                self,
                "Save failed",
                f"Could not save to {path}:\n{exc.strerror or exc}\n\n"
                "The file on disk was not changed.",
            )
            return False
        settings.add_recent_file(path)
        self.statusBar().showMessage(f"Saved {path.name}", 4000)
        return True

    def revert(self) -> None:
        if self.document.path is None or not self.document.modified:
            return
        if not dialogs.ask_yes_no(
            self,
            "Revert to saved",
            f"Discard all unsaved changes to “{self.document.display_name()}”?",
        ):
            return
        try:
            self.document.revert()
        except DreamFileError as exc:
            dialogs.show_errors(
                self,
                "Cannot revert",
                _issue_summary(self.document.path, len(exc.issues)),
                exc.lines(),
            )

    def rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = settings.recent_files()
        for i, path in enumerate(files, 1):
            label = f"&{i} {path.name}" if i < 10 else path.name
            action = menu.addAction(label)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not files:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Clear Recent Files", settings.clear_recent_files).setEnabled(bool(files))


def _suggest_name(title: str) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    while "--" in stem:
        stem = stem.replace("--", "-")
    return f"{stem or 'untitled'}.dream"
