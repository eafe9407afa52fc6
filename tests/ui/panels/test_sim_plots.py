"""The night dock plots what the simulator computed (arrays, not pixels) and drives the heat overlay."""

from __future__ import annotations

import numpy as np

from studio.analysis import analyze
from studio.model.ops import RemoveEdge, UpdateNode, UpdateRecord
from studio.sim import simulate
from studio.ui.panels.live_worker import LIVE_DREAMERS, LIVE_SEED
from studio.ui.panels.plot_data import REM, dream_segments, hypnogram


def wait(panels) -> None:  # noqa: ANN001
    assert panels.wait_until_idle(30000)


def test_plots_receive_the_simulated_night_after_an_edit(make_window) -> None:
    window, panels = make_window()
    wait(panels)
    doc = window.document
    doc.push(UpdateNode("kitchen", {"minutes": 25}), "Edit")
    wait(panels)
    expected = simulate(doc.ds.clone(), dreamers=LIVE_DREAMERS, seed=LIVE_SEED)
    plots = panels.plots
    t, p = plots.survival_curve.getData()
    np.testing.assert_allclose(t, expected.survival[0])
    np.testing.assert_allclose(p, expected.survival[1])
    bt, mean, _p10, _p90 = expected.intensity_band
    ok = np.isfinite(mean)
    mt, mv = plots.mean_curve.getData()
    np.testing.assert_allclose(mt, bt[ok])
    np.testing.assert_allclose(mv, mean[ok])
    edges, counts = expected.histogram(bins=30)
    hx, hy = plots.histogram_bars.getData()
    np.testing.assert_allclose(hx, edges)
    np.testing.assert_allclose(hy, counts)
    summary = expected.summary()
    assert plots.numbers["finished"].text() == f"{100 * summary['finished_fraction']:.0f}%"
    assert plots.numbers["mean"].text() == f"{summary['mean_minutes']:.0f} min"


def test_plots_change_when_the_design_changes(make_window) -> None:
    window, panels = make_window()
    wait(panels)
    _t, before = panels.plots.survival_curve.getData()
    window.document.push(UpdateNode("kitchen", {"minutes": 40}), "Edit")
    wait(panels)
    _t, after = panels.plots.survival_curve.getData()
    assert after.sum() > before.sum()  # longer scenes keep dreamers dreaming longer


def test_hypnogram_marks_the_rem_windows_and_the_dream(make_window) -> None:
    window, panels = make_window()
    window.document.push(UpdateRecord("night", {"rem_minutes": [10, 20, 30]}), "Night")
    wait(panels)
    plots = panels.plots
    windows = window.document.ds.night.rem_windows()
    regions = [tuple(r.getRegion()) for r in plots.rem_regions]
    np.testing.assert_allclose(regions, [(s / 60, e / 60) for s, e in windows])
    x, y = plots.stage_curve.getData()
    hx, hy = hypnogram(window.document.ds.night)
    np.testing.assert_allclose(x, hx / 60)
    np.testing.assert_allclose(y, hy)
    # Every REM window in the curve is exactly one of the night's windows.
    rem_spans = [(hx[i], hx[i + 1]) for i in range(0, len(hx) - 1) if hy[i] == REM == hy[i + 1]]
    np.testing.assert_allclose(rem_spans, windows)
    dx, dy = plots.dream_curve.getData()
    assert len(dx) >= 2 and np.all(dy == REM)
    first_start, _ = windows[0]
    assert dx[0] == first_start / 60  # the dream starts with the first REM window


def test_dream_segments_fill_windows_in_order() -> None:
    from studio.model import Night

    night = Night(onset_minutes=15, cycle_minutes=90, rem_minutes=[10, 20])
    assert dream_segments(night, 15) == [(95, 105), (175, 180)]
    assert dream_segments(night, None) == night.rem_windows()


def test_heat_overlay_follows_expected_visits(make_window) -> None:
    window, panels = make_window()
    wait(panels)
    assert window.spy.heat is None
    panels.plots.heat_box.setChecked(True)
    heat = window.spy.heat
    assert heat is not None and set(heat) == {n.id for n in window.document.ds.nodes}
    assert all(0.0 <= v <= 1.0 for v in heat.values())
    assert max(heat.values()) == 1.0
    visits = analyze(window.document.ds.clone()).expected_visits
    # Hotter on the canvas means more expected visits per night.
    ordered = sorted(heat, key=lambda n: visits[n])
    assert [heat[n] for n in ordered] == sorted(heat[n] for n in ordered)
    assert heat["hall"] > heat["arena"]  # half the dreamers turn to Mae's kitchen instead
    window.document.push(UpdateNode("hall", {"text": "Three doors."}), "Edit")
    window.document.push(RemoveEdge("e2"), "Disconnect")
    wait(panels)
    assert window.spy.heat["arena"] == 0.0  # unreachable now: never visited
    panels.plots.heat_box.setChecked(False)
    assert window.spy.heat is None


def test_updating_marks_old_plots_as_not_current(make_window) -> None:
    window, panels = make_window()
    wait(panels)
    panels.plots.set_updating(True)
    assert panels.plots.updating and not panels.plots.updating_label.isHidden()
    panels.plots.set_updating(False)
    assert not panels.plots.updating and panels.plots.updating_label.isHidden()
