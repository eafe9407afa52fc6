"""Reading, validating and canonically writing dreamscapes (and later, packages)."""

from .atomic import atomic_write_bytes, atomic_write_text
from .dream_format import (
    CURRENT_VERSION,
    FILE_SUFFIX,
    canonical_json,
    dreamscape_from_data,
    dreamscape_to_data,
    dumps_dreamscape,
    edge_to_data,
    load_dreamscape,
    loads_dreamscape,
    node_to_data,
    save_dreamscape,
)
from .errors import DreamFileError, Issue, WriteError
from .hashing import content_hash

__all__ = [
    "CURRENT_VERSION",
    "FILE_SUFFIX",
    "DreamFileError",
    "Issue",
    "WriteError",
    "atomic_write_bytes",
    "atomic_write_text",
    "canonical_json",
    "content_hash",
    "dreamscape_from_data",
    "dreamscape_to_data",
    "dumps_dreamscape",
    "edge_to_data",
    "load_dreamscape",
    "loads_dreamscape",
    "node_to_data",
    "save_dreamscape",
]
