"""Lint tests never pick up plugins from the real user's configuration folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_user_plugins(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DREAMSTUDIO_PLUGINS_DIR", str(tmp_path_factory.mktemp("user-plugins")))
