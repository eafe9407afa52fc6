"""Inspector forms for one node and one edge; every edit is one undoable Document step."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, TypeVar

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.model import NODE_KINDS, ModelError, is_valid_id
from studio.model.elements import NODE_RANGES
from studio.model.ops import Op, RenameNode, UpdateEdge, UpdateNode

from .document import Document
from .inspector_fields import (
    CheckedLineEdit,
    EffectsEditor,
    ExpressionEdit,
    NumberField,
    TextArea,
    clean_number,
    error_label,
    format_suppressions,
    parse_list,
    parse_suppressions,
    set_invalid,
)
from .kinds import kind_icon

W = TypeVar("W", bound=QWidget)


def _ranged(name: str) -> NumberField:
    """A spin box bounded by the model's range for a node number in 0..1 or -1..1."""
    span = NODE_RANGES[name]
    return NumberField(span.low, span.high if span.high is not None else span.low + 1, 0.05)


class Form(QWidget):
    """A labelled column of fields bound to one subject of the document."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.subject: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 10)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)  # fields stay at the top; spare height goes below them
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "heading")
        self.form.addRow(label)
        return label

    def row(self, label: str, widget: W, tip: str = "") -> W:
        self.form.addRow(label, widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label)  # screen readers say the row's label
        if tip:
            widget.setToolTip(tip)
            widget.setProperty("help", tip)
        error = getattr(widget, "error", None)
        if isinstance(error, QLabel) and error.parent() is None:
            self.form.addRow("", error)
        return widget

    def suppressions_row(self, tip: str) -> None:
        """The `lint_ignore` editor of scenes and transitions, applied through their `_update`."""
        self.lint_ignore = self.row("Lint ignore", TextArea(), tip)
        self.lint_ignore.setMaximumHeight(70)
        self.lint_error = error_label()
        self.form.addRow("", self.lint_error)
        self.lint_ignore.committed.connect(self._lint_ignore)

    def _lint_ignore(self, text: str) -> None:
        value, message = parse_suppressions(text)
        set_invalid(self.lint_ignore, message, self.lint_error)
        if message is None:
            self._update("lint_ignore", value)

    def show_suppressions(self, suppressions: dict[str, str]) -> None:
        self.lint_ignore.set_value(format_suppressions(suppressions))
        set_invalid(self.lint_ignore, None, self.lint_error)

    def apply(
        self, op: Op, label: str, merge_key: Hashable | None = None, field: QWidget | None = None
    ) -> bool:
        """Push one step; a refused edit marks the field instead of raising."""
        try:
            self.document.push(op, label, merge_key)
        except (ModelError, ValueError) as exc:
            if field is not None:
                set_invalid(field, str(exc), getattr(field, "error", None))
            return False
        return True

    def flush(self) -> None:
        """Commit whatever is being typed before the subject changes."""
        for child in self.findChildren(TextArea):
            child.commit()
        for line in self.findChildren(CheckedLineEdit):
            if line.hasFocus():
                line._finish()

    def refresh(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def _update(self, name: str, value: Any) -> None:  # pragma: no cover - interface
        """Apply one field of the subject (scene or transition) as an undoable edit."""
        raise NotImplementedError


class NodeForm(Form):
    """Every field of one scene."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        declared = lambda: self.document.ds.variables  # noqa: E731
        self.heading_label = self.heading("Scene")
        self.id_edit = self.row(
            "Id", CheckedLineEdit(self._check_id), "Stable key used by transitions and the linter"
        )
        self.kind = self.row("Kind", QComboBox())
        for kind in NODE_KINDS:
            self.kind.addItem(kind_icon(kind), kind, kind)
        self.title = self.row("Title", CheckedLineEdit())
        self.text = self.row("Text", TextArea(), "What the dreamer experiences here")
        self.text.setMinimumHeight(90)
        self.text.setMaximumHeight(160)
        minutes = NODE_RANGES["minutes"]  # no upper bound in the model; a spin box needs one
        self.minutes = self.row(
            "Minutes",
            NumberField(minutes.low, 600, 1, 1, low_open=minutes.low_open),
            "How long the scene plays (> 0)",
        )
        self.intensity = self.row("Intensity", _ranged("intensity"), "0 calm … 1 overwhelming")
        self.valence = self.row("Valence", _ranged("valence"), "−1 distressing … 1 pleasant")
        self.reward = self.row("Reward", _ranged("reward"), "How much of a prize this is")
        # Not self.x / self.y: those are QWidget's own position methods.
        self.numbers: dict[str, NumberField] = {
            "minutes": self.minutes,
            "intensity": self.intensity,
            "valence": self.valence,
            "reward": self.reward,
            "x": self.row("X", NumberField(-1e7, 1e7, 20, 0)),
            "y": self.row("Y", NumberField(-1e7, 1e7, 20, 0)),
        }
        self.effects = self.row("Effects", EffectsEditor(declared))
        self.tags = self.row("Tags", CheckedLineEdit(), "Comma-separated")
        self.suppressions_row("One `CODE: reason` per line; the reason is required")

        self.id_edit.committed.connect(self._rename)
        self.kind.activated.connect(lambda _: self._update("kind", self.kind.currentData()))
        self.title.committed.connect(lambda v: self._update("title", v))
        self.text.committed.connect(lambda v: self._update("text", v))
        for name, field in self.numbers.items():
            field.committed.connect(lambda v, n=name: self._update(n, clean_number(v)))
        self.effects.committed.connect(lambda v: self._update("effects", v))
        self.tags.committed.connect(lambda v: self._update("tags", parse_list(v)))

    def _check_id(self, text: str) -> str | None:
        if text == self.subject:
            return None
        if not is_valid_id(text):
            return "letters, digits, _ and -, starting with a letter (at most 64)"
        ds = self.document.ds
        if ds.has_node(text) or ds.has_edge(text):
            return f"'{text}' is already used"
        return None

    def _rename(self, new_id: str) -> None:
        old = self.subject
        if (
            old
            and new_id != old
            and self.apply(RenameNode(old, new_id), f"Rename {old} → {new_id}", field=self.id_edit)
        ):
            self.subject = new_id

    def _update(self, name: str, value: Any) -> None:
        if self.subject is None:
            return
        node = self.document.ds.node(self.subject)
        if getattr(node, name) == value:
            return
        self.apply(
            UpdateNode(self.subject, {name: value}),
            f"Edit {name} of {node.display_title}",
            ("node", self.subject, name),
            getattr(self, name, None),
        )

    def refresh(self) -> None:
        ds = self.document.ds
        if self.subject is None or not ds.has_node(self.subject):
            return
        node = ds.node(self.subject)
        self.heading_label.setText(f"Scene · {node.kind}")
        self.id_edit.set_value(node.id)
        self.kind.setCurrentIndex(max(0, self.kind.findData(node.kind)))
        self.title.set_value(node.title)
        self.text.set_value(node.text)
        for name, field in self.numbers.items():
            field.set_value(getattr(node, name))
        self.effects.set_value(node.effects)
        self.tags.set_value(", ".join(node.tags))
        self.show_suppressions(node.lint_ignore)


