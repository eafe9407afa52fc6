"""Lint settings from three layers — a project's pyproject, the file's `lint` block, the command
line — resolved per rule so that the most specific setting wins and ignore beats select."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from studio.model import Dreamscape


class RuleTerms(Protocol):
    """What settings know of a rule (a Rule satisfies it; settings never import the Rule API)."""

    @property
    def code(self) -> str: ...

    @property
    def fatal(self) -> bool: ...

    @property
    def thresholds(self) -> Mapping[str, float]: ...


DEFAULT_THRESHOLD = 70.0
LAYER_ORDER = ("project", "file", "cli")


class LintConfigError(ValueError):
    """Settings that cannot be used; each line names where the bad setting lives."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def lines(self) -> list[str]:
        return list(self.problems)


KNOWN_KEYS = ("select", "ignore", "threshold", "rules", "rebalance", "analysis")


@dataclass
class LintConfig:
    """One layer of settings; `None` means the layer does not say. On the command-line layer,
    `config_file` replaces the discovered project settings and `isolated` drops them."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    threshold: float | None = None
    rules: dict[str, dict[str, float]] = field(default_factory=dict)
    origin: str = "command line"
    layer: str = "cli"
    config_file: Path | None = None
    isolated: bool = False
    # `rebalance.costs`: what the rebalancer charges per kind of edit (e.g. {"text": 10}).
    costs: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str, layer: str) -> LintConfig:
        """Read a `lint` block or `[tool.dreamstudio.lint]` table, listing every bad field."""
        problems = [
            f"{origin}: {key}: unknown key (known: {', '.join(KNOWN_KEYS)})"
            for key in data
            if key not in KNOWN_KEYS
        ]
        select = _read_codes(data, "select", origin, problems)
        ignore = _read_codes(data, "ignore", origin, problems)
        threshold = _read_threshold(data, origin, problems)
        rules = _read_rules(data, origin, problems)
        costs = _rebalance_costs(data.get("rebalance"), origin, problems)
        if problems:
            raise LintConfigError(problems)
        return cls(select, ignore, threshold, rules, origin, layer, costs=costs)


def _read_codes(
    data: Mapping[str, Any], key: str, origin: str, problems: list[str]
) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip().upper() for v in value if v.strip()]
    problems.append(f"{origin}: {key}: expected a list of rule codes or prefixes")
    return None


def _read_threshold(data: Mapping[str, Any], origin: str, problems: list[str]) -> float | None:
    threshold = data.get("threshold")
    if threshold is None:
        return None
    if not _is_number(threshold) or not 0 <= threshold <= 100:
        problems.append(
            f"{origin}: threshold: expected a score between 0 and 100, got {threshold!r}"
        )
        return None
    return float(threshold)


def _read_rules(
    data: Mapping[str, Any], origin: str, problems: list[str]
) -> dict[str, dict[str, float]]:
    rules: dict[str, dict[str, float]] = {}
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, Mapping):
        problems.append(f"{origin}: rules: expected a table of CODE: {{name: number}}")
        return rules
    for code, values in raw_rules.items():
        if not isinstance(values, Mapping):
            problems.append(f"{origin}: rules.{code}: expected a table of name: number")
            continue
        rules[str(code).upper()] = {}
        for key, value in values.items():
            if not _is_number(value):
                problems.append(f"{origin}: rules.{code}.{key}: expected a number, got {value!r}")
            else:
                rules[str(code).upper()][str(key)] = float(value)
    return rules


def _rebalance_costs(raw: Any, origin: str, problems: list[str]) -> dict[str, float]:
    """The `rebalance.costs` table: edit kind → a cost of zero or more."""
    if raw is None:
        return {}
    costs = raw.get("costs", {}) if isinstance(raw, Mapping) else None
    if not isinstance(costs, Mapping):
        problems.append(f"{origin}: rebalance.costs: expected a table of edit kind: number")
        return {}
    out: dict[str, float] = {}
    for kind, value in costs.items():
        if not _is_number(value) or value < 0:
            problems.append(
                f"{origin}: rebalance.costs.{kind}: expected a number >= 0, got {value!r}"
            )
        else:
            out[str(kind)] = float(value)
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def selector_matches(selector: str, code: str) -> bool:
    """`ALL` matches everything; otherwise a selector is a code or a prefix of codes."""
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


# --------------------------------------------------------------- pyproject discovery
_PYPROJECT_CACHE: dict[Path, tuple[float, dict[str, Any] | None]] = {}


def find_project_config(start: Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml above `start` that has a [tool.dreamstudio.lint] table."""
    if start is None:
        return None
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        table = _read_pyproject(path)
        if table is not None:
            return path, table
    return None


