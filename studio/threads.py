"""Library thread limits for a shared machine: set once, before numpy loads its BLAS."""

from __future__ import annotations

import os

# The numeric work (sparse solves, simulation arrays) makes many small BLAS calls: with one
# thread per core each call spins up and spins against other processes on the machine, which
# doubles the CPU time for nothing. One thread each unless the user set their own.
LIBRARY_THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
DEFAULT_LIBRARY_THREADS = "1"


def limit_library_threads() -> None:
    """Keep BLAS/OpenMP pools to one thread unless the environment already chose a size."""
    for name in LIBRARY_THREAD_VARIABLES:
        os.environ.setdefault(name, DEFAULT_LIBRARY_THREADS)
