"""Graph facts of a dreamscape: reachability, traps, loops and absorbing-chain expectations."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Analysis, analyze
    from .chain import ChainSolveError, solve_chain
    from .graph import GraphArrays, graph_arrays

__all__ = ["Analysis", "ChainSolveError", "GraphArrays", "analyze", "graph_arrays", "solve_chain"]

# Loaded on first use, so that the simulator (which needs only .graph) starts without scipy.
_HOME = {
    "Analysis": ".analysis",
    "analyze": ".analysis",
    "ChainSolveError": ".chain",
    "solve_chain": ".chain",
    "GraphArrays": ".graph",
    "graph_arrays": ".graph",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
