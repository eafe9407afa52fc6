"""Reading and writing `.dream` files: full validation in, canonical JSON out.

Validation collects *every* problem as a field path and message so authors fix a file in
one pass. Well-formed nodes and edges (nearly all of them in a real file) are accepted by
a one-pass fast check; anything the fast check doubts goes through the full checker,
which names every problem. Writing lives in `canonical.py`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from studio.model import AUDIENCES, NODE_KINDS, VARIABLE_TYPES, Dreamscape
from studio.model.elements import (
    ID_PATTERN,
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
from studio.model.expressions import CONSTANTS, FUNCTIONS, ExpressionError, compile_expression

from .atomic import atomic_write_text
from .canonical import (
    CURRENT_VERSION,
    EDGE_KEYS,
    FORMAT_NAME,
    GROUP_KEYS,
    LINT_KEYS,
    META_KEYS,
    NIGHT_KEYS,
    NODE_KEYS,
    TOP_KEYS,
    VARIABLE_KEYS,
    canonical_json,
    dreamscape_to_data,
    dumps_dreamscape,
    edge_to_data,
    node_to_data,
)
from .errors import DreamFileError, Issue

__all__ = [
    "CURRENT_VERSION", "FILE_SUFFIX", "FORMAT_NAME", "MIGRATIONS", "canonical_json",
    "dreamscape_from_data", "dreamscape_to_data", "dumps_dreamscape", "edge_to_data",
    "load_dreamscape", "loads_dreamscape", "node_to_data", "save_dreamscape",
]

FILE_SUFFIX = ".dream"

# Upgrades from version N to N+1, applied in order to older files before validation.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

# Numbers beyond this are refused: positions and minutes never need them, and they stay
# exact as floats and inside the simulator's 64-bit integers.
MAX_NUMBER = 2**53
# Unknown values are kept verbatim; this bounds how deep they may nest.
MAX_NESTING = 64
RESERVED_NAMES = frozenset((*CONSTANTS, *FUNCTIONS, "and", "or", "not"))
ID_RULE = "letters, digits, _ and -, starting with a letter, at most 64 characters"

_NODE_KEYSET = frozenset(NODE_KEYS)
_EDGE_KEYSET = frozenset(EDGE_KEYS)
_KINDS = frozenset(NODE_KINDS)
_NUMBER_TYPES = frozenset((int, float))
_id_match = ID_PATTERN.fullmatch
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*").fullmatch
_INF = math.inf
_NO_LIST: list[Any] = []
_NO_DICT: dict[str, Any] = {}


class _BadConstant:
    """Stands in for NaN/Infinity, which Python's JSON reader accepts and JSON does not."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return f"the non-number {value}"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, _BadConstant):
        return f"{value.name} (not valid JSON)"
    return type(value).__name__


def _fmt(value: float) -> str:
    return f"{value:g}"


def _field(path: str, key: Any) -> str:
    """`path.key`, or `path["odd key"]` when the key would make the path ambiguous."""
    key = str(key)
    if _PLAIN_KEY(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=True)}]"


