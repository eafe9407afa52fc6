"""Every class of problem in a .dream file is reported at its field path, all of them at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from studio.io import dreamscape_from_data, loads_dreamscape

from .conftest import issues_of, valid_data, valid_text

Data = dict[str, Any]


def _set(path: list[Any], value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


# (name, mutation, expected path, a fragment of the message)
CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    (
        "unknown node in edge to",
        _set(["edges", 1, "to"], "pier2"),
        "edges[1].to",
        "unknown node 'pier2'",
    ),
    (
        "unknown node in edge from",
        _set(["edges", 0, "from"], "dock"),
        "edges[0].from",
        "unknown node 'dock'",
    ),
    (
        "duplicate node id",
        _set(["nodes", 2, "id"], "pier"),
        "nodes[2].id",
        "duplicate node id 'pier'",
    ),
    ("duplicate edge id", _set(["edges", 1, "id"], "e1"), "edges[1].id", "duplicate edge id"),
    (
        "edge id used by node",
        _set(["edges", 1, "id"], "pier"),
        "edges[1].id",
        "already used by a node",
    ),
    ("bad node id", _set(["nodes", 1, "id"], "9 pier"), "nodes[1].id", "invalid id"),
    ("too long id", _set(["nodes", 1, "id"], "p" * 65), "nodes[1].id", "at most 64"),
    ("bad edge id", _set(["edges", 0, "id"], "e 1"), "edges[0].id", "invalid id"),
    (
        "intensity out of range",
        _set(["nodes", 1, "intensity"], 1.5),
        "nodes[1].intensity",
        "out of range",
    ),
    ("valence out of range", _set(["nodes", 1, "valence"], -2), "nodes[1].valence", "out of range"),
    ("minutes not positive", _set(["nodes", 1, "minutes"], 0), "nodes[1].minutes", "out of range"),
    ("reward out of range", _set(["nodes", 1, "reward"], 3), "nodes[1].reward", "out of range"),
    ("weight not positive", _set(["edges", 0, "weight"], 0), "edges[0].weight", "out of range"),
    (
        "cycle minutes not positive",
        _set(["night", "cycle_minutes"], 0),
        "night.cycle_minutes",
        "out of range",
    ),
    (
        "rem longer than cycle",
        _set(["night", "rem_minutes"], [10, 95]),
        "night.rem_minutes[1]",
        "longer than",
    ),
    ("lint threshold", _set(["lint", "threshold"], 120), "lint.threshold", "between 0 and 100"),
    ("bad kind", _set(["nodes", 1, "kind"], "dungeon"), "nodes[1].kind", "unknown kind 'dungeon'"),
    ("bad audience", _set(["meta", "audience"], "toddler"), "meta.audience", "unknown audience"),
    (
        "bad expression",
        _set(["edges", 0, "condition"], "courage >= 1 and met_mae.x"),
        "edges[0].condition",
        "column 25: attribute access not allowed",
    ),
    (
        "bad effect expression",
        _set(["nodes", 0, "effects", "courage"], "courage ** 2"),
        "nodes[0].effects.courage",
        "column 9: operator '**'",
    ),
    (
        "undeclared variable in condition",
        _set(["edges", 0, "condition"], "bravery > 1"),
        "edges[0].condition",
        "undeclared variable 'bravery'",
    ),
    (
        "undeclared variable in effect value",
        _set(["edges", 0, "effects"], {"met_mae": "seen"}),
        "edges[0].effects.met_mae",
        "undeclared variable 'seen'",
    ),
    (
        "assigns undeclared variable",
        _set(["nodes", 1, "effects"], {"hope": "1"}),
        "nodes[1].effects.hope",
        "assigns undeclared variable 'hope'",
    ),
    ("wrong type text", _set(["nodes", 1, "title"], 5), "nodes[1].title", "expected text"),
    (
        "wrong type number",
        _set(["nodes", 1, "minutes"], "five"),
        "nodes[1].minutes",
        "expected a number",
    ),
    (
        "bool is not a number",
        _set(["edges", 0, "weight"], True),
        "edges[0].weight",
        "expected a number",
    ),
    ("wrong type list", _set(["nodes", 1, "tags"], "calm"), "nodes[1].tags", "expected a list"),
    (
        "wrong type list item",
        _set(["nodes", 1, "assets"], ["a.png", 3]),
        "nodes[1].assets[1]",
        "expected text",
    ),
    (
        "wrong type condition",
        _set(["edges", 0, "condition"], 5),
        "edges[0].condition",
        "expected an expression",
    ),
    (
        "wrong type effects",
        _set(["edges", 0, "effects"], ["x"]),
        "edges[0].effects",
        "expected an object",
    ),
    ("wrong type node", _set(["nodes", 1], "pier"), "nodes[1]", "expected an object"),
    ("wrong type nodes", _set(["nodes"], {"a": 1}), "nodes", "expected a list"),
    ("wrong type meta", _set(["meta"], []), "meta", "expected an object"),
    (
        "wrong variable type",
        _set(["variables", "courage", "type"], "string"),
        "variables.courage.type",
        "unknown type",
    ),
    (
        "wrong variable initial",
        _set(["variables", "met_mae", "initial"], 1),
        "variables.met_mae.initial",
        "expected true or false",
    ),
    (
        "float initial for int",
        _set(["variables", "courage", "initial"], 1.5),
        "variables.courage.initial",
        "whole number",
    ),
    (
        "bad variable name",
        _set(["variables", "9lives"], {"type": "int"}),
        "variables.9lives",
        "invalid variable name",
    ),
    (
        "reserved variable name",
        _set(["variables", "min"], {"type": "int"}),
        "variables.min",
        "reserved",
    ),
    ("dash in variable name", _set(["variables", "a-b"], {"type": "int"}), "variables.a-b", "'-'"),
    ("unsupported version", _set(["version"], 2), "version", "unsupported version 2"),
    ("bad version", _set(["version"], "1"), "version", "positive whole number"),
    ("missing version", _delete(["version"]), "version", "missing"),
    ("wrong format", _set(["format"], "story"), "format", 'expected "dreamscape"'),
    ("missing node id", _delete(["nodes", 1, "id"]), "nodes[1].id", "missing"),
    ("missing node kind", _delete(["nodes", 1, "kind"]), "nodes[1].kind", "missing"),
    ("missing edge id", _delete(["edges", 1, "id"]), "edges[1].id", "missing"),
    ("missing edge end", _delete(["edges", 1, "to"]), "edges[1].to", "missing"),
    (
        "suppression without reason",
        _set(["nodes", 0, "lint_ignore"], {"INT001": ""}),
        "nodes[0].lint_ignore.INT001",
        "non-empty reason",
    ),
    (
        "suppression blank reason",
        _set(["edges", 0, "lint_ignore"], {"EXT005": "   "}),
        "edges[0].lint_ignore.EXT005",
        "non-empty reason",
    ),
    (
        "suppression wrong type",
        _set(["edges", 0, "lint_ignore"], ["EXT005"]),
        "edges[0].lint_ignore",
        "expected an object",
    ),
    (
        "group unknown node",
        _set(["groups", 0, "nodes"], ["onset", "attic"]),
        "groups[0].nodes[1]",
        "unknown node 'attic'",
    ),
    (
        "group duplicate id",
        _set(["groups"], [{"id": "g1"}, {"id": "g1"}]),
        "groups[1].id",
        "duplicate group id",
    ),
    ("group bad colour", _set(["groups", 0, "color"], "blue"), "groups[0].color", "colour"),
    ("lint select wrong type", _set(["lint", "select"], "ALL"), "lint.select", "rule codes"),
]


@pytest.mark.parametrize(("name", "mutate", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_located(
    name: str, mutate: Callable[[Data], None], path: str, fragment: str
) -> None:
    data = valid_data()
    mutate(data)
    issues = issues_of(data)
    assert any(p == path and fragment in m for p, m in issues), issues
    # and the same through text, as the CLI sees it
    assert issues_of(text=json.dumps(data)) == issues


def test_every_problem_is_reported_not_just_the_first() -> None:
    data = valid_data()
    # Keep mutations that do not hide each other (a file with a bad version stops early).
    skip = {
        "unsupported version",
        "bad version",
        "missing version",
        "wrong type nodes",
        "wrong type node",
        "wrong type meta",
        "duplicate node id",
        "bad node id",
        "too long id",
        "missing node id",
        "edge id used by node",
        "duplicate edge id",
        "missing edge id",
        "bad edge id",
        "undeclared variable in condition",
        "missing node kind",
        "wrong type condition",
        "unknown node in edge to",
        "missing edge end",
        "group duplicate id",
        "group unknown node",
        "wrong type effects",
        "suppression wrong type",
        "suppression blank reason",
        "wrong type number",
        "minutes not positive",
        "bool is not a number",
        "lint select wrong type",
        "wrong type list",
        "float initial for int",
        "undeclared variable in effect value",
    }
    chosen = [c for c in CASES if c[0] not in skip]
    for _, mutate, _, _ in chosen:
        mutate(data)
    issues = issues_of(data)
    for name, _, path, fragment in chosen:
        assert any(p == path and fragment in m for p, m in issues), (name, issues)
    assert len(issues) >= len(chosen)


def test_problems_in_nodes_with_bad_ids_are_still_reported() -> None:
    data = valid_data()
    data["nodes"][1]["id"] = "bad id"
    data["nodes"][1]["intensity"] = 7
    data["nodes"][2]["id"] = "onset"
    data["nodes"][2]["kind"] = "portal"
    issues = issues_of(data)
    paths = [p for p, _ in issues]
    assert "nodes[1].id" in paths and "nodes[1].intensity" in paths
    assert "nodes[2].id" in paths and "nodes[2].kind" in paths
    # edges into the dropped nodes are reported too
    assert ("edges[0].to", "unknown node 'pier'") in issues


def test_edge_problems_all_reported_for_one_edge() -> None:
    data = valid_data()
    data["edges"][0].update(
        {
            "id": "1",
            "from": "x",
            "to": 7,
            "weight": -1,
            "label": [],
            "condition": "a.b",
            "effects": {"hope": "1"},
        }
    )
    paths = [p for p, _ in issues_of(data)]
    for path in (
        "edges[0].id",
        "edges[0].from",
        "edges[0].to",
        "edges[0].weight",
        "edges[0].label",
        "edges[0].condition",
        "edges[0].effects.hope",
    ):
        assert path in paths


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"format": "dreamscape",\n  "version": 1,,\n}', 2, 16),
        ('{\n  "nodes": [\n    {"id": "a"}\n  ]\n', 5, 1),
        ("", 1, 1),
    ],
)
def test_invalid_json_reports_line_and_column(text: str, line: int, column: int) -> None:
    issues = issues_of(text=text)
    assert len(issues) == 1
    path, message = issues[0]
    assert path == ""
    assert f"line {line}, column {column}" in message


def test_nan_and_infinity_are_located_by_field() -> None:
    text = (
        valid_text()
        .replace('"minutes": 5', '"minutes": NaN')
        .replace(
            '"weight": 1.0,\n      "condition": null',
            '"weight": -Infinity,\n      "condition": null',
        )
    )
    issues = issues_of(text=text)
    assert issues == [
        ("nodes[1].minutes", "NaN is not valid JSON (write a number)"),
        ("edges[1].weight", "-Infinity is not valid JSON (write a number)"),
    ]


def test_not_utf8_and_not_an_object() -> None:
    assert "not UTF-8" in issues_of(text=b'{"format": "\xff"}')[0][1]
    assert "expected a JSON object" in issues_of(text="[1, 2]")[0][1]
    assert "expected a JSON object" in issues_of(data=None)[0][1]


def test_valid_file_loads_with_defaults() -> None:
    data = valid_data()
    del data["night"]
    del data["groups"]
    del data["lint"]
    data["nodes"].append({"id": "loot", "kind": "reward"})
    data["edges"].append({"id": "e3", "from": "pier", "to": "loot"})
    ds = dreamscape_from_data(data)
    loot = ds.node("loot")
    assert (loot.minutes, loot.intensity, loot.valence, loot.reward) == (5, 0.3, 0, 1)
    assert ds.edge("e3").weight == 1.0 and ds.edge("e3").condition is None
    assert ds.night.rem_minutes == [10, 15, 20, 25, 35]
    assert ds.lint == {"select": ["ALL"], "ignore": [], "threshold": 70}
    assert ds.entry is not None and ds.entry.id == "onset"
    assert loads_dreamscape(valid_text()).meta.audience == "teen"


def test_byte_order_mark_is_accepted() -> None:
    assert loads_dreamscape(b"\xef\xbb\xbf" + valid_text().encode()).meta.title == "Lantern Bay"


def test_migration_hook_upgrades_older_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.io import dream_format

    def v1_to_v2(data: Data) -> Data:
        for node in data["nodes"]:
            node["title"] = node.pop("name", node.get("title", ""))
        return data

    monkeypatch.setattr(dream_format, "CURRENT_VERSION", 2)
    monkeypatch.setitem(dream_format.MIGRATIONS, 1, v1_to_v2)
    data = valid_data()
    data["nodes"][1]["name"] = data["nodes"][1].pop("title")
    ds = dreamscape_from_data(data)
    assert ds.node("pier").title == "Mae at the pier"
    assert "name" not in ds.node("pier").extra
    data = valid_data()
    data["version"] = 3
    assert issues_of(data)[0][0] == "version"


def test_version_zero_and_bool_are_rejected() -> None:
    for version in (0, True, 1.0, None):
        data = valid_data()
        data["version"] = version
        assert issues_of(data)[0][0] == "version"
