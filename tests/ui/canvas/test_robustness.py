"""Odd input the canvas must take in its stride: empty documents, unknown kinds, any search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from studio.model import Dreamscape, Group, Node
from studio.model.ops import AddGroup, AddNode, UpdateEdge, UpdateNode
from studio.ui.canvas import DreamScene, DreamView, MiniMap
from studio.ui.canvas.gestures import edge_tooltip, node_tooltip
from studio.ui.canvas.quick_add import QuickAddPopup, kind_matches
from studio.ui.canvas.style import FALLBACK_KIND_COLOR, KIND_LABELS, kind_icon

from .conftest import small_dreamscape


def test_empty_dreamscape_fits_paints_and_grows(qtbot) -> None:
    ds = Dreamscape()
    scene = DreamScene(ds)
    view = DreamView(scene)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    minimap = MiniMap(view)
    view.fit_all()
    view.fit_selection()
    assert scene.items_bounding_rect().isNull()
    assert not view.viewport().grab().isNull()
    minimap.repaint()
    AddNode(Node("first", "entry", "Sleep onset", x=40, y=40)).apply(ds)
    view.fit_all()
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(QPointF(40, 40))


def test_unknown_kind_and_bad_group_colour_still_draw(qtbot) -> None:
    ds = small_dreamscape()
    scene = DreamScene(ds)
    view = DreamView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    UpdateNode("hall", {"kind": "portal", "title": "A" * 300, "text": "word " * 400}).apply(ds)
    AddGroup(Group("g_bad", "", ["hall"], "not-a-colour")).apply(ds)
    for zoom in (1.0, 0.3, 0.1):
        view.set_zoom(zoom)
        view.center_on_node("hall")
        image = view.viewport().grab().toImage()
        centre = view.mapFromScene(scene.node_item("hall").pos() + QPointF(90, 9))
        if zoom < 0.4:
            assert image.pixelColor(centre).name() == FALLBACK_KIND_COLOR
    assert scene.group_item("g_bad").color().isValid()
    assert not kind_icon("portal").isNull()


def test_tooltips_come_from_the_model(qtbot, ds) -> None:
    scene = DreamScene(ds)
    tip = edge_tooltip(scene.edge_item("e2"))
    assert "courage &gt;= 1" in tip and "Hall of doors" in tip
    UpdateEdge("e2", {"condition": "courage >= 3 and not lucid"}).apply(ds)
    assert "courage &gt;= 3 and not lucid" in edge_tooltip(scene.edge_item("e2"))
    scene.set_heat({"arena": 0.25})
    scene.set_badges({"arena": "warning"}, {})
    tip = node_tooltip(scene.node_item("arena"))
    assert "The arena" in tip and "heat 25%" in tip and "warning" in tip


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_quick_add_search_never_fails(qapp, text: str) -> None:
    popup = _popup()
    popup.search.setText(text)
    visible = popup.visible_kinds()
    assert visible == [k for k in KIND_LABELS if kind_matches(k, text) >= 0]
    if visible:
        assert popup.list.currentItem().data(0x0100) == min(
            visible, key=lambda k: (kind_matches(k, text), list(KIND_LABELS).index(k))
        )


_POPUPS: list[QuickAddPopup] = []


def _popup() -> QuickAddPopup:
    if not _POPUPS:
        _POPUPS.append(QuickAddPopup())
    QApplication.processEvents()
    return _POPUPS[0]


def test_selection_survives_removal_and_rename(qtbot, ds) -> None:
    from studio.model.ops import RemoveNode, RenameNode

    scene = DreamScene(ds)
    changes = []
    scene.selection_changed_ids.connect(lambda n, e: changes.append((n, e)))
    scene.select(["hall", "arena"], ["e4"])
    RenameNode("hall", "great_hall").apply(ds)
    assert scene.selected_node_ids() == ["great_hall", "arena"]
    RemoveNode("arena").apply(ds)  # takes e2 and e4 with it
    assert scene.selected_node_ids() == ["great_hall"]
    assert scene.selected_edge_ids() == []
    assert changes[-1] == (["great_hall"], [])
