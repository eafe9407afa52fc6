"""The rebalancer's edit vocabulary: small, reversible, explainable changes to a dreamscape.

Each edit names the elements it touches, says what it changes (before → after) and builds
the model ops that make the change against whatever state the design is in, so a proposal
can be applied whole, in part (the ticked subset), and undone in one step. No edit deletes
a scene, adds a suppression, or changes the audience or the thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from studio.model import Dreamscape, Edge, ModelError, Node
from studio.model.ops import AddEdge, InsertOnEdge, Op, RemoveEdge, UpdateEdge, UpdateNode

# What each kind of edit costs by default: parameter tweaks cheap, structure dearer, text dearest.
DEFAULT_COSTS: dict[str, float] = {
    "weight": 1.0,
    "intensity": 1.0,
    "minutes": 1.0,
    "condition": 2.0,
    "nightmare": 2.0,
    "exit_edge": 3.0,
    "cut_edge": 4.0,
    "insert_scene": 5.0,
    "text": 6.0,
}


class NotApplicable(ModelError):
    """The edit no longer fits the design (its transition is gone, its change is already made)."""


@dataclass(frozen=True)
class Change:
    """One field an edit changes, for the explanation and the canvas overlay."""

    element: str  # "node" or "edge"
    id: str
    field: str  # a field name, or "added" / "cut" for whole elements
    before: Any = None
    after: Any = None

    def text(self) -> str:
        if self.field == "added":
            return f"+ {self.element} {self.id}"
        if self.field == "cut":
            return f"- {self.element} {self.id}"
        if isinstance(self.before, str) and isinstance(self.after, str):
            shown = text_change(self.before, self.after)
        else:
            shown = f"{_show(self.before)} → {_show(self.after)}"
        return f"~ {self.element} {self.id}.{self.field}: {shown}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "id": self.id,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }


def text_change(before: str, after: str) -> str:
    """What a text edit took out (or put in), with no more context than needed."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b, end_a = end_b - 1, end_a - 1
    removed, added = before[start:end_b].strip(), after[start:end_a].strip()
    if removed and not added:
        return f"removed {_show(removed)}"
    return f"{_show(removed or before)} → {_show(added or after)}"


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "…")
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Edit:
    """A reversible change the rebalancer may propose; subclasses implement ops and changes."""

    kind: ClassVar[str] = ""

    @property
    def key(self) -> tuple[Any, ...]:
        """Identity for caches and de-duplication (same key: same change)."""
        return (type(self).__name__, *self.__dict__.values())

    @property
    def where(self) -> tuple[str, ...]:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def created(self) -> tuple[str, ...]:
        """Ids of the scenes and transitions the edit adds (later edits may build on them)."""
        return ()

    def summary(self, ds: Dreamscape) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def changes(self, ds: Dreamscape) -> list[Change]:  # pragma: no cover - interface
        raise NotImplementedError

    def ops(self, ds: Dreamscape) -> list[Op]:  # pragma: no cover - interface
        raise NotImplementedError

    def to_dict(self, ds: Dreamscape) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary(ds),
            "where": list(self.where),
            "changes": [c.to_dict() for c in self.changes(ds)],
        }


def _title(ds: Dreamscape, node_id: str) -> str:
    return ds.node(node_id).display_title if ds.has_node(node_id) else node_id


def _need_edge(ds: Dreamscape, edge_id: str) -> Edge:
    if not ds.has_edge(edge_id):
        raise NotApplicable(f"transition '{edge_id}' is gone")
    return ds.edge(edge_id)


def _need_node(ds: Dreamscape, node_id: str) -> Node:
    if not ds.has_node(node_id):
        raise NotApplicable(f"scene '{node_id}' is gone")
    return ds.node(node_id)


