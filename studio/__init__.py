"""Adjuster Studio: author, play, simulate and ethically lint DreamSync dreamscapes."""

__version__ = "0.1.0"
