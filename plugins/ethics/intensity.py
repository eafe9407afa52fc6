"""Intensity must rise and fall, stay gentle for the young, and settle before waking (INT rules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from studio.lint import Finding, Fix, Rule, exceedance_above
from studio.model import Edge, Node
from studio.model.ops import AddEdge, AddNode, Op, UpdateEdge

from .timing import stretch_finding

if TYPE_CHECKING:
    from studio.lint import LintContext
    from studio.model import Dreamscape

COOLDOWN = 0.4  # below this a scene lets arousal settle
HIGH = 0.7  # above this a scene counts as intense


class EscalationNoCooldown(Rule):
    code = "INT001"
    name = "escalation-no-cooldown"
    severity = "warning"
    rationale = (
        "Escalation with no release keeps arousal climbing, the opposite of what "
        "sleep needs, and makes each next scene harder to walk away from."
    )
    source = (
        "Zagal et al. 2013 (dark game design patterns); Center for Humane Technology "
        "(stopping cues)"
    )
    # high_intensity and cooldown_intensity also set the levels the shared simulation measures.
    thresholds = {
        "rising_steps": 4,
        "high_minutes": 20,
        "percentile": 90,
        "high_intensity": HIGH,
        "cooldown_intensity": COOLDOWN,
    }
    needs = ("analysis", "simulation")

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        limits = ctx.thresholds(self)
        cooldown, high = limits["cooldown_intensity"], limits["high_intensity"]
        yield from self._rising_paths(ctx, int(limits["rising_steps"]), cooldown)
        yield from self._high_stretch(ctx, limits["high_minutes"], limits["percentile"], high)

    def _rising_paths(self, ctx: LintContext, steps: int, cooldown: float) -> Iterator[Finding]:
        """Longest chains of strictly rising intensity whose peak offers no cooldown."""
        ds = ctx.ds
        reachable = ctx.reachable_ids()
        nodes = sorted((n for n in ds.nodes if n.id in reachable), key=lambda n: n.intensity)
        intensity = {n.id: n.intensity for n in ds.nodes}
        length: dict[str, int] = {}
        back: dict[str, str] = {}
        for node in nodes:  # ascending intensity: every rising predecessor is already done
            best, mine = 0, node.intensity
            for edge in ds.in_edges(node.id):
                source = edge.source
                if intensity.get(source, mine) < mine and source in reachable:
                    if length[source] + 1 > best:
                        best = length[source] + 1
                        back[node.id] = source
            length[node.id] = best
        for node in ds.nodes:
            n = length.get(node.id, 0)
            if n < steps or node.kind == "exit":
                continue
            if any(intensity.get(e.target, 1.0) < cooldown for e in ds.out_edges(node.id)):
                continue
            if any(length.get(e.target, 0) > n for e in ds.out_edges(node.id)):
                continue  # the chain climbs further; report it at its peak
            path = [node.id]
            while path[-1] in back:
                path.append(back[path[-1]])
            path.reverse()
            levels = " → ".join(f"{ds.node(p).intensity:g}" for p in path)
            yield self.finding(
                f"intensity rises {n} steps in a row to '{node.display_title}' ({levels}) and "
                f"no cooldown scene (below {cooldown:g}) follows",
                nodes=[node.id, *path[:-1]],
                exceedance=exceedance_above(n, steps),
            )

    def _high_stretch(
        self, ctx: LintContext, limit: float, pct: float, high: float
    ) -> Iterator[Finding]:
        """The simulated stretch above `high`, measured at the levels this rule gave the run."""
        r = ctx.simulation
        yield from stretch_finding(
            self,
            ctx,
            r.longest_high_minutes,
            r.longest_high_end,
            limit,
            pct,
            f"spend more than {limit:g} dream minutes above intensity {high:g} without a cooldown",
        )


class YoungAudienceIntensity(Rule):
    code = "INT002"
    name = "young-audience-intensity"
    severity = "error"
    rationale = (
        "Children and teenagers are owed dreams without nightmares or overwhelming "
        "intensity; their best interests come before engagement."
    )
    source = "UK ICO Age Appropriate Design Code (best interests of the child, detrimental use)"
    thresholds = {"max_intensity": 0.8}

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        audience = ds.meta.audience
        if audience not in ("child", "teen"):
            return
        limit = ctx.thresholds(self)["max_intensity"]
        for node in ds.nodes:
            if node.kind == "nightmare":
                yield self.finding(
                    f"'{node.display_title}' is a nightmare in a dreamscape for a "
                    f"{audience} audience",
                    nodes=[node.id],
                )
            elif node.intensity > limit:
                yield self.finding(
                    f"'{node.display_title}' has intensity {node.intensity:g} (at most "
                    f"{limit:g} for a {audience} audience)",
                    nodes=[node.id],
                    exceedance=exceedance_above(node.intensity, limit),
                )


class AbruptExit(Rule):
    code = "INT003"
    name = "abrupt-exit"
    severity = "warning"
    fixable = True
    rationale = (
        "Waking the dream from a peak of intensity jolts the sleeper; a settling "
        "scene first hands them back to natural sleep calmly."
    )
    source = (
        "Center for Humane Technology (humane endings, stopping cues); UK ICO Age "
        "Appropriate Design Code"
    )
    thresholds = {"max_intensity": HIGH}

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        limit = ctx.thresholds(self)["max_intensity"]
        for edge in ds.edges:
            target = ds.node(edge.target)
            source = ds.node(edge.source)
            if target.kind == "exit" and source.kind != "exit" and source.intensity > limit:
                yield self.finding(
                    f"the dream ends straight from '{source.display_title}' at intensity "
                    f"{source.intensity:g} (above {limit:g}) with no settling scene",
                    nodes=[source.id, target.id],
                    edges=[edge.id],
                    exceedance=exceedance_above(source.intensity, limit),
                    fix=_settling_fix(edge.id),
                )


SETTLING_TEXT = (
    "The noise drains away and the light turns soft. Breathing slows, the dream "
    "grows quiet, and sleep comes back on its own."
)


def _settling_fix(edge_id: str) -> Fix:
    def make(ds: Dreamscape) -> list[Op]:
        if not ds.has_edge(edge_id):
            return []
        edge = ds.edge(edge_id)
        source, target = ds.node(edge.source), ds.node(edge.target)
        if target.kind != "exit":
            return []
        node_id = ds.unique_id(f"settle_{source.id}"[:56])
        settle = Node(
            node_id,
            kind="scene",
            title="Settling",
            text=SETTLING_TEXT,
            minutes=2,
            intensity=0.2,
            valence=0.2,
            x=(source.x + target.x) / 2,
            y=(source.y + target.y) / 2 + 60,
            tags=["settling"],
        )
        # The old label named the way out: it moves to the edge that now reaches the exit.
        onward = Edge(
            ds.unique_id(f"{node_id}_out", [node_id]),
            node_id,
            target.id,
            label=edge.label or "Drift into sleep",
        )
        return [
            AddNode(settle, ds.node_index(target.id)),
            UpdateEdge(edge_id, {"target": node_id, "label": ""}, "Settle before the exit"),
            AddEdge(onward, ds.edge_index(edge_id) + 1),
        ]

    return Fix(f"insert a low-intensity settling scene before the exit on edge '{edge_id}'", make)
