"""A dreamscape's conditions and effects compiled once for the analysis, over many valuations.

Every expression is the model's one compiled form (`compile_expression`), evaluated with its
vector closures over a batch of valuations at a time, with the play engine's rules: an effect
casts to its variable's type and clamps into the variable's bounds; a broken condition never
holds and a broken effect is skipped, as in the preview and the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from studio.model import Dreamscape, Expression, ExpressionError, compile_expression
from studio.model.expressions import clamp, coerce, coerce_vector

from .collapse import Collapse, apply_collapse, collapse_plan
from .graph import GraphArrays, graph_arrays

EVAL_ERRORS = (KeyError, TypeError, ValueError, ArithmeticError)

# One effect: (variable column, compiled expression).
Effect = tuple[int, Expression]


def _compiled(source: str | None) -> Expression | None:
    if source is None:
        return None
    try:
        return compile_expression(source)
    except ExpressionError:
        return None


def _types(ds: Dreamscape) -> dict[str, str]:
    """Declared variables, then any other name an expression reads or writes (as float)."""
    types = {
        name: (v.type if v.type in ("int", "float", "bool") else "float")
        for name, v in ds.variables.items()
    }
    owners: list[dict[str, str]] = [n.effects for n in ds.nodes] + [e.effects for e in ds.edges]
    for fx in owners:
        for name, source in fx.items():
            types.setdefault(name, "float")
            expr = _compiled(source)
            for read in sorted(expr.names if expr else ()):
                types.setdefault(read, "float")
    for edge in ds.edges:
        expr = _compiled(edge.condition)
        for read in sorted(expr.names if expr else ()):
            types.setdefault(read, "float")
    return types


def _initial(ds: Dreamscape, name: str, var_type: str) -> float:
    declared = ds.variables.get(name)
    raw = declared.initial if declared is not None else 0
    try:
        value = coerce(raw, var_type)
    except (TypeError, ValueError, OverflowError):
        value = coerce(0, var_type)
    return float(value)


@dataclass(slots=True)
class AnalysisProgram:
    """Edges in CSR order by source, with condition and effect-chain ids per edge."""

    g: GraphArrays
    names: list[str]
    types: list[str]
    bounds: list[tuple[int | None, int | None]]
    initial: np.ndarray
    plan: dict[str, Collapse]
    offsets: np.ndarray
    edge_order: np.ndarray
    edge_target: np.ndarray
    edge_weight: np.ndarray
    cond_id: np.ndarray
    conditions: list[Expression]
    chain_id: np.ndarray
    chains: list[list[Effect]]
    node_chain: np.ndarray

    @property
    def width(self) -> int:
        return len(self.names)

    def env(self, rows: np.ndarray, names: frozenset[str]) -> dict[str, Any]:
        """Columns of a batch of valuations, cast to each variable's type, for `names`."""
        env: dict[str, Any] = {}
        for name in names:
            col = self.names.index(name) if name in self.names else -1
            if col < 0:
                env[name] = np.zeros(rows.shape[0])
            else:
                env[name] = self.cast(rows[:, col], self.types[col])
        return env

    @staticmethod
    def cast(values: np.ndarray, var_type: str) -> np.ndarray:
        if var_type == "bool":
            return values.astype(bool)
        if var_type == "int":
            return values.astype(np.int64)
        return values.astype(float)

    def holds(self, cond: int, rows: np.ndarray) -> np.ndarray:
        """Whether condition `cond` is true on each valuation (false where it cannot be read)."""
        expr = self.conditions[cond]
        try:
            value = expr.evaluate_vector(self.env(rows, expr.names))
        except EVAL_ERRORS:
            return np.zeros(rows.shape[0], dtype=bool)
        return np.broadcast_to(np.asarray(value).astype(bool), (rows.shape[0],)).copy()

    def run(self, chain: int, rows: np.ndarray, collapse: bool = True) -> np.ndarray:
        """Apply an effect chain to a batch of valuations (each effect sees the ones before)."""
        out = rows.copy()
        m = rows.shape[0]
        for col, expr in self.chains[chain]:
            try:
                value = expr.evaluate_vector(self.env(out, expr.names))
            except EVAL_ERRORS:
                continue
            var_type = self.types[col]
            new = coerce_vector(value, var_type, m)
            if var_type == "int":
                new = clamp(new, *self.bounds[col])
            out[:, col] = new.astype(float)
        return self.collapse(out) if collapse else out

    def collapse(self, rows: np.ndarray) -> np.ndarray:
        """Merge the values no condition can tell apart (see collapse.py)."""
        for col, name in enumerate(self.names):
            rule = self.plan.get(name)
            if rule is not None:
                rows[:, col] = apply_collapse(rows[:, col], rule, float(self.initial[col]))
        return rows

    def start_row(self, scene: int, collapse: bool = True) -> np.ndarray:
        """The valuation after entering `scene` with fresh variables."""
        row = self.initial[None, :].copy()
        chain = int(self.node_chain[scene])
        return self.run(chain, row, collapse) if chain >= 0 else row


