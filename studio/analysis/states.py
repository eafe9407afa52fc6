"""The (scene, valuation) states a dreamer can be in, explored breadth-first from the entry.

The rules are the play engine's: entering a scene applies its effects; the enabled edges are
those whose condition holds; taking one applies its effects and then the target's; an exit
absorbs (one state per exit: nothing after it matters); a non-exit state with no enabled edge
is a stall. A whole BFS layer is expanded at once with numpy: each condition and each effect
chain is evaluated once per distinct valuation that needs it, and remembered.

Scenes no dreamer reaches are explored too, from fresh variables, so the editor can still show
what would happen from there; `from_entry` tells the two apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from studio.model import Dreamscape

from .program import AnalysisProgram, compile_analysis

DEFAULT_MAX_STATES = 1_000_000
SCENE_SHIFT = np.int64(1) << np.int64(40)


class AnalysisCancelled(Exception):
    """The caller asked the exploration to stop (a newer edit made it stale)."""


class _Memo:
    """Per-key arrays over valuation ids that grow with the valuation table (-1 unknown)."""

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype
        self.table: dict[int, np.ndarray] = {}

    def get(self, key: int, size: int) -> np.ndarray:
        arr = self.table.get(key)
        if arr is None or arr.size < size:
            new: np.ndarray = np.full(
                max(size, 2 * (arr.size if arr is not None else 8)), -1, self.dtype
            )
            if arr is not None:
                new[: arr.size] = arr
            self.table[key] = arr = new
        return arr


class _Valuations:
    """The table of distinct valuations seen, interned by their bytes."""

    def __init__(self, width: int) -> None:
        self.rows = np.zeros((16, width))
        self.count = 0
        self.index: dict[bytes, int] = {}

    def intern(self, rows: np.ndarray) -> np.ndarray:
        """Ids of each row, adding new ones."""
        if rows.shape[0] == 0:
            return np.zeros(0, dtype=np.int64)
        rows = np.ascontiguousarray(rows + 0.0)  # -0.0 and 0.0 are the same value
        uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
        ids = np.empty(uniq.shape[0], dtype=np.int64)
        for i in range(uniq.shape[0]):
            key = uniq[i].tobytes()
            vid = self.index.get(key)
            if vid is None:
                vid = self.index[key] = self.count
                self._append(uniq[i])
            ids[i] = vid
        return ids[inverse.ravel()]

    def _append(self, row: np.ndarray) -> None:
        if self.count == self.rows.shape[0]:
            self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
        self.rows[self.count] = row
        self.count += 1

    def view(self) -> np.ndarray:
        return self.rows[: self.count]


@dataclass(slots=True)
class StateSpace:
    """Explored states and their branches (CSR by state), with BFS parents for witnesses."""

    prog: AnalysisProgram
    scene: np.ndarray
    valuation: np.ndarray
    values: np.ndarray
    offsets: np.ndarray
    target: np.ndarray
    prob: np.ndarray
    edge: np.ndarray
    parent: np.ndarray
    parent_edge: np.ndarray
    depth: np.ndarray
    from_entry: np.ndarray
    expanded: np.ndarray
    entry_state: int | None
    complete: bool
    grew: list[str]
    # Per edge (file index): reached-from-entry evaluations that found the condition true/false.
    cond_true: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    cond_false: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def n(self) -> int:
        return int(self.scene.size)

    @property
    def source(self) -> np.ndarray:
        """The state each branch leaves from."""
        return np.repeat(np.arange(self.n), np.diff(self.offsets))

    @property
    def is_exit(self) -> np.ndarray:
        return self.prog.g.is_exit[self.scene]

    @property
    def is_choice(self) -> np.ndarray:
        kinds = np.asarray(self.prog.g.kinds, dtype=object)
        return (kinds == "choice")[self.scene] if self.n else np.zeros(0, bool)

    @property
    def is_stall(self) -> np.ndarray:
        """Expanded non-exit states with no enabled edge."""
        return self.expanded & ~self.is_exit & (np.diff(self.offsets) == 0)

    def state_values(self, state: int) -> dict[str, object]:
        """A state's (merged) valuation by variable name, typed."""
        vid = int(self.valuation[state])
        if vid < 0:
            return {}
        row = self.values[vid]
        return {
            name: _typed(float(row[i]), self.prog.types[i])
            for i, name in enumerate(self.prog.names)
        }


def _typed(value: float, var_type: str) -> object:
    if var_type == "bool":
        return bool(value)
    if var_type == "int":
        return int(value)
    return value