def _short(value: Any, limit: int = 60) -> str:
    """A value quoted for a message, cut short so a pasted essay stays one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return f"expected a number, got {_kind(value)}"
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        return f"number is too large (at most {MAX_NUMBER:g} either way)"
    return None


def _unwritable(value: Any) -> str | None:
    """Why an unknown value could not be written back, if it could not."""
    if isinstance(value, str | bool | int) or value is None:
        return None
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nested more than {MAX_NESTING} levels deep"
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            return f"expected a number, got {_kind(item)}"
        elif isinstance(item, _BadConstant):
            return f"{item.name} is not valid JSON"
    return None


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) below a parsed JSON value, in field-path notation."""
    stack = [(path, value)]
    while stack:
        here, item = stack.pop()
        yield here, item
        if isinstance(item, dict):
            stack.extend((_field(here, k), v)
                         for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((f"{here}[{i}]", v) for i, v in reversed(list(enumerate(item))))


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
        problem = _number_problem(value)
        if problem:
            self.add(f"{path}.{key}", problem)
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
            field_path = _field(f"{path}.effects", name)
            if name not in variables:
                self.add(field_path, f"assigns undeclared variable {_short(name)}")
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
                self.add(_field(f"{path}.lint_ignore", code), "a suppression needs a non-empty reason")
            else:
                out[code] = reason
        return out

    def extra(self, obj: dict[str, Any], known: frozenset[str], path: str) -> dict[str, Any]:
        """Unknown keys, kept for the round trip (bounded in depth)."""
        if obj.keys() <= known:
            return {}
        out = {}
        for key, value in obj.items():
            if key in known:
                continue
            problem = _unwritable(value)
            if problem:
                self.add(_field(path, key), problem)
            else:
                out[key] = value
        return out


# ---------------------------------------------------------------- fast path
def _fast_effects(raw: Any, declared: frozenset[str]) -> dict[str, str] | None:
    if type(raw) is not dict:
        return None
    for name, source in raw.items():
        if name not in declared or type(source) is not str:
            return None
        try:
            if not compile_expression(source).names <= declared:
                return None
        except ExpressionError:
            return None
    return dict(raw)


def _fast_suppressions(raw: Any) -> dict[str, str] | None:
    if type(raw) is not dict:
        return None
    for reason in raw.values():
        if type(reason) is not str or not reason.strip():
            return None
    return dict(raw)


def _fast_extra(data: dict[str, Any], known: frozenset[str]) -> dict[str, Any] | None:
    extra = {k: v for k, v in data.items() if k not in known}
    return None if any(_unwritable(v) for v in extra.values()) else extra


def _fast_strs(raw: Any) -> list[str] | None:
    if type(raw) is not list:
        return None
    for item in raw:
        if type(item) is not str:
            return None
    return list(raw)


def _fast_node(data: dict[str, Any], seen: set[str], declared: frozenset[str]) -> Node | None:
    """A node when every field is plainly valid, else None (the full check then reports)."""
    get = data.get
    node_id = get("id")
    kind = get("kind")
    if (type(node_id) is not str or type(kind) is not str or kind not in _KINDS
            or node_id in seen or _id_match(node_id) is None):
        return None
    title = get("title", "")
    text = get("text", "")
    minutes = get("minutes", 5)
    intensity = get("intensity", 0.3)
    valence = get("valence", 0)
    reward = get("reward", 1 if kind == "reward" else 0)
    x = get("x", 0)
    y = get("y", 0)
    numbers = _NUMBER_TYPES
    if not (type(title) is str and type(text) is str
            and type(minutes) in numbers and 0 < minutes <= MAX_NUMBER
            and type(intensity) in numbers and 0 <= intensity <= 1
            and type(valence) in numbers and -1 <= valence <= 1
            and type(reward) in numbers and 0 <= reward <= 1
            and type(x) in numbers and -MAX_NUMBER <= x <= MAX_NUMBER
            and type(y) in numbers and -MAX_NUMBER <= y <= MAX_NUMBER):
        return None
    effects = get("effects")
    if effects:
        effects = _fast_effects(effects, declared)
    elif effects is None or effects == _NO_DICT:
        effects = {}
    else:
        return None
    tags = get("tags", _NO_LIST)
    tags = [] if tags is _NO_LIST or tags == _NO_LIST else _fast_strs(tags)
    assets = get("assets", _NO_LIST)
    assets = [] if assets is _NO_LIST or assets == _NO_LIST else _fast_strs(assets)
    lint_ignore = get("lint_ignore", _NO_DICT)
    lint_ignore = {} if lint_ignore is _NO_DICT else _fast_suppressions(lint_ignore)
    extra = {} if data.keys() <= _NODE_KEYSET else _fast_extra(data, _NODE_KEYSET)
    if effects is None or tags is None or assets is None or lint_ignore is None or extra is None:
        return None
    return Node(node_id, kind, title, text, minutes, intensity, valence, reward, x, y,
                effects, tags, assets, lint_ignore, extra)


def _fast_edge(data: dict[str, Any], seen: set[str], node_ids: set[str],
               declared: frozenset[str]) -> Edge | None:
    """An edge when every field is plainly valid, else None (the full check then reports)."""
    get = data.get
    edge_id = get("id")
    source = get("from")
    target = get("to")
    if (type(edge_id) is not str or edge_id in seen or edge_id in node_ids
            or type(source) is not str or source not in node_ids
            or type(target) is not str or target not in node_ids
            or _id_match(edge_id) is None):
        return None
    label = get("label", "")
    weight = get("weight", 1.0)
    if not (type(label) is str and type(weight) in _NUMBER_TYPES and 0 < weight <= MAX_NUMBER):
        return None
    condition = get("condition")
    if condition is not None:
        if type(condition) is not str:
            return None
        try:
            if not compile_expression(condition).names <= declared:
                return None
        except ExpressionError:
            return None
    effects = get("effects")
    if effects:
        effects = _fast_effects(effects, declared)
    elif effects is None or effects == _NO_DICT:
        effects = {}
    else:
        return None
    lint_ignore = get("lint_ignore", _NO_DICT)
    lint_ignore = {} if lint_ignore is _NO_DICT else _fast_suppressions(lint_ignore)
    extra = {} if data.keys() <= _EDGE_KEYSET else _fast_extra(data, _EDGE_KEYSET)
    if effects is None or lint_ignore is None or extra is None:
        return None
    return Edge(edge_id, source, target, label, weight, condition, effects, lint_ignore, extra)


# ------------------------------------------------------------ full checks
def _variables(ck: _Checker, raw: Any) -> dict[str, Variable]:
    out: dict[str, Variable] = {}
    if raw is None:
        return out
    data = ck.obj(raw, "variables")
    if data is None:
        return out
    for name, spec in data.items():
        path = _field("variables", name)
        if not is_valid_id(name):
            ck.add(path, "invalid variable name (letters, digits, _ and -, starting with a letter)")
        if name in RESERVED_NAMES:
            ck.add(path, f"'{name}' is reserved in expressions")
        if isinstance(name, str) and "-" in name:
            ck.add(path, "variable names cannot contain '-' (expressions would read it as minus)")
        spec = ck.obj(spec, path)
        if spec is None:
            continue
        var_type = spec.get("type", "int")
        if not isinstance(var_type, str) or var_type not in VARIABLE_TYPES:
            ck.add(f"{path}.type", f"unknown type {_short(var_type)} (one of {', '.join(VARIABLE_TYPES)})")
            var_type = "int"
        default = {"int": 0, "float": 0.0, "bool": False}[var_type]
        initial = spec.get("initial", default)
        if var_type == "bool" and not isinstance(initial, bool):
            ck.add(f"{path}.initial", f"expected true or false, got {_kind(initial)}")
            initial = default
        elif var_type == "int" and (not isinstance(initial, int) or isinstance(initial, bool)):
            ck.add(f"{path}.initial", f"expected a whole number, got {_kind(initial)}")
            initial = default
        elif var_type != "bool" and _number_problem(initial):
            ck.add(f"{path}.initial", str(_number_problem(initial)))
            initial = default
        out[name] = Variable(name, var_type, initial,
                             ck.extra(spec, frozenset(VARIABLE_KEYS), path))
    return out


def _meta(ck: _Checker, raw: Any) -> Meta:
    if raw is None:
        return Meta()
    data = ck.obj(raw, "meta")
    if data is None:
        return Meta()
    audience = data.get("audience", "adult")
    if not isinstance(audience, str) or audience not in AUDIENCES:
        ck.add("meta.audience", f"unknown audience {_short(audience)} (one of {', '.join(AUDIENCES)})")
        audience = "adult"
    return Meta(
        title=ck.text(data, "title", "meta", "Untitled dreamscape"),
        author=ck.text(data, "author", "meta"),
        audience=audience,
        description=ck.text(data, "description", "meta"),
        tags=ck.str_list(data, "tags", "meta"),
        extra=ck.extra(data, frozenset(META_KEYS), "meta"),
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
        extra=ck.extra(data, frozenset(NIGHT_KEYS), "night"),
    )
    rem = data.get("rem_minutes", list(night.rem_minutes))
    if not isinstance(rem, list) or not rem:
        ck.add("night.rem_minutes", "expected a non-empty list of minutes")
    else:
        good = []
        for i, value in enumerate(rem):
            if _number_problem(value) or value <= 0:
                ck.add(f"night.rem_minutes[{i}]", f"expected minutes > 0, got {_kind(value)}"
                       if _number_problem(value) else f"expected minutes > 0, got {_fmt(value)}")
            elif value > night.cycle_minutes:
                ck.add(f"night.rem_minutes[{i}]",
                       f"{_fmt(value)} minutes of REM is longer than the {_fmt(night.cycle_minutes)}-minute cycle")
            else:
                good.append(value)
        if len(good) == len(rem):
            night.rem_minutes = good
    return night


def _check_node(ck: _Checker, data: dict[str, Any], path: str, seen: set[str],
                variables: dict[str, Variable]) -> Node | None:
    """Every problem of one node; the node itself only when its id is usable."""
    ok = True
    node_id = data.get("id")
    if node_id is None:
        ck.add(f"{path}.id", "missing (every node needs an id)")
        ok = False
    elif not is_valid_id(node_id):
        ck.add(f"{path}.id", f"invalid id {_short(node_id)} ({ID_RULE})")
        ok = False
    elif node_id in seen:
        ck.add(f"{path}.id", f"duplicate node id '{node_id}'")
        ok = False
    kind = data.get("kind")
    if kind is None:
        ck.add(f"{path}.kind", "missing (every node needs a kind)")
        kind = "scene"
    elif not isinstance(kind, str) or kind not in _KINDS:
        ck.add(f"{path}.kind", f"unknown kind {_short(kind)} (one of {', '.join(NODE_KINDS)})")
        kind = "scene"
    node = Node(
        id=node_id if ok else "",
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
        extra=ck.extra(data, _NODE_KEYSET, path),
    )
    return node if ok else None


def _nodes(ck: _Checker, raw: Any, variables: dict[str, Variable]) -> list[Node]:
    nodes: list[Node] = []
    if not isinstance(raw, list):
        ck.add("nodes", f"expected a list of nodes, got {_kind(raw)}")
        return nodes
    seen: set[str] = set()
    declared = frozenset(variables)
    for i, item in enumerate(raw):
        node = _fast_node(item, seen, declared) if type(item) is dict else None
        if node is None:
            data = ck.obj(item, f"nodes[{i}]")
            if data is None:
                continue
            node = _check_node(ck, data, f"nodes[{i}]", seen, variables)
            if node is None:
                continue
        seen.add(node.id)
        nodes.append(node)
    return nodes


def _check_edge(ck: _Checker, data: dict[str, Any], path: str, seen: set[str],
                node_ids: set[str], variables: dict[str, Variable]) -> Edge | None:
    """Every problem of one edge; the edge itself only when it can join the graph."""
    ok = True
    edge_id = data.get("id")
    if edge_id is None:
        ck.add(f"{path}.id", "missing (every edge needs an id)")
        ok = False
    elif not is_valid_id(edge_id):
        ck.add(f"{path}.id", f"invalid id {_short(edge_id)} ({ID_RULE})")
        ok = False
    elif edge_id in seen:
        ck.add(f"{path}.id", f"duplicate edge id '{edge_id}'")
        ok = False
    elif edge_id in node_ids:
        ck.add(f"{path}.id", f"id '{edge_id}' is already used by a node")
        ok = False
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
            ck.add(f"{path}.{key}", f"unknown node {_short(end)}")
            ok = False
        ends.append(end)
    condition = data.get("condition")
    if condition is not None:
        condition = ck.expression(condition, f"{path}.condition", variables)
    edge = Edge(
        id=edge_id if ok else "",
        source=ends[0], target=ends[1],
        label=ck.text(data, "label", path),
        weight=ck.number(data, "weight", path, 1.0, low=0, low_open=True),
        condition=condition,
        effects=ck.effects(data, path, variables),
        lint_ignore=ck.suppressions(data, path),
        extra=ck.extra(data, _EDGE_KEYSET, path),
    )
    return edge if ok else None


def _edges(ck: _Checker, raw: Any, node_ids: set[str], variables: dict[str, Variable]) -> list[Edge]:
    edges: list[Edge] = []
    if raw is None:
        return edges
    if not isinstance(raw, list):
        ck.add("edges", f"expected a list of edges, got {_kind(raw)}")
        return edges
    seen: set[str] = set()
    declared = frozenset(variables)
    for i, item in enumerate(raw):
        edge = _fast_edge(item, seen, node_ids, declared) if type(item) is dict else None
        if edge is None:
            data = ck.obj(item, f"edges[{i}]")
            if data is None:
                continue
            edge = _check_edge(ck, data, f"edges[{i}]", seen, node_ids, variables)
            if edge is None:
                continue
        seen.add(edge.id)
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
        ok = True
        group_id = data.get("id")
        if not is_valid_id(group_id):
            ck.add(f"{path}.id", f"invalid or missing id {_short(group_id)} ({ID_RULE})")
            ok = False
        elif group_id in seen:
            ck.add(f"{path}.id", f"duplicate group id '{group_id}'")
            ok = False
        else:
            seen.add(group_id)
        members = ck.str_list(data, "nodes", path)
        for j, member in enumerate(members):
            if member not in node_ids:
                ck.add(f"{path}.nodes[{j}]", f"unknown node {_short(member)}")
        color = data.get("color", "#5b6ee1")
        if not (isinstance(color, str) and len(color) in (4, 7) and color.startswith("#")
                and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            ck.add(f"{path}.color", f"expected a colour like '#5b6ee1', got {_short(color)}")
            color = "#5b6ee1"
        title = ck.text(data, "title", path)
        extra = ck.extra(data, frozenset(GROUP_KEYS), path)
        if ok:
            groups.append(Group(group_id, title, [m for m in members if m in node_ids], color,
                                extra))
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
        if _number_problem(value) or not 0 <= value <= 100:
            ck.add("lint.threshold", f"expected a score between 0 and 100, got {_short(value)}")
    extra = ck.extra(data, frozenset(LINT_KEYS), "lint")
    return {k: v for k, v in data.items() if k in LINT_KEYS or k in extra}


def _migrate(ck: _Checker, data: dict[str, Any]) -> dict[str, Any] | None:
    version = data.get("version")
    if version is None:
        ck.add("version", "missing (this studio reads format version 1)")
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        ck.add("version", f"expected a positive whole number, got {_short(version)}")
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
        ck.add("format", f"expected \"{FORMAT_NAME}\", got {_short(data.get('format'))}")
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
    ds.extra = ck.extra(data, frozenset(TOP_KEYS), "")
    if ck.issues:
        raise DreamFileError(source, ck.issues)
    ds.load_elements(nodes, edges)
    return ds


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Building a large tree of fresh objects triggers many useless full collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads_dreamscape(text: str | bytes, source: str | Path = "<text>") -> Dreamscape:
    """Parse `.dream` text; JSON errors are reported with line and column."""
    with _collector_paused():
        return _loads(text, source)


def _loads(text: str | bytes, source: str | Path) -> Dreamscape:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DreamFileError(source, [Issue("", f"not UTF-8 text (byte {exc.start})")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad: list[str] = []

    def reject_constant(name: str) -> _BadConstant:
        bad.append(name)
        return _BadConstant(name)

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise DreamFileError(source, [Issue(
            "", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None
    except (ValueError, RecursionError) as exc:
        raise DreamFileError(source, [Issue("", f"invalid JSON: {exc}")]) from None
    if bad:
        raise DreamFileError(source, [
            Issue(path, f"{value.name} is not valid JSON (write a number)")
            for path, value in _walk(data) if isinstance(value, _BadConstant)])
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


def save_dreamscape(ds: Dreamscape, path: str | Path | None = None) -> Path:
    """Atomically write the canonical text; a failed save leaves the old file intact."""
    target = Path(path) if path is not None else ds.path
    if target is None:
        raise ValueError("no file to save to")
    atomic_write_text(target, dumps_dreamscape(ds))
    ds.path = target
    return target
