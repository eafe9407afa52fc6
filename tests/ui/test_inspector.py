"""The inspector edits through undoable steps, follows undo/redo and refuses invalid input."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.io import load_dreamscape
from studio.ui.document import Document
from studio.ui.inspector import Inspector
from tests.conftest import EXAMPLES


@pytest.fixture
def setup(qtbot):
    doc = Document(load_dreamscape(EXAMPLES / "reality-somnos.dream"))
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    inspector.resize(380, 900)
    inspector.show()
    return doc, inspector


def _type(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_title_edit_is_undoable_and_the_field_follows_undo_redo(qtbot, setup) -> None:
    doc, inspector = setup
    node = doc.ds.nodes[3]
    old = node.title
    inspector.show_selection([node.id], [])
    assert inspector.stack.currentWidget() is inspector.node_form
    assert inspector.node_form.title.text() == old
    _type(qtbot, inspector.node_form.title, "The quiet pier")
    assert node.title == "The quiet pier" and doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: inspector.node_form.title.text() == old)
    doc.undo_stack.redo()
    qtbot.waitUntil(lambda: inspector.node_form.title.text() == "The quiet pier")


def test_bad_condition_turns_red_with_column_and_is_not_applied(qtbot, setup) -> None:
    doc, inspector = setup
    edge = next(e for e in doc.ds.edges if e.condition)
    inspector.show_selection([], [edge.id])
    field = inspector.edge_form.condition
    _type(qtbot, field, "courage >= ")
    assert field.property("invalid") == "true"
    assert "column" in field.toolTip() and field.error.isVisibleTo(inspector)
    assert doc.ds.edge(edge.id).condition != "courage >= "
    assert doc.undo_stack.count() == 0
    _type(qtbot, field, "ghost > 1")
    assert "undeclared variable 'ghost'" in field.toolTip()
    assert doc.undo_stack.count() == 0
    _type(qtbot, field, "courage >= 2")
    assert field.property("invalid") == "false"
    assert doc.ds.edge(edge.id).condition == "courage >= 2"
    _type(qtbot, field, "")
    assert doc.ds.edge(edge.id).condition is None  # empty means always


def test_numbers_rename_and_kind(qtbot, setup) -> None:
    doc, inspector = setup
    node = doc.ds.nodes[2]
    inspector.show_selection([node.id], [])
    form = inspector.node_form
    form.intensity.setFocus()
    form.intensity.lineEdit().selectAll()
    qtbot.keyClicks(form.intensity.lineEdit(), "0.85")
    qtbot.keyClick(form.intensity.lineEdit(), Qt.Key.Key_Return)
    assert node.intensity == 0.85
    taken = doc.ds.nodes[0].id
    _type(qtbot, form.id_edit, taken)
    assert form.id_edit.property("invalid") == "true" and doc.ds.has_node(node.id)
    _type(qtbot, form.id_edit, "renamed_scene")
    assert doc.ds.has_node("renamed_scene") and form.subject == "renamed_scene"
    form.kind.setCurrentIndex(form.kind.findData("nightmare"))
    form.kind.activated.emit(form.kind.currentIndex())
    assert doc.ds.node("renamed_scene").kind == "nightmare"
    for _ in range(3):
        doc.undo_stack.undo()
    assert doc.ds.has_node(node.id) and node.intensity != 0.85


def test_text_typing_merges_into_one_step(qtbot, setup) -> None:
    doc, inspector = setup
    node = doc.ds.nodes[4]
    inspector.show_selection([node.id], [])
    area = inspector.node_form.text
    area.setFocus()
    area.selectAll()
    qtbot.keyClicks(area, "Mae waves")
    area.commit()
    qtbot.keyClicks(area, " from the pier")
    area.commit()
    assert node.text == "Mae waves from the pier" and doc.undo_stack.count() == 1


def test_effects_editor_validates_each_row(qtbot, setup) -> None:
    doc, inspector = setup
    node = next(n for n in doc.ds.nodes if not n.effects)
    inspector.show_selection([node.id], [])
    effects = inspector.node_form.effects
    effects.add_button.click()
    assert len(node.effects) == 1
    name = next(iter(node.effects))
    _, edit, _ = effects._rows[0]
    _type(qtbot, edit, f"{name} + (")
    assert edit.property("invalid") == "true" and node.effects[name] != f"{name} + ("
    effects._rows[0][2].click()
    assert node.effects == {}


def test_dreamscape_page_edits_meta_night_and_variables(qtbot, setup) -> None:
    doc, inspector = setup
    inspector.show_selection([], [])
    form = inspector.dreamscape_form
    assert inspector.stack.currentWidget() is form
    _type(qtbot, form.title, "Reality Somnos, gentler")
    assert doc.ds.meta.title == "Reality Somnos, gentler"
    _type(qtbot, form.rem, "10, 200")
    assert form.rem.property("invalid") == "true" and doc.ds.night.rem_minutes[1] != 200
    _type(qtbot, form.rem, "10, 20, 30")
    assert doc.ds.night.rem_minutes == [10, 20, 30]
    table = form.variables
    name = table.add_variable()
    assert name in doc.ds.variables
    qtbot.waitUntil(lambda: table.table.rowCount() == len(doc.ds.variables))
    row = list(doc.ds.variables).index(name)
    table.table.item(row, 0).setText("lantern_lit")
    assert "lantern_lit" in doc.ds.variables and name not in doc.ds.variables
    qtbot.waitUntil(lambda: table.table.item(row, 0).text() == "lantern_lit")
    table.table.item(row, 2).setText("3")
    assert doc.ds.variables["lantern_lit"].initial == 3
    qtbot.waitUntil(lambda: table.table.item(row, 2).text() == "3")
    table.table.item(row, 2).setText("3.5")
    assert table.error.isVisibleTo(inspector) and doc.ds.variables["lantern_lit"].initial == 3
    used = next(next(iter(n.effects)) for n in doc.ds.nodes if n.effects)
    table.table.setCurrentCell(list(doc.ds.variables).index(used), 0)
    table.remove_selected()
    assert used in doc.ds.variables and "still used" in table.error.text()
    steps = doc.undo_stack.count()
    doc.undo_stack.undo()  # the initial value
    doc.undo_stack.undo()  # the rename
    assert name in doc.ds.variables and steps == 5


def test_multi_selection_shows_a_summary(setup) -> None:
    doc, inspector = setup
    inspector.show_selection([doc.ds.nodes[0].id, doc.ds.nodes[1].id], [])
    assert inspector.stack.currentWidget() is inspector.multi
    assert "2 scenes" in inspector.multi.text()
