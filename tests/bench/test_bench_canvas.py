"""Canvas benchmarks at 5,000 scenes / 12,500 transitions (run with `pytest -m bench`).

Targets (offscreen, 2-core machine, 1600x1000 view): build the scene and view and paint
the first fitted frame <= 2 s; a fit-all repaint <= 60 ms; a pan or zoom frame at 1:1
<= 16 ms; moving one card (its position, edges, groups and index) <= 5 ms.

The generated layout is a 71-column grid whose transitions reach up to 24 scenes ahead
in file order, so about a third of them wrap to the next row and cross the whole graph:
every 1:1 view of the middle shows ~450 such long edges, a harsh case for painting.
Frames are painted through the real widget path (`viewport().grab()`), or, for pans,
by letting Qt repaint only the strip the scroll exposed, as it does on screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from studio.model import Dreamscape
from studio.ui.canvas import DreamScene, DreamView
from studio.ui.canvas import edges as edges_module
from tests.bench.generate import generate_dreamscape

pytestmark = pytest.mark.bench

NODES = 5000
SIZE = (1600, 1000)


@pytest.fixture(scope="module")
def big() -> Dreamscape:
    return generate_dreamscape(NODES, seed=1)


@pytest.fixture
def canvas(qtbot, big):
    scene = DreamScene(big.clone())
    view = DreamView(scene)
    qtbot.addWidget(view)
    view.resize(*SIZE)
    view.show()
    qtbot.waitExposed(view)
    yield scene, view
    view.close()


def _one_to_one(view: DreamView) -> None:
    view.set_zoom(1.0)
    view.center_on_node(f"n{NODES // 2}")
    view.viewport().grab()


def test_bench_build_and_first_fitted_paint(benchmark, qtbot, big) -> None:
    made = []

    def setup():
        return (big.clone(),), {}

    def build(ds: Dreamscape) -> None:
        scene = DreamScene(ds)
        view = DreamView(scene)
        view.resize(*SIZE)
        view.show()
        view.fit_all()
        image = view.viewport().grab()
        made.append((scene, view, image))

    benchmark.pedantic(build, setup=setup, rounds=3, iterations=1)
    scene, view, image = made[-1]
    assert len(list(scene.node_items())) == NODES
    assert image.width() == SIZE[0] and scene.ctx.mode == "overview"
    for _, v, _ in made:
        v.close()


def test_bench_fit_all_repaint(benchmark, canvas) -> None:
    scene, view = canvas

    def setup():
        _one_to_one(view)  # start from elsewhere: the overview image must be rebuilt
        return (), {}

    def fit() -> None:
        view.fit_all()
        view.viewport().grab()

    benchmark.pedantic(fit, setup=setup, rounds=8, iterations=1)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(scene.items_bounding_rect())


def test_bench_fit_all_repaint_warm(benchmark, canvas) -> None:
    """Repainting the fitted view again (e.g. after a window expose): the image is cached."""
    scene, view = canvas
    view.fit_all()
    view.viewport().grab()
    benchmark.pedantic(lambda: view.viewport().grab(), rounds=10, iterations=1)


def test_bench_pan_frame_one_to_one(benchmark, canvas) -> None:
    scene, view = canvas
    _one_to_one(view)
    painted = []
    original = edges_module.visible_rect

    def recording(painter, option):  # the EdgeLayer asks this once per paint
        rect = original(painter, option)
        painted.append(rect.width())
        return rect

    edges_module.visible_rect = recording
    step = [40]

    def pan() -> None:
        bar = view.horizontalScrollBar()
        bar.setValue(bar.value() + step[0])
        step[0] = -step[0]
        QApplication.processEvents()

    try:
        benchmark.pedantic(pan, rounds=20, iterations=1, warmup_rounds=2)
    finally:
        edges_module.visible_rect = original
    assert sum(1 for w in painted if w <= 41) >= 20  # each pan repainted only its strip


def test_bench_full_frame_one_to_one(benchmark, canvas) -> None:
    """The whole 1:1 viewport painted (what a pan costs in the worst case)."""
    scene, view = canvas
    _one_to_one(view)
    benchmark.pedantic(lambda: view.viewport().grab(), rounds=10, iterations=1, warmup_rounds=1)


def test_bench_zoom_frame_one_to_one(benchmark, canvas) -> None:
    scene, view = canvas
    _one_to_one(view)
    anchor = view.viewport().rect().center()
    zooms = [1.1, 1.0]

    def zoom() -> None:
        zooms.reverse()
        view.set_zoom(zooms[0], anchor)
        view.viewport().grab()

    benchmark.pedantic(zoom, rounds=10, iterations=1, warmup_rounds=2)
    assert view.zoom() in (pytest.approx(1.0), pytest.approx(1.1))


def test_bench_move_one_node(benchmark, canvas) -> None:
    scene, view = canvas
    _one_to_one(view)
    item = scene.node_item(f"n{NODES // 2}")
    start = QPointF(item.pos())
    offsets = [QPointF(7, 3), QPointF(0, 0)]

    def move() -> None:
        offsets.reverse()
        item.move_to(start.x() + offsets[0].x(), start.y() + offsets[0].y())

    benchmark.pedantic(move, rounds=50, iterations=1, warmup_rounds=2)
    assert item.edges and all(e.boundingRect().isValid() for e in item.edges)


def test_bench_move_one_node_and_repaint(benchmark, canvas) -> None:
    """A drag step as the user sees it: the move plus Qt repainting the dirty area."""
    scene, view = canvas
    _one_to_one(view)
    item = scene.node_item(f"n{NODES // 2}")
    start = QPointF(item.pos())
    offsets = [QPointF(7, 3), QPointF(0, 0)]

    def move() -> None:
        offsets.reverse()
        item.move_to(start.x() + offsets[0].x(), start.y() + offsets[0].y())
        QApplication.processEvents()

    benchmark.pedantic(move, rounds=20, iterations=1, warmup_rounds=2)


def test_bench_badge_edit_while_fitted(benchmark, canvas) -> None:
    """An edit the live linter answers with a badge, while the whole graph is in view: the
    overview's marks layer is redrawn, never its ~12k edges (target <= 16 ms on the GUI thread).
    """
    scene, view = canvas
    view.fit_all()
    view.viewport().grab()
    item = scene.node_item(f"n{NODES // 2}")
    badges = ["warning", None]

    def edit() -> None:
        badges.reverse()
        item.set_state(badge=badges[0])
        QApplication.processEvents()
        view.viewport().grab()

    renders = view._overview.renders
    benchmark.pedantic(edit, rounds=20, iterations=1, warmup_rounds=2)
    assert view._overview.renders == renders  # the base image was never rebuilt
    print(
        f"\nbadge edit while fitted, 5k scenes: {benchmark.stats['min'] * 1000:.1f} ms "
        "(target <= 16 ms)"
    )
