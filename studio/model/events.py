"""A tiny pure-Python event so the core can notify listeners without Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks fired in connection order; the model's only coupling to views."""

    __slots__ = ("_handlers", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._handlers: list[Callable[..., Any]] = []

    def connect(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Subscribe; returns the handler so it can be used as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def disconnect(self, handler: Callable[..., Any]) -> None:
        """Unsubscribe; unknown handlers are ignored so teardown never fails."""
        try:
            self._handlers.remove(handler)
        except ValueError:
            pass

    def emit(self, *args: Any) -> None:
        """Call every handler; a copy of the list lets handlers disconnect themselves."""
        for handler in list(self._handlers):
            handler(*args)

    def __len__(self) -> int:
        return len(self._handlers)


class DreamscapeEvents:
    """The named change notifications a Dreamscape emits."""

    __slots__ = (
        "node_added",
        "node_removed",
        "node_changed",
        "node_renamed",
        "edge_added",
        "edge_removed",
        "edge_changed",
        "variables_changed",
        "group_added",
        "group_removed",
        "group_changed",
        "meta_changed",
        "night_changed",
        "lint_changed",
        "changed",
    )
    node_added: Event
    node_removed: Event
    node_changed: Event
    node_renamed: Event
    edge_added: Event
    edge_removed: Event
    edge_changed: Event
    variables_changed: Event
    group_added: Event
    group_removed: Event
    group_changed: Event
    meta_changed: Event
    night_changed: Event
    lint_changed: Event
    changed: Event

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, Event(name))
