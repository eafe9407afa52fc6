"""Layered auto-layout: story flows left to right from the entry, branches fan out vertically.

Pure Python so the CLI, tests and the editor share one layout. Layers are BFS depths from
the entry (back edges ignored, so loops never stretch the picture); scenes not reachable
from the entry follow in extra layers; a few barycenter sweeps order each layer to reduce
crossings.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from studio.model import Dreamscape

Position = tuple[float, float]
SWEEPS = 4


def _roots(
    ds: Dreamscape, ids: list[str], inside: set[str], preds: dict[str, list[str]]
) -> list[str]:
    """Where layering starts: the entry if selected, else nodes with no selected predecessor."""
    entries = [n.id for n in ds.entries() if n.id in inside]
    if entries:
        return entries
    roots = [i for i in ids if not preds[i]]
    return roots or ids[:1]


def _depths(
    ids: list[str], roots: list[str], succs: dict[str, list[str]], preds: dict[str, list[str]]
) -> dict[str, int]:
    """BFS depth from the roots; unreachable components get their own later layers."""
    depth: dict[str, int] = {}
    queue: deque[str] = deque()
    for root in roots:
        if root not in depth:
            depth[root] = 0
            queue.append(root)

    def run() -> None:
        while queue:
            current = queue.popleft()
            for nxt in succs[current]:
                if nxt not in depth:
                    depth[nxt] = depth[current] + 1
                    queue.append(nxt)

    run()
    while len(depth) < len(ids):
        base = max(depth.values(), default=-1) + 1
        rest = [i for i in ids if i not in depth]
        # Start each unreachable part at its sources (in file order); a pure cycle at its first node.
        starts = [i for i in rest if not preds[i]] or rest[:1]
        for start in starts:
            if start not in depth:
                depth[start] = base
                queue.append(start)
        run()
    return depth


def _exits_last(ds: Dreamscape, depth: dict[str, int]) -> dict[str, int]:
    """Exits share the last column, after every other scene: the story ends on the right."""
    exits = [nid for nid in depth if ds.node(nid).kind == "exit"]
    others = [d for nid, d in depth.items() if ds.node(nid).kind != "exit"]
    if exits and others:
        last = max(others) + 1
        for nid in exits:
            depth[nid] = last
    return depth


def _order_layers(
    layers: list[list[str]],
    succs: dict[str, list[str]],
    preds: dict[str, list[str]],
    depth: dict[str, int],
) -> list[list[str]]:
    """Barycenter sweeps (down then up) over forward edges between adjacent layers."""
    pos = {nid: i for layer in layers for i, nid in enumerate(layer)}

    def sweep(layer: list[str], neighbours: dict[str, list[str]], want: int) -> list[str]:
        keyed = []
        for i, nid in enumerate(layer):
            near = [pos[m] for m in neighbours[nid] if depth[m] == want]
            key = sum(near) / len(near) if near else float(i)
            keyed.append((key, i, nid))
        keyed.sort()
        ordered = [nid for _, _, nid in keyed]
        for i, nid in enumerate(ordered):
            pos[nid] = i
        return ordered

    for _ in range(SWEEPS):
        for d in range(1, len(layers)):
            layers[d] = sweep(layers[d], preds, d - 1)
        for d in range(len(layers) - 2, -1, -1):
            layers[d] = sweep(layers[d], succs, d + 1)
    return layers


def layered_layout(
    ds: Dreamscape, node_ids: Iterable[str] | None = None, x_gap: float = 260, y_gap: float = 150
) -> dict[str, Position]:
    """New (x, y) for each laid-out node; a selection keeps its top-left corner."""
    if node_ids is None:
        ids = [n.id for n in ds.nodes]
    else:
        wanted = set(node_ids)
        ids = [n.id for n in ds.nodes if n.id in wanted]
    if not ids:
        return {}
    inside = set(ids)
    succs: dict[str, list[str]] = {i: [] for i in ids}
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for edge in ds.edges:
        if edge.source in inside and edge.target in inside and edge.source != edge.target:
            if edge.target not in succs[edge.source]:
                succs[edge.source].append(edge.target)
                preds[edge.target].append(edge.source)
    depth = _exits_last(ds, _depths(ids, _roots(ds, ids, inside, preds), succs, preds))
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for nid in ids:
        layers[depth[nid]].append(nid)
    layers = [layer for layer in layers if layer]
    depth = {nid: d for d, layer in enumerate(layers) for nid in layer}
    layers = _order_layers(layers, succs, preds, depth)

    if node_ids is None:
        origin_x, origin_y = 0.0, 0.0
    else:
        origin_x = min(ds.node(i).x for i in ids)
        origin_y = min(ds.node(i).y for i in ids)
    tallest = max(len(layer) for layer in layers)
    out: dict[str, Position] = {}
    for d, layer in enumerate(layers):
        # Centre each layer against the tallest so fans look balanced.
        offset = (tallest - len(layer)) * y_gap / 2
        for i, nid in enumerate(layer):
            out[nid] = (float(origin_x + d * x_gap), float(origin_y + offset + i * y_gap))
    return out


def free_spot(
    ds: Dreamscape,
    x: float,
    y: float,
    size: tuple[float, float] = (180.0, 84.0),
    gap: float = 24.0,
    ignore: Iterable[str] = (),
    taken: Iterable[Position] = (),
) -> Position:
    """The free place nearest (x, y) for a card of `size`: no overlap with other cards
    (nor with `taken` places, for cards placed in the same edit)."""
    width, height = size
    skip = set(ignore)
    boxes = [(n.x, n.y) for n in ds.nodes if n.id not in skip] + list(taken)

    def clear(px: float, py: float) -> bool:
        return all(
            px + width + gap <= bx
            or bx + width + gap <= px
            or py + height + gap <= by
            or by + height + gap <= py
            for bx, by in boxes
        )

    step_x, step_y = (width + gap) / 2, (height + gap) / 2
    for ring in range(0, 60):
        ring_spots = [
            (x + i * step_x, y + j * step_y)
            for i in range(-ring, ring + 1)
            for j in range(-ring, ring + 1)
            if max(abs(i), abs(j)) == ring
        ]
        ring_spots.sort(key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)
        for px, py in ring_spots:
            if clear(px, py):
                return (float(px), float(py))
    return (float(x), float(y))


def crossings(ds: Dreamscape, positions: dict[str, Position]) -> int:
    """Count crossing pairs of forward edges between adjacent columns (a layout quality measure)."""
    segs = []
    for edge in ds.edges:
        a, b = positions.get(edge.source), positions.get(edge.target)
        if a is None or b is None or b[0] <= a[0]:
            continue
        segs.append((a, b))
    count = 0
    for i, (a1, b1) in enumerate(segs):
        for a2, b2 in segs[i + 1 :]:
            if a1[0] == a2[0] and b1[0] == b2[0]:
                if (a1[1] - a2[1]) * (b1[1] - b2[1]) < 0:
                    count += 1
    return count
