"""Damaged files: any byte or JSON damage gives a valid load or located issues, never a crash.

A load that succeeds must also save (and save the same again after reloading), and the
fast well-formed path of the loader must agree exactly with the full checker.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.io import (
    DreamFileError,
    dream_format,
    dreamscape_from_data,
    dumps_dreamscape,
    load_dreamscape,
    loads_dreamscape,
)
from tests.bench.generate import generate_text
from tests.conftest import EXAMPLES

from .conftest import valid_text

SEEDS = {
    "small": valid_text(),
    "example": (EXAMPLES / "elis-dreamgame.dream").read_text(encoding="utf-8"),
    "generated": generate_text(30, seed=2, variables=4),
}
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_outcome(load: Any) -> None:
    """Either a document that saves stably, or a DreamFileError with located issues."""
    try:
        ds = load()
    except DreamFileError as exc:
        assert exc.issues
        for issue in exc.issues:
            assert isinstance(issue.path, str) and isinstance(issue.message, str)
            assert issue.message and "\n" not in issue.message
        assert all(line.startswith(f"{exc.source}: ") for line in exc.lines())
        return
    text = dumps_dreamscape(ds)
    text.encode("utf-8")
    assert dumps_dreamscape(loads_dreamscape(text)) == text


@FUZZ
@given(seed=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_byte_mutations_never_crash(seed: str, data: st.DataObject) -> None:
    raw = bytearray(SEEDS[seed].encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        pos = data.draw(st.integers(0, len(raw)), label="pos")
        action = data.draw(st.sampled_from(["replace", "insert", "delete", "dup"]))
        chunk = data.draw(
            st.one_of(
                st.binary(min_size=1, max_size=4),
                st.sampled_from(
                    [
                        b'"',
                        b",",
                        b"}",
                        b"]",
                        b"{",
                        b"[",
                        b":",
                        b"null",
                        b"-1",
                        b"1e999",
                        b"NaN",
                        b"\\u",
                        b"\\ud800",
                        b"\xff",
                        b"99999999999999999999",
                        b'"id"',
                        b"true",
                        b"0",
                        b"1" + b"0" * 400,
                        b"1e400",
                        b"\\udfff",
                        b"[" * 3000,
                    ]
                ),
            ),
            label="chunk",
        )
        if action == "replace":
            raw[pos : pos + len(chunk)] = chunk
        elif action == "insert":
            raw[pos:pos] = chunk
        elif action == "delete":
            del raw[pos : pos + len(chunk)]
        else:
            raw[pos:pos] = raw[max(0, pos - 40) : pos]
    _check_outcome(lambda: loads_dreamscape(bytes(raw), "fuzz.dream"))


TRICKY = st.sampled_from(
    [
        10**400,
        -(2**63),
        2**64,
        1e308,
        -0.0,
        5e-324,
        True,
        None,
        0,
        -1,
        "\ud800",
        "a\udfffb",
        "\x00",
        "Mae\u2028Eli",
        "x" * 300,
        "",
        " ",
        "entry",
        "exit",
        "reward",
        "courage + 1",
        "courage >= 2",
        "x.y",
        "onset",
        "pier",
        "e1",
        "#5b6ee1",
        [],
        {},
        ["onset"],
        {"courage": "1"},
        1e400,
        float("nan"),
    ]
).map(copy.deepcopy)
JSON_VALUES = TRICKY | st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "kind", "from", "to", "type", "initial", "courage", "x", "INT001"]
            )
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*here, i))
    return out


def _mutate(data: Any, draw: st.DataObject) -> Any:
    paths = _paths(data)
    path = draw.draw(st.sampled_from(paths), label="path")
    action = draw.draw(st.sampled_from(["set", "delete", "add_key"]), label="action")
    if not path:
        return draw.draw(JSON_VALUES) if action == "set" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if action == "set":
        parent[path[-1]] = draw.draw(JSON_VALUES, label="value")
    elif action == "delete":
        del parent[path[-1]]
    else:
        target = parent[path[-1]]
        if isinstance(target, dict):
            target[draw.draw(st.text(max_size=8), label="key")] = draw.draw(JSON_VALUES)
        elif isinstance(target, list):
            target.insert(draw.draw(st.integers(0, len(target))), draw.draw(JSON_VALUES))
    return data


@FUZZ
@given(seed=st.sampled_from(sorted(SEEDS)), draw=st.data())
def test_json_value_mutations_never_crash(seed: str, draw: st.DataObject) -> None:
    data = json.loads(SEEDS[seed])
    for _ in range(draw.draw(st.integers(1, 5), label="mutations")):
        data = _mutate(data, draw)
    snapshot = copy.deepcopy(data)
    _check_outcome(lambda: dreamscape_from_data(data, "fuzz.dream"))
    assert data == snapshot or _has_nan(snapshot), "validation must not modify its input"
    text = json.dumps(data, allow_nan=True)
    _check_outcome(lambda: loads_dreamscape(text, "fuzz.dream"))


def _has_nan(value: Any) -> bool:
    return any(isinstance(v, float) and v != v for _, v in _flat(value))


def _flat(value: Any) -> list[tuple[None, Any]]:
    return [(None, value)] + (
        [x for v in value.values() for x in _flat(v)]
        if isinstance(value, dict)
        else [x for v in value for x in _flat(v)]
        if isinstance(value, list)
        else []
    )


def _outcome(data: Any) -> tuple[str, Any]:
    try:
        return "ok", dumps_dreamscape(dreamscape_from_data(copy.deepcopy(data), "f.dream"))
    except DreamFileError as exc:
        return "error", [(i.path, i.message) for i in exc.issues]


@FUZZ
@given(seed=st.sampled_from(sorted(SEEDS)), draw=st.data())
def test_fast_path_agrees_with_full_checker(
    seed: str,
    draw: st.DataObject,
) -> None:
    data = json.loads(SEEDS[seed])
    for _ in range(draw.draw(st.integers(1, 4), label="mutations")):
        data = _mutate(data, draw)
    fast = _outcome(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dream_format, "_fast_node", lambda *a: None)
        mp.setattr(dream_format, "_fast_edge", lambda *a: None)
        slow = _outcome(data)
    assert fast == slow


def test_fast_path_is_taken_for_well_formed_files(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"node": 0, "edge": 0}
    real_node, real_edge = dream_format._check_node, dream_format._check_edge

    def count(kind: str, real: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            calls[kind] += 1
            return real(*args)

        return wrapper

    monkeypatch.setattr(dream_format, "_check_node", count("node", real_node))
    monkeypatch.setattr(dream_format, "_check_edge", count("edge", real_edge))
    for text in SEEDS.values():
        loads_dreamscape(text)
    assert calls == {"node": 0, "edge": 0}


# ------------------------------------------------------------ the whole pipeline
# Issue 18: every file that validates must also analyse, simulate, lint, fix, store,
# export and verify. Mutated files go through every command in-process; each must end
# with exit 0, 1 or 2, never an exception, and write only inside its work folder.
PIPELINE_EXAMPLES = int(os.environ.get("DREAMSTUDIO_FUZZ_EXAMPLES", "0")) or None
EDGE_NUMBERS = st.sampled_from(
    [0.001, 0.0011, 1e-6, 2**53, 9007199254740991.0, 0.5, 1, 0, 1e-310, 5e-324, 1e-7]
)
EDGE_EXPRESSIONS = st.sampled_from(
    [
        "v * v * v * v * v * v * v * v * v",
        "v >= 9007199254740992",
        "v / 0.000001 * 1000000000",
        "max(v, 2) * 9007199254740992",
        "min(v, 3) - 9007199254740992 * 9007199254740992",
        "v % 0",
        "-v * v",
        "true # and v >= 5",
        "0x10",
        "1_000",
    ]
)
EDGE_TEXTS = st.sampled_from(
    ["x" * 64, "Kites over the harbour \U0001fa81", "Mae\u2028Eli", "", "\ud800", "a\x00"]
)


def _valid_mutation(data: dict[str, Any], draw: st.DataObject) -> None:
    """A change that usually keeps the file valid, aimed at the numerics and the text."""
    var_type = draw.draw(st.sampled_from(["int", "float"]), label="v type")
    data.setdefault("variables", {})["v"] = {"type": var_type, "initial": 2}
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    target = draw.draw(st.sampled_from(["minutes", "weight", "effect", "condition", "title"]))
    if target == "minutes" and nodes:
        draw.draw(st.sampled_from(nodes))["minutes"] = draw.draw(EDGE_NUMBERS)
    elif target == "weight" and edges:
        draw.draw(st.sampled_from(edges))["weight"] = draw.draw(EDGE_NUMBERS)
    elif target == "effect" and edges:
        draw.draw(st.sampled_from(edges))["effects"] = {"v": draw.draw(EDGE_EXPRESSIONS)}
    elif target == "condition" and edges:
        draw.draw(st.sampled_from(edges))["condition"] = draw.draw(EDGE_EXPRESSIONS)
    else:
        data.setdefault("meta", {})["title"] = draw.draw(EDGE_TEXTS)


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def _preview_walk(path: Path, steps: int = 25) -> int:
    """The editor's preview on a file that loads: the first enabled choice, step by step."""
    from studio.sim import PlayEngine, PlayError

    try:
        ds = load_dreamscape(path)
        engine = PlayEngine(ds)
    except (DreamFileError, PlayError):
        return 2
    for _ in range(steps):
        enabled = [c for c in engine.choices() if c.enabled]
        if not enabled:
            break
        engine.take(enabled[-1].edge.id)
    return 0


