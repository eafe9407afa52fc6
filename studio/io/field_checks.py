"""Field-level checks of `.dream` data: the full checker that names every problem, and the
one-pass fast path for well-formed nodes and edges."""

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from studio.model import NODE_KINDS
from studio.model.elements import (
    ID_PATTERN,
    MIN_WEIGHT,
    NODE_RANGES,
    Edge,
    Node,
    Variable,
    is_valid_id,
    node_default,
)
from studio.model.expressions import CONSTANTS, FUNCTIONS, ExpressionError, compile_expression

from .canonical import (
    EDGE_KEYS,
    NODE_KEYS,
)
from .errors import Issue

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
# The model's node defaults and ranges, read once for the fast path.
_MINUTES, _INTENSITY, _VALENCE = (node_default(k) for k in ("minutes", "intensity", "valence"))
_M_LOW = NODE_RANGES["minutes"].low
_I_LOW, _I_HIGH, _V_LOW, _V_HIGH, _R_LOW, _R_HIGH = (
    bound
    for k in ("intensity", "valence", "reward")
    for bound in (NODE_RANGES[k].low, NODE_RANGES[k].high)
)
_NO_LIST: list[Any] = []
_NO_DICT: dict[str, Any] = {}


# Only a \u escape can put a lone surrogate or NUL into parsed text (raw UTF-8 cannot).
_ODD_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)").search
_ODD_CODE_POINT = re.compile("[\x00\ud800-\udfff]").search


def uncarried_text(data: Any, text: str | None = None) -> list[Issue]:
    """Text UTF-8 or the library cannot carry (lone surrogates, NUL), by field path.

    With the JSON `text` it came from, the walk is skipped unless a `\\u` escape could
    have produced such a character."""
    if text is not None and _ODD_ESCAPE(text) is None:
        return []
    issues: list[Issue] = []
    for path, value in _walk(data):
        strings = [value] if isinstance(value, str) else []
        if isinstance(value, dict):
            strings = [key for key in value if isinstance(key, str)]
        for item in strings:
            found = _ODD_CODE_POINT(item)
            if found is not None:
                what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
                code = f"\\u{ord(found.group()):04x}"
                where = path if isinstance(value, str) else _field(path, item)
                issues.append(Issue(where, f"text holds {what} ({code}), which cannot be stored"))
    return issues


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
            stack.extend((_field(here, k), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((f"{here}[{i}]", v) for i, v in reversed(list(enumerate(item))))


class _Checker:
    """Collects issues while turning a parsed JSON tree into a Dreamscape."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def element_id(
        self, value: Any, path: str, what: str, seen: set[str], taken: set[str] | None = None
    ) -> bool:
        """Report a missing, malformed, duplicate (or, with `taken`, clashing) id."""
        if value is None:
            self.add(f"{path}.id", f"missing (every {what} needs an id)")
        elif not is_valid_id(value):
            self.add(f"{path}.id", f"invalid id {_short(value)} ({ID_RULE})")
        elif value in seen:
            self.add(f"{path}.id", f"duplicate {what} id '{value}'")
        elif taken is not None and value in taken:
            self.add(f"{path}.id", f"id '{value}' is already used by a node")
        else:
            return True
        return False

    def text(self, obj: dict[str, Any], key: str, path: str, default: str = "") -> str:
        value = obj.get(key, default)
        if not isinstance(value, str):
            self.add(f"{path}.{key}", f"expected text, got {_kind(value)}")
            return default
        return value

    def number(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        default: float,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
    ) -> float:
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
            self.add(
                f"{path}.{key}",
                f"{_fmt(value)} is out of range (must be between "
                f"{_fmt(low if low is not None else value)} and {_fmt(high)})",
            )
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

    def effects(
        self, obj: dict[str, Any], path: str, variables: dict[str, Variable]
    ) -> dict[str, str]:
        raw = obj.get("effects", {})
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(
                f"{path}.effects", f"expected an object of variable: expression, got {_kind(raw)}"
            )
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
                self.add(
                    _field(f"{path}.lint_ignore", code), "a suppression needs a non-empty reason"
                )
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
    """Effects when plainly valid (absent or null counts as none), else None."""
    if raw is None:
        return {}
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
    if (
        type(node_id) is not str
        or type(kind) is not str
        or kind not in _KINDS
        or node_id in seen
        or _id_match(node_id) is None
    ):
        return None
    title = get("title", "")
    text = get("text", "")
    minutes = get("minutes", _MINUTES)
    intensity = get("intensity", _INTENSITY)
    valence = get("valence", _VALENCE)
    reward = get("reward", node_default("reward", kind))
    x = get("x", 0)
    y = get("y", 0)
    numbers = _NUMBER_TYPES
    if not (
        type(title) is str
        and type(text) is str
        and type(minutes) in numbers
        and _M_LOW <= minutes <= MAX_NUMBER
        and type(intensity) in numbers
        and _I_LOW <= intensity <= _I_HIGH
        and type(valence) in numbers
        and _V_LOW <= valence <= _V_HIGH
        and type(reward) in numbers
        and _R_LOW <= reward <= _R_HIGH
        and type(x) in numbers
        and -MAX_NUMBER <= x <= MAX_NUMBER
        and type(y) in numbers
        and -MAX_NUMBER <= y <= MAX_NUMBER
    ):
        return None
    effects = _fast_effects(get("effects"), declared)
    tags = get("tags", _NO_LIST)
    tags = [] if tags is _NO_LIST or tags == _NO_LIST else _fast_strs(tags)
    assets = get("assets", _NO_LIST)
    assets = [] if assets is _NO_LIST or assets == _NO_LIST else _fast_strs(assets)
    lint_ignore = get("lint_ignore", _NO_DICT)
    lint_ignore = {} if lint_ignore is _NO_DICT else _fast_suppressions(lint_ignore)
    extra = {} if data.keys() <= _NODE_KEYSET else _fast_extra(data, _NODE_KEYSET)
    if effects is None or tags is None or assets is None or lint_ignore is None or extra is None:
        return None
    return Node(
        node_id,
        kind,
        title,
        text,
        minutes,
        intensity,
        valence,
        reward,
        x,
        y,
        effects,
        tags,
        assets,
        lint_ignore,
        extra,
    )


def _fast_edge(
    data: dict[str, Any], seen: set[str], node_ids: set[str], declared: frozenset[str]
) -> Edge | None:
    """An edge when every field is plainly valid, else None (the full check then reports)."""
    get = data.get
    edge_id = get("id")
    source = get("from")
    target = get("to")
    if (
        type(edge_id) is not str
        or edge_id in seen
        or edge_id in node_ids
        or type(source) is not str
        or source not in node_ids
        or type(target) is not str
        or target not in node_ids
        or _id_match(edge_id) is None
    ):
        return None
    label = get("label", "")
    weight = get("weight", 1.0)
    if not (
        type(label) is str and type(weight) in _NUMBER_TYPES and MIN_WEIGHT <= weight <= MAX_NUMBER
    ):
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
    effects = _fast_effects(get("effects"), declared)
    lint_ignore = get("lint_ignore", _NO_DICT)
    lint_ignore = {} if lint_ignore is _NO_DICT else _fast_suppressions(lint_ignore)
    extra = {} if data.keys() <= _EDGE_KEYSET else _fast_extra(data, _EDGE_KEYSET)
    if effects is None or lint_ignore is None or extra is None:
        return None
    return Edge(edge_id, source, target, label, weight, condition, effects, lint_ignore, extra)


# ------------------------------------------------------------ full checks
