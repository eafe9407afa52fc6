"""The edit vocabulary: each edit applies, explains itself and undoes exactly."""

from __future__ import annotations

import pytest

from studio.io import dumps_dreamscape, load_dreamscape
from studio.model import ModelError
from studio.model.ops import Batch
from studio.repair.edits import (
    AddExitEdge,
    CutEdge,
    InsertScene,
    LowerIntensity,
    NightmareToScene,
    NotApplicable,
    RemoveCondition,
    RemovePhrase,
    SetEdgeWeight,
    ShortenScene,
    without_phrase,
)
from tests.conftest import EXAMPLES


@pytest.fixture
def eli():
    return load_dreamscape(EXAMPLES / "elis-dreamgame.dream")


EDITS = [
    AddExitEdge("vault_home", "vault_spin", "grey_exit", 1.0),
    SetEdgeWeight("e51", 0.5),
    RemoveCondition("e51"),
    InsertScene("e1", "anchor", "anchor_x", "anchor_x_on"),
    InsertScene("e2", "social", "mae_x", "mae_x_on"),
    LowerIntensity("boss_fight", 0.8),
    NightmareToScene("hollow", 0.8),
    ShortenScene("boss_fight", 2),
    RemovePhrase("daily_bonus", False, "text", "come back tomorrow"),
    CutEdge("e37"),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: type(e).__name__)
def test_each_edit_applies_explains_and_undoes(eli, edit) -> None:
    before = dumps_dreamscape(eli)
    summary, changes = edit.summary(eli), edit.changes(eli)
    assert summary and changes
    inverse = Batch(edit.ops(eli)).apply(eli)
    assert dumps_dreamscape(eli) != before
    inverse.apply(eli)
    assert dumps_dreamscape(eli) == before


def test_inserted_scenes_sit_on_the_transition(eli) -> None:
    Batch(InsertScene("e1", "social", "mae_x", "mae_x_on").ops(eli)).apply(eli)
    assert eli.edge("e1").target == "mae_x"
    assert eli.node("mae_x").kind == "social" and "Mae" in eli.node("mae_x").title
    assert eli.edge("mae_x_on").target == "daily_bonus"


def test_edits_that_no_longer_fit_say_so(eli) -> None:
    with pytest.raises(NotApplicable):
        RemoveCondition("e1").ops(eli)  # no condition there
    with pytest.raises(NotApplicable):
        CutEdge("e36").ops(eli)  # the vault door's only way on
    with pytest.raises(NotApplicable):
        LowerIntensity("nowhere", 0.1).ops(eli)
    assert issubclass(NotApplicable, ModelError)


def test_phrase_removal_takes_out_the_sentence() -> None:
    text = "Coins rain down. Come back tomorrow or you'll lose it! The number glows."
    assert without_phrase(text, "come back tomorrow") == "Coins rain down. The number glows."
    assert without_phrase("Don’t leave!", "don't leave") == ""
    assert without_phrase("Nothing here.", "don't leave") == "Nothing here."
