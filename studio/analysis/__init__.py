"""Exact facts of a dreamscape over (scene, valuation) states: reachability, traps, the three
dreamers' exit probability and expected minutes, witness paths, and a PRISM export."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import DREAMERS, Analysis, analyze
    from .chain import ChainSolveError, solve_chain
    from .graph import GraphArrays, graph_arrays
    from .prism import to_prism
    from .states import DEFAULT_MAX_STATES, AnalysisCancelled, StateSpace, explore
    from .treadmill import Treadmill, treadmills
    from .witness import Witness, WitnessStep

# Loaded on first use, so that the simulator (which needs only .graph) starts without scipy.
_HOME = {
    "DREAMERS": ".analysis",
    "Analysis": ".analysis",
    "analyze": ".analysis",
    "ChainSolveError": ".chain",
    "solve_chain": ".chain",
    "GraphArrays": ".graph",
    "graph_arrays": ".graph",
    "to_prism": ".prism",
    "DEFAULT_MAX_STATES": ".states",
    "AnalysisCancelled": ".states",
    "StateSpace": ".states",
    "explore": ".states",
    "Treadmill": ".treadmill",
    "treadmills": ".treadmill",
    "Witness": ".witness",
    "WitnessStep": ".witness",
}
__all__ = [
    "DEFAULT_MAX_STATES",
    "DREAMERS",
    "Analysis",
    "AnalysisCancelled",
    "ChainSolveError",
    "GraphArrays",
    "StateSpace",
    "Treadmill",
    "Witness",
    "WitnessStep",
    "analyze",
    "explore",
    "graph_arrays",
    "solve_chain",
    "to_prism",
    "treadmills",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
