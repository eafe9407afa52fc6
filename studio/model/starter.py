"""The smallest dreamscape worth opening: what `new` creates in the CLI and the app."""

from __future__ import annotations

from .dreamscape import Dreamscape
from .elements import Edge, Meta, Node


def starter_dreamscape(
    title: str = "Untitled dreamscape", author: str = "", audience: str = "adult"
) -> Dreamscape:
    """Entry → scene → exit, valid and lint-clean of structural errors."""
    ds = Dreamscape()
    ds.meta = Meta(title=title, author=author, audience=audience)
    nodes = [
        Node(
            "onset",
            "entry",
            "Drifting off",
            "The room grows soft and far away.",
            minutes=2,
            intensity=0.1,
            valence=0.2,
            x=0,
            y=0,
        ),
        Node(
            "first_scene",
            "scene",
            "First scene",
            "Describe what the dreamer sees.",
            minutes=5,
            intensity=0.3,
            x=240,
            y=0,
        ),
        Node(
            "wake",
            "exit",
            "Back to natural sleep",
            "The dream fades into quiet rest.",
            minutes=1,
            intensity=0.1,
            valence=0.3,
            x=480,
            y=0,
        ),
    ]
    edges = [
        Edge("e1", "onset", "first_scene", "Begin"),
        Edge("e2", "first_scene", "wake", "Let the dream fade"),
    ]
    ds.load_elements(nodes, edges)
    return ds
