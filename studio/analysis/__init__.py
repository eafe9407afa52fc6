"""Graph facts of a dreamscape: reachability, traps, loops and absorbing-chain expectations."""

from .analysis import Analysis, analyze
from .chain import ChainSolveError, solve_chain
from .graph import GraphArrays, graph_arrays

__all__ = ["Analysis", "ChainSolveError", "GraphArrays", "analyze", "graph_arrays", "solve_chain"]
