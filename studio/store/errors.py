"""Problems the library reports to the person, as one clear sentence each."""

from __future__ import annotations


class LibraryError(Exception):
    """The library database cannot be opened or used (named in the message)."""


class ReviewError(Exception):
    """A review the rules refuse, with why (e.g. an override of a fatal finding)."""
