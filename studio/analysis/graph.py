"""A dreamscape flattened into numpy arrays once, so graph questions run at C speed."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from studio.model import Dreamscape

CUE_KINDS = ("anchor", "social", "exit")


@dataclass(frozen=True, slots=True)
class GraphArrays:
    """Nodes by file index and edges as (source, target, weight) arrays in file order."""

    ids: list[str]
    index: dict[str, int]
    kinds: list[str]
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
        mat = sparse.csr_matrix((np.ones(s.size), (s, d)), shape=(self.n, self.n))
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat


def _weight(value: object) -> float:
    """An edge weight; an unusable one (the loader rejects them) counts as the default 1."""
    try:
        w = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return w if math.isfinite(w) and w > 0 else 1.0


def _minutes(value: object) -> float:
    try:
        m = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return m if math.isfinite(m) and m > 0 else 0.0


def graph_arrays(ds: Dreamscape) -> GraphArrays:
    """Flatten a dreamscape; edges naming unknown nodes are skipped (the loader rejects them)."""
    nodes = ds.nodes
    ids = [n.id for n in nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    src: list[int] = []
    dst: list[int] = []
    weight: list[float] = []
    edge_ids: list[str] = []
    for edge in ds.edges:
        s = index.get(edge.source)
        d = index.get(edge.target)
        if s is None or d is None:
            continue
        src.append(s)
        dst.append(d)
        weight.append(_weight(edge.weight))
        edge_ids.append(edge.id)
    entries = [i for i, n in enumerate(nodes) if n.kind == "entry"]
    return GraphArrays(
        ids=ids,
        index=index,
        kinds=[n.kind for n in nodes],
        edge_ids=edge_ids,
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        weight=np.asarray(weight, dtype=float),
        minutes=np.asarray([_minutes(n.minutes) for n in nodes], dtype=float),
        is_exit=np.asarray([n.kind == "exit" for n in nodes], dtype=bool),
        entry=entries[0] if len(entries) == 1 else None,
    )
