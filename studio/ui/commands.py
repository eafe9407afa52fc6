"""Thin QUndoCommand adapters over the model's reversible operations.

A command never touches the scene: it applies an op to the dreamscape and keeps the
returned inverse; the scene and panels follow the model's events.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QUndoCommand

from studio.model import Dreamscape
from studio.model.ops import Op

# Qt merges consecutive commands with the same non-negative id; the key decides the rest.
MERGE_ID = 7001


class OpCommand(QUndoCommand):
    """One undo step: redo applies the op, undo applies the inverse it returned."""

    def __init__(
        self,
        ds: Dreamscape,
        op: Op,
        label: str,
        *,
        applied_inverse: Op | None = None,
        merge_key: Hashable | None = None,
    ) -> None:
        super().__init__(label)
        self._ds = ds
        self._op = op
        # When the document already applied the op (to report errors before pushing),
        # the first redo() that QUndoStack.push() makes must not apply it again.
        self._inverse = applied_inverse
        self._skip_redo = applied_inverse is not None
        self.merge_key = merge_key

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._inverse = self._op.apply(self._ds)

    def undo(self) -> None:
        assert self._inverse is not None
        self._op = self._inverse.apply(self._ds)

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Typing in one field keeps one step: keep our inverse, take the newer op."""
        if not isinstance(other, OpCommand) or other.merge_key != self.merge_key:
            return False
        self._op = other._op
        self.setText(other.text())
        return True
