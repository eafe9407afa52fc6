"""Small dreamscapes built in code for rule tests: a triggering graph and its near miss."""

from __future__ import annotations

from typing import Any

from studio.lint import LintConfig, LintReport, lint_dreamscape
from studio.model import Dreamscape, Edge, Node, Variable


def build(
    nodes: list[Node],
    edges: list[tuple[str, str]] | list[Edge] | list[Any],
    *,
    audience: str = "adult",
    variables: dict[str, Any] | None = None,
    lint: dict[str, Any] | None = None,
    rem: list[float] | None = None,
) -> Dreamscape:
    """A document without loader validation (so broken graphs can be built too)."""
    ds = Dreamscape()
    ds.meta.audience = audience
    if rem is not None:
        ds.night.rem_minutes = list(rem)
    for name, (vtype, initial) in (variables or {}).items():
        ds.variables[name] = Variable(name, vtype, initial)
    if lint is not None:
        ds.lint = dict(lint)
    made: list[Edge] = []
    for i, spec in enumerate(edges):
        if isinstance(spec, Edge):
            made.append(spec)
        else:
            source, target, *rest = spec
            extra = rest[0] if rest else {}
            made.append(Edge(extra.pop("id", f"e{i + 1}"), source, target, **extra))
    ds.load_elements(list(nodes), made)
    return ds


def node(node_id: str, kind: str = "scene", **fields: Any) -> Node:
    if kind == "reward":
        fields.setdefault("reward", 1.0)
    return Node(node_id, kind, **fields)


def chain(*ids_kinds: tuple[str, str], **fields: Any) -> tuple[list[Node], list[tuple[str, str]]]:
    """A straight line of nodes, each leading to the next."""
    nodes = [node(i, k, **fields) for i, k in ids_kinds]
    return nodes, [(a.id, b.id) for a, b in zip(nodes, nodes[1:], strict=False)]


def healthy() -> Dreamscape:
    """Entry → anchor → social → calm scene → exit: nothing for any rule to say."""
    nodes, edges = chain(
        ("onset", "entry"),
        ("lantern", "anchor"),
        ("mae", "social"),
        ("garden", "scene"),
        ("wake", "exit"),
        intensity=0.2,
        minutes=3,
    )
    return build(nodes, edges)


def run(
    ds: Dreamscape, select: list[str] | None = None, *, dreamers: int = 400, **config: Any
) -> LintReport:
    override = LintConfig(select=select, **config) if (select or config) else None
    return lint_dreamscape(ds, override, dreamers=dreamers, seed=1)


def codes(report: LintReport, *, suppressed: bool = False) -> list[str]:
    """Codes of the report's findings (unsuppressed unless asked), in report order."""
    return [f.code for f in report.findings if f.suppressed == suppressed]


def found(ds: Dreamscape, code: str, **kwargs: Any) -> list:
    """The unsuppressed findings of one rule."""
    return [f for f in run(ds, [code], **kwargs).findings if f.code == code and not f.suppressed]
