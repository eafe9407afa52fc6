"""One lint run: resolve settings, run each selected rule once over shared facts, apply
suppressions, score, and decide the gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import LintConfig, resolve_config
from .context import FactsUnavailable, LintCancelled, LintContext, SimulationCancelled
from .gate import block_reasons
from .plugins import RuleSet
from .registry import load_rules
from .report import LintReport
from .rule import Finding, Rule
from .score import score_findings
from .suppress import SuppressionUsage

if TYPE_CHECKING:
    from studio.model import Dreamscape


def lint_dreamscape(
    ds: Dreamscape,
    config: LintConfig | None = None,
    *,
    base_dir: str | Path | None = None,
    dreamers: int = 2000,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    rules: RuleSet | None = None,
) -> LintReport:
    """Lint a dreamscape. `config` is the caller's layer (command-line flags) on top of the
    file's `lint` block and the project's `[tool.dreamstudio.lint]`.

    Raises LintConfigError for unusable settings and LintCancelled (a SimulationCancelled)
    when `should_stop` returns True.
    """
    ruleset = rules if rules is not None else load_rules()
    base = Path(base_dir) if base_dir is not None else None
    resolved = resolve_config(ds, ruleset.rules, config, base)
    ctx = LintContext(
        ds,
        resolved,
        base_dir=base,
        dreamers=dreamers,
        seed=seed,
        should_stop=should_stop,
        rules=[r for r in ruleset.rules if resolved.runs(r.code)],
    )
    ordered = sorted(
        ruleset.rules, key=lambda r: (bool(getattr(r, "after_suppressions", False)), r.code)
    )
    findings: list[Finding] = []
    rule_errors: list[str] = []
    skipped: dict[str, list[str]] = {}
    ran: set[str] = set()
    usage: SuppressionUsage | None = None
    for rule in ordered:
        if not resolved.runs(rule.code):
            continue
        if getattr(rule, "after_suppressions", False) and usage is None:
            usage = SuppressionUsage(ds, resolved, ruleset.rules, ran)
            for finding in findings:
                usage.apply(finding)
            ctx.suppression_usage = usage
        ctx.check_stop()
        produced = _run_rule(rule, ctx, rule_errors, skipped)
        if produced is None:
            continue
        ran.add(rule.code)
        if usage is not None:
            for finding in produced:
                usage.apply(finding)
        findings += produced
    if usage is None:
        usage = SuppressionUsage(ds, resolved, ruleset.rules, ran)
        for finding in findings:
            usage.apply(finding)

    findings.sort(key=Finding.sort_key)
    score, band, ledger = score_findings(findings)
    reasons = block_reasons(findings, score, resolved.threshold)
    notes = [f"{', '.join(codes)} skipped: {why}" for why, codes in skipped.items()]
    return LintReport(
        findings=findings,
        score=score,
        band=band,
        threshold=resolved.threshold,
        blocked=bool(reasons),
        reasons=reasons,
        fatal=any(f.fatal and not f.suppressed for f in findings),
        ledger=ledger,
        analysis=ctx._analysis,
        simulation=ctx.simulation_or_none,
        plugin_errors=ruleset.errors,
        rule_errors=rule_errors,
        notes=notes,
        config_warnings=list(resolved.warnings),
        rules_run=sorted(ran),
    )


def _run_rule(
    rule: Rule, ctx: LintContext, rule_errors: list[str], skipped: dict[str, list[str]]
) -> list[Finding] | None:
    """A rule's findings, or None when it was skipped or broke (recorded, never raised)."""
    try:
        produced = list(rule.check(ctx) or ())
    except (LintCancelled, SimulationCancelled):
        raise
    except FactsUnavailable as exc:
        skipped.setdefault(str(exc), []).append(rule.code)
        return None
    except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the run
        rule_errors.append(
            f"{rule.code} {rule.name} (plugin '{rule.plugin}') raised "
            f"{type(exc).__name__}: {exc}; its findings are missing"
        )
        return None
    bad = [f for f in produced if not isinstance(f, Finding) or f.code != rule.code]
    if bad:
        rule_errors.append(
            f"{rule.code} {rule.name} (plugin '{rule.plugin}') returned "
            f"something other than its own findings; ignored"
        )
        return None
    return produced
