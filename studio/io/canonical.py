"""Canonical `.dream` text: fixed key order, 2-space indent, trailing newline.

The output is byte-compatible with `json.dumps(data, indent=2, ensure_ascii=False)` of
`dreamscape_to_data`, so an unchanged document always saves byte-identical and its
content hash is stable. Nodes and edges, which are most of a large file, are written
straight from the model through fixed templates instead of building and walking a dict
per element; anything unusual in an element falls back to the general writer.
"""

from __future__ import annotations

import json
import numbers
import re
from typing import Any

from studio.model import Dreamscape
from studio.model.elements import Edge, Node, Variable

FORMAT_NAME = "dreamscape"
CURRENT_VERSION = 1

NODE_KEYS = (
    "id",
    "kind",
    "title",
    "text",
    "minutes",
    "intensity",
    "valence",
    "reward",
    "x",
    "y",
    "effects",
    "tags",
    "assets",
    "lint_ignore",
)
EDGE_KEYS = ("id", "from", "to", "label", "weight", "condition", "effects", "lint_ignore")
META_KEYS = ("title", "author", "audience", "description", "tags")
NIGHT_KEYS = ("onset_minutes", "cycle_minutes", "rem_minutes")
GROUP_KEYS = ("id", "title", "nodes", "color")
VARIABLE_KEYS = ("type", "initial", "min", "max")
LINT_KEYS = ("select", "ignore", "threshold")
TOP_KEYS = ("format", "version", "meta", "night", "variables", "nodes", "edges", "groups", "lint")

