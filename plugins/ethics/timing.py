"""The dream must fit the night and give the sleeper moments to stop (TMP rules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from studio.lint import Finding, Rule, exceedance_above

if TYPE_CHECKING:
    from studio.lint import LintContext

DURATION = "ICD-11 6C51 gaming disorder (impaired control over duration)"


def common_end(ctx: LintContext, ends: np.ndarray) -> list[str]:
    """The node where most of the flagged stretches ended (simulation arrays hold indexes)."""
    counts = Counter(int(i) for i in ends if i >= 0)
    ordered = [ctx.node_at(i) for i, _ in counts.most_common(3)]
    return [n for n in ordered if n is not None]


def stretch_finding(
    rule: Rule,
    ctx: LintContext,
    stretch_values: object,
    end_values: object,
    limit: float,
    pct: float,
    doing: str,
) -> Iterator[Finding]:
    """One finding when the pct-th percentile of simulated stretches passes the limit."""
    stretch = np.asarray(stretch_values, dtype=float)
    if stretch.size == 0:
        return
    value = float(np.percentile(stretch, pct))
    if value > limit:
        flagged = stretch > limit
        ends = common_end(ctx, np.asarray(end_values)[flagged])
        where = f", mostly ending at '{ends[0]}'" if ends else ""
        yield rule.finding(
            f"{float(np.mean(flagged)):.0%} of simulated dreamers {doing} (p{pct:g}: "
            f"{value:.0f} minutes{where})",
            nodes=ends,
            exceedance=exceedance_above(value, limit),
        )


class NightOverrun(Rule):
    code = "TMP001"
    name = "night-overrun"
    severity = "error"
    rationale = (
        "A dream the typical dreamer is expected to dream longer than the night's REM "
        "time (or never leave) cannot end on its own: the sleeper wakes mid-dream or is "
        "carried into the next night."
    )
    source = DURATION
    needs = ("analysis",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        a = ctx.analysis
        rem = ctx.ds.night.total_rem_minutes
        expected = a.expected_minutes
        if a.entry is None:
            return
        if expected is not None and expected <= rem:
            return
        w = a.overrun_witness(rem)
        walk = f"; fewest steps past the night: {w.text()}" if w is not None else ""
        if expected is None:
            never = 1.0 - a.exit_probability
            yield self.finding(
                f"{_share(never)} of typical dreamers never reach an exit (exit probability "
                f"{_share(a.exit_probability)}), so the expected dream outlasts the night's "
                f"{rem:g} REM minutes{walk}" + a.partial_note(),
                nodes=[a.entry],
                exceedance=2.0,
                witness=w,
            )
        else:
            yield self.finding(
                f"expected dream time {expected:.0f} minutes (typical dreamer) exceeds the "
                f"night's {rem:g} REM minutes{walk}" + a.partial_note(),
                nodes=[a.entry],
                exceedance=exceedance_above(expected, rem),
                witness=w,
            )


def _share(p: float) -> str:
    """A probability as a percentage that never rounds a real chance to 0% or 100%."""
    text = f"{p:.1%}"
    if p > 0 and text == "0.0%":
        return "under 0.1%"
    if p < 1 and text == "100.0%":
        return "over 99.9%"
    return text


class RemSprawl(Rule):
    code = "TMP002"
    name = "rem-sprawl"
    severity = "warning"
    rationale = (
        "A dream the typical sleeper resumes across many REM windows becomes an "
        "appointment the sleeper keeps all night instead of a visit."
    )
    source = 'Zagal et al. 2013 ("playing by appointment"); ' + DURATION
    thresholds = {"max_windows": 2}
    needs = ("simulation",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        r = ctx.simulation
        limit = ctx.thresholds(self)["max_windows"]
        windows = np.asarray(r.rem_windows)
        if windows.size == 0:
            return
        median = float(np.median(windows))
        if median > limit:
            yield self.finding(
                f"the median simulated dreamer spans {median:g} REM windows (more than "
                f"{limit:g}); {float(np.mean(windows > limit)):.0%} of dreamers do",
                nodes=[ctx.ds.entry.id] if ctx.ds.entry else [],
                exceedance=exceedance_above(median, limit),
            )


class NoStoppingCue(Rule):
    code = "TMP003"
    name = "no-stopping-cue"
    severity = "warning"
    rationale = (
        "Long stretches with no reminder of waking life, no real person and no way "
        "out remove the natural points where a sleeper would stop."
    )
    source = "Center for Humane Technology (stopping cues)"
    thresholds = {"max_minutes": 45, "percentile": 90}
    needs = ("simulation",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        r = ctx.simulation
        limits = ctx.thresholds(self)
        limit, pct = limits["max_minutes"], limits["percentile"]
        yield from stretch_finding(
            self,
            ctx,
            r.longest_no_cue_minutes,
            r.longest_no_cue_end,
            limit,
            pct,
            f"go more than {limit:g} dream minutes without an anchor, social scene or exit",
        )
