"""Exit, reward and time rules on the exact analysis: each with a trigger and a near miss."""

from __future__ import annotations

from studio.model import Edge
from tests.lint.builders import build, found, node


def _gated(condition: str, effects: dict[str, str] | None = None) -> Edge:
    return Edge("e_out", "hub", "wake", condition=condition, effects=effects or {})


def trap_design(cellar_closes: bool):
    cellar = node("cellar", effects={"open": "false"} if cellar_closes else {})
    return build(
        [node("onset", "entry", minutes=1), node("hub", minutes=2), cellar, node("wake", "exit")],
        [("onset", "hub"), _gated("open"), ("hub", "cellar"), ("cellar", "hub")],
        variables={"open": ("bool", True)},
    )


def test_ext002_trap_behind_an_effect_and_near_miss() -> None:
    hits = found(trap_design(True), "EXT002")
    assert hits and hits[0].fatal and hits[0].witness is not None
    assert "shortest walk in" in hits[0].message
    assert found(trap_design(False), "EXT002") == []


def test_ext001_exit_that_never_opens_and_near_miss() -> None:
    def design(gain: str) -> object:
        return build(
            [
                node("onset", "entry", minutes=1, effects={"key": gain}),
                node("hub"),
                node("wake", "exit"),
            ],
            [("onset", "hub"), _gated("key >= 1"), ("hub", "hub")],
            variables={"key": ("int", 0)},
        )

    assert "never open" in found(design("key"), "EXT001")[0].message
    assert found(design("key + 1"), "EXT001") == []


def treadmill(anchor_on_loop: bool):
    kind = "anchor" if anchor_on_loop else "scene"
    return build(
        [
            node("onset", "entry", minutes=1),
            node("door", "choice", minutes=1),
            node("spin", "reward", minutes=2),
            node("pause", kind, minutes=1),
            node("wake", "exit"),
        ],
        [
            ("onset", "door"),
            ("door", "wake"),
            ("door", "spin"),
            ("spin", "pause"),
            ("pause", "door"),
        ],
    )


def test_ext006_infinite_treadmill_and_near_miss() -> None:
    hits = found(treadmill(False), "EXT006")
    assert len(hits) == 1 and "spin" in hits[0].nodes and hits[0].edges == ("e2",)
    assert hits[0].witness is not None and "⟲" in hits[0].message
    assert found(treadmill(True), "EXT006") == []


def test_ext006_closed_loop_is_a_trap_not_a_treadmill() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("door", "choice"),
            node("spin", "reward"),
            node("wake", "exit"),
        ],
        [("onset", "door"), ("onset", "wake"), ("door", "spin"), ("spin", "door")],
    )
    assert found(ds, "EXT006") == [] and found(ds, "EXT002")


def test_ext003_counts_steps_for_the_values_the_dreamer_has() -> None:
    def design(need: int) -> object:
        return build(
            [
                node("onset", "entry", minutes=1),
                node("hub", minutes=1, effects={"n": "n + 1"}),
                node("wake", "exit"),
            ],
            [("onset", "hub"), ("hub", "hub"), _gated(f"n >= {need}")],
            variables={"n": ("int", 0)},
        )

    hits = found(design(10), "EXT003")
    assert hits and "steps from the nearest exit" in hits[0].message
    assert "wants to wake needs" in hits[0].message
    assert found(design(3), "EXT003") == []


def test_tmp001_says_how_many_never_leave() -> None:
    def design(trap_weight: float) -> object:
        return build(
            [
                node("onset", "entry", minutes=1),
                node("hub", minutes=1),
                node("pit", minutes=1),
                node("wake", "exit"),
            ],
            [
                ("onset", "hub"),
                ("hub", "wake", {"weight": 1.0}),
                ("hub", "pit", {"weight": trap_weight}),
                ("pit", "pit"),
            ],
        )

    hit = found(design(499.0), "TMP001")[0]
    assert hit.message.startswith("99.8% of typical dreamers never reach an exit")
    assert "exit probability 0.2%" in hit.message and hit.witness is not None
    assert found(design(0.0001), "TMP001") != []  # still some never leave
    near = build(
        [node("onset", "entry", minutes=1), node("hub", minutes=1), node("wake", "exit")],
        [("onset", "hub"), ("hub", "wake")],
    )
    assert found(near, "TMP001") == []


def test_rwd001_uses_the_conditions() -> None:
    def design(gate: str) -> object:
        return build(
            [
                node("onset", "entry", minutes=1),
                node("slot", "reward", minutes=5),
                node("wake", "exit"),
            ],
            [
                ("onset", "slot"),
                ("slot", "slot", {"weight": 9.0, "condition": gate}),
                ("slot", "wake"),
            ],
            variables={"spins": ("int", 0)},
        )

    assert found(design("true"), "RWD001")
    # The loop is gated shut for every valuation: no dwell at all.
    assert found(design("spins > 0"), "RWD001") == []
