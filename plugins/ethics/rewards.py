"""Rewards that keep the dreamer pulling the lever (RWD rules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from studio.analysis.explain import describe_walk, scene_graph, shortest_loop
from studio.lint import FactsUnavailable, Finding, Rule, exceedance_above

if TYPE_CHECKING:
    from studio.lint import LintContext

VARIABLE_RATIO = (
    "Drummond & Sauer 2018 (variable-ratio rewards in loot boxes); "
    'Zagal et al. 2013 ("infinite treadmill")'
)


class VariableRewardLoop(Rule):
    code = "RWD001"
    name = "variable-reward-loop"
    severity = "warning"
    rationale = (
        "A loop that pays out a prize at random intervals is a slot machine: the "
        "longer the typical dreamer is expected to spin in it (exactly, under the "
        "conditions), the harder it is to stop."
    )
    source = VARIABLE_RATIO
    thresholds = {"max_dwell_minutes": 30}
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        ds = ctx.ds
        limit = ctx.thresholds(self)["max_dwell_minutes"]
        graph = None
        for loop in a.cycles:
            prizes = [n for n in loop if ds.node(n).kind == "reward"]
            if not prizes:
                continue
            dwell = a.expected_dwell(loop)
            if dwell is not None and dwell <= limit:
                continue
            held = (
                "without end (it is a closed loop)"
                if dwell is None
                else f"{dwell:.0f} expected minutes a night"
            )
            others = [n for n in loop if ds.node(n).kind != "reward"]
            graph = graph if graph is not None else scene_graph(ds)
            spin = shortest_loop(graph, prizes[0], loop)
            yield self.finding(
                f"a loop of {len(loop)} scenes paying out rewards ({', '.join(prizes[:4])}"
                f"{', …' if len(prizes) > 4 else ''}) holds the typical dreamer {held} "
                f"(more than {limit:g}); one turn: {describe_walk(ds, spin)}" + a.partial_note(),
                nodes=prizes + others,
                exceedance=exceedance_above(float("inf") if dwell is None else dwell, limit),
            )


class RewardDensity(Rule):
    code = "RWD002"
    name = "reward-density"
    severity = "warning"
    rationale = (
        "Prizes arriving faster than every couple of dream minutes turn a story into "
        "a reward schedule that trains the dreamer to keep going."
    )
    source = VARIABLE_RATIO
    thresholds = {"max_per_minute": 0.5}
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        ds = ctx.ds
        limit = ctx.thresholds(self)["max_per_minute"]
        minutes = a.expected_minutes
        if minutes is None:
            raise FactsUnavailable(
                "expected dream minutes are unbounded (some dreamers never reach an exit)"
            )
        if minutes <= 0:
            return
        total = 0.0
        top: list[tuple[float, str]] = []
        for node in ds.nodes:
            visits = a.expected_visits.get(node.id)
            if node.reward > 0 and node.kind != "exit" and visits:
                total += visits * node.reward
                top.append((visits * node.reward, node.id))
        density = total / minutes
        if density > limit:
            top.sort(key=lambda t: -t[0])
            yield self.finding(
                f"{total:.1f} rewards in {minutes:.0f} expected dream minutes: "
                f"{density:.2f} per minute (more than {limit:g})" + a.partial_note(),
                nodes=[n for _, n in top],
                exceedance=exceedance_above(density, limit),
            )
