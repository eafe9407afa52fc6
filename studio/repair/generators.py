"""Repair generators: for each finding, the candidate moves (small sets of edits) that may
resolve it, found with networkx on the design's graph (paths to exits, loops, dominators)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from studio.lint import Finding, LintReport
from studio.model import Dreamscape

from .edits import (
    AddExitEdge,
    CutEdge,
    Edit,
    InsertScene,
    LowerIntensity,
    NightmareToScene,
    RemoveCondition,
    RemovePhrase,
    SetEdgeWeight,
    ShortenScene,
    phrase_pattern,
    without_phrase,
)

Move = tuple[Edit, ...]
MOVES_PER_FINDING = 5
BATCH = 10  # scenes one wide move touches at most (large designs need several at once)
HIGH = 0.7  # intensity above which a scene is "high" for INT001/INT003
COOLDOWN = 0.4


@dataclass
class GenContext:
    """The design as the search currently has it, with what generators share."""

    ds: Dreamscape
    report: LintReport
    thresholds: dict[str, dict[str, float]]
    taken: set[str] = field(default_factory=set)
    _graph: nx.DiGraph | None = None
    _reachable: set[str] | None = None

    @property
    def graph(self) -> nx.DiGraph:
        if self._graph is None:
            g = nx.DiGraph()
            g.add_nodes_from(n.id for n in self.ds.nodes)
            g.add_edges_from((e.source, e.target) for e in self.ds.edges)
            self._graph = g
        return self._graph

    def limit(self, code: str, name: str, default: float) -> float:
        return float(self.thresholds.get(code, {}).get(name, default))

    def new_id(self, prefix: str) -> str:
        """A fresh id no scene, transition or other proposed edit uses."""
        new = self.ds.unique_id(prefix[:50], self.taken)
        self.taken.add(new)
        return new

    @property
    def exits(self) -> list[str]:
        return [n.id for n in self.ds.nodes if n.kind == "exit"]

    def reachable(self) -> set[str]:
        if self._reachable is None:
            entry = self.ds.entry
            if entry is None:
                self._reachable = {n.id for n in self.ds.nodes}
            else:
                self._reachable = {entry.id} | nx.descendants(self.graph, entry.id)
        return self._reachable

    def visits(self) -> dict[str, float]:
        """Expected visits per scene from the exact analysis when it has them, else {}."""
        found = getattr(self.report.analysis, "expected_visits", None) or {}
        return {k: float(v) for k, v in found.items() if isinstance(v, int | float)}


# ------------------------------------------------------------------ building blocks
def exit_edge(ctx: GenContext, source: str) -> AddExitEdge | SetEdgeWeight | None:
    """An unconditional way out to the calmest exit, holding about a quarter of the weight
    (or, where the scene has one already, twice the weight on it)."""
    exits = ctx.exits
    if not exits or source in exits:
        return None
    ds = ctx.ds
    for edge in ds.out_edges(source):
        if edge.target in exits and not edge.condition:
            return SetEdgeWeight(edge.id, math.ceil(edge.weight * 200) / 100)
    target = min(exits, key=lambda x: (ds.node(x).intensity, exits.index(x)))
    total = sum(e.weight for e in ds.out_edges(source))
    weight = max(1.0, math.ceil(total / 3 * 100) / 100)
    return AddExitEdge(ctx.new_id(f"{source}_home"), source, target, weight)


def insert_scene(ctx: GenContext, edge_id: str, role: str) -> InsertScene:
    edge = ctx.ds.edge(edge_id)
    node_id = ctx.new_id(f"{role}_{edge.source}")
    return InsertScene(edge_id, role, node_id, ctx.new_id(f"{node_id}_on"))


def calm_first(ctx: GenContext, node_ids: list[str] | set[str]) -> list[str]:
    """Scenes ordered so a way out from them is gentlest: not high, lowest intensity, file order."""
    order = {n.id: i for i, n in enumerate(ctx.ds.nodes)}
    nodes = [n for n in node_ids if ctx.ds.has_node(n) and ctx.ds.node(n).kind != "exit"]
    return sorted(
        nodes, key=lambda n: (ctx.ds.node(n).intensity > HIGH, ctx.ds.node(n).intensity, order[n])
    )


def ways_out(ctx: GenContext, region: list[str] | set[str]) -> list[Move]:
    """Open the locked ways out of a region, or add a new one from its calmest scenes."""
    ds = ctx.ds
    members = set(region)
    exits = set(ctx.exits)
    moves: list[Move] = []
    for node_id in sorted(members, key=lambda n: ds.node_index(n)):
        for edge in ds.out_edges(node_id):
            if edge.target in exits and edge.condition:
                moves.append((RemoveCondition(edge.id),))
    for node_id in calm_first(ctx, members)[:3]:
        edit = exit_edge(ctx, node_id)
        if edit is not None:
            moves.append((edit,))
    return moves


def hot_nodes(ctx: GenContext, among: set[str] | None = None) -> list[str]:
    """Where the dreamer spends the night: most expected minutes first (else largest loop)."""
    ds = ctx.ds
    visits = ctx.visits()
    pool = among if among is not None else ctx.reachable()
    pool = {n for n in pool if ds.has_node(n) and ds.node(n).kind != "exit"}
    if visits:
        return sorted(pool, key=lambda n: (-visits.get(n, 0.0) * ds.node(n).minutes, n))
    loops = [c for c in nx.strongly_connected_components(ctx.graph.subgraph(pool)) if len(c) > 1]
    loop = max(loops, key=len) if loops else pool
    return sorted(loop, key=lambda n: (-ds.node(n).minutes, ds.node_index(n)))


# ------------------------------------------------------------------------ per rule
def gen_no_exit(ctx: GenContext, finding: Finding) -> list[Move]:
    return ways_out(ctx, ctx.reachable())


def gen_exit_trap(ctx: GenContext, finding: Finding) -> list[Move]:
    return ways_out(ctx, list(finding.nodes))


def gen_deep_exit(ctx: GenContext, finding: Finding) -> list[Move]:
    """A way out from the far scene itself, or from the middle of its shortest path home."""
    exits = ctx.exits
    if not exits:
        return []
    moves: list[Move] = []
    reverse = ctx.graph.reverse(copy=False)
    dist, paths = nx.multi_source_dijkstra(reverse, set(exits))
    if len(finding.nodes) > 2:
        wide = [e for e in (exit_edge(ctx, n) for n in finding.nodes[:BATCH]) if e]
        moves.append(tuple(wide))
    for far in finding.nodes[:2]:
        path = list(reversed(paths.get(far, [far])))  # far → … → exit
        spots = [far, *path[max(1, len(path) // 3) : max(2, len(path) // 2 + 1)]]
        for spot in dict.fromkeys(spots):
            edit = exit_edge(ctx, spot)
            if edit is not None:
                moves.append((edit,))
    return moves


def gen_gated_exit(ctx: GenContext, finding: Finding) -> list[Move]:
    return [(RemoveCondition(e),) for e in finding.edges[:3]]


def gen_exit_asymmetry(ctx: GenContext, finding: Finding) -> list[Move]:
    """Raise the exit's weight so it holds the threshold's share plus a margin."""
    ds = ctx.ds
    node_id = finding.nodes[0]
    share = min(0.5, ctx.limit("EXT005", "min_share", 0.1) + 0.1)
    exits = set(ctx.exits)
    out = ds.out_edges(node_id)
    to_exit = [e for e in out if e.target in exits]
    exit_w = sum(e.weight for e in to_exit)
    other_w = sum(e.weight for e in out if e.target not in exits)
    if not to_exit or exit_w <= 0 or other_w <= 0:
        return []
    factor = share * other_w / (1 - share) / exit_w
    return [tuple(SetEdgeWeight(e.id, math.ceil(e.weight * factor * 100) / 100) for e in to_exit)]


def gen_young_audience(ctx: GenContext, finding: Finding) -> list[Move]:
    node = ctx.ds.node(finding.nodes[0])
    limit = ctx.limit("INT002", "max_intensity", 0.8)
    if node.kind == "nightmare":
        return [(NightmareToScene(node.id, min(node.intensity, limit)),)]
    return [(LowerIntensity(node.id, limit),)]


def gen_abrupt_exit(ctx: GenContext, finding: Finding) -> list[Move]:
    moves: list[Move] = [(insert_scene(ctx, e, "settling"),) for e in finding.edges[:1]]
    limit = ctx.limit("INT003", "max_intensity", HIGH)
    moves.insert(0, (LowerIntensity(finding.nodes[0], limit),))
    return moves


def gen_escalation(ctx: GenContext, finding: Finding) -> list[Move]:
    """Break the climb at its peak, or follow the peak with a settling scene."""
    ds = ctx.ds
    if not finding.nodes:
        return []
    peak = finding.nodes[0]
    moves: list[Move] = []
    if len(finding.nodes) > 1:
        before = ds.node(finding.nodes[-1]).intensity
        moves.append((LowerIntensity(peak, before),))
    else:
        moves.append((LowerIntensity(peak, HIGH),))
    out = sorted(ds.out_edges(peak), key=lambda e: -e.weight)
    moves += [(insert_scene(ctx, e.id, "settling"),) for e in out[:2]]
    return moves


def gen_long_night(ctx: GenContext, finding: Finding) -> list[Move]:
    """Ways out where the night is spent, or shorter scenes there."""
    ds = ctx.ds
    if getattr(ctx.report.analysis, "expected_minutes", 0) is None:
        return []  # some dreamers never leave: the trap findings come first
    hot = hot_nodes(ctx)
    moves: list[Move] = []
    for node_id in calm_first(ctx, hot[:6])[:2]:
        edit = exit_edge(ctx, node_id)
        if edit is not None:
            moves.append((edit,))
    shorten = [
        ShortenScene(n, max(1.0, math.floor(ds.node(n).minutes / 2)))
        for n in hot[:BATCH]
        if ds.node(n).minutes > 1
    ]
    if shorten:
        moves.append((shorten[0],))
    wide = [e for e in (exit_edge(ctx, n) for n in calm_first(ctx, hot[: BATCH * 2])[:BATCH]) if e]
    if len(wide) > 2:
        moves.append(tuple(wide))
    if len(shorten) > 1:
        moves.append(tuple(shorten))
    return moves


def cue_edges(ctx: GenContext) -> list[str]:
    """Transitions every finishing dreamer crosses, or nearly: into a common dominator of the
    exits, then into each exit, then the entry's main way on."""
    ds = ctx.ds
    entry = ds.entry
    if entry is None:
        return []
    exits = [x for x in ctx.exits if x in ctx.reachable()]
    found: list[str] = []
    if exits:
        dom = nx.immediate_dominators(ctx.graph, entry.id)
        chains = []
        for x in exits:
            chain, cur = [], x
            while cur in dom and dom[cur] != cur:
                cur = dom[cur]
                chain.append(cur)
            chains.append(chain)
        common = [n for n in chains[0] if all(n in c for c in chains[1:]) and n != entry.id]
        for node_id in common[:2]:
            ins = ds.in_edges(node_id)
            if len(ins) == 1:
                found.append(ins[0].id)
        found += [e.id for x in exits for e in ds.in_edges(x)][:3]
    out = sorted(ds.out_edges(entry.id), key=lambda e: -e.weight)
    found += [e.id for e in out[:1]]
    return list(dict.fromkeys(found))


