"""Graph explanations for messages: which loop a dreamer goes round, and the way into a region.

The exact analysis finds *that* a region is closed or a loop pays out, with scipy, at array
speed. Explaining it to a designer needs a concrete walk through named scenes; networkx says
that most clearly, and only runs for the few findings a report shows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import networkx as nx

from studio.model import Dreamscape


def scene_graph(ds: Dreamscape) -> nx.DiGraph:
    """Scenes as nodes (file order) and transitions as edges, conditions ignored."""
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in ds.nodes)
    graph.add_edges_from((e.source, e.target) for e in ds.edges)
    return graph


def shortest_loop(graph: nx.DiGraph, through: str, within: Collection[str]) -> list[str]:
    """The fewest-step walk from `through` back to itself inside `within`, both ends included.

    Empty when no such loop exists.
    """
    inside = graph.subgraph(within)
    if through not in inside:
        return []
    if inside.has_edge(through, through):
        return [through, through]
    best: list[str] = []
    for step in inside.successors(through):
        try:
            back = nx.shortest_path(inside, step, through)
        except nx.NetworkXNoPath:
            continue
        if not best or len(back) + 1 < len(best):
            best = [through, *back]
    return best


def way_in(graph: nx.DiGraph, start: str, region: Iterable[str]) -> list[str]:
    """The fewest-step walk from `start` to the first scene of `region` it meets (or [])."""
    targets = set(region)
    if start in targets:
        return [start]
    if start not in graph:
        return []
    paths = nx.single_source_shortest_path(graph, start)
    reached = [paths[t] for t in targets if t in paths]
    return min(reached, key=lambda p: (len(p), p)) if reached else []


def describe_walk(ds: Dreamscape, walk: list[str], limit: int = 8) -> str:
    """'Lights down → The pier → …' with scene titles; long walks keep both ends."""
    titles = [ds.node(n).display_title if ds.has_node(n) else n for n in walk]
    if len(titles) > limit:
        titles = [*titles[: limit - 2], "…", titles[-1]]
    return " → ".join(titles)
