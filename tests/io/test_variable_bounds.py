"""`min`/`max` on int variables: checked by the loader, kept on round trip, clamped everywhere."""

from __future__ import annotations

import json

import numpy as np
import pytest

from studio.io import DreamFileError, dumps_dreamscape, loads_dreamscape
from studio.sim import PlayEngine, simulate

BASE = {
    "format": "dreamscape",
    "version": 1,
    "variables": {"n": {"type": "int", "initial": 1, "min": 0, "max": 3}},
    "nodes": [
        {"id": "onset", "kind": "entry", "minutes": 1, "effects": {"n": "n + 5"}},
        {"id": "wake", "kind": "exit"},
    ],
    "edges": [{"id": "e1", "from": "onset", "to": "wake", "condition": "n == 3"}],
}


def test_bounds_load_round_trip_and_clamp_in_engine_and_simulator() -> None:
    ds = loads_dreamscape(json.dumps(BASE))
    var = ds.variables["n"]
    assert (var.minimum, var.maximum) == (0, 3)
    text = dumps_dreamscape(ds)
    assert '"min": 0' in text and '"max": 3' in text
    assert dumps_dreamscape(loads_dreamscape(text)) == text
    assert PlayEngine(ds).variables["n"] == 3
    r = simulate(ds, dreamers=50, seed=0)
    assert np.asarray(r.finished, bool).all()


def test_files_without_bounds_write_no_bounds() -> None:
    data = json.loads(json.dumps(BASE))
    del data["variables"]["n"]["min"], data["variables"]["n"]["max"]
    text = dumps_dreamscape(loads_dreamscape(json.dumps(data)))
    assert '"min"' not in text and '"max"' not in text


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ({"type": "int", "initial": 0, "min": 2}, "variables.n.initial", "below min 2"),
        ({"type": "int", "initial": 0, "min": 1, "max": 0}, "variables.n.max", "below min"),
        ({"type": "int", "initial": 0, "max": 1.5}, "variables.n.max", "whole number"),
        ({"type": "float", "initial": 0.0, "max": 1}, "variables.n.max", "only int"),
        ({"type": "int", "initial": 5, "max": 4}, "variables.n.initial", "above max 4"),
    ],
)
def test_bad_bounds_are_named(spec: dict, field: str, words: str) -> None:
    data = json.loads(json.dumps(BASE))
    data["variables"]["n"] = spec
    with pytest.raises(DreamFileError) as err:
        loads_dreamscape(json.dumps(data))
    lines = err.value.lines()
    assert any(field in line and words in line for line in lines), lines
