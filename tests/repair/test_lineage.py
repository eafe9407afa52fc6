"""Lineage of rebalanced designs in the library, and the report listing what was changed."""

from __future__ import annotations

from studio.io import dumps_dreamscape, load_dreamscape
from studio.repair import rebalance
from studio.store import Library
from studio.store.lineage import ancestry, parent_record, record_lineage, report_entry
from studio.store.publish import evaluate, render_report
from tests.conftest import EXAMPLES


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_lineage_records_the_parent_and_the_proposal(tmp_path) -> None:
    with Library.open(tmp_path / "lib.db") as lib:
        assert parent_record(lib, "0" * 64) is None  # no table yet: nothing, and no error
        record_lineage(lib, "b" * 64, "a" * 64, {"edits": [{"summary": "x"}]}, "Rebalance")
        record_lineage(lib, "b" * 64, "a" * 64, {"edits": []}, "again")  # once per pair
        record_lineage(lib, "c" * 64, "b" * 64, {"edits": []}, "second pass")
        chain = ancestry(lib, "c" * 64)
        assert [r["parent_hash"] for r in chain] == ["b" * 64, "a" * 64]
        assert chain[1]["proposal"] == {"edits": [{"summary": "x"}]}
        rows = list(lib.db.query("select count(*) as n from lineage"))
        assert rows[0]["n"] == 2


def test_the_report_of_a_rebalanced_design_lists_what_changed_and_why(tmp_path) -> None:
    ds = load_dreamscape(EXAMPLES / "elis-dreamgame.dream")
    parent = dumps_dreamscape(ds)
    proposal = rebalance(ds)
    proposal.apply(ds)
    with Library.open(tmp_path / "lib.db") as lib:
        record_lineage(
            lib, _sha(dumps_dreamscape(ds)), _sha(parent), proposal.to_dict(), proposal.label
        )
        entry = report_entry(lib, _sha(dumps_dreamscape(ds)))
        assert entry is not None and entry["parent_sha256"] == _sha(parent)
        page = render_report(ds, evaluate(ds, library=lib))
    assert "<h2>Rebalanced</h2>" in page
    assert _sha(parent) in page
    assert proposal.edits[0].summary.split("'")[0] in page
    assert "resolves:" in page
    plain = render_report(ds, evaluate(ds))
    assert "Rebalanced" not in plain
