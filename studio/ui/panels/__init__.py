"""Live panels: the ethics lint panel, the play-through preview and the simulated-night plots.

The main window calls `install_panels(window)` after building its own docks. Before a
screenshot, call `window.live_panels.wait_until_idle(timeout_ms)` so the first background
lint and simulation are on screen.
"""

from __future__ import annotations

from typing import Any

from .controller import LivePanels


def install_panels(window: Any) -> LivePanels:
    """Add the live docks and status-bar gauge to a window; returns the controller."""
    panels = LivePanels(window)
    window.live_panels = panels
    return panels


__all__ = ["LivePanels", "install_panels"]
