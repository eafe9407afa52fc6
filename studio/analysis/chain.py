"""Linear solves for the absorbing chain, (I − Q)·x = b and its transpose, never forming N.

Small systems go dense. Larger ones use a sparse LU when the matrix is banded in file
order (fill-in stays inside the band). Tangled graphs, where LU fill-in explodes, go to
GMRES: first with a Jacobi preconditioner and a few restarts (enough when dreamers are
absorbed within a few hundred steps), then with an incomplete LU. Every answer is checked
by its residual and the next solver is tried if it falls short; a full sparse LU is last.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import scipy.linalg
from scipy import sparse
from scipy.sparse import linalg as spla

DENSE_MAX = 400
# A banded LU costs about n × bandwidth² operations: take it while that stays small.
BAND_WORK_MAX = 1e8
DENSE_FALLBACK_MAX = 6000
RESIDUAL_TOL = 1e-9
RESTART = 60

Solve = Callable[[np.ndarray, bool], np.ndarray]


class ChainSolveError(RuntimeError):
    """No solver reached an acceptable residual (the chain is numerically singular)."""


def _residual_ok(
    a: sparse.csr_matrix, at: sparse.csr_matrix, x: np.ndarray, b: np.ndarray, transpose: bool
) -> bool:
    if not np.all(np.isfinite(x)):
        return False
    r = (at if transpose else a) @ x - b
    scale = 2.0 * float(np.max(np.abs(x), initial=0.0)) + float(np.max(np.abs(b), initial=0.0))
    return float(np.max(np.abs(r), initial=0.0)) <= RESIDUAL_TOL * max(scale, 1.0)


def _dense(a: sparse.csr_matrix) -> Solve:
    lu = scipy.linalg.lu_factor(a.toarray(), check_finite=False)
    return lambda b, t: scipy.linalg.lu_solve(lu, b, trans=1 if t else 0, check_finite=False)


def _splu(a: sparse.csr_matrix, ordering: str) -> Solve:
    # I − Q is a nonsingular M-matrix: LU without pivoting is stable and keeps the band.
    lu = spla.splu(
        a.tocsc(),
        permc_spec=ordering,
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": ordering == "NATURAL"},
    )
    return lambda b, t: lu.solve(b, trans="T" if t else "N")


def _gmres(a: sparse.csr_matrix, at: sparse.csr_matrix, ilu: bool, restarts: int) -> Solve:
    """GMRES with a Jacobi (cheap) or incomplete-LU (strong) preconditioner."""
    n = a.shape[0]
    if ilu:
        fact = spla.spilu(a.tocsc(), drop_tol=1e-4, fill_factor=4)
        pre = spla.LinearOperator((n, n), matvec=lambda v: fact.solve(v))
        pre_t = spla.LinearOperator((n, n), matvec=lambda v: fact.solve(v, trans="T"))
    else:
        inv_diag = 1.0 / np.maximum(a.diagonal(), 1e-300)
        pre = pre_t = spla.LinearOperator((n, n), matvec=lambda v: inv_diag * v)

    def solve(b: np.ndarray, t: bool) -> np.ndarray:
        if not np.any(b):
            return np.zeros_like(b)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x, _info = spla.gmres(
                at if t else a,
                b,
                M=pre_t if t else pre,
                rtol=1e-12,
                atol=0.0,
                restart=RESTART,
                maxiter=restarts,
            )
        return x

    return solve


def _bandwidth(a: sparse.csr_matrix) -> int:
    coo = a.tocoo()
    return int(np.max(np.abs(coo.row - coo.col), initial=0))


def _candidates(
    a: sparse.csr_matrix, at: sparse.csr_matrix
) -> list[tuple[str, Callable[[], Solve]]]:
    n = a.shape[0]
    if n <= DENSE_MAX:
        return [("dense", lambda: _dense(a)), ("splu", lambda: _splu(a, "COLAMD"))]
    order: list[tuple[str, Callable[[], Solve]]] = []
    if n * _bandwidth(a) ** 2 <= BAND_WORK_MAX:
        order.append(("splu", lambda: _splu(a, "NATURAL")))
    order.append(("gmres", lambda: _gmres(a, at, ilu=False, restarts=4)))
    order.append(("gmres-ilu", lambda: _gmres(a, at, ilu=True, restarts=20)))
    order.append(("splu", lambda: _splu(a, "COLAMD")))
    if n <= DENSE_FALLBACK_MAX:
        order.append(("dense", lambda: _dense(a)))
    return order


def solve_chain(
    a: sparse.csr_matrix, rhs: list[np.ndarray], rhs_t: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """Solve A·x = b for each of `rhs` and Aᵀ·y = c for each of `rhs_t`; names the solver used."""
    n = a.shape[0]
    if n == 0:
        return [np.zeros(0) for _ in rhs], [np.zeros(0) for _ in rhs_t], "none"
    a = a.tocsr()
    at = a.T.tocsr()
    tried: list[str] = []
    for name, build in _candidates(a, at):
        if name in tried and name != "splu":
            continue
        tried.append(name)
        try:
            solve = build()
        except (RuntimeError, MemoryError, ValueError, np.linalg.LinAlgError):
            continue
        answers: list[np.ndarray] = []
        for b, transpose in [(b, False) for b in rhs] + [(c, True) for c in rhs_t]:
            try:
                x = np.asarray(solve(b, transpose), dtype=float)
            except (RuntimeError, ValueError, np.linalg.LinAlgError):
                break
            if not _residual_ok(a, at, x, b, transpose):
                break
            answers.append(x)
        else:
            return answers[: len(rhs)], answers[len(rhs) :], name
    raise ChainSolveError(f"no solver reached a residual below {RESIDUAL_TOL} ({', '.join(tried)})")


def solve_sparse(
    a: sparse.csr_matrix, rhs: list[np.ndarray], rhs_t: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """A direct sparse LU first (product chains are sparse and often nearly singular, where
    Krylov methods crawl); the residual is checked and `solve_chain`'s ladder is the fallback."""
    n = a.shape[0]
    if n <= DENSE_MAX:
        return solve_chain(a, rhs, rhs_t)
    a = a.tocsr()
    at = a.T.tocsr()
    try:
        solve = _splu(a, "COLAMD")
        answers = []
        for b, transpose in [(b, False) for b in rhs] + [(c, True) for c in rhs_t]:
            x = np.asarray(solve(b, transpose), dtype=float)
            if not _residual_ok(a, at, x, b, transpose):
                raise ValueError("residual")
            answers.append(x)
        return answers[: len(rhs)], answers[len(rhs) :], "splu"
    except (RuntimeError, MemoryError, ValueError):
        return solve_chain(a, rhs, rhs_t)


