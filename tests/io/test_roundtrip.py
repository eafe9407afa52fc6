"""Canonical writing: byte-identical round trips, unknown keys kept, writer paths agree."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.io import (
    DreamFileError,
    canonical_json,
    content_hash,
    dreamscape_to_data,
    dumps_dreamscape,
    load_dreamscape,
    loads_dreamscape,
    save_dreamscape,
)
from studio.model.elements import Edge, Node
from studio.model.ops import UpdateEdge, UpdateNode
from tests.bench.generate import generate_dreamscape
from tests.conftest import EXAMPLES

from .conftest import valid_data

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.dream"))


def test_examples_exist() -> None:
    names = {p.name for p in EXAMPLE_FILES}
    assert {"elis-dreamgame.dream", "reality-somnos.dream", "maes-garden.dream"} <= names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_example_round_trips_byte_identical(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    ds = load_dreamscape(path)
    assert len(ds.nodes) >= 25 and ds.variables
    assert any(e.condition for e in ds.edges), "conditions are used for real"
    assert dumps_dreamscape(ds).encode("utf-8") == original
    out = save_dreamscape(ds, tmp_path / path.name)
    assert out.read_bytes() == original
    assert content_hash(load_dreamscape(out)) == content_hash(ds)
    # the fast writer and the general one agree, and both equal the standard library's output
    data = dreamscape_to_data(ds)
    assert canonical_json(data).encode("utf-8") == original
    assert (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8") == original


def _with_unknown_keys() -> dict:
    data = valid_data()
    data["x_studio"] = {"zoom": 1.5, "open_panels": ["lint", "preview"]}
    data["meta"]["x_license"] = "CC-BY"
    data["night"]["x_chronotype"] = "owl"
    data["variables"]["courage"]["x_doc"] = "grows at the pier"
    data["nodes"][1]["x_color"] = "#ff00aa"
    data["nodes"][1]["x_nested"] = {"a": [1, {"b": None}], "c": True}
    data["edges"][0]["x_curve"] = [0.1, 0.2]
    data["groups"][0]["x_collapsed"] = True
    data["lint"]["rules"] = {"EXT003": {"warning": 5, "error": 9}}
    return data


def test_unknown_keys_survive_the_round_trip() -> None:
    data = _with_unknown_keys()
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    ds = loads_dreamscape(text)
    assert ds.node("pier").extra == {
        "x_color": "#ff00aa",
        "x_nested": {"a": [1, {"b": None}], "c": True},
    }
    assert ds.meta.extra == {"x_license": "CC-BY"}
    out = dumps_dreamscape(ds)
    assert out == text
    # and they survive edits of the known fields
    UpdateNode("pier", {"title": "Mae at the lighthouse"}).apply(ds)
    again = json.loads(dumps_dreamscape(ds))
    assert again["nodes"][1]["x_nested"] == data["nodes"][1]["x_nested"]
    assert again["lint"]["rules"] == data["lint"]["rules"]
    assert again["x_studio"] == data["x_studio"]


def test_non_canonical_file_becomes_canonical_and_stays() -> None:
    data = valid_data()
    text = json.dumps(data)  # one line, no trailing newline
    first = dumps_dreamscape(loads_dreamscape(text))
    assert first != text and first.endswith("}\n")
    assert dumps_dreamscape(loads_dreamscape(first)) == first


def test_fast_writer_matches_general_writer_on_unusual_elements() -> None:
    ds = generate_dreamscape(40, seed=5, variables=4)
    n0, n1, n2 = ds.nodes[1], ds.nodes[2], ds.nodes[3]
    n0.lint_ignore = {"INT001": "reviewed by Dr. Lorne"}
    n0.extra = {"x_color": "#abc", "id": "shadowed keys are never written twice"}
    n1.tags = ["loot", "é\u2028"]
    n1.title = 'Eli\'s "arena"\t\\ ✨'
    n2.minutes = np.float64(2.5)
    n2.x = np.int64(42)
    n2.reward = True  # a bool is written as JSON true, exactly like the general writer
    e0 = ds.edges[0]
    e0.lint_ignore = {"EXT005": "the exit is one step away"}
    e0.extra = {"x_curve": [0.5, {"k": None}]}
    ds.edges[1].condition = "   "
    ds.edges[2].weight = np.float32(0.5)
    fast = dumps_dreamscape(ds)
    assert fast == canonical_json(dreamscape_to_data(ds))
    parsed = json.loads(fast)
    assert parsed["edges"][1]["condition"] is None
    assert parsed["nodes"][3]["x"] == 42 and parsed["nodes"][3]["minutes"] == 2.5
    assert parsed["nodes"][1]["x_color"] == "#abc"
    assert parsed["nodes"][1]["id"] == n0.id


def test_non_finite_numbers_are_refused_not_written() -> None:
    ds = generate_dreamscape(5, seed=1)
    UpdateNode(ds.nodes[1].id, {"x": float("nan")}).apply(ds)
    with pytest.raises(ValueError, match="nan"):
        dumps_dreamscape(ds)
    UpdateNode(ds.nodes[1].id, {"x": 1.0}).apply(ds)
    UpdateEdge(ds.edges[0].id, {"weight": float("inf")}).apply(ds)
    with pytest.raises(ValueError, match="inf"):
        dumps_dreamscape(ds)


def test_lone_surrogates_are_refused_at_load() -> None:
    """Issue 18: a lone surrogate once loaded and round-tripped, then broke `library add` and
    `export` (UTF-8 cannot carry it); the loader now names the field instead."""
    data = valid_data()
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    text = text.replace('"Mae waves."', '"Mae waves \\ud83d."')
    with pytest.raises(DreamFileError) as info:
        loads_dreamscape(text)
    pier = next(i for i, n in enumerate(data["nodes"]) if n["id"] == "pier")
    assert [str(i) for i in info.value.issues] == [
        f"nodes[{pier}].text: text holds a lone surrogate (\\ud83d), which cannot be stored"
    ]


def test_writer_handles_an_empty_document() -> None:
    from studio.model import Dreamscape

    ds = Dreamscape()
    text = dumps_dreamscape(ds)
    assert '"nodes": [],' in text and '"edges": [],' in text
    assert dumps_dreamscape(loads_dreamscape(text)) == text


def test_large_generated_document_round_trips() -> None:
    ds = generate_dreamscape(600, seed=11)
    text = dumps_dreamscape(ds)
    assert text == json.dumps(dreamscape_to_data(ds), indent=2, ensure_ascii=False) + "\n"
    assert dumps_dreamscape(loads_dreamscape(text)) == text


def test_element_helpers() -> None:
    from studio.io import edge_to_data, node_to_data

    assert "lint_ignore" not in node_to_data(Node("a"))
    assert node_to_data(Node("a", "reward"))["kind"] == "reward"
    data = edge_to_data(Edge("e", "a", "b", condition=""))
    assert data["from"] == "a" and data["to"] == "b" and data["condition"] is None
