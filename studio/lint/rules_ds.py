"""The structural rules that ship in the core: a graph must be well-formed before it is judged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from studio.model import Edge, ExpressionError, compile_expression
from studio.model.ops import AddEdge, Op, UpdateNode, UpdateRecord

from .context import FactsUnavailable
from .rule import Finding, Fix, Rule

if TYPE_CHECKING:
    from studio.model import Dreamscape

    from .context import LintContext
    from .suppress import Suppression

FORMAT_SOURCE = "Adjuster Studio design, the .dream format"


class EntryCount(Rule):
    code = "DS001"
    name = "entry-count"
    severity = "error"
    rationale = "A dream begins at sleep onset, so a dreamscape needs exactly one entry scene."
    source = FORMAT_SOURCE

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        entries = ctx.ds.entries()
        if not entries:
            yield self.finding("no entry node: the dream has nowhere to begin at sleep onset")
        elif len(entries) > 1:
            ids = [n.id for n in entries]
            yield self.finding(
                f"{len(ids)} entry nodes ({', '.join(ids)}): a dreamscape starts "
                "at exactly one sleep-onset scene",
                nodes=ids,
            )


class UnreachableNode(Rule):
    code = "DS002"
    name = "unreachable-node"
    severity = "warning"
    rationale = (
        "A scene no dreamer can enter (no path, or no valuation of the variables that "
        "opens one) is never dreamt; it hides content from review of the real paths."
    )
    source = FORMAT_SOURCE
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        bare = _bare_reach(ctx.ds)
        for node in ctx.ds.nodes:
            if node.id not in a.reachable:
                why = (
                    "no reachable valuation of the variables opens a way in"
                    if node.id in bare
                    else "no path leads there"
                )
                yield self.finding(
                    f"'{node.display_title}' cannot be reached from the entry: {why}"
                    + a.partial_note(),
                    nodes=[node.id],
                )


def _bare_reach(ds: Dreamscape) -> set[str]:
    """Scenes a path reaches when every condition is ignored (to say why one is unreachable)."""
    entry = ds.entry
    if entry is None:
        return set()
    seen, todo = {entry.id}, [entry.id]
    while todo:
        node = todo.pop()
        if ds.node(node).kind == "exit":
            continue
        for edge in ds.out_edges(node):
            if edge.target not in seen and ds.has_node(edge.target):
                seen.add(edge.target)
                todo.append(edge.target)
    return seen


class ConditionNeverTrue(Rule):
    code = "DS007"
    name = "condition-never-true"
    severity = "warning"
    rationale = (
        "A condition that is false in every state where a dreamer meets it closes its "
        "transition for good; what lies behind it is dead content, or a logic slip."
    )
    source = FORMAT_SOURCE + " (exact analysis of the reachable valuations)"
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        yield from _condition_findings(
            self,
            ctx,
            "never",
            "is never true where it is evaluated, so the transition can never be taken",
        )


class ConditionAlwaysTrue(Rule):
    code = "DS008"
    name = "condition-always-true"
    severity = "info"
    rationale = (
        "A condition that holds in every state where a dreamer meets it gates nothing; "
        "the design probably meant it to close at some point."
    )
    source = FORMAT_SOURCE + " (exact analysis of the reachable valuations)"
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        yield from _condition_findings(
            self, ctx, "always", "is true wherever it is evaluated: it gates nothing"
        )


def _condition_findings(rule: Rule, ctx: LintContext, verdict: str, says: str) -> Iterator[Finding]:
    a = ctx.analysis
    for edge in ctx.ds.edges:
        if a.conditions.get(edge.id) != verdict:
            continue
        count = a.scenes.get(edge.source, {}).get("valuations", 0)
        plural = "valuation" if count == 1 else "valuations"
        over = f" (over the {count} {plural} that reach '{edge.source}')" if count else ""
        yield rule.finding(
            f"condition '{edge.condition}' of transition {edge.source} → {edge.target} "
            f"{says}{over}" + a.partial_note(),
            edges=[edge.id],
            nodes=[edge.source],
        )


class StallState(Rule):
    code = "DS009"
    name = "stall-state"
    severity = "error"
    rationale = (
        "A scene whose every way on is closed for the values a dreamer arrives with "
        "stalls the dream: it neither goes on nor hands the dreamer back to sleep."
    )
    source = FORMAT_SOURCE + " (exact analysis of the reachable valuations)"
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        ds = ctx.ds
        for node_id in a.stall_nodes:
            if not ds.out_edges(node_id):
                continue  # DS003 already says it has no way on at all
            w = a.witness_for("stall", node_id)
            values = w.steps[-1].variables if w is not None else {}
            shown = ", ".join(f"{k}={v}" for k, v in values.items())
            yield self.finding(
                f"'{ds.node(node_id).display_title}' stalls: every way on is closed"
                + (f" when the dreamer arrives with {shown}" if shown else "")
                + (f"; shortest walk there: {w.text()}" if w is not None else "")
                + a.partial_note(),
                nodes=[node_id],
                edges=[e.id for e in ds.out_edges(node_id)],
                witness=w,
            )


class DeadEnd(Rule):
    code = "DS003"
    name = "dead-end"
    severity = "error"
    rationale = (
        "A scene with no way on and no exit stalls the dreamer: the dream neither "
        "continues nor hands them back to natural sleep."
    )
    source = FORMAT_SOURCE

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        exits = ds.nodes_of_kind("exit")
        for node in ds.nodes:
            if node.kind != "exit" and not ds.out_edges(node.id):
                fix = None
                if exits:
                    fix = _connect_fix(node.id, exits[0].id)
                yield self.finding(
                    f"'{node.display_title}' has no way on and is not an exit",
                    nodes=[node.id],
                    fix=fix,
                )


def _connect_fix(source: str, target: str) -> Fix:
    def make(ds: Dreamscape) -> list[Op]:
        if not ds.has_node(source) or not ds.has_node(target) or ds.out_edges(source):
            return []
        edge = Edge(ds.unique_id(f"{source}_to_{target}"), source, target, label="Wake gently")
        return [AddEdge(edge)]

    return Fix(f"connect '{source}' to the exit '{target}'", make, automatic=False)


class UndefinedVariable(Rule):
    code = "DS004"
    name = "undefined-variable"
    severity = "error"
    rationale = (
        "A condition or effect that names an undeclared variable (or does not parse) "
        "makes the dream's behaviour undefined; the simulator cannot play it."
    )
    source = FORMAT_SOURCE

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        declared = ds.variables
        for node in ds.nodes:
            problems = _effect_problems(node.effects, declared) if node.effects else []
            if problems:
                yield self.finding(
                    f"'{node.display_title}': {'; '.join(problems)}", nodes=[node.id]
                )
        for edge in ds.edges:
            if not (edge.effects or edge.condition):
                continue  # most transitions: nothing to parse
            problems = _effect_problems(edge.effects, declared)
            if edge.condition:
                problems = _expression_problems("condition", edge.condition, declared) + problems
            if problems:
                yield self.finding(
                    f"transition {edge.source} → {edge.target}: {'; '.join(problems)}",
                    edges=[edge.id],
                )


def _expression_problems(where: str, source: str, declared: dict) -> list[str]:
    try:
        expr = compile_expression(source)
    except ExpressionError as exc:
        return [f"{where} does not parse ({exc})"]
    missing = sorted(name for name in expr.names if name not in declared)
    return [f"{where} reads undeclared variable '{name}'" for name in missing]


def _effect_problems(effects: dict[str, str], declared: dict) -> list[str]:
    problems = []
    for name, source in effects.items():
        if name not in declared:
            problems.append(f"effect assigns undeclared variable '{name}'")
        problems += _expression_problems(f"effect on '{name}'", source, declared)
    return problems


class MissingAsset(Rule):
    code = "DS005"
    name = "missing-asset"
    severity = "warning"
    rationale = "An asset that is not beside the file cannot be shown or packaged."
    source = FORMAT_SOURCE

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.base_dir is None:
            raise FactsUnavailable("assets not checked: the dreamscape has no folder yet")
        base = Path(ctx.base_dir)
        for node in ctx.ds.nodes:
            for asset in node.assets:
                if not (base / asset).is_file():
                    where = "the dreamscape's folder" if str(base) in ("", ".") else str(base)
                    yield self.finding(
                        f"asset '{asset}' of '{node.display_title}' is not in {where}",
                        nodes=[node.id],
                    )


class UnusedSuppression(Rule):
    """Runs after every other rule; the runner hands it what each suppression matched."""

    code = "DS006"
    name = "unused-suppression"
    severity = "info"
    rationale = (
        "A suppression that silences nothing is stale: it hides the next real finding "
        "at that place from review, so remove it."
    )
    source = "Adjuster Studio design, lint suppressions (like ruff's RUF100)"
    fixable = True
    after_suppressions = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        usage = getattr(ctx, "suppression_usage", None)
        if usage is None:
            return
        for entry in usage.unused():
            yield self.finding(
                entry.message,
                nodes=entry.nodes,
                edges=entry.edges,
                fix=_remove_suppression_fix(entry),
            )


def _remove_suppression_fix(entry: Suppression) -> Fix:
    kind, owner, code = entry.kind, entry.owner, entry.code

    def make(ds: Dreamscape) -> list[Op]:
        if kind == "node" and ds.has_node(owner):
            ignores = dict(ds.node(owner).lint_ignore)
            if ignores.pop(code, None) is not None:
                return [UpdateNode(owner, {"lint_ignore": ignores}, "Remove unused suppression")]
        elif kind == "edge" and ds.has_edge(owner):
            from studio.model.ops import UpdateEdge

            ignores = dict(ds.edge(owner).lint_ignore)
            if ignores.pop(code, None) is not None:
                return [UpdateEdge(owner, {"lint_ignore": ignores}, "Remove unused suppression")]
        elif kind == "file":
            current = list(ds.lint.get("ignore") or [])
            kept = [c for c in current if c.strip().upper() != code]
            if kept != current:
                return [UpdateRecord("lint", {"ignore": kept}, "Remove unused suppression")]
        return []

    where = {"node": f"node '{owner}'", "edge": f"edge '{owner}'", "file": "lint.ignore"}[kind]
    return Fix(
        f"remove the unused suppression of {code} from {where}", make, automatic=entry.removable
    )


CORE_RULES: tuple[type[Rule], ...] = (
    EntryCount,
    UnreachableNode,
    DeadEnd,
    UndefinedVariable,
    MissingAsset,
    UnusedSuppression,
    ConditionNeverTrue,
    ConditionAlwaysTrue,
    StallState,
)
