"""The inspector when nothing is selected: the dreamscape's meta, night, variables and lint block."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import (
    AUDIENCES,
    VARIABLE_TYPES,
    Dreamscape,
    Variable,
    compile_expression,
    is_valid_id,
)
from studio.model.ops import RenameVariable, SetVariable, UpdateRecord

from .document import Document
from .inspector_fields import (
    CheckedLineEdit,
    NumberField,
    TextArea,
    clean_number,
    error_label,
    parse_list,
)
from .inspector_forms import Form

RESERVED = ("true", "false", "True", "False", "min", "max", "abs", "and", "or", "not")


def variable_name_problem(name: str, taken: set[str]) -> str | None:
    if not is_valid_id(name):
        return "letters, digits and _, starting with a letter"
    if "-" in name:
        return "'-' would read as minus in expressions"
    if name in RESERVED:
        return f"'{name}' is reserved in expressions"
    if name in taken:
        return f"'{name}' is already declared"
    return None


def parse_initial(text: str, var_type: str) -> tuple[Any, str | None]:
    text = text.strip()
    if var_type == "bool":
        if text.lower() in ("true", "1", "yes"):
            return True, None
        if text.lower() in ("false", "0", "no", ""):
            return False, None
        return None, "expected true or false"
    try:
        value = float(text or 0)
    except ValueError:
        return None, "expected a number"
    if var_type == "int":
        if not value.is_integer():
            return None, "expected a whole number"
        return int(value), None
    return value, None


def variable_uses(ds: Dreamscape, name: str) -> list[str]:
    """Where a variable is read or written, as `node pier` / `edge e3` strings."""

    def reads(source: str | None) -> bool:
        if not source:
            return False
        try:
            return name in compile_expression(source).names
        except ValueError:
            return False

    found = []
    for node in ds.nodes:
        if name in node.effects or any(reads(v) for v in node.effects.values()):
            found.append(f"scene {node.id}")
    for edge in ds.edges:
        if (
            name in edge.effects
            or reads(edge.condition)
            or any(reads(v) for v in edge.effects.values())
        ):
            found.append(f"transition {edge.id}")
    return found


def format_initial(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


class VariablesTable(QWidget):
    """Declared variables: rename (everywhere), change type, set initial, add, remove."""

    def __init__(self, form: DreamscapeForm) -> None:
        super().__init__()
        self.form = form
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "Type", "Initial"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 84)  # room for "float" and the arrow in the type box
        header.resizeSection(2, 64)
        self.table.setMinimumHeight(120)
        self.error = error_label()
        self.add_button = QPushButton("Add variable")
        self.remove_button = QPushButton("Remove")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._loading = False
        self.table.itemChanged.connect(self._item_changed)
        self.add_button.clicked.connect(self.add_variable)
        self.remove_button.clicked.connect(self.remove_selected)

    @property
    def ds(self) -> Dreamscape:
        return self.form.document.ds

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def refresh(self) -> None:
        variables = self.ds.variables
        self._loading = True
        try:
            self.table.setRowCount(len(variables))
            for row, (name, var) in enumerate(variables.items()):
                self.table.setItem(row, 0, QTableWidgetItem(name))
                combo = self.table.cellWidget(row, 1)
                if not isinstance(combo, QComboBox):
                    combo = QComboBox()
                    combo.addItems(list(VARIABLE_TYPES))
                    combo.activated.connect(lambda _, c=combo: self._type_changed(c))
                    self.table.setCellWidget(row, 1, combo)
                combo.setCurrentText(var.type)
                self.table.setItem(row, 2, QTableWidgetItem(format_initial(var.initial)))
        finally:
            self._loading = False
        self.remove_button.setEnabled(bool(variables))

    def _row_of(self, combo: QComboBox) -> int:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, 1) is combo:
                return row
        return -1

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        row, text = item.row(), item.text().strip()
        names = list(self.ds.variables)  # the model's order matches the rows
        if row >= len(names):
            return
        name = names[row]
        var = self.ds.variables[name]
        if item.column() == 0 and text != name:
            message = variable_name_problem(text, set(self.ds.variables) - {name})
            if message is None:
                self.form.apply(RenameVariable(name, text), f"Rename variable {name} → {text}")
        elif item.column() == 2:
            value, message = parse_initial(text, var.type)
            if message is None and value != var.initial:
                self.form.apply(
                    SetVariable(name, Variable(name, var.type, value)),
                    f"Set {name} to start at {format_initial(value)}",
                )
        else:
            return
        self.show_error(message and f"{name}: {message}")
        if message:
            self.refresh()

    def _type_changed(self, combo: QComboBox) -> None:
        row = self._row_of(combo)
        names = list(self.ds.variables)
        if not 0 <= row < len(names):
            return
        name = names[row]
        var = self.ds.variables[name]
        new_type = combo.currentText()
        if new_type == var.type:
            return
        initial = {"bool": bool(var.initial), "int": int(var.initial), "float": float(var.initial)}[
            new_type
        ]
        self.form.apply(
            SetVariable(name, Variable(name, new_type, initial)), f"Make {name} {new_type}"
        )
        self.show_error(None)

    def add_variable(self) -> str:
        taken = set(self.ds.variables)
        n = len(taken) + 1
        while f"var{n}" in taken:
            n += 1
        name = f"var{n}"
        self.form.apply(SetVariable(name, Variable(name, "int", 0)), f"Add variable {name}")
        return name

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        names = list(self.ds.variables)
        if not 0 <= row < len(names):
            self.show_error("select a variable to remove")
            return
        name = names[row]
        uses = variable_uses(self.ds, name)
        if uses:
            more = f" and {len(uses) - 3} more" if len(uses) > 3 else ""
            self.show_error(f"'{name}' is still used by {', '.join(uses[:3])}{more}")
            return
        self.form.apply(SetVariable(name, None), f"Remove variable {name}")
        self.show_error(None)


class DreamscapeForm(Form):
    """Meta, night schedule, variables and lint settings of the whole dreamscape."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.summary = QLabel()
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.form.addRow(self.summary)
        self.heading("Dreamscape")
        self.title = self.row(
            "Title", CheckedLineEdit(lambda t: None if t.strip() else "a title is needed")
        )
        self.author = self.row("Author", CheckedLineEdit())
        self.audience = self.row(
            "Audience", QComboBox(), "Who the dream is for; rules are stricter for children"
        )
        self.audience.addItems(list(AUDIENCES))
        self.description = self.row("Description", TextArea())
        self.description.setMaximumHeight(90)
        self.tags = self.row("Tags", CheckedLineEdit(), "Comma-separated")
        self.heading("Night")
        self.onset = self.row(
            "Onset", NumberField(0, 600, 5, 0), "Minutes from lights-out to sleep"
        )
        self.cycle = self.row(
            "Cycle", NumberField(0, 600, 5, 0, low_open=True), "Minutes per sleep cycle"
        )
        self.rem = self.row(
            "REM minutes",
            CheckedLineEdit(self._check_rem),
            "REM minutes at the end of each cycle, e.g. 10, 15, 20, 25, 35",
        )
        self.heading("Variables")
        self.variables = VariablesTable(self)
        self.form.addRow(self.variables)
        self.heading("Lint")
        self.threshold = self.row(
            "Threshold",
            NumberField(0, 100, 5, 0),
            "Highest escapism-risk score that may be published",
        )
        self.select = self.row(
            "Select", CheckedLineEdit(), "Rule codes or prefixes, comma-separated"
        )
        self.ignore = self.row(
            "Ignore", CheckedLineEdit(), "Rule codes or prefixes, comma-separated"
        )

        self.title.committed.connect(lambda v: self._meta("title", v.strip()))
        self.author.committed.connect(lambda v: self._meta("author", v.strip()))
        self.audience.activated.connect(
            lambda _: self._meta("audience", self.audience.currentText())
        )
        self.description.committed.connect(lambda v: self._meta("description", v))
        self.tags.committed.connect(lambda v: self._meta("tags", parse_list(v)))
        self.onset.committed.connect(
            lambda v: self._record("night", "onset_minutes", clean_number(v))
        )
        self.cycle.committed.connect(self._cycle)
        self.rem.committed.connect(
            lambda v: self._record(
                "night", "rem_minutes", [clean_number(float(p)) for p in parse_list(v)]
            )
        )
        self.threshold.committed.connect(
            lambda v: self._record("lint", "threshold", clean_number(v))
        )
        self.select.committed.connect(lambda v: self._record("lint", "select", parse_list(v)))
        self.ignore.committed.connect(lambda v: self._record("lint", "ignore", parse_list(v)))

    def _check_rem(self, text: str) -> str | None:
        parts = parse_list(text)
        if not parts:
            return "at least one REM window is needed"
        cycle = self.document.ds.night.cycle_minutes
        for i, part in enumerate(parts, 1):
            try:
                value = float(part)
            except ValueError:
                return f"window {i}: '{part}' is not a number"
            if value <= 0:
                return f"window {i}: minutes must be > 0"
            if value > cycle:
                return f"window {i}: {part} minutes is longer than the {cycle:g}-minute cycle"
        return None

    def _cycle(self, value: float) -> None:
        longest = max(self.document.ds.night.rem_minutes, default=0)
        if value < longest:
            self.cycle.set_value(self.document.ds.night.cycle_minutes)
            self.cycle.setToolTip(
                f"a cycle cannot be shorter than its longest REM ({longest:g} min)"
            )
            return
        self._record("night", "cycle_minutes", clean_number(value))

    def _meta(self, name: str, value: Any) -> None:
        self._record("meta", name, value)

    def _record(self, record: str, name: str, value: Any) -> None:
        current = getattr(self.document.ds, record)
        old = current.get(name) if isinstance(current, dict) else getattr(current, name)
        if old == value:
            return
        self.apply(
            UpdateRecord(record, {name: value}),
            f"Edit {record} {name.replace('_', ' ')}",
            (record, name),
        )

    def refresh(self) -> None:
        ds = self.document.ds
        entry = ds.entry
        self.summary.setText(
            f"{len(ds.nodes)} scenes · {len(ds.edges)} transitions · {len(ds.groups)} groups"
            + (f" · starts at “{entry.display_title}”" if entry else " · no single entry scene")
        )
        meta, night = ds.meta, ds.night
        self.title.set_value(meta.title)
        self.author.set_value(meta.author)
        self.audience.setCurrentText(meta.audience)
        self.description.set_value(meta.description)
        self.tags.set_value(", ".join(meta.tags))
        self.onset.set_value(night.onset_minutes)
        self.cycle.set_value(night.cycle_minutes)
        self.rem.set_value(", ".join(f"{m:g}" for m in night.rem_minutes))
        self.variables.refresh()
        self.threshold.set_value(ds.lint.get("threshold", 70))
        self.select.set_value(", ".join(ds.lint.get("select", [])))
        self.ignore.set_value(", ".join(ds.lint.get("ignore", [])))