@dataclass(frozen=True)
class AddExitEdge(Edit):
    """A new, unconditional way out from a scene to an exit."""

    kind: ClassVar[str] = "exit_edge"
    edge_id: str
    source: str
    exit_id: str
    weight: float
    label: str = "Let the dream go"

    @property
    def where(self) -> tuple[str, ...]:
        return (self.source, self.exit_id, self.edge_id)

    @property
    def created(self) -> tuple[str, ...]:
        return (self.edge_id,)

    def summary(self, ds: Dreamscape) -> str:
        return (
            f"add a way out from '{_title(ds, self.source)}' to '{_title(ds, self.exit_id)}' "
            f'("{self.label}", weight {self.weight:g}, no condition)'
        )

    def changes(self, ds: Dreamscape) -> list[Change]:
        return [Change("edge", self.edge_id, "added", None, f"{self.source} → {self.exit_id}")]

    def ops(self, ds: Dreamscape) -> list[Op]:
        _need_node(ds, self.source)
        _need_node(ds, self.exit_id)
        if ds.has_edge(self.edge_id) or ds.has_node(self.edge_id):
            raise NotApplicable(f"id '{self.edge_id}' is taken")
        edge = Edge(self.edge_id, self.source, self.exit_id, self.label, self.weight)
        out = ds.out_edges(self.source)
        index = ds.edge_index(out[-1].id) + 1 if out else None
        return [AddEdge(edge, index, "Add a way out")]


@dataclass(frozen=True)
class SetEdgeWeight(Edit):
    """Make a transition more (or less) likely."""

    kind: ClassVar[str] = "weight"
    edge_id: str
    weight: float

    @property
    def where(self) -> tuple[str, ...]:
        return (self.edge_id,)

    def summary(self, ds: Dreamscape) -> str:
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        label = f' "{edge.label}"' if edge and edge.label else ""
        return f"change the weight of transition '{self.edge_id}'{label} to {self.weight:g}"

    def changes(self, ds: Dreamscape) -> list[Change]:
        before = ds.edge(self.edge_id).weight if ds.has_edge(self.edge_id) else None
        return [Change("edge", self.edge_id, "weight", before, self.weight)]

    def ops(self, ds: Dreamscape) -> list[Op]:
        edge = _need_edge(ds, self.edge_id)
        if edge.weight == self.weight:
            raise NotApplicable("weight already set")
        return [UpdateEdge(self.edge_id, {"weight": self.weight}, "Change weight")]


@dataclass(frozen=True)
class RemoveCondition(Edit):
    """Open a way out that had to be earned: the transition into an exit needs no condition."""

    kind: ClassVar[str] = "condition"
    edge_id: str

    @property
    def where(self) -> tuple[str, ...]:
        return (self.edge_id,)

    def summary(self, ds: Dreamscape) -> str:
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        cond = f" ({edge.condition})" if edge and edge.condition else ""
        return f"remove the condition{cond} on the way out '{self.edge_id}'"

    def changes(self, ds: Dreamscape) -> list[Change]:
        before = ds.edge(self.edge_id).condition if ds.has_edge(self.edge_id) else None
        return [Change("edge", self.edge_id, "condition", before, None)]

    def ops(self, ds: Dreamscape) -> list[Op]:
        edge = _need_edge(ds, self.edge_id)
        if not edge.condition:
            raise NotApplicable("no condition to remove")
        return [UpdateEdge(self.edge_id, {"condition": None}, "Remove condition")]


@dataclass(frozen=True)
class SceneTemplate:
    """What an inserted scene looks like: a Reality Somnos moment in the story's words."""

    kind: str
    title: str
    text: str
    onward_label: str
    minutes: float = 2
    intensity: float = 0.2
    valence: float = 0.4
    tags: tuple[str, ...] = field(default_factory=tuple)


TEMPLATES: dict[str, SceneTemplate] = {
    "anchor": SceneTemplate(
        "anchor",
        "A window onto morning",
        "The dream slows and goes quiet. Somewhere past it a bedroom window is turning "
        "light, and the day is waiting: breakfast, the walk to school, Mae humming in the "
        "kitchen. It is good to remember it is there.",
        "Remember the morning",
        tags=("reality-somnos",),
    ),
    "social": SceneTemplate(
        "social",
        "Talking with Mae",
        "Mae sits at the end of the bed, the way she does every night now, and asks about "
        "the day. The dreamer tells her one small thing that happened, and she laughs, and "
        "for a while that is the best part of the night.",
        "Say goodnight",
        minutes=3,
        intensity=0.15,
        valence=0.6,
        tags=("reality-somnos",),
    ),
    "settling": SceneTemplate(
        "scene",
        "Settling",
        "The noise drains away and the lights turn soft. Breathing slows, the dream grows "
        "quiet, and sleep comes back on its own.",
        "Drift into sleep",
        intensity=0.2,
        valence=0.2,
        tags=("settling",),
    ),
}


