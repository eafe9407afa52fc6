"""SARIF for GitHub code scanning: valid against the bundled 2.1.0 schema, percent-encoded
relative URIs, full regions, stable fingerprints, help links, tags, fixes, suppressions and
code flows — on a path with a space and an accented letter."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from studio.io import loads_dreamscape, save_dreamscape
from studio.lint import Finding, lint_dreamscape
from studio.lint.registry import load_rules
from studio.lint.reporters import file_result, sarif_document
from studio.lint.reporters.sarif import FINGERPRINT_KEY, artifact_location

from .builders import healthy

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _design():
    ds = healthy()
    ds.node("garden").text = "Don't leave now."
    ds.node("garden").intensity = 0.9
    ds.node("garden").lint_ignore = {"INT003": "the storm ends the dream by design"}
    ds.node("mae").lint_ignore = {"RWD001": "no reward loop here"}  # unused: DS006 with a fix
    return ds


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout whose design lives in `Rêves de Mae/` (space and accent); cwd = its root."""
    folder = tmp_path / "Rêves de Mae"
    folder.mkdir()
    path = folder / "jardin été.dream"
    save_dreamscape(_design(), path)
    monkeypatch.chdir(tmp_path)
    return Path("Rêves de Mae") / "jardin été.dream"


def _sarif(path: Path, **kwargs: Any) -> dict[str, Any]:
    ds = loads_dreamscape(path.read_text(encoding="utf-8"), path)
    ds.path = path
    report = lint_dreamscape(ds, dreamers=200)
    return sarif_document([file_result(str(path), report)], load_rules().rules, **kwargs)


def _by_rule(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in doc["runs"][0]["results"]}


def test_valid_against_the_sarif_2_1_0_schema(project: Path) -> None:
    doc = _sarif(project)
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    assert {"SOC003", "INT003", "DS006"} <= set(_by_rule(doc))


def test_uri_is_relative_percent_encoded_under_srcroot(project: Path) -> None:
    doc = _sarif(project)
    run = doc["runs"][0]
    location = _by_rule(doc)["SOC003"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "R%C3%AAves%20de%20Mae/jardin%20%C3%A9t%C3%A9.dream",
        "uriBaseId": "%SRCROOT%",
    }
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert run["artifacts"][0]["location"] == location["artifactLocation"]


def test_outside_the_root_a_file_uri(tmp_path: Path) -> None:
    other = tmp_path / "a b" / "x.dream"
    loc = artifact_location(str(other), root=tmp_path / "elsewhere")
    assert loc == {"uri": other.as_uri()} and "%20" in loc["uri"]


def test_region_has_start_and_end_line_and_column(project: Path) -> None:
    lines = project.read_text(encoding="utf-8").splitlines()
    region = _by_rule(_sarif(project))["SOC003"]["locations"][0]["physicalLocation"]["region"]
    assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    first = lines[region["startLine"] - 1]
    assert first[region["startColumn"] - 1 :].startswith('"id": "garden"')
    last = lines[region["endLine"] - 1]
    assert last[: region["endColumn"] - 1].endswith("}")
    assert region["endLine"] > region["startLine"]


def _fingerprints(path: Path) -> dict[str, str]:
    return {
        code: r["partialFingerprints"][FINGERPRINT_KEY]
        for code, r in _by_rule(_sarif(path)).items()
    }


def test_fingerprints_survive_unrelated_edits_and_follow_related_ones(project: Path) -> None:
    before = _fingerprints(project)
    ds = loads_dreamscape(project.read_text(encoding="utf-8"))
    ds.node("lantern").title = "The lantern, relit"  # another scene
    ds.node("garden").x += 140  # the card moved on the canvas
    save_dreamscape(ds, project)
    after = _fingerprints(project)
    assert after["SOC003"] == before["SOC003"]
    ds.node("garden").text = "Don't leave now, please."  # what SOC003 is about
    save_dreamscape(ds, project)
    assert _fingerprints(project)["SOC003"] != before["SOC003"]


