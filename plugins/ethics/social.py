"""The dream should point back to waking life and the people in it (SOC rules)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import accumulate
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
def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).lower()


def _fold(text: str) -> str:
    """Lower case with straight quotes, for a pattern of lower-case literals."""
    return text.lower().replace("’", "'").replace("‘", "'")


@cache
def phrase_matcher(filename: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One word-bounded alternation over folded text for a phrase list kept as data."""
    phrases = []
    for line in (HERE / filename).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            phrases.append(line)
    canonical = {_normal(p): p for p in phrases}
    parts = []
    for phrase in sorted(canonical, key=len, reverse=True):
        parts.append(r"\s+".join(re.escape(w) for w in phrase.split(" ")))
    # Lower-case literals without IGNORECASE let the engine skip ahead on first letters.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
    return pattern, canonical


# Between texts: neither a word character nor whitespace, so no phrase spans two texts.
_SEPARATOR = "\x00"


def phrases_by_text(texts: Sequence[str], filename: str) -> dict[int, list[str]]:
    """For each text holding listed phrases, its index and the phrases in order, each once.

    One scan of all texts joined: a per-text call costs more than the matching itself.
    """
    pattern, canonical = phrase_matcher(filename)
    joined = _SEPARATOR.join(texts)
    folded = _fold(joined)
    if len(folded) != len(joined):  # a letter whose lower case is longer: fold one by one
        folded = _SEPARATOR.join(_fold(t) for t in texts)
        texts = [_fold(t) for t in texts]
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    found: dict[int, dict[str, None]] = {}
    for match in pattern.finditer(folded):
        index = bisect_right(starts, match.start()) - 1
        phrase = canonical.get(_normal(match.group(0)), match.group(0))
        found.setdefault(index, {})[phrase] = None
    return {index: list(phrases) for index, phrases in found.items()}


def find_phrases(text: str, filename: str) -> list[str]:
    """The listed phrases present in `text`, in order of first appearance, each once."""
    return phrases_by_text([text], filename).get(0, []) if text else []


class _PhraseRule(Rule):
    phrase_file = ""
    what = ""

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        ds = ctx.ds
        nodes = phrases_by_text([f"{n.title}\n{n.text}" for n in ds.nodes], self.phrase_file)
        for index, found in sorted(nodes.items()):
            node = ds.nodes[index]
            yield self.finding(
                f"'{node.display_title}' {self.what}: " + ", ".join(f'"{p}"' for p in found),
                nodes=[node.id],
            )
        edges = phrases_by_text([e.label for e in ds.edges], self.phrase_file)
        for index, found in sorted(edges.items()):
            edge = ds.edges[index]
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
