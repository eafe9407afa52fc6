"""Start the desktop studio; Qt is imported only here and in `studio.ui`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _no_display() -> bool:
    """On Linux without X11/Wayland, Qt would abort with a platform-plugin error."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


GUI_MODULES = ("PySide6", "pyqtgraph")


def missing_gui() -> str | None:
    """The first editor dependency that cannot be found, checked before importing any Qt."""
    import importlib.util

    for name in GUI_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    from studio.threads import limit_library_threads

    limit_library_threads()  # the live linter's solves share the cores with the editor
    argv = list(sys.argv[1:] if argv is None else argv)
    missing = missing_gui()
    if missing:
        print(
            f"Adjuster Studio's editor needs the gui extra ({missing} is not installed): "
            f'pip install "adjuster-studio[gui]" (in a checkout: pip install -e ".[gui]")',
            file=sys.stderr,
        )
        print("The command line works without it: dreamstudio --help", file=sys.stderr)
        return 2
    from studio.ui.app import run_app

    if (
        _no_display()
        and "--screenshot" not in argv
        and not {"-h", "--help", "--version"} & set(argv)
    ):
        print(
            "Adjuster Studio needs a display (no DISPLAY or WAYLAND_DISPLAY is set).",
            file=sys.stderr,
        )
        print(
            "Render offscreen instead: python main.py FILE --screenshot OUT.png; "
            "or use the command line: dreamstudio --help",
            file=sys.stderr,
        )
        return 2
    return run_app(argv)