def _levels(q: sparse.csr_matrix) -> tuple[np.ndarray, list[np.ndarray]]:
    """Strong components of Q, and their rows grouped by level: sinks first, then each group
    only depends on the groups before it (and on its own components)."""
    from scipy.sparse import csgraph

    n = q.shape[0]
    n_comp, labels = csgraph.connected_components(q, directed=True, connection="strong")
    coo = q.tocoo()
    cross = labels[coo.row] != labels[coo.col]
    a, b = labels[coo.row[cross]], labels[coo.col[cross]]
    pairs = np.unique(a * np.int64(n_comp) + b)
    a, b = pairs // n_comp, pairs % n_comp
    order = np.argsort(b, kind="stable")
    preds, off = a[order], np.zeros(n_comp + 1, dtype=np.int64)
    np.cumsum(np.bincount(b, minlength=n_comp), out=off[1:])
    left = np.bincount(a, minlength=n_comp)
    level = np.full(n_comp, -1, dtype=np.int64)
    layer, depth = np.flatnonzero(left == 0), 0
    while layer.size:
        level[layer] = depth
        deg = off[layer + 1] - off[layer]
        firsts = np.cumsum(deg) - deg
        idx = np.repeat(off[layer] - firsts, deg) + np.arange(int(deg.sum()))
        hit = np.bincount(preds[idx], minlength=n_comp)
        left -= hit
        layer = np.flatnonzero((hit > 0) & (left == 0))
        depth += 1
    row_level = level[labels]
    order = np.argsort(row_level, kind="stable")
    cuts = np.flatnonzero(np.diff(row_level[order])) + 1
    return labels, np.split(order, cuts) if n else []


SMALL_COMPONENT = 2000


def _topological(q: sparse.csr_matrix) -> tuple[np.ndarray | None, np.ndarray]:
    """States sorted so every state comes after the components it depends on, when the strong
    component labels already give such an order (they do for completion-ordered labels)."""
    from scipy.sparse import csgraph

    _, labels = csgraph.connected_components(q, directed=True, connection="strong")
    coo = q.tocoo()
    lr, lc = labels[coo.row], labels[coo.col]
    if np.all(lc <= lr):
        return np.argsort(labels, kind="stable"), labels
    if np.all(lc >= lr):
        return np.argsort(-labels, kind="stable"), labels
    return None, labels


