"""A dreamscape flattened into numpy arrays once, so graph questions run at C speed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from studio.model import Dreamscape, Edge

if TYPE_CHECKING:
    from scipy import sparse

CUE_KINDS = ("anchor", "social", "exit")


@dataclass(frozen=True, slots=True)
class GraphArrays:
    """Nodes by file index and edges as (source, target, weight) arrays in file order."""

    ids: list[str]
    index: dict[str, int]
    kinds: list[str]
    edges: list[Edge]
    edge_ids: list[str]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    minutes: np.ndarray
    is_exit: np.ndarray
    entry: int | None

    @property
    def n(self) -> int:
        return len(self.ids)

    def live(self) -> np.ndarray:
        """Edges a dreamer can take: an exit ends the dream, so edges leaving exits never fire."""
        return ~self.is_exit[self.src] if self.src.size else np.zeros(0, dtype=bool)

    def adjacency(self) -> sparse.csr_matrix:
        """0/1 adjacency of live edges (exits absorbing), duplicates merged."""
        keep = self.live()
        s, d = self.src[keep], self.dst[keep]
        from scipy import sparse  # only here: the simulator imports this module without scipy

        mat = sparse.csr_matrix((np.ones(s.size), (s, d)), shape=(self.n, self.n))
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat


def as_floats(values: list[object], default: float) -> np.ndarray:
    """Numbers as a float array; anything not a finite number becomes `default`."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray([_float_or_nan(v) for v in values], dtype=float)
    return np.where(np.isfinite(arr), arr, default) if arr.size else arr


def _float_or_nan(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def positive_or(value: object, default: float) -> float:
    """A positive finite number, or `default` for anything unusable (the loader rejects them)."""
    number = _float_or_nan(value)
    return number if math.isfinite(number) and number > 0 else default


def _positive(values: list[object], default: float) -> np.ndarray:
    """Numbers as a float array; anything unusable (not positive, not finite) becomes `default`."""
    arr = as_floats(values, default)
    return np.where(arr > 0, arr, default) if arr.size else arr


def graph_arrays(ds: Dreamscape) -> GraphArrays:
    """Flatten a dreamscape; edges naming unknown nodes are skipped (the loader rejects them)."""
    nodes = ds.nodes
    ids = [n.id for n in nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    edges = ds.edges
    try:
        src = [index[e.source] for e in edges]
        dst = [index[e.target] for e in edges]
    except KeyError:
        edges = [e for e in edges if e.source in index and e.target in index]
        src = [index[e.source] for e in edges]
        dst = [index[e.target] for e in edges]
    kinds = [n.kind for n in nodes]
    entries = [i for i, k in enumerate(kinds) if k == "entry"]
    return GraphArrays(
        ids=ids,
        index=index,
        kinds=kinds,
        edges=list(edges),
        edge_ids=[e.id for e in edges],
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        weight=_positive([e.weight for e in edges], 1.0),
        minutes=_positive([n.minutes for n in nodes], 0.0),
        is_exit=np.asarray([k == "exit" for k in kinds], dtype=bool),
        entry=entries[0] if len(entries) == 1 else None,
    )
