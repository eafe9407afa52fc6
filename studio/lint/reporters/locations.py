"""Where each node and edge sits in a `.dream` file (line and column), so reports can point an
editor, a terminal or code scanning at the exact object a finding is about."""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Span:
    """A 1-based region from an object's `"id"` key to its closing brace; `end_column` is the
    column just after the last character (as SARIF counts)."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    start_offset: int = 0
    end_offset: int = 0

    def region(self) -> dict[str, int]:
        return {
            "startLine": self.start_line,
            "startColumn": self.start_column,
            "endLine": self.end_line,
            "endColumn": self.end_column,
        }

    def to_dict(self) -> dict[str, int]:
        return {
            "line": self.start_line,
            "column": self.start_column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


FILE_START = Span(1, 1, 1, 1)


@dataclass
class SourceMap:
    """The spans of every node and edge object of one file, by id, and the text they index."""

    text: str = ""
    nodes: dict[str, Span] = field(default_factory=dict)
    edges: dict[str, Span] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def span_of(self, nodes: tuple[str, ...], edges: tuple[str, ...]) -> Span:
        """The finding's anchor (first node, else first edge); the file's start otherwise."""
        if nodes and nodes[0] in self.nodes:
            return self.nodes[nodes[0]]
        if not nodes and edges and edges[0] in self.edges:
            return self.edges[edges[0]]
        return FILE_START

    def element(self, kind: str, element_id: str) -> Mapping[str, Any] | None:
        """The raw JSON object of a node or edge (for fingerprints)."""
        for item in self.data.get(kind, ()) if isinstance(self.data, dict) else ():
            if isinstance(item, dict) and item.get("id") == element_id:
                return item
        return None


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        (sl, sc), (el, ec) = self.position(start), self.position(end)
        return Span(sl, sc, el, ec, start, end)


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


def _array_spans(text: str, i: int, lines: _Lines) -> tuple[dict[str, Span], list[Any], int]:
    """Spans of the objects in the JSON array starting at `text[i] == '['`, by their `id`."""
    spans: dict[str, Span] = {}
    items: list[Any] = []
    i = _skip(text, i + 1)
    while i < len(text) and text[i] != "]":
        value, end = _DECODER.raw_decode(text, i)
        items.append(value)
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            spans.setdefault(value["id"], lines.span(_key_offset(text, i, "id"), end))
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
    return spans, items, i + 1


def _key_offset(text: str, i: int, wanted: str) -> int:
    """Where the top-level key `wanted` of the object at `text[i] == '{'` starts (the line an
    editor should land on); the object's own start when it has no such key."""
    start = i
    i = _skip(text, i + 1)
    while i < len(text) and text[i] == '"':
        key_at = i
        key, i = _DECODER.raw_decode(text, i)
        if key == wanted:
            return key_at
        i = _skip(text, _skip(text, i) + 1)
        _value, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
    return start


def source_map(text: str) -> SourceMap:
    """Scan the file's own text (canonical or not); an unreadable text gives an empty map."""
    result = SourceMap(text)
    try:
        _scan_top(text, result)
    except (ValueError, IndexError):
        return SourceMap(text)
    return result


def _scan_top(text: str, result: SourceMap) -> None:
    lines = _Lines(text)
    i = _skip(text, 0)
    if not text.startswith("{", i):
        return
    i = _skip(text, i + 1)
    while i < len(text) and text[i] == '"':
        key, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        i = _skip(text, i + 1)  # the ':'
        if key in ("nodes", "edges") and text.startswith("[", i):
            spans, items, i = _array_spans(text, i, lines)
            setattr(result, key, spans)
            result.data[key] = items
        else:
            value, i = _DECODER.raw_decode(text, i)
            result.data[key] = value
        i = _skip(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
