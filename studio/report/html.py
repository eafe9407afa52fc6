"""The human-readable ethics report: one self-contained HTML page (inline CSS and SVG, no
scripts, nothing fetched) rendered from the report data a package also stores as JSON.

Shared by the package exporter and the app's review and export dialogs. Every piece of
author text is escaped; the page declares a content security policy that forbids scripts.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from studio.lint.vocabulary import BAND_COLOURS
from studio.model import Night

from .night import dream_segments, hypnogram_steps
from .numbers import points_text
from .svg_plots import Band, Series, fmt, gauge, histogram, hypnogram, line_chart

MAX_LISTED = 40

_CSS = """
:root { color-scheme: light; --ink: #1f2430; --muted: #6b7280; --line: #e5e7eb;
  --ok: #2e7d4f; --bad: #b3261e; --warn: #b26a00; --card: #ffffff; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 20px 60px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 2px 0; color: var(--muted); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 13px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin-top: 18px; }
section h2 { margin: 0 0 12px; font-size: 18px; }
.verdict { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.verdict .gate { flex: 1; min-width: 280px; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600;
  font-size: 13px; color: #fff; }
.allowed { background: var(--ok); } .blocked { background: var(--bad); }
.gate h3 { margin: 6px 0; font-size: 20px; }
.gate ul { margin: 6px 0; padding-left: 20px; }
.review { margin-top: 10px; padding: 10px 12px; border-left: 4px solid var(--line);
  background: var(--bg); border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { height: 8px; border-radius: 4px; background: #3b5bdb; min-width: 2px; }
.sev { font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.sev-error { color: var(--bad); } .sev-warning { color: var(--warn); } .sev-info { color: #3b5bdb; }
.finding { border-top: 1px solid var(--line); padding: 12px 0; }
.finding:first-of-type { border-top: 0; padding-top: 0; }
.finding h3 { margin: 0 0 4px; font-size: 16px; }
.finding p { margin: 4px 0; }
.finding ul { margin: 4px 0; padding-left: 20px; } .finding li { margin: 4px 0; }
.pts { color: var(--muted); white-space: nowrap; }
.finding .why { color: var(--muted); font-size: 14px; }
.suppressed { opacity: .7; }
.tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 4px;
  background: var(--bg); border: 1px solid var(--line); margin-right: 4px; }
.fatal { background: var(--bad); color: #fff; border-color: var(--bad); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; }
.stat { background: var(--bg); border-radius: 8px; padding: 8px 12px; }
.stat b { display: block; font-size: 20px; }
.stat span { color: var(--muted); font-size: 13px; }
.figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr));
  gap: 8px 20px; }
figure { margin: 16px 0 0; } figure svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; }
footer { color: var(--muted); font-size: 13px; margin-top: 24px; }
code, .mono, .hash { overflow-wrap: anywhere; word-break: break-word; }
td { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 14px 8px 40px; }
  section { padding: 12px 12px; border-radius: 8px; }
  header h1 { font-size: 21px; }
  .verdict { flex-direction: column; align-items: flex-start; gap: 8px; }
  .verdict .gate { min-width: 0; }
  .verdict svg { max-width: 160px; height: auto; }
  th, td { padding: 5px 4px; }
  .ledger .barcol, .ledger .sevcol { display: none; }
  .figs { grid-template-columns: 1fr; }
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .stat b { font-size: 18px; }
}
@media print {
  @page { margin: 14mm 12mm; }
  :root { --bg: #ffffff; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section { border: 0; border-radius: 0; padding: 0; margin-top: 14pt; break-inside: auto; }
  section h2 { break-after: avoid; }
  .finding, tr, figure, .stat, .verdict, li { break-inside: avoid; }
  .stat, .review, .tag { background: none; }
  .stat { border: 1px solid var(--line); }
  .pill, .fatal, .bar { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .figs { grid-template-columns: 1fr 1fr; }
  .finding .why { font-size: 10pt; }
}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _pct(value: Any) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return f"{value * 100:.1f}%"


def _num(value: Any, unit: str = "") -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return f"{fmt(value)}{unit}"


def _ids(ids: list[str], titles: dict[str, str], limit: int = MAX_LISTED) -> str:
    shown = []
    for node_id in ids[:limit]:
        title = titles.get(node_id)
        label = f"<code>{_e(node_id)}</code>" + (f" ({_e(title)})" if title else "")
        shown.append(label)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(shown) + more


def _header(report: dict[str, Any]) -> str:
    ds = report.get("dreamscape", {})
    audience = str(ds.get("audience", "adult"))
    facts = [f"for {'an' if audience[:1] in 'aeiou' else 'a'} {_e(audience)} audience"]
    if ds.get("author"):
        facts.insert(0, f"by {_e(ds['author'])}")
    facts.append(f"{ds.get('nodes', 0)} scenes, {ds.get('edges', 0)} transitions")
    return (
        f"<header><h1>{_e(report.get('title'))}</h1>"
        f"<p>Escapism-risk ethics report · {' · '.join(facts)}</p>"
        f"<p>Content sha256 <code>{_e(report.get('content_sha256'))}</code> · "
        f"Adjuster Studio {_e(report.get('studio_version'))}</p></header>"
    )


def _signature_html(review: dict[str, Any], check: Any) -> str:
    """Who signed the review, with the key id, and what the studio made of the signature."""
    label = check.get("label") if isinstance(check, dict) else None
    if not review.get("signature"):
        return "<b>Unsigned</b>: nobody vouches for this review. "
    signer = (
        f"Signed by {_e(review.get('reviewer'))} with key <code>{_e(review.get('key_id'))}</code>"
    )
    return signer + (f" ({_e(label)}). " if label else ". ")


def _verdict(report: dict[str, Any]) -> str:
    lint = report.get("lint", {})
    gate = report.get("gate", {})
    allowed = bool(gate.get("allowed"))
    pill = (
        '<span class="pill allowed">Export allowed</span>'
        if allowed
        else '<span class="pill blocked">Export blocked</span>'
    )
    reasons = "".join(f"<li>{_e(r)}</li>" for r in gate.get("reasons", []))
    review = gate.get("review")
    if review:
        just = f"<p>“{_e(review.get('justification'))}”</p>" if review.get("justification") else ""
        review_html = (
            f'<div class="review"><b>{_e(review.get("decision", "")).capitalize()}</b> '
            f"by {_e(review.get('reviewer'))} on {_e(review.get('time'))}, having seen "
            f"score {_e(review.get('score'))} ({_e(review.get('band'))}). "
            f"{_signature_html(review, gate.get('signature'))}{just}</div>"
        )
    else:
        review_html = '<div class="review">No reviewer has signed off this exact content.</div>'
    score = int(lint.get("score", 0))
    band = str(lint.get("band", "none"))
    threshold = lint.get("threshold")
    return (
        f'<section class="verdict" aria-label="Verdict">{gauge(score, band, threshold)}'
        f'<div class="gate">{pill}<h3>{_e(gate.get("headline", ""))}</h3>'
        f"<p>Score {score}/100 ({_e(band)} risk); the gate closes at "
        f"{_num(threshold)}, on any unsuppressed error, and on any fatal finding.</p>"
        f"{'<ul>' + reasons + '</ul>' if reasons else ''}{review_html}</div></section>"
    )


def _ledger(report: dict[str, Any], titles: dict[str, str]) -> str:
    """Points per rule (each finding itself is listed once, under Findings)."""
    lint = report.get("lint", {})
    ledger = lint.get("ledger", [])
    if not ledger:
        return (
            "<section><h2>Score ledger</h2><p>No unsuppressed finding: nothing adds to "
            "the score.</p></section>"
        )
    by_code: dict[str, list[dict[str, Any]]] = {}
    for row in ledger:
        by_code.setdefault(str(row.get("code")), []).append(row)
    sums = {code: sum(float(r.get("points", 0)) for r in rows) for code, rows in by_code.items()}
    top = max(sums.values(), default=1) or 1
    rows_html = []
    for code, rows in sorted(by_code.items(), key=lambda item: -sums[item[0]]):
        width = max(2, round(sums[code] / top * 100))
        fatal = ' <span class="tag fatal">fatal</span>' if any(r.get("fatal") for r in rows) else ""
        severity = _e(rows[0].get("severity"))
        rows_html.append(
            f"<tr><td><code>{_e(code)}</code>{fatal}</td>"
            f'<td class="sev sev-{severity} sevcol">{severity}</td>'
            f'<td class="num">{len(rows)}</td>'
            f'<td class="num">{points_text(sums[code])}</td>'
            f'<td class="barcol"><div class="bar" style="width:{width}%"></div></td></tr>'
        )
    total = sum(sums.values())
    note = (
        " A fatal finding pins the score to 100."
        if lint.get("fatal")
        else " The score is the sum, capped at 100."
    )
    return (
        f"<section><h2>Score ledger</h2><p>Points per rule: severity "
        f"base (error 20, warning 8, info 2) × how far past its threshold (up to 2×).{note}</p>"
        '<table class="ledger"><thead><tr><th>Rule</th><th class="sevcol">Severity</th>'
        '<th class="num">Findings</th><th class="num">Points</th>'
        '<th class="barcol" style="width:30%"></th></tr></thead><tbody>'
        + "".join(rows_html)
        + f'</tbody><tfoot><tr><th>Total</th><th class="sevcol"></th><th class="num">'
        f'{len(ledger)}</th><th class="num">{points_text(total)}</th>'
        f'<th class="barcol">score {int(lint.get("score", 0))}</th></tr></tfoot></table>'
        "</section>"
    )


def _instance(f: dict[str, Any], titles: dict[str, str]) -> str:
    """One finding of a rule: its message, where, points, suppression and fix."""
    tags = []
    if f.get("suppressed"):
        tags.append(f'<span class="tag">suppressed: {_e(f.get("reason"))}</span>')
    where = _ids(list(f.get("nodes", [])), titles)
    edges = ", ".join(f"<code>{_e(e)}</code>" for e in f.get("edges", [])[:MAX_LISTED])
    loc = " · ".join(
        x
        for x in (f"scenes {where}" if where else "", f"transitions {edges}" if edges else "")
        if x
    )
    fix = f.get("fix") or {}
    return (
        f'<li class="{"suppressed" if f.get("suppressed") else ""}">'
        f"{_e(f.get('message'))} {' '.join(tags)}"
        + (f"<br><small>{loc}</small>" if loc else "")
        + (
            f"<br><small><b>Suggested fix:</b> {_e(fix.get('description'))}</small>"
            if fix.get("description")
            else ""
        )
        + f' <small class="pts">{points_text(float(f.get("points", 0)))} pts</small></li>'
    )


def _findings(report: dict[str, Any], titles: dict[str, str]) -> str:
    findings = report.get("lint", {}).get("findings", [])
    if not findings:
        return "<section><h2>Findings</h2><p>The linter found nothing to report.</p></section>"
    by_code: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_code.setdefault(str(f.get("code")), []).append(f)
    parts = []
    for code, group in by_code.items():
        first = group[0]
        sev = _e(first.get("severity"))
        tags = [f'<span class="sev sev-{sev}">{sev}</span>']
        if any(f.get("fatal") for f in group):
            tags.append('<span class="tag fatal">fatal: cannot be overridden</span>')
        count = f" ×{len(group)}" if len(group) > 1 else ""
        items = "".join(_instance(f, titles) for f in group)
        parts.append(
            f'<div class="finding" id="rule-{_e(code)}"><h3><code>{_e(code)}</code> {_e(first.get("name"))}{count} '
            f"{' '.join(tags)}</h3><ul>{items}</ul>"
            f'<p class="why"><b>Why it matters:</b> {_e(first.get("rationale") or "—")}'
            + (f" <i>Source: {_e(first.get('source'))}</i>" if first.get("source") else "")
            + "</p></div>"
        )
    active = sum(1 for f in findings if not f.get("suppressed"))
    return (
        f"<section><h2>Findings</h2><p>{active} counted, {len(findings) - active} "
        "suppressed with a recorded reason; grouped by rule.</p>" + "".join(parts) + "</section>"
    )


def _simulation(report: dict[str, Any]) -> str:
    sim = report.get("simulation")
    if not sim:
        notes = "".join(f"<li>{_e(n)}</li>" for n in report.get("lint", {}).get("notes", []))
        return (
            "<section><h2>Simulated night</h2><p>The night simulation did not run for this "
            f"report.</p>{'<ul>' + notes + '</ul>' if notes else ''}</section>"
        )
    s = sim.get("summary", {})
    rem = report.get("dreamscape", {}).get("rem_minutes")
    stats = [
        (_pct(s.get("finished_fraction")), "reach an exit within the night"),
        (_pct(s.get("captured_fraction")), "captured for the whole night"),
        (_num(s.get("median_minutes"), " min"), "median dream minutes to exit"),
        (_num(s.get("p95_minutes"), " min"), "95th percentile to exit"),
        (_num(s.get("mean_rem_windows")), "REM windows spanned (mean)"),
        (_pct(s.get("anchor_coverage")), "of finishers pass a reality anchor"),
        (_pct(s.get("social_coverage")), "of finishers meet a real person"),
        (_num(s.get("reward_rate")), "rewards per dream minute"),
    ]
    grid = "".join(
        f'<div class="stat"><b>{v}</b><span>{_e(label)}</span></div>' for v, label in stats
    )
    markers = [(float(rem), "night's REM ends")] if isinstance(rem, int | float) else []
    figures = []
    surv = sim.get("survival") or {}
    if surv.get("t"):
        figures.append(
            (
                line_chart(
                    surv["t"],
                    [Series("still dreaming", surv["p"], "#3b5bdb")],
                    title="Survival: share of dreamers still dreaming",
                    x_label="dream minutes",
                    y_label="still dreaming",
                    y_range=(0.0, 1.0),
                    y_format="percent",
                    markers=markers,
                    description="P(still dreaming after t dream minutes) over the simulated dreamers",
                ),
                "A curve that stays high means dreamers cannot find a way out.",
            )
        )
    band = sim.get("intensity") or {}
    high = band.get("high")  # set by the intensity rules' thresholds, as the simulation used
    levels = [(float(high), "high intensity (INT001)")] if high is not None else []
    limit = report.get("dreamscape", {}).get("intensity_limit")
    audience = report.get("dreamscape", {}).get("audience") or "this"
    if isinstance(limit, int | float):
        levels.append((float(limit), f"{audience} limit {fmt(float(limit))} (INT002)"))
    if band.get("t"):
        figures.append(
            (
                line_chart(
                    band["t"],
                    [Series("mean", band["mean"], "#c0392b")],
                    bands=[Band("10th–90th percentile", band["p10"], band["p90"], "#c0392b")],
                    title="Intensity over dream time",
                    x_label="dream minutes",
                    y_label="intensity",
                    y_range=(0.0, 1.0),
                    levels=levels,
                    description="Mean and 10th–90th percentile intensity of dreamers still dreaming",
                ),
                (
                    f"Long stretches above {fmt(high)} without a cooldown are what INT001 flags."
                    if high is not None
                    else "No intensity rule set a level for this run."
                ),
            )
        )
    hist = sim.get("histogram") or {}
    if hist.get("edges"):
        median = s.get("median_minutes")
        figures.append(
            (
                histogram(
                    hist["edges"],
                    hist["counts"],
                    title="Minutes to exit",
                    x_label="dream minutes",
                    y_label="dreamers",
                    colour="#2e7d4f",
                    markers=[(float(median), "median")] if isinstance(median, int | float) else (),
                    empty_note="No dreamer reached an exit within the night",
                    description="How long finishing dreamers dreamt before reaching an exit",
                ),
                "Only dreamers who reached an exit within the night are counted.",
            )
        )
    night = _night_figure(report, s)
    if night is not None:
        figures.append(night)
    figs = "".join(
        f"<figure>{svg}<figcaption>{_e(cap)}</figcaption></figure>" for svg, cap in figures
    )
    return (
        f"<section><h2>Simulated night</h2><p>{_e(s.get('dreamers'))} dreamers, seed "
        f"{_e(s.get('seed'))}, played only inside the night's REM windows "
        f'({_num(rem, " minutes")}).</p><div class="grid">{grid}</div>'
        f'<div class="figs">{figs}</div></section>'
    )


def _night_figure(report: dict[str, Any], summary: dict[str, Any]) -> tuple[str, str] | None:
    """The hypnogram the app draws: stages, REM windows, where the median dream sits."""
    data = report.get("dreamscape", {}).get("night")
    if not isinstance(data, dict) or not data.get("rem_minutes"):
        return None
    night = Night(
        float(data.get("onset_minutes", 15)),
        float(data.get("cycle_minutes", 90)),
        [float(m) for m in data["rem_minutes"]],
    )
    finished = summary.get("finished_fraction")
    median = summary.get("median_minutes")
    captured = not isinstance(finished, int | float) or finished < 0.5
    dream_minutes = None if captured or not isinstance(median, int | float) else float(median)
    xs, ys = hypnogram_steps(night)
    svg = hypnogram(
        xs,
        ys,
        night.rem_windows(),
        dream_segments(night, dream_minutes),
        captured=dream_minutes is None,
        title="The night",
        description="Sleep stages over the night; shaded REM windows; thick bars: the median "
        "dreamer's dream",
    )
    caption = (
        "The median dreamer is still dreaming at dawn: every REM window is the dream's."
        if dream_minutes is None
        else "Thick bars: where the median dreamer's dream sits in the REM windows."
    )
    return svg, caption


def _analysis(report: dict[str, Any], titles: dict[str, str]) -> str:
    a = report.get("analysis")
    if not a:
        return ""
    traps = list(a.get("trap_nodes", []))
    unreachable = list(a.get("unreachable_nodes", []))
    rows = [
        ("Chance of reaching an exit (typical dreamer)", _pct(a.get("exit_probability"))),
        (
            "Expected dream minutes from sleep onset to exit",
            _num(a.get("expected_minutes"), " min"),
        ),
        ("Scenes from which no exit can be reached", _ids(traps, titles) if traps else "none"),
        ("Scenes that can never be reached", _ids(unreachable, titles) if unreachable else "none"),
    ]
    for name, d in (a.get("dreamers") or {}).items():
        rows.append(
            (
                f"{name.capitalize()} dreamer: chance to wake, expected minutes",
                f"{_pct(d.get('exit_probability'))}, {_num(d.get('expected_minutes'), ' min')}",
            )
        )
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    method = "bounded (partial figures)" if a.get("method") == "bounded" else "exact"
    return (
        "<section><h2>Exact analysis</h2><p>Every (scene, variable) state a dreamer can reach, "
        f"{_e(a.get('states'))} of them, {method} (solver: {_e(a.get('solver'))}).</p>"
        f"<table>{body}</table>{_witnesses(a, titles)}</section>"
    )


def _witnesses(a: dict[str, Any], titles: dict[str, str]) -> str:
    """The witness walks: how a dreamer gets out, or into each trap and stall."""
    items = []
    for w in a.get("witnesses") or []:
        steps = " → ".join(_e(titles.get(s.get("scene"), s.get("scene"))) for s in w["steps"])
        last = w["steps"][-1].get("variables", {}) if w.get("steps") else {}
        values = ", ".join(f"{_e(k)} = {_e(v)}" for k, v in last.items())
        items.append(
            f"<li><b>{_e(w.get('kind'))}</b>: {steps}"
            + (f" <i>({values})</i>" if values else "")
            + "</li>"
        )
    return f"<h3>Witness walks</h3><ul>{''.join(items)}</ul>" if items else ""


def _footer(report: dict[str, Any]) -> str:
    lint = report.get("lint", {})
    extra = [*lint.get("notes", []), *lint.get("rule_errors", []), *lint.get("plugin_errors", [])]
    items = "".join(f"<li>{_e(x)}</li>" for x in extra)
    settings = lint.get("settings", {})
    rules = ", ".join(lint.get("rules_run", []))
    return (
        f"<footer>{'<ul>' + items + '</ul>' if items else ''}"
        f"<p>Rules run: {_e(rules) or '—'}. Simulation: {_e(settings.get('dreamers'))} "
        f"dreamers, seed {_e(settings.get('seed'))}.</p></footer>"
    )


def _rebalanced(report: dict[str, Any]) -> str:
    """What the rebalancer changed to make this design from its parent, and why."""
    entry = report.get("rebalanced")
    if not entry:
        return ""
    items = "".join(
        f"<li>{_e(e.get('summary'))}"
        + (
            f"<br><small>resolves: {_e('; '.join(e['resolves']))}</small>"
            if e.get("resolves")
            else ""
        )
        + "</li>"
        for e in entry.get("edits", [])
    )
    return (
        "<section><h2>Rebalanced</h2>"
        f"<p>Made from the design with content hash <code>{_e(entry.get('parent_sha256'))}</code> "
        f"by the Reality Somnos rebalancer: escapism risk {_e(entry.get('score_before'))} → "
        f"{_e(entry.get('score_after'))}.</p><ol>{items}</ol></section>"
    )


def render_report_html(report: dict[str, Any]) -> str:
    """The whole page for one report (the data written to a package's report.json)."""
    titles = report.get("dreamscape", {}).get("node_titles", {})
    band = report.get("lint", {}).get("band", "none")
    body = (
        _header(report)
        + _verdict(report)
        + _rebalanced(report)
        + _ledger(report, titles)
        + _findings(report, titles)
        + _simulation(report)
        + _analysis(report, titles)
        + _footer(report)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="theme-color" content="{BAND_COLOURS.get(band, "#1f2430")}">\n'
        f"<title>{_e(report.get('title'))} — ethics report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
