"""Seeded synthetic dreamscapes of any size, for benchmarks and scale tests.

The graphs are built so that every analysis has something real to do and nothing
degenerate: exactly one entry, ~2% exits spread through the file, every node reachable
from the entry, every non-exit node with an outgoing edge, and an exit reachable from
every node (so the chain with every edge enabled is absorbing). Structural edges (the
spanning edges and each node's guaranteed forward edge) never carry conditions, so a
simulated dreamer can always move on; conditions and effects sit on the extra edges.
"""

from __future__ import annotations

import math
import random

from studio.io import dumps_dreamscape
from studio.model import Dreamscape
from studio.model.elements import Edge, Group, Meta, Node, Variable

# How far (in file order) spanning and forward edges reach: keeps edges local on the grid.
WINDOW = 24
GRID_DX = 240
GRID_DY = 160
EXIT_SHARE = 0.02
CONDITION_SHARE = 0.2

_KINDS = ("scene", "choice", "reward", "social", "anchor", "nightmare")
_KIND_WEIGHTS = (45, 20, 12, 9, 10, 4)
_VARIABLE_SPECS: tuple[tuple[str, str, object], ...] = (
    ("courage", "int", 0),
    ("met_mae", "bool", False),
    ("tokens", "int", 0),
    ("lucid", "bool", False),
    ("calm", "int", 1),
    ("remembered_home", "bool", False),
)
_WORDS = (
    "lantern bay pier tide gull mae jamie eli arena crowd glow stairs garden pond bench "
    "kitchen window rain clock door hallway lighthouse sand wave star quiet warm soft far "
    "drifting bright echo trophy level shell map boat rope fog morning letter voice"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _exit_indexes(rng: random.Random, n: int) -> set[int]:
    """About 2% of the nodes, spread evenly with jitter, always including the last one."""
    count = max(1, round(n * EXIT_SHARE))
    exits = {n - 1}
    if count > 1:
        step = (n - 1) / count
        for k in range(1, count):
            center = k * step
            jitter = rng.uniform(-step / 3, step / 3)
            exits.add(min(n - 2, max(2, int(center + jitter))))
    exits.discard(0)
    return exits


def _condition(rng: random.Random, ints: list[str], bools: list[str]) -> str:
    choices = []
    if ints:
        a = rng.choice(ints)
        b = rng.choice(ints)
        choices += [
            f"{a} >= {rng.randint(1, 3)}",
            f"{a} < {rng.randint(2, 6)}",
            f"max({a}, {b}) >= {rng.randint(2, 5)}",
            f"{a} + {b} > {rng.randint(1, 4)}",
            f"abs({a} - {b}) <= 2",
        ]
    if bools:
        f = rng.choice(bools)
        choices += [f, f"not {f}"]
        if ints:
            choices.append(f"{f} and {rng.choice(ints)} >= 1")
            choices.append(f"{f} or {rng.choice(ints)} % 2 == 0")
    return rng.choice(choices)


def _effects(rng: random.Random, ints: list[str], bools: list[str]) -> dict[str, str]:
    choices = []
    if ints:
        a = rng.choice(ints)
        choices += [
            (a, f"{a} + 1"),
            (a, f"max(0, {a} - 1)"),
            (a, f"min({a} + 2, 9)"),
        ]
    if bools:
        f = rng.choice(bools)
        choices += [(f, "true"), (f, "false"), (f, f"not {f}")]
    name, source = rng.choice(choices)
    return {name: source}


def generate_dreamscape(
    n_nodes: int,
    n_edges: int | None = None,
    seed: int = 0,
    conditions: bool = True,
    variables: int = 3,
) -> Dreamscape:
    """A valid, absorbing dreamscape of `n_nodes` nodes and about `n_edges` edges.

    `n_edges` defaults to 2.5 × nodes; it is raised if the structure needs more (every
    node reachable, every non-exit node with a way forward). The same arguments always
    give the same document.
    """
    if n_nodes < 2:
        raise ValueError("a dreamscape needs at least an entry and an exit")
    rng = random.Random(seed)
    n = n_nodes
    target_edges = round(2.5 * n) if n_edges is None else n_edges
    specs = _VARIABLE_SPECS[: max(0, min(variables, len(_VARIABLE_SPECS)))]
    ints = [name for name, kind, _ in specs if kind == "int"]
    bools = [name for name, kind, _ in specs if kind == "bool"]
    use_expr = conditions and bool(specs)

    exits = _exit_indexes(rng, n)
    cols = max(1, math.ceil(math.sqrt(n)))
    nodes: list[Node] = []
    for i in range(n):
        if i == 0:
            kind = "entry"
        elif i in exits:
            kind = "exit"
        else:
            kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
        intensity = round(rng.uniform(0.05, 0.95 if kind == "nightmare" else 0.8), 2)
        node = Node(
            id=f"n{i}",
            kind=kind,
            title=f"{kind.title()} {i}",
            text=_sentence(rng, rng.randint(4, 16)),
            minutes=rng.randint(1, 10),
            intensity=intensity,
            valence=round(rng.uniform(-0.6, 0.8), 2),
            reward=round(rng.uniform(0.5, 1.0), 2) if kind == "reward" else 0.0,
            x=(i % cols) * GRID_DX,
            y=(i // cols) * GRID_DY,
        )
        if use_expr and kind not in ("entry", "exit") and rng.random() < 0.1:
            node.effects = _effects(rng, ints, bools)
        if kind == "reward" and rng.random() < 0.3:
            node.tags = ["loot"]
        nodes.append(node)

    pairs: set[tuple[int, int]] = set()
    structural: list[tuple[int, int]] = []
    has_forward = [False] * n

    def connect(src: int, dst: int, into: list[tuple[int, int]]) -> bool:
        if src == dst or (src, dst) in pairs or src in exits:
            return False
        pairs.add((src, dst))
        into.append((src, dst))
        if dst > src:
            has_forward[src] = True
        return True

    # Spanning structure: each node hangs off an earlier non-exit node (reachability).
    for i in range(1, n):
        candidates = [j for j in range(max(0, i - WINDOW), i) if j not in exits]
        if not candidates:
            candidates = [j for j in range(i) if j not in exits]
        connect(rng.choice(candidates), i, structural)
    # A way forward from every non-exit node; by induction from the last node (an exit)
    # every node then reaches an exit.
    for i in range(n - 1):
        if i not in exits and not has_forward[i]:
            connect(i, rng.randint(i + 1, min(n - 1, i + WINDOW)), structural)

    extra: list[tuple[int, int]] = []
    sources = [i for i in range(n) if i not in exits]
    attempts = 0
    while len(structural) + len(extra) < target_edges and attempts < target_edges * 20:
        attempts += 1
        src = rng.choice(sources)
        if rng.random() < 0.8 or src == 0:
            dst = rng.randint(src + 1, min(n - 1, src + WINDOW)) if src < n - 1 else src
        else:
            dst = rng.randint(max(0, src - WINDOW), src - 1)
        connect(src, dst, extra)

    # Interleave structural and extra edges by source so the file reads like a real one.
    share = min(1.0, CONDITION_SHARE * (len(structural) + len(extra)) / max(1, len(extra)))
    tagged = [(s, d, False) for s, d in structural] + [(s, d, True) for s, d in extra]
    tagged.sort(key=lambda t: (t[0], t[1]))
    edges: list[Edge] = []
    for k, (src, dst, optional) in enumerate(tagged, start=1):
        edge = Edge(
            id=f"e{k}",
            source=f"n{src}",
            target=f"n{dst}",
            label=_sentence(rng, rng.randint(1, 4)) if rng.random() < 0.7 else "",
            weight=round(rng.choice((1.0, 1.0, 1.0, 0.5, 2.0, rng.uniform(0.2, 3.0))), 2),
        )
        if optional and use_expr and rng.random() < share:
            edge.condition = _condition(rng, ints, bools)
            if rng.random() < 0.4:
                edge.effects = _effects(rng, ints, bools)
        edges.append(edge)

    ds = Dreamscape()
    ds.meta = Meta(
        title=f"Synthetic dreamscape {n} (seed {seed})",
        author="Jamie",
        audience="adult",
        description="Generated for scale tests.",
        tags=["synthetic"],
    )
    ds.variables = {name: Variable(name, kind, initial) for name, kind, initial in specs}
    ds.groups = [
        Group(f"g{k}", f"Region {k}", [f"n{i}" for i in range(k * 50, min(n, k * 50 + 8))])
        for k in range(min(10, max(1, n // 500)))
    ]
    ds.load_elements(nodes, edges)
    return ds


def generate_text(
    n_nodes: int,
    n_edges: int | None = None,
    seed: int = 0,
    conditions: bool = True,
    variables: int = 3,
) -> str:
    """The canonical `.dream` text of `generate_dreamscape` with the same arguments."""
    return dumps_dreamscape(generate_dreamscape(n_nodes, n_edges, seed, conditions, variables))
