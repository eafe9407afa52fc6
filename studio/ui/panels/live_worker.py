"""Background lint and simulation runs that follow the document without freezing the window.

Every semantic edit bumps a generation number. A run snapshots the dreamscape (in the
worker, so copying 10,000 nodes never blocks the GUI), carries
the generation it was started for, and is cancelled through its `should_stop` flag when
a newer edit arrives. Results travel back by a queued signal and are dropped on arrival
unless their generation is still the current one, so a stale result is never shown.
"""

from __future__ import annotations

import math
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal

from studio.model import Dreamscape

# Dreamers per live run: enough for smooth curves, small enough to rerun on every edit.
LIVE_DREAMERS = 2000
LIVE_SEED = 0
# Fields whose change cannot alter a lint finding or a simulated night.
LAYOUT_FIELDS = frozenset({"x", "y"})
# After an isolated edit, give the editor this long to repaint before a run competes with it.
SETTLE_MS = 40

ShouldStop = Callable[[], bool]


class RunCancelled(Exception):
    """A run noticed that a newer edit superseded it."""


@dataclass
class LiveOutcome:
    """What one run produced; an error in one part never hides the others."""

    report: Any | None = None
    simulation: Any | None = None
    analysis: Any | None = None
    error: str | None = None
    sim_error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    plots: Any | None = None  # PlotData, prepared in the worker
    badges: tuple[dict[str, str], dict[str, str]] | None = None


@dataclass
class LiveResult:
    """A finished run, stamped with the generation and revision it was computed for."""

    generation: int
    revision: int
    outcome: LiveOutcome
    seconds: float = 0.0
    requested_at: float = 0.0
    finished_at: float = 0.0
    cancelled: bool = False


Job = Callable[[Dreamscape, ShouldStop], LiveOutcome]


def snapshot(ds: Dreamscape) -> Dreamscape:
    """A private copy for a background run: new records sharing the live containers.

    One allocation per element keeps the run from provoking full garbage collections,
    which stall the GUI thread; the linter and the simulator only read.
    """
    return ds.clone(share_containers=True)


def _is_cancellation(exc: BaseException) -> bool:
    """The simulator's cancellation type, matched by name so this module needs no sim import."""
    if isinstance(exc, RunCancelled):
        return True
    names = ("SimulationCancelled", "AnalysisCancelled")
    return any(cls.__name__ in names for cls in type(exc).__mro__)


