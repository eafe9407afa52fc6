"""A dreamscape compiled once into numpy tables for the vectorized night simulator.

Expressions are grouped by *template*: numbers are lifted out into per-use constant
columns, so `courage >= 2` on one edge and `courage >= 5` on another evaluate together
in one `evaluate_vector` call over every dreamer that needs either. The number of
templates in a design is small even when the number of conditions is large, which keeps
the per-step cost of the simulator independent of the size of the graph.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from studio.analysis.graph import as_floats, graph_arrays
from studio.model import Dreamscape, Expression, ExpressionError, compile_expression

from .state import initial_values, variable_bounds, variable_types

CONST_PREFIX = "_k"


@dataclass(frozen=True, slots=True)
class IntensityLevels:
    """Where a stretch of high intensity starts and which scenes cool it down.

    The simulator only measures; the rules that judge intensity own these levels and pass
    them in (the lint context reads them from the rules' thresholds).
    """

    high: float
    cooldown: float


@lru_cache(maxsize=8192)
def template_of(source: str) -> tuple[str, tuple[Any, ...]]:
    """The source with its numbers replaced by `_k0, _k1, …`, and those numbers."""
    compile_expression(source)
    tree = ast.parse(source.strip(), mode="eval")
    consts: list[Any] = []

    class _Lift(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                return node
            consts.append(node.value)
            return ast.copy_location(
                ast.Name(id=f"{CONST_PREFIX}{len(consts) - 1}", ctx=ast.Load()), node
            )

    lifted = ast.unparse(_Lift().visit(tree))
    try:
        compile_expression(lifted)
    except ExpressionError:
        return source, ()
    return lifted, tuple(consts)


@dataclass(slots=True)
class TemplateGroup:
    """Uses of one template (and, for effects, one target variable): one constant row per use."""

    expr: Expression
    var_names: tuple[str, ...]
    const_names: tuple[str, ...]
    target: str | None = None
    target_type: str = "float"
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    consts: list[np.ndarray] = field(default_factory=list)

    def freeze(self) -> None:
        cols = list(zip(*self.rows, strict=True)) if self.const_names else []
        self.consts = [
            np.asarray(col, dtype=np.int64 if all(isinstance(v, int) for v in col) else np.float64)
            for col in cols
        ]

    def env(
        self, variables: dict[str, np.ndarray], who: np.ndarray, rows: np.ndarray
    ) -> dict[str, Any]:
        env: dict[str, Any] = {name: variables[name][who] for name in self.var_names}
        for name, col in zip(self.const_names, self.consts, strict=True):
            env[name] = col[rows]
        return env


class _Groups:
    """Collects template groups while compiling."""

    def __init__(self, names: set[str], problems: list[str]) -> None:
        self.groups: list[TemplateGroup] = []
        self._by_key: dict[tuple[str | None, str], int] = {}
        self._lift = not any(n.startswith(CONST_PREFIX) for n in names)
        self._problems = problems

    def add(
        self, source: str, target: str | None, target_type: str, where: tuple[str, str, str]
    ) -> tuple[int, int]:
        """(group, row) for one use of `source`; (-1, 0) when it cannot be compiled.

        `where` is (owner kind, owner id, what), formatted only if there is a problem.
        """
        try:
            tmpl, consts = template_of(source) if self._lift else (source, ())
            compile_expression(source)
        except ExpressionError as exc:
            kind, owner, what = where
            self._problems.append(f"{kind} '{owner}' {what}: '{source}': {exc}")
            return -1, 0
        key = (target, tmpl)
        gid = self._by_key.get(key)
        if gid is None:
            expr = compile_expression(tmpl)
            const_names = tuple(f"{CONST_PREFIX}{i}" for i in range(len(consts)))
            var_names = tuple(sorted(n for n in expr.names if n not in const_names))
            gid = len(self.groups)
            self._by_key[key] = gid
            self.groups.append(TemplateGroup(expr, var_names, const_names, target, target_type))
        group = self.groups[gid]
        group.rows.append(consts)
        return gid, len(group.rows) - 1

    def freeze(self) -> list[TemplateGroup]:
        for group in self.groups:
            group.freeze()
        return self.groups


@dataclass(slots=True)
class EffectTable:
    """Effects of nodes or edges: slot p of owner o is (group[o, p], row[o, p]), -1 when empty."""

    groups: list[TemplateGroup]
    group: np.ndarray
    row: np.ndarray
    slot_groups: list[list[int]]

    @classmethod
    def build(
        cls,
        owners: list[dict[str, str]],
        types: dict[str, str],
        groups: _Groups,
        label: str,
        ids: list[str],
    ) -> EffectTable:
        with_effects = [(o, effects) for o, effects in enumerate(owners) if effects]
        slots = max((len(effects) for _, effects in with_effects), default=0)
        group = np.full((len(owners), slots), -1, dtype=np.int64)
        row = np.zeros((len(owners), slots), dtype=np.int64)
        at_o: list[int] = []
        at_p: list[int] = []
        found: list[tuple[int, int]] = []
        for o, effects in with_effects:
            for p, (name, source) in enumerate(effects.items()):
                at_o.append(o)
                at_p.append(p)
                found.append(
                    groups.add(
                        source, name, types.get(name, "float"), (label, ids[o], f"effect on {name}")
                    )
                )
        if found:
            gids, rows = zip(*found, strict=True)
            group[at_o, at_p] = gids
            row[at_o, at_p] = rows
        slot_groups = [np.unique(group[:, p][group[:, p] >= 0]).tolist() for p in range(slots)]
        return cls([], group, row, slot_groups)


@dataclass(slots=True)
class Program:
    """Everything the simulator reads per step, as arrays indexed by node or CSR edge."""

    ids: list[str]
    start: int | None
    minutes: np.ndarray
    intensity: np.ndarray
    reward: np.ndarray
    is_exit: np.ndarray
    is_anchor: np.ndarray
    is_social: np.ndarray
    is_cue: np.ndarray
    is_high: np.ndarray
    is_cool: np.ndarray
    offsets: np.ndarray
    degree: np.ndarray
    edge_ids: list[str]
    edge_target: np.ndarray
    edge_weight: np.ndarray
    cond_group: np.ndarray
    cond_row: np.ndarray
    cond_groups: list[TemplateGroup]
    node_effects: EffectTable
    edge_effects: EffectTable
    types: dict[str, str]
    initial: dict[str, Any]
    problems: list[str]
    bounds: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)


def compile_program(
    ds: Dreamscape, start: str | None = None, levels: IntensityLevels | None = None
) -> Program:
    """Flatten the document: nodes by file index, edges grouped by source (file order kept).

    Without `levels` no scene counts as high or cooling, so no high stretch is measured.
    """
    g = graph_arrays(ds)
    nodes = ds.nodes
    ids, index, kinds, n = g.ids, g.index, g.kinds, g.n
    types = variable_types(ds)
    problems: list[str] = []
    cond_builder = _Groups(set(types), problems)
    effect_builder = _Groups(set(types), problems)

    # Edges grouped by source node (a CSR layout), file order kept within each node.
    order = np.argsort(g.src, kind="stable")
    edges = [g.edges[i] for i in order.tolist()]
    degree = np.bincount(g.src, minlength=n).astype(np.int64) if n else np.zeros(0, np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=offsets[1:])

    cond_group = np.full(len(edges), -1, dtype=np.int64)
    cond_row = np.zeros(len(edges), dtype=np.int64)
    for k, edge in enumerate(edges):
        if edge.condition is not None:
            gid, row = cond_builder.add(
                edge.condition, None, "bool", ("edge", edge.id, "condition")
            )
            # A condition that cannot be compiled never holds.
            cond_group[k], cond_row[k] = (gid, row) if gid >= 0 else (-2, 0)
    node_fx = EffectTable.build([nd.effects for nd in nodes], types, effect_builder, "node", ids)
    edge_fx = EffectTable.build(
        [e.effects for e in edges], types, effect_builder, "edge", [e.id for e in edges]
    )
    fx_groups = effect_builder.freeze()
    node_fx.groups = edge_fx.groups = fx_groups

    if start is not None and start in index:
        start_index: int | None = index[start]
    else:
        entries = [i for i, k in enumerate(kinds) if k == "entry"]
        start_index = entries[0] if len(entries) == 1 else None
    kind_arr = np.asarray(kinds, dtype=object)
    intensity = as_floats([nd.intensity for nd in nodes], 0.0)
    return Program(
        ids=ids,
        start=start_index,
        minutes=g.minutes,
        intensity=intensity,
        reward=as_floats([nd.reward for nd in nodes], 0.0),
        is_exit=g.is_exit,
        is_anchor=kind_arr == "anchor",
        is_social=kind_arr == "social",
        is_cue=(kind_arr == "exit") | (kind_arr == "anchor") | (kind_arr == "social"),
        is_high=intensity > levels.high if levels else np.zeros(n, dtype=bool),
        is_cool=intensity < levels.cooldown if levels else np.zeros(n, dtype=bool),
        offsets=offsets,
        degree=degree,
        edge_ids=[e.id for e in edges],
        edge_target=g.dst[order],
        edge_weight=g.weight[order],
        cond_group=cond_group,
        cond_row=cond_row,
        cond_groups=cond_builder.freeze(),
        node_effects=node_fx,
        edge_effects=edge_fx,
        types=types,
        initial=initial_values(ds, types),
        problems=problems,
        bounds=variable_bounds(ds),
    )
