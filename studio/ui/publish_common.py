"""What the library, review and export windows share: background jobs, the library, asking.

The prompts are module functions so tests can monkeypatch each one. Work that can take a
second (a lint run, writing or verifying a package) runs on the global thread pool and
reports back on the GUI thread; a window closed meanwhile simply never hears back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from studio.store import Library, LibraryError

from . import settings

PACKAGE_FILTER = "Dreamscape packages (*.dreampkg);;All files (*)"
REVIEWER_KEY = "publish/reviewer"
PILL_COLOURS = {"allowed": "#2e7d4f", "blocked": "#b3261e", "busy": "#5d6575"}


# ---------------------------------------------------------------- background jobs
class _Carrier(QObject):
    """Lives on the GUI thread, so its signal delivers results there."""

    finished = Signal(object, object)  # result, exception (one of them is None)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], carrier: _Carrier) -> None:
        super().__init__()
        self.fn = fn
        self.carrier = carrier

    def run(self) -> None:
        try:
            result, error = self.fn(), None
        except Exception as exc:  # reported to the window, never lost in the pool
            result, error = None, exc
        self.carrier.finished.emit(result, error)


_RUNNING: set[_Carrier] = set()


def run_in_background(
    owner: QObject,
    fn: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
) -> None:
    """Run `fn` on the thread pool; call `done(result)` or `failed(exc)` on the GUI thread
    unless `owner` was deleted in the meantime."""
    carrier = _Carrier()
    _RUNNING.add(carrier)

    def finish(result: Any, error: BaseException | None) -> None:
        _RUNNING.discard(carrier)
        carrier.deleteLater()
        if not shiboken6.isValid(owner):
            return
        if error is not None:
            failed(error)
        else:
            done(result)

    carrier.finished.connect(finish)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, carrier))


_ORDERED: list[QThreadPool] = []


def ordered_pool() -> QThreadPool:
    """One thread, first in first out: library writes land in the order the saves happened.
    The application waits for it before quitting, so no recorded save is lost."""
    if not _ORDERED:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        pool.setExpiryTimeout(-1)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(lambda: pool.waitForDone())
        _ORDERED.append(pool)
    return _ORDERED[0]


def jobs_running() -> int:
    """Background jobs not yet reported back (tests wait for zero)."""
    return len(_RUNNING)


# ---------------------------------------------------------------- the library
def open_library() -> Library:
    """The user's library (DREAMSTUDIO_LIBRARY or the data directory); raises LibraryError."""
    return Library.open()


def library_location() -> str:
    """Where the library lives, for labels; never raises."""
    try:
        from studio.store import default_library_path

        return str(default_library_path())
    except Exception as exc:  # a broken environment still gets a readable label
        return f"unknown ({exc})"


def describe_error(exc: BaseException) -> str:
    """One readable paragraph for any failure a background job reports."""
    lines = getattr(exc, "lines", None)
    if callable(lines):
        try:
            return "\n".join(lines())
        except Exception:  # fall back to the plain message
            pass
    if isinstance(exc, LibraryError | OSError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------- formatting
def local_time(stamp: str | None) -> str:
    """`2025-05-01T10:00:00.000Z` -> `2025-05-01 12:00` in the local time zone."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def fit_height(dialog: QWidget, min_width: int) -> None:
    """Grow a dialog to the height its wrapped labels need at its width."""
    layout = dialog.layout()
    if layout is None:
        return
    # Nested layouts report new label heights through posted events; take them in first.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout.activate()
    width = max(dialog.width(), min_width)
    height = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    dialog.resize(width, max(height, layout.totalMinimumSize().height()))


def short_hash(value: str | None, length: int = 12) -> str:
    return (value or "")[:length]


def set_role(label: QLabel, role: str) -> QLabel:
    """Theme roles from the QSS: heading, muted, error."""
    label.setProperty("role", role)
    style = label.style()
    style.unpolish(label)
    style.polish(label)
    return label


def plain_label(text: str = "", role: str | None = None) -> QLabel:
    """A label that never interprets markup (titles and paths come from files)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return set_role(label, role) if role else label


def clear_background(widget: QWidget, name: str) -> QWidget:
    """Layout containers take the dialog's background, not the theme's plain-widget colour."""
    widget.setObjectName(name)
    widget.setStyleSheet(f"#{name} {{ background: transparent; }}")
    return widget


def monospace(widget: QWidget) -> QWidget:
    """Hashes read best in a fixed-width font."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(widget.font().pointSizeF())
    widget.setFont(font)
    widget.setStyleSheet(f"font-family: '{font.family()}';")
    return widget


def pill_html(text: str, kind: str) -> str:
    """A coloured verdict tag that reads the same in the dark and light themes."""
    colour = PILL_COLOURS.get(kind, PILL_COLOURS["busy"])
    return (
        f"<span style='background:{colour}; color:#ffffff; font-weight:600;'>"
        f"&nbsp;{text}&nbsp;</span>"
    )


# ---------------------------------------------------------------- remembered values
def remembered_reviewer() -> str:
    value = settings.app_settings().value(REVIEWER_KEY, "")
    return value if isinstance(value, str) else ""


def remember_reviewer(name: str) -> None:
    settings.app_settings().setValue(REVIEWER_KEY, name.strip())


# ---------------------------------------------------------------- prompts (monkeypatchable)
def ask_save_first(parent: QWidget | None, name: str, purpose: str) -> bool:
    """True when the person agrees to save before reviewing or exporting."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Save first")
    box.setText(f"Save “{name}” before {purpose}?")
    box.setInformativeText(
        f"Only saved content can be reviewed or exported: {purpose} covers "
        "the file exactly as it is on disk, identified by its content hash."
    )
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.exec()
    return box.clickedButton() is save


def ask_package_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export package", suggested, PACKAGE_FILTER)
    if not path:
        return None
    target = Path(path)
    return target if target.suffix else target.with_suffix(".dreampkg")


def ask_package_open_path(parent: QWidget | None, directory: str = "") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Verify package", directory, PACKAGE_FILTER)
    return Path(path) if path else None


def ask_overwrite(parent: QWidget | None, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Replace package",
        f"“{path.name}” already exists in {path.parent}.\nReplace it with the new package?",
    )
    return answer == QMessageBox.StandardButton.Yes


def open_in_browser(path: Path, parent: QWidget | None = None) -> bool:
    """Show a file (the full HTML report) in the system browser; say so if none starts."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    show_unopened_file(parent, path)
    return False


def show_unopened_file(parent: QWidget | None, path: Path) -> str:
    """No browser could be started: tell where the file is, offer to copy its path or open
    its folder. Returns what the user chose ('copy', 'folder' or 'close')."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices, QGuiApplication
    from PySide6.QtWidgets import QApplication

    box = QMessageBox(parent or QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Could not open the report")
    box.setText("No web browser could be started to show the report.")
    box.setInformativeText(f"The report is saved at:\n{path}")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton("Copy Path", QMessageBox.ButtonRole.ActionRole)
    folder = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    clicked = box.clickedButton()
    if clicked is copy:
        QGuiApplication.clipboard().setText(str(path))
        return "copy"
    if clicked is folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        return "folder"
    return "close"
