"""Suppressions: `lint_ignore` on a node or edge (with a reason) and the file's own lint block.
Each records what it silenced, so stale ones can be reported (DS006). Fatal findings are never
silenced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import ResolvedConfig, selector_matches
from .rule import Finding

if TYPE_CHECKING:
    from studio.model import Dreamscape

    from .rule import Rule

UNUSED_CODE = "DS006"


@dataclass
class Suppression:
    """One `lint_ignore` entry (node, edge) or one `lint.ignore` entry of the file."""

    kind: str  # "node", "edge" or "file"
    owner: str
    code: str
    reason: str
    used: int = 0
    blocked_fatal: list[str] = field(default_factory=list)
    removable: bool = True
    message: str = ""

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.owner,) if self.kind == "node" else ()

    @property
    def edges(self) -> tuple[str, ...]:
        return (self.owner,) if self.kind == "edge" else ()


class SuppressionUsage:
    """What every suppression silenced in one run."""

    def __init__(
        self, ds: Dreamscape, config: ResolvedConfig, rules: Iterable[Rule], ran: set[str]
    ) -> None:
        self.config = config
        self.rules = {rule.code: rule for rule in rules}
        self.ran = ran
        self.by_node: dict[str, list[Suppression]] = {}
        self.by_edge: dict[str, list[Suppression]] = {}
        self.entries: list[Suppression] = []
        for node in ds.nodes:
            for code, reason in node.lint_ignore.items():
                self._add(self.by_node, Suppression("node", node.id, code.strip().upper(), reason))
        for edge in ds.edges:
            for code, reason in edge.lint_ignore.items():
                self._add(self.by_edge, Suppression("edge", edge.id, code.strip().upper(), reason))
        self.file_entries: dict[str, Suppression] = {}
        layer = config.file_layer
        for selector in (layer.ignore or []) if layer else []:
            entry = Suppression(
                "file", "lint.ignore", selector, f"ignored by the file's lint.ignore ({selector})"
            )
            self.file_entries[selector] = entry
            self.entries.append(entry)

    def _add(self, index: dict[str, list[Suppression]], entry: Suppression) -> None:
        index.setdefault(entry.owner, []).append(entry)
        self.entries.append(entry)

    def apply(self, finding: Finding) -> None:
        """Mark the finding suppressed when a suppression covers it (never when fatal)."""
        matches = [
            s
            for node in finding.nodes
            for s in self.by_node.get(node, ())
            if selector_matches(s.code, finding.code)
        ]
        matches += [
            s
            for edge in finding.edges
            for s in self.by_edge.get(edge, ())
            if selector_matches(s.code, finding.code)
        ]
        file_selector = self.config.file_suppression(finding.code)
        file_entry = self.file_entries.get(file_selector) if file_selector else None
        if finding.fatal:
            for entry in matches + ([file_entry] if file_entry else []):
                entry.blocked_fatal.append(finding.code)
            return
        if matches:
            for entry in matches:
                entry.used += 1
            finding.suppressed = True
            finding.reason = matches[0].reason
        if file_selector is not None:
            if file_entry is not None:
                file_entry.used += 1
            if not finding.suppressed:
                finding.suppressed = True
                finding.reason = (
                    file_entry.reason
                    if file_entry is not None
                    else "not selected in the file's lint block"
                )

    def unused(self) -> list[Suppression]:
        """Suppressions that silenced nothing although their rules ran."""
        out = []
        for entry in self.entries:
            if entry.used or entry.code == UNUSED_CODE:
                continue
            if entry.code == "ALL":
                matching = list(self.rules)
            else:
                matching = [code for code in self.rules if selector_matches(entry.code, code)]
            where = _where(entry)
            if entry.blocked_fatal:
                codes = ", ".join(sorted(set(entry.blocked_fatal)))
                entry.message = (
                    f"suppression of {entry.code} {where} has no effect: {codes} "
                    "is fatal and cannot be suppressed"
                )
            elif not matching:
                entry.message = f"suppression {where} names no known rule '{entry.code}'"
                entry.removable = False  # maybe a pack failed to load; let a person decide
            elif all(code in self.ran for code in matching) and (
                entry.kind != "file"
                or any(self.config.file_suppression(code) == entry.code for code in matching)
            ):
                entry.message = f"suppression of {entry.code} {where} suppressed nothing"
            else:
                continue  # some rule it names did not run here; cannot tell if it is stale
            out.append(entry)
        return out


def _where(entry: Suppression) -> str:
    if entry.kind == "node":
        return f"on node '{entry.owner}'"
    if entry.kind == "edge":
        return f"on edge '{entry.owner}'"
    return "in the file's lint.ignore"
