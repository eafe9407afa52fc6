"""The editor window: canvas in the middle, docks around it, every edit through the Document."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QDragEnterEvent, QDropEvent, QIcon, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QWidget,
)

from studio.analysis.layout import free_spot
from studio.io import DreamFileError
from studio.model import NODE_KINDS, ModelError
from studio.model.starter import starter_dreamscape

from . import dialogs, settings
from .accessibility import name_controls
from .autosave import Autosaver
from .canvas.geometry import NODE_H, NODE_W
from .canvas.quick_add import likely_next
from .canvas.scene import DreamScene
from .canvas.view import JUMP_ZOOM, DreamView
from .clipboard import put_on_clipboard, read_clipboard
from .document import Document
from .files import FileHandling
from .inspector import Inspector
from .kinds import kind_icon
from .menus import CANVAS_GESTURES, build_menus
from .outline import OutlinePanel
from .palette import PaletteList
from .publish_actions import install_publish_actions
from .rebalance_panel import install_rebalance
from .resources import asset_path
from .theme import apply_theme, current_theme
from .windows import register_editor

MINIMAP_MARGIN = 12
FIRST_SIZE = (1600, 1000)  # the first window's size on a large screen
FRAME_ALLOWANCE = (8, 36)  # room for the window manager's frame and title bar
WINDOWS: list[MainWindow] = []  # every open editor window of this process


class MainWindow(FileHandling, QMainWindow):
    """One document in one window; several windows may be open at once."""

    extends_context_menus = True  # the live panels add finding actions to _context_menu

    document_changed = Signal()
    panels_menu: QMenu  # filled in by build_menus

    def __init__(
        self,
        document: Document | None = None,
        *,
        remember_layout: bool = True,
        live_panels: bool = True,
    ) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("main_window")
        self.remember_layout = remember_layout
        self.live_panels_enabled = live_panels
        self.document = document or Document(starter_dreamscape())
        self.document.setParent(self)
        self.scene = DreamScene(self.document.ds, self)
        self.view = DreamView(self.scene)
        self.setCentralWidget(self.view)
        self.minimap = _make_minimap(self.view)
        if self.minimap is not None:
            self.view.fit_obstacles.append(self.minimap)
        self.view.installEventFilter(self)
        self.view.quick_add_provider = self._quick_add_context
        self._selection_order: list[str] = []  # scenes in the order they were selected
        self.setAcceptDrops(True)
        self.setWindowIcon(app_icon())
        self.view.setAccessibleName("Dreamscape canvas")
        self._dock_actions: list = []
        self._build_docks()
        self.actions_ = build_menus(self, self)
        self._build_status_bar()
        self._connect()
        self.autosaver = Autosaver(self.document, parent=self)
        self._apply_snap(settings.snap_enabled())
        self.actions_.snap.blockSignals(True)
        self.actions_.snap.setChecked(settings.snap_enabled())
        self.actions_.snap.blockSignals(False)
        self.actions_.minimap.setChecked(True)
        self._install_panels(live_panels)
        install_publish_actions(self)
        install_rebalance(self)
        self.resize(*first_window_size(self.screen().availableGeometry()))
        if remember_layout:
            self._restore_layout()
        self._update_title()
        self._update_counts()
        self._update_actions()
        WINDOWS.append(self)

    # ------------------------------------------------------------------ layout
    def add_dock(
        self, widget: QWidget, title: str, area: Qt.DockWidgetArea, object_name: str
    ) -> QDockWidget:
        """Add a dock that the View > Panels menu toggles and the layout settings remember."""
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        self._dock_actions.append(toggle)
        if hasattr(self, "panels_menu"):
            self.panels_menu.addAction(toggle)
        return dock

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.palette_list = PaletteList()  # not self.palette: QWidget.palette()
        self.outline = OutlinePanel(self.document.ds)
        self.inspector = Inspector(self.document)
        self.palette_dock = self.add_dock(self.palette_list, "Palette", left, "palette_dock")
        self.outline_dock = self.add_dock(self.outline, "Outline", left, "outline_dock")
        self.inspector_dock = self.add_dock(self.inspector, "Inspector", right, "inspector_dock")

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_bar = bar
        self.counts_label = QLabel()
        self.selection_label = QLabel()
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(60)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addPermanentWidget(self.selection_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.zoom_label)
        self._on_zoom(self.view.zoom())

    def _install_panels(self, live_panels: bool) -> None:
        """Let the live panels (lint, preview, simulation) add their docks if installed."""
        for action in self._dock_actions:
            if action not in self.panels_menu.actions():
                self.panels_menu.addAction(action)
        if not live_panels:
            self._arrange_docks()
            return
        try:
            from .panels import install_panels
        except ImportError:
            return
        try:
            install_panels(self)
        except Exception as exc:  # the editor must open even if a panel is broken
            print(f"Adjuster Studio: live panels unavailable: {exc!r}", file=sys.stderr)
        self._arrange_docks()

    def _arrange_docks(self) -> None:
        """Default layout: the canvas takes most of the window. One column on the right holds
        the inspector (outline and palette as its tabs) over the preview; findings and the
        night share a short row under the canvas."""
        right, bottom = (
            Qt.DockWidgetArea.RightDockWidgetArea,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, bottom)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        docks = {d.objectName(): d for d in self.findChildren(QDockWidget)}
        for dock in (self.inspector_dock, self.outline_dock, self.palette_dock):
            self.addDockWidget(right, dock)
        preview = docks.get("dock_preview")
        below = preview or self.inspector_dock
        if preview is not None:  # split before tabbing: a tabbed dock only takes more tabs
            self.addDockWidget(right, preview)
            self.splitDockWidget(self.inspector_dock, preview, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.inspector_dock, self.outline_dock)
        self.tabifyDockWidget(self.outline_dock, self.palette_dock)
        row = [d for d in (docks.get("dock_lint"), docks.get("dock_simulation")) if d is not None]
        for dock in row:
            self.addDockWidget(bottom, dock)
        for dock in row[1:]:
            self.tabifyDockWidget(row[0], dock)
        known = {self.inspector_dock, self.outline_dock, self.palette_dock, preview, *row}
        for dock in docks.values():  # docks other modules add join the nearest group
            if dock in known or dock.isFloating():
                continue
            if self.dockWidgetArea(dock) == bottom and row:
                self.tabifyDockWidget(row[0], dock)
            elif self.dockWidgetArea(dock) in (right, Qt.DockWidgetArea.LeftDockWidgetArea):
                self.tabifyDockWidget(below, dock)
        self.inspector_dock.raise_()
        if row:
            row[0].raise_()
        self._default_sizes: tuple[QDockWidget, QDockWidget | None, list[QDockWidget]] | None = (
            self.inspector_dock,
            preview,
            row[:1],
        )

    def _hide_stale_tab_bars(self) -> None:
        """Qt can leave the tab bar of a regrouped dock set behind, drawn over the canvas: hide
        a tab bar that no visible dock of its tabs sits against."""
        docks = [d for d in self.findChildren(QDockWidget) if d.isVisible()]
        for bar in self.findChildren(QTabBar):
            if bar.parent() is not self or not bar.isVisible():
                continue
            names = {bar.tabText(i) for i in range(bar.count())}
            box = bar.geometry()
            touching = any(
                d.windowTitle() in names
                and abs(d.geometry().bottom() + 1 - box.top()) <= 6
                and d.geometry().left() < box.right()
                and box.left() < d.geometry().right()
                for d in docks
            )
            if not touching:
                bar.hide()

    def _restore_layout(self) -> None:
        geometry, state = settings.window_state()
        if geometry:
            self.restoreGeometry(geometry)
        if state and self.restoreState(state):
            self._default_sizes = None  # the user's own sizes win

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        name_controls(self)
        sizes = getattr(self, "_default_sizes", None)
        if sizes is not None:
            self._default_sizes = None
            QTimer.singleShot(30, self, lambda: self._apply_default_sizes(*sizes))

    def _apply_default_sizes(
        self, column: QDockWidget, preview: QDockWidget | None, row: list[QDockWidget]
    ) -> None:
        """Compact docks sized from the window: a column of about a quarter of the width and
        a bottom row tall enough for five findings."""
        width, height = self.width(), self.height()
        self.resizeDocks(
            [column], [max(300, min(420, width * 27 // 100))], Qt.Orientation.Horizontal
        )
        if preview is not None:
            half = max(200, (height - 80) // 2)
            self.resizeDocks([column, preview], [half, half], Qt.Orientation.Vertical)
        if row:
            self.resizeDocks(row, [max(250, min(300, height * 32 // 100))], Qt.Orientation.Vertical)
        QTimer.singleShot(0, self, self._hide_stale_tab_bars)

    def _save_layout(self) -> None:
        if self.remember_layout:
            settings.save_window_state(
                bytes(self.saveGeometry().data()), bytes(self.saveState().data())
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._place_minimap()
        return super().eventFilter(watched, event)

    def _place_minimap(self) -> None:
        if self.minimap is None:
            return
        mm, vp = self.minimap, self.view.viewport()
        # About a fifth of the canvas: useful on big screens, out of the way on small ones.
        width = max(140, min(240, vp.width() // 5))
        if mm.width() != width:
            mm.resize(width, round(width * 0.66))
        x = vp.x() + vp.width() - mm.width() - MINIMAP_MARGIN
        y = vp.y() + vp.height() - mm.height() - MINIMAP_MARGIN
        mm.move(max(0, x), max(0, y))
        mm.raise_()

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        scene, doc = self.scene, self.document
        scene.nodes_moved.connect(doc.move_nodes)
        scene.connect_requested.connect(self._connect_nodes)
        scene.add_node_requested.connect(self._add_node)
        scene.delete_requested.connect(lambda nodes, edges: doc.delete(nodes, edges))
        scene.node_activated.connect(self._node_activated)
        scene.context_menu_requested.connect(self._context_menu)
        scene.selection_changed_ids.connect(self._selection_changed)
        self.view.zoom_changed.connect(self._on_zoom)
        self.palette_list.kind_activated.connect(self._add_at_centre)
        self.outline.node_clicked.connect(lambda nid: self.select_and_center([nid]))
        self.outline.match_chosen.connect(self.jump_to_node)
        doc.modified_changed.connect(lambda _m: self._update_title())
        doc.path_changed.connect(lambda _p: self._update_title())
        doc.document_replaced.connect(self._document_replaced)
        doc.undo_stack.indexChanged.connect(self._stack_index_changed)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(0)
        self._counts_timer.timeout.connect(self._update_counts)
        self._bind_model()

    def _stack_index_changed(self, _index: int) -> None:
        self.document_changed.emit()

    def _bind_model(self) -> None:
        self._bound = self.document.ds
        self._bound.events.changed.connect(self._model_changed)

    def _model_changed(self, event_name: str) -> None:
        if not self._counts_timer.isActive():
            self._counts_timer.start()
        if event_name == "meta_changed":
            self._update_title()

    def _document_replaced(self) -> None:
        self._bound.events.changed.disconnect(self._model_changed)
        ds = self.document.ds
        self.scene.set_dreamscape(ds)
        self.outline.set_dreamscape(ds)
        self._bind_model()
        self._update_title()
        self._update_counts()
        QTimer.singleShot(0, self.view.fit_readable)
        self.document_changed.emit()

    def _update_title(self) -> None:
        title = self.document.ds.meta.title or "Untitled dreamscape"
        self.setWindowTitle(f"{title} — {self.document.display_name()}[*]")
        self.setWindowModified(self.document.modified)
        self.actions_.revert.setEnabled(self.document.path is not None)

    def _update_counts(self) -> None:
        ds = self.document.ds
        self.counts_label.setText(f"{len(ds.nodes)} scenes · {len(ds.edges)} transitions")

    def _on_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    def _selection_changed(self, node_ids: list[str], edge_ids: list[str]) -> None:
        chosen = set(node_ids)
        kept = [n for n in self._selection_order if n in chosen]
        self._selection_order = kept + [n for n in node_ids if n not in kept]
        self._announce_selection(node_ids)
        self.inspector.show_selection(node_ids, edge_ids)
        QTimer.singleShot(0, self, lambda: name_controls(self.inspector))
        self.outline.show_selection(node_ids)
        count = len(node_ids) + len(edge_ids)
        self.selection_label.setText(f"{count} selected" if count else "")
        self._update_actions()

    def _update_actions(self) -> None:
        nodes = self.scene.selected_node_ids()
        edges = self.scene.selected_edge_ids()
        a = self.actions_
        for action in (a.cut, a.copy, a.duplicate, a.group, a.layout_selection, a.fit_selection):
            action.setEnabled(bool(nodes))
        a.delete.setEnabled(bool(nodes or edges))
        a.ungroup.setEnabled(bool(self._groups_to_ungroup(nodes)))

    # ------------------------------------------------------------------ intents
    def _connect_nodes(self, source: str, target: str) -> None:
        try:
            edge_id = self.document.connect_scenes(source, target)
        except ModelError as exc:  # e.g. a scene deleted while the drag was under way
            self.statusBar().showMessage(f"Could not connect: {exc}", 5000)
            return
        self.scene.select([], [edge_id])

    def _add_node(self, kind: str, x: float, y: float) -> None:
        if kind not in NODE_KINDS:
            self.statusBar().showMessage(f"Unknown scene kind '{kind}'", 5000)
            return
        x, y = free_spot(self.document.ds, x, y, (NODE_W, NODE_H))
        node_id = self.document.add_node(kind, x, y)
        self.scene.select([node_id])

    def _quick_add_context(self) -> tuple[str, object]:
        """Tab quick-add: after one selected scene, preselect its likely next kind and add the
        new scene to its right, connected from it."""
        ds = self.document.ds
        nodes = self.scene.selected_node_ids()
        has_entry = any(n.kind == "entry" for n in ds.nodes)
        if len(nodes) != 1:
            return likely_next(None, has_entry), None
        source = nodes[0]
        return likely_next(ds.node(source).kind, has_entry), (
            lambda kind, _pos: self.add_after(source, kind)
        )

    def add_after(self, source_id: str, kind: str) -> str | None:
        """A new scene in the free spot right of `source_id`, connected from it: one step."""
        ds = self.document.ds
        if not ds.has_node(source_id) or kind not in NODE_KINDS:
            return None
        source = ds.node(source_id)
        x, y = free_spot(ds, source.x + NODE_W + 80, source.y, (NODE_W, NODE_H))
        stack = self.document.undo_stack
        stack.beginMacro(f"Add {kind} after {source.display_title}")
        try:
            node_id = self.document.add_node(kind, x, y)
            self.document.connect_scenes(source_id, node_id)
        finally:
            stack.endMacro()
        self.scene.select([node_id])
        item = self.scene.node_item(node_id)
        if item is not None:
            self.view.ensureVisible(item.sceneBoundingRect(), 40, 40)
        return node_id

    def connect_selected(self) -> str | None:
        """Connect two selected scenes, from the one selected first to the other."""
        nodes = [n for n in self._selection_order if n in set(self.scene.selected_node_ids())]
        if len(nodes) != 2:
            self.statusBar().showMessage("Select exactly two scenes to connect them", 5000)
            return None
        edge_id = self.document.connect_scenes(nodes[0], nodes[1])
        self.scene.select(nodes)
        return edge_id

    def select_neighbour(self, step: int, extend: bool = False) -> None:
        """Move (or, with `extend`, grow) the selection to the next scene in file order."""
        ids = [n.id for n in self.document.ds.nodes]
        if not ids:
            return
        current = self._selection_order[-1] if self._selection_order else None
        index = ids.index(current) + step if current in ids else (0 if step > 0 else -1)
        target = ids[index % len(ids)]
        chosen = [*self._selection_order, target] if extend else [target]
        self.scene.select(list(dict.fromkeys(chosen)))
        self._selection_order = [n for n in self._selection_order if n != target] + [target]
        if not extend:
            self._selection_order = [target]
        self.view.center_on_node(target)

    def edit_selected(self) -> None:
        nodes = self.scene.selected_node_ids()
        if nodes:
            self._node_activated(nodes[0])

    def _announce_selection(self, node_ids: list[str]) -> None:
        """Screen readers hear the selected scene: the canvas's accessible description."""
        ds = self.document.ds
        if len(node_ids) == 1 and ds.has_node(node_ids[0]):
            node = ds.node(node_ids[0])
            text = f"Selected {node.kind} scene: {node.display_title}"
        elif node_ids:
            text = f"{len(node_ids)} scenes selected"
        else:
            text = "No scene selected"
        self.view.setAccessibleDescription(text)

    # ------------------------------------------------------------------ drops
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if _dropped_dream_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        path = _dropped_dream_file(event.mimeData())
        if path is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, self, lambda: self.open_path(path))

    def _add_at_centre(self, kind: str) -> None:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        self._add_node(kind, centre.x(), centre.y())

    def _node_activated(self, node_id: str) -> None:
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        self.scene.select([node_id])
        self.inspector.node_form.title.setFocus()
        self.inspector.node_form.title.selectAll()

    def select_and_center(self, node_ids: Iterable[str], edge_ids: Iterable[str] = ()) -> None:
        node_ids, edge_ids = list(node_ids), list(edge_ids)
        self.scene.select(node_ids, edge_ids)
        if node_ids:
            self.view.center_on_node(node_ids[0])
        elif edge_ids and (item := self.scene.edge_item(edge_ids[0])) is not None:
            self.view.centerOn(item.sceneBoundingRect().center())

    def jump_to_node(self, node_id: str) -> None:
        """Select a scene, show it at a readable zoom and hand the keyboard to the canvas."""
        self.scene.select([node_id])
        if self.view.zoom() < JUMP_ZOOM:
            self.view.set_zoom(JUMP_ZOOM)
        self.view.center_on_node(node_id)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _context_menu(self, what: str, item_id: str, screen_pos: object) -> None:
        menu = QMenu(self)
        a = self.actions_
        if what == "node":
            menu.addAction("Edit in Inspector", lambda: self._node_activated(item_id))
            menu.addSeparator()
            menu.addActions([a.cut, a.copy, a.duplicate, a.delete])
            menu.addSeparator()
            menu.addActions([a.group, a.ungroup, a.layout_selection])
        elif what == "edge":
            menu.addAction("Edit in Inspector", lambda: self.inspector_dock.raise_())
            menu.addAction(a.delete)
        else:
            point = self.view.mapToScene(self.view.mapFromGlobal(_qpoint(screen_pos)))
            add = menu.addMenu("Add Scene")
            for kind in NODE_KINDS:
                add.addAction(
                    kind_icon(kind),
                    kind.capitalize(),
                    lambda k=kind: self._add_node(k, point.x(), point.y()),
                )
            menu.addAction("Paste Here", lambda: self.paste((point.x(), point.y())))
            menu.addSeparator()
            menu.addActions([a.select_all, a.fit_all, a.layout_all])
        panels = getattr(self, "live_panels", None)
        if panels is not None and what in ("node", "edge"):
            panels.add_finding_actions(menu, what, item_id)  # lint quick fixes, suppressions
        menu.popup(_qpoint(screen_pos))

    # ------------------------------------------------------------------ edit commands
    def copy(self) -> bool:
        nodes = self.scene.selected_node_ids()
        if not nodes:
            return False
        put_on_clipboard(self.document.copy_data(nodes))
        self.statusBar().showMessage(f"Copied {len(nodes)} scenes", 3000)
        return True

    def cut(self) -> None:
        nodes = self.scene.selected_node_ids()
        if nodes and self.copy():
            self.document.delete(nodes, self.scene.selected_edge_ids(), verb="Cut")

    def paste(self, at: tuple[float, float] | None = None) -> list[str]:
        """Paste at `at`, else at the cursor when it is over the canvas, else the view centre."""
        try:
            data = read_clipboard()
            if at is None:
                at = self._paste_point()
            at = free_spot(self.document.ds, at[0], at[1], (NODE_W, NODE_H))  # never on a card
            node_ids, edge_ids = self.document.paste(data, at)
        except DreamFileError as exc:
            dialogs.show_errors(
                self,
                "Cannot paste",
                "The clipboard does not hold scenes this studio can paste:",
                exc.lines(),
            )
            return []
        self.scene.select(node_ids, edge_ids)
        return node_ids

    def _paste_point(self) -> tuple[float, float]:
        viewport = self.view.viewport()
        local = viewport.mapFromGlobal(QCursor.pos())
        if not viewport.rect().contains(local):
            local = viewport.rect().center()
        point = self.view.mapToScene(local)
        return point.x(), point.y()

    def duplicate(self) -> None:
        node_ids, edge_ids = self.document.duplicate(self.scene.selected_node_ids())
        if node_ids:
            self.scene.select(node_ids, edge_ids)

    def delete_selection(self) -> None:
        self.document.delete(self.scene.selected_node_ids(), self.scene.selected_edge_ids())

    def select_all(self) -> None:
        self.scene.select_all()

    def focus_search(self) -> None:
        self.outline_dock.show()
        self.outline_dock.raise_()
        self.outline.focus_search()

    # ------------------------------------------------------------------ arrange
    def auto_layout_all(self) -> None:
        if self.document.auto_layout(None):
            QTimer.singleShot(0, self.view.fit_all)

    def auto_layout_selection(self) -> None:
        nodes = self.scene.selected_node_ids()
        if nodes:
            self.document.auto_layout(nodes)

    def group_selection(self) -> str | None:
        nodes = self.scene.selected_node_ids()
        if not nodes:
            return None
        title = dialogs.ask_text(
            self, "Group scenes", "Group title:", f"Group {len(self.document.ds.groups) + 1}"
        )
        if title is None:
            return None
        return self.document.group(nodes, title)

    def _groups_to_ungroup(self, nodes: list[str]) -> list[str]:
        chosen = set(nodes)
        groups = self.document.ds.groups
        inside = [g.id for g in groups if g.nodes and set(g.nodes) <= chosen]
        return inside or [g.id for g in groups if chosen & set(g.nodes)]

    def ungroup_selection(self) -> None:
        ids = self._groups_to_ungroup(self.scene.selected_node_ids())
        if not ids:
            return
        stack = self.document.undo_stack
        stack.beginMacro("Ungroup" if len(ids) == 1 else f"Ungroup {len(ids)} groups")
        try:
            for group_id in ids:
                self.document.ungroup(group_id)
        finally:
            stack.endMacro()

    # ------------------------------------------------------------------ view
    def fit_all(self) -> None:
        self.view.fit_all()

    def fit_selection(self) -> None:
        self.view.fit_selection()

    def zoom_in(self) -> None:
        self.view.set_zoom(self.view.zoom() * 1.25)

    def zoom_out(self) -> None:
        self.view.set_zoom(self.view.zoom() / 1.25)

    def zoom_reset(self) -> None:
        self.view.set_zoom(1.0)

    def set_minimap_visible(self, visible: bool) -> None:
        if self.minimap is None:
            return
        self.minimap.setVisible(visible)
        if visible:
            self._place_minimap()

    def _apply_snap(self, enabled: bool) -> None:
        self.scene.set_snap(enabled, 20)
        self.document.snap_grid = 20 if enabled else 0

    def set_snap(self, enabled: bool) -> None:
        self._apply_snap(enabled)
        settings.set_snap_enabled(enabled)

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window exists, so the GUI application does
        name = apply_theme(app, name)
        settings.set_theme_name(name)
        for window in WINDOWS:
            window.scene.set_theme(name)
            if name in window.actions_.themes:
                window.actions_.themes[name].setChecked(True)

    # ------------------------------------------------------------------ windows, help
    def new_window(self, path: Path | None = None) -> MainWindow:
        window = MainWindow(live_panels=self.live_panels_enabled)
        window.scene.set_theme(current_theme())
        if path is not None:
            window.open_path(path)
        window.show()
        QTimer.singleShot(0, window.view.fit_readable)
        return window

    def quit_all(self) -> None:
        for window in list(WINDOWS):
            if not window.close():
                return

    def menu_actions(self) -> list[tuple[str, list]]:
        """(menu title, actions) for every menu in the bar, submenus included, in menu order."""
        found: list[tuple[str, list]] = []

        def walk(title: str, menu: QMenu) -> None:
            actions = []
            for action in menu.actions():
                if isinstance(sub := action.menu(), QMenu):
                    walk(title, sub)
                elif not action.isSeparator():
                    actions.append(action)
            found.append((title, actions))

        for top in self.menuBar().actions():
            if isinstance(menu := top.menu(), QMenu):
                walk(top.text().replace("&", ""), menu)
        return found

    def show_shortcuts(self) -> None:
        """Every shortcut of every menu (including ones other modules add), then gestures."""
        dialogs.show_shortcuts(self, dialogs.shortcut_rows(self.menu_actions(), CANVAS_GESTURES))

    def show_about(self) -> None:
        dialogs.show_about(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self._save_layout()
        try:  # the stack emits while Qt tears the window down; nobody listens any more
            self.document.undo_stack.indexChanged.disconnect(self._stack_index_changed)
        except (RuntimeError, TypeError):
            pass
        self.autosaver.close()
        self.inspector.detach()
        self.outline.model.detach()
        if self in WINDOWS:
            WINDOWS.remove(self)
        event.accept()


def _dropped_dream_file(mime: QMimeData) -> Path | None:
    """The first local .dream file among dropped URLs, if any."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile() and url.toLocalFile().lower().endswith(".dream"):
            return Path(url.toLocalFile())
    return None


def app_icon() -> QIcon:
    """The window icon (assets/icons/app.svg)."""
    return QIcon(str(asset_path("icons", "app.svg")))


def first_window_size(available: QRect) -> tuple[int, int]:
    """The first window fills a small screen's free area (title bar included) and stays
    modest on a large one."""
    width = min(FIRST_SIZE[0], available.width() - FRAME_ALLOWANCE[0])
    height = min(FIRST_SIZE[1], available.height() - FRAME_ALLOWANCE[1])
    return max(640, width), max(480, height)


def _make_minimap(view: DreamView) -> QWidget | None:
    """The canvas minimap as an overlay in the view's corner (None if not installed)."""
    try:
        from .canvas.minimap import MiniMap
    except ImportError:
        return None
    minimap = MiniMap(view)
    if minimap.parent() is None:
        minimap.setParent(view)
    return minimap


register_editor(MainWindow)  # the library and publish dialogs open editors through this


def _qpoint(value: object) -> QPoint:
    if isinstance(value, QPoint):
        return value
    to_point = getattr(value, "toPoint", None)
    return to_point() if to_point is not None else QCursor.pos()
