"""The structural DS rules: each with a graph that triggers it and a near miss that does not."""

from __future__ import annotations

from pathlib import Path

from studio.lint import apply_fixes, lint_dreamscape
from studio.model import Edge

from .builders import build, codes, found, healthy, node, run


def test_healthy_graph_has_no_findings() -> None:
    report = run(healthy())
    assert report.findings == []
    assert report.score == 0 and report.band == "none" and not report.blocked


def test_ds001_no_entry_and_two_entries() -> None:
    none = build([node("a"), node("wake", "exit")], [("a", "wake")])
    assert [f.message for f in found(none, "DS001")][0].startswith("no entry node")
    two = build(
        [node("a", "entry"), node("b", "entry"), node("wake", "exit")],
        [("a", "wake"), ("b", "wake")],
    )
    (finding,) = found(two, "DS001")
    assert finding.nodes == ("a", "b") and finding.severity == "error"
    assert found(healthy(), "DS001") == []


def test_ds001_without_entry_skips_graph_rules_with_a_note() -> None:
    ds = build([node("a"), node("wake", "exit")], [("a", "wake")])
    report = run(ds)
    assert "DS001" in codes(report)
    assert any("exactly one entry" in note for note in report.notes)
    assert report.blocked


def test_ds002_unreachable_node() -> None:
    ds = healthy()
    ds.insert_node(node("attic"))
    ds.insert_edge(Edge("e_attic", "attic", "wake"))
    (finding,) = found(ds, "DS002")
    assert finding.nodes == ("attic",)
    near = healthy()
    near.insert_node(node("attic"))
    near.insert_edge(Edge("e_in", "garden", "attic"))
    near.insert_edge(Edge("e_out", "attic", "wake"))
    assert found(near, "DS002") == []


def test_ds003_dead_end_with_suggested_connection() -> None:
    ds = healthy()
    ds.insert_node(node("cellar"))
    ds.insert_edge(Edge("e_cellar", "garden", "cellar"))
    (finding,) = found(ds, "DS003")
    assert finding.nodes == ("cellar",)
    assert finding.fix is not None and not finding.fix.automatic
    ops = finding.fix.make_ops(ds)
    assert len(ops) == 1
    ops[0].apply(ds)
    assert found(ds, "DS003") == []
    # The exit itself has no way on and is fine.
    assert found(healthy(), "DS003") == []


def test_ds004_undeclared_variables_and_bad_expressions() -> None:
    ds = build(
        [node("onset", "entry", effects={"courage": "courage + 1"}), node("wake", "exit")],
        [("onset", "wake", {"condition": "calm >= 1 and courage > 0"})],
        variables={"calm": ("int", 0)},
    )
    found_ = found(ds, "DS004")
    messages = " | ".join(f.message for f in found_)
    assert "assigns undeclared variable 'courage'" in messages
    assert "reads undeclared variable 'courage'" in messages
    assert "'calm'" not in messages
    assert {f.location for f in found_} == {"onset", "e1"}
    broken = build(
        [node("onset", "entry"), node("wake", "exit")],
        [("onset", "wake", {"condition": "calm >="})],
        variables={"calm": ("int", 0)},
    )
    assert "does not parse" in found(broken, "DS004")[0].message
    near = build(
        [node("onset", "entry", effects={"calm": "calm + 1"}), node("wake", "exit")],
        [("onset", "wake", {"condition": "calm >= 1"})],
        variables={"calm": ("int", 0)},
    )
    assert found(near, "DS004") == []


def test_ds005_missing_asset_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "bay.png").write_bytes(b"png")
    ds = healthy()
    ds.node("garden").assets = ["images/bay.png", "images/pier.png"]
    report = lint_dreamscape(ds, base_dir=tmp_path, dreamers=100)
    (finding,) = [f for f in report.findings if f.code == "DS005"]
    assert "images/pier.png" in finding.message and finding.nodes == ("garden",)
    ds.node("garden").assets = ["images/bay.png"]
    report = lint_dreamscape(ds, base_dir=tmp_path, dreamers=100)
    assert "DS005" not in codes(report)


def test_ds005_uses_the_files_folder(tmp_path: Path) -> None:
    ds = healthy()
    ds.node("garden").assets = ["pier.png"]
    ds.path = tmp_path / "bay.dream"
    assert [f.code for f in run(ds).findings] == ["DS005"]
    (tmp_path / "pier.png").write_bytes(b"png")
    assert run(ds).findings == []


def test_ds006_unused_node_suppression_and_its_fix() -> None:
    ds = healthy()
    ds.node("garden").lint_ignore = {"INT003": "the garden fades slowly on purpose"}
    report = run(ds)
    (finding,) = report.findings
    assert finding.code == "DS006" and finding.nodes == ("garden",)
    assert "INT003" in finding.message and finding.severity == "info"
    assert report.score == 2 and report.band == "low" and not report.blocked
    assert apply_fixes(ds, report) == [f"DS006: {finding.fix.description}"]
    assert ds.node("garden").lint_ignore == {}
    assert run(ds).findings == []


def test_ds006_used_suppression_is_not_reported() -> None:
    ds = healthy()
    ds.node("garden").intensity = 0.9
    ds.node("garden").lint_ignore = {"INT003": "the storm ends the dream by design"}
    report = run(ds)
    assert codes(report) == []
    (suppressed,) = report.suppressed
    assert suppressed.code == "INT003" and suppressed.reason == "the storm ends the dream by design"
    assert suppressed.points == 0 and report.score == 0


def test_ds006_edge_suppression() -> None:
    ds = healthy()
    ds.edge("e4").lint_ignore = {"SOC003": "no text on this edge needs it"}
    (finding,) = run(ds).findings
    assert finding.code == "DS006"
    assert finding.edges == ("e4",)
    finding.fix.make_ops(ds)[0].apply(ds)
    assert ds.edge("e4").lint_ignore == {}


def test_ds006_suppressing_a_fatal_rule_has_no_effect() -> None:
    ds = build(
        [node("onset", "entry"), node("loop_a"), node("loop_b"), node("wake", "exit")],
        [("onset", "loop_a"), ("onset", "wake"), ("loop_a", "loop_b"), ("loop_b", "loop_a")],
    )
    ds.node("loop_a").lint_ignore = {"EXT002": "the loop is part of the story"}
    report = run(ds)
    trap = [f for f in report.findings if f.code == "EXT002"]
    assert trap and not trap[0].suppressed and report.score == 100 and report.fatal
    (stale,) = [f for f in report.findings if f.code == "DS006"]
    assert "fatal" in stale.message and stale.nodes == ("loop_a",)


def test_ds006_unknown_code_is_reported_but_not_removed_automatically() -> None:
    ds = healthy()
    ds.node("garden").lint_ignore = {"XYZ001": "from a pack we no longer use"}
    (finding,) = found(ds, "DS006")
    assert "no known rule" in finding.message and not finding.fix.automatic


def test_ds006_not_reported_when_the_rule_did_not_run() -> None:
    ds = healthy()
    ds.node("garden").lint_ignore = {"INT003": "kept for later"}
    report = run(ds, ["DS", "SOC"])
    assert "DS006" not in codes(report)


def test_ds006_file_level_ignore_that_suppressed_nothing() -> None:
    ds = healthy()
    ds.lint = {"select": ["ALL"], "ignore": ["RWD"], "threshold": 70}
    (finding,) = run(ds).findings
    assert finding.code == "DS006"
    assert "lint.ignore" in finding.message and finding.nodes == () and finding.edges == ()
    finding.fix.make_ops(ds)[0].apply(ds)
    assert ds.lint["ignore"] == []