def _triangular(
    a: sparse.csr_matrix, order: np.ndarray, rhs: list[np.ndarray], rhs_t: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One LU of I − Q permuted to block triangular form (components in dependency order):
    with the natural ordering, fill-in stays inside the small diagonal blocks' reach."""
    perm = a[order][:, order].tocsr()
    solve = _splu(perm, "NATURAL")
    xs = []
    for b in rhs:
        x = np.empty(b.size)
        x[order] = solve(b[order], False)
        xs.append(x)
    ys = []
    for c in rhs_t:
        y = np.empty(c.size)
        y[order] = solve(c[order], True)
        ys.append(y)
    return xs, ys


class _GroupPlan:
    """Q's entries laid out group by group, each group's own components factored once."""

    def __init__(self, q: sparse.csr_matrix, labels: np.ndarray, groups: list[np.ndarray]) -> None:
        n = q.shape[0]
        order = np.concatenate(groups) if groups else np.zeros(0, np.int64)
        self.order = order
        perm = q[order].tocsr()  # rows in group order, columns still original
        self.indptr, self.col, self.data = perm.indptr, perm.indices, perm.data
        self.row = np.repeat(np.arange(n), np.diff(self.indptr))
        self.same = labels[order][self.row] == labels[self.col]
        self.bounds = np.cumsum([0] + [g.size for g in groups])
        self.steps: list[tuple[int, int, int, int, Solve | np.ndarray | None]] = []
        where = np.empty(n, dtype=np.int64)
        where[order] = np.arange(n)
        for k in range(len(groups)):
            lo, hi = int(self.bounds[k]), int(self.bounds[k + 1])
            e0, e1 = int(self.indptr[lo]), int(self.indptr[hi])
            same = self.same[e0:e1]
            solver: Solve | np.ndarray | None = None
            if same.any():
                r = self.row[e0:e1][same] - lo
                c = where[self.col[e0:e1][same]] - lo
                d = self.data[e0:e1][same]
                if np.all(r == c):
                    diag = np.zeros(hi - lo)
                    np.add.at(diag, r, d)
                    solver = 1.0 - diag
                else:
                    inner = sparse.csr_matrix((d, (r, c)), shape=(hi - lo, hi - lo))
                    solver = _splu(
                        (sparse.identity(hi - lo, format="csr") - inner).tocsr(), "COLAMD"
                    )
            self.steps.append((lo, hi, e0, e1, solver))

    def solve(self, b: np.ndarray) -> np.ndarray:
        """x = Q·x + b, group by group."""
        x = np.zeros(b.size)
        order, row, col, data, same = self.order, self.row, self.col, self.data, self.same
        for lo, hi, e0, e1, solver in self.steps:
            cross = ~same[e0:e1]
            rhs = b[order[lo:hi]] + np.bincount(
                row[e0:e1][cross] - lo,
                weights=data[e0:e1][cross] * x[col[e0:e1][cross]],
                minlength=hi - lo,
            )
            if solver is None:
                x[order[lo:hi]] = rhs
            elif isinstance(solver, np.ndarray):
                x[order[lo:hi]] = rhs / solver
            else:
                x[order[lo:hi]] = solver(rhs, False)
        return x


def solve_components(
    q: sparse.csr_matrix, rhs: list[np.ndarray], rhs_t: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """(I − Q)·x = b and (I − Q)ᵀ·y = c by strong components in topological order: each
    component is a small direct solve, so the fill-in of one big LU never happens. Residuals
    are checked on the whole system; `solve_sparse` is the fallback."""
    n = q.shape[0]
    if n == 0:
        return [np.zeros(0) for _ in rhs], [np.zeros(0) for _ in rhs_t], "none"
    q = q.tocsr()
    a = (sparse.identity(n, format="csr") - q).tocsr()
    at = a.T.tocsr()
    try:
        order, labels = _topological(q)
        if order is not None and np.bincount(labels).max(initial=0) <= SMALL_COMPONENT:
            xs, ys = _triangular(a, order, rhs, rhs_t)
            ok = all(_residual_ok(a, at, x, b, False) for x, b in zip(xs, rhs, strict=True))
            ok = ok and all(_residual_ok(a, at, y, c, True) for y, c in zip(ys, rhs_t, strict=True))
            if ok:
                return xs, ys, "components"
        labels, groups = _levels(q)
        forward = _GroupPlan(q, labels, groups)
        xs = [forward.solve(b) for b in rhs]
        ys = []
        if rhs_t:
            backward = _GroupPlan(q.T.tocsr(), labels, groups[::-1])
            ys = [backward.solve(c) for c in rhs_t]
        ok = all(_residual_ok(a, at, x, b, False) for x, b in zip(xs, rhs, strict=True))
        ok = ok and all(_residual_ok(a, at, y, c, True) for y, c in zip(ys, rhs_t, strict=True))
        if ok:
            return xs, ys, "components"
    except (RuntimeError, MemoryError, ValueError, np.linalg.LinAlgError):
        pass
    return solve_sparse(a, rhs, rhs_t)
