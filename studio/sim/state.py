"""Dreamer variables: their declared types and initial values, and safe expression lookup.

Files that load are already checked, but the editor simulates designs mid-edit, so an
expression may not compile or may name a variable nobody declared yet. Such names read as
0 (and are reported); a broken expression disables its edge or skips its effect, rather
than stopping the preview or the simulation.
"""

from __future__ import annotations

from typing import Any

from studio.model import Dreamscape, Expression, ExpressionError, compile_expression
from studio.model.expressions import coerce


def try_compile(source: str | None) -> tuple[Expression | None, str | None]:
    """The compiled expression, or None and the reason it cannot be used."""
    if source is None:
        return None, None
    try:
        return compile_expression(source), None
    except ExpressionError as exc:
        return None, f"'{source}': {exc}"


def expression_sources(ds: Dreamscape) -> list[str]:
    """Every distinct condition and effect source in the document, in order of appearance."""
    sources: dict[str, None] = {}
    for node in ds.nodes:
        if node.effects:
            sources.update(dict.fromkeys(node.effects.values()))
    for edge in ds.edges:
        if edge.condition is not None:
            sources[edge.condition] = None
        if edge.effects:
            sources.update(dict.fromkeys(edge.effects.values()))
    return list(sources)


def variable_types(ds: Dreamscape) -> dict[str, str]:
    """Declared variables with their types, then undeclared names used anywhere (as float)."""
    types = {
        name: (var.type if var.type in ("int", "float", "bool") else "float")
        for name, var in ds.variables.items()
    }
    for owner in (ds.nodes, ds.edges):
        for item in owner:
            if item.effects:
                for name in item.effects:
                    types.setdefault(name, "float")
    for source in expression_sources(ds):
        expr, _ = try_compile(source)
        if expr is not None:
            for name in sorted(expr.names - types.keys()):
                types.setdefault(name, "float")
    return types


def variable_bounds(ds: Dreamscape) -> dict[str, tuple[int | None, int | None]]:
    """Declared `min`/`max` of the int variables that have any (effects clamp into them)."""
    return {name: var.bounds for name, var in ds.variables.items() if var.bounds != (None, None)}


def initial_values(ds: Dreamscape, types: dict[str, str]) -> dict[str, Any]:
    """Each variable's starting value, cast to its type (bad initial values start at 0)."""
    values: dict[str, Any] = {}
    for name, var_type in types.items():
        declared = ds.variables.get(name)
        raw = declared.initial if declared is not None else 0
        try:
            values[name] = coerce(raw, var_type)
        except (TypeError, ValueError, OverflowError):
            values[name] = coerce(0, var_type)
    return values
