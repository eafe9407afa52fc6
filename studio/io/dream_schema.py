"""A JSON Schema (draft 2020-12) for `.dream` files, for editors (validation, completion) and
CI; built from the loader's own names, kinds and numeric ranges (tests hold them equal)."""

from __future__ import annotations

from typing import Any

from studio.model import AUDIENCES, NODE_KINDS, VARIABLE_TYPES
from studio.model.elements import ID_PATTERN

from .field_checks import MAX_NUMBER, RESERVED_NAMES

SCHEMA_ID = "urn:adjuster-studio:dream:1"

# (object, field): (default, low, high, low_open) — the ranges the loader's field checks apply.
NUMBER_RANGES: dict[tuple[str, str], tuple[float, float | None, float | None, bool]] = {
    ("night", "onset_minutes"): (15, 0, None, False),
    ("night", "cycle_minutes"): (90, 0, None, True),
    ("node", "minutes"): (5, 0, None, True),
    ("node", "intensity"): (0.3, 0, 1, False),
    ("node", "valence"): (0, -1, 1, False),
    ("node", "reward"): (0, 0, 1, False),
    ("node", "x"): (0, None, None, False),
    ("node", "y"): (0, None, None, False),
    ("edge", "weight"): (1.0, 0, None, True),
}


def _number(where: str, name: str, description: str) -> dict[str, Any]:
    default, low, high, low_open = NUMBER_RANGES[(where, name)]
    out: dict[str, Any] = {"type": "number", "default": default, "description": description}
    if low is not None:
        out["exclusiveMinimum" if low_open else "minimum"] = low
    else:
        out["minimum"] = -MAX_NUMBER
    out["maximum"] = high if high is not None else MAX_NUMBER
    return out


_ID = {
    "type": "string",
    "pattern": f"^{ID_PATTERN.pattern}$",
    "description": "letters, digits, _ and -, starting with a letter, at most 64 characters",
}
_EXPRESSION = {"type": "string", "minLength": 1, "description": "an expression (safe subset)"}
_EFFECTS = {
    "type": "object",
    "additionalProperties": {"type": "string", "minLength": 1},
    "description": "variable: expression, applied in order",
}
_SUPPRESSIONS = {
    "type": "object",
    "propertyNames": {"pattern": "^[A-Z]{2,3}[0-9]{3}$"},
    "additionalProperties": {"type": "string", "pattern": "\\S"},
    "description": "rule code: the reason it does not apply here (required)",
}
_STRINGS = {"type": "array", "items": {"type": "string"}, "default": []}


def _node() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "kind"],
        "properties": {
            "id": _ID,
            "kind": {"enum": list(NODE_KINDS)},
            "title": {"type": "string"},
            "text": {"type": "string"},
            "minutes": _number("node", "minutes", "dream minutes spent in the scene"),
            "intensity": _number("node", "intensity", "0 calm … 1 overwhelming"),
            "valence": _number("node", "valence", "-1 unpleasant … 1 pleasant"),
            "reward": _number("node", "reward", "prize value; reward nodes default to 1"),
            "x": _number("node", "x", "editor position"),
            "y": _number("node", "y", "editor position"),
            "effects": _EFFECTS,
            "tags": _STRINGS,
            "assets": _STRINGS,
            "lint_ignore": _SUPPRESSIONS,
        },
    }


def _edge() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "from", "to"],
        "properties": {
            "id": _ID,
            "from": _ID,
            "to": _ID,
            "label": {"type": "string"},
            "weight": _number("edge", "weight", "relative chance among enabled edges"),
            "condition": {"oneOf": [_EXPRESSION, {"type": "null"}]},
            "effects": _EFFECTS,
            "lint_ignore": _SUPPRESSIONS,
        },
    }


def _variable() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"enum": list(VARIABLE_TYPES), "default": "int"},
            "initial": {"type": ["number", "boolean"]},
            "min": {"type": "number"},
            "max": {"type": "number"},
        },
        "allOf": [
            {
                "if": {"properties": {"type": {"const": "bool"}}, "required": ["type"]},
                "then": {"properties": {"initial": {"type": "boolean"}}},
            },
            {
                "if": {
                    "anyOf": [
                        {"properties": {"type": {"const": "int"}}},
                        {"not": {"required": ["type"]}},
                    ]
                },
                "then": {"properties": {"initial": {"type": "integer"}}},
            },
            {
                "if": {"properties": {"type": {"const": "float"}}, "required": ["type"]},
                "then": {"properties": {"initial": {"type": "number"}}},
            },
        ],
    }


def _lint() -> dict[str, Any]:
    codes = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "select": codes,
            "ignore": codes,
            "threshold": {"type": "number", "minimum": 0, "maximum": 100, "default": 70},
            "rules": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "number"},
                },
            },
        },
    }


def dream_schema() -> dict[str, Any]:
    """The schema of format version 1; unknown keys stay allowed (they survive round trips)."""
    night = {
        "type": "object",
        "properties": {
            "onset_minutes": _number("night", "onset_minutes", "minutes before the first cycle"),
            "cycle_minutes": _number("night", "cycle_minutes", "length of a sleep cycle"),
            "rem_minutes": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "number", "exclusiveMinimum": 0},
                "default": [10, 15, 20, 25, 35],
            },
        },
    }
    names = {"pattern": f"^{ID_PATTERN.pattern}$", "not": {"enum": sorted(RESERVED_NAMES)}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Adjuster Studio dreamscape (.dream, format version 1)",
        "type": "object",
        "required": ["format", "version"],
        "properties": {
            "format": {"const": "dreamscape"},
            "version": {"const": 1},
            "meta": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "author": {"type": "string"},
                    "audience": {"enum": list(AUDIENCES), "default": "adult"},
                    "description": {"type": "string"},
                    "tags": _STRINGS,
                },
            },
            "night": night,
            "variables": {
                "type": "object",
                "propertyNames": names,
                "additionalProperties": _variable(),
            },
            "nodes": {"type": "array", "items": _node()},
            "edges": {"type": "array", "items": _edge()},
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": _ID,
                        "title": {"type": "string"},
                        "nodes": {"type": "array", "items": _ID},
                        "color": {"type": "string"},
                    },
                },
            },
            "lint": _lint(),
        },
    }
