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
    assert lines[0] == (
        f"{path}:garden: SOC003 [warning] 'garden' pressures the dreamer to stay "
        'or return: "don\'t leave"'
    )
    assert lines[-1] == f"{path}: escapism risk 8/100 (low) — published: allowed"
    shown = text_lines(path, report, show_suppressed=True)
    assert any("INT003" in line and "(suppressed: the storm ends" in line for line in shown)
    assert score_line(path, report) == lines[-1]


def test_dreamscape_wide_findings_have_no_id() -> None:
    from studio.lint import Finding

    finding = Finding("DS001", "entry-count", "error", "no entry node")
    assert finding_line("a.dream", finding) == "a.dream: DS001 [error] no entry node"


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
    assert location["physicalLocation"]["artifactLocation"]["uri"] == Path(path).as_posix()
    text = Path(path).read_text().splitlines()
    line = location["physicalLocation"]["region"]["startLine"]
    assert '"id": "garden"' in text[line - 1]
    assert location["logicalLocations"][0]["name"] == "garden"
    assert "suppressions" not in soc
    suppressed = by_rule["INT003"]
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "justification": "the storm ends the dream by design"}
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
