"""The one place that finds the studio's assets (examples, icons, styles): the installed
`studio_assets` package through importlib.resources, or the checkout's assets/ folder."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1] / "assets"


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """A real folder (works with --user, --target and editable installs alike)."""
    try:
        root = resources.files("studio_assets")
    except ModuleNotFoundError:
        return _CHECKOUT
    path = Path(str(root))
    return path if path.is_dir() else _CHECKOUT


def asset_path(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def example_paths() -> list[Path]:
    """The example designs that ship with the studio."""
    return sorted(asset_path("examples").glob("*.dream"))