class _Grow:
    """An int64 array that grows by doubling."""

    def __init__(self) -> None:
        self.data = np.zeros(1024, dtype=np.int64)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        need = self.size + values.size
        if need > self.data.size:
            self.data = np.concatenate([self.data, np.zeros(max(need, self.data.size), np.int64)])
        self.data[self.size : need] = values
        self.size = need

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class _Explorer:
    """Mutable exploration state, filled layer by layer."""

    def __init__(
        self, prog: AnalysisProgram, max_states: int, should_stop: Callable[[], bool] | None = None
    ) -> None:
        self.should_stop = should_stop
        self.prog = prog
        self.max_states = max_states
        self.vals = _Valuations(prog.width)
        self.table: dict[int, int] = {}
        self.cols = {k: _Grow() for k in ("scene", "vid", "parent", "edge", "depth", "root")}
        self.cond_memo = _Memo(np.int8)
        self.chain_memo = _Memo(np.int64)
        self.branches: list[tuple[np.ndarray, ...]] = []
        self.expanded: list[np.ndarray] = []
        n_edges = prog.g.src.size
        self.cond_true = np.zeros(n_edges, dtype=bool)
        self.cond_false = np.zeros(n_edges, dtype=bool)

    @property
    def count(self) -> int:
        return self.cols["scene"].size

    def col(self, name: str) -> np.ndarray:
        return self.cols[name].view()

    def add_states(
        self,
        scenes: np.ndarray,
        vids: np.ndarray,
        parents: np.ndarray,
        edges: np.ndarray,
        depth: int,
        root: int,
    ) -> np.ndarray:
        """State ids for (scene, valuation) pairs, creating the new ones in first-seen order."""
        keys = scenes.astype(np.int64) * SCENE_SHIFT + (vids + 1)
        uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        ids = np.empty(uniq.size, dtype=np.int64)
        fresh: list[int] = []
        table, start = self.table, self.count
        for i, key in enumerate(uniq.tolist()):
            sid = table.get(key)
            if sid is None:
                sid = table[key] = start + len(fresh)
                fresh.append(i)
            ids[i] = sid
        if fresh:
            take = first[np.asarray(fresh, dtype=np.int64)]
            self.cols["scene"].extend(scenes[take])
            self.cols["vid"].extend(vids[take])
            self.cols["parent"].extend(parents[take])
            self.cols["edge"].extend(edges[take])
            self.cols["depth"].extend(np.full(take.size, depth, dtype=np.int64))
            self.cols["root"].extend(np.full(take.size, root, dtype=np.int64))
        return ids[inverse.ravel()]

    def enabled(self, edges: np.ndarray, vids: np.ndarray) -> np.ndarray:
        """Whether each (edge, valuation) pair's condition holds, memoized per valuation."""
        cond = self.prog.cond_id[edges]
        ok = cond == -1
        rows = self.vals.view()
        for cid, sel in _groups(cond):
            memo = self.cond_memo.get(cid, self.vals.count)
            v = vids[sel]
            unknown = np.unique(v[memo[v] < 0])
            if unknown.size:
                memo[unknown] = self.prog.holds(cid, rows[unknown])
            ok[sel] = memo[v] > 0
        return ok

    def successors(self, edges: np.ndarray, vids: np.ndarray) -> np.ndarray:
        """Valuation ids after each taken edge's effect chain, memoized per valuation."""
        chain = self.prog.chain_id[edges]
        out = vids.copy()
        for cid, sel in _groups(chain):
            v = vids[sel]
            memo = self.chain_memo.get(cid, self.vals.count)
            unknown = np.unique(v[memo[v] < 0])
            if unknown.size:
                memo[unknown] = self.vals.intern(self.prog.run(cid, self.vals.view()[unknown]))
            out[sel] = memo[v]
        return out

    def expand(self, states: np.ndarray, depth: int, root: int) -> np.ndarray:
        """Expand a batch of states (one BFS layer); returns the new non-exit states."""
        prog = self.prog
        scenes, vids = self.col("scene")[states], self.col("vid")[states]
        deg = prog.offsets[scenes + 1] - prog.offsets[scenes]
        owner = np.repeat(np.arange(states.size), deg)
        firsts = np.cumsum(deg) - deg
        edges = prog.offsets[scenes][owner] + (np.arange(owner.size) - firsts[owner])
        v = vids[owner]
        ok = self.enabled(edges, v)
        if root == 0:
            gated = prog.cond_id[edges] != -1
            file_edge = prog.edge_order[edges]
            self.cond_true[file_edge[gated & ok]] = True
            self.cond_false[file_edge[gated & ~ok]] = True
        owner, edges, v = owner[ok], edges[ok], v[ok]
        w = prog.edge_weight[edges]
        total = np.bincount(owner, weights=w, minlength=states.size)
        prob = w / total[owner] if owner.size else w
        dst = prog.edge_target[edges]
        nv = np.full(edges.size, -1, dtype=np.int64)
        live = ~prog.g.is_exit[dst]
        nv[live] = self.successors(edges[live], v[live])
        file_edge = prog.edge_order[edges]
        before = self.count
        ids = self.add_states(dst, nv, states[owner], file_edge, depth + 1, root)
        self.branches.append((states[owner], ids, prob, file_edge))
        self.expanded.append(states)
        new = np.arange(before, self.count)
        return new[~prog.g.is_exit[self.col("scene")[new]]]

    def bfs(self, start: np.ndarray, root: int, chunk: int = 262_144) -> np.ndarray:
        """Breadth-first from `start`; returns the states left unexpanded at the cap."""
        frontier, depth = start, int(self.col("depth")[start].max(initial=0))
        while frontier.size:
            nxt: list[np.ndarray] = []
            for lo in range(0, frontier.size, chunk):
                if self.count >= self.max_states:
                    return np.concatenate([frontier[lo:], *nxt])
                if self.should_stop is not None and self.should_stop():
                    raise AnalysisCancelled("analysis cancelled")
                nxt.append(self.expand(frontier[lo : lo + chunk], depth, root))
            frontier = np.concatenate(nxt) if nxt else np.zeros(0, np.int64)
            depth += 1
        return frontier


