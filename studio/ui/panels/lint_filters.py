"""The lint panel's filter bar: severity toggles with counts, suppressed, rule family, text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLineEdit, QToolButton, QWidget

from .findings_model import family_of
from .style import SEVERITIES, severity_icon

KNOWN_FAMILIES = ("DS", "EXT", "RWD", "TMP", "INT", "SOC")
SEVERITY_TITLES = {"error": "errors", "warning": "warnings", "info": "info"}


class _Collector:
    """Collects the bar's widgets in order before they are placed on the grid."""

    def __init__(self) -> None:
        self.widgets: list[QWidget] = []

    def addWidget(self, widget: QWidget, *_: Any) -> None:  # noqa: N802 - layout-like
        self.widgets.append(widget)


class FilterBar(QWidget):
    """Emits `changed` whenever what the table should show changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.two_rows: bool | None = None
        layout = _Collector()
        self.severity_buttons: dict[str, QToolButton] = {}
        for sev in SEVERITIES:
            button = self._toggle(f"0 {SEVERITY_TITLES[sev]}", f"Show {SEVERITY_TITLES[sev]}")
            button.setIcon(severity_icon(sev))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.severity_buttons[sev] = button
            layout.addWidget(button)
        self.suppressed_button = self._toggle(
            "0 suppressed", "Show suppressed findings (greyed, with their reason)"
        )
        layout.addWidget(self.suppressed_button)
        self.family_combo = QComboBox(self)
        self.family_combo.setToolTip("Rule family")
        self.family_combo.addItem("All rules", None)
        for family in KNOWN_FAMILIES:
            self.family_combo.addItem(family, family)
        self.family_combo.currentIndexChanged.connect(self.changed)
        layout.addWidget(self.family_combo)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter findings…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.changed)
        self.search.setMinimumWidth(90)
        self.family_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.family_combo.setMinimumContentsLength(6)
        layout.addWidget(self.search)
        self.toggles = layout.widgets[:-2]
        self._place(two_rows=False)

    def _place(self, two_rows: bool) -> None:
        """One row when there is room; in a narrow dock, family and text go on a second row."""
        if two_rows == self.two_rows:
            return
        self.two_rows = two_rows
        for widget in (*self.toggles, self.family_combo, self.search):
            self.grid.removeWidget(widget)
        for col, widget in enumerate(self.toggles):
            self.grid.addWidget(widget, 0, col)
        count = len(self.toggles)
        for col in range(count + 2):
            self.grid.setColumnStretch(col, 0)
        if two_rows:
            self.grid.addWidget(self.family_combo, 1, 0)
            self.grid.addWidget(self.search, 1, 1, 1, count - 1)
            self.grid.setColumnStretch(count - 1, 1)
        else:
            self.grid.addWidget(self.family_combo, 0, count)
            self.grid.addWidget(self.search, 0, count + 1)
            self.grid.setColumnStretch(count + 1, 1)

    def _one_row_width(self) -> int:
        widgets = (*self.toggles, self.family_combo, self.search)
        return sum(w.sizeHint().width() for w in widgets) + 4 * len(widgets)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """As narrow as the toggles: the rest can wrap to a second row."""
        width = sum(w.sizeHint().width() for w in self.toggles) + 4 * len(self.toggles)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._place(two_rows=self.width() < self._one_row_width())

    def _toggle(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setCheckable(True)
        button.setChecked(True)
        button.setText(text)
        button.setToolTip(tip)
        button.toggled.connect(self.changed)
        return button

    # -------------------------------------------------------------- state
    def severities(self) -> set[str]:
        return {s for s, b in self.severity_buttons.items() if b.isChecked()}

    def family(self) -> str | None:
        return self.family_combo.currentData()

    def show_suppressed(self) -> bool:
        return self.suppressed_button.isChecked()

    def text(self) -> str:
        return self.search.text()

    def set_severity_visible(self, severity: str, visible: bool) -> None:
        self.severity_buttons[severity].setChecked(visible)

    def set_family(self, family: str | None) -> None:
        index = self.family_combo.findData(family)
        if index < 0 and family is not None:
            self.family_combo.addItem(family, family)
            index = self.family_combo.count() - 1
        self.family_combo.setCurrentIndex(max(0, index))

    # ------------------------------------------------------------ content
    def show_counts(self, findings: list[Any]) -> None:
        """Counts of unsuppressed findings per severity, and of suppressed ones."""
        counts = {sev: 0 for sev in SEVERITIES}
        suppressed = 0
        for f in findings:
            if f.suppressed:
                suppressed += 1
            elif f.severity in counts:
                counts[f.severity] += 1
        for sev, button in self.severity_buttons.items():
            button.setText(f"{counts[sev]} {SEVERITY_TITLES[sev]}")
        self.suppressed_button.setText(f"{suppressed} suppressed")

    def add_families(self, findings: list[Any]) -> None:
        """Plugin rule families appear in the combo as their findings do."""
        present = {self.family_combo.itemData(i) for i in range(self.family_combo.count())}
        for family in sorted({family_of(f) for f in findings} - present):
            self.family_combo.addItem(family, family)