def run_pipeline(raw: bytes, root: Path) -> list[tuple[str, int]]:
    """Every command on one file, in a work folder under `root`; (command, exit code) each."""
    from studio.cli.main import main

    work = root / "work"
    work.mkdir()
    dream, lib, pkg = work / "fuzz.dream", work / "lib.db", work / "fuzz.dreampkg"
    dream.write_bytes(raw)
    d, fl = str(dream), ["--dreamers", "40"]
    commands = [
        ["validate", d],
        ["info", d],
        ["format", "--check", d],
        ["analyze", d, "--format", "json"],
        ["simulate", d, *fl],
        ["lint", d, "--format", "sarif", *fl],
        ["lint", "--diff", d, *fl],
        ["lint", "--fix", d, *fl],
        ["library", "--library", str(lib), "add", d],
        ["library", "--library", str(lib), "show", d, "-o", str(work / "shown.dream")],
        ["export", d, "-o", str(pkg), "--library", str(lib), *fl],
        ["verify", str(pkg)],
        ["import", str(pkg), str(work / "shelf")],
        ["format", d],
    ]
    codes = [("preview", _preview_walk(dream))]
    for argv in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        assert code in (0, 1, 2), (argv, code, err.getvalue())
        assert "Traceback" not in err.getvalue(), argv
        codes.append((argv[0] if argv[0] != "library" else f"library {argv[3]}", code))
    return codes


