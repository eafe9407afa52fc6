"""The library window: every dreamscape the studio has saved, searchable, with its history,
what changed between any two revisions, and any revision reopened as an untitled copy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import Dreamscape
from studio.store import DreamDiff, LibraryEntry, Revision, diff_data

from . import publish_common as common
from .panels.style import BAND_COLOURS, is_dark
from .windows import new_editor

PATH_ROLE = Qt.ItemDataRole.UserRole
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 200
ENTRY_COLUMNS = ("Title", "Revisions", "Last saved", "Risk", "Review", "File", "Match")
HISTORY_COLUMNS = ("Rev", "Saved", "Author", "Message", "Hash")
DIFF_COLOURS_DARK = {"+": "#5cc08a", "-": "#ef7a7e", "~": "#e0b252"}
DIFF_COLOURS_LIGHT = {"+": "#1f7a45", "-": "#b3261e", "~": "#8a5a00"}
EXCERPT = 60
CONTEXT = 18

OpenRevision = Callable[[Dreamscape, Revision], Any]
OpenFile = Callable[[Path], Any]


def _item(text: str, *, align_right: bool = False, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip if tip is not None else text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: tuple[str, ...], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    for column in range(len(columns)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class LibraryWindow(QMainWindow):
    """Browse the library; reopening a revision never touches the file it came from."""

    def __init__(
        self,
        open_revision: OpenRevision | None = None,
        open_file: OpenFile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("libraryWindow")
        self.setWindowTitle("Library — Adjuster Studio")
        self.open_revision_callback = open_revision
        self.open_file_callback = open_file
        self.entries: list[LibraryEntry] = []
        self.snippets: dict[str, str] | None = None  # path -> match, while searching
        self.history_revisions: list[Revision] = []
        self.current_diff: DreamDiff | None = None
        self.diff_busy = False
        self._diff_generation = 0
        self._build()
        self.resize(1120, 760)
        self.refresh()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("librarySearch")
        self.search.setPlaceholderText("Search titles and scene text…")
        self.search.setClearButtonEnabled(True)
        self.refresh_button = QPushButton("Refresh")
        top_row = QHBoxLayout()
        top_row.addWidget(self.search, 1)
        top_row.addWidget(self.refresh_button)
        self.entries_table = _table(ENTRY_COLUMNS, ENTRY_COLUMNS.index("File"))
        self.entries_table.setObjectName("libraryEntries")
        self.entries_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries_table.setColumnHidden(ENTRY_COLUMNS.index("Match"), True)
        self.empty_note = common.set_role(QLabel(), "muted")
        self.empty_note.setWordWrap(True)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(top_row)
        top_layout.addWidget(self.entries_table, 1)
        top_layout.addWidget(self.empty_note)

        self.history_box = QGroupBox("History")
        self.history_table = _table(HISTORY_COLUMNS, HISTORY_COLUMNS.index("Message"))
        self.history_table.setObjectName("libraryHistory")
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.open_revision_button = QPushButton("Open Revision")
        self.open_revision_button.setObjectName("openRevision")
        self.open_revision_button.setToolTip(
            "Open the selected revision in a new window as an "
            "untitled copy; the file is not touched"
        )
        self.open_file_button = QPushButton("Open File")
        self.open_file_button.setToolTip("Open the file as it is on disk now")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_revision_button)
        buttons.addWidget(self.open_file_button)
        buttons.addStretch(1)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("libraryClose")
        self.close_button.setToolTip("Close the library (Esc, Ctrl+W)")
        self.close_button.clicked.connect(self.close)
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history_table, 1)
        history_layout.addLayout(buttons)

        self.diff_box = QGroupBox("Changes")
        self.diff_summary = QLabel()
        self.diff_summary.setObjectName("diffSummary")
        self.diff_summary.setWordWrap(True)
        self.diff_list = QListWidget()
        self.diff_list.setObjectName("diffLines")
        self.diff_list.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff_list.setWordWrap(True)
        diff_layout = QVBoxLayout(self.diff_box)
        diff_layout.addWidget(self.diff_summary)
        diff_layout.addWidget(self.diff_list, 1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.history_box)
        lower.addWidget(self.diff_box)
        lower.setStretchFactor(0, 5)
        lower.setStretchFactor(1, 4)
        lower.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(splitter)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.close_button)
        layout.addLayout(close_row)
        self.setCentralWidget(central)
        self.location = QLabel()
        self.statusBar().addPermanentWidget(self.location)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.entries_table.itemSelectionChanged.connect(self._entry_selected)
        self.entries_table.itemDoubleClicked.connect(lambda _i: self.open_file())
        self.history_table.itemSelectionChanged.connect(self._revisions_selected)
        self.history_table.itemDoubleClicked.connect(lambda _i: self.open_revision())
        self.open_revision_button.clicked.connect(self.open_revision)
        self.open_file_button.clicked.connect(self.open_file)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        self._update_buttons()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """Esc and Close (Ctrl+W) close the library like any secondary window."""
        closing = event.key() == Qt.Key.Key_Escape and not event.modifiers()
        if closing or event.matches(QKeySequence.StandardKey.Close):
            self.close()
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ the list
    def refresh(self) -> None:
        """Reload the list (and the search) from the library, keeping the selection."""
        self.search_timer.stop()
        keep = self.selected_path()
        text = self.search.text().strip()
        try:
            with common.open_library() as library:
                self.entries = library.files()
                hits = library.search(text) if text else None
                self.location.setText(f"Library: {library.path}")
        except Exception as exc:  # show why and keep what was shown
            self.statusBar().showMessage(
                f"The library cannot be opened: {common.describe_error(exc)}"
            )
            self.location.setText(f"Library: {common.library_location()}")
            return
        self.snippets = None if hits is None else {hit.path: hit.snippet for hit in hits}
        self._fill_entries(keep)

    def _fill_entries(self, keep: str | None) -> None:
        table = self.entries_table
        if self.snippets is None:
            shown = self.entries
        else:
            order = {path: i for i, path in enumerate(self.snippets)}
            shown = sorted(
                (e for e in self.entries if e.path in order), key=lambda e: order[e.path]
            )
        table.setColumnHidden(ENTRY_COLUMNS.index("Match"), self.snippets is None)
        table.setColumnHidden(ENTRY_COLUMNS.index("File"), self.snippets is not None)
        table.horizontalHeader().setSectionResizeMode(
            ENTRY_COLUMNS.index("Match" if self.snippets is not None else "File"),
            QHeaderView.ResizeMode.Stretch,
        )
        table.blockSignals(True)
        table.setRowCount(len(shown))
        for row, entry in enumerate(shown):
            title = _item(entry.title or Path(entry.path).stem, tip=entry.path)
            title.setData(PATH_ROLE, entry.path)
            font = QFont(title.font())
            font.setBold(True)
            title.setFont(font)
            risk = _item(
                "—" if entry.score is None else f"{entry.score} {entry.band}",
                align_right=False,
                tip="No lint run recorded for the latest revision yet"
                if entry.score is None
                else f"Escapism risk {entry.score}/100",
            )
            if entry.band in BAND_COLOURS:
                colour = QColor(BAND_COLOURS[entry.band])
                risk.setForeground(colour if is_dark(self) else colour.darker(150))
            values = [
                title,
                _item(str(entry.revisions), align_right=True),
                _item(common.local_time(entry.updated)),
                risk,
                _item(entry.review or "—"),
                _item(entry.path),
                _item((self.snippets or {}).get(entry.path, "")),
            ]
            for column, item in enumerate(values):
                table.setItem(row, column, item)
        table.blockSignals(False)
        count = len(self.entries)
        if not count:
            note = (
                "The library is empty. Every dreamscape you save from the editor is "
                "recorded here with its history."
            )
        elif self.snippets is not None:
            note = (
                f"{len(shown)} of {count} dreamscapes match “{self.search.text().strip()}”."
                if shown
                else f"No dreamscape matches “{self.search.text().strip()}”."
            )
        else:
            note = f"{count} dreamscape{'s' if count != 1 else ''}."
        self.empty_note.setText(note)
        paths = [_key(table, r, PATH_ROLE) for r in range(table.rowCount())]
        target = keep if keep in paths else (paths[0] if paths else None)
        if target is not None:
            table.selectRow(paths.index(target))
        self._entry_selected()

    def selected_path(self) -> str | None:
        rows = self.entries_table.selectionModel().selectedRows()
        if not rows:
            return None
        return _key(self.entries_table, rows[0].row(), PATH_ROLE)

    def select_path(self, path: str | Path) -> bool:
        from studio.store import path_key

        key = path_key(path)
        for row in range(self.entries_table.rowCount()):
            if _key(self.entries_table, row, PATH_ROLE) == key:
                self.entries_table.selectRow(row)
                return True
        return False

    def shown_paths(self) -> list[str]:
        table = self.entries_table
        return [_key(table, r, PATH_ROLE) for r in range(table.rowCount())]

    # ------------------------------------------------------------ history
    def _entry_selected(self) -> None:
        path = self.selected_path()
        self.history_revisions = []
        if path is not None:
            try:
                with common.open_library() as library:
                    self.history_revisions = list(reversed(library.history(path)))
            except Exception as exc:
                self.statusBar().showMessage(
                    f"Cannot read the history: {common.describe_error(exc)}"
                )
        entry = next((e for e in self.entries if e.path == path), None)
        self.history_box.setTitle(
            f"History of “{entry.title or Path(entry.path).name}”" if entry else "History"
        )
        table = self.history_table
        table.blockSignals(True)
        table.setRowCount(len(self.history_revisions))
        for row, rev in enumerate(self.history_revisions):
            number = _item(str(rev.number), align_right=True)
            number.setData(NUMBER_ROLE, rev.number)
            values = [
                number,
                _item(common.local_time(rev.created)),
                _item(rev.author),
                _item(rev.message or "—"),
                _item(common.short_hash(rev.content_hash, 10), tip=rev.content_hash),
            ]
            for column, item in enumerate(values):
                table.setItem(row, column, item)
        table.blockSignals(False)
        if self.history_revisions:
            table.selectRow(0)
        self._revisions_selected()

    def selected_revisions(self) -> list[int]:
        rows = sorted({index.row() for index in self.history_table.selectionModel().selectedRows()})
        return sorted(_key(self.history_table, r, NUMBER_ROLE) for r in rows)

    def select_revisions(self, *numbers: int) -> None:
        table = self.history_table
        model = table.selectionModel()
        table.clearSelection()
        from PySide6.QtCore import QItemSelectionModel

        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(table.rowCount()):
            if _key(table, row, NUMBER_ROLE) in numbers:
                model.select(table.model().index(row, 0), flags)

    def _revisions_selected(self) -> None:
        self._update_buttons()
        path = self.selected_path()
        numbers = self.selected_revisions()
        self.diff_list.clear()
        self.current_diff = None
        self.diff_busy = False
        self._diff_generation += 1
        if path is None or not numbers:
            self.diff_box.setTitle("Changes")
            self.diff_summary.setText(
                "Select one revision to see what it changed, or two (Ctrl+click) to compare them."
            )
            return
        if len(numbers) > 2:
            self.diff_box.setTitle("Changes")
            self.diff_summary.setText("Select at most two revisions to compare.")
            return
        generation = self._diff_generation
        self.diff_busy = True
        self.diff_box.setTitle("Changes")
        self.diff_summary.setText("Comparing…")
        common.run_in_background(
            self,
            lambda: compare_revisions(path, numbers),
            lambda result: self._diff_ready(generation, result),
            lambda exc: self._diff_failed(generation, exc),
        )

    def _diff_ready(self, generation: int, result: tuple[DreamDiff, int, int]) -> None:
        if generation != self._diff_generation:
            return  # the selection moved on meanwhile
        self.diff_busy = False
        self.show_diff(*result)

    def _diff_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._diff_generation:
            return
        self.diff_busy = False
        self.diff_summary.setText(f"Cannot compare: {common.describe_error(exc)}")

    def show_diff(self, diff: DreamDiff, old: int, new: int) -> None:
        self.current_diff = diff
        self.diff_box.setTitle(
            f"Changes from revision {old} to {new}" if old else "Revision 1: everything it added"
        )
        self.diff_summary.setText(describe_diff(diff))
        rows = diff_rows(diff) or [("(no changes: both revisions hold the same content)", "")]
        colours = DIFF_COLOURS_DARK if is_dark(self) else DIFF_COLOURS_LIGHT
        for line, tip in rows:
            item = QListWidgetItem(line)
            item.setToolTip(tip or line)
            colour = colours.get(line[:1])
            if colour:
                item.setForeground(QColor(colour))
            self.diff_list.addItem(item)

    def diff_lines(self) -> list[str]:
        return [self.diff_list.item(i).text() for i in range(self.diff_list.count())]

    def _update_buttons(self) -> None:
        self.open_revision_button.setEnabled(len(self.selected_revisions()) == 1)
        self.open_file_button.setEnabled(
            self.selected_path() is not None and Path(self.selected_path() or "").is_file()
        )

    # ------------------------------------------------------------ opening
    def open_revision(self) -> Any:
        """Open the one selected revision as an untitled document in a new editor window."""
        path = self.selected_path()
        numbers = self.selected_revisions()
        if path is None or len(numbers) != 1:
            return None
        self.setCursor(Qt.CursorShape.BusyCursor)
        try:
            with common.open_library() as library:
                revision = library.revision(path, numbers[0])
            ds = revision.dreamscape()
        except Exception as exc:
            self.unsetCursor()
            self.statusBar().showMessage(
                f"Cannot open revision {numbers[0]}: {common.describe_error(exc)}"
            )
            return None
        self.unsetCursor()
        ds.path = None  # an untitled copy: saving asks for a new file
        opener = self.open_revision_callback or open_revision_window
        window = opener(ds, revision)
        self.statusBar().showMessage(
            f"Opened revision {revision.number} of {Path(path).name} as an untitled copy", 6000
        )
        return window

    def open_file(self) -> Any:
        path = self.selected_path()
        if path is None or not Path(path).is_file():
            return None
        opener = self.open_file_callback or open_file_window
        return opener(Path(path))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(1120, 760)


def compare_revisions(path: str, numbers: list[int]) -> tuple[DreamDiff, int, int]:
    """Two revisions (or one and the one before it) compared; runs on the thread pool with
    its own library connection."""
    with common.open_library() as library:
        if len(numbers) == 2:
            old, new = numbers
            return library.diff(path, old, new), old, new
        new = numbers[0]
        if new > 1:
            return library.diff(path, new - 1, new), new - 1, new
        content = library.revision(path, 1).content or "{}"
        return diff_data({}, json.loads(content)), 0, 1


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _change(old: Any, new: Any) -> str:
    """`'a' -> 'b'`; for long texts, the part that differs with a little context."""
    if (
        not (isinstance(old, str) and isinstance(new, str))
        or max(len(repr(old)), len(repr(new))) <= EXCERPT
    ):
        return f"{_show(old)} -> {_show(new)}"
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1

    def excerpt(text: str) -> str:
        lo, hi = max(0, start - CONTEXT), len(text) - max(0, end - CONTEXT)
        if lo > 0:  # start the excerpt on a word
            lo = text.rfind(" ", 0, lo) + 1 if " " in text[:lo] else lo
        middle = text[lo:hi]
        if len(middle) > EXCERPT:
            middle = middle[: EXCERPT - 1] + "…"
        return f"'{'…' if lo > 0 else ''}{middle}{'…' if hi < len(text) else ''}'"

    return f"{excerpt(old)} -> {excerpt(new)}"


def diff_rows(diff: DreamDiff) -> list[tuple[str, str]]:
    """The lines of `DreamDiff.lines()`, with long texts cut to where they differ; each with
    a tooltip holding the full old and new values."""
    rows: list[tuple[str, str]] = []

    def changed(prefix: str, fields: dict[str, tuple[Any, Any]]) -> None:
        for name, (old, new) in fields.items():
            rows.append(
                (
                    f"~ {prefix}.{name}: {_change(old, new)}",
                    f"{prefix}.{name}\nbefore: {old!r}\nafter: {new!r}",
                )
            )

    for record, fields in diff.records.items():
        changed(record, fields)
    for attr, singular in (
        ("variables", "variable"),
        ("nodes", "node"),
        ("edges", "edge"),
        ("groups", "group"),
    ):
        part = getattr(diff, attr)
        rows += [(f"+ {singular} {key}", "") for key in part.added]
        rows += [(f"- {singular} {key}", "") for key in part.removed]
        for key, fields in part.changed.items():
            changed(f"{singular} {key}", fields)
        if part.reordered:
            rows.append((f"~ {attr} reordered", ""))
    return rows


def describe_diff(diff: DreamDiff) -> str:
    """`Scenes: 1 added, 2 changed · Transitions: 1 removed` — counts a person can read."""
    parts = []
    for attr, label in (
        ("nodes", "Scenes"),
        ("edges", "Transitions"),
        ("groups", "Groups"),
        ("variables", "Variables"),
    ):
        part = getattr(diff, attr)
        counts = [
            f"{len(items)} {verb}"
            for items, verb in (
                (part.added, "added"),
                (part.removed, "removed"),
                (part.changed, "changed"),
            )
            if items
        ]
        if part.reordered:
            counts.append("reordered")
        if counts:
            parts.append(f"{label}: {', '.join(counts)}")
    if diff.records:
        parts.append("Settings: " + ", ".join(sorted(diff.records)))
    return " · ".join(parts) if parts else "No changes."


def _key(table: QTableWidget, row: int, role: int) -> Any:
    """The key (path or revision number) a table row stores in its first cell."""
    item = table.item(row, 0)
    return item.data(role) if item is not None else None


def open_revision_window(ds: Dreamscape, revision: Revision, live_panels: bool = True) -> Any:
    """A new editor window holding the revision as an unsaved, untitled document."""
    from .document import Document
    from .theme import current_theme

    window = new_editor(Document(ds, None), live_panels=live_panels)
    window.scene.set_theme(current_theme())
    window.show()
    QTimer.singleShot(0, window.view.fit_all)
    window.statusBar().showMessage(
        f"Revision {revision.number} of {Path(revision.path or '').name}, saved "
        f"{common.local_time(revision.created)} — an untitled copy; Save As to keep it",
        10000,
    )
    return window


def open_file_window(path: Path, live_panels: bool = True) -> Any:
    from .theme import current_theme

    window = new_editor(live_panels=live_panels)
    window.scene.set_theme(current_theme())
    if window.open_path(path):
        window.show()
        QTimer.singleShot(0, window.view.fit_all)
    return window
