"""RWD and TMP rules: reward loops, reward density, the night's length and stopping cues."""

from __future__ import annotations

from tests.lint.builders import build, chain, found, node


def _crate_loop(back_weight: float, out_weight: float):
    return build(
        [
            node("onset", "entry", minutes=1),
            node("anchor", "anchor", minutes=1),
            node("crate", "reward", minutes=1),
            node("arena", minutes=2),
            node("wake", "exit"),
        ],
        [
            ("onset", "anchor"),
            ("anchor", "crate"),
            ("crate", "arena"),
            ("arena", "crate", {"weight": back_weight}),
            ("arena", "wake", {"weight": out_weight}),
        ],
    )


def test_rwd001_reward_loop_holding_the_dreamer() -> None:
    (finding,) = found(_crate_loop(14, 1), "RWD001")  # 15 expected visits × 3 min = 45 min
    assert finding.nodes == ("crate", "arena")
    assert "45 expected minutes" in finding.message
    assert finding.message.endswith("one turn: crate → arena → crate")
    assert abs(finding.exceedance - 1.5) < 1e-9 and finding.points == 12.0


def test_rwd001_near_miss_short_loop_and_loop_without_reward() -> None:
    assert found(_crate_loop(1, 1), "RWD001") == []  # 6 minutes
    ds = _crate_loop(14, 1)
    ds.node("crate").kind = "scene"
    assert found(ds, "RWD001") == []


def test_rwd002_rewards_every_minute() -> None:
    nodes, edges = chain(
        ("onset", "entry"), ("coin", "reward"), ("gem", "reward"), ("wake", "exit"), minutes=1
    )
    (finding,) = found(build(nodes, edges), "RWD002")
    assert "0.67 per minute" in finding.message and set(finding.nodes) == {"coin", "gem"}


def test_rwd002_near_miss_rewards_spaced_out() -> None:
    nodes, edges = chain(
        ("onset", "entry"), ("coin", "reward"), ("gem", "reward"), ("wake", "exit"), minutes=2
    )
    assert found(build(nodes, edges), "RWD002") == []  # 2 rewards in 6 minutes


def _timed(*minutes: float):
    nodes = [node("onset", "entry", minutes=minutes[0])]
    nodes += [node(f"s{i}", minutes=m) for i, m in enumerate(minutes[1:])]
    nodes += [node("wake", "exit")]
    return build(nodes, [(a.id, b.id) for a, b in zip(nodes, nodes[1:], strict=False)])


def test_tmp001_expected_dream_outlasts_the_night() -> None:
    (finding,) = found(_timed(60, 60), "TMP001")
    assert "120 minutes" in finding.message and finding.severity == "error"
    assert found(_timed(50, 50), "TMP001") == []


def test_tmp001_unbounded_when_some_dreamers_never_exit() -> None:
    ds = build(
        [node("onset", "entry"), node("a"), node("b"), node("wake", "exit")],
        [("onset", "a"), ("onset", "wake"), ("a", "b"), ("b", "a")],
    )
    (finding,) = found(ds, "TMP001")
    assert "never reach an exit" in finding.message and finding.exceedance == 2.0


def test_tmp002_median_dreamer_spans_many_rem_windows() -> None:
    ds = _timed(2, 28, 30)  # 60 dream minutes over REM windows of 10, 15, 20, 25, 35
    (finding,) = found(ds, "TMP002")
    assert "spans 4 REM windows" in finding.message
    assert found(_timed(2, 10), "TMP002") == []  # 12 minutes: the first two windows


def test_tmp003_long_stretch_without_a_stopping_cue() -> None:
    ds = build(
        [
            node("onset", "entry", minutes=2),
            node("arena", minutes=50),
            node("lantern", "anchor"),
            node("wake", "exit"),
        ],
        [("onset", "arena"), ("arena", "lantern"), ("lantern", "wake")],
    )
    (finding,) = found(ds, "TMP003")
    assert finding.nodes == ("arena",) and "52 minutes" in finding.message
    ds.node("arena").minutes = 40
    assert found(ds, "TMP003") == []


def test_tmp003_threshold_is_configurable() -> None:
    ds = build(
        [node("onset", "entry", minutes=2), node("arena", minutes=40), node("wake", "exit")],
        [("onset", "arena"), ("arena", "wake")],
    )
    assert found(ds, "TMP003") == []
    assert len(found(ds, "TMP003", rules={"TMP003": {"max_minutes": 30}})) == 1
