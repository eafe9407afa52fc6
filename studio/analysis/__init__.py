"""Exact facts of a dreamscape over (scene, valuation) states: reachability, traps, the three
dreamers' exit probability and expected minutes, witness paths, and a PRISM export."""

from .analysis import DREAMERS, Analysis, analyze
from .chain import ChainSolveError, solve_chain
from .graph import GraphArrays, graph_arrays
from .prism import to_prism
from .states import DEFAULT_MAX_STATES, AnalysisCancelled, StateSpace, explore
from .treadmill import Treadmill, treadmills
from .witness import Witness, WitnessStep

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
