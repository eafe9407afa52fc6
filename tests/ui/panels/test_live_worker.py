"""Background runs: responsive while running, newest edit wins, stale results never shown."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from studio.io import load_dreamscape
from studio.model.ops import MoveNodes, UpdateNode
from studio.ui.panels.live_worker import LiveOutcome, default_job

from .conftest import EXAMPLES


def busy_python(seconds: float) -> None:
    """Pure-Python work holding the GIL between bytecodes, like a rule or the simulator."""
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        for i in range(2000):
            x += i * i


def test_a_slow_run_does_not_block_the_event_loop(make_window, qtbot) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)
    running = threading.Event()
    ticks_while_running = []

    def slow(ds, should_stop):  # noqa: ANN001, ANN202
        running.set()
        busy_python(0.6)
        out = default_job(ds, should_stop)
        running.clear()
        return out

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks_while_running.append(1) if running.is_set() else None)
    timer.start()
    panels.runner.job = slow
    window.document.push(UpdateNode("hall", {"minutes": 4}), "Edit")
    assert panels.wait_until_idle(30000)
    timer.stop()
    # A run on the GUI thread would starve the timer completely while it worked.
    assert len(ticks_while_running) >= 5
    assert panels.current.outcome.report is not None


def test_stale_results_are_never_shown(make_window, qtbot) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)
    release = threading.Event()
    calls: list[float] = []

    def gated(ds, should_stop):  # noqa: ANN001, ANN202
        calls.append(ds.node("hall").minutes)
        if ds.node("hall").minutes == 7:  # run A ignores cancellation until released
            release.wait(10)
        return default_job(ds, lambda: False)

    shown = []
    panels.runner.result_ready.connect(lambda r: shown.append(r.generation))
    applied = []
    panels.applied.connect(lambda r: applied.append(r.generation))
    panels.runner.job = gated
    doc = window.document
    doc.push(UpdateNode("hall", {"minutes": 7}), "Edit A")
    generation_a = panels.runner.generation
    qtbot.waitUntil(lambda: calls == [7])
    doc.push(UpdateNode("hall", {"minutes": 9}), "Edit B")
    generation_b = panels.runner.generation
    assert generation_b > generation_a
    release.set()
    assert panels.wait_until_idle(30000)
    assert generation_a not in shown and generation_a not in applied
    assert panels.current.generation == generation_b
    assert generation_a in [r.generation for r in panels.runner.dropped]
    assert panels.current.outcome.simulation is not None
    # The shown result was computed from B's document.
    assert calls[-1] == 9


def test_a_newer_edit_cancels_the_running_one(make_window, qtbot) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)
    saw_stop = threading.Event()
    started = threading.Event()

    def cancellable(ds, should_stop):  # noqa: ANN001, ANN202
        if ds.node("hall").minutes == 11:
            started.set()
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                if should_stop():
                    saw_stop.set()
                    raise RuntimeError("stopped")
                time.sleep(0.005)
        return default_job(ds, should_stop)

    panels.runner.job = cancellable
    window.document.push(UpdateNode("hall", {"minutes": 11}), "Edit A")
    qtbot.waitUntil(started.is_set)
    window.document.push(UpdateNode("hall", {"minutes": 12}), "Edit B")
    qtbot.waitUntil(saw_stop.is_set, timeout=5000)
    assert panels.wait_until_idle(30000)
    # A cancelled run's error is not reported either.
    assert panels.lint_panel.problem_label.isHidden()


def test_moving_nodes_does_not_rerun(make_window) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)
    generation = panels.runner.generation
    window.document.push(MoveNodes({"hall": (500.0, 40.0)}), "Move")
    assert panels.runner.generation == generation
    assert panels.is_idle
    window.document.push(UpdateNode("hall", {"intensity": 0.6}), "Edit")
    assert panels.runner.generation == generation + 1


def test_a_burst_of_edits_runs_at_most_twice(make_window, qtbot) -> None:
    window, panels = make_window(debounce_ms=200)
    assert panels.wait_until_idle(30000)
    started = []
    panels.runner.run_started.connect(started.append)
    for i in range(6):
        window.document.push(UpdateNode("hall", {"title": f"Hall {i}"}), "Typing")
    assert panels.wait_until_idle(30000)
    assert 1 <= len(started) <= 2  # the leading edit, then the settled one
    assert started[-1] == panels.runner.generation


def test_an_error_in_the_run_is_shown_and_the_next_edit_recovers(make_window) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)

    def sim_breaks(ds, should_stop):  # noqa: ANN001, ANN202
        out = default_job(ds, should_stop)
        return LiveOutcome(report=out.report, simulation=None, sim_error="ValueError: bad night")

    panels.runner.job = sim_breaks
    window.document.push(UpdateNode("hall", {"minutes": 6}), "Edit")
    assert panels.wait_until_idle(30000)
    assert "bad night" in panels.plots.note.text()
    assert panels.lint_panel.gauge.score is not None
    panels.runner.job = default_job
    window.document.push(UpdateNode("hall", {"minutes": 5}), "Edit")
    assert panels.wait_until_idle(30000)
    assert "bad night" not in panels.plots.note.text()


def test_closing_the_window_waits_for_the_worker(make_window, qtbot, monkeypatch) -> None:
    import studio.ui.dialogs

    monkeypatch.setattr(studio.ui.dialogs, "ask_save_changes", lambda *_a: "discard")
    window, panels = make_window()
    started = threading.Event()

    def slow(ds, should_stop):  # noqa: ANN001, ANN202
        started.set()
        for _ in range(400):
            if should_stop():
                raise RuntimeError("stopped")
            time.sleep(0.005)
        return default_job(ds, should_stop)

    panels.runner.job = slow
    window.show()
    window.document.push(UpdateNode("hall", {"minutes": 8}), "Edit")
    qtbot.waitUntil(started.is_set)
    window.close()
    assert panels.runner._pool.activeThreadCount() == 0


def test_replacing_the_document_follows_the_new_one(make_window) -> None:
    window, panels = make_window()
    assert panels.wait_until_idle(30000)
    before = panels.current.outcome.report.score
    old = window.document.ds
    window.document.replace(load_dreamscape(EXAMPLES / "elis-dreamgame.dream"), None)
    assert panels.wait_until_idle(30000)
    assert panels.current.outcome.report.score != before
    assert panels.preview.title.text() != "Lights down"
    # The old document no longer drives reruns.
    generation = panels.runner.generation
    old.events.changed.emit("node_changed")
    assert panels.runner.generation == generation


def test_snapshot_is_faithful_and_unaffected_by_later_edits() -> None:
    from studio.io import dumps_dreamscape
    from studio.model.ops import RenameNode, UpdateEdge, UpdateRecord
    from studio.ui.panels.live_worker import snapshot

    ds = load_dreamscape(EXAMPLES / "reality-somnos.dream")
    copy = snapshot(ds)
    text = dumps_dreamscape(copy)
    assert text == dumps_dreamscape(ds)
    assert copy.revision == ds.revision
    first_node, first_edge = ds.nodes[0].id, ds.edges[0].id
    # Edits made while a run works on the snapshot must not leak into it.
    UpdateNode(
        first_node,
        {"effects": {"calm": "calm + 5"}, "tags": ["x"], "lint_ignore": {"SOC002": "a reason"}},
    ).apply(ds)
    UpdateEdge(first_edge, {"effects": {"calm": "0"}, "condition": "calm > 1"}).apply(ds)
    UpdateRecord("lint", {"ignore": ["SOC004"]}).apply(ds)
    UpdateRecord("night", {"rem_minutes": [5]}).apply(ds)
    RenameNode(first_node, "renamed").apply(ds)
    assert dumps_dreamscape(copy) == text
