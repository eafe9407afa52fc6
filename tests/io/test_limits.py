"""Limits of the format: numbers too small for the numerics and text the library cannot
store are refused at load, by field path (issue 18, defects 1 and 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import DreamFileError, loads_dreamscape

from .conftest import valid_text


def _variant(change: str, value: object) -> str:
    data = json.loads(valid_text())
    where, key = change.rsplit(".", 1)
    target: object = data
    for part in where.split("."):
        target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
    target[key] = value  # type: ignore[index]
    return json.dumps(data)


def _issues(text: str) -> list[str]:
    with pytest.raises(DreamFileError) as info:
        loads_dreamscape(text, "bay.dream")
    return [str(issue) for issue in info.value.issues]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nodes.1.minutes", 1e-310, "nodes[1].minutes: 1e-310 is out of range (must be >= 0.001)"),
        ("nodes.1.minutes", 0.0001, "nodes[1].minutes: 0.0001 is out of range (must be >= 0.001)"),
        (
            "edges.0.weight",
            5e-324,
            "edges[0].weight: 4.94066e-324 is out of range (must be >= 1e-06)",
        ),
    ],
)
def test_numbers_below_the_format_bounds_are_refused_by_field(
    field: str, value: float, message: str
) -> None:
    assert _issues(_variant(field, value)) == [message]


def test_the_bounds_themselves_load() -> None:
    text = _variant("nodes.1.minutes", 0.001)
    ds = loads_dreamscape(_variant("edges.0.weight", 1e-6))
    assert loads_dreamscape(text).nodes[1].minutes == 0.001
    assert ds.edges[0].weight == 1e-6


def test_lone_surrogates_and_nul_are_refused_by_field() -> None:
    data = json.loads(valid_text())
    data["meta"]["title"] = "Lantern \ud800Bay"
    data["nodes"][0]["text"] = "a\x00b"
    data["odd\udc80"] = 1
    raw = json.dumps(data)  # ensure_ascii: every odd code point becomes a \u escape
    assert sorted(_issues(raw)) == [
        '["odd\\udc80"]: text holds a lone surrogate (\\udc80), which cannot be stored',
        "meta.title: text holds a lone surrogate (\\ud800), which cannot be stored",
        "nodes[0].text: text holds a NUL character (\\u0000), which cannot be stored",
    ]


def test_surrogate_pairs_are_ordinary_text() -> None:
    text = _variant("meta.title", "kite \U0001fa81")
    assert loads_dreamscape(text).meta.title == "kite \U0001fa81"


def test_a_surrogate_title_stops_at_validate_not_in_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bay.dream"
    path.write_text(_variant("meta.title", "Bay \ud800"), encoding="utf-8")
    for argv in (
        ["validate", str(path)],
        ["library", "--library", str(tmp_path / "l.db"), "add", str(path)],
    ):
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert "meta.title: text holds a lone surrogate" in err
    assert "Traceback" not in err
