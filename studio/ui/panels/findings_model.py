"""The lint panel's table model: findings filtered and sorted in Python, not per cell in Qt.

Sorting and filtering thousands of findings through a proxy model calls back into Python
for every comparison; doing it here with `sorted(key=...)` keeps a rerun on a
10,000-node dreamscape well inside one frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from studio.report.numbers import points_text

from .style import SEVERITY_RANK, severity_icon

Index = QModelIndex | QPersistentModelIndex
COLUMNS: tuple[str, ...] = ("", "Code", "Message", "Where", "Points")
COL_SEVERITY, COL_CODE, COL_MESSAGE, COL_WHERE, COL_POINTS = range(5)


def finding_key(finding: Any) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    """Identity of a finding across reruns, so the selection survives an edit."""
    return (finding.code, tuple(finding.nodes), tuple(finding.edges), finding.message)


def family_of(finding: Any) -> str:
    rule = getattr(finding, "rule", None)
    return getattr(rule, "family", None) or getattr(finding, "family", None) or finding.code[:3]


def where_text(finding: Any) -> str:
    parts = list(finding.nodes) + [f"edge {e}" for e in finding.edges]
    if not parts:
        return "dreamscape"
    return ", ".join(parts[:3]) + (f" +{len(parts) - 3}" if len(parts) > 3 else "")


def tooltip_text(finding: Any) -> str:
    rule = getattr(finding, "rule", None)
    lines = [f"<b>{finding.code} {finding.name}</b> ({finding.severity})"]
    rationale = getattr(rule, "rationale", "")
    source = getattr(rule, "source", "")
    if rationale:
        lines.append(rationale)
    if source:
        lines.append(f"<i>Source: {source}</i>")
    if finding.suppressed:
        lines.append(f"Suppressed: {finding.reason or 'no reason given'}")
    return "<br>".join(lines)


class FindingsModel(QAbstractTableModel):
    """All findings of the current report; `visible` is the filtered, sorted view."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.findings: list[Any] = []
        self.visible: list[Any] = []
        self.severities: set[str] = {"error", "warning", "info"}
        self.family: str | None = None
        self.show_suppressed = True
        self.text = ""
        self.sort_column = COL_SEVERITY
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.dimmed = False  # a newer run is computing; these findings are not current

    # --------------------------------------------------------------- content
    def set_findings(self, findings: list[Any]) -> None:
        self.findings = list(findings)
        self._refresh()

    def set_filter(
        self,
        severities: set[str] | None = None,
        family: str | None | bool = False,
        show_suppressed: bool | None = None,
        text: str | None = None,
    ) -> None:
        """Change any part of the filter; `family=None` means every family."""
        if severities is not None:
            self.severities = set(severities)
        if family is not False:
            self.family = family if isinstance(family, str) and family else None
        if show_suppressed is not None:
            self.show_suppressed = show_suppressed
        if text is not None:
            self.text = text.strip().lower()
        self._refresh()

    def set_dimmed(self, dimmed: bool) -> None:
        if dimmed != self.dimmed:
            self.dimmed = dimmed
            if self.visible:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self.visible) - 1, len(COLUMNS) - 1)
                )

    def _accepts(self, f: Any) -> bool:
        if f.severity not in self.severities:
            return False
        if f.suppressed and not self.show_suppressed:
            return False
        if self.family and family_of(f) != self.family:
            return False
        if self.text:
            hay = " ".join((f.code, f.name, f.message, *f.nodes, *f.edges)).lower()
            return self.text in hay
        return True

    def _sort_key(self, column: int) -> Callable[[Any], tuple[Any, ...]]:
        def rank(f: Any) -> tuple[Any, ...]:
            base = (f.suppressed, SEVERITY_RANK.get(f.severity, 9))
            if column == COL_CODE:
                return (f.code, *base, where_text(f))
            if column == COL_MESSAGE:
                return (f.message.lower(), *base)
            if column == COL_WHERE:
                return (where_text(f), *base, f.code)
            if column == COL_POINTS:
                return (f.points, *base, f.code)
            return (*base, not getattr(f, "fatal", False), -f.points, f.code, where_text(f))

        return rank

    def _refresh(self) -> None:
        self.beginResetModel()
        rows = [f for f in self.findings if self._accepts(f)]
        rows.sort(
            key=self._sort_key(self.sort_column),
            reverse=self.sort_order == Qt.SortOrder.DescendingOrder,
        )
        self.visible = rows
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._refresh()

    def finding_at(self, row: int) -> Any | None:
        return self.visible[row] if 0 <= row < len(self.visible) else None

    def row_of(self, key: tuple) -> int:
        for row, f in enumerate(self.visible):
            if finding_key(f) == key:
                return row
        return -1

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_SEVERITY:
                return "Severity"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        f = self.finding_at(index.row())
        if f is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_CODE:
                return f.code
            if col == COL_MESSAGE:
                return f"{f.message}  (suppressed: {f.reason})" if f.suppressed else f.message
            if col == COL_WHERE:
                return where_text(f)
            if col == COL_POINTS:
                return "—" if f.suppressed else points_text(f.points)
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == COL_SEVERITY:
            return severity_icon(f.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(f)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == COL_SEVERITY:
            return f.severity
        if role == Qt.ItemDataRole.ForegroundRole and (f.suppressed or self.dimmed):
            colour = QColor("#8a8f98")
            colour.setAlphaF(0.75 if f.suppressed else 0.9)
            return colour
        if role == Qt.ItemDataRole.FontRole and f.suppressed:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_POINTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
