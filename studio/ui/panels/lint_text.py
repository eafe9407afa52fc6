"""The words of the lint panel: the gate verdict, a finding's detail, error lines."""

from __future__ import annotations

import html
from typing import Any

from .style import SEVERITY_COLOURS


def verdict_text(report: Any) -> str:
    if report is None:
        return "Checking…"
    if getattr(report, "blocked", False):
        reasons = list(getattr(report, "reasons", []) or [])
        return f"Blocked: {reasons[0]}" if reasons else "Blocked"
    return "Publishing allowed"


def as_text(err: Any) -> str:
    if isinstance(err, str):
        return err
    for attr in ("message", "error"):
        value = getattr(err, attr, None)
        if value:
            code = (
                getattr(err, "code", None)
                or getattr(err, "plugin", None)
                or getattr(err, "name", None)
            )
            return f"{code}: {value}" if code else str(value)
    return str(err)


def detail_html(f: Any) -> str:
    """The rule's rationale and source beside the finding's own facts."""
    rule = getattr(f, "rule", None)
    esc = html.escape
    colour = SEVERITY_COLOURS.get(f.severity, "#8a8f98")
    out = [
        f"<p><b style='color:{colour}'>{esc(f.severity.upper())}</b> "
        f"<b>{esc(f.code)}</b> {esc(f.name)}"
        + (" — <b>fatal</b>" if getattr(f, "fatal", False) else "")
        + "</p>",
        f"<p>{esc(f.message)}</p>",
    ]
    if f.nodes or f.edges:
        where = ", ".join([*f.nodes, *(f"edge {e}" for e in f.edges)])
        out.append(f"<p><b>Where:</b> {esc(where)}</p>")
    if f.suppressed:
        out.append(f"<p><b>Suppressed:</b> {esc(f.reason or 'no reason given')}</p>")
    else:
        out.append(f"<p><b>Points:</b> {f.points:.1f}</p>")
    if rule is not None:
        if getattr(rule, "rationale", ""):
            out.append(f"<p><b>Why this rule exists:</b> {esc(rule.rationale)}</p>")
        if getattr(rule, "source", ""):
            out.append(f"<p><b>Source:</b> <i>{esc(rule.source)}</i></p>")
    if f.fix is not None:
        kind = "automatic" if getattr(f.fix, "automatic", True) else "by hand"
        out.append(f"<p><b>Suggested fix ({kind}):</b> {esc(f.fix.description)}</p>")
    return "\n".join(out)