def cue_moves(ctx: GenContext, role: str) -> list[Move]:
    """One cue on a transition (nearly) every dreamer crosses, or one on each way into an exit
    and out of the entry when no single transition is crossed by all."""
    moves: list[Move] = [(insert_scene(ctx, e, role),) for e in cue_edges(ctx)[:3]]
    ds = ctx.ds
    entry = ds.entry
    doors = [e.id for x in ctx.exits for e in ds.in_edges(x)]
    doors += [e.id for e in ds.out_edges(entry.id)] if entry is not None else []
    doors = list(dict.fromkeys(doors))[:BATCH]
    if len(doors) > 1:
        moves.append(tuple(insert_scene(ctx, e, role) for e in doors))
    return moves


def gen_no_anchor(ctx: GenContext, finding: Finding) -> list[Move]:
    return cue_moves(ctx, "anchor")


def gen_isolation(ctx: GenContext, finding: Finding) -> list[Move]:
    return cue_moves(ctx, "social")


def gen_stopping_cue(ctx: GenContext, finding: Finding) -> list[Move]:
    """A cue (anchor or social scene) inside the stretch, or a way out near its end."""
    ds = ctx.ds
    ends = [n for n in finding.nodes if ds.has_node(n)]
    if not ends:
        ends = hot_nodes(ctx)[:1]
    moves: list[Move] = []
    for node_id in ends[:1]:
        ins = sorted(ds.in_edges(node_id), key=lambda e: -e.weight)
        for edge in ins[:1]:
            moves.append((insert_scene(ctx, edge.id, "anchor"),))
            moves.append((insert_scene(ctx, edge.id, "social"),))
        edit = exit_edge(ctx, node_id)
        if edit is not None:
            moves.append((edit,))
    return moves


