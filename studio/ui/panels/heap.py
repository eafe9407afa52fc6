"""Keep full garbage collections of a large document off the event loop.

A full (generation 2) collection walks every tracked object in the process. With a
10,000-node dreamscape open, its model, canvas items and panels make that walk take
100 ms or more, and background runs allocate enough to trigger one every few runs: the
window would stall although the work itself runs in a thread. Once a large document is
open and its first results are on screen, its long-lived objects are collected once and
frozen (`gc.freeze`), so later collections only walk what was allocated since. Opening
another document or closing the window unfreezes, so the old document can be freed.
"""

from __future__ import annotations

import gc

# Below this many nodes a full collection is short enough not to matter.
LARGE_DOCUMENT_NODES = 2000

_frozen_by: set[int] = set()


def settle(owner: object, node_count: int) -> bool:
    """After a large document's first results: collect once, then freeze the survivors."""
    if node_count < LARGE_DOCUMENT_NODES:
        return False
    gc.collect()
    gc.freeze()
    _frozen_by.add(id(owner))
    return True


def release(owner: object) -> None:
    """The owner's document is going away: let everything be collectable again."""
    if id(owner) in _frozen_by:
        _frozen_by.discard(id(owner))
        gc.unfreeze()
        if _frozen_by:  # other windows still hold large documents: settle theirs again
            gc.collect()
            gc.freeze()


def is_frozen(owner: object) -> bool:
    return id(owner) in _frozen_by
