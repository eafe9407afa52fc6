"""EXT rules: leaving must be possible, close at hand, ungated and a real choice."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adjuster_studio_ethics.exits import raised_exit_weights
from studio.lint import apply_fixes
from studio.model.ops import apply_all
from tests.lint.builders import build, chain, found, node, run


def test_ext001_no_reachable_exit_is_fatal() -> None:
    ds = build(
        [node("onset", "entry"), node("arena"), node("wake", "exit")],
        [("onset", "arena"), ("arena", "onset")],
    )
    ds.node("onset").lint_ignore = {"EXT001": "trying to hide it"}
    report = run(ds)
    (finding,) = [f for f in report.findings if f.code == "EXT001"]
    assert finding.fatal and not finding.suppressed and "'wake'" in finding.message
    assert report.score == 100 and report.band == "critical" and report.blocked and report.fatal
    no_exit = build(
        [node("onset", "entry"), node("arena")], [("onset", "arena"), ("arena", "onset")]
    )
    assert "no exit node" in found(no_exit, "EXT001")[0].message


def test_ext001_near_miss_reachable_exit() -> None:
    ds = build(
        [node("onset", "entry"), node("arena"), node("wake", "exit")],
        [("onset", "arena"), ("arena", "onset"), ("arena", "wake", {"weight": 0.2})],
    )
    assert found(ds, "EXT001") == []


def test_ext002_closed_loop_is_reported_with_its_doors() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("hub"),
            node("vault_door"),
            node("spin"),
            node("bonus"),
            node("wake", "exit"),
        ],
        [
            ("onset", "hub"),
            ("hub", "wake"),
            ("hub", "vault_door"),
            ("vault_door", "spin"),
            ("spin", "bonus"),
            ("bonus", "spin"),
        ],
    )
    report = run(ds)
    (finding,) = [f for f in report.findings if f.code == "EXT002"]
    assert finding.nodes == ("spin", "bonus") and finding.edges == ("e4",)
    assert "'vault_door'" in finding.message and finding.fatal
    assert finding.message.endswith("shortest walk in: onset → hub → vault_door → spin")
    assert report.score == 100


def test_ext002_near_miss_loop_with_a_way_out() -> None:
    ds = build(
        [node("onset", "entry"), node("hub"), node("spin"), node("bonus"), node("wake", "exit")],
        [
            ("onset", "hub"),
            ("hub", "spin"),
            ("spin", "bonus"),
            ("bonus", "spin"),
            ("bonus", "wake", {"weight": 0.5}),
        ],
    )
    assert found(ds, "EXT002") == []


def _line(scenes: int):
    nodes, edges = chain(
        ("onset", "entry"),
        *[(f"s{i}", "scene") for i in range(scenes)],
        ("wake", "exit"),
        minutes=1,
        intensity=0.2,
    )
    return build(nodes, edges)


def test_ext003_deep_exit_warning_then_error() -> None:
    (warn,) = found(_line(7), "EXT003")  # onset is 8 steps from the exit
    assert warn.severity == "warning" and warn.nodes == ("onset",)
    assert warn.exceedance == 8 / 6
    (err,) = found(_line(13), "EXT003")  # 14 steps
    assert err.severity == "error" and err.points == round(20 * (1 + 2 / 12), 2)


def test_ext003_near_miss_and_configured_threshold() -> None:
    assert found(_line(5), "EXT003") == []  # exactly 6 steps
    assert found(_line(7), "EXT003", rules={"EXT003": {"warn_steps": 8}}) == []


def test_ext004_every_way_out_gated() -> None:
    ds = build(
        [node("onset", "entry"), node("arena"), node("wake", "exit")],
        [("onset", "arena"), ("arena", "onset"), ("arena", "wake", {"condition": "tokens >= 12"})],
        variables={"tokens": ("int", 0)},
    )
    (finding,) = found(ds, "EXT004")
    assert finding.edges == ("e3",) and "tokens >= 12" in finding.message
    ds.edge("e3").condition = None
    assert found(ds, "EXT004") == []


def test_ext004_near_miss_one_open_exit_among_gated_ones() -> None:
    ds = build(
        [node("onset", "entry"), node("arena"), node("wake", "exit"), node("late", "exit")],
        [("onset", "arena"), ("arena", "wake"), ("arena", "late", {"condition": "tokens >= 12"})],
        variables={"tokens": ("int", 0)},
    )
    assert found(ds, "EXT004") == []


def _hub(exit_weight: float, other_weight: float):
    return build(
        [node("onset", "entry"), node("hub"), node("arena"), node("wake", "exit")],
        [
            ("onset", "hub"),
            ("hub", "arena", {"weight": other_weight}),
            ("hub", "wake", {"weight": exit_weight}),
            ("arena", "hub"),
        ],
    )


def test_ext005_hidden_exit_and_points() -> None:
    ds = _hub(0.5, 9.5)
    (finding,) = found(ds, "EXT005")
    assert finding.nodes == ("hub",) and finding.edges == ("e3",)
    assert "5.0%" in finding.message
    assert finding.points == 8 * 1.5


def test_ext005_near_miss_share_exactly_at_threshold() -> None:
    assert found(_hub(1, 9), "EXT005") == []


def test_ext005_fix_raises_the_exit_to_the_threshold_and_undoes() -> None:
    ds = _hub(0.5, 9.5)
    report = run(ds)
    assert any(d.startswith("EXT005") for d in apply_fixes(ds, report, codes=["EXT"]))
    assert ds.edge("e3").weight == 1.0556
    assert found(ds, "EXT005") == []
    # The same edit through ops is undoable exactly.
    ds2 = _hub(0.5, 9.5)
    (finding,) = found(ds2, "EXT005")
    inverse = apply_all(ds2, finding.fix.make_ops(ds2))
    inverse.apply(ds2)
    assert ds2.edge("e3").weight == 0.5


@settings(max_examples=60, deadline=None)
@given(
    exits=st.lists(st.floats(0.001, 5), min_size=1, max_size=3),
    others=st.lists(st.floats(0.01, 50), min_size=1, max_size=4),
    share=st.sampled_from([0.05, 0.1, 0.2, 0.33]),
)
def test_ext005_raised_weights_always_reach_the_share(
    exits: list[float], others: list[float], share: float
) -> None:
    nodes = [node("onset", "entry"), node("hub")]
    nodes += [node(f"o{i}") for i in range(len(others))]
    nodes += [node(f"x{i}", "exit") for i in range(len(exits))]
    edges = [("onset", "hub")]
    edges += [("hub", f"o{i}", {"weight": w}) for i, w in enumerate(others)]
    edges += [("hub", f"x{i}", {"weight": w, "id": f"ex{i}"}) for i, w in enumerate(exits)]
    ds = build(nodes, edges)
    new = raised_exit_weights(ds, "hub", share)
    total_exit = sum(new.get(f"ex{i}", w) for i, w in enumerate(exits))
    assert total_exit / (total_exit + sum(others)) >= share
    if sum(exits) / (sum(exits) + sum(others)) >= share:
        assert new == {}
