"""The plain data records of a dreamscape: what one node, edge, variable or group holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeGuard

NODE_KINDS: tuple[str, ...] = (
    "entry",
    "scene",
    "choice",
    "reward",
    "social",
    "anchor",
    "nightmare",
    "exit",
)
AUDIENCES: tuple[str, ...] = ("child", "teen", "adult")
VARIABLE_TYPES: tuple[str, ...] = ("int", "float", "bool")
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
DEFAULT_REM_MINUTES: tuple[int, ...] = (10, 15, 20, 25, 35)

# Fields a user may change on a node/edge through update operations (ids go through rename).
NODE_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "text",
    "minutes",
    "intensity",
    "valence",
    "reward",
    "x",
    "y",
    "effects",
    "tags",
    "assets",
    "lint_ignore",
)
EDGE_FIELDS: tuple[str, ...] = (
    "source",
    "target",
    "label",
    "weight",
    "condition",
    "effects",
    "lint_ignore",
)


def is_valid_id(value: object) -> TypeGuard[str]:
    """Ids are stable, human-readable keys; this keeps them portable across tools."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def default_reward(kind: str) -> float:
    """Reward nodes are prizes by definition, so they default to full reward."""
    return 1 if kind == "reward" else 0


# What a scene added in the editor starts with, by kind; a file's missing fields still get
# the Node record's defaults (node_default).
KIND_PRESETS: dict[str, dict[str, float]] = {
    "entry": {"minutes": 2, "intensity": 0.1, "valence": 0.2},
    "exit": {"minutes": 1, "intensity": 0.1, "valence": 0.3},
    "nightmare": {"intensity": 0.7, "valence": -0.6},
    "reward": {"intensity": 0.5, "valence": 0.5},
    "anchor": {"intensity": 0.2, "valence": 0.2},
}


@dataclass(frozen=True, slots=True)
class NumberRange:
    """The values a node number may take; the loader, the checks and the inspector read it."""

    low: float
    high: float | None = None
    low_open: bool = False

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and (self.high is None or value <= self.high)


# The smallest scene duration and transition weight a file may hold: far below anything a
# designer means (0.06 s; a millionth of a share), far above where float division breaks.
MIN_MINUTES = 0.001
MIN_WEIGHT = 1e-6

NODE_RANGES: dict[str, NumberRange] = {
    "minutes": NumberRange(MIN_MINUTES, None),
    "intensity": NumberRange(0, 1),
    "valence": NumberRange(-1, 1),
    "reward": NumberRange(0, 1),
}


def node_default(name: str, kind: str = "scene") -> Any:
    """A node field's value when the file leaves it out (the Node record's own default)."""
    if name == "reward":
        return default_reward(kind)
    spec = Node.__dataclass_fields__[name]
    return spec.default_factory() if callable(spec.default_factory) else spec.default


@dataclass(slots=True)
class Meta:
    """Who the dreamscape is for and what it is called."""

    title: str = "Untitled dreamscape"
    author: str = ""
    audience: str = "adult"
    description: str = ""
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Night:
    """The sleep schedule the dream is played into."""

    onset_minutes: float = 15
    cycle_minutes: float = 90
    rem_minutes: list[float] = field(default_factory=lambda: list(DEFAULT_REM_MINUTES))
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_rem_minutes(self) -> float:
        """The only time DreamSync may play the dream."""
        return float(sum(self.rem_minutes))

    def rem_windows(self) -> list[tuple[float, float]]:
        """(start, end) clock minutes of each REM window: each cycle ends with its REM."""
        windows = []
        for i, rem in enumerate(self.rem_minutes):
            end = self.onset_minutes + (i + 1) * self.cycle_minutes
            windows.append((end - rem, end))
        return windows


@dataclass(slots=True)
class Variable:
    """A named piece of dreamer state that conditions read and effects write."""

    name: str
    type: str = "int"
    initial: Any = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Optional bounds of an `int` variable: effects clamp into [minimum, maximum].
    minimum: int | None = None
    maximum: int | None = None

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        """The clamp range effects keep an `int` variable in (None where unbounded)."""
        if self.type != "int":
            return None, None
        return self.minimum, self.maximum


@dataclass(slots=True)
class Node:
    """One dream scene."""

    id: str
    kind: str = "scene"
    title: str = ""
    text: str = ""
    minutes: float = 5
    intensity: float = 0.3
    valence: float = 0
    reward: float = 0
    x: float = 0
    y: float = 0
    effects: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    lint_ignore: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def display_title(self) -> str:
        """A title for lists and canvases even when the author left it empty."""
        return self.title or self.id

    def shallow_copy(self) -> Node:
        """A new record sharing this one's containers (safe: ops never mutate them in place)."""
        return Node(
            self.id,
            self.kind,
            self.title,
            self.text,
            self.minutes,
            self.intensity,
            self.valence,
            self.reward,
            self.x,
            self.y,
            self.effects,
            self.tags,
            self.assets,
            self.lint_ignore,
            self.extra,
        )


@dataclass(slots=True)
class Edge:
    """A transition between scenes; `source`/`target` are written as `from`/`to`."""

    id: str
    source: str
    target: str
    label: str = ""
    weight: float = 1.0
    condition: str | None = None
    effects: dict[str, str] = field(default_factory=dict)
    lint_ignore: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def shallow_copy(self) -> Edge:
        """A new record sharing this one's containers (safe: ops never mutate them in place)."""
        return Edge(
            self.id,
            self.source,
            self.target,
            self.label,
            self.weight,
            self.condition,
            self.effects,
            self.lint_ignore,
            self.extra,
        )


@dataclass(slots=True)
class Group:
    """A titled, coloured frame around related scenes."""

    id: str
    title: str = ""
    nodes: list[str] = field(default_factory=list)
    color: str = "#5b6ee1"
    extra: dict[str, Any] = field(default_factory=dict)


def default_lint_block() -> dict[str, Any]:
    """The lint block every new dreamscape starts with."""
    return {"select": ["ALL"], "ignore": [], "threshold": 70}
