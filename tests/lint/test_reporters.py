"""Text lines, JSON and SARIF 2.1.0 output."""

from __future__ import annotations

from pathlib import Path

from studio.io import save_dreamscape
from studio.lint import lint_dreamscape
from studio.lint.registry import load_rules
from studio.lint.reporters import (
    finding_line,
    json_document,
    sarif_document,
    score_line,
    statistics,
    text_lines,
)

from .builders import healthy


def _report(tmp_path: Path):
    ds = healthy()
    ds.node("garden").intensity = 0.9
    ds.node("garden").text = "Don't leave now."
    ds.node("garden").lint_ignore = {"INT003": "the storm ends the dream by design"}
    path = tmp_path / "storm.dream"
    save_dreamscape(ds, path)
    return str(path), lint_dreamscape(ds, dreamers=200)


def test_text_lines(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    lines = text_lines(path, report)
    text = Path(path).read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if '"id": "garden"' in t)
    column = text[line - 1].index('"id"') + 1
    assert lines[0] == (
        f"{path}:{line}:{column}: SOC003 [warning] 'garden' pressures the dreamer to stay "
        "or return: \"don't leave\" (node 'garden')"
    )
    assert lines[-1] == f"{path}: escapism risk 8/100 (low) — published: allowed"
    shown = text_lines(path, report, show_suppressed=True)
    assert any("INT003" in line and "(suppressed: the storm ends" in line for line in shown)
    assert score_line(path, report) == lines[-1]


def test_dreamscape_wide_findings_point_at_the_file_start() -> None:
    from studio.lint import Finding

    finding = Finding("DS001", "entry-count", "error", "no entry node")
    assert finding_line("a.dream", finding) == "a.dream:1:1: DS001 [error] no entry node"


def test_json_document(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    doc = json_document([(path, report)])
    (entry,) = doc["files"]
    assert {"path", "score", "band", "blocked", "findings", "ledger"} <= set(entry)
    assert entry["path"] == path and entry["score"] == 8 and entry["blocked"] is False
    codes = {f["code"]: f for f in entry["findings"]}
    assert codes["INT003"]["suppressed"] and codes["INT003"]["reason"].startswith("the storm")
    assert entry["ledger"] == [
        {
            "code": "SOC003",
            "nodes": ["garden"],
            "edges": [],
            "points": 8.0,
            "severity": "warning",
            "message": codes["SOC003"]["message"],
            "fatal": False,
        }
    ]


def test_sarif_structure(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    rules = load_rules().rules
    doc = sarif_document([(path, report)], rules)
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dreamstudio"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and len(ids) == 27
    ext005 = driver["rules"][ids.index("EXT005")]
    assert ext005["name"] == "exit-asymmetry" and "Mathur" in ext005["help"]["text"]
    assert ext005["defaultConfiguration"]["level"] == "warning"
    assert driver["rules"][ids.index("SOC004")]["defaultConfiguration"]["level"] == "note"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    soc = by_rule["SOC003"]
    assert soc["level"] == "warning" and ids[soc["ruleIndex"]] == "SOC003"
    location = soc["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == Path(path).as_uri()
    text = Path(path).read_text().splitlines()
    line = location["physicalLocation"]["region"]["startLine"]
    assert '"id": "garden"' in text[line - 1]
    assert location["logicalLocations"][0]["name"] == "garden"
    assert "suppressions" not in soc
    suppressed = by_rule["INT003"]
    assert suppressed["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "the storm ends the dream by design",
        }
    ]
    assert {loc["name"] for loc in suppressed["locations"][0]["logicalLocations"]} == {
        "garden",
        "wake",
        "e4",
    }


def test_statistics_counts_unsuppressed_findings_per_code(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    stats = statistics([(path, report), (path, report)])
    assert stats == [
        {
            "code": "SOC003",
            "name": "implied-obligation",
            "severity": "warning",
            "count": 2,
            "fixable": 0,
            "points": 16.0,
        }
    ]


def test_rules_doc_is_generated_from_the_registry() -> None:
    from studio.lint.reporters.rules_doc import rules_markdown

    shipped = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text()
    rules = [r for r in load_rules().rules if r.plugin in ("core", "ethics")]
    assert shipped == rules_markdown(rules), "regenerate: dreamstudio rules --format markdown"
    for rule in rules:
        assert f"\n## {rule.code}\n" in shipped


def test_positions_come_from_the_files_own_text_when_not_canonical(tmp_path: Path) -> None:
    import json

    from studio.lint.reporters import source_map

    path, report = _report(tmp_path)
    minified = json.dumps(json.loads(Path(path).read_text()), separators=(",", ":"))
    spans = source_map(minified)
    garden = spans.nodes["garden"]
    assert garden.start_line == garden.end_line == 1
    assert minified[garden.start_offset :].startswith('"id":"garden"')
    assert minified[garden.end_offset - 1] == "}"
    assert set(spans.edges) == {"e1", "e2", "e3", "e4"}
    assert source_map("{not json").nodes == {}