@dataclass(frozen=True)
class InsertScene(Edit):
    """Put an anchor, a social scene or a settling scene in the middle of a transition."""

    kind: ClassVar[str] = "insert_scene"
    edge_id: str
    role: str  # a TEMPLATES key
    node_id: str
    onward_id: str

    @property
    def where(self) -> tuple[str, ...]:
        return (self.edge_id, self.node_id, self.onward_id)

    @property
    def created(self) -> tuple[str, ...]:
        return (self.node_id, self.onward_id)

    def summary(self, ds: Dreamscape) -> str:
        t = TEMPLATES[self.role]
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        span = (
            f" between '{_title(ds, edge.source)}' and '{_title(ds, edge.target)}'" if edge else ""
        )
        what = {"anchor": "an anchor scene", "social": "a social scene"}.get(
            self.role, "a low-intensity settling scene"
        )
        return f'insert {what} "{t.title}"{span}'

    def changes(self, ds: Dreamscape) -> list[Change]:
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        return [
            Change("node", self.node_id, "added", None, TEMPLATES[self.role].kind),
            Change("edge", self.edge_id, "target", edge.target if edge else None, self.node_id),
            Change("edge", self.onward_id, "added", None, f"{self.node_id} → …"),
        ]

    def ops(self, ds: Dreamscape) -> list[Op]:
        edge = _need_edge(ds, self.edge_id)
        for new in (self.node_id, self.onward_id):
            if ds.has_node(new) or ds.has_edge(new):
                raise NotApplicable(f"id '{new}' is taken")
        t = TEMPLATES[self.role]
        source, target = ds.node(edge.source), ds.node(edge.target)
        node = Node(
            self.node_id,
            kind=t.kind,
            title=t.title,
            text=t.text,
            minutes=t.minutes,
            intensity=t.intensity,
            valence=t.valence,
            x=(source.x + target.x) / 2,
            y=(source.y + target.y) / 2 + 80,
            tags=list(t.tags),
        )
        onward = Edge(self.onward_id, node.id, target.id, label=t.onward_label)
        return [InsertOnEdge(self.edge_id, node, onward, f"Insert '{t.title}'")]


@dataclass(frozen=True)
class SetNodeField(Edit):
    """Lower a scene's intensity or shorten its minutes (one number)."""

    node_id: str
    value: float

    field_name: ClassVar[str] = ""
    verb: ClassVar[str] = ""

    @property
    def where(self) -> tuple[str, ...]:
        return (self.node_id,)

    def summary(self, ds: Dreamscape) -> str:
        before = getattr(ds.node(self.node_id), self.field_name) if ds.has_node(self.node_id) else 0
        return f"{self.verb} of '{_title(ds, self.node_id)}' from {before:g} to {self.value:g}"

    def changes(self, ds: Dreamscape) -> list[Change]:
        node = ds.node(self.node_id) if ds.has_node(self.node_id) else None
        before = getattr(node, self.field_name) if node else None
        return [Change("node", self.node_id, self.field_name, before, self.value)]

    def ops(self, ds: Dreamscape) -> list[Op]:
        node = _need_node(ds, self.node_id)
        if getattr(node, self.field_name) <= self.value:
            raise NotApplicable("already at or below the value")
        return [UpdateNode(self.node_id, {self.field_name: self.value}, self.verb.capitalize())]


@dataclass(frozen=True)
class LowerIntensity(SetNodeField):
    kind: ClassVar[str] = "intensity"
    field_name: ClassVar[str] = "intensity"
    verb: ClassVar[str] = "lower the intensity"


@dataclass(frozen=True)
class ShortenScene(SetNodeField):
    kind: ClassVar[str] = "minutes"
    field_name: ClassVar[str] = "minutes"
    verb: ClassVar[str] = "shorten the minutes"


@dataclass(frozen=True)
class NightmareToScene(Edit):
    """A nightmare becomes an ordinary scene (for child and teen audiences), gentler if needed."""

    kind: ClassVar[str] = "nightmare"
    node_id: str
    intensity: float

    @property
    def where(self) -> tuple[str, ...]:
        return (self.node_id,)

    def summary(self, ds: Dreamscape) -> str:
        node = ds.node(self.node_id) if ds.has_node(self.node_id) else None
        extra = (
            f", intensity {node.intensity:g} → {self.intensity:g}"
            if node and node.intensity > self.intensity
            else ""
        )
        return f"turn the nightmare '{_title(ds, self.node_id)}' into a scene{extra}"

    def changes(self, ds: Dreamscape) -> list[Change]:
        node = ds.node(self.node_id) if ds.has_node(self.node_id) else None
        out = [Change("node", self.node_id, "kind", node.kind if node else None, "scene")]
        if node and node.intensity > self.intensity:
            out.append(Change("node", self.node_id, "intensity", node.intensity, self.intensity))
        return out

    def ops(self, ds: Dreamscape) -> list[Op]:
        node = _need_node(ds, self.node_id)
        if node.kind != "nightmare":
            raise NotApplicable("not a nightmare")
        changes: dict[str, Any] = {"kind": "scene"}
        if node.intensity > self.intensity:
            changes["intensity"] = self.intensity
        return [UpdateNode(self.node_id, changes, "Nightmare to scene")]


