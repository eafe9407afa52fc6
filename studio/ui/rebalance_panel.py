"""The Rebalance… dialog: runs the rebalancer in the background, shows its proposal as a diff
on the canvas and a list of edits to tick, previews the ticked subset's score live, and
applies the ticked edits as one undo step."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from studio.io import dumps_dreamscape
from studio.lint import lint_dreamscape
from studio.model import Dreamscape
from studio.model.ops import Batch
from studio.repair import Proposal, rebalance
from studio.repair.search import ds_with

from .canvas.proposal_overlay import ProposalOverlay
from .panels.score_gauge import ScoreGauge


class _Bridge(QObject):
    """Carries results from the worker threads to the GUI thread (queued signals)."""

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    previewed = Signal(int, object)  # generation, (score, band, allowed)


def dependencies(proposal: Proposal) -> dict[int, set[int]]:
    """For each edit, the earlier edits it builds on (a scene or transition they add)."""
    deps: dict[int, set[int]] = {}
    for j, later in enumerate(proposal.edits):
        uses = set(later.where)
        deps[j] = {
            i for i, earlier in enumerate(proposal.edits[:j]) if set(earlier.edit.created) & uses
        }
    return deps


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RebalanceDialog(QDialog):
    """One rebalancing session over one document; never edits it until Apply."""

    applied = Signal(object)  # the proposal dict, after the edits were pushed

    def __init__(self, window: Any, budget: float = 60.0) -> None:
        super().__init__(window)
        self.setWindowTitle("Rebalance — Reality Somnos")
        self.setObjectName("rebalanceDialog")
        self.window_ = window
        self.document = window.document
        self.snapshot: Dreamscape = self.document.ds.clone()
        self.snapshot_text = dumps_dreamscape(self.snapshot)
        self.proposal: Proposal | None = None
        self.proposed: Dreamscape | None = None
        self.stale = False
        self.applying = False
        self.generation = 0
        self.cancel_event = threading.Event()
        self.bridge = _Bridge(self)
        self.overlay = ProposalOverlay(window.scene)
        self._build()
        self.bridge.progress.connect(self._on_progress)
        self.bridge.finished.connect(self._on_finished)
        self.bridge.failed.connect(self._on_failed)
        self.bridge.previewed.connect(self._on_previewed)
        self.document.undo_stack.indexChanged.connect(self._document_changed)
        self.document.document_replaced.connect(self.discard)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(120)
        self.preview_timer.timeout.connect(self._start_preview)
        self.worker = threading.Thread(target=self._run, args=(budget,), daemon=True)
        self.worker.start()

    # -------------------------------------------------------------- layout
    def _build(self) -> None:
        self.gauge = ScoreGauge(parent=self)
        self.gauge.setFixedSize(84, 84)
        self.headline = QLabel("Looking for the fewest edits that bring the design under the gate…")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setFormat("%p% — starting")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        head_text = QVBoxLayout()
        head_text.addWidget(self.headline)
        head_text.addWidget(self.summary)
        head_text.addLayout(progress_row)
        head = QHBoxLayout()
        head.addWidget(self.gauge, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        head.addLayout(head_text, 1)
        for label in (self.headline, self.summary):
            label.setMinimumWidth(380)
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.edit_list = QListWidget(self)
        self.edit_list.setObjectName("rebalanceEdits")
        self.edit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.edit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.edit_list.setAlternatingRowColors(True)
        self.edit_list.itemChanged.connect(self._ticked)
        self.edit_list.currentRowChanged.connect(self.focus_edit)
        self.detail = QTextBrowser(self)
        self.detail.setPlaceholderText("Select an edit to see what it changes and why.")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.edit_list)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.discard_button = QPushButton("Discard")
        self.discard_button.clicked.connect(self.discard)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(560, 640)

    # ------------------------------------------------------------- search
    def _run(self, budget: float) -> None:
        """Worker thread: the search on a private copy of the design."""
        try:
            proposal = rebalance(
                self.snapshot.clone(),
                budget=budget,
                progress=lambda f, m: self.bridge.progress.emit(f, m),
                should_stop=self.cancel_event.is_set,
            )
            proposed = ds_with(self.snapshot, [pe.edit for pe in proposal.edits])
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a crash
            self.bridge.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.bridge.finished.emit((proposal, proposed))

    def is_running(self) -> bool:
        return self.worker.is_alive()

    def cancel(self) -> None:
        """Stop the search; it returns the best proposal found so far."""
        self.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.progress.setFormat("%p% — stopping…")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(f"%p% — {message}")

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.headline.setText(f"The rebalancer could not run: {message}")

    def _on_finished(self, result: tuple[Proposal, Dreamscape]) -> None:
        proposal, proposed = result
        self.proposal, self.proposed = proposal, proposed
        self.progress.hide()
        self.cancel_button.hide()
        self.edit_list.blockSignals(True)
        for pe in proposal.edits:
            item = QListWidgetItem(f"[{pe.kind}] {pe.summary}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip("\n".join(c.text() for c in pe.changes))
            self.edit_list.addItem(item)
        self.edit_list.blockSignals(False)
        self.deps = dependencies(proposal)
        self._show_result(proposal.score_after, proposal.band_after, proposal.allowed)
        self._draw()
        self.apply_button.setEnabled(bool(proposal.edits) and not self.stale)
        if self.edit_list.count():
            self.edit_list.setCurrentRow(0)
        else:
            self.detail.setPlainText("\n".join(proposal.text_lines()))

    # ------------------------------------------------------------ ticking
    def chosen(self) -> list[int]:
        return [
            i
            for i in range(self.edit_list.count())
            if self.edit_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, index: int, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.edit_list.item(index).setCheckState(state)

    def _ticked(self, item: QListWidgetItem) -> None:
        """Keep the ticked set consistent (an edit needs what it builds on), then preview."""
        index = self.edit_list.row(item)
        on = item.checkState() == Qt.CheckState.Checked
        self.edit_list.blockSignals(True)
        if on:
            for i in self.deps.get(index, set()):
                self.set_checked(i, True)
        else:
            for j, needs in self.deps.items():
                if index in needs:
                    self.set_checked(j, False)
        self.edit_list.blockSignals(False)
        self._draw()
        self.apply_button.setEnabled(bool(self.chosen()) and not self.stale)
        self.generation += 1
        self.gauge.set_updating(True)
        self.preview_timer.start()

    def _start_preview(self) -> None:
        """Lint the ticked subset in the background (the whole proposal's score is known)."""
        assert self.proposal is not None
        chosen = self.chosen()
        generation = self.generation
        if len(chosen) == len(self.proposal.edits):
            p = self.proposal
            self._on_previewed(generation, (p.score_after, p.band_after, p.allowed))
            return
        edits = [self.proposal.edits[i].edit for i in chosen]

        def run() -> None:
            try:
                report = lint_dreamscape(ds_with(self.snapshot, edits))
                result: Any = (report.score, report.band, not report.blocked)
            except Exception as exc:  # noqa: BLE001 - shown, never a crash
                result = exc
            self.bridge.previewed.emit(generation, result)

        threading.Thread(target=run, daemon=True).start()

    def _on_previewed(self, generation: int, result: Any) -> None:
        if generation != self.generation:
            return  # a newer tick is on its way
        self.gauge.set_updating(False)
        if isinstance(result, Exception):
            self.summary.setText(f"Could not score this selection: {result}")
            return
        self._show_result(*result)

    def _show_result(self, score: int, band: str, allowed: bool) -> None:
        assert self.proposal is not None
        p = self.proposal
        self.gauge.set_score(score, band)
        n = len(self.chosen())
        if p.allowed_before:
            self.headline.setText(f"'{p.title}' may already be published: nothing to rebalance.")
            self.summary.setText(f"Escapism risk {p.score_before}/100 ({p.band_before}).")
            return
        verdict = "publishing allowed" if allowed else "still blocked"
        self.headline.setText(
            f"Risk {p.score_before} → {score} with {n} of {len(p.edits)} edits: {verdict}"
        )
        notes = [f"Total cost {sum(p.edits[i].cost for i in self.chosen()):g}."]
        if p.stopped:
            notes.append(f"The search stopped early ({p.stopped}); this is the best found so far.")
        if p.remaining:
            notes.append("Remaining: " + "; ".join(f"{r.code} — {r.why}" for r in p.remaining[:4]))
        self.summary.setText(" ".join(notes))

    # ------------------------------------------------------------- canvas
    def _draw(self) -> None:
        if self.proposal is None or self.proposed is None:
            return
        chosen = set(self.chosen())
        edits = [self.proposal.edits[i].edit for i in sorted(chosen)]
        after = ds_with(self.snapshot, edits) if len(chosen) < len(self.proposal.edits) else None
        self.overlay.show(self.snapshot, after or self.proposed, self.proposal, chosen)

    def focus_edit(self, index: int) -> None:
        """Show one edit's explanation and centre the canvas on it."""
        if self.proposal is None or not 0 <= index < len(self.proposal.edits):
            self.overlay.set_focus(None)
            return
        pe = self.proposal.edits[index]
        lines = [f"<b>{pe.summary}</b> (cost {pe.cost:g})", "<ul>"]
        lines += [f"<li>{_html(c.text())}</li>" for c in pe.changes]
        lines.append("</ul>")
        if pe.resolves:
            lines.append("<p>Resolves: " + "; ".join(_html(r) for r in pe.resolves) + "</p>")
        if pe.score_without is not None:
            lines.append(f"<p>Without it the risk would be {pe.score_without}.</p>")
        self.detail.setHtml("".join(lines))
        self.overlay.set_focus(index)
        rect = self.overlay.bounds(index)
        if not rect.isNull():
            self.window_.view.centerOn(rect.center())

    # ------------------------------------------------------ apply, discard
    def _document_changed(self, *_: Any) -> None:
        if self.applying:
            return
        if dumps_dreamscape(self.document.ds) != self.snapshot_text:
            self.stale = True
            self.apply_button.setEnabled(False)
            self.summary.setText("The design changed since this proposal: rebalance again.")

    def apply(self) -> None:
        """Push the ticked edits onto the document's undo stack as one step."""
        if self.proposal is None or self.stale:
            return
        chosen = self.chosen()
        if not chosen:
            return
        ds = self.document.ds
        ops = self.proposal.ops(ds, chosen)
        label = self.proposal.label
        if len(chosen) < len(self.proposal.edits):
            label += f" — {len(chosen)} of {len(self.proposal.edits)} edits"
        self.applying = True
        self.document.push(Batch(ops, label), label)
        record = self.proposal.to_dict()
        record["edits"] = [record["edits"][i] for i in chosen]
        self.applied.emit(
            {"parent_hash": sha(self.snapshot_text), "proposal": record, "label": label}
        )
        self._close()

    def discard(self) -> None:
        """Leave the document as it is."""
        self._close()

    def _close(self) -> None:
        self.cancel_event.set()
        self.overlay.clear()
        self.preview_timer.stop()
        for signal, slot in (
            (self.document.undo_stack.indexChanged, self._document_changed),
            (self.document.document_replaced, self.discard),
        ):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.close()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self.cancel_event.set()
        self.overlay.clear()
        super().closeEvent(event)

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the search thread ends (tests, closing the window)."""
        self.worker.join(timeout)
        return not self.worker.is_alive()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RebalanceActions(QObject):
    """The Rebalance… action of one window, and the lineage its saves record."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: RebalanceDialog | None = None
        self.pending: dict[str, Any] | None = None
        self.last_error: str | None = None
        from PySide6.QtGui import QAction

        self.action = QAction("Re&balance…", window)
        self.action.setObjectName("rebalanceAction")
        self.action.setShortcut("Ctrl+Shift+K")
        self.action.setStatusTip("Propose the fewest edits that bring this design under the gate")
        self.action.triggered.connect(lambda _checked=False: self.open())
        window.addAction(self.action)
        bar = window.menuBar()
        edit = next((a.menu() for a in bar.actions() if a.text().replace("&", "") == "Edit"), None)
        if edit is not None:  # it edits the design: Edit ▸ Rebalance…
            edit.addSeparator()
            edit.addAction(self.action)
        else:
            bar.addAction(self.action)
        self.menu = edit
        panels = getattr(window, "live_panels", None)
        panel = getattr(panels, "lint_panel", None)
        if panel is not None and hasattr(panel, "rebalance_requested"):
            panel.rebalance_requested.connect(self.open)
        self._hook_save()

    def open(self, budget: float = 60.0) -> RebalanceDialog:
        """Start a rebalancing session (one at a time per window)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = RebalanceDialog(self.window, budget)
        self.dialog.applied.connect(self._applied)
        self.dialog.show()
        return self.dialog

    def _applied(self, record: dict[str, Any]) -> None:
        self.pending = record

    def _hook_save(self) -> None:
        document = self.window.document
        original = document.save

        def save_and_record(path: Any = None) -> Any:
            target = original(path)
            self.record_lineage(target)
            return target

        document.save = save_and_record

    def record_lineage(self, target: Any) -> None:
        """A save after Apply keeps the recalibration's parent hash and proposal."""
        if self.pending is None:
            return
        from studio.store import LibraryError
        from studio.store.lineage import record_lineage

        from .publish_common import open_library

        record, self.pending = self.pending, None
        text = dumps_dreamscape(self.window.document.ds)
        try:
            with open_library() as library:
                record_lineage(
                    library,
                    sha(text),
                    record["parent_hash"],
                    record["proposal"],
                    record["label"],
                    str(target),
                )
        except (LibraryError, OSError) as exc:
            self.last_error = str(exc)


def install_rebalance(window: Any) -> RebalanceActions:
    """Add Rebalance… to an editor window (once)."""
    existing = getattr(window, "rebalance", None)
    if isinstance(existing, RebalanceActions):
        return existing
    window.rebalance = RebalanceActions(window)
    return window.rebalance


__all__ = ["RebalanceActions", "RebalanceDialog", "install_rebalance"]
