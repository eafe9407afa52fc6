"""The rebalancing search: greedy best-first over candidate moves, each re-scored by the real
linter, then a minimisation pass that leaves a 1-minimal proposal, verified at full strength."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.lint import Finding, LintCancelled, LintConfig, LintReport, lint_dreamscape
from studio.lint.config import resolve_config
from studio.lint.plugins import RuleSet
from studio.lint.registry import load_rules
from studio.model import Dreamscape
from studio.model.ops import Batch, Op

from .edits import DEFAULT_COSTS, Edit, NotApplicable, edit_cost
from .generators import GenContext, Move, moves_for, why_unreachable
from .proposal import Proposal, ProposedEdit, Remaining

Progress = Callable[[float, str], None]
SEARCH_DREAMERS = 300  # fewer dreamers while searching; the final check uses the full count
FINDINGS_PER_ROUND = 8
SEARCH_SLACK = 3  # the search may hold this many times max_edits before shrinking
MARGIN = 2  # score points kept below the threshold while shrinking with fewer dreamers
CHUNKED = 60  # proposals longer than this shrink by chunks first


class SearchStopped(Exception):
    """The time budget ran out or the caller cancelled."""


@dataclass
class Outcome:
    """A candidate design's lint result, reduced to what the search compares."""

    report: LintReport

    @property
    def blocked(self) -> bool:
        return self.report.blocked

    @property
    def key(self) -> tuple[int, int, float]:
        """Fatal findings, then errors, then the uncapped points: lower is better."""
        active = self.report.active
        fatal = sum(1 for f in active if f.fatal)
        errors = sum(1 for f in active if f.severity == "error")
        return (fatal, errors, round(sum(f.points for f in active), 6))


def finding_key(f: Finding) -> tuple[str, str]:
    return (f.code, f.location or "")


