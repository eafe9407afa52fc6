"""Copy and paste of scenes as dreamscape JSON, between windows and between processes.

The clipboard holds {"nodes", "edges", "variables", "groups"} in the `.dream` element
format. Pasting validates it through the same loader as files, so junk on the clipboard
is refused with located messages, never half-applied.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from studio.io import DreamFileError, dreamscape_from_data, edge_to_data, node_to_data
from studio.io.errors import Issue
from studio.model import Dreamscape, compile_expression
from studio.model.elements import Edge, Group, Node
from studio.model.ops import AddEdge, AddGroup, AddNode, Op, SetVariable

MIME_TYPE = "application/x-dreamscape+json"
CLIPBOARD_SOURCE = "clipboard"
PASTE_OFFSET = 40.0


def _expression_names(source: str | None) -> set[str]:
    if not source:
        return set()
    try:
        return set(compile_expression(source).names)
    except ValueError:
        return set()


def copy_data(ds: Dreamscape, node_ids: list[str]) -> dict[str, Any]:
    """The selected nodes, edges between them, the variables they use and whole groups."""
    chosen = set(node_ids)
    nodes = [n for n in ds.nodes if n.id in chosen]
    # An edge travels only with both of its ends; a lone selected edge has nowhere to go.
    edges = [e for e in ds.edges if e.source in chosen and e.target in chosen]
    used: set[str] = set()
    elements: list[Node | Edge] = [*nodes, *edges]
    for element in elements:
        used |= set(element.effects)
        for source in element.effects.values():
            used |= _expression_names(source)
    for edge in edges:
        used |= _expression_names(edge.condition)
    variables = {
        name: {"type": v.type, "initial": v.initial}
        for name, v in ds.variables.items()
        if name in used
    }
    groups = [
        {"id": g.id, "title": g.title, "nodes": list(g.nodes), "color": g.color}
        for g in ds.groups
        if g.nodes and set(g.nodes) <= chosen
    ]
    return {
        "nodes": [node_to_data(n) for n in nodes],
        "edges": [edge_to_data(e) for e in edges],
        "variables": variables,
        "groups": groups,
    }


def validate_paste(data: Any, ds: Dreamscape) -> Dreamscape:
    """Check clipboard data with the file loader; raises DreamFileError with every problem."""
    if not isinstance(data, dict):
        raise DreamFileError(
            CLIPBOARD_SOURCE, [Issue("", "the clipboard holds no dreamscape scenes")]
        )
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise DreamFileError(CLIPBOARD_SOURCE, [Issue("nodes", "no scenes to paste")])
    variables = data.get("variables") or {}
    if isinstance(variables, dict):
        # Declared variables of the target count too: the pasted scenes may use them.
        merged = {name: {"type": v.type, "initial": v.initial} for name, v in ds.variables.items()}
        merged.update(variables)
        variables = merged
    ids = {n.get("id") for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), str)}

    def external(edge: Any) -> bool:
        """An edge to a scene that was not copied; malformed edges stay to be reported."""
        if not isinstance(edge, dict):
            return False
        ends = (edge.get("from"), edge.get("to"))
        return all(isinstance(end, str) for end in ends) and not all(end in ids for end in ends)

    edges = data.get("edges") or []
    if isinstance(edges, list):  # edges leaving the copied set cannot come along
        edges = [e for e in edges if not external(e)]
    wrapper = {
        "format": "dreamscape",
        "version": 1,
        "variables": variables,
        "nodes": nodes,
        "edges": edges,
        "groups": data.get("groups") or [],
    }
    return dreamscape_from_data(wrapper, CLIPBOARD_SOURCE)


def paste_ops(
    ds: Dreamscape, data: Any, at: tuple[float, float] | None = None
) -> tuple[list[Op], list[str], list[str]]:
    """Ops adding the clipboard's scenes with fresh ids; returns (ops, node ids, edge ids)."""
    incoming = validate_paste(data, ds)
    taken: set[str] = set()
    rename: dict[str, str] = {}
    for node in incoming.nodes:
        rename[node.id] = ds.unique_id(node.id, taken)
        taken.add(rename[node.id])
    left = min(n.x for n in incoming.nodes)
    top = min(n.y for n in incoming.nodes)
    dx, dy = (at[0] - left, at[1] - top) if at is not None else (PASTE_OFFSET, PASTE_OFFSET)
    ops: list[Op] = []
    for name, variable in incoming.variables.items():
        if name not in ds.variables:
            ops.append(SetVariable(name, variable))
    node_ids: list[str] = []
    for node in incoming.nodes:
        node = copy.deepcopy(node)
        node.id = rename[node.id]
        node.x, node.y = node.x + dx, node.y + dy
        ops.append(AddNode(node))
        node_ids.append(node.id)
    edge_ids: list[str] = []
    for edge in incoming.edges:
        edge = copy.deepcopy(edge)
        edge.id = ds.unique_id(edge.id, taken)
        taken.add(edge.id)
        edge.source, edge.target = rename[edge.source], rename[edge.target]
        ops.append(AddEdge(edge))
        edge_ids.append(edge.id)
    for group in incoming.groups:
        gid = ds.unique_id(group.id, taken)
        taken.add(gid)
        ops.append(AddGroup(Group(gid, group.title, [rename[n] for n in group.nodes], group.color)))
    return ops, node_ids, edge_ids


# ------------------------------------------------------------- system clipboard
def put_on_clipboard(data: dict[str, Any]) -> None:
    """Publish as our MIME type and as plain JSON text (other apps, other processes)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)


def read_clipboard() -> Any:
    """The clipboard's dreamscape data; raises DreamFileError when it holds something else."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        raise DreamFileError(CLIPBOARD_SOURCE, [Issue("", "the clipboard is empty")])
    if mime.hasFormat(MIME_TYPE):
        raw = bytes(mime.data(MIME_TYPE).data()).decode("utf-8", errors="replace")
    elif mime.hasText():
        raw = mime.text()
    else:
        raise DreamFileError(CLIPBOARD_SOURCE, [Issue("", "the clipboard holds no text")])
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise DreamFileError(
            CLIPBOARD_SOURCE,
            [Issue("", "the clipboard does not hold copied scenes (not dreamscape JSON)")],
        ) from None


def clipboard_has_scenes() -> bool:
    """Cheap check for enabling Paste (text is only parsed when pasting)."""
    mime = QGuiApplication.clipboard().mimeData()
    return mime is not None and (mime.hasFormat(MIME_TYPE) or mime.hasText())
