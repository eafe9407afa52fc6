"""The product analysis on the issue's cases, valuation merging, bounds, witnesses and PRISM."""

from __future__ import annotations

import json

import pytest

from studio.analysis import analyze, explore, to_prism
from studio.analysis.collapse import collapse_plan
from studio.lint import lint_dreamscape
from studio.model import Dreamscape
from studio.sim import PlayEngine
from tests.sim.builders import build


def third_visit() -> Dreamscape:
    """The exit opens only after the third visit to the room, but carries most of the weight."""
    return build(
        [
            ("onset", "entry", 1),
            ("room", "scene", 5, {"effects": {"visits": "visits + 1"}}),
            ("wake", "exit", 1),
        ],
        [
            ("onset", "room"),
            ("room", "wake", 1000.0, "visits >= 3"),
            ("room", "room", 1.0, "visits < 3"),
        ],
        variables={"visits": ("int", 0)},
    )


def strip_conditions(ds: Dreamscape) -> Dreamscape:
    for edge in ds.edges:
        edge.condition = None
    return ds


def test_gated_exit_is_exact_with_its_witness() -> None:
    a = analyze(third_visit())
    assert a.method == "exact" and a.states == 5
    assert a.expected_minutes == pytest.approx(16.0)
    # With every edge enabled, as the old analysis assumed, it would have said about 6.
    blind = analyze(strip_conditions(third_visit()))
    assert blind.expected_minutes == pytest.approx(1 + 5 * 1.001)
    way_out = a.witness_for("exit")
    assert way_out is not None
    assert [s.scene for s in way_out.steps] == ["onset", "room", "room", "room", "wake"]
    assert [s.variables["visits"] for s in way_out.steps] == [0, 1, 2, 3, 3]
    assert all(d["exit_probability"] == 1.0 for d in a.dreamers.values())


def test_effect_that_disables_the_only_way_out_is_a_fatal_trap() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("hub", "scene", 2),
            ("cellar", "scene", 3, {"effects": {"open": "false"}}),
            ("wake", "exit", 1),
        ],
        [("onset", "hub"), ("hub", "wake", 1.0, "open"), ("hub", "cellar"), ("cellar", "hub")],
        variables={"open": ("bool", True)},
    )
    a = analyze(ds)
    assert a.exit_probability == pytest.approx(0.5)
    assert set(a.trap_nodes) == {"hub", "cellar"} and a.closed_regions == [["hub", "cellar"]]
    trap = a.witness_for("trap")
    assert trap is not None and trap.steps[-1].variables == {"open": False}
    report = lint_dreamscape(ds, dreamers=200)
    ext002 = [f for f in report.findings if f.code == "EXT002"]
    assert ext002 and ext002[0].fatal and ext002[0].witness
    assert report.score == 100


def test_never_opening_exit_is_no_exit() -> None:
    ds = build(
        [("onset", "entry", 1), ("hall", "scene", 2), ("wake", "exit", 1)],
        [("onset", "hall"), ("hall", "wake", 1.0, "key >= 1"), ("hall", "hall")],
        variables={"key": ("int", 0)},
    )
    ds.meta.audience = "teen"
    a = analyze(ds)
    assert a.exit_probability == 0.0 and "wake" not in a.reachable
    codes = {f.code for f in lint_dreamscape(ds, dreamers=200).findings}
    assert {"EXT001", "DS007"} <= codes


def test_loop_behind_a_never_true_condition_is_not_fatal() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("room", "anchor", 2),
            ("a", "scene"),
            ("b", "scene"),
            ("chat", "social", 2),
            ("wake", "exit", 1),
        ],
        [
            ("onset", "room"),
            ("room", "chat"),
            ("chat", "wake"),
            ("room", "a", 1.0, "lost"),
            ("a", "b"),
            ("b", "a"),
        ],
        variables={"lost": ("bool", False)},
    )
    ds.meta.audience = "child"
    a = analyze(ds)
    assert a.trap_nodes == [] and a.exit_probability == 1.0
    assert a.conditions == {"e4": "never"}
    report = lint_dreamscape(ds, dreamers=200)
    codes = {f.code for f in report.findings}
    assert "EXT002" not in codes and "DS007" in codes
    assert not any(f.fatal for f in report.findings)