def test_rules_carry_help_uri_tags_and_security_severity(project: Path) -> None:
    rules = {r["id"]: r for r in _sarif(project)["runs"][0]["tool"]["driver"]["rules"]}
    ext002 = rules["EXT002"]
    assert ext002["helpUri"].endswith("docs/rules.md#ext002")
    assert ext002["properties"]["security-severity"] == "9.5"  # fatal: critical on GitHub
    assert {"ethics", "EXT", "security", "fatal"} <= set(ext002["properties"]["tags"])
    assert rules["SOC004"]["properties"]["security-severity"] == "2.0"
    assert rules["DS001"]["properties"]["tags"][0] == "structure"
    for rule in rules.values():
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
        assert rule["help"]["markdown"].startswith(f"**{rule['id']} ")


def test_automatic_fix_is_a_sarif_fix_that_applies(project: Path) -> None:
    ds006 = _by_rule(_sarif(project))["DS006"]
    (fix,) = ds006["fixes"]
    assert "unused suppression" in fix["description"]["text"]
    (change,) = fix["artifactChanges"]
    text = project.read_text(encoding="utf-8")
    for rep in sorted(change["replacements"], key=lambda r: -r["deletedRegion"]["charOffset"]):
        start = rep["deletedRegion"]["charOffset"]
        text = (
            text[:start]
            + rep["insertedContent"]["text"]
            + text[start + rep["deletedRegion"]["charLength"] :]
        )
    fixed = loads_dreamscape(text)
    assert fixed.node("mae").lint_ignore == {} and fixed.node("garden").lint_ignore


def test_suppressed_findings_are_marked_or_left_out(project: Path) -> None:
    kept = _by_rule(_sarif(project))["INT003"]
    assert kept["suppressions"][0]["kind"] == "inSource"
    assert kept["suppressions"][0]["status"] == "accepted"
    without = _sarif(project, suppressed=False)
    assert "INT003" not in _by_rule(without)
    assert all("suppressions" not in r for r in without["runs"][0]["results"])


@dataclass(frozen=True)
class Step:
    """A witness step as the analysis gives it (local double until Finding.witness lands)."""

    scene: str
    edge: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    choice: str | None = None


@dataclass
class WitnessFinding(Finding):
    witness: tuple[Step, ...] | None = None


def test_witness_path_becomes_a_code_flow(project: Path) -> None:
    ds = loads_dreamscape(project.read_text(encoding="utf-8"))
    report = lint_dreamscape(ds, dreamers=200)
    trap = WitnessFinding(
        "EXT002",
        "exit-trap",
        "error",
        "closed loop with no way out: 'garden'",
        nodes=("garden",),
        fatal=True,
        witness=(
            Step("onset", values={"courage": 0}),
            Step("lantern", "e1", {"courage": 1}, choice="follow the light"),
            Step("garden", "e3", {"courage": 1}),
        ),
    )
    report.findings.append(trap)
    doc = sarif_document([file_result(str(project), report)], load_rules().rules)
    assert list(VALIDATOR.iter_errors(doc)) == []
    (flow,) = _by_rule(doc)["EXT002"]["codeFlows"]
    steps = flow["threadFlows"][0]["locations"]
    assert [s["location"]["message"]["text"] for s in steps] == [
        "scene 'onset' — courage=0",
        "scene 'lantern' via 'e1' (choice: follow the light) — courage=1",
        "scene 'garden' via 'e3' — courage=1",
    ]
    assert steps[1]["state"] == {"courage": {"text": "1"}}
    lines = project.read_text(encoding="utf-8").splitlines()
    start = steps[2]["location"]["physicalLocation"]["region"]["startLine"]
    assert '"id": "garden"' in lines[start - 1]


def test_what_github_code_scanning_requires(project: Path) -> None:
    """Beyond the schema: GitHub needs a driver name and rules with unique ids, and every
    result a ruleId among them, a message text and a located physical location."""
    run = _sarif(project)["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert run["tool"]["driver"]["name"] and len(ids) == len(set(ids))
    for result in run["results"]:
        assert result["ruleId"] in ids and ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["region"]["startLine"] >= 1
        assert " " not in physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uri"].isascii()
        assert result["partialFingerprints"][FINGERPRINT_KEY]
