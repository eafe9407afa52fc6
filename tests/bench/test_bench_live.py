"""Live panels at scale: edit-to-screen latency (1,000 nodes) and event-loop stalls (10,000 nodes).

Run with `pytest -m bench tests/bench/test_bench_live.py -s`; the figures are printed and
stored in the benchmark's extra_info. Targets: an edit's lint and plots on screen within
300 ms on 1,000 nodes; no event-loop stall over 50 ms during a background run on 10,000.
"""

from __future__ import annotations

import statistics
import time

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.model.ops import UpdateNode  # noqa: E402
from studio.ui.panels import heap  # noqa: E402
from tests.bench.generate import generate_dreamscape  # noqa: E402

pytestmark = pytest.mark.bench


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "s"))
    monkeypatch.setenv("ADJUSTER_STUDIO_RECOVERY_DIR", str(tmp_path / "recovery"))


@pytest.fixture
def studio_window(qtbot):  # noqa: ANN001, ANN201
    """The real main window with the live panels, over a generated dreamscape."""
    from studio.ui.document import Document
    from studio.ui.main_window import MainWindow

    windows = []

    def make(n_nodes: int):  # noqa: ANN202
        window = MainWindow(Document(generate_dreamscape(n_nodes, seed=1)), remember_layout=False)
        window.resize(1600, 1000)
        window.show()
        windows.append(window)
        panels = window.live_panels
        assert panels.wait_until_idle(120_000), "the first background run never finished"
        if n_nodes >= heap.LARGE_DOCUMENT_NODES:
            # The one-off collection and freeze right after opening is part of loading.
            qtbot.waitUntil(lambda: heap.is_frozen(panels._heap_key), timeout=30_000)
        QTest_wait(100)
        return window, panels

    yield make
    for window in windows:
        window.live_panels.shutdown()
        window.document.undo_stack.clear()
        window.document.set_modified(False)
        window.close()
        QApplication.processEvents()


class GapRecorder:
    """A 5 ms timer; the longest interval between its ticks is the longest event-loop stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()  # the tail counts too: a stall just before stopping is a stall


def edit_and_wait(window, panels, node_id: str, minutes: float) -> tuple[float, float]:  # noqa: ANN001
    """Push one edit; return (edit -> lint and plots on screen, background compute) seconds."""
    t0 = time.perf_counter()
    window.document.push(UpdateNode(node_id, {"minutes": minutes}), "Edit minutes")
    target = panels.runner.generation
    while panels.applied_generation < target:
        QApplication.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - t0, panels.current.seconds


def test_edit_to_updated_lint_and_plots_1000_nodes(studio_window, benchmark) -> None:
    window, panels = studio_window(1000)
    latencies: list[float] = []
    computes: list[float] = []
    node_ids = [n.id for n in window.document.ds.nodes if n.kind == "scene"][:40]
    state = {"i": 0}

    def one_edit() -> None:
        i = state["i"]
        state["i"] += 1
        # Leave the editor quiet for longer than the debounce: an isolated edit.
        QTest_wait(panels.runner.debounce_ms + 30)
        total, compute = edit_and_wait(window, panels, node_ids[i % len(node_ids)], 3 + i % 5)
        latencies.append(total)
        computes.append(compute)

    benchmark.pedantic(one_edit, rounds=15, iterations=1)
    report = panels.current.outcome.report
    assert report is not None and panels.plots.data is not None
    median = statistics.median(latencies) * 1000
    worst = max(latencies) * 1000
    benchmark.extra_info.update(
        {
            "median_edit_to_screen_ms": round(median, 1),
            "max_edit_to_screen_ms": round(worst, 1),
            "median_background_compute_ms": round(statistics.median(computes) * 1000, 1),
            "target_ms": 300,
            "findings": len(report.findings),
        }
    )
    print(
        f"\n1,000 nodes: edit -> lint and plots on screen: median {median:.0f} ms, "
        f"max {worst:.0f} ms (background compute median "
        f"{statistics.median(computes) * 1000:.0f} ms); target <= 300 ms"
    )


def measure_stall(panels, trigger) -> tuple[float, float]:  # noqa: ANN001
    """Trigger, then record event-loop gaps until the result is on screen (+30 ms)."""
    trigger()
    target = panels.runner.generation
    recorder = GapRecorder()
    recorder.start()
    t0 = time.perf_counter()
    while panels.applied_generation < target:
        QApplication.processEvents()
        time.sleep(0.001)
    took = time.perf_counter() - t0
    QTest_wait(30)
    recorder.stop()
    return max(recorder.gaps), took


def test_event_loop_stall_during_background_run_10000_nodes(studio_window, benchmark) -> None:
    """A background lint + simulation run and the display of its result; no edit involved."""
    window, panels = studio_window(10_000)
    stalls: list[float] = []
    totals: list[float] = []

    def one_run() -> None:
        QTest_wait(panels.runner.debounce_ms + 30)
        stall, took = measure_stall(panels, lambda: panels.runner.request(immediate=True))
        stalls.append(stall)
        totals.append(took)

    benchmark.pedantic(one_run, rounds=6, iterations=1)
    worst = max(stalls)
    benchmark.extra_info.update(
        {
            "max_stall_ms": round(worst, 1),
            "median_stall_ms": round(statistics.median(stalls), 1),
            "median_run_ms": round(statistics.median(totals) * 1000, 1),
            "target_ms": 50,
        }
    )
    print(
        f"\n10,000 nodes: longest event-loop stall during a background run: {worst:.1f} ms "
        f"(median of per-run maxima {statistics.median(stalls):.1f} ms; a run took "
        f"{statistics.median(totals) * 1000:.0f} ms to reach the screen); target <= 50 ms"
    )


def test_event_loop_stall_after_an_edit_10000_nodes(studio_window, benchmark) -> None:
    """An edit and its rerun, beside the same edit with no rerun (the editor's own cost)."""
    window, panels = studio_window(10_000)
    node_ids = [n.id for n in window.document.ds.nodes if n.kind == "scene"][:20]
    state = {"i": 0}

    def edit() -> None:
        i = state["i"]
        state["i"] += 1
        window.document.push(
            UpdateNode(node_ids[i % len(node_ids)], {"minutes": 2 + i % 7}), "Edit minutes"
        )

    with_run: list[float] = []

    def one_edit() -> None:
        QTest_wait(panels.runner.debounce_ms + 30)
        with_run.append(measure_stall(panels, edit)[0])

    benchmark.pedantic(one_edit, rounds=6, iterations=1)
    # The same edits with the live panels detached: what the canvas and window cost alone.
    panels.runner.set_dreamscape_quietly(None)
    alone: list[float] = []
    for _ in range(6):
        QTest_wait(300)
        recorder = GapRecorder()
        edit()
        recorder.start()
        QTest_wait(300)
        recorder.stop()
        alone.append(max(recorder.gaps))
    benchmark.extra_info.update(
        {
            "max_stall_with_rerun_ms": round(max(with_run), 1),
            "median_stall_with_rerun_ms": round(statistics.median(with_run), 1),
            "max_stall_editor_alone_ms": round(max(alone), 1),
            "median_stall_editor_alone_ms": round(statistics.median(alone), 1),
        }
    )
    print(
        f"\n10,000 nodes, after an edit: longest stall {max(with_run):.1f} ms with the rerun "
        f"(median {statistics.median(with_run):.1f} ms); the editor alone, no rerun: "
        f"{max(alone):.1f} ms (median {statistics.median(alone):.1f} ms)"
    )


def QTest_wait(ms: int) -> None:  # noqa: N802 - mirrors QTest.qWait
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.001)
