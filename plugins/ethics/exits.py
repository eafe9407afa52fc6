"""Leaving must always be possible and never harder than staying (EXT rules)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from studio.analysis.explain import describe_walk, scene_graph, way_in
from studio.lint import Finding, Fix, Rule, exceedance_above, exceedance_below
from studio.model.ops import Op, UpdateEdge

if TYPE_CHECKING:
    from studio.lint import LintContext
    from studio.model import Dreamscape

TERMINATION = (
    "ICD-11 6C51 gaming disorder (impaired control over termination); "
    "EU DSA Art. 25(3)(c) (leaving no harder than entering)"
)


def _names(ids: list[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{i}'" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


class NoExit(Rule):
    code = "EXT001"
    name = "no-exit"
    severity = "error"
    fatal = True
    rationale = (
        "A dream with no reachable exit (under the conditions, for every valuation a "
        "dreamer can have) can never hand the sleeper back to natural sleep."
    )
    source = TERMINATION
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        if any(e in a.reachable for e in a.exits):
            return
        if a.exits:
            message = (
                f"no exit is reachable from the entry (the exits {_names(a.exits)} "
                "never open for any reachable valuation): the dream can never end"
            )
        else:
            message = "the dreamscape has no exit node: the dream can never end"
        yield self.finding(message + a.partial_note(), nodes=[a.entry])


class ExitTrap(Rule):
    code = "EXT002"
    name = "exit-trap"
    severity = "error"
    fatal = True
    rationale = (
        "A reachable state from which no choice leads to an exit (a closed loop, for the "
        "values the dreamer has there) captures every dreamer who enters it for the night."
    )
    source = "Zagal et al. 2013 (dark game design patterns); " + TERMINATION
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        if not any(e in a.reachable for e in a.exits):
            return  # EXT001 already says the whole dream is a trap
        ds = ctx.ds
        looped = {n for region in a.closed_regions for n in region}
        feeders = [n for n in a.trap_nodes if n not in looped]
        graph = scene_graph(ds) if a.closed_regions else None
        for region in a.closed_regions:
            w = _trap_witness(a, region)
            members = set(region)
            doors = [e.id for n in region for e in ds.in_edges(n) if e.source not in members]
            lead_in = [
                e.source
                for n in region
                for e in ds.in_edges(n)
                if e.source not in members and e.source in feeders
            ]
            extra = f"; {_names(sorted(set(lead_in)))} lead only into it" if lead_in else ""
            route = f"; shortest walk in: {w.text()}" if w is not None else ""
            if not route and graph is not None and a.entry:
                way = way_in(graph, a.entry, region)
                route = f"; the way in: {describe_walk(ds, way)}" if len(way) > 1 else ""
            yield self.finding(
                f"closed loop with no way out: {_names(region)} — no exit can be reached from "
                f"here, so a dreamer who enters stays until the night ends{extra}{route}"
                + a.partial_note(),
                nodes=region,
                edges=doors,
                witness=w,
            )


def _trap_witness(a: Any, region: list[str]) -> Any:
    """The analysis's shortest walk into a trap that ends in this region."""
    members = set(region)
    for w in a.witnesses:
        if w.kind == "trap" and any(step.scene in members for step in w.steps):
            return w
    return None


class DeepExit(Rule):
    code = "EXT003"
    name = "deep-exit"
    severity = "warning"
    rationale = (
        "When the nearest exit is many choices away (for the values the dreamer has "
        "there), stopping takes sustained effort "
        "the sleeper may not have; an exit should always be close at hand."
    )
    source = "Gray et al. CHI 2018 (obstruction); " + TERMINATION
    thresholds = {"warn_steps": 6, "error_steps": 12}
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        limits = ctx.thresholds(self)
        depths = {n: s for n, s in a.steps_to_exit.items() if n in a.reachable and s is not None}
        if not depths:
            return
        deepest = max(depths.values())
        if deepest > limits["error_steps"]:
            severity, limit = "error", limits["error_steps"]
        elif deepest > limits["warn_steps"]:
            severity, limit = "warning", limits["warn_steps"]
        else:
            return
        far = [n.id for n in ctx.ds.nodes if depths.get(n.id) == deepest]
        fastest = a.scenes.get(far[0], {}).get("leaving", {}).get("expected_minutes", [None])
        minutes = fastest[-1] if fastest else None
        even = (
            f"; even a dreamer who wants to wake needs {minutes:.0f} expected minutes from "
            f"'{far[0]}'"
            if minutes is not None
            else ""
        )
        yield self.finding(
            f"{_names(far, 3)} {'is' if len(far) == 1 else 'are'} {deepest} steps from the "
            f"nearest exit (more than {limit:g}){even}" + a.partial_note(),
            nodes=far,
            severity=severity,
            exceedance=exceedance_above(deepest, limit),
        )