def _read_pyproject(path: Path) -> dict[str, Any] | None:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _PYPROJECT_CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LintConfigError([f"{path}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise LintConfigError([f"{path}: invalid TOML: {exc}"]) from None
    table = data.get("tool", {}).get("dreamstudio", {}).get("lint")
    if table is not None and not isinstance(table, dict):
        raise LintConfigError([f"{path}: tool.dreamstudio.lint: expected a table"])
    _PYPROJECT_CACHE[path] = (mtime, table)
    return table


# ------------------------------------------------------------------- resolution
@dataclass
class RuleDecision:
    """Whether a rule runs and whose setting decided it."""

    enabled: bool
    layer: str  # "default", "project", "file" or "cli"
    selector: str | None = None


@dataclass
class ResolvedConfig:
    """The effective settings for one dreamscape and one rule set."""

    layers: list[LintConfig]
    decisions: dict[str, RuleDecision]
    thresholds: dict[str, dict[str, float]]
    threshold: float
    warnings: list[str]
    costs: dict[str, float] = field(default_factory=dict)

    def runs(self, code: str) -> bool:
        """Rules turned off by the file still run (their findings show as suppressed)."""
        decision = self.decisions.get(code)
        return decision is None or decision.enabled or decision.layer == "file"

    def file_suppression(self, code: str) -> str | None:
        """The selector by which the file's own lint block switched this rule off, if any."""
        decision = self.decisions.get(code)
        if decision is None or decision.enabled or decision.layer != "file":
            return None
        return decision.selector or "select"

    @property
    def file_layer(self) -> LintConfig | None:
        return next((layer for layer in self.layers if layer.layer == "file"), None)


def file_layer(ds: Dreamscape) -> LintConfig:
    """The dreamscape's own `lint` block as a settings layer."""
    origin = f"{ds.path}: lint" if ds.path else "lint"
    return LintConfig.from_mapping(ds.lint or {}, origin, "file")


def project_layer(ds: Dreamscape, base_dir: Path | None = None) -> LintConfig | None:
    start = base_dir if base_dir is not None else (ds.path.parent if ds.path else None)
    found = find_project_config(start)
    if found is None:
        return None
    path, table = found
    return LintConfig.from_mapping(table, f"{path}: tool.dreamstudio.lint", "project")


def config_file_layer(path: Path) -> LintConfig:
    """An explicit `--config FILE`: a pyproject's [tool.dreamstudio.lint], or a TOML file whose
    top level is the lint table (a `dreamstudio.toml`)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LintConfigError([f"{path}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise LintConfigError([f"{path}: invalid TOML: {exc}"]) from None
    table = data.get("tool", {}).get("dreamstudio", {}).get("lint")
    if table is not None:
        if not isinstance(table, dict):
            raise LintConfigError([f"{path}: tool.dreamstudio.lint: expected a table"])
        return LintConfig.from_mapping(table, f"{path}: tool.dreamstudio.lint", "project")
    if Path(path).name == "pyproject.toml":
        raise LintConfigError([f"{path}: has no [tool.dreamstudio.lint] table"])
    return LintConfig.from_mapping(data, str(path), "project")


def _layers(ds: Dreamscape, override: LintConfig | None, base_dir: Path | None) -> list[LintConfig]:
    """Project (discovered, given with --config, or none with --isolated), file, command line."""
    layers: list[LintConfig] = []
    if override is not None and override.config_file is not None:
        layers.append(config_file_layer(override.config_file))
    elif override is None or not override.isolated:
        project = project_layer(ds, base_dir)
        if project is not None:
            layers.append(project)
    layers.append(file_layer(ds))
    if override is not None:
        layers.append(override)
    return layers


def _check_selectors(
    layers: list[LintConfig], codes: list[str], problems: list[str], warnings: list[str]
) -> None:
    """A selector that matches nothing: an error on the command line, a warning elsewhere."""
    for layer in layers:
        for key in ("select", "ignore"):
            for selector in getattr(layer, key) or ():
                if selector != "ALL" and not any(c.startswith(selector) for c in codes):
                    message = f"{layer.origin}: {key}: '{selector}' matches no rule"
                    (problems if layer.layer == "cli" else warnings).append(message)


def _decisions(
    layers: list[LintConfig], by_code: dict[str, RuleTerms], warnings: list[str]
) -> dict[str, RuleDecision]:
    selecting = next((layer for layer in reversed(layers) if layer.select is not None), None)
    selectors: list[tuple[str, bool, str]] = []  # (selector, is_ignore, layer)
    if selecting is not None:
        selectors += [(sel, False, selecting.layer) for sel in selecting.select or ()]
    for layer in layers:
        selectors += [(sel, True, layer.layer) for sel in layer.ignore or ()]
    decisions = {
        code: _decide(selectors, code, selecting.layer if selecting else None)
        for code in sorted(by_code)
    }
    for code, rule in by_code.items():
        if rule.fatal and not decisions[code].enabled:
            if decisions[code].selector is not None:
                warnings.append(
                    f"{code} is fatal and always runs; "
                    f"'{decisions[code].selector}' cannot switch it off"
                )
            decisions[code] = RuleDecision(True, "fatal")
    return decisions


def _thresholds(
    layers: list[LintConfig],
    by_code: dict[str, RuleTerms],
    problems: list[str],
    warnings: list[str],
) -> dict[str, dict[str, float]]:
    thresholds: dict[str, dict[str, float]] = {
        code: {k: float(v) for k, v in rule.thresholds.items()} for code, rule in by_code.items()
    }
    for layer in layers:
        for code, values in layer.rules.items():
            if code not in by_code:
                message = f"{layer.origin}: rules.{code}: no such rule"
                (problems if layer.layer == "cli" else warnings).append(message)
                continue
            for key, value in values.items():
                if key not in thresholds[code]:
                    known = ", ".join(thresholds[code]) or "none"
                    problems.append(
                        f"{layer.origin}: rules.{code}.{key}: unknown threshold "
                        f"({code} has: {known})"
                    )
                else:
                    thresholds[code][key] = value
    return thresholds


def resolve_config(
    ds: Dreamscape,
    rules: Iterable[RuleTerms],
    override: LintConfig | None = None,
    base_dir: Path | None = None,
) -> ResolvedConfig:
    """Merge the layers for these rules; raises LintConfigError naming each bad setting.

    Selection: the last layer that lists `select` supplies the selectors, every layer's
    `ignore` applies, the most specific selector wins and ignore wins ties. Fatal rules
    always run. Thresholds: a later layer overrides an earlier one key by key.
    """
    layers = _layers(ds, override, base_dir)
    by_code = {rule.code: rule for rule in rules}
    warnings: list[str] = []
    problems: list[str] = []
    _check_selectors(layers, sorted(by_code), problems, warnings)
    decisions = _decisions(layers, by_code, warnings)
    thresholds = _thresholds(layers, by_code, problems, warnings)
    if problems:
        raise LintConfigError(problems)
    threshold = next(
        (layer.threshold for layer in reversed(layers) if layer.threshold is not None),
        DEFAULT_THRESHOLD,
    )
    costs = {kind: cost for layer in layers for kind, cost in layer.costs.items()}
    return ResolvedConfig(layers, decisions, thresholds, threshold, warnings, costs)


def _decide(
    selectors: list[tuple[str, bool, str]], code: str, selecting: str | None
) -> RuleDecision:
    """The most specific selector decides; ignore beats select at equal specificity, and the
    later layer beats the earlier one among ignores of equal specificity."""
    best: tuple[int, bool, int] | None = None
    winner: tuple[str, bool, str] | None = None
    for order, (selector, is_ignore, layer) in enumerate(selectors):
        if selector_matches(selector, code):
            key = (_specificity(selector), is_ignore, order)
            if best is None or key > best:
                best, winner = key, (selector, is_ignore, layer)
    if winner is None:
        # Not named by any selector: on by default, off when a layer listed what to select.
        return RuleDecision(selecting is None, selecting or "default")
    selector, is_ignore, layer = winner
    return RuleDecision(not is_ignore, layer, selector)
