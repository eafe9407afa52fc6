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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from studio.model import AUDIENCES, NODE_KINDS, VARIABLE_TYPES, Dreamscape
from studio.model.elements import (
    MIN_WEIGHT,
    NODE_RANGES,
    Edge,
    Group,
    Meta,
    Night,
    Node,
    Variable,
    default_lint_block,
    is_valid_id,
    node_default,
)

from .atomic import atomic_write_text
from .canonical import (
    CURRENT_VERSION,
    FORMAT_NAME,
    GROUP_KEYS,
    LINT_KEYS,
    META_KEYS,
    NIGHT_KEYS,
    TOP_KEYS,
    VARIABLE_KEYS,
    canonical_json,
    dreamscape_to_data,
    dumps_dreamscape,
    edge_to_data,
    node_to_data,
)
from .errors import DreamFileError, Issue
from .field_checks import (
    _EDGE_KEYSET,
    _KINDS,
    _NODE_KEYSET,
    ID_RULE,
    RESERVED_NAMES,
    _BadConstant,
    _Checker,
    _fast_edge,
    _fast_node,
    _field,
    _fmt,
    _kind,
    _number_problem,
    _short,
    _walk,
    uncarried_text,
)

__all__ = [
    "CURRENT_VERSION",
    "FILE_SUFFIX",
    "FORMAT_NAME",
    "MIGRATIONS",
    "canonical_json",
    "dreamscape_from_data",
    "dreamscape_to_data",
    "dumps_dreamscape",
    "edge_to_data",
    "load_dreamscape",
    "loads_dreamscape",
    "node_to_data",
    "save_dreamscape",
]

FILE_SUFFIX = ".dream"

# Upgrades from version N to N+1, applied in order to older files before validation.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


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
            ck.add(
                f"{path}.type",
                f"unknown type {_short(var_type)} (one of {', '.join(VARIABLE_TYPES)})",
            )
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
        low, high = _bounds(ck, spec, path, var_type, initial)
        out[name] = Variable(
            name,
            var_type,
            initial,
            ck.extra(spec, frozenset(VARIABLE_KEYS), path),
            minimum=low,
            maximum=high,
        )
    return out


def _bounds(
    ck: _Checker, spec: dict[str, Any], path: str, var_type: str, initial: Any
) -> tuple[int | None, int | None]:
    """An `int` variable's optional `min`/`max`: whole numbers, min <= initial <= max."""
    found: dict[str, int | None] = {"min": None, "max": None}
    for key in found:
        if key not in spec:
            continue
        value = spec[key]
        if var_type != "int":
            ck.add(f"{path}.{key}", f"only int variables take a {key}, this one is {var_type}")
        elif not isinstance(value, int) or isinstance(value, bool):
            ck.add(f"{path}.{key}", f"expected a whole number, got {_kind(value)}")
        elif abs(value) > 2**53:
            ck.add(f"{path}.{key}", f"{key} is too large (at most {2**53} either way)")
        else:
            found[key] = value
    low, high = found["min"], found["max"]
    if low is not None and high is not None and low > high:
        ck.add(f"{path}.max", f"max {high} is below min {low}")
        return None, None
    if low is not None and isinstance(initial, int) and initial < low:
        ck.add(f"{path}.initial", f"initial {initial} is below min {low}")
    if high is not None and isinstance(initial, int) and initial > high:
        ck.add(f"{path}.initial", f"initial {initial} is above max {high}")
    return low, high


def _meta(ck: _Checker, raw: Any) -> Meta:
    if raw is None:
        return Meta()
    data = ck.obj(raw, "meta")
    if data is None:
        return Meta()
    audience = data.get("audience", "adult")
    if not isinstance(audience, str) or audience not in AUDIENCES:
        ck.add(
            "meta.audience", f"unknown audience {_short(audience)} (one of {', '.join(AUDIENCES)})"
        )
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
                ck.add(
                    f"night.rem_minutes[{i}]",
                    f"expected minutes > 0, got {_kind(value)}"
                    if _number_problem(value)
                    else f"expected minutes > 0, got {_fmt(value)}",
                )
            elif value > night.cycle_minutes:
                ck.add(
                    f"night.rem_minutes[{i}]",
                    f"{_fmt(value)} minutes of REM is longer than the {_fmt(night.cycle_minutes)}-minute cycle",
                )
            else:
                good.append(value)
        if len(good) == len(rem):
            night.rem_minutes = good
    return night