SENTENCE = re.compile(r"[^.!?…]*[.!?…]+['\"’”]?\s*|[^.!?…]+$")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The phrase as the linter matches it: case-insensitive, word-bounded, any apostrophe."""
    words = [re.escape(w).replace("'", "['’‘]") for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def without_phrase(text: str, phrase: str) -> str:
    """The text with every sentence that uses the phrase taken out (a bare phrase removed)."""
    pattern = phrase_pattern(phrase)
    if not pattern.search(text):
        return text
    kept = [s for s in SENTENCE.findall(text) if not pattern.search(s)]
    result = "".join(kept).strip()
    if result.count('"') % 2:
        result = result.replace('"', "")
    return re.sub(r"\s{2,}", " ", result)


@dataclass(frozen=True)
class RemovePhrase(Edit):
    """Take out the sentence that pressures the dreamer to stay or sells escape from real life."""

    kind: ClassVar[str] = "text"
    element_id: str
    is_edge: bool
    field_name: str  # "text", "title" or "label"
    phrase: str

    @property
    def where(self) -> tuple[str, ...]:
        return (self.element_id,)

    def _current(self, ds: Dreamscape) -> str:
        if self.is_edge:
            return str(getattr(_need_edge(ds, self.element_id), self.field_name))
        return str(getattr(_need_node(ds, self.element_id), self.field_name))

    def _new(self, ds: Dreamscape) -> str:
        new = without_phrase(self._current(ds), self.phrase)
        if not new and self.field_name == "label":
            return "Continue"
        return new

    def summary(self, ds: Dreamscape) -> str:
        what = "transition" if self.is_edge else "scene"
        return f"remove \"{self.phrase}\" from the {self.field_name} of {what} '{self.element_id}'"

    def changes(self, ds: Dreamscape) -> list[Change]:
        try:
            before, after = self._current(ds), self._new(ds)
        except NotApplicable:
            before = after = ""
        element = "edge" if self.is_edge else "node"
        return [Change(element, self.element_id, self.field_name, before, after)]

    def ops(self, ds: Dreamscape) -> list[Op]:
        before, after = self._current(ds), self._new(ds)
        if before == after:
            raise NotApplicable("the phrase is not there")
        change = {self.field_name: after}
        if self.is_edge:
            return [UpdateEdge(self.element_id, change, "Remove phrase")]
        return [UpdateNode(self.element_id, change, "Remove phrase")]


@dataclass(frozen=True)
class CutEdge(Edit):
    """Remove a transition that closes a loop (never the last way on from a scene)."""

    kind: ClassVar[str] = "cut_edge"
    edge_id: str

    @property
    def where(self) -> tuple[str, ...]:
        return (self.edge_id,)

    def summary(self, ds: Dreamscape) -> str:
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        span = f" ('{_title(ds, edge.source)}' → '{_title(ds, edge.target)}')" if edge else ""
        return f"cut the transition '{self.edge_id}'{span} that closes a loop"

    def changes(self, ds: Dreamscape) -> list[Change]:
        edge = ds.edge(self.edge_id) if ds.has_edge(self.edge_id) else None
        span = f"{edge.source} → {edge.target}" if edge else None
        return [Change("edge", self.edge_id, "cut", span, None)]

    def ops(self, ds: Dreamscape) -> list[Op]:
        edge = _need_edge(ds, self.edge_id)
        if len(ds.out_edges(edge.source)) < 2:
            raise NotApplicable("it is the last way on from its scene")
        return [RemoveEdge(self.edge_id, "Cut loop")]


def edit_cost(edit: Edit, costs: dict[str, float]) -> float:
    """What the edit costs under the (possibly user-tuned) cost table."""
    return float(costs.get(edit.kind, DEFAULT_COSTS.get(edit.kind, 1.0)))
