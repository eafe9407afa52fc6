"""Solver choice for (I − Q)·x = b: dense when small, LU when banded, GMRES when tangled."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import linalg as spla

from studio.analysis import ChainSolveError, analyze, solve_chain
from tests.sim.builders import build


def substochastic(
    n: int, seed: int, band: int | None = None, per_row: int = 3
) -> sparse.csr_matrix:
    """I − Q for a random chain leaking 10% per step; `band` keeps edges near the diagonal."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), per_row)
    if band is None:
        cols = rng.integers(0, n, rows.size)
    else:
        cols = np.clip(rows + rng.integers(-band, band + 1, rows.size), 0, n - 1)
    q = sparse.csr_matrix((rng.random(rows.size), (rows, cols)), shape=(n, n))
    q = sparse.diags(0.9 / np.asarray(q.sum(axis=1)).ravel()) @ q
    return (sparse.identity(n, format="csr") - q).tocsr()


@pytest.mark.parametrize(
    ("n", "band", "expected"), [(50, None, "dense"), (3000, 20, "splu"), (3000, None, "gmres")]
)
def test_solver_by_size_and_structure(n: int, band: int | None, expected: str) -> None:
    a = substochastic(n, seed=n, band=band)
    b = np.random.default_rng(1).random(n)
    e = np.zeros(n)
    e[0] = 1.0
    (x,), (y,), solver = solve_chain(a, [b], [e])
    assert solver == expected
    np.testing.assert_allclose(x, spla.spsolve(a.tocsc(), b), rtol=1e-8)
    np.testing.assert_allclose(y, spla.spsolve(a.T.tocsc(), e), rtol=1e-8, atol=1e-12)


def test_singular_system_is_reported() -> None:
    # A closed pair of states never leaks: I − Q is singular.
    a = sparse.csr_matrix(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ChainSolveError):
            solve_chain(a, [np.ones(2)], [])


def test_tangled_dreamscape_uses_iterative_solver_and_agrees() -> None:
    rng = np.random.default_rng(5)
    n = 2500
    kinds = ["entry"] + ["exit" if rng.random() < 0.05 else "scene" for _ in range(n - 1)]
    nodes = [(f"n{i}", kinds[i], float(rng.integers(1, 9))) for i in range(n)]
    edges = [
        (f"n{i}", f"n{j}", float(rng.integers(1, 4)))
        for i in range(n)
        if kinds[i] != "exit"
        for j in rng.choice(n, 3, replace=False)
    ]
    a = analyze(build(nodes, edges))
    # The product analysis solves strong component by component (one LU per component).
    assert a.solver in ("components", "splu", "gmres", "gmres-ilu")
    assert a.exit_probability == 1.0 and a.expected_minutes is not None
    # Cross-check the entry's expected minutes with a sparse direct solve.
    ids = [f"n{i}" for i in range(n)]
    trans = [i for i in range(n) if kinds[i] != "exit"]
    pos = {i: k for k, i in enumerate(trans)}
    outs: dict[str, list[tuple[int, float]]] = {}
    for s, j, w in edges:
        outs.setdefault(s, []).append((int(j.removeprefix("n")), w))
    rows, cols, vals = [], [], []
    for i in trans:
        out = outs.get(ids[i], [])
        total = sum(w for _, w in out)
        for j, w in out:
            if j in pos:
                rows.append(pos[i])
                cols.append(pos[j])
                vals.append(w / total)
    q = sparse.csc_matrix((vals, (rows, cols)), shape=(len(trans), len(trans)))
    m = np.array([nodes[i][2] for i in trans])
    t = spla.spsolve((sparse.identity(len(trans)) - q).tocsc(), m)
    assert a.expected_minutes == pytest.approx(t[0], rel=1e-8)


def test_falls_back_when_gmres_falls_short(monkeypatch: pytest.MonkeyPatch) -> None:
    import studio.analysis.chain as chain

    # One Krylov vector per restart cannot converge: the next solvers must take over.
    monkeypatch.setattr(chain, "RESTART", 1)
    a = substochastic(1500, seed=3)
    b = np.random.default_rng(2).random(1500)
    (x,), _, solver = solve_chain(a, [b], [])
    assert solver in ("gmres-ilu", "splu")
    np.testing.assert_allclose(x, spla.spsolve(a.tocsc(), b), rtol=1e-8)
