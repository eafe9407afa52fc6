"""The ethics linter: rules with stable codes, discovered rule packs, suppressions, the
escapism-risk score and the publish gate."""

from .config import LintConfig, LintConfigError
from .context import FactsUnavailable, LintCancelled, LintContext
from .fixes import apply_fixes
from .gate import gate_decision
from .plugins import Plugin, PluginRecord, RuleSet
from .registry import all_rules, load_rules
from .report import LintReport
from .rule import (
    Finding,
    Fix,
    Rule,
    exceedance_above,
    exceedance_below,
)
from .runner import lint_dreamscape
from .vocabulary import BASE_POINTS, SEVERITIES, band_for

__all__ = [
    "BASE_POINTS",
    "SEVERITIES",
    "FactsUnavailable",
    "Finding",
    "Fix",
    "LintCancelled",
    "LintConfig",
    "LintConfigError",
    "LintContext",
    "LintReport",
    "Plugin",
    "PluginRecord",
    "Rule",
    "RuleSet",
    "all_rules",
    "apply_fixes",
    "band_for",
    "exceedance_above",
    "exceedance_below",
    "gate_decision",
    "lint_dreamscape",
    "load_rules",
]
