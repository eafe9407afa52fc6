"""The open document: a dreamscape, its file and its undo stack; turns canvas intent into ops.

Every edit in the editor is `Document.push(op, label)`: the op is applied once here (so a
refused edit raises before anything lands on the stack) and wrapped in an OpCommand.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from studio.analysis.layout import layered_layout
from studio.io import load_dreamscape, save_dreamscape
from studio.model import Dreamscape, Edge, Group, Node, default_reward
from studio.model.elements import KIND_PRESETS
from studio.model.ops import (
    AddEdge,
    AddGroup,
    AddNode,
    Batch,
    MoveNodes,
    Op,
    RemoveEdge,
    RemoveGroup,
    RemoveNode,
)

from .clipboard import copy_data, paste_ops
from .commands import OpCommand

KIND_TITLES = {
    "entry": "Drifting off",
    "scene": "New scene",
    "choice": "A choice",
    "reward": "A reward",
    "social": "A friend nearby",
    "anchor": "Anchor to waking life",
    "nightmare": "A dark turn",
    "exit": "Back to natural sleep",
}
GROUP_COLOURS = ("#5b6ee1", "#3aa78f", "#c7883a", "#b0569c", "#5f9bd1", "#8a9a3c")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


class Document(QObject):
    """A dreamscape being edited in one window."""

    modified_changed = Signal(bool)
    path_changed = Signal(object)
    document_replaced = Signal()

    def __init__(
        self, ds: Dreamscape, path: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ds = ds
        self._path = Path(path) if path is not None else ds.path
        self._forced_modified = False
        self.snap_grid = 0  # >0: new nodes land on this grid
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._emit_modified)

    # ------------------------------------------------------------- state
    @property
    def ds(self) -> Dreamscape:
        return self._ds

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def modified(self) -> bool:
        return self._forced_modified or not self.undo_stack.isClean()

    def display_name(self) -> str:
        return self._path.name if self._path is not None else "untitled.dream"

    def _emit_modified(self, *_: Any) -> None:
        self.modified_changed.emit(self.modified)

    def set_modified(self, modified: bool) -> None:
        """Mark a document changed without an undo step (a restored recovery file)."""
        self._forced_modified = modified
        if not modified:
            self.undo_stack.setClean()
        self._emit_modified()

    # ------------------------------------------------------------- files
    def save(self, path: Path | None = None) -> Path:
        """Atomic save; the stack's current index becomes the clean state."""
        target = Path(path) if path is not None else self._path
        if target is None:
            raise ValueError("the document has no file yet")
        save_dreamscape(self._ds, target)
        changed = target != self._path
        self._path = target
        self._forced_modified = False
        self.undo_stack.setClean()
        self._emit_modified()
        if changed:
            self.path_changed.emit(target)
        return target

    def replace(self, ds: Dreamscape, path: Path | None) -> None:
        """Swap in another dreamscape (open, revert, new) and forget the undo history."""
        self.undo_stack.clear()
        self._ds = ds
        old_path, self._path = self._path, (Path(path) if path is not None else None)
        self._forced_modified = False
        self.undo_stack.setClean()
        self.document_replaced.emit()
        self._emit_modified()
        if old_path != self._path:
            self.path_changed.emit(self._path)

    def revert(self) -> None:
        """Reload the file from disk (raises DreamFileError and keeps this one if it is bad)."""
        if self._path is None:
            raise ValueError("the document has no file to revert to")
        self.replace(load_dreamscape(self._path), self._path)

    # ------------------------------------------------------------- editing
    def push(self, op: Op, label: str, merge_key: Hashable | None = None) -> None:
        """Apply one undoable step; a refused op (ModelError) raises and leaves no trace."""
        inverse = op.apply(self._ds)
        self.undo_stack.push(
            OpCommand(self._ds, op, label, applied_inverse=inverse, merge_key=merge_key)
        )

    def _snap(self, value: float) -> float:
        grid = self.snap_grid
        return float(round(value / grid) * grid) if grid > 0 else float(value)

    def move_nodes(
        self, before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
    ) -> bool:
        """One step for a whole dragged selection; nothing is pushed when nothing moved."""
        moved = {
            nid: (float(x), float(y))
            for nid, (x, y) in after.items()
            if self._ds.has_node(nid)
            and before.get(nid) != (x, y)
            and (self._ds.node(nid).x, self._ds.node(nid).y) != (x, y)
        }
        if not moved:
            return False
        self.push(MoveNodes(moved), f"Move {_plural(len(moved), 'scene')}")
        return True

    def connect_scenes(self, source: str, target: str) -> str:
        """A new, unlabelled transition (the canvas already shows where it leads); its id."""
        ds = self._ds
        edge_id = ds.unique_id(f"e{len(ds.edges) + 1}")
        self.push(
            AddEdge(Edge(edge_id, source, target, "")),
            f"Connect {ds.node(source).display_title} → {ds.node(target).display_title}",
        )
        return edge_id

    def add_node(self, kind: str, x: float, y: float) -> str:
        """A node of `kind` with that kind's defaults, snapped to the grid; returns its id."""
        node = Node(
            self._ds.unique_id(kind),
            kind,
            KIND_TITLES.get(kind, kind.title()),
            reward=default_reward(kind),
            x=self._snap(x),
            y=self._snap(y),
        )
        for name, value in KIND_PRESETS.get(kind, {}).items():
            setattr(node, name, value)
        self.push(AddNode(node), f"Add {kind}")
        return node.id

    def delete(
        self, node_ids: Iterable[str], edge_ids: Iterable[str] = (), verb: str = "Delete"
    ) -> bool:
        """Edges first, then nodes (with their remaining edges), then emptied groups."""
        ds = self._ds
        nodes = [n for n in dict.fromkeys(node_ids) if ds.has_node(n)]
        gone = set(nodes)
        edges = [
            e
            for e in dict.fromkeys(edge_ids)
            if ds.has_edge(e) and ds.edge(e).source not in gone and ds.edge(e).target not in gone
        ]
        if not nodes and not edges:
            return False
        ops: list[Op] = [RemoveEdge(e) for e in edges] + [RemoveNode(n) for n in nodes]
        ops += [RemoveGroup(g.id) for g in ds.groups if g.nodes and set(g.nodes) <= gone]
        parts = [
            p
            for p in (
                _plural(len(nodes), "scene") if nodes else "",
                _plural(len(edges), "transition") if edges else "",
            )
            if p
        ]
        self.push(Batch(ops, verb), f"{verb} " + " and ".join(parts))
        return True

    def copy_data(self, node_ids: Iterable[str]) -> dict[str, Any]:
        return copy_data(self._ds, [n for n in node_ids if self._ds.has_node(n)])

    def paste(
        self, data: Any, at: tuple[float, float] | None = None, label: str = "Paste"
    ) -> tuple[list[str], list[str]]:
        """Add copied scenes with fresh ids; raises DreamFileError for junk data."""
        ops, node_ids, edge_ids = paste_ops(self._ds, data, at)
        self.push(Batch(ops, label), f"{label} {_plural(len(node_ids), 'scene')}")
        return node_ids, edge_ids

    def duplicate(self, node_ids: Iterable[str]) -> tuple[list[str], list[str]]:
        ids = [n for n in node_ids if self._ds.has_node(n)]
        if not ids:
            return [], []
        return self.paste(self.copy_data(ids), None, "Duplicate")

    def auto_layout(self, node_ids: Iterable[str] | None = None) -> bool:
        ids = None if node_ids is None else list(node_ids)
        positions = layered_layout(self._ds, ids)
        moved = {
            nid: pos
            for nid, pos in positions.items()
            if (self._ds.node(nid).x, self._ds.node(nid).y) != pos
        }
        if not moved:
            return False
        what = "all scenes" if ids is None else _plural(len(positions), "scene")
        self.push(MoveNodes(moved, "Auto-layout"), f"Auto-layout {what}")
        return True

    def group(self, node_ids: Iterable[str], title: str = "") -> str | None:
        ids = [n for n in dict.fromkeys(node_ids) if self._ds.has_node(n)]
        if not ids:
            return None
        ds = self._ds
        group_id = ds.unique_id("group")
        colour = GROUP_COLOURS[len(ds.groups) % len(GROUP_COLOURS)]
        title = title or f"Group {len(ds.groups) + 1}"
        self.push(
            AddGroup(Group(group_id, title, ids, colour)), f"Group {_plural(len(ids), 'scene')}"
        )
        return group_id

    def ungroup(self, group_id: str) -> None:
        title = self._ds.group(group_id).title
        self.push(RemoveGroup(group_id), f"Ungroup {title}".strip())
