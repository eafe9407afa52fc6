"""Finding the studio's assets (icons, styles, examples) in a checkout or an installed copy."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2] / "assets"
_INSTALLED = Path(sys.prefix) / "share" / "adjuster-studio" / "assets"


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """The source tree's assets when running from a checkout, else the installed data files."""
    for candidate in (_CHECKOUT, _INSTALLED):
        if candidate.is_dir():
            return candidate
    return _CHECKOUT


def asset_path(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def kind_icon_path(kind: str) -> Path | None:
    path = asset_path("icons", f"{kind}.svg")
    return path if path.is_file() else None
