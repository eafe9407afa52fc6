"""The rules a run can use: the core structural rules plus every discovered pack, found once."""

from __future__ import annotations

import threading

from .plugins import RuleSet, discover
from .rule import Rule

_lock = threading.Lock()
_cached: RuleSet | None = None


def core_rules() -> list[Rule]:
    """The structural DS rules that ship inside the studio itself."""
    from .rules_ds import CORE_RULES

    return [cls() for cls in CORE_RULES]


def load_rules(*, refresh: bool = False) -> RuleSet:
    """Core rules and discovered packs; discovery runs once per process unless refreshed."""
    global _cached
    with _lock:
        if _cached is None or refresh:
            _cached = discover(core_rules())
        return _cached


def all_rules() -> list[Rule]:
    """Every usable rule, sorted by code."""
    return sorted(load_rules().rules, key=lambda rule: rule.code)