def gen_reward_loop(ctx: GenContext, finding: Finding) -> list[Move]:
    """Cut a transition that closes the loop back into a prize, or give the loop a way out."""
    ds = ctx.ds
    loop = set(finding.nodes)
    moves: list[Move] = []
    cuts = [
        e
        for n in sorted(loop, key=ds.node_index)
        for e in ds.in_edges(n)
        if e.source in loop and ds.node(n).kind == "reward" and len(ds.out_edges(e.source)) > 1
    ]
    for edge in sorted(cuts, key=lambda e: (-e.weight, ds.edge_index(e.id)))[:2]:
        moves.append((CutEdge(edge.id),))
    for node_id in calm_first(ctx, loop)[:2]:
        edit = exit_edge(ctx, node_id)
        if edit is not None:
            moves.append((edit,))
    return moves


def gen_reward_density(ctx: GenContext, finding: Finding) -> list[Move]:
    ds = ctx.ds
    for node_id in finding.nodes[:1]:
        out = sorted(ds.out_edges(node_id), key=lambda e: -e.weight)
        return [(insert_scene(ctx, e.id, "anchor"),) for e in out[:1]]
    return []


QUOTED = re.compile(r'"([^"]+)"')


def gen_phrases(ctx: GenContext, finding: Finding) -> list[Move]:
    """Take out each flagged phrase's sentence (one move, so the finding goes at once)."""
    ds = ctx.ds
    phrases = QUOTED.findall(finding.message.rsplit(": ", 1)[-1])
    if finding.nodes:
        node = ds.node(finding.nodes[0])
        texts = {"title": node.title, "text": node.text}
        element, is_edge = node.id, False
    elif finding.edges:
        texts = {"label": ds.edge(finding.edges[0]).label}
        element, is_edge = finding.edges[0], True
    else:
        return []
    edits: list[Edit] = []
    for phrase in phrases:
        for name, value in texts.items():
            if phrase_pattern(phrase).search(value):
                edits.append(RemovePhrase(element, is_edge, name, phrase))
                texts[name] = without_phrase(value, phrase)
    return [tuple(edits)] if edits else []


