"""The published JSON Schema of `.dream` files: examples validate, held-back bad files fail
it (and the loader), its ranges are the loader's, and the shipped copies are current."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from studio.io import DreamFileError, load_dreamscape, loads_dreamscape
from studio.io.dream_schema import NUMBER_RANGES, dream_schema
from tests.conftest import EXAMPLES, ROOT

BAD = sorted((Path(__file__).parent / "data" / "bad").glob("*.dream"))
VALIDATOR = jsonschema.Draft202012Validator(dream_schema())


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(dream_schema())


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.dream")), ids=lambda p: p.name)
def test_every_example_validates(path: Path) -> None:
    assert list(VALIDATOR.iter_errors(json.loads(path.read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_every_held_back_bad_file_fails_the_schema_and_the_loader(path: Path) -> None:
    assert list(VALIDATOR.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    with pytest.raises(DreamFileError):
        load_dreamscape(path)


def _doc(where: str, name: str, value: float) -> dict:
    data = json.loads((EXAMPLES / "maes-garden.dream").read_text(encoding="utf-8"))
    target = {"night": data["night"], "node": data["nodes"][1], "edge": data["edges"][0]}[where]
    target[name] = value
    return data


@pytest.mark.parametrize("key", sorted(NUMBER_RANGES), ids=lambda k: ".".join(k))
def test_ranges_and_defaults_match_the_loader(key: tuple[str, str]) -> None:
    where, name = key
    default, low, high, low_open = NUMBER_RANGES[key]
    for bound, inside in ((low, not low_open), (high, True)):
        if bound is None:
            continue
        doc = _doc(where, name, bound)
        schema_ok = not list(VALIDATOR.iter_errors(doc))
        try:
            loads_dreamscape(json.dumps(doc))
            loader_ok = True
        except DreamFileError:
            loader_ok = False
        assert schema_ok == loader_ok == inside, (key, bound)
        outside = _doc(where, name, bound + (1 if bound == high else -1))
        assert list(VALIDATOR.iter_errors(outside))
        with pytest.raises(DreamFileError):
            loads_dreamscape(json.dumps(outside))
    data = _doc(where, name, 0)
    target = {"night": data["night"], "node": data["nodes"][1], "edge": data["edges"][0]}[where]
    del target[name]
    ds = loads_dreamscape(json.dumps(data))
    element = {"night": ds.night, "node": ds.nodes[1], "edge": ds.edges[0]}[where]
    expected = default if (where, name) != ("node", "reward") or ds.nodes[1].kind != "reward" else 1
    assert getattr(element, name) == expected


def test_shipped_schema_files_are_current() -> None:
    from studio.cli.cmd_tools import schema_text

    text = schema_text()
    assert (ROOT / "docs" / "schema" / "dream.schema.json").read_text(encoding="utf-8") == text
    assert (ROOT / "studio" / "io" / "dream.schema.json").read_text(encoding="utf-8") == text