def _describe(exc: BaseException) -> str:
    """One readable line plus the innermost frame, enough to find a faulty rule."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def default_job(ds: Dreamscape, should_stop: ShouldStop) -> LiveOutcome:
    """Lint (which simulates and analyses once) and reuse its facts for the plots."""
    out = LiveOutcome()
    t0 = time.perf_counter()
    try:
        from studio.lint import lint_dreamscape

        out.report = lint_dreamscape(
            ds, dreamers=LIVE_DREAMERS, seed=LIVE_SEED, should_stop=should_stop
        )
    except Exception as exc:
        if _is_cancellation(exc):
            raise
        out.error = _describe(exc)
    out.timings["lint"] = time.perf_counter() - t0
    if should_stop():
        raise RunCancelled()
    t1 = time.perf_counter()
    out.simulation = getattr(out.report, "simulation", None)
    if out.simulation is None:
        try:
            from studio.sim import simulate

            out.simulation = simulate(
                ds, dreamers=LIVE_DREAMERS, seed=LIVE_SEED, should_stop=should_stop
            )
        except Exception as exc:
            if _is_cancellation(exc):
                raise
            out.sim_error = _describe(exc)
    out.analysis = getattr(out.report, "analysis", None)
    if out.analysis is None:
        try:
            from studio.analysis import analyze

            out.analysis = analyze(ds, max_states=100_000, should_stop=should_stop)
        except Exception as exc:
            if _is_cancellation(exc):
                raise
            out.sim_error = out.sim_error or _describe(exc)
    out.timings["simulation"] = time.perf_counter() - t1
    return out


def prepare(out: LiveOutcome, ds: Dreamscape) -> None:
    """Badges and plot arrays, built off the GUI thread so showing them is cheap."""
    from .lint_actions import badge_map
    from .plot_data import plot_data

    if out.badges is None and out.report is not None:
        out.badges = badge_map(list(getattr(out.report, "findings", []) or []))
    if out.plots is None:
        try:
            out.plots = plot_data(out.simulation, out.analysis, ds.night)
        except Exception as exc:  # noqa: BLE001 - a plotting bug must not hide the lint result
            out.sim_error = out.sim_error or _describe(exc)


class _Bridge(QObject):
    """Lives in the GUI thread; the worker emits on it, so delivery is queued."""

    done = Signal(object)


class _Run(QRunnable):
    """One background run: snapshot, compute, hand back."""

    def __init__(
        self,
        ds: Dreamscape,
        generation: int,
        job: Job,
        stop: threading.Event,
        bridge: _Bridge,
        requested_at: float,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._ds = ds
        self._generation = generation
        self._job = job
        self._stop = stop
        self._bridge = bridge
        self._requested_at = requested_at

    def run(self) -> None:  # runs in the pool's thread
        result = LiveResult(self._generation, -1, LiveOutcome(), requested_at=self._requested_at)
        t0 = time.perf_counter()
        try:
            if self._stop.is_set():
                raise RunCancelled()
            # A clone taken while the GUI thread edits may be torn; such a run is always
            # superseded by the generation that edit creates, so its result is dropped.
            copy_ = snapshot(self._ds)
            result.revision = copy_.revision
            if self._stop.is_set():
                raise RunCancelled()
            result.outcome = self._job(copy_, self._stop.is_set)
            if self._stop.is_set():
                raise RunCancelled()
            prepare(result.outcome, copy_)
        except BaseException as exc:  # noqa: BLE001 - nothing may escape a worker thread
            if _is_cancellation(exc) or self._stop.is_set():
                result.cancelled = True
            else:
                result.outcome = LiveOutcome(error=_describe(exc))
        result.seconds = time.perf_counter() - t0
        result.finished_at = time.perf_counter()
        try:
            self._bridge.done.emit(result)
        except RuntimeError:  # the window went away while we ran; nobody is listening
            pass


class LiveRunner(QObject):
    """Reruns the job in the background a moment after each edit, newest edit wins."""

    result_ready = Signal(object)  # LiveResult for the current generation only
    run_started = Signal(int)  # generation
    busy_changed = Signal(bool)
    became_idle = Signal()

    def __init__(
        self, job: Job | None = None, debounce_ms: int = 250, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.job: Job = job or default_job
        self.debounce_ms = debounce_ms
        self.settle_ms = min(SETTLE_MS, debounce_ms)
        self.generation = 0
        self.latest: LiveResult | None = None
        self.dropped: list[LiveResult] = []  # superseded results, kept for inspection
        self._ds: Dreamscape | None = None
        self._stops: dict[int, threading.Event] = {}
        self._requested_at = 0.0
        self._last_edit = -math.inf
        self._layout_only = False
        self._closed = False
        self._busy = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)

    def set_debounce(self, ms: int) -> None:
        """How long the editor must be quiet before a burst of edits is analysed."""
        self.debounce_ms = ms
        self.settle_ms = min(SETTLE_MS, ms)
        self._timer.setInterval(ms)

    # ------------------------------------------------------------- following
    @property
    def dreamscape(self) -> Dreamscape | None:
        return self._ds

    def set_dreamscape(self, ds: Dreamscape | None) -> None:
        """Follow another document (open/revert) and analyse it right away."""
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._on_changed)
            self._ds.events.node_changed.disconnect(self._on_node_changed)
        self._ds = ds
        if ds is not None:
            ds.events.node_changed.connect(self._on_node_changed)
            ds.events.changed.connect(self._on_changed)
            self.request(immediate=True)

    def _on_node_changed(self, _node: Any, fields: tuple[str, ...]) -> None:
        self._layout_only = bool(fields) and set(fields) <= LAYOUT_FIELDS

    def _on_changed(self, event_name: str) -> None:
        layout_only = event_name == "node_changed" and self._layout_only
        self._layout_only = False
        if not layout_only:
            self.request()

    # ------------------------------------------------------------ scheduling
    def request(self, immediate: bool = False) -> None:
        """A new generation: cancel what runs, start now if the editor was quiet, else debounce."""
        if self._closed or self._ds is None:
            return
        self.generation += 1
        for stop in self._stops.values():
            stop.set()
        now = time.perf_counter()
        quiet = now - self._last_edit >= self.debounce_ms / 1000 and not self._timer.isActive()
        self._last_edit = now
        self._requested_at = now
        self._set_busy(True)
        if immediate:
            self._timer.stop()
            self._start()
        elif quiet:
            # Leading edge: an isolated edit is answered almost at once, once the editor
            # has repainted for it (a run competing with that repaint slows both); a
            # burst of edits (typing) restarts the trailing timer and runs once settled.
            self._timer.start(self.settle_ms)
        else:
            self._timer.start(self.debounce_ms)

    def _start(self) -> None:
        if self._closed or self._ds is None:
            return
        generation = self.generation
        stop = threading.Event()
        self._stops[generation] = stop
        self.run_started.emit(generation)
        self._pool.start(
            _Run(self._ds, generation, self.job, stop, self._bridge, self._requested_at)
        )

    def _on_done(self, result: LiveResult) -> None:
        self._stops.pop(result.generation, None)
        if self._closed:
            return
        if result.cancelled or result.generation != self.generation:
            self.dropped.append(result)
            del self.dropped[:-20]
            return
        self.latest = result
        self.result_ready.emit(result)
        if not self._timer.isActive():
            self._set_busy(False)
            self.became_idle.emit()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # ---------------------------------------------------------------- status
    @property
    def is_idle(self) -> bool:
        """True when the shown result belongs to the current generation."""
        if self._ds is None:
            return True
        return (
            not self._timer.isActive()
            and self.latest is not None
            and self.latest.generation == self.generation
        )

    def is_current(self, result: LiveResult | None) -> bool:
        return result is not None and result.generation == self.generation

    def wait_until_idle(self, timeout_ms: int = 30000) -> bool:
        """Spin the event loop until the current generation's result has arrived."""
        deadline = time.perf_counter() + timeout_ms / 1000
        while not self.is_idle and not self._closed:
            left = int((deadline - time.perf_counter()) * 1000)
            if left <= 0:
                return False
            loop = QEventLoop()
            self.became_idle.connect(loop.quit)
            QTimer.singleShot(min(left, 100), loop.quit)
            loop.exec()
            self.became_idle.disconnect(loop.quit)
        return self.is_idle

    # -------------------------------------------------------------- teardown
    def cancel(self) -> None:
        """Stop what runs now (the window is closing, or the document is going away)."""
        self._timer.stop()
        for stop in self._stops.values():
            stop.set()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread is free; used at close so no thread outlives Qt."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        """Cancel, wait for the worker and stop following the document."""
        if self._closed:
            return
        self._closed = True
        self.set_dreamscape_quietly(None)
        for stop in self._stops.values():
            stop.set()
        try:
            self._timer.stop()
            self.wait()
        except RuntimeError:  # Qt already deleted us; its thread pool waited on the way out
            pass

    def set_dreamscape_quietly(self, ds: Dreamscape | None) -> None:
        """Follow (or, with None, forget) a document without starting a run; pure Python."""
        if self._ds is not None:
            self._ds.events.changed.disconnect(self._on_changed)
            self._ds.events.node_changed.disconnect(self._on_node_changed)
        self._ds = ds

    def resume(self) -> None:
        """After a vetoed close: start following again."""
        if not self._closed and not self.is_idle:
            self.request(immediate=True)
