"""The play engine on hand-made graphs: gating, effect order, stalls, exits, rewind, rebind."""

from __future__ import annotations

import pytest

from studio.model import ops
from studio.model.elements import Edge
from studio.sim import PlayEngine, PlayError

from .builders import build


def gated() -> object:
    """A training loop whose exit opens only once the counter reaches 3."""
    return build(
        [
            ("onset", "entry", 2),
            ("train", "scene", 4, {"effects": {"count": "count + 1"}}),
            ("wake", "exit", 1),
        ],
        [("onset", "train"), ("train", "train", 3.0), ("train", "wake", 1.0, "count >= 3")],
        variables={"count": ("int", 0)},
    )


def test_conditions_gate_choices_and_shares_are_among_enabled() -> None:
    eng = PlayEngine(gated())
    assert eng.current.id == "onset"
    eng.take("e1")
    assert eng.variables == {"count": 1}
    loop, out = eng.choices()
    assert (loop.edge.id, loop.enabled, loop.probability) == ("e2", True, 1.0)
    assert (out.edge.id, out.enabled, out.probability, out.condition) == (
        "e3",
        False,
        0.0,
        "count >= 3",
    )
    with pytest.raises(PlayError, match="not enabled"):
        eng.take("e3")
    eng.take("e2")
    eng.take("e2")
    assert eng.variables["count"] == 3
    loop, out = eng.choices()
    assert out.enabled and loop.enabled
    assert loop.probability == pytest.approx(0.75) and out.probability == pytest.approx(0.25)
    eng.take("e3")
    assert eng.is_exit and not eng.is_stalled
    assert eng.choices() == []
    assert eng.path == ["onset", "train", "train", "train", "wake"]
    # Exits add no dream minutes: 2 + 3 × 4.
    assert eng.minutes == 14
    with pytest.raises(PlayError, match="ended"):
        eng.take("e3")


def test_effects_apply_in_listed_order_edge_before_node() -> None:
    ds = build(
        [
            ("onset", "entry", 1, {"effects": {"a": "a + 1", "b": "a * 10"}}),
            ("next", "scene", 1, {"effects": {"b": "a + b", "half": "a / 2"}}),
            ("wake", "exit", 1),
        ],
        [("onset", "next", 1.0, None, {"a": "a + 4"}), ("next", "wake")],
        variables={"a": ("int", 0), "b": ("int", 0), "half": ("int", 0)},
    )
    eng = PlayEngine(ds)
    assert eng.variables == {"a": 1, "b": 10, "half": 0}
    step = eng.take("e1")
    # The edge sets a = 5 first; then the node reads it: b = 5 + 10; half = int(5 / 2).
    assert step.variables == {"a": 5, "b": 15, "half": 2}
    assert step.edge == "e1" and step.node == "next"


def test_stall_at_a_scene_with_no_enabled_edge() -> None:
    ds = build(
        [("onset", "entry"), ("room", "scene"), ("wake", "exit")],
        [("onset", "room"), ("room", "wake", 1.0, "key")],
        variables={"key": ("bool", False)},
    )
    eng = PlayEngine(ds)
    assert not eng.is_stalled
    eng.take("e1")
    assert eng.is_stalled and not eng.is_exit
    assert [c.enabled for c in eng.choices()] == [False]


def test_rewind_and_restart_restore_state() -> None:
    eng = PlayEngine(gated())
    assert eng.rewind() is False
    eng.take("e1")
    eng.take("e2")
    assert eng.variables["count"] == 2 and eng.minutes == 10
    assert eng.rewind() is True
    assert eng.current.id == "train" and eng.variables["count"] == 1 and eng.minutes == 6
    assert eng.rewind() is True
    assert eng.current.id == "onset" and eng.variables["count"] == 0
    eng.take("e1")
    eng.restart()
    assert eng.path == ["onset"] and eng.variables == {"count": 0}
    eng.restart(start="train")
    assert eng.path == ["train"] and eng.variables == {"count": 1}
    eng.restart()
    assert eng.path == ["train"], "restart without a start keeps the chosen start"


def test_start_anywhere_and_no_entry() -> None:
    ds = build([("a", "scene"), ("b", "exit")], [("a", "b")])
    with pytest.raises(PlayError, match="no single entry"):
        PlayEngine(ds)
    eng = PlayEngine(ds, start="a")
    eng.take("e1")
    assert eng.is_exit


def test_rebind_keeps_place_and_re_evaluates() -> None:
    ds = gated()
    eng = PlayEngine(ds)
    eng.take("e1")
    ops.UpdateEdge("e3", {"condition": "count >= 1"}).apply(ds)
    eng.rebind(ds)
    assert eng.current.id == "train" and eng.variables == {"count": 1}
    assert [c.enabled for c in eng.choices()] == [True, True]
    ops.AddEdge(Edge("e9", "train", "onset")).apply(ds)
    eng.rebind(ds)
    assert [c.edge.id for c in eng.choices()] == ["e2", "e3", "e9"]
    eng.take("e9")
    ops.RemoveNode("onset").apply(ds)
    eng.rebind(ds)
    # The scene the dreamer stood on is gone: step back to the last scene still there.
    assert eng.path == ["train"] and eng.variables == {"count": 1}


def test_rebind_after_removing_current_node_restarts_at_entry() -> None:
    ds = gated()
    eng = PlayEngine(ds)
    eng.take("e1")
    ops.RemoveNode("train").apply(ds)
    eng.rebind(ds)
    assert eng.path == ["onset"] and eng.choices() == []
    assert eng.is_stalled


def test_broken_condition_disables_edge_with_reason() -> None:
    ds = build([("onset", "entry"), ("wake", "exit")], [("onset", "wake", 1.0, "1 +")])
    eng = PlayEngine(ds)
    (choice,) = eng.choices()
    assert not choice.enabled and "syntax" in (choice.error or "")
    assert eng.is_stalled


def test_undeclared_name_reads_as_zero() -> None:
    ds = build([("onset", "entry"), ("wake", "exit")], [("onset", "wake", 1.0, "ghost == 0")])
    eng = PlayEngine(ds)
    assert eng.choices()[0].enabled
