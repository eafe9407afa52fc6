"""The inspector dock: the selected scene or transition, or the dreamscape when nothing is.

It follows the model's events (coalesced to one refresh per event burst), so undo, redo
and edits made elsewhere show up immediately.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from studio.model import Dreamscape, Node

from .document import Document
from .inspector_dreamscape import DreamscapeForm
from .inspector_forms import EdgeForm, Form, NodeForm


class Inspector(QWidget):
    """Shows one of: node form, edge form, dreamscape form, or a multi-selection summary."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.document = document
        self.node_form = NodeForm(document)
        self.edge_form = EdgeForm(document)
        self.dreamscape_form = DreamscapeForm(document)
        self.multi = QLabel()
        self.multi.setProperty("role", "muted")
        self.multi.setWordWrap(True)
        self.multi.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.multi.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        for page in (self.dreamscape_form, self.node_form, self.edge_form, self.multi):
            self.stack.addWidget(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._node_ids: list[str] = []
        self._edge_ids: list[str] = []
        self._ds: Dreamscape | None = None
        self._bind(document.ds)
        document.document_replaced.connect(self._replaced)
        self.show_selection([], [])

    # ------------------------------------------------------------ model binding
    def _bind(self, ds: Dreamscape) -> None:
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._model_changed)
            self._ds.events.node_renamed.disconnect(self._renamed)
        self._ds = ds
        ds.events.changed.connect(self._model_changed)
        ds.events.node_renamed.connect(self._renamed)

    def _replaced(self) -> None:
        self._bind(self.document.ds)
        self.show_selection([], [])

    def detach(self) -> None:
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._model_changed)
            self._ds.events.node_renamed.disconnect(self._renamed)
            self._ds = None

    def _model_changed(self, _event: str) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _renamed(self, node: Node, old_id: str) -> None:
        self._node_ids = [node.id if n == old_id else n for n in self._node_ids]
        if self.node_form.subject == old_id:
            self.node_form.subject = node.id

    # ------------------------------------------------------------ selection
    def current_form(self) -> Form | None:
        page = self.stack.currentWidget()
        return page if isinstance(page, Form) else None

    def show_selection(self, node_ids: list[str], edge_ids: list[str]) -> None:
        """Pick the page for a canvas selection (committing anything half-typed first)."""
        form = self.current_form()
        if form is not None:
            form.flush()
        self._node_ids, self._edge_ids = list(node_ids), list(edge_ids)
        self.refresh()

    def refresh(self) -> None:
        ds = self.document.ds
        nodes = [n for n in self._node_ids if ds.has_node(n)]
        edges = [e for e in self._edge_ids if ds.has_edge(e)]
        if len(nodes) == 1 and not edges:
            self.node_form.subject = nodes[0]
            self._show(self.node_form)
        elif len(edges) == 1 and not nodes:
            self.edge_form.subject = edges[0]
            self._show(self.edge_form)
        elif not nodes and not edges:
            self._show(self.dreamscape_form)
        else:
            parts = []
            if nodes:
                parts.append(f"{len(nodes)} scenes")
            if edges:
                parts.append(f"{len(edges)} transitions")
            self.multi.setText(
                f"{' and '.join(parts)} selected.\n\nSelect one scene or "
                "transition to edit it, or nothing for the dreamscape's settings."
            )
            self.stack.setCurrentWidget(self.multi)

    def _show(self, form: Form) -> None:
        form.refresh()
        if self.stack.currentWidget() is not form:
            self.stack.setCurrentWidget(form)