def _pipeline_case(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        outside = root / "outside"
        outside.mkdir()
        cwd, library = os.getcwd(), os.environ.get("DREAMSTUDIO_LIBRARY")
        os.chdir(outside)  # anything written relative to the working folder lands here
        os.environ["DREAMSTUDIO_LIBRARY"] = str(root / "work" / "default.db")  # never the user's
        try:
            run_pipeline(raw, root)
        finally:
            os.chdir(cwd)
            if library is None:
                os.environ.pop("DREAMSTUDIO_LIBRARY", None)
            else:
                os.environ["DREAMSTUDIO_LIBRARY"] = library
        assert _tree(outside) == {}
        assert {p.name for p in root.iterdir()} == {"work", "outside"}


PIPELINE = settings(
    max_examples=PIPELINE_EXAMPLES or 6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _mutated_case(seed: str, draw: st.DataObject) -> None:
    data = json.loads(SEEDS[seed])
    for _ in range(draw.draw(st.integers(1, 2), label="mutations")):
        if draw.draw(st.booleans(), label="aimed"):
            _valid_mutation(data, draw)
        else:
            data = _mutate(data, draw)
    _pipeline_case(json.dumps(data, allow_nan=True).encode("utf-8"))


@PIPELINE
@given(seed=st.sampled_from(sorted(SEEDS)), draw=st.data())
def test_mutated_files_go_through_every_command(seed: str, draw: st.DataObject) -> None:
    _mutated_case(seed, draw)


@pytest.mark.fuzz
@settings(PIPELINE, max_examples=PIPELINE_EXAMPLES or 300)
@given(seed=st.sampled_from(sorted(SEEDS)), draw=st.data())
def test_mutated_files_go_through_every_command_at_length(seed: str, draw: st.DataObject) -> None:
    _mutated_case(seed, draw)