def _groups(keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(key, positions holding it) for every non-negative key, one sort for all."""
    pos = np.flatnonzero(keys >= 0)
    if pos.size == 0:
        return []
    k = keys[pos]
    order = np.argsort(k, kind="stable")
    k, pos = k[order], pos[order]
    cuts = np.flatnonzero(np.diff(k)) + 1
    return [
        (int(k[a]), pos[a:b])
        for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), k.size], strict=True)
    ]


def _start(ex: _Explorer, scenes: list[int], root: int) -> np.ndarray:
    prog = ex.prog
    rows = (
        np.concatenate([prog.start_row(s) for s in scenes]) if scenes else np.zeros((0, prog.width))
    )
    arr = np.asarray(scenes, dtype=np.int64)
    vids = ex.vals.intern(rows) if scenes else np.zeros(0, np.int64)
    vids = np.where(prog.g.is_exit[arr], -1, vids) if scenes else vids
    none = np.full(arr.size, -1, dtype=np.int64)
    ids = ex.add_states(arr, vids, none, none, 0, root)
    return np.unique(ids[~prog.g.is_exit[arr]])


def _grew(ex: _Explorer, left: np.ndarray) -> list[str]:
    """Variables whose largest or smallest value so far sits only in unexpanded states."""
    prog = ex.prog
    if left.size == 0:
        return []
    vids = ex.col("vid")
    done = np.ones(ex.count, dtype=bool)
    done[left] = False
    rows = ex.vals.view()
    seen_vids = vids[done & (vids >= 0)]
    left_vids = vids[left][vids[left] >= 0]
    out = []
    for col, name in enumerate(prog.names):
        if prog.types[col] == "bool" or name in prog.plan or not left_vids.size:
            continue
        inner = rows[seen_vids, col] if seen_vids.size else np.zeros(1)
        outer = rows[left_vids, col]
        if outer.max() > inner.max() or outer.min() < inner.min():
            out.append(name)
    return out


def explore(
    ds: Dreamscape,
    max_states: int = DEFAULT_MAX_STATES,
    should_stop: Callable[[], bool] | None = None,
) -> StateSpace:
    """Every (scene, valuation) state from the entry, then from scenes the entry never reaches."""
    prog = compile_analysis(ds)
    ex = _Explorer(prog, max(1, int(max_states)), should_stop)
    entry = prog.g.entry
    left = np.zeros(0, dtype=np.int64)
    if entry is not None:
        left = ex.bfs(_start(ex, [entry], 0), 0)
    if left.size == 0:
        seen = np.zeros(prog.g.n, dtype=bool)
        seen[ex.col("scene")] = True
        others = np.flatnonzero(~seen).tolist()
        if others and ex.count < ex.max_states:
            left = ex.bfs(_start(ex, others, 1), 1)
    return _space(ex, entry, left)


def _space(ex: _Explorer, entry: int | None, left: np.ndarray) -> StateSpace:
    n = ex.count
    parts = ex.branches or [
        (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) + (np.zeros(0, np.int64),)
    ]
    src, dst, prob, edge = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.argsort(src, kind="stable")
    src, dst, prob, edge = src[order], dst[order], prob[order], edge[order]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=offsets[1:])
    expanded = np.zeros(n, dtype=bool)
    if ex.expanded:
        expanded[np.concatenate(ex.expanded)] = True
    scene = ex.col("scene").copy()
    expanded |= ex.prog.g.is_exit[scene]
    return StateSpace(
        prog=ex.prog,
        scene=scene,
        valuation=ex.col("vid").copy(),
        values=ex.vals.view().copy(),
        offsets=offsets,
        target=dst,
        prob=prob,
        edge=edge,
        parent=ex.col("parent").copy(),
        parent_edge=ex.col("edge").copy(),
        depth=ex.col("depth").copy(),
        from_entry=ex.col("root") == 0,
        expanded=expanded,
        entry_state=0 if entry is not None else None,
        complete=left.size == 0,
        grew=_grew(ex, left),
        cond_true=ex.cond_true,
        cond_false=ex.cond_false,
    )
