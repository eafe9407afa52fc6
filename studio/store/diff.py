"""What changed between two versions of a dreamscape, element by element and field by field.

Works on canonical data (`dreamscape_to_data` or a revision's JSON), so a revision in the
library, a file on disk and the open document can all be compared the same way. Nodes and
edges are matched by id; a renamed node shows as removed plus added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_RECORDS = ("meta", "night", "lint")


@dataclass(slots=True)
class ElementDiff:
    """Added, removed and changed elements of one kind (nodes, edges, groups, variables)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # id -> field -> (old, new)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    # The kept elements appear in a different file order (the order is part of the content).
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {
                key: {name: {"old": old, "new": new} for name, (old, new) in fields.items()}
                for key, fields in self.changed.items()
            },
            "reordered": self.reordered,
        }


@dataclass(slots=True)
class DreamDiff:
    """The whole difference; empty when both sides have the same content."""

    nodes: ElementDiff = field(default_factory=ElementDiff)
    edges: ElementDiff = field(default_factory=ElementDiff)
    groups: ElementDiff = field(default_factory=ElementDiff)
    variables: ElementDiff = field(default_factory=ElementDiff)
    # record ("meta", "night", "lint", or a top-level key) -> field -> (old, new)
    records: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.edges or self.groups or self.variables or self.records)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes.to_dict(),
            "edges": self.edges.to_dict(),
            "groups": self.groups.to_dict(),
            "variables": self.variables.to_dict(),
            "records": {
                name: {key: {"old": old, "new": new} for key, (old, new) in fields.items()}
                for name, fields in self.records.items()
            },
        }

    def summary(self) -> str:
        """One line, e.g. `nodes +2 -1 ~3, edges +1`."""
        parts = []
        for name in ("nodes", "edges", "groups", "variables"):
            part: ElementDiff = getattr(self, name)
            if part:
                counts = [
                    f"+{len(part.added)}" if part.added else "",
                    f"-{len(part.removed)}" if part.removed else "",
                    f"~{len(part.changed)}" if part.changed else "",
                    "reordered" if part.reordered else "",
                ]
                parts.append(f"{name} " + " ".join(c for c in counts if c))
        if self.records:
            parts.append("settings " + ", ".join(sorted(self.records)))
        return ", ".join(parts) if parts else "no changes"

    def lines(self) -> list[str]:
        """Readable lines: `+ node pier`, `~ node pier.text: 'a' -> 'b'`."""
        out: list[str] = []
        for record, fields in self.records.items():
            for key, (old, new) in fields.items():
                out.append(f"~ {record}.{key}: {_show(old)} -> {_show(new)}")
        for name, singular in (
            ("variables", "variable"),
            ("nodes", "node"),
            ("edges", "edge"),
            ("groups", "group"),
        ):
            part: ElementDiff = getattr(self, name)
            out += [f"+ {singular} {key}" for key in part.added]
            out += [f"- {singular} {key}" for key in part.removed]
            for key, fields in part.changed.items():
                for field_name, (old, new) in fields.items():
                    out.append(f"~ {singular} {key}.{field_name}: {_show(old)} -> {_show(new)}")
            if part.reordered:
                out.append(f"~ {name} reordered")
        return out


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (a damaged revision)."""
    return value if isinstance(value, dict) else {}


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields(
    old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()
) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for key in list(old) + [k for k in new if k not in old]:
        if key in skip:
            continue
        if old.get(key) != new.get(key):
            changes[key] = (old.get(key), new.get(key))
    return changes


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = item
    return out


def _elements(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> ElementDiff:
    diff = ElementDiff()
    diff.added = [key for key in new if key not in old]
    diff.removed = [key for key in old if key not in new]
    for key, before in old.items():
        after = new.get(key)
        if after is None:
            continue
        changes = _fields(before, after, skip=("id",))
        if changes:
            diff.changed[key] = changes
    diff.reordered = [k for k in old if k in new] != [k for k in new if k in old]
    return diff


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> DreamDiff:
    """Compare two canonical dreamscape data trees."""
    out = DreamDiff()
    out.nodes = _elements(_by_id(old.get("nodes")), _by_id(new.get("nodes")))
    out.edges = _elements(_by_id(old.get("edges")), _by_id(new.get("edges")))
    out.groups = _elements(_by_id(old.get("groups")), _by_id(new.get("groups")))
    old_vars = _mapping(old.get("variables"))
    new_vars = _mapping(new.get("variables"))
    out.variables = _elements(
        {k: v for k, v in old_vars.items() if isinstance(v, dict)},
        {k: v for k, v in new_vars.items() if isinstance(v, dict)},
    )
    for record in _RECORDS:
        changes = _fields(_mapping(old.get(record)), _mapping(new.get(record)))
        if changes:
            out.records[record] = changes
    known = {"nodes", "edges", "groups", "variables", *_RECORDS}
    top = _fields(
        {k: v for k, v in old.items() if k not in known},
        {k: v for k, v in new.items() if k not in known},
    )
    if top:
        out.records["file"] = top
    return out