def _chain_key(effects: list[tuple[str, str]], names: dict[str, int]) -> tuple[Effect, ...]:
    out = []
    for name, source in effects:
        expr = _compiled(source)
        if expr is not None and name in names:
            out.append((names[name], expr))
    return tuple(out)


def compile_analysis(ds: Dreamscape) -> AnalysisProgram:
    """Compile conditions and effect chains (edge effects, then the target's) once per design."""
    g = graph_arrays(ds)
    types = _types(ds)
    names = list(types)
    col = {n: i for i, n in enumerate(names)}
    bounds = [ds.variables[n].bounds if n in ds.variables else (None, None) for n in names]
    initial = np.asarray([_initial(ds, n, types[n]) for n in names], dtype=float)
    order = np.argsort(g.src, kind="stable")
    degree = np.bincount(g.src, minlength=g.n) if g.n else np.zeros(0, np.int64)
    offsets = np.zeros(g.n + 1, dtype=np.int64)
    np.cumsum(degree, out=offsets[1:])
    cond_index: dict[str, int] = {}
    conditions: list[Expression] = []
    chain_index: dict[tuple[Effect, ...], int] = {}
    chains: list[list[Effect]] = []

    def chain_of(key: tuple[Effect, ...]) -> int:
        if not key:
            return -1
        if key not in chain_index:
            chain_index[key] = len(chains)
            chains.append(list(key))
        return chain_index[key]

    nodes = ds.nodes
    cond_id = np.full(order.size, -1, dtype=np.int64)
    chain_id = np.full(order.size, -1, dtype=np.int64)
    for k, i in enumerate(order.tolist()):
        edge = g.edges[i]
        if edge.condition is not None:
            expr = _compiled(edge.condition)
            if expr is None:
                cond_id[k] = -2
            else:
                cond_id[k] = cond_index.setdefault(edge.condition, len(conditions))
                if cond_id[k] == len(conditions):
                    conditions.append(expr)
        target = nodes[int(g.dst[i])]
        effects = list(edge.effects.items()) + list(target.effects.items())
        chain_id[k] = chain_of(_chain_key(effects, col))
    node_chain = np.asarray(
        [chain_of(_chain_key(list(nd.effects.items()), col)) for nd in nodes], dtype=np.int64
    )
    return AnalysisProgram(
        g=g,
        names=names,
        types=[types[n] for n in names],
        bounds=bounds,
        initial=initial,
        plan=collapse_plan(ds, types),
        offsets=offsets,
        edge_order=order,
        edge_target=g.dst[order],
        edge_weight=g.weight[order],
        cond_id=cond_id,
        conditions=conditions,
        chain_id=chain_id,
        chains=chains,
        node_chain=node_chain,
    )
