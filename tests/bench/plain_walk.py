"""A plain per-dreamer Python walk of a night, run as its own process: the yardstick the
vectorized `dreamstudio simulate` is compared with, start-up included on both sides.

    python tests/bench/plain_walk.py FILE DREAMERS SEED [lean|engine] -> the finished share

`lean` (default) is a hand-tuned walk over precompiled adjacency lists; `engine` drives the
play engine dreamer by dreamer (test_bench_sim's loop, the editor preview's own rules).
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys

from studio.io import load_dreamscape
from studio.model.expressions import coerce, compile_expression

MAX_STEPS = 10_000


def walk(path: str, dreamers: int, seed: int) -> float:
    """Each dreamer enters, applies effects, draws an enabled edge by weight, until an exit,
    a stall, the night's REM time or the step cap; the same rules as the play engine."""
    ds = load_dreamscape(path)
    types = {name: var.type for name, var in ds.variables.items()}
    initial = {name: var.initial for name, var in ds.variables.items()}
    total = ds.night.total_rem_minutes
    index = {node.id: i for i, node in enumerate(ds.nodes)}
    minutes = [0.0 if n.kind == "exit" else n.minutes for n in ds.nodes]
    is_exit = [n.kind == "exit" for n in ds.nodes]

    def effects(raw: dict[str, str]) -> list[tuple[str, object]]:
        return [(name, compile_expression(src)) for name, src in raw.items()]

    node_effects = [effects(n.effects) for n in ds.nodes]
    out: list[list[tuple[int, float, object, list[tuple[str, object]]]]] = [[] for _ in ds.nodes]
    for e in ds.edges:
        cond = compile_expression(e.condition) if e.condition else None
        out[index[e.source]].append((index[e.target], e.weight, cond, effects(e.effects)))
    rng = random.Random(seed)
    entry = index[ds.entry.id]
    finished = 0
    for _ in range(dreamers):
        env = dict(initial)
        at, spent = entry, 0.0
        for _step in range(MAX_STEPS):
            for name, expr in node_effects[at]:
                env[name] = coerce(expr.evaluate(env), types[name])
            spent += minutes[at]
            if is_exit[at] or spent > total:
                break
            enabled = [o for o in out[at] if o[2] is None or o[2].evaluate(env)]
            if not enabled:
                break
            cum = list(itertools.accumulate(o[1] for o in enabled))
            target, _w, _c, edge_effects = enabled[bisect.bisect(cum, rng.random() * cum[-1])]
            for name, expr in edge_effects:
                env[name] = coerce(expr.evaluate(env), types[name])
            at = target
        finished += is_exit[at] and spent <= total
    return finished / dreamers


def engine_walk(path: str, dreamers: int, seed: int) -> float:
    from tests.bench.test_bench_sim import python_loop_night

    finished, _mean = python_loop_night(load_dreamscape(path), dreamers, seed)
    return finished / dreamers


if __name__ == "__main__":
    how = engine_walk if sys.argv[4:5] == ["engine"] else walk
    print(f"{how(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])):.4f}")
