"""Start the desktop studio; Qt is imported only here and in `studio.ui`."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from studio.ui.app import run_app
    except ImportError as exc:  # the editor is optional for headless installs
        print(f"Adjuster Studio's editor needs PySide6: {exc}", file=sys.stderr)
        print("The command line works without it: dreamstudio --help", file=sys.stderr)
        return 2
    return run_app(argv)
