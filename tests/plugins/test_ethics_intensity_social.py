"""INT and SOC rules: escalation, young audiences, abrupt endings, anchors, people, and text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adjuster_studio_ethics.social import find_phrases
from studio.lint import apply_fixes
from studio.model import Edge
from tests.lint.builders import build, chain, found, node, run

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "ethics"


def _rising(levels: list[float], after: float):
    nodes = [node("onset", "entry", intensity=levels[0])]
    nodes += [node(f"s{i}", intensity=v) for i, v in enumerate(levels[1:])]
    nodes += [node("after", intensity=after), node("wake", "exit", intensity=after)]
    return build(nodes, [(a.id, b.id) for a, b in zip(nodes, nodes[1:], strict=False)])


def test_int001_four_rising_steps_without_cooldown() -> None:
    (finding,) = found(_rising([0.1, 0.2, 0.3, 0.5, 0.6], after=0.5), "INT001")
    assert finding.nodes[0] == "s3" and "rises 4 steps" in finding.message
    assert "0.1 → 0.2 → 0.3 → 0.5 → 0.6" in finding.message


def test_int001_near_misses_three_steps_or_a_cooldown_after_the_peak() -> None:
    assert found(_rising([0.1, 0.2, 0.3, 0.5], after=0.45), "INT001") == []
    assert found(_rising([0.1, 0.2, 0.3, 0.5, 0.6], after=0.2), "INT001") == []


def test_int001_long_simulated_stretch_above_high_intensity() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("storm", intensity=0.8, minutes=25),
            node("calm", intensity=0.2),
            node("wake", "exit"),
        ],
        [("onset", "storm"), ("storm", "calm"), ("calm", "wake")],
    )
    (finding,) = found(ds, "INT001")
    assert finding.nodes == ("storm",) and "above intensity 0.7" in finding.message
    ds.node("storm").minutes = 15
    assert found(ds, "INT001") == []


def test_int001_owns_the_intensity_levels_the_simulation_measures() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("storm", intensity=0.8, minutes=25),
            node("calm", intensity=0.2),
            node("wake", "exit"),
        ],
        [("onset", "storm"), ("storm", "calm"), ("calm", "wake")],
    )
    report = run(ds, ["INT001"])
    assert (report.simulation.longest_high_minutes == 25).all()
    # Raising the rule's level above the storm: the simulation follows, the finding goes.
    raised = run(ds, ["INT001"], rules={"INT001": {"high_intensity": 0.85}})
    assert (raised.simulation.longest_high_minutes == 0).all()
    assert [f for f in raised.findings if f.code == "INT001"] == []


def test_int002_young_audience_nightmare_and_intensity() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("hollow", "nightmare", intensity=0.5),
            node("boss", intensity=0.85),
            node("wake", "exit"),
        ],
        [("onset", "hollow"), ("hollow", "boss"), ("boss", "wake")],
        audience="teen",
    )
    by_node = {f.nodes[0]: f for f in found(ds, "INT002")}
    assert set(by_node) == {"hollow", "boss"}
    assert "nightmare" in by_node["hollow"].message and by_node["hollow"].severity == "error"
    assert by_node["boss"].points == pytest.approx(20 * (1 + 0.05 / 0.8))


def test_int002_near_misses_adult_audience_and_intensity_at_the_limit() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("hollow", "nightmare"),
            node("boss", intensity=0.8),
            node("wake", "exit"),
        ],
        [("onset", "hollow"), ("hollow", "boss"), ("boss", "wake")],
        audience="adult",
    )
    assert found(ds, "INT002") == []
    ds.meta.audience = "child"
    ds.node("hollow").kind = "scene"
    assert found(ds, "INT002") == []


def _abrupt(level: float):
    return build(
        [
            node("onset", "entry", intensity=0.2),
            node("lantern", "anchor"),
            node("finale", intensity=level, x=100, y=0),
            node("wake", "exit", x=300, y=0, intensity=0.1),
        ],
        [("onset", "lantern"), ("lantern", "finale"), ("finale", "wake")],
    )


def test_int003_abrupt_exit_and_the_settling_fix() -> None:
    ds = _abrupt(0.9)
    (finding,) = found(ds, "INT003")
    assert finding.edges == ("e3",) and finding.nodes == ("finale", "wake")
    applied = apply_fixes(ds, run(ds), codes=["INT003"])
    assert len(applied) == 1
    settle = ds.node(ds.edge("e3").target)
    assert settle.kind == "scene" and settle.intensity < 0.4 and settle.title == "Settling"
    assert [e.target for e in ds.out_edges(settle.id)] == ["wake"]
    assert (settle.x, settle.y) == (200, 60)
    assert found(ds, "INT003") == []


def test_int003_near_miss_at_the_limit() -> None:
    assert found(_abrupt(0.7), "INT003") == []


def test_soc001_no_anchor_reachable() -> None:
    nodes, edges = chain(("onset", "entry"), ("mae", "social"), ("wake", "exit"))
    (finding,) = found(build(nodes, edges), "SOC001")
    assert "no anchor" in finding.message and finding.exceedance == 2.0


def test_soc001_too_few_finishing_dreamers_pass_an_anchor() -> None:
    ds = build(
        [node("onset", "entry"), node("lantern", "anchor"), node("wake", "exit")],
        [("onset", "lantern"), ("onset", "wake"), ("lantern", "wake")],
    )
    (finding,) = found(ds, "SOC001")
    assert finding.nodes == ("lantern",)
    share = int(re.search(r"only (\d+)%", finding.message).group(1))
    assert 40 <= share <= 60


def test_soc001_near_miss_anchor_on_every_path() -> None:
    nodes, edges = chain(("onset", "entry"), ("lantern", "anchor"), ("wake", "exit"))
    assert found(build(nodes, edges), "SOC001") == []


def test_soc002_isolation() -> None:
    ds = build(
        [
            node("onset", "entry"),
            node("lantern", "anchor"),
            node("mae", "social"),
            node("wake", "exit"),
        ],
        [("onset", "lantern"), ("lantern", "wake"), ("mae", "wake")],
    )
    assert len(found(ds, "SOC002")) == 1  # the social scene exists but cannot be reached
    ds.insert_edge(Edge("e9", "lantern", "mae"))
    assert found(ds, "SOC002") == []


def test_soc003_text_and_label_report_the_phrase() -> None:
    ds = build(
        [
            node("onset", "entry", text="Day-streak bonus! COME BACK TOMORROW, champion."),
            node("arena", text="Don’t leave now — your squad is waiting."),
            node("wake", "exit"),
        ],
        [("onset", "arena", {"label": "Just one more"}), ("arena", "wake")],
    )
    by_where = {f.location: f.message for f in found(ds, "SOC003")}
    assert set(by_where) == {"onset", "arena", "e1"}
    assert '"come back tomorrow"' in by_where["onset"]
    assert '"don\'t leave"' in by_where["arena"] and '"your squad is waiting"' in by_where["arena"]
    assert '"just one more"' in by_where["e1"]


def test_soc003_near_miss_word_boundaries_and_kind_words() -> None:
    ds = build(
        [
            node("onset", "entry", text="Don't leaven the bread. Come back to bed tomorrow."),
            node("wake", "exit", text="One friendly rally, or rest. Both are good choices."),
        ],
        [("onset", "wake")],
    )
    assert found(ds, "SOC003") == []


def test_soc004_escape_framing() -> None:
    ds = build(
        [
            node(
                "onset", "entry", text="Forget your problems. In here it's better than real life."
            ),
            node("wake", "exit"),
        ],
        [("onset", "wake")],
    )
    (finding,) = found(ds, "SOC004")
    assert finding.severity == "info" and finding.points == 2
    assert '"forget your problems"' in finding.message
    assert '"better than real life"' in finding.message
    near = build(
        [
            node("onset", "entry", text="Dreams are a place to visit, not a place to live."),
            node("wake", "exit"),
        ],
        [("onset", "wake")],
    )
    assert found(near, "SOC004") == []


@pytest.mark.parametrize("filename", ["implied_obligation.txt", "escape_framing.txt"])
def test_every_listed_phrase_is_found_in_any_case(filename: str) -> None:
    phrases = [
        line.strip()
        for line in (PLUGIN / filename).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(phrases) >= 20
    for phrase in phrases:
        assert find_phrases(f"“{phrase.upper()}!”", filename) == [phrase]
        assert find_phrases(f"x{phrase}", filename) == []


@settings(max_examples=80, deadline=None)
@given(
    before=st.text(alphabet=' .,!?;:()\n—-"', max_size=5),
    after=st.text(alphabet=' .,!?;:()\n—-"', max_size=5),
    glue=st.sampled_from("abcxyz019_"),
)
def test_phrases_match_on_word_boundaries_only(before: str, after: str, glue: str) -> None:
    assert find_phrases(f"{before}come back tomorrow{after}", "implied_obligation.txt") == [
        "come back tomorrow"
    ]
    assert find_phrases(f"{glue}come back tomorrow", "implied_obligation.txt") == []
    assert find_phrases(f"come back tomorrow{glue}", "implied_obligation.txt") == []


def test_phrases_are_found_per_text_in_one_scan_and_never_across_two() -> None:
    from adjuster_studio_ethics.social import phrases_by_text

    texts = ["Mae waves: COME BACK", "tomorrow, Jamie", "", "Don’t leave… come back soon"]
    found = phrases_by_text(texts, "implied_obligation.txt")
    assert found == {3: ["don't leave", "come back soon"]}


def test_a_letter_whose_lower_case_is_longer_does_not_shift_later_texts() -> None:
    from adjuster_studio_ethics.social import phrases_by_text

    texts = ["İ" * 40, "come back tomorrow", "x", "Mae waves"]
    assert phrases_by_text(texts, "implied_obligation.txt") == {1: ["come back tomorrow"]}
