"""The Monte Carlo night: agreement with exact answers, conditions honoured, REM accounting,
per-dreamer stretches, reproducibility, and robustness on odd graphs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.analysis import analyze
from studio.sim import IntensityLevels, PlayEngine, SimulationCancelled, simulate

from .builders import build, drunkards_walk

DREAMERS = 20_000


def assert_agrees(ds, exact: float, dreamers: int = DREAMERS, seed: int = 1) -> None:
    """Mean minutes to exit within 4 standard errors of the exact answer."""
    r = simulate(ds, dreamers=dreamers, seed=seed)
    assert r.finished.all(), "the night is long enough for everybody to finish"
    done = r.minutes[r.finished]
    se = done.std(ddof=1) / math.sqrt(done.size)
    assert abs(done.mean() - exact) <= 4 * se + 1e-9, (done.mean(), exact, se)


@pytest.mark.parametrize(("size", "start"), [(6, 3), (10, 2), (4, 1)])
def test_drunkards_walk_mean_minutes(size: int, start: int) -> None:
    # From k on 0..N with absorbing ends and fair steps, expected steps are k(N − k).
    ds = drunkards_walk(size, start)
    exact = start * (size - start)
    assert analyze(ds).expected_minutes == pytest.approx(exact)
    assert_agrees(ds, exact)


def test_biased_walk_matches_exact_analysis() -> None:
    ds = drunkards_walk(8, 2, minutes=2.5, right=2.0, left=1.0)
    assert_agrees(ds, analyze(ds).expected_minutes)


def test_geometric_loop() -> None:
    # Stay with weight 3, leave with weight 1: 4 expected visits of 5 minutes after 2 at onset.
    ds = build(
        [("onset", "entry", 2), ("loop", "scene", 5), ("wake", "exit")],
        [("onset", "loop"), ("loop", "loop", 3.0), ("loop", "wake", 1.0)],
        rem=[5000],
    )
    assert analyze(ds).expected_minutes == pytest.approx(22.0)
    assert_agrees(ds, 22.0)
    r = simulate(ds, dreamers=DREAMERS, seed=3)
    assert r.node_visits["loop"] == pytest.approx(4.0, rel=0.03)
    assert r.node_visits["wake"] == 1.0


def test_branching_graph_matches_exact_analysis() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("a", "scene", 3),
            ("b", "scene", 7),
            ("c", "choice", 2),
            ("w1", "exit"),
            ("w2", "exit"),
        ],
        [
            ("onset", "a", 1.0),
            ("onset", "b", 2.0),
            ("a", "c"),
            ("b", "c"),
            ("b", "a", 0.5),
            ("c", "onset", 1.0),
            ("c", "w1", 1.0),
            ("a", "w2", 0.3),
        ],
        rem=[5000],
    )
    exact = analyze(ds).expected_minutes
    assert exact is not None
    assert_agrees(ds, exact)


def test_deterministic_chain_exact_minutes_and_windows() -> None:
    ds = build(
        [("onset", "entry", 8), ("b", "scene", 6), ("c", "scene", 9), ("wake", "exit", 3)],
        [("onset", "b"), ("b", "c"), ("c", "wake")],
        rem=[10, 15, 20],
    )
    r = simulate(ds, dreamers=5, seed=0)
    # 8 + 6 + 9 = 23 dream minutes: REM windows end at dream minutes 10, 25, 45 → 2 windows.
    assert r.finished.all() and (r.minutes == 23).all()
    assert (r.rem_windows == 2).all()
    # Windows (clock): 95–105, 180–195, 265–285. Dream minute 23 is 13 minutes into the second.
    assert r.end_clock[0] == pytest.approx(193.0)
    s = r.summary()
    assert s["mean_rem_windows"] == 2.0 and s["median_minutes"] == 23.0


def test_node_carries_over_into_next_window_and_capture_when_rem_spent() -> None:
    # 8 + 6 = 14 > 10: the second node carries over into the second window (25 cumulative).
    ds = build(
        [("onset", "entry", 8), ("b", "scene", 6), ("c", "scene", 11), ("wake", "exit")],
        [("onset", "b"), ("b", "c"), ("c", "wake")],
        rem=[10, 15],
    )
    r = simulate(ds, dreamers=3, seed=0)
    # 8 + 6 + 11 = 25 = the whole REM time: finishes exactly at the end of the second window.
    assert r.finished.all() and (r.rem_windows == 2).all()
    assert r.end_clock[0] == pytest.approx(195.0)
    ds.node("c").minutes = 12
    r = simulate(ds, dreamers=3, seed=0)
    assert r.captured.all() and not r.finished.any()
    assert np.isnan(r.minutes).all()
    assert (r.rem_windows == 2).all()
    t, p = r.survival
    assert p[0] == 1.0 and p[-1] == 1.0


def test_gated_exit_never_taken_before_counter_reaches_three() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("train", "scene", 2, {"effects": {"count": "count + 1"}}),
            ("wake", "exit"),
        ],
        [("onset", "train"), ("train", "train", 1.0), ("train", "wake", 5.0, "count >= 3")],
        variables={"count": ("int", 0)},
        rem=[5000],
    )
    r = simulate(ds, dreamers=DREAMERS, seed=7)
    assert r.finished.all()
    # At least three visits of `train` (2 minutes each) after the 1-minute onset.
    assert r.minutes.min() == 7.0
    # Once open, the exit takes 5/6 of the chance: most dreamers leave on the third visit.
    assert (r.minutes == 7.0).mean() == pytest.approx(5 / 6, abs=0.02)
    assert r.node_visits["train"] >= 3.0


def test_condition_templates_keep_constants_apart() -> None:
    # Same template, different thresholds: each edge must see its own number.
    ds = build(
        [
            ("onset", "entry", 1, {"effects": {"x": "5"}}),
            ("low", "scene", 1),
            ("high", "scene", 1),
            ("wake", "exit"),
        ],
        [
            ("onset", "low", 1.0, "x >= 2"),
            ("onset", "high", 1.0, "x >= 9"),
            ("low", "wake"),
            ("high", "wake"),
        ],
        variables={"x": ("int", 0)},
        rem=[100],
    )
    r = simulate(ds, dreamers=500, seed=0)
    assert r.node_visits["low"] == 1.0 and r.node_visits["high"] == 0.0


def test_edge_effects_then_node_effects_in_order() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("mid", "scene", 1, {"effects": {"a": "a * 10", "b": "a + 1"}}),
            ("good", "exit"),
            ("bad", "exit"),
        ],
        [
            ("onset", "mid", 1.0, None, {"a": "a + 2"}),
            ("mid", "good", 1.0, "b == 21"),
            ("mid", "bad", 1.0, "b != 21"),
        ],
        variables={"a": ("int", 0), "b": ("int", 0)},
        rem=[100],
    )
    r = simulate(ds, dreamers=200, seed=0)
    assert r.node_visits["good"] == 1.0
    eng = PlayEngine(ds)
    eng.take("e1")
    assert eng.variables == {"a": 20, "b": 21}


def test_same_seed_same_output_and_seed_matters() -> None:
    ds = drunkards_walk(10, 5)
    a = simulate(ds, dreamers=3000, seed=11)
    b = simulate(ds, dreamers=3000, seed=11)
    c = simulate(ds, dreamers=3000, seed=12)
    assert json.dumps(a.summary()) == json.dumps(b.summary())
    np.testing.assert_array_equal(a.minutes, b.minutes)
    assert not np.array_equal(a.minutes, c.minutes)


def test_stalls_and_counts_and_stretches() -> None:
    ds = build(
        [
            ("onset", "entry", 4, {"intensity": 0.2}),
            ("arena", "scene", 10, {"intensity": 0.9, "reward": 0.5}),
            ("mid", "scene", 5, {"intensity": 0.5}),
            ("boss", "nightmare", 8, {"intensity": 0.95}),
            ("mae", "social", 3, {"intensity": 0.2}),
            ("lantern", "anchor", 2, {"intensity": 0.1}),
            ("dead", "scene", 6, {"intensity": 0.3}),
            ("wake", "exit", 1),
        ],
        [
            ("onset", "arena"),
            ("arena", "mid"),
            ("mid", "boss"),
            ("boss", "mae"),
            ("mae", "lantern"),
            ("lantern", "wake", 1.0),
            ("lantern", "dead", 1.0),
        ],
        rem=[500],
    )
    r = simulate(ds, dreamers=4000, seed=5, levels=IntensityLevels(high=0.7, cooldown=0.4))
    fin, st_ = r.finished, r.stalled
    assert fin.any() and st_.any() and not r.captured.any()
    assert (fin ^ st_).all()
    assert r.summary()["stalled_fraction"] == pytest.approx(0.5, abs=0.04)
    assert (r.minutes[fin] == 32).all()
    # No cue through onset, arena, mid, boss: 4 + 10 + 5 + 8 = 27 minutes, ending at boss.
    assert (r.longest_no_cue_minutes[fin] == 27).all()
    assert (r.longest_no_cue_end[fin] == ds.node_index("boss")).all()
    # A stalled dreamer stays in `dead` from minute 32 until the 500 REM minutes are spent.
    assert (r.longest_no_cue_minutes[st_] == 468).all()
    assert (r.longest_no_cue_end[st_] == ds.node_index("dead")).all()
    assert (r.dream_minutes[st_] == 500).all() and (r.rem_windows[st_] == 1).all()
    # High stretch: arena 10 (> 0.7), mid 0.5 neither adds nor resets, boss 8: 18, ends at boss.
    assert (r.longest_high_minutes == 18).all() and (r.longest_high_end == 3).all()
    # The levels belong to the intensity rules: without them nothing counts as high.
    plain = simulate(ds, dreamers=50, seed=5)
    assert (plain.longest_high_minutes == 0).all()
    stricter = simulate(ds, dreamers=50, seed=5, levels=IntensityLevels(high=0.92, cooldown=0.4))
    assert (stricter.longest_high_minutes == 8).all()  # only boss (0.95) is above 0.92
    assert (r.rewards == 0.5).all() and (r.anchors == 1).all() and (r.socials == 1).all()
    assert (r.peak_intensity == 0.95).all()
    s = r.summary()
    assert s["anchor_coverage"] == 1.0 and s["social_coverage"] == 1.0
    # A stalled dreamer stays in its scene: still dreaming when the night's REM time ends.
    t, p = r.survival
    assert p[-1] == pytest.approx(st_.mean())
    assert p[int(t.searchsorted(31))] == 1.0 and p[int(t.searchsorted(32))] == pytest.approx(
        st_.mean()
    )


def test_intensity_band_and_histogram() -> None:
    ds = build(
        [
            ("onset", "entry", 2, {"intensity": 0.2}),
            ("peak", "scene", 3, {"intensity": 0.8}),
            ("wake", "exit"),
        ],
        [("onset", "peak"), ("peak", "wake")],
        rem=[10],
    )
    r = simulate(ds, dreamers=100, seed=0)
    t, mean, p10, p90 = r.intensity_band
    assert list(t) == list(range(10))
    np.testing.assert_allclose(mean[:5], [0.2, 0.2, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(p10[:5], mean[:5])
    assert np.isnan(mean[5:]).all(), "nobody is dreaming after minute 5"
    edges, counts = r.histogram(bins=4)
    assert counts.sum() == 100 and edges.size == 5


def test_intensity_band_percentiles_over_mixed_dreamers() -> None:
    ds = build(
        [
            ("onset", "entry", 1, {"intensity": 0.0}),
            ("calm", "scene", 5, {"intensity": 0.1}),
            ("wild", "scene", 5, {"intensity": 0.9}),
            ("wake", "exit"),
        ],
        [("onset", "calm", 1.0), ("onset", "wild", 1.0), ("calm", "wake"), ("wild", "wake")],
        rem=[20],
    )
    r = simulate(ds, dreamers=4000, seed=2)
    t, mean, p10, p90 = r.intensity_band
    share = r.node_visits["wild"]
    assert mean[3] == pytest.approx(0.1 + 0.8 * share)
    assert p10[3] == pytest.approx(0.1) and p90[3] == pytest.approx(0.9)


def test_summary_keys_json_and_no_nan() -> None:
    ds = build(
        [("onset", "entry"), ("loop", "scene")], [("onset", "loop"), ("loop", "loop")], rem=[30]
    )
    s = simulate(ds, dreamers=50, seed=0).summary()
    assert list(s) == [
        "dreamers",
        "seed",
        "finished_fraction",
        "captured_fraction",
        "stalled_fraction",
        "mean_minutes",
        "median_minutes",
        "p95_minutes",
        "min_minutes",
        "max_minutes",
        "mean_rem_windows",
        "reward_rate",
        "anchor_coverage",
        "social_coverage",
        "survival",
        "node_visits",
    ]
    json.dumps(s, allow_nan=False)
    assert s["captured_fraction"] == 1.0 and s["mean_minutes"] is None
    assert s["survival"][0] == [0.0, 1.0] and s["survival"][-1] == [30.0, 1.0]


def test_should_stop_cancels() -> None:
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(SimulationCancelled):
        simulate(drunkards_walk(10, 5), dreamers=100, should_stop=stop)


def test_step_cap_counts_as_captured() -> None:
    ds = build(
        [("onset", "entry", 1), ("loop", "scene", 1), ("wake", "exit")],
        [("onset", "loop"), ("loop", "loop", 100.0), ("loop", "wake", 0.01)],
        rem=[1000],
    )
    r = simulate(ds, dreamers=100, seed=0, max_steps=3)
    assert r.captured.sum() == 100 - r.finished.sum() and r.captured.any()


def test_odd_graphs_do_not_raise() -> None:
    empty = build([], [])
    assert simulate(empty, dreamers=10).summary()["stalled_fraction"] == 1.0
    no_entry = build([("a", "scene")], [])
    r = simulate(no_entry, dreamers=10)
    assert r.stalled.all() and r.problems
    entry_is_exit = build([("a", "entry")], [])
    assert simulate(entry_is_exit, dreamers=3).stalled.all()
    no_rem = build([("a", "entry"), ("b", "exit")], [("a", "b")], rem=[])
    assert simulate(no_rem, dreamers=3).captured.all()
    assert simulate(drunkards_walk(4, 2), dreamers=0).summary()["dreamers"] == 0


def test_start_anywhere() -> None:
    ds = drunkards_walk(6, 3)
    r = simulate(ds, dreamers=DREAMERS, seed=4, start="p1")
    done = r.minutes[r.finished]
    se = done.std(ddof=1) / math.sqrt(done.size)
    assert abs(done.mean() - 5.0) < 4 * se


@st.composite
def small_graphs(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 7))
    kinds = ["entry"] + [
        draw(st.sampled_from(["scene", "exit", "reward", "anchor"])) for _ in range(n - 1)
    ]
    nodes = [(f"n{i}", kinds[i], draw(st.sampled_from([0.5, 1, 3, 7]))) for i in range(n)]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=14))
    conds = st.sampled_from([None, None, "c >= 1", "c < 2", "not flag", "flag or c % 2 == 0"])
    edges = [
        (
            f"n{a}",
            f"n{b}",
            draw(st.sampled_from([0.5, 1.0, 3.0])),
            draw(conds),
            draw(st.sampled_from([{}, {"c": "c + 1"}, {"flag": "not flag"}])),
        )
        for a, b in pairs
    ]
    rem = draw(st.lists(st.sampled_from([0, 5, 10, 30]), min_size=0, max_size=4))
    return build(nodes, edges, variables={"c": ("int", 0), "flag": ("bool", False)}, rem=rem)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_graphs(), st.integers(0, 3))
def test_any_small_graph_simulates_consistently(ds, seed: int) -> None:  # type: ignore[no-untyped-def]
    r = simulate(ds, dreamers=64, seed=seed)
    outcome = r.finished.astype(int) + r.captured.astype(int) + r.stalled.astype(int)
    assert (outcome == 1).all()
    total = r.total_rem_minutes
    assert (r.minutes[r.finished] <= total + 1e-9).all()
    assert (r.longest_no_cue_minutes <= total + 1e-9).all()
    json.dumps(r.summary(), allow_nan=False)
    t, mean, p10, p90 = r.intensity_band
    alive = ~np.isnan(mean)
    assert (p10[alive] <= p90[alive]).all()


def test_windows_and_clock_mapping() -> None:
    from studio.model import Night
    from studio.sim import dream_to_clock, windows_spanned

    rem = [10, 15, 20]
    spanned = windows_spanned(rem, np.array([0.0, 10.0, 10.5, 25.0, 45.0, 50.0]))
    assert spanned.tolist() == [1, 1, 2, 2, 3, 3]
    night = Night(onset_minutes=15, cycle_minutes=90, rem_minutes=rem)
    # Windows (clock): 95–105, 180–195, 265–285.
    clock = dream_to_clock(night, np.array([0.0, 10.0, 10.5, 25.0, 30.0]))
    np.testing.assert_allclose(clock, [95.0, 105.0, 180.5, 195.0, 270.0])
    assert windows_spanned([], np.array([3.0])).tolist() == [0]


def engine_walks(ds, dreamers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """The same night, one dreamer at a time through the play engine (the reference)."""
    import random

    rng = random.Random(seed)
    total = ds.night.total_rem_minutes
    eng = PlayEngine(ds)
    finished = np.zeros(dreamers, dtype=bool)
    minutes = np.full(dreamers, np.nan)
    for k in range(dreamers):
        eng.restart()
        while not eng.is_exit and eng.minutes <= total:
            enabled = [c for c in eng.choices() if c.enabled]
            if not enabled:
                break
            eng.take(rng.choices(enabled, weights=[c.probability for c in enabled])[0].edge.id)
        if eng.is_exit and eng.minutes <= total:
            finished[k], minutes[k] = True, eng.minutes
    return finished, minutes


@pytest.mark.parametrize("name", ["reality-somnos", "maes-garden", "elis-dreamgame"])
def test_vectorized_night_matches_play_engine_on_examples(name: str) -> None:
    from studio.io import load_dreamscape
    from tests.conftest import EXAMPLES

    ds = load_dreamscape(EXAMPLES / f"{name}.dream")
    assert any(e.condition for e in ds.edges) and any(n.effects for n in ds.nodes)
    r = simulate(ds, dreamers=DREAMERS, seed=9)
    fin, mins = engine_walks(ds, 1000, seed=9)
    p, q = r.finished.mean(), fin.mean()
    se = math.sqrt(p * (1 - p) / r.dreamers + q * (1 - q) / fin.size)
    assert abs(p - q) <= 4 * se + 1e-9
    if fin.sum() > 30:
        a, b = r.minutes[r.finished], mins[fin]
        se = math.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) <= 4 * se
