"""Content hashes: what reviews and packages are tied to."""

from __future__ import annotations

import hashlib

from studio.model import Dreamscape

from .dream_format import dumps_dreamscape


def content_hash(ds: Dreamscape) -> str:
    """sha256 of the canonical text, so formatting-only differences never change it."""
    return hashlib.sha256(dumps_dreamscape(ds).encode("utf-8")).hexdigest()
