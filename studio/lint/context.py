"""What rules look at: the dreamscape, its settings, and facts computed once per run and shared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.sim import IntensityLevels, SimulationCancelled

from .config import ResolvedConfig, RuleTerms

if TYPE_CHECKING:
    from studio.model import Dreamscape


class LintCancelled(SimulationCancelled):
    """The caller asked the run to stop (a newer edit arrived); nothing is reported."""


class FactsUnavailable(Exception):
    """A shared fact cannot be computed for this dreamscape; rules needing it are skipped."""


# A rule declaring both thresholds sets the intensity levels the shared simulation measures.
INTENSITY_LEVEL_KEYS = ("high_intensity", "cooldown_intensity")
# Interactive runs (the editor's live worker passes `should_stop`) explore fewer states so the
# window stays live; past the cap the analysis says `bounded` and the rules say partial.
INTERACTIVE_MAX_STATES = 100_000


class LintContext:
    """Shared, lazily computed facts: the exact analysis and one seeded simulation."""

    def __init__(
        self,
        ds: Dreamscape,
        config: ResolvedConfig,
        *,
        base_dir: Path | None = None,
        dreamers: int = 2000,
        seed: int = 0,
        should_stop: Callable[[], bool] | None = None,
        rules: Sequence[RuleTerms] = (),
        max_states: int | None = None,
    ) -> None:
        self.ds = ds
        self.rules = tuple(rules)
        self.config = config
        self.base_dir = (
            base_dir if base_dir is not None else (ds.path.parent if ds.path is not None else None)
        )
        self.dreamers = dreamers
        self.seed = seed
        self.should_stop = should_stop
        self.max_states = max_states
        self._analysis: Any = None
        self._analysis_error: str | None = None
        self._simulation: Any = None
        self._simulation_error: str | None = None
        self._index: dict[str, int] | None = None
        # Set by the runner before DS006 runs: what every suppression silenced.
        self.suppression_usage: Any = None

    # ------------------------------------------------------------- settings
    def thresholds(self, rule: RuleTerms) -> dict[str, float]:
        """The rule's thresholds after every settings layer had its say."""
        return self.config.thresholds.get(rule.code, dict(rule.thresholds))

    def intensity_levels(self) -> IntensityLevels | None:
        """The levels from the first running rule that owns them, after settings; else None."""
        high_key, cool_key = INTENSITY_LEVEL_KEYS
        for rule in self.rules:
            if high_key in rule.thresholds and cool_key in rule.thresholds:
                limits = self.thresholds(rule)
                return IntensityLevels(float(limits[high_key]), float(limits[cool_key]))
        return None

    def check_stop(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise LintCancelled("lint cancelled")

    # ---------------------------------------------------------- shared facts
    @property
    def analysis_ready(self) -> bool:
        return self._analysis is not None

    @property
    def simulation_ready(self) -> bool:
        return self._simulation is not None

    @property
    def analysis(self) -> Any:
        """The exact analysis over (scene, valuation) states (computed on first use)."""
        if self._analysis is None:
            if self._analysis_error is not None:
                raise FactsUnavailable(self._analysis_error)
            if self.ds.entry is None:
                self._analysis_error = "the dreamscape needs exactly one entry node"
                raise FactsUnavailable(self._analysis_error)
            from studio.analysis import AnalysisCancelled, analyze

            cap = self.max_states if self.max_states is not None else self._configured_cap()
            if self.should_stop is not None and self.max_states is None:
                cap = min(cap, INTERACTIVE_MAX_STATES)
            try:
                self._analysis = analyze(self.ds, max_states=cap, should_stop=self.should_stop)
            except AnalysisCancelled as exc:
                raise LintCancelled("lint cancelled") from exc
            except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                self._analysis_error = f"analysis failed: {exc}"
                raise FactsUnavailable(self._analysis_error) from exc
        return self._analysis

    def _configured_cap(self) -> int:
        """`lint.analysis.max_states` from the file, else the analysis default."""
        from studio.analysis import DEFAULT_MAX_STATES

        block = (self.ds.lint or {}).get("analysis")
        value = block.get("max_states") if isinstance(block, dict) else None
        if value is None:
            return DEFAULT_MAX_STATES
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self._analysis_error = (
                f"lint.analysis.max_states: expected a whole number of at least 1, got {value!r}"
            )
            raise FactsUnavailable(self._analysis_error)
        return value

    @property
    def simulation(self) -> Any:
        """One seeded Monte Carlo night for all rules (computed on first use)."""
        if self._simulation is None:
            if self._simulation_error is not None:
                raise FactsUnavailable(self._simulation_error)
            if self.ds.entry is None:
                self._simulation_error = "the dreamscape needs exactly one entry node"
                raise FactsUnavailable(self._simulation_error)
            from studio.sim import simulate

            self.check_stop()
            try:
                self._simulation = simulate(
                    self.ds,
                    dreamers=self.dreamers,
                    seed=self.seed,
                    should_stop=self.should_stop,
                    levels=self.intensity_levels(),
                )
            except SimulationCancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                self._simulation_error = f"simulation failed: {exc}"
                raise FactsUnavailable(self._simulation_error) from exc
        return self._simulation

    @property
    def simulation_or_none(self) -> Any:
        """The simulation if it ran (for the report), without starting it."""
        return self._simulation

    # --------------------------------------------------------------- helpers
    def node_at(self, index: int) -> str | None:
        """Simulation arrays name nodes by their index in file order."""
        nodes = self.ds.nodes
        return nodes[index].id if 0 <= index < len(nodes) else None

    def index_of(self, node_id: str) -> int:
        if self._index is None:
            self._index = {n.id: i for i, n in enumerate(self.ds.nodes)}
        return self._index[node_id]

    def reachable_ids(self) -> frozenset[str]:
        """Nodes the dreamer can reach; falls back to every node when the graph has no entry."""
        try:
            return frozenset(self.analysis.reachable)
        except FactsUnavailable:
            return frozenset(n.id for n in self.ds.nodes)
