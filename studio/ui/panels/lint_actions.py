"""Turning a finding into undoable edits: its quick fix, a suppression, or lifting one."""

from __future__ import annotations

from typing import Any

from studio.analysis.layout import free_spot
from studio.model import Dreamscape
from studio.model.ops import AddNode, Batch, Op, UpdateEdge, UpdateNode, UpdateRecord

from ..canvas.geometry import NODE_H, NODE_W


class ActionError(ValueError):
    """The finding no longer matches the document (it changed since the run)."""


def fix_label(finding: Any) -> str:
    return f"Fix {finding.code}: {finding.fix.description}"


def can_fix(finding: Any) -> bool:
    fix = getattr(finding, "fix", None)
    return fix is not None and bool(getattr(fix, "automatic", True)) and not finding.suppressed


def fix_op(ds: Dreamscape, finding: Any) -> Batch:
    """All of a fix's edits as one Batch, so applying it is one undo step."""
    if not can_fix(finding):
        raise ActionError(f"{finding.code} has no automatic fix")
    _check_still_there(ds, finding)
    ops = finding.fix.make_ops(ds)
    if not ops:
        raise ActionError(f"the fix for {finding.code} has nothing left to change")
    _place_new_cards(ds, ops)
    return Batch(list(ops), fix_label(finding))


def _place_new_cards(ds: Dreamscape, ops: list[Op]) -> None:
    """Scenes a fix inserts go to the free spot nearest where the rule suggested."""
    taken: list[tuple[float, float]] = []
    for op in ops:
        if isinstance(op, AddNode):
            spot = free_spot(ds, op.node.x, op.node.y, (NODE_W, NODE_H), taken=taken)
            op.node.x, op.node.y = spot
            taken.append(spot)


def _check_still_there(ds: Dreamscape, finding: Any) -> None:
    for node_id in finding.nodes:
        if not ds.has_node(node_id):
            raise ActionError(f"scene '{node_id}' no longer exists")
    for edge_id in finding.edges:
        if not ds.has_edge(edge_id):
            raise ActionError(f"transition '{edge_id}' no longer exists")


def can_suppress(finding: Any) -> bool:
    """Fatal findings can never be silenced; suppressed ones already are."""
    return not finding.suppressed and not getattr(finding, "fatal", False)


def suppress_target(finding: Any) -> tuple[str, str] | None:
    """Where "Suppress here" writes: the finding's first node, else its first edge."""
    if finding.nodes:
        return ("node", finding.nodes[0])
    if finding.edges:
        return ("edge", finding.edges[0])
    return None


def suppress_label(finding: Any) -> str:
    target = suppress_target(finding)
    where = target[1] if target else "this dreamscape"
    return f"Suppress {finding.code} at {where}"


def suppress_op(ds: Dreamscape, finding: Any, reason: str) -> Op:
    """Write `lint_ignore[code] = reason` on the node/edge, or ignore the rule file-wide."""
    reason = reason.strip()
    target = suppress_target(finding)
    if target is None:
        ignore = list(ds.lint.get("ignore", []))
        if finding.code in ignore:
            raise ActionError(f"{finding.code} is already ignored in this dreamscape")
        return UpdateRecord(
            "lint", {"ignore": ignore + [finding.code]}, label=suppress_label(finding)
        )
    if not reason:
        raise ActionError("a suppression needs a reason")
    kind, element_id = target
    if kind == "node":
        if not ds.has_node(element_id):
            raise ActionError(f"scene '{element_id}' no longer exists")
        ignore = dict(ds.node(element_id).lint_ignore)
        ignore[finding.code] = reason
        return UpdateNode(element_id, {"lint_ignore": ignore}, label=suppress_label(finding))
    if not ds.has_edge(element_id):
        raise ActionError(f"transition '{element_id}' no longer exists")
    ignore = dict(ds.edge(element_id).lint_ignore)
    ignore[finding.code] = reason
    return UpdateEdge(element_id, {"lint_ignore": ignore}, label=suppress_label(finding))


def unsuppress_op(ds: Dreamscape, finding: Any) -> Op:
    """Remove every suppression of this finding's code on its nodes, edges and lint block."""
    code = finding.code
    ops: list[Op] = []
    for node_id in finding.nodes:
        if ds.has_node(node_id) and code in ds.node(node_id).lint_ignore:
            ignore = {k: v for k, v in ds.node(node_id).lint_ignore.items() if k != code}
            ops.append(UpdateNode(node_id, {"lint_ignore": ignore}))
    for edge_id in finding.edges:
        if ds.has_edge(edge_id) and code in ds.edge(edge_id).lint_ignore:
            ignore = {k: v for k, v in ds.edge(edge_id).lint_ignore.items() if k != code}
            ops.append(UpdateEdge(edge_id, {"lint_ignore": ignore}))
    file_ignore = list(ds.lint.get("ignore", []))
    if code in file_ignore:
        ops.append(UpdateRecord("lint", {"ignore": [c for c in file_ignore if c != code]}))
    if not ops:
        raise ActionError(f"no suppression of {code} found on this finding's scenes")
    return Batch(ops, f"Lift suppression of {code}")


def badge_map(findings: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Worst unsuppressed severity per node and per edge, for the canvas badges."""
    rank = {"error": 0, "warning": 1, "info": 2}
    nodes: dict[str, str] = {}
    edges: dict[str, str] = {}
    for f in findings:
        if f.suppressed:
            continue
        r = rank.get(f.severity, 9)
        for node_id in f.nodes:
            if r < rank.get(nodes.get(node_id, ""), 9):
                nodes[node_id] = f.severity
        for edge_id in f.edges:
            if r < rank.get(edges.get(edge_id, ""), 9):
                edges[edge_id] = f.severity
    return nodes, edges
