"""The Dreamscape document: ordered nodes, edges, variables and groups with primitive edits.

Primitive edits keep indexes consistent and emit events; reversible operations in
`ops.py` compose them so every user edit can be undone exactly.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .elements import (
    EDGE_FIELDS,
    NODE_FIELDS,
    Edge,
    Group,
    Meta,
    Night,
    Node,
    Variable,
    default_lint_block,
    is_valid_id,
)
from .events import DreamscapeEvents


class ModelError(ValueError):
    """An edit that would break the model's invariants (unknown id, duplicate id)."""


def _require_valid_id(value: object, what: str) -> None:
    """Ids the file format would reject never enter the model, so every save stays loadable."""
    if not is_valid_id(value):
        raise ModelError(
            f"invalid {what} id {value!r} (letters, digits, _ and -, "
            "starting with a letter, at most 64 characters)"
        )


class Dreamscape:
    """A graph of dream scenes; the single source of truth views and analyses follow."""

    def __init__(self) -> None:
        self.format: str = "dreamscape"
        self.version: int = 1
        self.meta = Meta()
        self.night = Night()
        self.variables: dict[str, Variable] = {}
        self._nodes: list[Node] = []
        self._edges: list[Edge] = []
        self.groups: list[Group] = []
        self.lint: dict[str, Any] = default_lint_block()
        self.extra: dict[str, Any] = {}
        self.path: Path | None = None
        self.events = DreamscapeEvents()
        self.revision = 0
        self._node_index: dict[str, Node] = {}
        self._edge_index: dict[str, Edge] = {}
        self._adjacency: tuple[dict[str, list[Edge]], dict[str, list[Edge]]] | None = None

    # ----------------------------------------------------------------- queries
    @property
    def nodes(self) -> list[Node]:
        """Nodes in file order (read-only by convention: edit through operations)."""
        return self._nodes

    @property
    def edges(self) -> list[Edge]:
        """Edges in file order (read-only by convention: edit through operations)."""
        return self._edges

    def node(self, node_id: str) -> Node:
        try:
            return self._node_index[node_id]
        except KeyError:
            raise ModelError(f"unknown node '{node_id}'") from None

    def edge(self, edge_id: str) -> Edge:
        try:
            return self._edge_index[edge_id]
        except KeyError:
            raise ModelError(f"unknown edge '{edge_id}'") from None

    def has_node(self, node_id: str) -> bool:
        return node_id in self._node_index

    def has_edge(self, edge_id: str) -> bool:
        return edge_id in self._edge_index

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise ModelError(f"unknown group '{group_id}'")

    def node_index(self, node_id: str) -> int:
        return self._nodes.index(self.node(node_id))

    def edge_index(self, edge_id: str) -> int:
        return self._edges.index(self.edge(edge_id))

    def _adj(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        if self._adjacency is None:
            out: dict[str, list[Edge]] = {n.id: [] for n in self._nodes}
            inc: dict[str, list[Edge]] = {n.id: [] for n in self._nodes}
            for edge in self._edges:
                out.setdefault(edge.source, []).append(edge)
                inc.setdefault(edge.target, []).append(edge)
            self._adjacency = (out, inc)
        return self._adjacency

    def out_edges(self, node_id: str) -> list[Edge]:
        """Edges leaving a node, in file order (the order choices are offered)."""
        return self._adj()[0].get(node_id, [])

    def in_edges(self, node_id: str) -> list[Edge]:
        return self._adj()[1].get(node_id, [])

    def edges_of(self, node_id: str) -> list[Edge]:
        """Every edge touching a node, in file order, each once."""
        touching = {id(e) for e in self.out_edges(node_id)} | {
            id(e) for e in self.in_edges(node_id)
        }
        return [e for e in self._edges if id(e) in touching]

    def entries(self) -> list[Node]:
        return [n for n in self._nodes if n.kind == "entry"]

    @property
    def entry(self) -> Node | None:
        """The sleep-onset node when there is exactly one, else None."""
        entries = self.entries()
        return entries[0] if len(entries) == 1 else None

    def nodes_of_kind(self, kind: str) -> list[Node]:
        return [n for n in self._nodes if n.kind == kind]

    def groups_of(self, node_id: str) -> list[Group]:
        return [g for g in self.groups if node_id in g.nodes]

    def unique_id(self, prefix: str, taken: Iterable[str] = ()) -> str:
        """A fresh id with a readable prefix, never reusing one in the document."""
        used = set(self._node_index) | set(self._edge_index) | {g.id for g in self.groups}
        used |= set(taken)
        prefix = re.sub(r"[^A-Za-z0-9_-]+", "_", prefix)
        base = prefix if prefix and prefix[0].isascii() and prefix[0].isalpha() else f"n{prefix}"
        base = base[:56]
        if base not in used:
            return base
        i = 2
        while f"{base}_{i}" in used:
            i += 1
        return f"{base}_{i}"

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    # ---------------------------------------------------------- bookkeeping
    def _touch(self, edges: bool = False) -> None:
        self.revision += 1
        if edges:
            self._adjacency = None

    def _notify(self, event_name: str, *args: Any) -> None:
        getattr(self.events, event_name).emit(*args)
        self.events.changed.emit(event_name)

    # ------------------------------------------------------- primitive edits
    def insert_node(self, node: Node, index: int | None = None) -> int:
        """Add a node at a file position; returns the index it landed at."""
        _require_valid_id(node.id, "node")
        if node.id in self._node_index:
            raise ModelError(f"duplicate node id '{node.id}'")
        if node.id in self._edge_index:
            raise ModelError(f"id '{node.id}' is already used by an edge")
        index = len(self._nodes) if index is None else max(0, min(index, len(self._nodes)))
        self._nodes.insert(index, node)
        self._node_index[node.id] = node
        self._touch(edges=True)
        self._notify("node_added", node, index)
        return index

    def pop_node(self, node_id: str) -> tuple[Node, int]:
        """Remove a node that has no edges left; returns it and its former index."""
        node = self.node(node_id)
        if self.edges_of(node_id):
            raise ModelError(f"node '{node_id}' still has edges")
        index = self._nodes.index(node)
        del self._nodes[index]
        del self._node_index[node_id]
        self._touch(edges=True)
        self._notify("node_removed", node, index)
        return node, index

    def set_node_fields(self, node_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Assign fields on a node; returns the previous values (the undo data)."""
        node = self.node(node_id)
        old: dict[str, Any] = {}
        for name in changes:  # check everything first: a refused edit changes nothing
            if name not in NODE_FIELDS:
                raise ModelError(f"node has no editable field '{name}'")
        for name, value in changes.items():
            old[name] = copy.deepcopy(getattr(node, name))
            setattr(node, name, copy.deepcopy(value))
        self._touch()
        self._notify("node_changed", node, tuple(changes))
        return old

    def rename_node(self, old_id: str, new_id: str) -> None:
        """Change a node's id and every reference to it."""
        node = self.node(old_id)
        if new_id == old_id:
            return
        _require_valid_id(new_id, "node")
        if new_id in self._node_index or new_id in self._edge_index:
            raise ModelError(f"id '{new_id}' is already used")
        node.id = new_id
        del self._node_index[old_id]
        self._node_index[new_id] = node
        for edge in self._edges:
            if edge.source == old_id:
                edge.source = new_id
            if edge.target == old_id:
                edge.target = new_id
        for group in self.groups:
            group.nodes = [new_id if n == old_id else n for n in group.nodes]
        self._touch(edges=True)
        self._notify("node_renamed", node, old_id)

    def insert_edge(self, edge: Edge, index: int | None = None) -> int:
        _require_valid_id(edge.id, "edge")
        if edge.id in self._edge_index:
            raise ModelError(f"duplicate edge id '{edge.id}'")
        if edge.id in self._node_index:
            raise ModelError(f"id '{edge.id}' is already used by a node")
        for end in (edge.source, edge.target):
            if end not in self._node_index:
                raise ModelError(f"edge '{edge.id}' names unknown node '{end}'")
        index = len(self._edges) if index is None else max(0, min(index, len(self._edges)))
        self._edges.insert(index, edge)
        self._edge_index[edge.id] = edge
        self._touch(edges=True)
        self._notify("edge_added", edge, index)
        return index

    def pop_edge(self, edge_id: str) -> tuple[Edge, int]:
        edge = self.edge(edge_id)
        index = self._edges.index(edge)
        del self._edges[index]
        del self._edge_index[edge_id]
        self._touch(edges=True)
        self._notify("edge_removed", edge, index)
        return edge, index

    def set_edge_fields(self, edge_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        edge = self.edge(edge_id)
        old: dict[str, Any] = {}
        for (
            name,
            value,
        ) in changes.items():  # check everything first: a refused edit changes nothing
            if name not in EDGE_FIELDS:
                raise ModelError(f"edge has no editable field '{name}'")
            if name in ("source", "target") and value not in self._node_index:
                raise ModelError(f"unknown node '{value}'")
        for name, value in changes.items():
            old[name] = copy.deepcopy(getattr(edge, name))
            setattr(edge, name, copy.deepcopy(value))
        self._touch(edges=bool({"source", "target"} & set(changes)))
        self._notify("edge_changed", edge, tuple(changes))
        return old

    def put_variable(
        self, name: str, variable: Variable | None, index: int | None = None
    ) -> tuple[Variable | None, int | None]:
        """Set, replace or (with None) delete a variable; returns what was there and where."""
        names = list(self.variables)
        old = self.variables.get(name)
        old_index = names.index(name) if old is not None else None
        items = [(k, v) for k, v in self.variables.items() if k != name]
        if variable is not None:
            variable = copy.deepcopy(variable)
            variable.name = name
            if index is None:
                index = old_index if old_index is not None else len(items)
            items.insert(max(0, min(index, len(items))), (name, variable))
        self.variables = dict(items)
        self._touch()
        self._notify("variables_changed", name)
        return old, old_index

    def insert_group(self, group: Group, index: int | None = None) -> int:
        _require_valid_id(group.id, "group")
        if any(g.id == group.id for g in self.groups):
            raise ModelError(f"duplicate group id '{group.id}'")
        index = len(self.groups) if index is None else max(0, min(index, len(self.groups)))
        self.groups.insert(index, group)
        self._touch()
        self._notify("group_added", group, index)
        return index

    def pop_group(self, group_id: str) -> tuple[Group, int]:
        group = self.group(group_id)
        index = self.groups.index(group)
        del self.groups[index]
        self._touch()
        self._notify("group_removed", group, index)
        return group, index

    def set_group_fields(self, group_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        group = self.group(group_id)
        old: dict[str, Any] = {}
        for name in changes:  # check everything first: a refused edit changes nothing
            if name not in ("title", "nodes", "color"):
                raise ModelError(f"group has no editable field '{name}'")
        for name, value in changes.items():
            old[name] = copy.deepcopy(getattr(group, name))
            setattr(group, name, copy.deepcopy(value))
        self._touch()
        self._notify("group_changed", group, tuple(changes))
        return old

    def set_record_fields(
        self, record: str, changes: dict[str, Any], order: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """Edit `meta` or `night` fields, or keys of the `lint` block; returns old values.

        In the `lint` block a value of None removes the key; `order` (the key order before
        an edit, given by undo) puts restored keys back where they were.
        """
        old: dict[str, Any] = {}
        if record == "lint":
            missing = object()
            for name, value in changes.items():
                prev = self.lint.get(name, missing)
                old[name] = None if prev is missing else copy.deepcopy(prev)
                if value is None:
                    self.lint.pop(name, None)
                else:
                    self.lint[name] = copy.deepcopy(value)
            if order is not None:
                rank = {key: i for i, key in enumerate(order)}
                items = sorted(self.lint.items(), key=lambda kv: rank.get(kv[0], len(rank)))
                self.lint.clear()
                self.lint.update(items)
        elif record in ("meta", "night"):
            target = getattr(self, record)
            for name in changes:  # check everything first: a refused edit changes nothing
                if name == "extra" or not hasattr(target, name):
                    raise ModelError(f"{record} has no field '{name}'")
            for name, value in changes.items():
                old[name] = copy.deepcopy(getattr(target, name))
                setattr(target, name, copy.deepcopy(value))
        else:
            raise ModelError(f"unknown record '{record}'")
        self._touch()
        self._notify(f"{record}_changed", tuple(changes))
        return old

    # ----------------------------------------------------------------- misc
    def clone(self, share_containers: bool = False) -> Dreamscape:
        """A copy without listeners, for background analysis and simulation.

        `share_containers` makes new node and edge records that share their effects, tags
        and other containers with this document: many times cheaper, and safe for readers
        because every edit goes through `studio.model.ops`, which assigns fresh copies and
        never mutates a container in place.
        """
        other = Dreamscape()
        other.format, other.version = self.format, self.version
        other.meta = copy.deepcopy(self.meta)
        other.night = copy.deepcopy(self.night)
        other.variables = copy.deepcopy(self.variables)
        other.groups = copy.deepcopy(self.groups)
        other.lint = copy.deepcopy(self.lint)
        other.extra = copy.deepcopy(self.extra)
        other.path = self.path
        other.revision = self.revision
        if share_containers:
            other.load_elements(
                [n.shallow_copy() for n in list(self._nodes)],
                [e.shallow_copy() for e in list(self._edges)],
            )
            return other
        for node in self._nodes:
            n = copy.deepcopy(node)
            other._nodes.append(n)
            other._node_index[n.id] = n
        for edge in self._edges:
            e = copy.deepcopy(edge)
            other._edges.append(e)
            other._edge_index[e.id] = e
        return other

    def load_elements(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Bulk-fill a fresh document (the loader's fast path: no events, no checks)."""
        self._nodes = nodes
        self._edges = edges
        self._node_index = {n.id: n for n in nodes}
        self._edge_index = {e.id: e for e in edges}
        self._adjacency = None