def gen_dead_end(ctx: GenContext, finding: Finding) -> list[Move]:
    edit = exit_edge(ctx, finding.nodes[0]) if finding.nodes else None
    return [(edit,)] if edit is not None else []


GENERATORS: dict[str, Callable[[GenContext, Finding], list[Move]]] = {
    "DS003": gen_dead_end,
    "EXT001": gen_no_exit,
    "EXT002": gen_exit_trap,
    "EXT003": gen_deep_exit,
    "EXT004": gen_gated_exit,
    "EXT005": gen_exit_asymmetry,
    "INT001": gen_escalation,
    "INT002": gen_young_audience,
    "INT003": gen_abrupt_exit,
    "RWD001": gen_reward_loop,
    "RWD002": gen_reward_density,
    "TMP001": gen_long_night,
    "TMP002": gen_long_night,
    "TMP003": gen_stopping_cue,
    "SOC001": gen_no_anchor,
    "SOC002": gen_isolation,
    "SOC003": gen_phrases,
    "SOC004": gen_phrases,
}

# Why a finding is out of the vocabulary's reach (the rebalancer never deletes a scene,
# adds a suppression, or changes the audience, the thresholds or the variables).
OUT_OF_REACH: dict[str, str] = {
    "DS001": "fixing the entry count needs a scene deleted or its kind changed",
    "DS002": "an unreachable scene would need a new way in, or deleting",
    "DS004": "an undeclared variable needs declaring or the expression rewriting",
    "DS005": "a missing asset needs the file put in place",
    "DS006": "a stale suppression is the designer's to remove (lint --fix does it)",
}


def moves_for(ctx: GenContext, finding: Finding) -> list[Move]:
    """The candidate moves for one finding, cheapest ideas first, never more than a few."""
    generate = GENERATORS.get(finding.code)
    if generate is None:
        return []
    try:
        moves = generate(ctx, finding)
    except (KeyError, ValueError, nx.NetworkXException):
        return []  # the finding names elements an earlier edit changed; next round regenerates
    unique: dict[tuple[Any, ...], Move] = {}
    for move in moves:
        unique.setdefault(tuple(e.key for e in move), move)
    return list(unique.values())[:MOVES_PER_FINDING]


def why_unreachable(code: str, ds: Dreamscape) -> str:
    """A sentence saying why no edit was proposed for a finding of this code."""
    if code == "EXT001" and not any(n.kind == "exit" for n in ds.nodes):
        return (
            "the design has no exit scene; the rebalancer adds ways to an exit but never "
            "writes the dream's ending for you"
        )
    if code in OUT_OF_REACH:
        return OUT_OF_REACH[code]
    if code not in GENERATORS:
        return f"no edit in the rebalancer's vocabulary addresses {code}"
    return "none of the candidate edits tried resolved it"
