"""Which valuations no condition can tell apart, so exploring them once is exact.

A variable that only ever meets constants in comparisons (`tokens >= 12`) and only moves one
way (`tokens + 1`, or is set to a constant) behaves the same for every value past its largest
threshold: all of those values satisfy exactly the same conditions, and moving on from any of
them stays past it. So its values saturate there. A variable no condition and no other
variable's effect ever reads cannot change what happens at all, so it is dropped (held at its
initial value). Everything else keeps every value it takes.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

from studio.model import Dreamscape, ExpressionError, compile_expression

_FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.Eq: ast.Eq}
_FLIP[ast.NotEq] = ast.NotEq


@dataclass(frozen=True, slots=True)
class Collapse:
    """How one variable's values are merged: `up` saturates at `at`, `down` floors, `drop` fixes."""

    mode: str
    at: float = 0.0

    def describe(self, name: str) -> str:
        """Plain words for the analysis report."""
        if self.mode == "drop":
            return f"{name}: never read, held at its initial value"
        sign = ">=" if self.mode == "up" else "<="
        return f"{name}: values {sign} {self.at:g} behave alike"


def _number(node: ast.AST) -> float | None:
    """A literal number (possibly negated), else None."""
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
        return float(node.value) if isinstance(node.value, int | float) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _tree(source: str) -> ast.AST | None:
    try:
        compile_expression(source)
    except ExpressionError:
        return None
    return ast.parse(source.strip(), mode="eval").body


def _comparisons(tree: ast.AST) -> tuple[list[tuple[str, type, float]], set[str]]:
    """(variable, operator, constant) for every `var op const`; names read any other way."""
    simple: list[tuple[str, type, float]] = []
    other: set[str] = set()
    covered: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, a, b in zip(node.ops, operands, operands[1:], strict=False):
            num_a, num_b = _number(a), _number(b)
            if isinstance(a, ast.Name) and num_b is not None:
                simple.append((a.id, type(op), num_b))
                covered.add(id(a))
            elif isinstance(b, ast.Name) and num_a is not None:
                simple.append((b.id, _FLIP[type(op)], num_a))
                covered.add(id(b))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in covered:
            other.add(node.id)
    return simple, other


def _step(name: str, tree: ast.AST) -> float | None:
    """The signed step of `name + c`, `c + name`, `name - c`; 0 for a constant; None otherwise."""
    if _number(tree) is not None:
        return 0.0
    if isinstance(tree, ast.Name) and tree.id == name:
        return 0.0
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Add | ast.Sub):
        left, right = tree.left, tree.right
        if isinstance(left, ast.Name) and left.id == name and _number(right) is not None:
            c = float(_number(right))  # type: ignore[arg-type]
            return c if isinstance(tree.op, ast.Add) else -c
        if isinstance(tree.op, ast.Add) and isinstance(right, ast.Name) and right.id == name:
            return _number(left)
    return None


def _upper(op: type, c: float, is_int: bool) -> float:
    """Smallest K with `x op c` constant for every x >= K."""
    if is_int:
        if op in (ast.GtE, ast.Lt):
            return float(math.ceil(c))
        if op in (ast.Gt, ast.LtE):
            return float(math.floor(c) + 1)
        return c + 1 if c == int(c) else -math.inf
    if op in (ast.GtE, ast.Lt):
        return c
    return float(np.nextafter(c, math.inf))


def _lower(op: type, c: float, is_int: bool) -> float:
    """Largest L with `x op c` constant for every x <= L."""
    if is_int:
        if op in (ast.GtE, ast.Lt):
            return float(math.ceil(c) - 1)
        if op in (ast.Gt, ast.LtE):
            return float(math.floor(c))
        return c - 1 if c == int(c) else math.inf
    if op in (ast.Gt, ast.LtE):
        return c
    return float(np.nextafter(c, -math.inf))


def _sources(ds: Dreamscape) -> tuple[list[str], list[tuple[str, str]]]:
    conditions = [e.condition for e in ds.edges if e.condition is not None]
    owners: list[dict[str, str]] = [n.effects for n in ds.nodes] + [e.effects for e in ds.edges]
    effects = [(k, v) for fx in owners for k, v in fx.items()]
    return conditions, effects


def collapse_plan(ds: Dreamscape, types: dict[str, str]) -> dict[str, Collapse]:
    """For each variable whose values can be merged exactly, how to merge them."""
    conditions, effects = _sources(ds)
    thresholds: dict[str, list[tuple[type, float]]] = {n: [] for n in types}
    opaque: set[str] = set()
    read: set[str] = set()
    for source in conditions:
        tree = _tree(source)
        if tree is None:
            continue
        simple, other = _comparisons(tree)
        for name, op, c in simple:
            thresholds.setdefault(name, []).append((op, c))
            read.add(name)
        opaque |= other
        read |= other
    steps: dict[str, list[float | None]] = {n: [] for n in types}
    for target, source in effects:
        tree = _tree(source)
        if tree is None:
            continue
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for name in names - {target}:
            opaque.add(name)
            read.add(name)
        steps.setdefault(target, []).append(_step(target, tree))
    plan: dict[str, Collapse] = {}
    for name, var_type in types.items():
        if name not in read:
            plan[name] = Collapse("drop")
            continue
        if var_type == "bool" or name in opaque or any(s is None for s in steps.get(name, [])):
            continue
        moves = [s for s in steps.get(name, []) if s is not None and s != 0]
        is_int = var_type == "int"
        if all(s > 0 for s in moves):
            at = max((_upper(op, c, is_int) for op, c in thresholds[name]), default=-math.inf)
            plan[name] = Collapse("up", at) if math.isfinite(at) else Collapse("drop")
        elif all(s < 0 for s in moves):
            at = min((_lower(op, c, is_int) for op, c in thresholds[name]), default=math.inf)
            plan[name] = Collapse("down", at) if math.isfinite(at) else Collapse("drop")
    return plan


def apply_collapse(values: np.ndarray, rule: Collapse, initial: float) -> np.ndarray:
    """Merge one variable's column of values as the plan says."""
    if rule.mode == "drop":
        return np.full_like(values, initial)
    if rule.mode == "up":
        return np.minimum(values, rule.at)
    return np.maximum(values, rule.at)
