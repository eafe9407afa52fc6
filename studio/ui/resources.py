"""Finding the studio's assets (icons, styles, examples) for the editor; see studio.assets."""

from __future__ import annotations

from pathlib import Path

from studio.assets import asset_path, assets_dir

__all__ = ["asset_path", "assets_dir", "kind_icon_path"]


def kind_icon_path(kind: str) -> Path | None:
    path = asset_path("icons", f"{kind}.svg")
    return path if path.is_file() else None
