"""At start-up, offer the recovery copies an unclean exit left behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import dialogs
from .autosave import orphaned_recoveries

if TYPE_CHECKING:
    from .main_window import MainWindow


def offer_recoveries(window: MainWindow) -> list[MainWindow]:
    """Ask once for all leftovers; restored documents open as unsaved work, one per window."""
    found = orphaned_recoveries()
    if not found:
        return []
    answer = dialogs.ask_restore(window, [r.describe() for r in found])
    if answer == "discard":
        for recovery in found:
            recovery.discard()
        return []
    if answer != "restore":
        return []
    opened: list[MainWindow] = []
    for recovery in found:
        pristine = (
            not window.document.modified
            and window.document.path is None
            and not opened
            and window not in opened
        )
        target = window if pristine else window.new_window()
        if target.restore_recovery(recovery):
            opened.append(target)
    return opened
