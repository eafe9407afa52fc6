"""Opening editor windows from anywhere in the studio without importing the main window.

The main window imports the library and publish dialogs; they open editor windows in turn.
The main window registers its class here when it is imported, so those dialogs can open one
without an import cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from .canvas.scene import DreamScene
    from .canvas.view import DreamView
    from .document import Document


class EditorWindow(Protocol):
    """What an opener needs of an editor window."""

    scene: DreamScene
    view: DreamView

    def open_path(self, path: Path | str) -> bool: ...

    def show(self) -> None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt API


class EditorFactory(Protocol):
    def __call__(
        self, document: Document | None = None, *, live_panels: bool = True
    ) -> EditorWindow: ...


_factory: EditorFactory | None = None


def register_editor(factory: EditorFactory) -> None:
    """Called once by studio.ui.main_window with its window class."""
    global _factory
    _factory = factory


def new_editor(document: Document | None = None, *, live_panels: bool = True) -> EditorWindow:
    """A new, not yet shown editor window (the main window module must have been imported)."""
    if _factory is None:
        raise RuntimeError("no editor window registered (import studio.ui.main_window first)")
    return _factory(document, live_panels=live_panels)
