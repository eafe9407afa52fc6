"""Regenerate docs/screenshots from the real app, so the README's pictures stay true.

    python tools/screenshots.py            # every picture the README shows, 1280×800
    python tools/screenshots.py --out DIR  # somewhere else

Each picture opens an example in a real main window offscreen, waits for the live lint and
night plots, does what the caption says (select a finding, play through, heat on), and grabs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "assets" / "examples"
SIZE = (1280, 800)


def _play(window, edge_labels: list[str]) -> None:  # noqa: ANN001 - MainWindow
    preview = window.live_panels.preview
    for wanted in edge_labels:
        for button in preview.choice_buttons:
            if wanted in button.full_text and button.isEnabled():
                button.click()
                break


def _select_first_error(window) -> None:  # noqa: ANN001
    panels = window.live_panels
    findings = [f for f in panels.lint_panel.model.findings if f.severity == "error"]
    if findings:
        f = findings[0]
        panels.lint_panel.select_key((f.code, f.nodes, f.edges, f.message))
        window.select_and_center(list(f.nodes))


def _preview_and_heat(window) -> None:  # noqa: ANN001
    panels = window.live_panels
    _play(window, ["Settle", "arena", "gate"])
    panels.plots.heat_box.setChecked(True)
    panels.plots_dock.raise_()


def _night(window) -> None:  # noqa: ANN001
    window.live_panels.plots_dock.raise_()


SHOTS: list[tuple[str, str, str, Callable | None]] = [
    ("reality-somnos.png", "reality-somnos.dream", "dark", None),
    ("elis-dreamgame-panels.png", "elis-dreamgame.dream", "light", _select_first_error),
    ("reality-somnos-preview-heat.png", "reality-somnos.dream", "dark", _preview_and_heat),
    ("reality-somnos-panels.png", "reality-somnos.dream", "light", _night),
] + [
    (f"{name}-{theme}.png", f"{name}.dream", theme, None)
    for name in ("elis-dreamgame", "maes-garden", "reality-somnos")
    for theme in ("light", "dark")
]


def shoot(out: Path, only: str = "") -> list[Path]:
    """Render every picture (or those whose name contains `only`) into `out`."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from studio.io import load_dreamscape
    from studio.ui.document import Document
    from studio.ui.main_window import MainWindow
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(["screenshots"])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, example, theme, setup in SHOTS:
        if only and only not in name:
            continue
        apply_theme(app, theme)
        path = EXAMPLES / example
        window = MainWindow(Document(load_dreamscape(path), path), remember_layout=False)
        window.scene.set_theme(theme)
        window.resize(*SIZE)
        window.show()
        for _ in range(4):
            app.processEvents()
        window.view.fit_readable()
        window.live_panels.wait_until_idle(30000)
        if setup is not None:
            setup(window)
            window.live_panels.wait_until_idle(30000)
        for _ in range(4):
            app.processEvents()
        target = out / name
        window.grab().save(str(target), "PNG")
        written.append(target)
        window.document.set_modified(False)
        window.live_panels.shutdown()
        window.close()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="only pictures whose file name contains this")
    args = parser.parse_args(argv)
    for path in shoot(args.out, args.only):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
