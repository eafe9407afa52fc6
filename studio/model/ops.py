"""Reversible edits: each `apply` changes the dreamscape and returns the op that undoes it.

Undo stacks (Qt or not) only ever store these pairs, so every edit in the studio,
the CLI fixer and the tests is undone by the same code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .dreamscape import Dreamscape, ModelError
from .elements import Edge, Group, Node, Variable


class Op:
    """A reversible edit."""

    label = "Edit"

    def apply(self, ds: Dreamscape) -> Op:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class Batch(Op):
    """Several ops as one step; undone in reverse order."""

    ops: list[Op] = field(default_factory=list)
    label: str = "Edit"

    def apply(self, ds: Dreamscape) -> Op:
        inverses: list[Op] = []
        try:
            for op in self.ops:
                inverses.append(op.apply(ds))
        except Exception:
            for inverse in reversed(inverses):
                inverse.apply(ds)
            raise
        return Batch(list(reversed(inverses)), self.label)


@dataclass
class AddNode(Op):
    node: Node
    index: int | None = None
    label: str = "Add scene"

    def apply(self, ds: Dreamscape) -> Op:
        ds.insert_node(copy.deepcopy(self.node), self.index)
        return RemoveNode(self.node.id, label=self.label)


@dataclass
class RemoveNode(Op):
    """Remove a node with its edges and group memberships; the inverse restores all three."""

    node_id: str
    label: str = "Delete scene"

    def apply(self, ds: Dreamscape) -> Op:
        restore: list[Op] = []
        for group in ds.groups_of(self.node_id):
            old = ds.set_group_fields(
                group.id, {"nodes": [n for n in group.nodes if n != self.node_id]}
            )
            restore.append(UpdateGroup(group.id, old))
        edges = ds.edges_of(self.node_id)
        removed = []
        for edge in reversed(edges):
            removed.append(ds.pop_edge(edge.id))
        node, index = ds.pop_node(self.node_id)
        ops: list[Op] = [AddNode(node, index)]
        ops += [AddEdge(edge, idx) for edge, idx in reversed(removed)]
        ops += list(reversed(restore))
        return Batch(ops, self.label)


@dataclass
class UpdateNode(Op):
    node_id: str
    changes: dict[str, Any]
    label: str = "Edit scene"

    def apply(self, ds: Dreamscape) -> Op:
        old = ds.set_node_fields(self.node_id, self.changes)
        return UpdateNode(self.node_id, old, self.label)


@dataclass
class MoveNodes(Op):
    """Set positions of many nodes at once (one undo step for a dragged selection)."""

    positions: dict[str, tuple[float, float]]
    label: str = "Move"

    def apply(self, ds: Dreamscape) -> Op:
        old: dict[str, tuple[float, float]] = {}
        for node_id, (x, y) in self.positions.items():
            node = ds.node(node_id)
            old[node_id] = (node.x, node.y)
            ds.set_node_fields(node_id, {"x": x, "y": y})
        return MoveNodes(old, self.label)


@dataclass
class RenameNode(Op):
    old_id: str
    new_id: str
    label: str = "Rename scene"

    def apply(self, ds: Dreamscape) -> Op:
        ds.rename_node(self.old_id, self.new_id)
        return RenameNode(self.new_id, self.old_id, self.label)


@dataclass
class AddEdge(Op):
    edge: Edge
    index: int | None = None
    label: str = "Connect"

    def apply(self, ds: Dreamscape) -> Op:
        ds.insert_edge(copy.deepcopy(self.edge), self.index)
        return RemoveEdge(self.edge.id, self.label)


@dataclass
class RemoveEdge(Op):
    edge_id: str
    label: str = "Disconnect"

    def apply(self, ds: Dreamscape) -> Op:
        edge, index = ds.pop_edge(self.edge_id)
        return AddEdge(edge, index, self.label)


@dataclass
class UpdateEdge(Op):
    edge_id: str
    changes: dict[str, Any]
    label: str = "Edit transition"

    def apply(self, ds: Dreamscape) -> Op:
        old = ds.set_edge_fields(self.edge_id, self.changes)
        return UpdateEdge(self.edge_id, old, self.label)


@dataclass
class SetVariable(Op):
    """Declare, change or (variable=None) delete a variable."""

    name: str
    variable: Variable | None
    index: int | None = None
    label: str = "Edit variable"

    def apply(self, ds: Dreamscape) -> Op:
        old, old_index = ds.put_variable(self.name, self.variable, self.index)
        return SetVariable(self.name, old, old_index, self.label)


@dataclass
class RenameVariable(Op):
    """Rename a variable everywhere it is read or written (whole-word in expressions)."""

    old: str
    new: str
    label: str = "Rename variable"

    def apply(self, ds: Dreamscape) -> Op:
        from .expressions import rename_in_source

        if self.old not in ds.variables:
            raise ModelError(f"unknown variable '{self.old}'")
        if self.new != self.old and self.new in ds.variables:
            raise ModelError(f"variable '{self.new}' already exists")
        variable = ds.variables[self.old]
        index = list(ds.variables).index(self.old)
        ops: list[Op] = [SetVariable(self.old, None), SetVariable(self.new, variable, index)]
        for node in ds.nodes:
            if node.effects:
                effects = {
                    (self.new if k == self.old else k): rename_in_source(v, self.old, self.new)
                    for k, v in node.effects.items()
                }
                if effects != node.effects:
                    ops.append(UpdateNode(node.id, {"effects": effects}))
        for edge in ds.edges:
            changes: dict[str, Any] = {}
            if edge.condition:
                cond = rename_in_source(edge.condition, self.old, self.new)
                if cond != edge.condition:
                    changes["condition"] = cond
            if edge.effects:
                effects = {
                    (self.new if k == self.old else k): rename_in_source(v, self.old, self.new)
                    for k, v in edge.effects.items()
                }
                if effects != edge.effects:
                    changes["effects"] = effects
            if changes:
                ops.append(UpdateEdge(edge.id, changes))
        return Batch(ops, self.label).apply(ds)


@dataclass
class AddGroup(Op):
    group: Group
    index: int | None = None
    label: str = "Group"

    def apply(self, ds: Dreamscape) -> Op:
        ds.insert_group(copy.deepcopy(self.group), self.index)
        return RemoveGroup(self.group.id, self.label)


@dataclass
class RemoveGroup(Op):
    group_id: str
    label: str = "Ungroup"

    def apply(self, ds: Dreamscape) -> Op:
        group, index = ds.pop_group(self.group_id)
        return AddGroup(group, index, self.label)


@dataclass
class UpdateGroup(Op):
    group_id: str
    changes: dict[str, Any]
    label: str = "Edit group"

    def apply(self, ds: Dreamscape) -> Op:
        old = ds.set_group_fields(self.group_id, self.changes)
        return UpdateGroup(self.group_id, old, self.label)


@dataclass
class UpdateRecord(Op):
    """Edit the dreamscape's `meta`, `night` or `lint` block."""

    record: str
    changes: dict[str, Any]
    label: str = "Edit dreamscape"
    order: tuple[str, ...] | None = None  # lint key order to restore (set by undo)

    def apply(self, ds: Dreamscape) -> Op:
        before = tuple(ds.lint) if self.record == "lint" else None
        old = ds.set_record_fields(self.record, self.changes, self.order)
        return UpdateRecord(self.record, old, self.label, before)


def apply_all(ds: Dreamscape, ops: list[Op], label: str = "Edit") -> Op:
    """Apply ops as one step and return the single inverse."""
    return Batch(list(ops), label).apply(ds)


@dataclass
class InsertOnEdge(Op):
    """Put a new scene in the middle of a transition: source → node → the old target.

    The transition keeps its id, label, weight and condition and now leads into the scene;
    `onward` (its source and target are set here) carries the dreamer on.
    """

    edge_id: str
    node: Node
    onward: Edge
    label: str = "Insert scene"

    def apply(self, ds: Dreamscape) -> Op:
        edge = ds.edge(self.edge_id)
        onward = copy.deepcopy(self.onward)
        onward.source, onward.target = self.node.id, edge.target
        ops: list[Op] = [
            AddNode(self.node, ds.node_index(edge.target)),
            UpdateEdge(self.edge_id, {"target": self.node.id}),
            AddEdge(onward, ds.edge_index(self.edge_id) + 1),
        ]
        return Batch(ops, self.label).apply(ds)