class Evaluator:
    """Lints the design with a set of edits applied, on one private working copy, with a cache."""

    def __init__(
        self,
        ds: Dreamscape,
        config: LintConfig | None,
        rules: RuleSet,
        base_dir: Path | None,
        deadline: float,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.work = ds.clone()
        self.config = config
        self.rules = rules
        self.base_dir = base_dir
        self.deadline = deadline
        self.should_stop = should_stop
        self.cache: dict[tuple[object, ...], Outcome | None] = {}
        self.applied: list[tuple[Edit, Op]] = []
        self.evaluations = 0

    def check_time(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise SearchStopped("cancelled")
        if time.perf_counter() > self.deadline:
            raise SearchStopped("budget")

    def goto(self, edits: Sequence[Edit]) -> bool:
        """Bring the working copy to `edits` applied in order, reusing the common prefix of
        what is applied now; False (and the prefix kept) when an edit does not apply."""
        k = 0
        while k < len(self.applied) and k < len(edits) and self.applied[k][0].key == edits[k].key:
            k += 1
        while len(self.applied) > k:
            self.applied.pop()[1].apply(self.work)
        for edit in edits[k:]:
            try:
                inverse = Batch(edit.ops(self.work)).apply(self.work)
            except (NotApplicable, ValueError, KeyError):
                return False
            self.applied.append((edit, inverse))
        return True

    def evaluate(self, edits: Sequence[Edit], dreamers: int) -> Outcome | None:
        """The lint outcome with these edits, or None when they do not apply together."""
        key = (dreamers, *(e.key for e in edits))
        if key in self.cache:
            return self.cache[key]
        self.check_time()
        if not self.goto(edits):
            self.cache[key] = None
            return None
        try:
            report = lint_dreamscape(
                self.work,
                self.config,
                base_dir=self.base_dir,
                dreamers=dreamers,
                rules=self.rules,
                should_stop=self.should_stop,
            )
        except LintCancelled:
            raise SearchStopped("cancelled") from None
        self.evaluations += 1
        outcome = Outcome(report)
        self.cache[key] = outcome
        return outcome


def priority(f: Finding) -> tuple[int, int, float]:
    """Which findings to work on first: fatal, then errors, then the most points."""
    return (0 if f.fatal else 1, 0 if f.severity == "error" else 1, -f.points)


class Search:
    """One rebalancing run."""

    def __init__(
        self,
        ds: Dreamscape,
        evaluator: Evaluator,
        thresholds: dict[str, dict[str, float]],
        costs: dict[str, float],
        dreamers: int,
        max_edits: int,
        progress: Progress | None,
    ) -> None:
        self.ds = ds
        self.ev = evaluator
        self.thresholds = thresholds
        self.costs = costs
        self.dreamers = dreamers
        self.max_edits = max_edits
        self.progress = progress
        self.taken: set[str] = set()
        self.tried: dict[tuple[str, str], int] = {}
        self.edits: list[Edit] = []
        self.start_blockers = 1

    def say(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(max(0.0, min(1.0, fraction)), message)

    def cost(self, move: Move) -> float:
        return sum(edit_cost(e, self.costs) for e in move)

    def climb(self, outcome: Outcome, dreamers: int) -> Outcome:
        """Accept improving moves until the design passes, nothing improves, or a limit."""
        self.start_blockers = max(1, len(blockers(outcome.report)))
        while outcome.blocked:
            if len(self.edits) >= self.max_edits * SEARCH_SLACK:
                raise SearchStopped("max-edits")
            left = len(blockers(outcome.report))
            self.say(
                0.7 * (1 - left / self.start_blockers), f"{len(self.edits)} edits, {left} to go"
            )
            better = self.step(outcome, dreamers)
            if better is None:
                return outcome
            outcome = better
        return outcome

    def plans(self, outcome: Outcome) -> list[list[Move]]:
        """Moves to try, most urgent first: a batch over the most urgent rule's findings,
        then each of the most urgent findings' own candidates."""
        self.ev.goto(self.edits)
        ctx = GenContext(self.ev.work, outcome.report, self.thresholds, self.taken)
        ranked = sorted(outcome.report.active, key=priority)
        plans: list[list[Move]] = []
        urgent = ranked[0] if ranked and ranked[0].severity == "error" else None
        same = [f for f in ranked if f.code == urgent.code] if urgent else []
        if len(same) > 1:
            firsts = [m[0] for m in (moves_for(ctx, f) for f in same) if m]
            if len(firsts) > 1:
                plans.append([tuple(e for move in firsts for e in move)])
        for finding in ranked[:FINDINGS_PER_ROUND]:
            moves = moves_for(ctx, finding)
            key = finding_key(finding)
            self.tried[key] = self.tried.get(key, 0) + len(moves)
            plans.append(moves)
        return plans

    def step(self, outcome: Outcome, dreamers: int) -> Outcome | None:
        """One accepted move: the best improving candidate of the most urgent plan that has one."""
        for moves in self.plans(outcome):
            best: tuple[tuple[int, int, float], Move, Outcome] | None = None
            for move in moves:
                trial = self.ev.evaluate([*self.edits, *move], dreamers)
                if trial is None or trial.key >= outcome.key:
                    continue
                # Fewer fatal findings and errors first; then the most points saved per cost.
                saved = (outcome.key[2] - trial.key[2]) / max(0.5, self.cost(move))
                rank = (trial.key[0], trial.key[1], -saved)
                if best is None or rank < best[0]:
                    best = (rank, move, trial)
            if best is not None:
                self.edits += list(best[1])
                return best[2]
        return None

    def minimise(
        self, outcome: Outcome, dreamers: int, chunked: bool, margin: float = 0.0
    ) -> tuple[Outcome, dict[int, Outcome]]:
        """Drop edits while the design still passes, until dropping any single one blocks it.

        Chunks of edits (dearest first) are tried before single edits, so a long proposal
        with many spare edits shrinks in few lint runs. The last pass drops single edits
        and finds none to drop: its outcomes, per kept edit (by position), certify that the
        proposal is 1-minimal.
        """
        chunk = max(1, len(self.edits) // 2) if chunked else 1
        limit = outcome.report.threshold - 1 - margin
        span = (0.7, 0.85) if chunked else (0.85, 1.0)
        while True:
            order = sorted(self.edits, key=lambda e: -edit_cost(e, self.costs))
            groups = [order[k : k + chunk] for k in range(0, len(order), chunk)]
            without: dict[tuple[object, ...], Outcome] = {}
            dropped = False
            for n, group in enumerate(groups):
                done = span[0] + (span[1] - span[0]) * n / max(1, len(groups))
                self.say(done, f"checking {len(group)} of {len(self.edits)} edits")
                gone = {id(e) for e in group}
                rest = [e for e in self.edits if id(e) not in gone]
                trial = self.ev.evaluate(rest, dreamers)
                if trial is not None and not trial.blocked and trial.report.score <= limit:
                    self.edits, outcome, dropped = rest, trial, True
                elif trial is not None and len(group) == 1:
                    without[group[0].key] = trial
            if chunk == 1 and not dropped:
                kept = enumerate(self.edits)
                return outcome, {i: without[e.key] for i, e in kept if e.key in without}
            if not dropped:
                chunk = max(1, chunk // 2)


def blockers(report: LintReport) -> list[Finding]:
    """Findings that keep the gate shut: errors always, everything once the score is too high."""
    active = report.active
    if report.score >= report.threshold:
        return active
    return [f for f in active if f.severity == "error" or f.fatal]


def rebalance(
    ds: Dreamscape,
    config: LintConfig | None = None,
    *,
    rules: RuleSet | None = None,
    base_dir: str | Path | None = None,
    max_edits: int = 60,
    budget: float = 60.0,
    dreamers: int = 2000,
    search_dreamers: int = SEARCH_DREAMERS,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Proposal:
    """Propose the cheapest small set of edits that brings `ds` under the publish gate.

    `ds` is never changed. Deterministic for the same input and settings; stops at
    `budget` seconds (or when `should_stop` says so) with the best proposal found so far.
    Raises LintConfigError for unusable settings.
    """
    started = time.perf_counter()
    ruleset = rules if rules is not None else load_rules()
    base = Path(base_dir) if base_dir is not None else None
    resolved = resolve_config(ds, ruleset.rules, config, base)
    costs = {**DEFAULT_COSTS, **resolved.costs}
    ev = Evaluator(ds, config, ruleset, base, started + budget, should_stop)
    search = Search(ds, ev, resolved.thresholds, costs, dreamers, max_edits, progress)
    search.say(0.0, "linting the design")
    original = Outcome(lint_dreamscape(ds, config, base_dir=base, dreamers=dreamers, rules=ruleset))
    ev.cache[(dreamers,)] = original
    if not original.blocked:
        return _explain(ds, search, original, original, {}, None, True, started)
    outcome, stopped, minimal = original, None, False
    without: dict[int, Outcome] = {}
    try:
        outcome = search.climb(ev.evaluate([], search_dreamers) or original, search_dreamers)
        if not outcome.blocked:
            # A cheap first shrink with fewer dreamers, keeping a margin below the threshold
            # so the full-strength check that follows rarely disagrees.
            outcome, _ = search.minimise(
                outcome, search_dreamers, len(search.edits) > CHUNKED, MARGIN
            )
            verified = ev.evaluate(search.edits, dreamers)
            assert verified is not None
            if verified.blocked:  # the smaller simulation was too kind: carry on at full strength
                verified = search.climb(verified, dreamers)
            outcome = verified
            if not outcome.blocked:  # the certificate: every edit checked at full strength
                outcome, without = search.minimise(outcome, dreamers, False)
                minimal = True
    except SearchStopped as exc:
        stopped = str(exc)
    if stopped is None and len(search.edits) > max_edits:
        stopped = "max-edits"  # it passes, but needs more edits than allowed
    final = ev.cache.get((dreamers, *(e.key for e in search.edits)))
    if final is None:
        final = Outcome(
            lint_dreamscape(
                ds_with(ds, search.edits), config, base_dir=base, dreamers=dreamers, rules=ruleset
            )
        )
    search.say(1.0, "done")
    return _explain(ds, search, original, final, without, stopped, minimal, started)


def _without_with_dependents(search: Search, i: int) -> Outcome | None:
    """The outcome without edit i and the later edits that build on what it created."""
    created = set(search.edits[i].created)
    rest = [
        e for j, e in enumerate(search.edits) if j != i and not (j > i and created & set(e.where))
    ]
    try:
        return search.ev.evaluate(rest, search.dreamers)
    except SearchStopped:
        return None


def ds_with(ds: Dreamscape, edits: Sequence[Edit]) -> Dreamscape:
    """A copy of the design with the edits applied."""
    copy = ds.clone()
    for edit in edits:
        Batch(edit.ops(copy)).apply(copy)
    return copy


def _explain(
    ds: Dreamscape,
    search: Search,
    original: Outcome,
    final: Outcome,
    without: dict[int, Outcome],
    stopped: str | None,
    minimal: bool,
    started: float,
) -> Proposal:
    """Turn the search's state into an explained proposal."""
    work = ds.clone()
    present = {finding_key(f) for f in final.report.active}
    explained: list[ProposedEdit] = []
    for i, edit in enumerate(search.edits):
        summary, changes = edit.summary(work), edit.changes(work)
        Batch(edit.ops(work)).apply(work)
        alt = without.get(i)
        if alt is None and minimal:
            alt = _without_with_dependents(search, i)
        resolves = []
        if alt is not None:
            resolves = [
                f"{f.code} {f.message}" for f in alt.report.active if finding_key(f) not in present
            ]
        explained.append(
            ProposedEdit(
                edit,
                summary,
                edit_cost(edit, search.costs),
                changes,
                resolves,
                alt.report.score if alt is not None else None,
            )
        )
    report = final.report
    remaining = []
    if report.blocked:
        for f in sorted(blockers(report), key=priority):
            why = why_unreachable(f.code, ds)
            if stopped and search.tried.get(finding_key(f)):
                why = f"the search stopped ({stopped}) before resolving it"
            remaining.append(Remaining(f.code, f.severity, f.message, why))
    return Proposal(
        title=ds.meta.title,
        edits=explained,
        score_before=original.report.score,
        band_before=original.report.band,
        allowed_before=not original.blocked,
        score_after=report.score,
        band_after=report.band,
        allowed=not report.blocked,
        threshold=report.threshold,
        reasons_after=list(report.reasons),
        remaining=remaining,
        minimal=minimal or not search.edits,
        stopped=stopped,
        evaluations=search.ev.evaluations,
        seconds=time.perf_counter() - started,
    )
