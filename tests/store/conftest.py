"""Store fixtures: a fresh library in a temp folder and small documents to record."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.io import save_dreamscape
from studio.model.starter import starter_dreamscape
from studio.store import Library


@pytest.fixture
def library(tmp_path: Path):
    lib = Library.open(tmp_path / "library.db")
    yield lib
    lib.close()


@pytest.fixture
def dream_file(tmp_path: Path) -> Path:
    path = tmp_path / "lantern-bay.dream"
    ds = starter_dreamscape("Lantern Bay", "Jamie", "teen")
    ds.node(
        "first_scene"
    ).text = "Mae flies a periwinkle kite above the driftwood while the tide comes in."
    save_dreamscape(ds, path)
    return path


@pytest.fixture
def lorne_key():
    """Dr. Lorne's signing key, not yet trusted anywhere."""
    from studio.store.keys import new_key

    return new_key("Dr. Lorne")


@pytest.fixture
def trusted_lorne(library: Library, lorne_key):
    """Dr. Lorne's key, trusted by this library."""
    library.trust_key(lorne_key.public)
    return lorne_key
