"""The play engine: one dreamer walking a dreamscape step by step, as the live preview does.

Entering a node applies its effects (in the order the design lists them, each seeing the
ones before); the choices are the node's out edges, enabled when their condition holds;
taking one applies the edge's effects and enters its target. An exit ends the dream; a
non-exit node with no enabled edge is a stall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.analysis.graph import positive_or
from studio.model import Dreamscape, Edge, Node
from studio.model.expressions import clamp, coerce

from .state import initial_values, try_compile, variable_bounds, variable_types


class PlayError(ValueError):
    """A request the engine cannot honour (no start node, a choice that is not on offer)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One out edge as offered to the dreamer right now."""

    edge: Edge
    enabled: bool
    condition: str | None
    probability: float
    error: str | None = None

    @property
    def target(self) -> str:
        return self.edge.target


@dataclass(frozen=True, slots=True)
class Step:
    """Where the dreamer is after a move: the node, the edge that led there, the state."""

    node: str
    edge: str | None
    variables: dict[str, Any]
    minutes: float


class PlayEngine:
    """A single dreamer's walk; history makes every move undoable."""

    def __init__(self, ds: Dreamscape, start: str | None = None) -> None:
        self.ds = ds
        self.problems: list[str] = []
        self._start = start
        self._types: dict[str, str] = variable_types(ds)
        self._bounds = variable_bounds(ds)
        self.history: list[Step] = []
        self.restart(start)

    # ----------------------------------------------------------------- state
    @property
    def current(self) -> Node:
        return self.ds.node(self.history[-1].node)

    @property
    def variables(self) -> dict[str, Any]:
        return dict(self.history[-1].variables)

    @property
    def minutes(self) -> float:
        """Dream minutes so far: every node entered, the current one included, exits excluded."""
        return self.history[-1].minutes

    @property
    def path(self) -> list[str]:
        return [step.node for step in self.history]

    @property
    def is_exit(self) -> bool:
        return self.current.kind == "exit"

    @property
    def is_stalled(self) -> bool:
        return not self.is_exit and not any(c.enabled for c in self.choices())

    # ---------------------------------------------------------------- moves
    def choices(self) -> list[Choice]:
        """Every out edge of the current node in file order; none once an exit is reached."""
        if self.is_exit:
            return []
        env = self.history[-1].variables
        raw: list[tuple[Edge, bool, str | None]] = []
        for edge in self.ds.out_edges(self.current.id):
            enabled, error = self._condition(edge, env)
            raw.append((edge, enabled, error))
        total = sum(positive_or(e.weight, 1.0) for e, ok, _ in raw if ok)
        return [
            Choice(e, ok, e.condition, positive_or(e.weight, 1.0) / total if ok else 0.0, err)
            for e, ok, err in raw
        ]

    def take(self, edge_id: str) -> Step:
        """Follow an enabled edge from the current node."""
        for choice in self.choices():
            if choice.edge.id == edge_id:
                if not choice.enabled:
                    raise PlayError(
                        f"edge '{edge_id}' is not enabled here"
                        + (f" ({choice.condition})" if choice.condition else "")
                    )
                env = dict(self.history[-1].variables)
                self._apply(choice.edge.effects, env, f"edge '{edge_id}'")
                return self._enter(self.ds.node(choice.edge.target), choice.edge.id, env)
        where = (
            "the dream has ended" if self.is_exit else f"no such edge leaves '{self.current.id}'"
        )
        raise PlayError(f"cannot take '{edge_id}': {where}")

    def rewind(self) -> bool:
        """Undo the last move; False when already at the start."""
        if len(self.history) <= 1:
            return False
        self.history.pop()
        return True

    def restart(self, start: str | None = None) -> None:
        """Begin again with fresh variables, at `start`, else where this engine started, else the entry."""
        if start is not None:
            self._start = start
        node_id = self._start if self._start is not None and self.ds.has_node(self._start) else None
        if node_id is None:
            entry = self.ds.entry
            if entry is None:
                raise PlayError(
                    "the dreamscape has no single entry node; choose a node to start from"
                )
            node_id = entry.id
        self.problems = []
        self.history = []
        self._enter(self.ds.node(node_id), None, initial_values(self.ds, self._types))

    def rebind(self, ds: Dreamscape) -> None:
        """Follow an edited document: stay on the current node if it still exists.

        Steps on deleted nodes drop out of the history, so a dreamer whose scene was
        deleted steps back to the last scene still there; with none left, restart.
        """
        self.ds = ds
        self._types = variable_types(ds)
        self._bounds = variable_bounds(ds)
        fresh = initial_values(ds, self._types)
        self.history = [
            Step(
                s.node,
                s.edge if s.edge is None or ds.has_edge(s.edge) else None,
                {name: s.variables.get(name, fresh[name]) for name in self._types},
                s.minutes,
            )
            for s in self.history
            if ds.has_node(s.node)
        ]
        if not self.history:
            self.restart()

    # -------------------------------------------------------------- helpers
    def _enter(self, node: Node, edge_id: str | None, env: dict[str, Any]) -> Step:
        self._apply(node.effects, env, f"node '{node.id}'")
        before = self.history[-1].minutes if self.history else 0.0
        minutes = before if node.kind == "exit" else before + positive_or(node.minutes, 0.0)
        step = Step(node.id, edge_id, env, minutes)
        self.history.append(step)
        return step

    def _condition(self, edge: Edge, env: dict[str, Any]) -> tuple[bool, str | None]:
        if edge.condition is None:
            return True, None
        expr, error = try_compile(edge.condition)
        if expr is None:
            return False, error
        try:
            return bool(expr.evaluate(env)), None
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            return False, f"'{edge.condition}': {exc}"

    def _apply(self, effects: dict[str, str], env: dict[str, Any], owner: str) -> None:
        for name, source in effects.items():
            expr, error = try_compile(source)
            if expr is None:
                self._problem(f"{owner}: effect on {name}: {error}")
                continue
            try:
                value = coerce(expr.evaluate(env), self._types.get(name, "float"))
                env[name] = clamp(value, *self._bounds.get(name, (None, None)))
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                self._problem(f"{owner}: effect on {name}: {exc}")

    def _problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
