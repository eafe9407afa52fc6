"""Revisions only on change, history, revisions as documents, listing, search and the default place."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.io import content_hash, load_dreamscape, save_dreamscape
from studio.model.elements import Node
from studio.model.ops import AddNode, UpdateNode
from studio.store import ENV_VAR, Library, LibraryError, default_library_path


def test_revision_only_when_content_changes(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    first = library.record_save(ds, dream_file, author="Jamie", message="first draft")
    assert first is not None and first.number == 1
    assert first.content_hash == content_hash(ds)
    assert library.record_save(ds, dream_file, author="Jamie") is None
    # A reformatted but identical document is the same content.
    assert library.record_save(load_dreamscape(dream_file), dream_file) is None
    UpdateNode("first_scene", {"text": "Eli sees the lighthouse blink twice."}).apply(ds)
    second = library.record_save(ds, dream_file, author="Jamie", message="lighthouse")
    assert second is not None and second.number == 2
    assert second.content_hash != first.content_hash
    history = library.history(dream_file)
    assert [(r.number, r.author, r.message) for r in history] == [
        (1, "Jamie", "first draft"),
        (2, "Jamie", "lighthouse"),
    ]
    assert all(r.content is None for r in history)


def test_reverting_to_earlier_content_is_a_new_revision(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    library.record_save(ds, dream_file)
    undo = UpdateNode("wake", {"minutes": 3}).apply(ds)
    library.record_save(ds, dream_file)
    undo.apply(ds)
    third = library.record_save(ds, dream_file)
    assert third is not None and third.number == 3
    assert third.content_hash == library.revision(dream_file, 1).content_hash


def test_revision_round_trips_to_the_same_document(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    library.add(dream_file, author="Jamie")
    UpdateNode("wake", {"title": "Morning light"}).apply(ds)
    save_dreamscape(ds, dream_file)
    library.add(dream_file)
    old = library.revision(dream_file, 1).dreamscape()
    assert old.node("wake").title == "Back to natural sleep"
    assert content_hash(library.revision(dream_file).dreamscape()) == content_hash(ds)
    with pytest.raises(LibraryError, match="no revision 7"):
        library.revision(dream_file, 7)
    with pytest.raises(LibraryError, match="not in the library"):
        library.revision(dream_file.with_name("elsewhere.dream"), 1)


def test_same_file_by_relative_and_absolute_path(
    library: Library, dream_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.add(dream_file)
    monkeypatch.chdir(dream_file.parent)
    assert library.add(dream_file.name) is None
    assert len(library.files()) == 1


def test_list_shows_latest_score_and_review(library: Library, dream_file: Path) -> None:
    rev = library.add(dream_file)
    assert rev is not None
    library.record_lint_run(
        rev.content_hash,
        {"score": 12, "band": "low", "blocked": False, "fatal": False, "findings": []},
        dream_file,
    )
    library.add_review(
        rev.content_hash,
        "Dr. Lorne",
        "approve",
        lint={"score": 12, "band": "low", "findings": []},
        path=dream_file,
    )
    [entry] = library.files()
    assert (entry.title, entry.revisions, entry.score, entry.band, entry.review) == (
        "Lantern Bay",
        1,
        12,
        "low",
        "approve",
    )


def test_search_titles_and_scene_text(library: Library, dream_file: Path, tmp_path: Path) -> None:
    library.add(dream_file)
    examples = Path(__file__).resolve().parents[2] / "assets" / "examples"
    for example in sorted(examples.glob("*.dream")):
        library.add(example)
    assert [h.title for h in library.search("periwinkle")] == ["Lantern Bay"]
    assert [h.title for h in library.search("periwin")] == ["Lantern Bay"]  # word prefixes
    assert {h.title for h in library.search("lantern")} >= {"Lantern Bay"}  # titles count
    hit = library.search("kite driftwood")[0]
    assert hit.title == "Lantern Bay" and "[kite]" in hit.snippet
    assert library.search("kite nosuchword") == []
    # Search syntax in user text is taken literally, never an FTS error.
    for text in ('"unbalanced', "NOT OR AND", "pier*", "a:b", "(", "", "   "):
        library.search(text)
    garden = [h.title for h in library.search("garden")]
    assert "Mae's Garden" in garden
    # The index follows edits: the old words disappear with the new revision.
    ds = load_dreamscape(dream_file)
    UpdateNode("first_scene", {"text": "A seaglass gull hums."}).apply(ds)
    library.record_save(ds, dream_file)
    assert library.search("periwinkle") == []
    assert [h.title for h in library.search("seaglass gull")] == ["Lantern Bay"]


def test_diff_between_revisions(library: Library, dream_file: Path) -> None:
    ds = load_dreamscape(dream_file)
    library.record_save(ds, dream_file)
    AddNode(Node("pier", "social", "The pier", "Mae waves.")).apply(ds)
    UpdateNode("first_scene", {"intensity": 0.6, "title": "The bay"}).apply(ds)
    library.record_save(ds, dream_file)
    diff = library.diff(dream_file, 1, 2)
    assert diff.nodes.added == ["pier"] and diff.nodes.removed == []
    assert diff.nodes.changed == {
        "first_scene": {"title": ("First scene", "The bay"), "intensity": (0.3, 0.6)}
    }
    assert not diff.edges
    back = library.diff(dream_file, 2, 1)
    assert back.nodes.removed == ["pier"]
    assert not library.diff(dream_file, 2, current=ds)


def test_default_path_env_and_platform_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert default_library_path() == tmp_path / "env.db"
    with Library.open() as lib:
        assert lib.path == tmp_path / "env.db"
    assert (tmp_path / "env.db").exists()
    monkeypatch.delenv(ENV_VAR)
    path = default_library_path()
    assert path.name == "library.db" and path.parent.name == "adjuster-studio"
