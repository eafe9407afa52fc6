"""Hand-made dreamscapes for the play engine, simulator and analysis tests."""

from __future__ import annotations

from typing import Any

from studio.model import Dreamscape, Edge, Node, Variable


def build(
    nodes: list[tuple[Any, ...]],
    edges: list[tuple[Any, ...]],
    variables: dict[str, tuple[str, Any]] | None = None,
    rem: list[float] | None = None,
    onset: float = 15,
    cycle: float = 90,
) -> Dreamscape:
    """nodes: (id, kind[, minutes[, extra fields]]); edges: (from, to[, weight[, condition[, effects]]])."""
    made = []
    for spec in nodes:
        node_id, kind = spec[0], spec[1]
        minutes = spec[2] if len(spec) > 2 else 5
        fields = spec[3] if len(spec) > 3 else {}
        made.append(Node(node_id, kind, minutes=minutes, **fields))
    links = []
    for k, spec in enumerate(edges, start=1):
        src, dst = spec[0], spec[1]
        weight = spec[2] if len(spec) > 2 else 1.0
        condition = spec[3] if len(spec) > 3 else None
        effects = spec[4] if len(spec) > 4 else {}
        links.append(Edge(f"e{k}", src, dst, weight=weight, condition=condition, effects=effects))
    ds = Dreamscape()
    ds.variables = {name: Variable(name, t, init) for name, (t, init) in (variables or {}).items()}
    if rem is not None:
        ds.night.rem_minutes = list(rem)
    ds.night.onset_minutes = onset
    # Keep the night valid for the loader: no REM window longer than its cycle.
    ds.night.cycle_minutes = max([cycle, *(rem or [])])
    ds.load_elements(made, links)
    return ds


def drunkards_walk(
    size: int,
    start: int,
    minutes: float = 1.0,
    right: float = 1.0,
    left: float = 1.0,
    rem: float = 5000,
) -> Dreamscape:
    """Positions 0..size with exits at both ends; the dreamer starts at `start`."""
    nodes = []
    for i in range(size + 1):
        kind = "exit" if i in (0, size) else ("entry" if i == start else "scene")
        nodes.append((f"p{i}", kind, minutes))
    edges = []
    for i in range(1, size):
        edges.append((f"p{i}", f"p{i + 1}", right))
        edges.append((f"p{i}", f"p{i - 1}", left))
    return build(nodes, edges, rem=[rem])
