"""Library thread pools stay at one thread on a shared machine unless the user chose a size."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studio.threads import LIBRARY_THREAD_VARIABLES, limit_library_threads


def test_unset_pools_get_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIBRARY_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    limit_library_threads()
    import os

    assert all(os.environ[name] == "1" for name in LIBRARY_THREAD_VARIABLES)


def test_the_users_choice_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    limit_library_threads()
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_the_command_line_limits_before_numpy_loads() -> None:
    code = (
        "import os, sys\n"
        "for k in list(os.environ):\n"
        "    if k.endswith('_THREADS'): del os.environ[k]\n"
        "from studio.cli.main import main\n"
        "main(['--version'])\n"
        "assert 'numpy' not in sys.modules or os.environ['OPENBLAS_NUM_THREADS'] == '1'\n"
        "main(['rules'])\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "1 1"
