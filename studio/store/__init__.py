"""The library: dreamscapes, revisions, lint runs, reviews and exports in one SQLite database."""

from .diff import DreamDiff, ElementDiff, diff_data
from .errors import LibraryError, ReviewError
from .library import (
    ENV_VAR,
    Library,
    LibraryEntry,
    Revision,
    SearchHit,
    default_library_path,
    path_key,
)
from .review import DECISIONS, MIN_JUSTIFICATION, Review, check_review
from .schema import CURRENT_SCHEMA, SchemaError

__all__ = [
    "CURRENT_SCHEMA",
    "DECISIONS",
    "ENV_VAR",
    "MIN_JUSTIFICATION",
    "DreamDiff",
    "ElementDiff",
    "Library",
    "LibraryEntry",
    "LibraryError",
    "Review",
    "ReviewError",
    "Revision",
    "SchemaError",
    "SearchHit",
    "check_review",
    "default_library_path",
    "diff_data",
    "path_key",
]
