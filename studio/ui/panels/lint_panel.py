"""The lint dock: score gauge and verdict, filterable findings, rule details and quick fixes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..theme import text_colour_for
from .findings_model import (
    COL_CODE,
    COL_MESSAGE,
    COL_POINTS,
    COL_SEVERITY,
    COL_WHERE,
    FindingsModel,
    finding_key,
)
from .lint_actions import can_fix, can_suppress, suppress_target
from .lint_filters import FilterBar
from .lint_text import as_text, detail_html, verdict_text
from .score_gauge import ScoreGauge
from .style import BAND_COLOURS, BAND_LABELS, SEVERITY_COLOURS

QWIDGETSIZE_MAX = (1 << 24) - 1


def ask_reason(parent: QWidget, finding: Any) -> str | None:
    """Ask why a finding is acceptable here; None when the designer cancels."""
    target = suppress_target(finding)
    where = f"{target[0]} '{target[1]}'" if target else "this dreamscape"
    text, ok = QInputDialog.getText(
        parent,
        f"Suppress {finding.code}",
        f"Why is {finding.code} ({finding.name}) acceptable at {where}?\n"
        "The reason is saved in the file and shown to reviewers.",
    )
    return text.strip() if ok and text.strip() else None


def confirm_ignore(parent: QWidget, finding: Any) -> bool:
    """A dreamscape-wide finding can only be ignored for the whole file."""
    answer = QMessageBox.question(
        parent,
        f"Ignore {finding.code}",
        f"{finding.code} ({finding.name}) concerns the whole dreamscape. Ignore this rule "
        "for the whole file? Reviewers will see it in the lint settings.",
    )
    return answer == QMessageBox.StandardButton.Yes


class LintPanel(QWidget):
    """Shows one lint report; emits intent signals the live-panels controller turns into edits."""

    goto_requested = Signal(list, list)  # node ids, edge ids
    fix_requested = Signal(object)  # finding
    suppress_requested = Signal(object, str)  # finding, reason ("" for a file-wide ignore)
    unsuppress_requested = Signal(object)  # finding
    rebalance_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lintPanel")
        self.report: Any = None
        self.problems: list[str] = []
        self.model = FindingsModel(self)

        self.gauge = ScoreGauge(parent=self)
        self.gauge.setFixedSize(84, 84)
        self.verdict = QLabel("Checking…")
        self.verdict.setObjectName("lintVerdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.verdict.setFont(font)
        compact = QFont(font)
        compact.setPointSizeF(font.pointSizeF() / 1.1)
        self._verdict_fonts = (font, compact)  # roomy (narrow dock) and compact (short dock)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.state = QLabel("")
        self.state.setObjectName("lintState")
        self.state.setWordWrap(True)
        head_text = QVBoxLayout()
        head_text.setContentsMargins(0, 0, 0, 0)
        head_text.addWidget(self.verdict)
        head_text.addWidget(self.summary)
        head_text.addWidget(self.state)
        head_text.addStretch(1)
        self.head = QWidget(self)
        self.head_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.head)
        self.head_layout.setContentsMargins(0, 0, 0, 0)
        self.head_layout.addWidget(self.gauge, 0, Qt.AlignmentFlag.AlignTop)
        self.head_layout.addLayout(head_text, 1)

        self.filters = FilterBar(self)
        self.filters.changed.connect(self._filters_changed)
        # Kept as attributes: tests and keyboard users reach them directly.
        self.severity_buttons = self.filters.severity_buttons
        self.suppressed_button = self.filters.suppressed_button
        self.family_combo = self.filters.family_combo
        self.search = self.filters.search

        self.problem_label = QLabel("")
        self.problem_label.setObjectName("lintProblems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.setStyleSheet(
            "QLabel#lintProblems { background: rgba(214, 69, 69, 0.14); border-radius: 4px;"
            " padding: 6px; }"
        )
        self.problem_label.hide()

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL_SEVERITY, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SEVERITY, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COL_SEVERITY, 28)
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_POINTS, QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(200)  # sample rows: thousands of findings stay cheap
        header.resizeSection(COL_WHERE, 88)
        header.setMinimumSectionSize(24)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.clicked.connect(self._row_clicked)
        self.table.activated.connect(self._row_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("Select a finding to read why the rule exists.")
        self.goto_button = QPushButton("Show")
        self.goto_button.setToolTip("Select and centre the finding's scenes on the canvas")
        self.fix_button = QPushButton("Apply fix")
        self.suppress_button = QPushButton("Suppress…")
        self.unsuppress_button = QPushButton("Unsuppress")
        self.unsuppress_button.setToolTip("Lift this suppression (undoable)")
        self.rebalance_button = QPushButton("Rebalance…")
        self.rebalance_button.setToolTip(
            "Propose the fewest edits that bring the design under the gate"
        )
        self.rebalance_button.clicked.connect(self.rebalance_requested)
        self.goto_button.clicked.connect(lambda: self._act("goto"))
        self.fix_button.clicked.connect(lambda: self._act("fix"))
        self.suppress_button.clicked.connect(lambda: self._act("suppress"))
        self.unsuppress_button.clicked.connect(lambda: self._act("unsuppress"))
        self.buttons = QGridLayout()
        self.buttons.setSpacing(4)
        detail_box = QWidget(self)
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(self.buttons)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.detail.setMinimumHeight(60)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.filters)
        body_layout.addWidget(self.problem_label)
        body_layout.addWidget(self.splitter, 1)
        self.main_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.main_layout.setContentsMargins(6, 6, 6, 6)
        self.main_layout.addWidget(self.head)
        self.main_layout.addWidget(body, 1)
        self.wide: bool | None = None
        self._arrange(wide=True)  # it starts in the short bottom row: be short from the start
        self._show_detail(None)

    # -------------------------------------------------------------- layout
    def _arrange(self, wide: bool) -> None:
        """A wide, short dock puts the gauge beside the table and the details beside it too."""
        if wide == self.wide:
            return
        self.wide = wide
        if wide:
            self.main_layout.setDirection(QBoxLayout.Direction.LeftToRight)
            self.head_layout.setDirection(QBoxLayout.Direction.TopToBottom)
            self.head.setFixedWidth(196)
            self.verdict.setFont(self._verdict_fonts[1])  # a short dock: the verdict in body size
            self.head.setMaximumHeight(QWIDGETSIZE_MAX)
            self.gauge.setFixedSize(64, 64)
            self.summary.hide()  # a short, wide dock: the gauge's tooltip carries the numbers
            self.splitter.setOrientation(Qt.Orientation.Horizontal)
            self._place_buttons(columns=2)
        else:
            self.main_layout.setDirection(QBoxLayout.Direction.TopToBottom)
            self.head_layout.setDirection(QBoxLayout.Direction.LeftToRight)
            self.head.setMinimumWidth(0)
            self.head.setMaximumWidth(QWIDGETSIZE_MAX)
            self.gauge.setFixedSize(84, 84)
            self.verdict.setFont(self._verdict_fonts[0])
            self.summary.show()
            self.splitter.setOrientation(Qt.Orientation.Vertical)
            self._place_buttons(columns=4)
        QTimer.singleShot(0, self._share_splitter)

    def _place_buttons(self, columns: int) -> None:
        """Beside the table the detail pane is narrow: its buttons go two by two."""
        row_buttons = (
            self.goto_button,
            self.fix_button,
            self.suppress_button,
            self.unsuppress_button,
            self.rebalance_button,
        )
        for b in row_buttons:
            self.buttons.removeWidget(b)
        for i, b in enumerate(row_buttons):
            self.buttons.addWidget(b, i // columns, i % columns)

    def _share_splitter(self) -> None:
        """Table two thirds, details one third, along whichever way the splitter runs."""
        horizontal = self.splitter.orientation() == Qt.Orientation.Horizontal
        total = self.splitter.width() if horizontal else self.splitter.height()
        if total > 0:
            first = total * 2 // 3
            self.splitter.setSizes([first, total - first])

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self._share_splitter)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange(wide=self.width() > 1.8 * max(1, self.height()) and self.width() > 700)

    # ------------------------------------------------------------- content
    def set_report(self, report: Any, problems: list[str] | None = None, note: str = "") -> None:
        """Show a current report (None if the linter failed) and any rule/plugin/run errors."""
        keep = self.selected_finding()
        self.report = report
        findings = list(getattr(report, "findings", []) or [])
        self.problems = list(problems or [])
        if report is not None:
            for err in list(getattr(report, "rule_errors", []) or []):
                self.problems.append(f"Rule error: {as_text(err)}")
            for err in list(getattr(report, "plugin_errors", []) or []):
                self.problems.append(f"Plugin error: {as_text(err)}")
        self.filters.add_families(findings)
        self.model.set_dimmed(False)
        self.model.set_findings(findings)
        self.gauge.set_updating(False)
        if report is None:
            self.gauge.set_score(None, None)
        else:
            self.gauge.set_score(report.score, report.band)
        self._update_verdict(report)
        self._update_counts(findings)
        self.state.setText(note)
        notes = list(getattr(report, "notes", []) or []) + [
            f"Lint settings: {w}" for w in list(getattr(report, "config_warnings", []) or [])
        ]
        self.state.setToolTip("\n".join(notes))
        if notes:
            count = f"{len(notes)} note{'s' if len(notes) > 1 else ''} (hover to read)"
            self.state.setText(f"{note} · {count}" if note else "\n".join(notes))
        if self.problems:
            shown = self.problems[:6]
            more = len(self.problems) - len(shown)
            text = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
            self.problem_label.setText(text)
            self.problem_label.show()
        else:
            self.problem_label.hide()
        if keep is None or not self.select_key(finding_key(keep)):
            if self.model.visible:
                self.select_row(0)  # the worst finding, explained, until the designer picks one
        self._show_detail(self.selected_finding())

    def set_updating(self, updating: bool) -> None:
        """While a newer run computes, the shown findings are marked as not current."""
        self.model.set_dimmed(updating)
        self.gauge.set_updating(updating)
        if updating:
            self.state.setText("Updating…")

    def _update_verdict(self, report: Any) -> None:
        text = verdict_text(report)
        self.verdict.setText(text)
        if report is None:
            colour = "#8a8f98"
        elif getattr(report, "blocked", False):
            colour = SEVERITY_COLOURS["error"]
        else:
            colour = BAND_COLOURS["low"]
        self.verdict.setStyleSheet(f"color: {text_colour_for(self.verdict, colour)};")

    def _update_counts(self, findings: list[Any]) -> None:
        self.filters.show_counts(findings)
        report = self.report
        if report is None:
            self.summary.setText("")
            return
        band = BAND_LABELS.get(report.band, report.band)
        threshold = getattr(report, "threshold", None)
        parts = [f"Escapism risk <b>{report.score}</b>/100 ({band})"]
        if threshold is not None:
            parts.append(f"publish threshold {float(threshold):g}")
        self.summary.setText(" · ".join(parts))
        self.gauge.setToolTip(" · ".join(parts).replace("<b>", "").replace("</b>", ""))

    # ------------------------------------------------------------- filters
    def _filters_changed(self, *_: Any) -> None:
        keep = self.selected_finding()
        self.model.set_filter(
            severities=self.filters.severities(),
            family=self.filters.family(),
            show_suppressed=self.filters.show_suppressed(),
            text=self.filters.text(),
        )
        if keep is not None:
            self.select_key(finding_key(keep))

    def set_severity_visible(self, severity: str, visible: bool) -> None:
        self.filters.set_severity_visible(severity, visible)

    def set_family(self, family: str | None) -> None:
        self.filters.set_family(family)

    # ------------------------------------------------------------ selection
    def selected_finding(self) -> Any | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.finding_at(index.row())

    def select_key(self, key: tuple) -> bool:
        row = self.model.row_of(key)
        if row < 0:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        index = self.model.index(row, COL_MESSAGE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.finding_at(current.row()) if current.isValid() else None)

    def _row_clicked(self, index: QModelIndex) -> None:
        finding = self.model.finding_at(index.row())
        if finding is not None and (finding.nodes or finding.edges):
            self.goto_requested.emit(list(finding.nodes), list(finding.edges))

    def _show_detail(self, finding: Any | None) -> None:
        enabled = finding is not None
        self.goto_button.setEnabled(finding is not None and bool(finding.nodes or finding.edges))
        self.fix_button.setEnabled(enabled and can_fix(finding))
        self.suppress_button.setEnabled(enabled and can_suppress(finding))
        self.unsuppress_button.setEnabled(finding is not None and bool(finding.suppressed))
        if finding is not None and finding.fix is not None:
            self.fix_button.setToolTip(finding.fix.description)
        if finding is not None and suppress_target(finding) is None:
            self.suppress_button.setText("Ignore in file…")
            self.suppress_button.setToolTip(
                "This finding concerns the whole dreamscape: "
                "ignore its rule in the file's lint settings"
            )
        else:
            self.suppress_button.setText("Suppress…")
            self.suppress_button.setToolTip(
                "Suppress here: asks why, saves the reason on the scene (undoable)"
            )
        self.detail.setHtml(detail_html(finding) if finding is not None else "")

    # -------------------------------------------------------------- actions
    def _act(self, action: str, finding: Any | None = None) -> None:
        finding = finding or self.selected_finding()
        if finding is None:
            return
        if action == "goto":
            self.goto_requested.emit(list(finding.nodes), list(finding.edges))
        elif action == "fix" and can_fix(finding):
            self.fix_requested.emit(finding)
        elif action == "suppress" and can_suppress(finding):
            self.request_suppress(finding)
        elif action == "unsuppress" and finding.suppressed:
            self.unsuppress_requested.emit(finding)

    def request_suppress(self, finding: Any) -> None:
        """Ask for the reason (or confirm a file-wide ignore), then ask for the edit."""
        if suppress_target(finding) is None:
            if confirm_ignore(self, finding):
                self.suppress_requested.emit(finding, "")
            return
        reason = ask_reason(self, finding)
        if reason:
            self.suppress_requested.emit(finding, reason)

    def finding_menu(self, finding: Any, menu: QMenu) -> None:
        """Add this finding's actions to a menu (the table's or the canvas's)."""
        fix = menu.addAction(
            f"Fix {finding.code}: {finding.fix.description}"
            if finding.fix is not None
            else f"{finding.code}: no automatic fix"
        )
        fix.setEnabled(can_fix(finding))
        fix.triggered.connect(lambda: self._act("fix", finding))
        if finding.suppressed:
            lift = menu.addAction(f"Lift suppression of {finding.code}")
            lift.triggered.connect(lambda: self._act("unsuppress", finding))
        else:
            label = (
                "Ignore in file…"
                if suppress_target(finding) is None
                else f"Suppress {finding.code} here…"
            )
            sup = menu.addAction(label)
            sup.setEnabled(can_suppress(finding))
            if finding.fatal:
                sup.setToolTip("Fatal findings cannot be suppressed")
            sup.triggered.connect(lambda: self._act("suppress", finding))

    def _table_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        finding = self.model.finding_at(index.row()) if index.isValid() else None
        if finding is None:
            return
        self.select_row(index.row())
        menu = QMenu(self)
        go = menu.addAction("Show on canvas")
        go.setEnabled(bool(finding.nodes or finding.edges))
        go.triggered.connect(lambda: self._act("goto", finding))
        menu.addSeparator()
        self.finding_menu(finding, menu)
        menu.exec(self.table.viewport().mapToGlobal(pos))