def _check_node(
    ck: _Checker, data: dict[str, Any], path: str, seen: set[str], variables: dict[str, Variable]
) -> Node | None:
    """Every problem of one node; the node itself only when its id is usable."""
    node_id = data.get("id")
    ok = ck.element_id(node_id, path, "node", seen)
    kind = data.get("kind")
    if kind is None:
        ck.add(f"{path}.kind", "missing (every node needs a kind)")
        kind = "scene"
    elif not isinstance(kind, str) or kind not in _KINDS:
        ck.add(f"{path}.kind", f"unknown kind {_short(kind)} (one of {', '.join(NODE_KINDS)})")
        kind = "scene"
    node = Node(
        id=str(node_id) if ok else "",
        kind=kind,
        title=ck.text(data, "title", path),
        text=ck.text(data, "text", path),
        minutes=_ranged(ck, data, "minutes", path, kind),
        intensity=_ranged(ck, data, "intensity", path, kind),
        valence=_ranged(ck, data, "valence", path, kind),
        reward=_ranged(ck, data, "reward", path, kind),
        x=ck.number(data, "x", path, node_default("x")),
        y=ck.number(data, "y", path, node_default("y")),
        effects=ck.effects(data, path, variables),
        tags=ck.str_list(data, "tags", path),
        assets=ck.str_list(data, "assets", path),
        lint_ignore=ck.suppressions(data, path),
        extra=ck.extra(data, _NODE_KEYSET, path),
    )
    return node if ok else None


def _ranged(ck: _Checker, data: dict[str, Any], key: str, path: str, kind: str) -> float:
    """A node number checked against the model's range, or the model's default."""
    span = NODE_RANGES[key]
    default = node_default(key, kind)
    return ck.number(data, key, path, default, span.low, span.high, span.low_open)


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


def _check_edge(
    ck: _Checker,
    data: dict[str, Any],
    path: str,
    seen: set[str],
    node_ids: set[str],
    variables: dict[str, Variable],
) -> Edge | None:
    """Every problem of one edge; the edge itself only when it can join the graph."""
    edge_id = data.get("id")
    ok = ck.element_id(edge_id, path, "edge", seen, taken=node_ids)
    ends: list[str] = []
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
        ends.append(end if isinstance(end, str) else "")
    condition = data.get("condition")
    if condition is not None:
        condition = ck.expression(condition, f"{path}.condition", variables)
    edge = Edge(
        id=str(edge_id) if ok else "",
        source=ends[0],
        target=ends[1],
        label=ck.text(data, "label", path),
        weight=ck.number(data, "weight", path, 1.0, low=MIN_WEIGHT),
        condition=condition,
        effects=ck.effects(data, path, variables),
        lint_ignore=ck.suppressions(data, path),
        extra=ck.extra(data, _EDGE_KEYSET, path),
    )
    return edge if ok else None


def _edges(
    ck: _Checker, raw: Any, node_ids: set[str], variables: dict[str, Variable]
) -> list[Edge]:
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
        if not (
            isinstance(color, str)
            and len(color) in (4, 7)
            and color.startswith("#")
            and all(c in "0123456789abcdefABCDEF" for c in color[1:])
        ):
            ck.add(f"{path}.color", f"expected a colour like '#5b6ee1', got {_short(color)}")
            color = "#5b6ee1"
        title = ck.text(data, "title", path)
        extra = ck.extra(data, frozenset(GROUP_KEYS), path)
        if ok:
            groups.append(
                Group(str(group_id), title, [m for m in members if m in node_ids], color, extra)
            )
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
        ck.add(
            "version",
            f"unsupported version {version} (this studio reads up to "
            f"{CURRENT_VERSION}; update Adjuster Studio)",
        )
        return None
    while version < CURRENT_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def dreamscape_from_data(data: Any, source: str | Path = "<data>") -> Dreamscape:
    """Validate a parsed JSON tree; raises DreamFileError listing every problem."""
    return _from_data(data, source, uncarried_text(data))


def _from_data(data: Any, source: str | Path, odd_text: list[Issue]) -> Dreamscape:
    """Validation proper, starting from the text problems already found."""
    ck = _Checker()
    ck.issues.extend(odd_text)
    if not isinstance(data, dict):
        raise DreamFileError(
            source, [Issue("", f"expected a JSON object at the top, got {_kind(data)}")]
        )
    if data.get("format") != FORMAT_NAME:
        ck.add("format", f'expected "{FORMAT_NAME}", got {_short(data.get("format"))}')
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
            raise DreamFileError(
                source, [Issue("", f"not UTF-8 text (byte {exc.start})")]
            ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad: list[str] = []

    def reject_constant(name: str) -> _BadConstant:
        bad.append(name)
        return _BadConstant(name)

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise DreamFileError(
            source, [Issue("", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise DreamFileError(source, [Issue("", f"invalid JSON: {exc}")]) from None
    if bad:
        raise DreamFileError(
            source,
            [
                Issue(path, f"{value.name} is not valid JSON (write a number)")
                for path, value in _walk(data)
                if isinstance(value, _BadConstant)
            ],
        )
    return _from_data(data, source, uncarried_text(data, text))


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
