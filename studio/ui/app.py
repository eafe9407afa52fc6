"""Application start: `adjuster-studio [FILE]` and `... FILE --screenshot OUT.png [--size WxH]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import studio

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

DEFAULT_SIZE = (1600, 1000)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT like 1600x1000, got {text!r}"
        ) from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError("width must be 320..8000 and height 240..8000 pixels")
    return w, h


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="adjuster-studio", description="Open the Adjuster Studio dreamscape editor."
    )
    parser.add_argument("file", nargs="?", type=Path, help="a .dream file to open")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the window offscreen to a PNG and exit (needs FILE)",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=DEFAULT_SIZE,
        metavar="WxH",
        help="window size for --screenshot (default 1600x1000)",
    )
    parser.add_argument(
        "--theme",
        choices=("dark", "light"),
        default=None,
        help="colour theme (default: the last one chosen, else dark)",
    )
    parser.add_argument(
        "--version", action="version", version=f"Adjuster Studio {studio.__version__}"
    )
    args = parser.parse_args(list(argv))
    if args.screenshot is not None and args.file is None:
        parser.error("--screenshot needs a FILE to render")
    return args


def _application(argv0: str) -> QApplication:  # Qt imported late on purpose
    from PySide6.QtWidgets import QApplication

    found = QApplication.instance()
    app = found if isinstance(found, QApplication) else QApplication([argv0])
    app.setApplicationName("Adjuster Studio")
    app.setOrganizationName("AdjusterStudio")
    app.setApplicationVersion(studio.__version__)
    return app


def run_app(argv: Sequence[str]) -> int:
    """Entry point shared by `python main.py` and the installed `adjuster-studio` script."""
    args = parse_args(argv)
    if args.screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists
        return screenshot(args.file, args.screenshot, args.size, args.theme or "dark")
    from . import platform_check

    if platform_check.wants_xcb() and (problem := platform_check.missing_xcb_message()):
        print(problem, file=sys.stderr)  # Qt would abort with a misleading message instead
        return 1
    app = _application(sys.argv[0] if sys.argv else "adjuster-studio")
    from . import settings
    from .main_window import MainWindow
    from .recovery import offer_recoveries
    from .theme import apply_theme

    theme = apply_theme(app, args.theme or settings.theme_name())
    _follow_system_scheme(app)
    window = MainWindow()
    window.scene.set_theme(theme)
    window.show()
    if args.file is not None:
        window.open_path(args.file)
    offer_recoveries(window)
    window.view.fit_readable()
    app.aboutToQuit.connect(lambda: _release_offscreen_clipboard(app))
    return app.exec()


def _follow_system_scheme(app: QApplication) -> None:
    """Until the user picks a theme (View > Theme), switch with the desktop's scheme."""
    from . import settings
    from .main_window import WINDOWS

    def changed(_scheme: object) -> None:
        if settings.app_settings().value("view/theme", "") in ("dark", "light"):
            return
        name = settings.system_scheme()
        from .theme import apply_theme

        apply_theme(app, name)
        for window in WINDOWS:
            window.scene.set_theme(name)

    app.styleHints().colorSchemeChanged.connect(changed)


def _release_offscreen_clipboard(app: QApplication) -> None:
    """Qt's offscreen clipboard segfaults at exit while it still owns our copied scenes."""
    if app.platformName() == "offscreen":
        app.clipboard().clear()


def screenshot(file: Path, out: Path, size: tuple[int, int], theme: str = "dark") -> int:
    """Open FILE, fit the canvas, grab the whole window as PNG. Exit 2 on a bad file."""
    from studio.io import DreamFileError, load_dreamscape

    try:
        ds = load_dreamscape(file)
    except DreamFileError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 2
    app = _application("adjuster-studio")
    from .document import Document
    from .main_window import MainWindow
    from .theme import apply_theme

    apply_theme(app, theme)
    window = MainWindow(Document(ds, file), remember_layout=False)
    window.scene.set_theme(theme)
    window.resize(*size)
    window.show()
    for _ in range(3):
        app.processEvents()
    window.view.fit_readable()
    panels = getattr(window, "live_panels", None)
    if panels is not None and hasattr(panels, "wait_until_idle"):
        panels.wait_until_idle(20000)  # show the first lint and simulation results
    app.processEvents()
    pixmap = window.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = pixmap.save(str(out), "PNG")
    window.document.set_modified(False)
    window.close()
    app.processEvents()
    if not ok:
        print(f"{out}: could not write the PNG", file=sys.stderr)
        return 2
    return 0
