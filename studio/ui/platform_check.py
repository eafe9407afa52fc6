"""Before Qt opens a window on Linux: name the X11 libraries its xcb plugin needs that are missing.

Qt's own message when the plugin fails names the plugin (and sometimes a library that is
present), then aborts the process; checking the libraries first lets us say which Debian or
Ubuntu packages to install, and point at the README's line.
"""

from __future__ import annotations

import ctypes
import os
import sys

# The shared libraries Qt's xcb platform plugin loads beyond a basic X11 install, and the
# Debian/Ubuntu package that ships each one.
XCB_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
README_HINT = 'README.md, "Quick start": the line on the X11 libraries a minimal Linux lacks'


def wants_xcb() -> bool:
    """True when Qt is about to pick its X11 plugin (Linux, no other platform asked for)."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.startswith("xcb")
    return not os.environ.get("WAYLAND_DISPLAY")


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_message() -> str | None:
    """A message naming the missing libraries and their packages, or None if all load."""
    missing = {so: package for so, package in XCB_PACKAGES.items() if not _loadable(so)}
    if not missing:
        return None
    packages = " ".join(missing.values())
    return (
        "Adjuster Studio cannot open a window: Qt's X11 plugin (xcb) needs system libraries "
        f"that are not installed: {', '.join(missing)}.\n"
        f"Install them (Debian/Ubuntu): sudo apt install {packages}\n"
        f"See {README_HINT}. Without a display, use --screenshot OUT.png instead."
    )