def test_counter_only_compared_with_constants_is_merged_exactly() -> None:
    plan = collapse_plan(third_visit(), {"visits": "int"})
    assert plan["visits"].mode == "up" and plan["visits"].at == 3
    # Without merging, a counter that keeps growing would need a state per value.
    ds = build(
        [
            ("onset", "entry", 1),
            ("loop", "scene", 1, {"effects": {"n": "n + 1"}}),
            ("wake", "exit"),
        ],
        [("onset", "loop"), ("loop", "loop"), ("loop", "wake", 1.0, "n >= 4")],
        variables={"n": ("int", 0)},
    )
    assert explore(ds).n == 6  # onset, loop with n = 1..4 (4 means "4 or more"), wake


def test_unbounded_growth_is_reported_as_bounded() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("loop", "scene", 1, {"effects": {"n": "n * 2 + 1"}}),
            ("wake", "exit"),
        ],
        [("onset", "loop"), ("loop", "loop"), ("loop", "wake", 1.0, "n % 7 == 3")],
        variables={"n": ("int", 0)},
    )
    a = analyze(ds, max_states=50)
    assert a.method == "bounded" and a.grew == ["n"] and 50 <= a.states < 60
    assert "partial" in a.partial_note()
    assert a.to_dict()["method"] == "bounded"


def test_min_max_clamp_bounds_the_states_and_matches_the_play_engine() -> None:
    ds = build(
        [
            ("onset", "entry", 1),
            ("up", "scene", 1, {"effects": {"n": "n + 3"}}),
            ("down", "scene", 1, {"effects": {"n": "n - 2"}}),
            ("wake", "exit"),
        ],
        [("onset", "up"), ("up", "down"), ("down", "up"), ("down", "wake", 1.0, "n == 4")],
        variables={"n": ("int", 0)},
    )
    ds.variables["n"].minimum, ds.variables["n"].maximum = 0, 5
    a = analyze(ds)
    assert a.method == "exact"
    engine = PlayEngine(ds)
    for edge in ["e1", "e2", "e3", "e2", "e3", "e2", "e3"]:
        engine.take(edge)
    # n: 3, 1, 4, 2, 5, 3, then 6 clamps to 5.
    assert engine.current.id == "up" and engine.variables["n"] == 5
    seen = {
        (a.space.prog.g.ids[int(a.space.scene[s])], a.space.state_values(s).get("n"))
        for s in range(a.space.n)
    }
    assert ("up", 5) in seen and all(n is None or 0 <= n <= 5 for _, n in seen)


def test_policies_name_the_stay_and_the_leave_choices() -> None:
    ds = build(
        [("onset", "entry", 1), ("door", "choice", 1), ("prize", "reward", 3), ("wake", "exit")],
        [("onset", "door"), ("door", "wake"), ("door", "prize"), ("prize", "door")],
    )
    a = analyze(ds)
    assert a.policies["leaving"] == {"door": ["e2"]}
    assert a.policies["compulsive"] == {"door": ["e3"]}
    assert a.dreamers["leaving"] == {"exit_probability": 1.0, "expected_minutes": 2.0}
    assert a.dreamers["compulsive"]["exit_probability"] == 0.0
    assert a.dreamers["typical"]["expected_minutes"] == pytest.approx(1 + 1 * 2 + 3 * 1)


def test_reach_probability_and_json() -> None:
    ds = build(
        [("onset", "entry", 1), ("a", "scene"), ("b", "scene"), ("wake", "exit")],
        [("onset", "a", 1.0), ("onset", "wake", 3.0), ("a", "b"), ("b", "a"), ("b", "wake")],
    )
    a = analyze(ds)
    assert a.reach_probability("a") == pytest.approx(0.25)
    assert a.reach_probability("onset") == 1.0
    data = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert data["dreamers"]["typical"]["exit_probability"] == 1.0
    assert data["scenes"]["a"]["typical"]["expected_minutes"][0] == pytest.approx(20.0)


def test_prism_text_has_the_module_rewards_label_and_properties() -> None:
    a = analyze(third_visit())
    text = to_prism(a.space)
    assert text.splitlines()[0].startswith("//") and "\nmdp\n" in text
    assert "module dreamscape" in text and "v_visits : [" in text
    assert 'label "exit"' in text and 'rewards "minutes"' in text
    assert 'Pmax=? [ F "exit" ]' in text and 'R{"minutes"}max=? [ F "exit" ]' in text
    assert "\ndtmc\n" in to_prism(a.space, dtmc=True)