class EdgeForm(Form):
    """Every field of one transition."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        declared = lambda: self.document.ds.variables  # noqa: E731
        self.heading("Transition")
        self.id_edit = self.row("Id", QLineEdit())
        self.id_edit.setReadOnly(True)
        self.source = self.row("From", CheckedLineEdit(self._check_node), "Scene id it leaves")
        self.target = self.row("To", CheckedLineEdit(self._check_node), "Scene id it leads to")
        self._ids = QStringListModel(self)
        for field in (self.source, self.target):
            completer = QCompleter(self._ids, field)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            field.setCompleter(completer)
        self.label = self.row("Label", CheckedLineEdit(), "The choice as the dreamer sees it")
        self.weight = self.row(
            "Weight",
            NumberField(0, 1000, 0.1, 2, low_open=True),
            "Relative chance among the enabled transitions (> 0)",
        )
        self.condition = self.row(
            "Condition",
            ExpressionEdit(declared, allow_empty=True),
            "Only offered when true; empty means always",
        )
        self.effects = self.row("Effects", EffectsEditor(declared))
        self.suppressions_row("One `CODE: reason` per line")

        self.source.committed.connect(lambda v: self._update("source", v, self.source))
        self.target.committed.connect(lambda v: self._update("target", v, self.target))
        self.label.committed.connect(lambda v: self._update("label", v))
        self.weight.committed.connect(lambda v: self._update("weight", clean_number(v)))
        self.condition.committed.connect(
            lambda v: self._update("condition", v.strip() or None, self.condition)
        )
        self.effects.committed.connect(lambda v: self._update("effects", v))

    def _check_node(self, text: str) -> str | None:
        return None if self.document.ds.has_node(text) else f"no scene with id '{text}'"

    def _update(self, name: str, value: Any, field: QWidget | None = None) -> None:
        if self.subject is None:
            return
        edge = self.document.ds.edge(self.subject)
        if getattr(edge, name) == value:
            return
        self.apply(
            UpdateEdge(self.subject, {name: value}),
            f"Edit {name} of {edge.id}",
            ("edge", self.subject, name),
            field,
        )

    def refresh(self) -> None:
        ds = self.document.ds
        if self.subject is None or not ds.has_edge(self.subject):
            return
        edge = ds.edge(self.subject)
        if self._ids.rowCount() != len(ds.nodes):
            self._ids.setStringList([n.id for n in ds.nodes])
        self.id_edit.setText(edge.id)
        self.source.set_value(edge.source)
        self.target.set_value(edge.target)
        self.label.set_value(edge.label)
        self.weight.set_value(edge.weight)
        self.condition.set_value(edge.condition or "")
        self.effects.set_value(edge.effects)
        self.show_suppressions(edge.lint_ignore)