class GatedExit(Rule):
    code = "EXT004"
    name = "gated-exit"
    severity = "warning"
    rationale = (
        "If every way out is behind a condition, leaving has to be earned; the "
        "sleeper must always be free to stop."
    )
    source = "Gray et al. CHI 2018 (obstruction); Mathur et al. 2019 (hard to cancel)"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        exits = [n.id for n in ds.nodes if n.kind == "exit"]
        into = [e for x in exits for e in ds.in_edges(x)]
        if into and all(e.condition and e.condition.strip() for e in into):
            conditions = sorted({e.condition or "" for e in into})
            yield self.finding(
                f"every way into an exit has a condition ({'; '.join(conditions[:3])}"
                f"{'; …' if len(conditions) > 3 else ''}): leaving must be earned",
                nodes=sorted({e.target for e in into}, key=exits.index),
                edges=[e.id for e in into],
            )


class ExitAsymmetry(Rule):
    code = "EXT005"
    name = "exit-asymmetry"
    severity = "warning"
    fixable = True
    rationale = (
        "An exit offered with a tiny share of the weight is an exit in name only: "
        "the way out should be a real choice, not a hidden one."
    )
    source = (
        "Mathur et al. 2019 (asymmetric choices); Gray et al. CHI 2018 "
        "(interface interference); EU DSA Art. 25(3)(c)"
    )
    thresholds = {"min_share": 0.1}

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        limit = ctx.thresholds(self)["min_share"]
        reachable = ctx.reachable_ids()
        exits = {n.id for n in ds.nodes if n.kind == "exit"}
        for node in ds.nodes:
            if node.kind == "exit" or node.id not in reachable:
                continue
            out = ds.out_edges(node.id)
            to_exit = [e for e in out if e.target in exits]
            if not to_exit:
                continue
            share = sum(e.weight for e in to_exit) / sum(e.weight for e in out)
            if share < limit:
                yield self.finding(
                    f"'{node.display_title}' offers an exit with only {share:.1%} of the weight "
                    f"(at least {limit:.0%} expected)",
                    nodes=[node.id],
                    edges=[e.id for e in to_exit],
                    exceedance=exceedance_below(share, limit),
                    fix=_raise_exit_share(node.id, limit),
                )


class InfiniteTreadmill(Rule):
    code = "EXT006"
    name = "infinite-treadmill"
    severity = "warning"
    rationale = (
        "A loop through a reward scene that a dreamer can choose to stay in forever, with "
        "no anchor or social scene on it, never offers a natural point to stop: the more "
        "compulsive the dreamer, the longer the night it takes."
    )
    source = (
        'Zagal et al. 2013 ("infinite treadmill"); Center for Humane Technology (stopping '
        "cues); ICD-11 6C51 (impaired control over duration)"
    )
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        from studio.analysis import treadmills

        a = ctx.analysis
        if a.space is None:
            return
        for mill in treadmills(a.space):
            yield self.finding(
                f"a dreamer who keeps choosing to stay can loop forever through "
                f"{_names(mill.rewards, 3)} ({len(mill.scenes)} scenes, no anchor or social "
                f"scene on the loop), declining {_names(mill.exits_declined, 3)}; the loop: "
                f"{mill.witness.text()}" + a.partial_note(),
                nodes=mill.rewards + [n for n in mill.scenes if n not in mill.rewards],
                edges=mill.exits_declined,
                witness=mill.witness,
            )


def raised_exit_weights(ds: Dreamscape, node_id: str, share: float) -> dict[str, float]:
    """New weights for a node's exit edges so that together they hold `share` of the weight."""
    exits = {n.id for n in ds.nodes if n.kind == "exit"}
    out = ds.out_edges(node_id)
    to_exit = [e for e in out if e.target in exits]
    exit_w = sum(e.weight for e in to_exit)
    other_w = sum(e.weight for e in out if e.target not in exits)
    if not to_exit or exit_w <= 0 or other_w <= 0 or exit_w / (exit_w + other_w) >= share:
        return {}
    target = share * other_w / (1.0 - share)
    # Split the target by each edge's part of the exit weight (never a factor over a tiny
    # weight, which overflows); round up to 4 decimals; while float division still lands a
    # hair below the share, step each weight up (by at least one ulp, so big weights move too).
    new = {e.id: math.ceil(target * (e.weight / exit_w) * 10_000) / 10_000 for e in to_exit}
    while (total := sum(new.values())) / (total + other_w) < share:
        new = {k: v + max(1e-4, math.ulp(v)) for k, v in new.items()}
    return new


def _raise_exit_share(node_id: str, share: float) -> Fix:
    def make(ds: Dreamscape) -> list[Op]:
        if not ds.has_node(node_id):
            return []
        return [
            UpdateEdge(edge_id, {"weight": w}, "Raise the exit's weight")
            for edge_id, w in raised_exit_weights(ds, node_id, share).items()
        ]

    return Fix(f"raise the weight of the exit from '{node_id}' to {share:.0%} of its choices", make)
