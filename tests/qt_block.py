"""Make Qt unimportable, so a run proves the core works on a machine without it.

Set DREAMSTUDIO_BLOCK_QT=1 (and pass `-p no:pytest-qt`) to run the core suite this way:
tests/conftest.py installs the blocker before any test module is imported and leaves out
the tests that need Qt. The architecture test uses the same blocker in a subprocess.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

ENV = "DREAMSTUDIO_BLOCK_QT"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
# Tests that drive the studio's windows or time them: they need Qt by design.
NEEDS_QT = ("ui", "bench", "test_app_entry.py")


class QtBlocker(importlib.abc.MetaPathFinder):
    """Refuses every Qt import, the way a machine without Qt installed would."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.split(".")[0] in QT_MODULES:
            raise ModuleNotFoundError(
                f"{fullname} is blocked: this run proves the core needs no Qt"
            )
        return None


def install() -> None:
    """Block Qt from here on; fails if some Qt module was already imported."""
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in QT_MODULES)
    if loaded:
        raise RuntimeError(f"Qt was imported before it could be blocked: {', '.join(loaded)}")
    if not any(isinstance(finder, QtBlocker) for finder in sys.meta_path):
        sys.meta_path.insert(0, QtBlocker())
