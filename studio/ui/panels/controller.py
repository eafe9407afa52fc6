"""Wires the live panels into a main window: docks, status bar, canvas overlays and edits.

Results from the background runner are applied in short steps (findings, then badges,
then plots, then heat), each its own event-loop turn and each re-checked for staleness,
so even a 10,000-node result never holds the window for long.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QSizePolicy, QWidget

from ..theme import text_colour_for
from . import heap
from .lint_actions import ActionError, fix_label, fix_op, suppress_op, unsuppress_op
from .lint_panel import LintPanel
from .lint_text import verdict_text
from .live_worker import LiveResult, LiveRunner
from .preview_panel import PreviewPanel
from .score_gauge import ScoreGauge
from .sim_plots import SimPlots
from .style import BAND_COLOURS, SEVERITY_COLOURS

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
STATUS_CHARS = 72
UPDATING_HINT_MS = 400  # runs shorter than this never flash an "updating" state


class LivePanels(QObject):
    """The lint panel, preview and simulation plots of one window, kept current in the background."""

    applied = Signal(object)  # LiveResult, once every part of it is on screen

    def __init__(self, window: Any, runner: LiveRunner | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner or LiveRunner(parent=self)
        self.current: LiveResult | None = None
        self.applied_generation = -1
        self.heat_on = False
        self._last_badges: tuple[dict[str, str], dict[str, str]] | None = None
        self._first_result = True
        self._heap_key = object()  # identity for the heap freeze, usable after deletion

        self.lint_panel = LintPanel()
        self.preview = PreviewPanel(window)
        self.plots = SimPlots()
        self.lint_dock = window.add_dock(self.lint_panel, "Ethics lint", RIGHT, "dock_lint")
        self.preview_dock = window.add_dock(self.preview, "Preview", RIGHT, "dock_preview")
        self.plots_dock = window.add_dock(self.plots, "Simulated night", BOTTOM, "dock_simulation")

        self.status_gauge = ScoreGauge(compact=True)
        self.status_gauge.setObjectName("statusScore")
        self.status_verdict = QLabel("Checking…")
        self.status_verdict.setObjectName("statusVerdict")
        self.status_verdict.setMinimumWidth(120)  # a long verdict is elided, never widens
        self.status_verdict.setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred
        )
        self.status_verdict.setToolTip("The publish gate; click to open the lint panel")
        self.status_verdict.mousePressEvent = lambda _e: self.show_lint()  # type: ignore[method-assign]
        bar = window.statusBar()
        bar.addPermanentWidget(self.status_gauge)
        bar.addPermanentWidget(self.status_verdict)

        if getattr(window, "scene", None) is not None:
            window.scene.finding_lookup = self.badge_findings  # badge tooltips
        self.runner.result_ready.connect(self._on_result)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(UPDATING_HINT_MS)
        self._busy_timer.timeout.connect(lambda: self._show_updating(True))
        self.runner.busy_changed.connect(self._on_busy)
        self.lint_panel.goto_requested.connect(self.goto)
        self.lint_panel.fix_requested.connect(self.apply_fix)
        self.lint_panel.suppress_requested.connect(self.suppress)
        self.lint_panel.unsuppress_requested.connect(self.unsuppress)
        self.plots.heat_toggled.connect(self.set_heat)
        self.preview_dock.visibilityChanged.connect(self.preview.set_active)
        doc = window.document
        doc.document_replaced.connect(self._document_replaced)
        scene = getattr(window, "scene", None)
        if (
            scene is not None
            and hasattr(scene, "context_menu_requested")
            and not getattr(window, "extends_context_menus", False)
        ):
            scene.context_menu_requested.connect(self._canvas_menu)
        window.installEventFilter(self)
        # Pure-Python model subscriptions must not outlive the window's Qt objects.
        window.destroyed.connect(_unhooker(self.runner, self.preview, self._heap_key))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._follow(doc.ds)

    # ------------------------------------------------------------ document
    @property
    def ds(self) -> Any:
        return self.window.document.ds

    def _follow(self, ds: Any) -> None:
        heap.release(self._heap_key)
        self._last_badges = None
        self._first_result = True
        self.preview.set_dreamscape(ds)
        self.runner.set_dreamscape(ds)

    def _document_replaced(self) -> None:
        self._follow(self.window.document.ds)

    # ------------------------------------------------------------- results
    def _on_busy(self, busy: bool) -> None:
        # Quick runs finish before anyone could read an "updating" hint; showing it at
        # once would also repaint every panel just as the canvas repaints for the edit.
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._show_updating(False)

    def _show_updating(self, updating: bool) -> None:
        self.lint_panel.set_updating(updating)
        self.plots.set_updating(updating)
        self.status_gauge.set_updating(updating)
        if updating:
            self.status_verdict.setText(
                verdict_text(self._report()) + "  ·  updating…"
                if self.current is not None
                else "Checking…"
            )

    def _report(self) -> Any:
        return self.current.outcome.report if self.current is not None else None

    def _on_result(self, result: LiveResult) -> None:
        self.current = result
        out = result.outcome
        problems = []
        if out.error:
            problems.append(f"The linter failed: {out.error}")
        note = f"Checked in {result.seconds * 1000:.0f} ms"
        self.lint_panel.set_report(out.report, problems, note)
        self._update_status(out.report)
        self._stage(result, self._apply_badges, self._apply_plots, self._apply_heat, self._finish)

    def _stage(self, result: LiveResult, *steps: Callable[[LiveResult], None]) -> None:
        """Run each step in its own event-loop turn, dropping the rest if a newer run started."""
        if not steps:
            return

        def run() -> None:
            if self.runner.is_current(result) and self.current is result:
                steps[0](result)
                self._stage(result, *steps[1:])

        QTimer.singleShot(0, self, run)  # never runs once the window is gone

    def _apply_badges(self, result: LiveResult) -> None:
        badges = result.outcome.badges or ({}, {})
        if badges != self._last_badges:
            self._last_badges = badges
            scene = getattr(self.window, "scene", None)
            if scene is not None:
                scene.set_badges(dict(badges[0]), dict(badges[1]))

    def _apply_plots(self, result: LiveResult) -> None:
        out = result.outcome
        if out.plots is None:
            self.plots.set_data(None, out.sim_error or out.error)
        else:
            self.plots.set_data(out.plots, out.sim_error)

    def _apply_heat(self, result: LiveResult) -> None:
        if self.heat_on:
            self._push_heat()

    def _finish(self, result: LiveResult) -> None:
        if self._first_result:
            # A design that opens blocked shows why at once (if the lint dock is open at all).
            self._first_result = False
            report = result.outcome.report
            if (
                report is not None
                and report.blocked
                and self.lint_dock.toggleViewAction().isChecked()
            ):
                self.lint_dock.raise_()
            QTimer.singleShot(0, self, lambda: heap.settle(self._heap_key, len(self.ds.nodes)))
        self.applied_generation = result.generation
        self.applied.emit(result)

    def _update_status(self, report: Any) -> None:
        text = verdict_text(report)
        if report is None:
            self.status_gauge.set_score(None, None)
            colour = "#8a8f98"
            text = "Lint failed — see the lint panel"
        else:
            self.status_gauge.set_score(report.score, report.band)
            colour = SEVERITY_COLOURS["error"] if report.blocked else BAND_COLOURS["low"]
            text = f"Risk {report.score} · {text}"
        self.status_verdict.setToolTip(text + "\n(click to open the lint panel)")
        if len(text) > STATUS_CHARS:
            text = text[: STATUS_CHARS - 1].rstrip() + "…"
        self.status_verdict.setText(text)
        self.status_verdict.setStyleSheet(
            f"color: {text_colour_for(self.status_verdict, colour)}; padding: 0 6px;"
        )
        self.status_gauge.set_updating(False)

    # ------------------------------------------------------------- canvas
    def set_heat(self, on: bool) -> None:
        self.heat_on = on
        if on:
            self._push_heat()
        else:
            scene = getattr(self.window, "scene", None)
            if scene is not None:
                scene.set_heat(None)

    def _push_heat(self) -> None:
        scene = getattr(self.window, "scene", None)
        plots = self.current.outcome.plots if self.current is not None else None
        if scene is not None and plots is not None:
            scene.set_heat(dict(plots.heat))

    def goto(self, node_ids: list[str], edge_ids: list[str]) -> None:
        ds = self.ds
        nodes = [n for n in node_ids if ds.has_node(n)]
        edges = [e for e in edge_ids if ds.has_edge(e)]
        if nodes or edges:
            self.window.select_and_center(nodes, edges)

    def badge_findings(self, kind: str, element_id: str) -> list[tuple[str, str, str]]:
        """(code, message, fix) of the unsuppressed findings behind a card's or curve's badge."""
        out = []
        for f in self.findings_at(kind, element_id):
            if getattr(f, "suppressed", False):
                continue
            fix = getattr(f, "fix", None)
            out.append((f.code, f.message, getattr(fix, "description", "") or ""))
        return out

    def findings_at(self, kind: str, element_id: str) -> list[Any]:
        """Current findings that concern one node or edge (for canvas context menus)."""
        report = self._report()
        if report is None or not element_id:
            return []
        attr = "nodes" if kind == "node" else "edges"
        return [f for f in report.findings if element_id in getattr(f, attr)]

    def add_finding_actions(self, menu: QMenu, kind: str, element_id: str) -> int:
        """Append "Fix …" and "Suppress …" actions for this node/edge; returns how many findings."""
        findings = self.findings_at(kind, element_id)
        if findings:
            menu.addSeparator()
            for finding in findings[:8]:
                sub = menu.addMenu(f"{finding.code} {finding.name}")
                self.lint_panel.finding_menu(finding, sub)
        return len(findings)

    def _canvas_menu(self, kind: str, element_id: str, pos: QPoint) -> None:
        """Only used when the window does not add our actions to its own menu."""
        if kind not in ("node", "edge") or not self.findings_at(kind, element_id):
            return
        menu = QMenu(self.window)
        menu.setTitle("Findings")
        self.add_finding_actions(menu, kind, element_id)
        menu.exec(pos)

    def show_lint(self) -> None:
        self.lint_dock.show()
        self.lint_dock.raise_()

    # ---------------------------------------------------------------- edits
    def _push(self, make: Callable[[], tuple[Any, str]]) -> bool:
        try:
            op, label = make()
            self.window.document.push(op, label)
        except (ActionError, ValueError, KeyError) as exc:
            self.lint_panel.state.setText(f"Could not apply: {exc}")
            self.window.statusBar().showMessage(f"Could not apply: {exc}", 5000)
            return False
        return True

    def apply_fix(self, finding: Any) -> bool:
        """The fix's edits as one undo step."""
        return self._push(lambda: (fix_op(self.ds, finding), fix_label(finding)))

    def suppress(self, finding: Any, reason: str) -> bool:
        def make() -> tuple[Any, str]:
            op = suppress_op(self.ds, finding, reason)
            return op, op.label

        return self._push(make)

    def unsuppress(self, finding: Any) -> bool:
        def make() -> tuple[Any, str]:
            op = unsuppress_op(self.ds, finding)
            return op, op.label

        return self._push(make)

    # ---------------------------------------------------------------- status
    @property
    def is_idle(self) -> bool:
        return self.runner.is_idle and self.applied_generation == self.runner.generation

    def wait_until_idle(self, timeout_ms: int = 30000) -> bool:
        """Spin the event loop until the newest edit's lint and plots are on screen."""
        deadline = time.perf_counter() + timeout_ms / 1000
        while not self.is_idle:
            if time.perf_counter() >= deadline:
                return False
            QApplication.processEvents()
            time.sleep(0.002)
        return True

    # ------------------------------------------------------------ teardown
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.window and event.type() == QEvent.Type.Close:
            # Stop the worker before the window (and the runner with it) can go away; if
            # the close is refused (unsaved changes), pick up again on the next turn.
            self.runner.cancel()
            self.runner.wait()
            QTimer.singleShot(0, self._after_close)
        return False

    def _after_close(self) -> None:
        window: QWidget = self.window
        try:
            visible = window.isVisible()
        except RuntimeError:
            return
        if visible:
            self.runner.resume()

    def shutdown(self) -> None:
        """Stop the worker and stop following the document; safe to call more than once."""
        heap.release(self._heap_key)
        self.runner.shutdown()
        self.preview.detach()


def _unhooker(runner: LiveRunner, preview: PreviewPanel, heap_key: object) -> Callable[..., None]:
    """What to undo when the window is destroyed, touching no Qt object."""

    def unhook(*_: Any) -> None:
        heap.release(heap_key)
        runner.set_dreamscape_quietly(None)
        runner._closed = True
        preview.detach()

    return unhook
