"""Reading and writing `.dream` files: full validation in, canonical JSON out.

Validation collects *every* problem as a field path and message so authors fix a file in
one pass. Writing is canonical (fixed key order, 2-space indent, trailing newline) so an
unchanged document saves byte-identical and diffs stay small.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.model import AUDIENCES, NODE_KINDS, VARIABLE_TYPES, Dreamscape
from studio.model.elements import (
    Edge,
    Group,
    Meta,
    Night,
    Node,
    Variable,
    default_lint_block,
    default_reward,
    is_valid_id,
)
from studio.model.expressions import ExpressionError, compile_expression

from .atomic import atomic_write_text
from .errors import DreamFileError, Issue

FORMAT_NAME = "dreamscape"
CURRENT_VERSION = 1
FILE_SUFFIX = ".dream"

# Upgrades from version N to N+1, applied in order to older files before validation.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_TOP_KEYS = ("format", "version", "meta", "night", "variables", "nodes", "edges", "groups", "lint")
_META_KEYS = ("title", "author", "audience", "description", "tags")
_NIGHT_KEYS = ("onset_minutes", "cycle_minutes", "rem_minutes")
_NODE_KEYS = ("id", "kind", "title", "text", "minutes", "intensity", "valence", "reward",
              "x", "y", "effects", "tags", "assets", "lint_ignore")
_EDGE_KEYS = ("id", "from", "to", "label", "weight", "condition", "effects", "lint_ignore")
_GROUP_KEYS = ("id", "title", "nodes", "color")
_VAR_KEYS = ("type", "initial")
_LINT_KEYS = ("select", "ignore", "threshold")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Checker:
    """Collects issues while turning a parsed JSON tree into a Dreamscape."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def text(self, obj: dict[str, Any], key: str, path: str, default: str = "") -> str:
        value = obj.get(key, default)
        if not isinstance(value, str):
            self.add(f"{path}.{key}", f"expected text, got {_kind(value)}")
            return default
        return value

    def number(self, obj: dict[str, Any], key: str, path: str, default: float,
               low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        value = obj.get(key, default)
        if not _is_number(value):
            self.add(f"{path}.{key}", f"expected a number, got {_kind(value)}")
            return default
        if low is not None and (value < low or (low_open and value == low)):
            bound = f"> {_fmt(low)}" if low_open else f">= {_fmt(low)}"
            if high is not None:
                bound = f"between {_fmt(low)} and {_fmt(high)}"
                bound = f"in ({_fmt(low)}, {_fmt(high)}]" if low_open else bound
            self.add(f"{path}.{key}", f"{_fmt(value)} is out of range (must be {bound})")
            return default
        if high is not None and value > high:
            self.add(f"{path}.{key}", f"{_fmt(value)} is out of range (must be between "
                                      f"{_fmt(low if low is not None else value)} and {_fmt(high)})")
            return default
        return value

    def str_list(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.add(f"{path}.{key}", f"expected a list, got {_kind(value)}")
            return []
        good = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                good.append(item)
            else:
                self.add(f"{path}.{key}[{i}]", f"expected text, got {_kind(item)}")
        return good

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, f"expected an object, got {_kind(value)}")
            return None
        return value

    def expression(self, source: Any, path: str, variables: dict[str, Variable]) -> str | None:
        if not isinstance(source, str):
            self.add(path, f"expected an expression as text, got {_kind(source)}")
            return None
        try:
            expr = compile_expression(source)
        except ExpressionError as exc:
            self.add(path, str(exc))
            return None
        for name in sorted(expr.names):
            if name not in variables:
                self.add(path, f"undeclared variable '{name}'")
        return source

    def effects(self, obj: dict[str, Any], path: str, variables: dict[str, Variable]) -> dict[str, str]:
        raw = obj.get("effects", {})
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(f"{path}.effects", f"expected an object of variable: expression, got {_kind(raw)}")
            return {}
        out: dict[str, str] = {}
        for name, source in raw.items():
            field_path = f"{path}.effects.{name}"
            if name not in variables:
                self.add(field_path, f"assigns undeclared variable '{name}'")
            checked = self.expression(source, field_path, variables)
            if checked is not None:
                out[name] = checked
        return out

    def suppressions(self, obj: dict[str, Any], path: str) -> dict[str, str]:
        raw = obj.get("lint_ignore", {})
        if not isinstance(raw, dict):
            self.add(f"{path}.lint_ignore", f"expected an object of CODE: reason, got {_kind(raw)}")
            return {}
        out = {}
        for code, reason in raw.items():
            if not isinstance(reason, str) or not reason.strip():
                self.add(f"{path}.lint_ignore.{code}", "a suppression needs a non-empty reason")
            else:
                out[code] = reason
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fmt(value: float) -> str:
    return f"{value:g}"


def _extra(obj: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in known}


def _variables(ck: _Checker, raw: Any) -> dict[str, Variable]:
    out: dict[str, Variable] = {}
    if raw is None:
        return out
    data = ck.obj(raw, "variables")
    if data is None:
        return out
    for name, spec in data.items():
        path = f"variables.{name}"
        if not is_valid_id(name):
            ck.add(path, "invalid variable name (letters, digits, _ and -, starting with a letter)")
        if name in ("true", "false", "True", "False", "min", "max", "abs", "and", "or", "not"):
            ck.add(path, f"'{name}' is reserved in expressions")
        if "-" in name:
            ck.add(path, "variable names cannot contain '-' (expressions would read it as minus)")
        spec = ck.obj(spec, path)
        if spec is None:
            continue
        var_type = spec.get("type", "int")
        if var_type not in VARIABLE_TYPES:
            ck.add(f"{path}.type", f"unknown type {var_type!r} (one of {', '.join(VARIABLE_TYPES)})")
            var_type = "int"
        default = {"int": 0, "float": 0.0, "bool": False}[var_type]
        initial = spec.get("initial", default)
        if var_type == "bool" and not isinstance(initial, bool):
            ck.add(f"{path}.initial", f"expected true or false, got {_kind(initial)}")
            initial = default
        elif var_type == "int" and (not isinstance(initial, int) or isinstance(initial, bool)):
            ck.add(f"{path}.initial", f"expected a whole number, got {_kind(initial)}")
            initial = default
        elif var_type == "float" and not _is_number(initial):
            ck.add(f"{path}.initial", f"expected a number, got {_kind(initial)}")
            initial = default
        out[name] = Variable(name, var_type, initial, _extra(spec, _VAR_KEYS))
    return out


def _meta(ck: _Checker, raw: Any) -> Meta:
    if raw is None:
        return Meta()
    data = ck.obj(raw, "meta")
    if data is None:
        return Meta()
    audience = data.get("audience", "adult")
    if audience not in AUDIENCES:
        ck.add("meta.audience", f"unknown audience {audience!r} (one of {', '.join(AUDIENCES)})")
        audience = "adult"
    return Meta(
        title=ck.text(data, "title", "meta", "Untitled dreamscape"),
        author=ck.text(data, "author", "meta"),
        audience=audience,
        description=ck.text(data, "description", "meta"),
        tags=ck.str_list(data, "tags", "meta"),
        extra=_extra(data, _META_KEYS),
    )


def _night(ck: _Checker, raw: Any) -> Night:
    if raw is None:
        return Night()
    data = ck.obj(raw, "night")
    if data is None:
        return Night()
    night = Night(
        onset_minutes=ck.number(data, "onset_minutes", "night", 15, low=0),
        cycle_minutes=ck.number(data, "cycle_minutes", "night", 90, low=0, low_open=True),
        extra=_extra(data, _NIGHT_KEYS),
    )
    rem = data.get("rem_minutes", list(night.rem_minutes))
    if not isinstance(rem, list) or not rem:
        ck.add("night.rem_minutes", "expected a non-empty list of minutes")
    else:
        good = []
        for i, value in enumerate(rem):
            if not _is_number(value) or value <= 0:
                ck.add(f"night.rem_minutes[{i}]", f"expected minutes > 0, got {value!r}")
            elif value > night.cycle_minutes:
                ck.add(f"night.rem_minutes[{i}]",
                       f"{_fmt(value)} minutes of REM is longer than the {_fmt(night.cycle_minutes)}-minute cycle")
            else:
                good.append(value)
        if len(good) == len(rem):
            night.rem_minutes = good
    return night


def _nodes(ck: _Checker, raw: Any, variables: dict[str, Variable]) -> list[Node]:
    nodes: list[Node] = []
    if not isinstance(raw, list):
        ck.add("nodes", f"expected a list of nodes, got {_kind(raw)}")
        return nodes
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"nodes[{i}]"
        data = ck.obj(item, path)
        if data is None:
            continue
        node_id = data.get("id")
        if node_id is None:
            ck.add(f"{path}.id", "missing (every node needs an id)")
            continue
        if not is_valid_id(node_id):
            ck.add(f"{path}.id", f"invalid id {node_id!r} (letters, digits, _ and -, starting "
                                 "with a letter, at most 64 characters)")
            continue
        if node_id in seen:
            ck.add(f"{path}.id", f"duplicate node id '{node_id}'")
            continue
        seen.add(node_id)
        kind = data.get("kind")
        if kind is None:
            ck.add(f"{path}.kind", "missing (every node needs a kind)")
            kind = "scene"
        elif kind not in NODE_KINDS:
            ck.add(f"{path}.kind", f"unknown kind {kind!r} (one of {', '.join(NODE_KINDS)})")
            kind = "scene"
        nodes.append(Node(
            id=node_id,
            kind=kind,
            title=ck.text(data, "title", path),
            text=ck.text(data, "text", path),
            minutes=ck.number(data, "minutes", path, 5, low=0, low_open=True),
            intensity=ck.number(data, "intensity", path, 0.3, low=0, high=1),
            valence=ck.number(data, "valence", path, 0, low=-1, high=1),
            reward=ck.number(data, "reward", path, default_reward(kind), low=0, high=1),
            x=ck.number(data, "x", path, 0),
            y=ck.number(data, "y", path, 0),
            effects=ck.effects(data, path, variables),
            tags=ck.str_list(data, "tags", path),
            assets=ck.str_list(data, "assets", path),
            lint_ignore=ck.suppressions(data, path),
            extra=_extra(data, _NODE_KEYS),
        ))
    return nodes


def _edges(ck: _Checker, raw: Any, node_ids: set[str], variables: dict[str, Variable]) -> list[Edge]:
    edges: list[Edge] = []
    if raw is None:
        return edges
    if not isinstance(raw, list):
        ck.add("edges", f"expected a list of edges, got {_kind(raw)}")
        return edges
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"edges[{i}]"
        data = ck.obj(item, path)
        if data is None:
            continue
        ok = True
        edge_id = data.get("id")
        if edge_id is None:
            ck.add(f"{path}.id", "missing (every edge needs an id)")
            ok = False
        elif not is_valid_id(edge_id):
            ck.add(f"{path}.id", f"invalid id {edge_id!r} (letters, digits, _ and -, starting "
                                 "with a letter, at most 64 characters)")
            ok = False
        elif edge_id in seen:
            ck.add(f"{path}.id", f"duplicate edge id '{edge_id}'")
            ok = False
        elif edge_id in node_ids:
            ck.add(f"{path}.id", f"id '{edge_id}' is already used by a node")
            ok = False
        else:
            seen.add(edge_id)
        ends = []
        for key in ("from", "to"):
            end = data.get(key)
            if end is None:
                ck.add(f"{path}.{key}", "missing")
                ok = False
            elif not isinstance(end, str):
                ck.add(f"{path}.{key}", f"expected a node id, got {_kind(end)}")
                ok = False
            elif end not in node_ids:
                ck.add(f"{path}.{key}", f"unknown node '{end}'")
                ok = False
            ends.append(end)
        condition = data.get("condition")
        if condition is not None:
            condition = ck.expression(condition, f"{path}.condition", variables)
        edge = Edge(
            id=edge_id if isinstance(edge_id, str) else "",
            source=ends[0], target=ends[1],
            label=ck.text(data, "label", path),
            weight=ck.number(data, "weight", path, 1.0, low=0, low_open=True),
            condition=condition,
            effects=ck.effects(data, path, variables),
            lint_ignore=ck.suppressions(data, path),
            extra=_extra(data, _EDGE_KEYS),
        )
        if ok:
            edges.append(edge)
    return edges


def _groups(ck: _Checker, raw: Any, node_ids: set[str]) -> list[Group]:
    groups: list[Group] = []
    if raw is None:
        return groups
    if not isinstance(raw, list):
        ck.add("groups", f"expected a list of groups, got {_kind(raw)}")
        return groups
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"groups[{i}]"
        data = ck.obj(item, path)
        if data is None:
            continue
        group_id = data.get("id")
        if not is_valid_id(group_id):
            ck.add(f"{path}.id", f"invalid or missing id {group_id!r}")
            continue
        if group_id in seen:
            ck.add(f"{path}.id", f"duplicate group id '{group_id}'")
            continue
        seen.add(group_id)
        members = ck.str_list(data, "nodes", path)
        for j, member in enumerate(members):
            if member not in node_ids:
                ck.add(f"{path}.nodes[{j}]", f"unknown node '{member}'")
        color = data.get("color", "#5b6ee1")
        if not (isinstance(color, str) and len(color) in (4, 7) and color.startswith("#")
                and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            ck.add(f"{path}.color", f"expected a colour like '#5b6ee1', got {color!r}")
            color = "#5b6ee1"
        groups.append(Group(group_id, ck.text(data, "title", path),
                            [m for m in members if m in node_ids], color,
                            _extra(data, _GROUP_KEYS)))
    return groups


def _lint_block(ck: _Checker, raw: Any) -> dict[str, Any]:
    if raw is None:
        return default_lint_block()
    data = ck.obj(raw, "lint")
    if data is None:
        return default_lint_block()
    for key in ("select", "ignore"):
        if key in data:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                ck.add(f"lint.{key}", "expected a list of rule codes or prefixes")
    if "threshold" in data:
        value = data["threshold"]
        if not _is_number(value) or not 0 <= value <= 100:
            ck.add("lint.threshold", f"expected a score between 0 and 100, got {value!r}")
    return dict(data)


def _migrate(ck: _Checker, data: dict[str, Any]) -> dict[str, Any] | None:
    version = data.get("version")
    if version is None:
        ck.add("version", "missing (this studio reads format version 1)")
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        ck.add("version", f"expected a positive whole number, got {version!r}")
        return None
    if version > CURRENT_VERSION:
        ck.add("version", f"unsupported version {version} (this studio reads up to "
                          f"{CURRENT_VERSION}; update Adjuster Studio)")
        return None
    while version < CURRENT_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def dreamscape_from_data(data: Any, source: str | Path = "<data>") -> Dreamscape:
    """Validate a parsed JSON tree; raises DreamFileError listing every problem."""
    ck = _Checker()
    if not isinstance(data, dict):
        raise DreamFileError(source, [Issue("", f"expected a JSON object at the top, got {_kind(data)}")])
    if data.get("format") != FORMAT_NAME:
        ck.add("format", f"expected \"{FORMAT_NAME}\", got {data.get('format')!r}")
    migrated = _migrate(ck, data)
    if migrated is None:
        raise DreamFileError(source, ck.issues)
    data = migrated
    ds = Dreamscape()
    ds.meta = _meta(ck, data.get("meta"))
    ds.night = _night(ck, data.get("night"))
    ds.variables = _variables(ck, data.get("variables"))
    nodes = _nodes(ck, data.get("nodes", []), ds.variables)
    node_ids = {n.id for n in nodes}
    edges = _edges(ck, data.get("edges", []), node_ids, ds.variables)
    ds.groups = _groups(ck, data.get("groups"), node_ids)
    ds.lint = _lint_block(ck, data.get("lint"))
    ds.extra = _extra(data, _TOP_KEYS)
    if ck.issues:
        raise DreamFileError(source, ck.issues)
    ds.load_elements(nodes, edges)
    return ds


def loads_dreamscape(text: str | bytes, source: str | Path = "<text>") -> Dreamscape:
    """Parse `.dream` text; JSON errors are reported with line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DreamFileError(source, [Issue("", f"not UTF-8 text (byte {exc.start})")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DreamFileError(source, [Issue(
            "", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None
    except (ValueError, RecursionError) as exc:
        raise DreamFileError(source, [Issue("", f"invalid JSON: {exc}")]) from None
    return dreamscape_from_data(data, source)


def load_dreamscape(path: str | Path) -> Dreamscape:
    """Read and validate a `.dream` file; the document remembers where it came from."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DreamFileError(path, [Issue("", "no such file")]) from None
    except IsADirectoryError:
        raise DreamFileError(path, [Issue("", "is a folder, not a .dream file")]) from None
    except OSError as exc:
        raise DreamFileError(path, [Issue("", f"cannot read: {exc.strerror or exc}")]) from None
    ds = loads_dreamscape(raw, path)
    ds.path = path
    return ds


# ------------------------------------------------------------------ writing
def _with_extra(out: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if key not in out:
            out[key] = value
    return out


def node_to_data(node: Node) -> dict[str, Any]:
    """A node as canonical JSON-ready data."""
    out: dict[str, Any] = {
        "id": node.id, "kind": node.kind, "title": node.title, "text": node.text,
        "minutes": node.minutes, "intensity": node.intensity, "valence": node.valence,
        "reward": node.reward, "x": node.x, "y": node.y, "effects": dict(node.effects),
        "tags": list(node.tags), "assets": list(node.assets),
    }
    if node.lint_ignore:
        out["lint_ignore"] = dict(node.lint_ignore)
    return _with_extra(out, node.extra)


def edge_to_data(edge: Edge) -> dict[str, Any]:
    """An edge as canonical JSON-ready data."""
    out: dict[str, Any] = {
        "id": edge.id, "from": edge.source, "to": edge.target, "label": edge.label,
        "weight": edge.weight, "condition": edge.condition, "effects": dict(edge.effects),
    }
    if edge.lint_ignore:
        out["lint_ignore"] = dict(edge.lint_ignore)
    return _with_extra(out, edge.extra)


def dreamscape_to_data(ds: Dreamscape) -> dict[str, Any]:
    """The whole document as canonical JSON-ready data (keys in format order)."""
    meta = ds.meta
    lint = {k: ds.lint[k] for k in _LINT_KEYS if k in ds.lint}
    out: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": CURRENT_VERSION,
        "meta": _with_extra({"title": meta.title, "author": meta.author, "audience": meta.audience,
                             "description": meta.description, "tags": list(meta.tags)}, meta.extra),
        "night": _with_extra({"onset_minutes": ds.night.onset_minutes,
                              "cycle_minutes": ds.night.cycle_minutes,
                              "rem_minutes": list(ds.night.rem_minutes)}, ds.night.extra),
        "variables": {name: _with_extra({"type": v.type, "initial": v.initial}, v.extra)
                      for name, v in ds.variables.items()},
        "nodes": [node_to_data(n) for n in ds.nodes],
        "edges": [edge_to_data(e) for e in ds.edges],
        "groups": [_with_extra({"id": g.id, "title": g.title, "nodes": list(g.nodes),
                                "color": g.color}, g.extra) for g in ds.groups],
        "lint": _with_extra(lint, ds.lint),
    }
    return _with_extra(out, ds.extra)


def dumps_dreamscape(ds: Dreamscape) -> str:
    """Canonical text: what `save` writes and what the content hash is taken over."""
    return canonical_json(dreamscape_to_data(ds))


def canonical_json(data: Any) -> str:
    """2-space indented UTF-8 JSON with a trailing newline (same as json.dumps(indent=2))."""
    parts: list[str] = []
    _write(data, parts, "\n")
    parts.append("\n")
    return "".join(parts)


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _write(value: Any, out: list[str], nl: str) -> None:
    """A fast pretty printer byte-compatible with json.dumps(indent=2, ensure_ascii=False)."""
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = nl + "  "
        out.append("{")
        first = True
        for key, item in value.items():
            out.append(inner if first else "," + inner)
            first = False
            out.append(_encode_str(str(key)))
            out.append(": ")
            _write(item, out, inner)
        out.append(nl + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = nl + "  "
        out.append("[")
        first = True
        for item in value:
            out.append(inner if first else "," + inner)
            first = False
            _write(item, out, inner)
        out.append(nl + "]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a .dream file")


def save_dreamscape(ds: Dreamscape, path: str | Path | None = None) -> Path:
    """Atomically write the canonical text; a failed save leaves the old file intact."""
    target = Path(path) if path is not None else ds.path
    if target is None:
        raise ValueError("no file to save to")
    atomic_write_text(target, dumps_dreamscape(ds))
    ds.path = target
    return target
