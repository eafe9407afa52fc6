"""The dream should point back to waking life and the people in it (SOC rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studio.lint import Finding, Rule, exceedance_below

if TYPE_CHECKING:
    from studio.lint import LintContext

HERE = Path(__file__).resolve().parent
HUMANE = "Center for Humane Technology"
ESCAPE = "DSM-5 Internet Gaming Disorder, criterion 8 (play to escape a negative mood)"


class NoRealityAnchor(Rule):
    code = "SOC001"
    name = "no-reality-anchor"
    severity = "warning"
    rationale = (
        "Reality Somnos anchors remind the dreamer of waking life; nearly every "
        "dreamer who finishes should have passed one."
    )
    source = f"{ESCAPE}; {HUMANE} (stopping cues)"
    thresholds = {"min_share": 0.9}
    needs = ("analysis", "simulation")

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        limit = ctx.thresholds(self)["min_share"]
        reachable = ctx.analysis.reachable
        anchors = [n.id for n in ds.nodes if n.kind == "anchor" and n.id in reachable]
        if not anchors:
            yield self.finding(
                "no anchor scene (a reminder of waking life) can be reached",
                nodes=[ds.entry.id] if ds.entry else [],
                exceedance=exceedance_below(0.0, limit),
            )
            return
        r = ctx.simulation
        finished = np.asarray(r.finished, dtype=bool)
        passed = np.asarray(r.anchors) > 0
        group = "finishing" if finished.any() else "simulated"
        pool = passed[finished] if finished.any() else passed
        if pool.size == 0:
            return
        share = float(np.mean(pool))
        if share < limit:
            yield self.finding(
                f"only {share:.0%} of {group} dreamers pass an anchor scene (at least "
                f"{limit:.0%} expected)",
                nodes=anchors,
                exceedance=exceedance_below(share, limit),
            )


class Isolation(Rule):
    code = "SOC002"
    name = "isolation"
    severity = "warning"
    rationale = (
        "A dream with no time with the real people in the sleeper's life replaces "
        "them instead of bringing them closer."
    )
    source = "DSM-5 Internet Gaming Disorder (giving up relationships); " + HUMANE
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        reachable = ctx.analysis.reachable
        if not any(n.kind == "social" and n.id in reachable for n in ds.nodes):
            yield self.finding(
                "no social scene (time with a real person in the sleeper's life) can be reached",
                nodes=[ds.entry.id] if ds.entry else [],
            )


# ------------------------------------------------------------------ text rules
@lru_cache(maxsize=1 << 17)
def _normal(text: str) -> str:
    """Curly quotes straight, whitespace single, lower case; cached for the two phrase rules."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).lower()


@cache
def phrase_matcher(filename: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One word-bounded alternation over normalised text for a phrase list kept as data."""
    phrases = []
    for line in (HERE / filename).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            phrases.append(line)
    canonical = {_normal(p): p for p in phrases}
    parts = [re.escape(phrase) for phrase in sorted(canonical, key=len, reverse=True)]
    # Lower-case literals without IGNORECASE let the engine skip ahead on first letters.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
    return pattern, canonical


def find_phrases(text: str, filename: str) -> list[str]:
    """The listed phrases present in `text`, in order of first appearance, each once."""
    return list(_scan(text, filename)) if text else []


@lru_cache(maxsize=1 << 17)
def _scan(text: str, filename: str) -> tuple[str, ...]:
    """One pass over the normalised text, cached: live runs rescan unchanged scenes."""
    pattern, canonical = phrase_matcher(filename)
    return tuple(dict.fromkeys(canonical[m.group(0)] for m in pattern.finditer(_normal(text))))


class _PhraseRule(Rule):
    phrase_file = ""
    what = ""

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        for node in ds.nodes:
            found = find_phrases(f"{node.title}\n{node.text}", self.phrase_file)
            if found:
                yield self.finding(
                    f"'{node.display_title}' {self.what}: " + ", ".join(f'"{p}"' for p in found),
                    nodes=[node.id],
                )
        for edge in ds.edges:
            found = find_phrases(edge.label, self.phrase_file)
            if found:
                yield self.finding(
                    f"transition '{edge.label}' ({edge.source} → {edge.target}) "
                    f"{self.what}: " + ", ".join(f'"{p}"' for p in found),
                    edges=[edge.id],
                )


class ImpliedObligation(_PhraseRule):
    code = "SOC003"
    name = "implied-obligation"
    severity = "warning"
    rationale = (
        "Text that guilts the dreamer for leaving or urges them to return turns rest "
        "into an obligation."
    )
    source = (
        f"{HUMANE} (implied obligation); Mathur et al. 2019 (confirmshaming); "
        'Zagal et al. 2013 ("playing by appointment")'
    )
    phrase_file = "implied_obligation.txt"
    what = "pressures the dreamer to stay or return"


class EscapeFraming(_PhraseRule):
    code = "SOC004"
    name = "escape-framing"
    severity = "info"
    rationale = (
        "Promising escape from real life sells the dream as a refuge from the "
        "sleeper's problems rather than a rest from them."
    )
    source = ESCAPE
    phrase_file = "escape_framing.txt"
    what = "promises escape from real life"
