"""Shared helpers for the .dream I/O tests."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from studio.io import DreamFileError, dreamscape_from_data, loads_dreamscape

VALID: dict[str, Any] = {
    "format": "dreamscape",
    "version": 1,
    "meta": {
        "title": "Lantern Bay",
        "author": "Jamie",
        "audience": "teen",
        "description": "Eli and Mae at the pier.",
        "tags": ["bay"],
    },
    "night": {"onset_minutes": 15, "cycle_minutes": 90, "rem_minutes": [10, 15, 20, 25, 35]},
    "variables": {
        "courage": {"type": "int", "initial": 0},
        "met_mae": {"type": "bool", "initial": False},
        "calm": {"type": "float", "initial": 0.5},
    },
    "nodes": [
        {
            "id": "onset",
            "kind": "entry",
            "title": "Drifting off",
            "text": "The bay is quiet.",
            "minutes": 2,
            "intensity": 0.1,
            "valence": 0.2,
            "reward": 0.0,
            "x": 0,
            "y": 0,
            "effects": {"courage": "courage + 1"},
            "tags": [],
            "assets": ["images/bay.png"],
            "lint_ignore": {"INT001": "calm start"},
        },
        {
            "id": "pier",
            "kind": "social",
            "title": "Mae at the pier",
            "text": "Mae waves.",
            "minutes": 5,
            "intensity": 0.3,
            "valence": 0.5,
            "reward": 0.0,
            "x": 240,
            "y": 0,
            "effects": {},
            "tags": [],
            "assets": [],
        },
        {
            "id": "wake",
            "kind": "exit",
            "title": "Back to sleep",
            "text": "",
            "minutes": 1,
            "intensity": 0.1,
            "valence": 0.3,
            "reward": 0.0,
            "x": 480,
            "y": 0,
            "effects": {},
            "tags": [],
            "assets": [],
        },
    ],
    "edges": [
        {
            "id": "e1",
            "from": "onset",
            "to": "pier",
            "label": "Walk to the pier",
            "weight": 1.0,
            "condition": "courage >= 1",
            "effects": {"met_mae": "true"},
        },
        {
            "id": "e2",
            "from": "pier",
            "to": "wake",
            "label": "",
            "weight": 1.0,
            "condition": None,
            "effects": {},
        },
    ],
    "groups": [{"id": "g1", "title": "The bay", "nodes": ["onset", "pier"], "color": "#5b6ee1"}],
    "lint": {"select": ["ALL"], "ignore": [], "threshold": 70},
}


def valid_data() -> dict[str, Any]:
    return copy.deepcopy(VALID)


def valid_text() -> str:
    return json.dumps(VALID, indent=2, ensure_ascii=False) + "\n"


def issues_of(data: Any = None, text: str | bytes | None = None) -> list[tuple[str, str]]:
    """The (path, message) pairs a load reports; fails the test if the load succeeds."""
    with pytest.raises(DreamFileError) as info:
        if text is not None:
            loads_dreamscape(text, "bay.dream")
        else:
            dreamscape_from_data(data, "bay.dream")
    err = info.value
    assert err.issues, "a DreamFileError must carry at least one issue"
    assert err.lines() == [f"bay.dream: {issue}" for issue in err.issues]
    return [(i.path, i.message) for i in err.issues]
