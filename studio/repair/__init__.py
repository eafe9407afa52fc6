"""The Reality Somnos rebalancer: the fewest edits that bring a blocked dreamscape under the
publish gate, each explained, verified by the real linter, and undoable as one step."""

from .edits import DEFAULT_COSTS, Change, Edit, NotApplicable
from .proposal import Proposal, ProposedEdit, Remaining, build_ops
from .search import rebalance

__all__ = [
    "DEFAULT_COSTS",
    "Change",
    "Edit",
    "NotApplicable",
    "Proposal",
    "ProposedEdit",
    "Remaining",
    "build_ops",
    "rebalance",
]
