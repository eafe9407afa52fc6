"""The play-through preview: conditions, rewind, canvas highlight and edits while playing."""

from __future__ import annotations

from studio.model import Edge
from studio.model.ops import AddEdge, RemoveNode, UpdateNode


def click_choice(preview, edge_id: str) -> None:  # noqa: ANN001
    button = next(b for b in preview.choice_buttons if b.property("edge_id") == edge_id)
    assert button.isEnabled()
    button.click()


def test_starts_at_the_entry_with_variables_and_highlight(make_window) -> None:
    window, panels = make_window()
    preview = panels.preview
    assert preview.title.text() == "Lights down"
    assert "The band hums." in preview.text.toPlainText()
    assert preview.variables.item(0, 0).text() == "courage"
    assert preview.variables.item(0, 1).text() == "1"  # the entry's effect ran
    assert window.spy.highlight == ("onset", ["onset"])


def test_choices_respect_conditions(make_window) -> None:
    window, panels = make_window()
    preview = panels.preview
    click_choice(preview, "e1")
    assert preview.title.text() == "The hall"
    assert preview.enabled_choice_ids() == ["e3"]
    assert preview.disabled_choice_ids() == ["e2"]
    locked = next(b for b in preview.choice_buttons if b.property("edge_id") == "e2")
    assert "courage >= 2" in locked.full_text
    assert "courage >= 2" in locked.toolTip()
    # Lower the bar and the door opens without losing the place.
    window.document.push(UpdateNode("onset", {"effects": {"courage": "courage + 2"}}), "Edit")
    preview.rebind()
    assert preview.title.text() == "The hall"


def test_condition_met_enables_the_choice(make_window) -> None:
    window, panels = make_window()
    window.document.push(UpdateNode("onset", {"effects": {"courage": "courage + 2"}}), "Edit")
    preview = panels.preview
    preview.restart()
    click_choice(preview, "e1")
    assert sorted(preview.enabled_choice_ids()) == ["e2", "e3"]


def test_rewind_and_history_and_highlight_follow(make_window) -> None:
    window, panels = make_window()
    preview = panels.preview
    for edge in ("e1", "e3", "e4"):
        click_choice(preview, edge)
    assert window.spy.highlight == ("lantern", ["onset", "hall", "kitchen", "lantern"])
    assert preview.history.count() == 4
    preview.back_button.click()
    assert preview.title.text() == "Mae's kitchen"
    assert window.spy.highlight == ("kitchen", ["onset", "hall", "kitchen"])
    preview.rewind_to(0)
    assert preview.title.text() == "Lights down"
    assert window.spy.highlight == ("onset", ["onset"])
    assert not preview.back_button.isEnabled()


def test_reaching_an_exit_says_so(make_window) -> None:
    window, panels = make_window()
    preview = panels.preview
    for edge in ("e1", "e3", "e4", "e5"):
        click_choice(preview, edge)
    assert "dream ends here" in preview.status.text()
    assert preview.choice_buttons == [] or preview.enabled_choice_ids() == []


def test_a_stall_says_so(make_window) -> None:
    window, panels = make_window()
    # Make the only way out of the kitchen conditional on something false.
    window.document.push(AddEdge(Edge("e7", "kitchen", "wake", condition="courage > 5")), "Connect")
    window.document.push(RemoveNode("lantern"), "Delete")
    preview = panels.preview
    preview.rebind()
    preview.restart()
    click_choice(preview, "e1")
    click_choice(preview, "e3")
    assert "Stalled" in preview.status.text()


def test_edits_while_playing_keep_the_place(make_window, qtbot) -> None:
    window, panels = make_window()
    preview = panels.preview
    click_choice(preview, "e1")
    click_choice(preview, "e3")
    window.document.push(UpdateNode("kitchen", {"title": "Mae's warm kitchen"}), "Rename")
    qtbot.waitUntil(lambda: preview.title.text() == "Mae's warm kitchen")
    assert window.spy.highlight == ("kitchen", ["onset", "hall", "kitchen"])
    # Deleting the scene the dreamer is in steps back to one that still exists.
    window.document.push(RemoveNode("kitchen"), "Delete")
    qtbot.waitUntil(lambda: preview.title.text() == "The hall")
    assert "kitchen" in preview.status.text()
    window.document.undo_stack.undo()
    qtbot.waitUntil(lambda: preview.engine.ds.has_node("kitchen"))


def test_play_from_selected_node(make_window) -> None:
    window, panels = make_window()
    window.scene.select(["kitchen"])
    panels.preview.from_selection_button.click()
    assert panels.preview.title.text() == "Mae's kitchen"
    assert window.spy.highlight == ("kitchen", ["kitchen"])
    panels.preview.restart_button.click()
    assert panels.preview.title.text() == "Mae's kitchen"  # restart keeps the chosen start


def test_hidden_preview_clears_the_highlight(make_window) -> None:
    window, panels = make_window()
    window.show()
    panels.preview.set_active(False)
    assert window.spy.highlight == (None, [])
    panels.preview.set_active(True)
    assert window.spy.highlight[0] == "onset"


def test_no_entry_is_explained(make_window) -> None:
    window, panels = make_window()
    window.document.push(UpdateNode("onset", {"kind": "scene"}), "Edit")
    preview = panels.preview
    preview.rebind()
    preview.restart()
    assert preview.engine is None
    assert "entry" in preview.status.text()
    assert preview.choice_buttons == []


def test_hidden_preview_catches_up_when_shown(make_window) -> None:
    window, panels = make_window()
    preview = panels.preview
    click_choice(preview, "e1")
    preview.set_active(False)
    window.document.push(UpdateNode("hall", {"title": "The great hall"}), "Rename")
    preview._rebind_timer.stop()
    assert preview.title.text() == "The hall"  # not following while hidden
    preview.set_active(True)
    assert preview.title.text() == "The great hall"
    assert window.spy.highlight == ("hall", ["onset", "hall"])