_encode_str = json.encoder.encode_basestring
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Raw:
    """Text already in canonical form, spliced in verbatim by the general writer."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _float_text(value: float) -> str:
    text = float.__repr__(value)
    if text[-1] in "fn":  # inf, -inf, nan: JSON has no spelling for them
        raise ValueError(f"cannot write the number {text} to a .dream file")
    return text


def _write(value: Any, out: list[str], nl: str) -> None:
    """The general pretty printer (same bytes as json.dumps(indent=2, ensure_ascii=False))."""
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
        out.append(_float_text(value))
    elif isinstance(value, dict):
        _write_object(value, out, nl)
    elif isinstance(value, list | tuple):
        _write_array(value, out, nl)
    elif isinstance(value, _Raw):
        out.append(value.text)
    elif isinstance(value, numbers.Integral):  # numpy integers from layout or analysis code
        out.append(int.__repr__(int(value)))
    elif isinstance(value, numbers.Real):
        out.append(_float_text(float(value)))
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a .dream file")


def _write_object(value: dict[Any, Any], out: list[str], nl: str) -> None:
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


def _write_array(value: list[Any] | tuple[Any, ...], out: list[str], nl: str) -> None:
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


def _text(value: Any, nl: str) -> str:
    parts: list[str] = []
    _write(value, parts, nl)
    return "".join(parts)


def canonical_json(data: Any) -> str:
    """2-space indented UTF-8 JSON with a trailing newline (same as json.dumps(indent=2))."""
    parts: list[str] = []
    _write(data, parts, "\n")
    parts.append("\n")
    return "".join(parts)


# ------------------------------------------------------------ element data
def _with_extra(
    out: dict[str, Any], extra: dict[str, Any], known: tuple[str, ...] = ()
) -> dict[str, Any]:
    for key, value in extra.items():
        if key not in out and key not in known:
            out[key] = value
    return out


def variable_to_data(v: Variable) -> dict[str, Any]:
    """A variable as canonical data; `min`/`max` only when declared (old files stay identical)."""
    out: dict[str, Any] = {"type": v.type, "initial": v.initial}
    if v.minimum is not None:
        out["min"] = v.minimum
    if v.maximum is not None:
        out["max"] = v.maximum
    return out


def node_to_data(node: Node) -> dict[str, Any]:
    """A node as canonical JSON-ready data."""
    out: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "title": node.title,
        "text": node.text,
        "minutes": node.minutes,
        "intensity": node.intensity,
        "valence": node.valence,
        "reward": node.reward,
        "x": node.x,
        "y": node.y,
        "effects": dict(node.effects),
        "tags": list(node.tags),
        "assets": list(node.assets),
    }
    if node.lint_ignore:
        out["lint_ignore"] = dict(node.lint_ignore)
    return _with_extra(out, node.extra, NODE_KEYS)


def edge_to_data(edge: Edge) -> dict[str, Any]:
    """An edge as canonical JSON-ready data."""
    out: dict[str, Any] = {
        "id": edge.id,
        "from": edge.source,
        "to": edge.target,
        "label": edge.label,
        "weight": edge.weight,
        "condition": _condition(edge.condition),
        "effects": dict(edge.effects),
    }
    if edge.lint_ignore:
        out["lint_ignore"] = dict(edge.lint_ignore)
    return _with_extra(out, edge.extra, EDGE_KEYS)


def dreamscape_to_data(ds: Dreamscape) -> dict[str, Any]:
    """The whole document as canonical JSON-ready data (keys in format order)."""
    out = _document(ds)
    out["nodes"] = [node_to_data(n) for n in ds.nodes]
    out["edges"] = [edge_to_data(e) for e in ds.edges]
    return out


def _document(ds: Dreamscape) -> dict[str, Any]:
    """Everything but nodes and edges, with placeholders keeping their place."""
    meta = ds.meta
    lint = {k: ds.lint[k] for k in LINT_KEYS if k in ds.lint}
    out: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": CURRENT_VERSION,
        "meta": _with_extra(
            {
                "title": meta.title,
                "author": meta.author,
                "audience": meta.audience,
                "description": meta.description,
                "tags": list(meta.tags),
            },
            meta.extra,
            META_KEYS,
        ),
        "night": _with_extra(
            {
                "onset_minutes": ds.night.onset_minutes,
                "cycle_minutes": ds.night.cycle_minutes,
                "rem_minutes": list(ds.night.rem_minutes),
            },
            ds.night.extra,
            NIGHT_KEYS,
        ),
        "variables": {
            name: _with_extra(variable_to_data(v), v.extra, VARIABLE_KEYS)
            for name, v in ds.variables.items()
        },
        "nodes": None,
        "edges": None,
        "groups": [
            _with_extra(
                {"id": g.id, "title": g.title, "nodes": list(g.nodes), "color": g.color},
                g.extra,
                GROUP_KEYS,
            )
            for g in ds.groups
        ],
        "lint": _with_extra(lint, ds.lint),
    }
    return _with_extra(out, ds.extra, TOP_KEYS)


# ---------------------------------------------------------------- fast path
_IN = "\n      "  # keys of an element inside the nodes/edges list
_NODE_HEAD = "{" + ",".join(f'{_IN}"{k}": %s' for k in NODE_KEYS[:-1])
_EDGE_HEAD = "{" + ",".join(f'{_IN}"{k}": %s' for k in EDGE_KEYS[:-1])
_CLOSE = "\n    }"
_NODE_KEYSET = frozenset(NODE_KEYS)
_EDGE_KEYSET = frozenset(EDGE_KEYS)
_NUMBER_TEXT = {int: int.__repr__, float: _float_text}


def _num(value: Any) -> str:
    fn = _NUMBER_TEXT.get(type(value))
    return fn(value) if fn is not None else _text(value, _IN)


def _box(value: Any) -> str:
    kind = type(value)
    if kind is dict:
        return _text(value, _IN) if value else "{}"
    if kind is list:
        return _text(value, _IN) if value else "[]"
    raise TypeError("not a plain dict or list")


def _condition(value: Any) -> Any:
    """An empty condition means always enabled: written as null so the file stays loadable."""
    return None if isinstance(value, str) and not value.strip() else value


def _tail(lint_ignore: dict[str, str], extra: dict[str, Any], known: frozenset[str]) -> str:
    parts = []
    if lint_ignore:
        parts.append(f',{_IN}"lint_ignore": {_text(dict(lint_ignore), _IN)}')
    for key, value in extra.items():
        if key not in known:
            parts.append(f",{_IN}{_encode_str(str(key))}: {_text(value, _IN)}")
    return "".join(parts)


def _node_text(node: Node) -> str:
    es = _encode_str
    try:
        head = _NODE_HEAD % (
            es(node.id),
            es(node.kind),
            es(node.title),
            es(node.text),
            _num(node.minutes),
            _num(node.intensity),
            _num(node.valence),
            _num(node.reward),
            _num(node.x),
            _num(node.y),
            _box(node.effects),
            _box(node.tags),
            _box(node.assets),
        )
    except TypeError:  # a non-text field: let the general writer spell (or refuse) it
        return _text(node_to_data(node), "\n    ")
    if node.lint_ignore or node.extra:
        return head + _tail(node.lint_ignore, node.extra, _NODE_KEYSET) + _CLOSE
    return head + _CLOSE


def _edge_text(edge: Edge) -> str:
    es = _encode_str
    condition = _condition(edge.condition)
    try:
        head = _EDGE_HEAD % (
            es(edge.id),
            es(edge.source),
            es(edge.target),
            es(edge.label),
            _num(edge.weight),
            "null" if condition is None else es(condition),
            _box(edge.effects),
        )
    except TypeError:
        return _text(edge_to_data(edge), "\n    ")
    if edge.lint_ignore or edge.extra:
        return head + _tail(edge.lint_ignore, edge.extra, _EDGE_KEYSET) + _CLOSE
    return head + _CLOSE


def _list_text(items: list[str]) -> str:
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(items) + "\n  ]"


def dumps_dreamscape(ds: Dreamscape) -> str:
    """Canonical text: what `save` writes and what the content hash is taken over."""
    doc = _document(ds)
    doc["nodes"] = _Raw(_list_text([_node_text(n) for n in ds.nodes]))
    doc["edges"] = _Raw(_list_text([_edge_text(e) for e in ds.edges]))
    text = canonical_json(doc)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates (from \\ud800-style escapes) cannot be UTF-8: keep them escaped.
            text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
