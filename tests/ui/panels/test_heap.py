"""Large documents get their long-lived heap frozen once, and released when they go away."""

from __future__ import annotations

import gc

from studio.ui.panels import heap


def test_small_documents_leave_the_collector_alone() -> None:
    owner = object()
    assert not heap.settle(owner, 50)
    assert not heap.is_frozen(owner)


def test_large_documents_freeze_then_release() -> None:
    owner = object()
    before = gc.get_freeze_count()
    try:
        assert heap.settle(owner, heap.LARGE_DOCUMENT_NODES)
        assert heap.is_frozen(owner)
        assert gc.get_freeze_count() > before
    finally:
        heap.release(owner)
    assert not heap.is_frozen(owner)
    assert gc.get_freeze_count() == 0


def test_replacing_a_large_document_releases_its_heap(make_window, example, qtbot) -> None:
    from tests.bench.generate import generate_dreamscape

    window, panels = make_window(generate_dreamscape(heap.LARGE_DOCUMENT_NODES))
    assert panels.wait_until_idle(60000)
    qtbot.waitUntil(lambda: heap.is_frozen(panels._heap_key))
    window.document.replace(example("reality-somnos.dream"), None)
    assert not heap.is_frozen(panels._heap_key)
    assert gc.get_freeze_count() == 0
