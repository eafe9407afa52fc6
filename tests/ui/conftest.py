"""Editor tests never touch the user's settings or recovery files."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_studio_state(tmp_path_factory, monkeypatch):
    """QSettings and autosave recovery files go to a fresh temporary folder per test."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # pragma: no cover - Qt-less runs skip the GUI tests anyway
        yield None
        return
    base = tmp_path_factory.mktemp("studio-state")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(base / "settings"))
    monkeypatch.setenv("ADJUSTER_STUDIO_RECOVERY_DIR", str(base / "recovery"))
    monkeypatch.setenv("DREAMSTUDIO_LIBRARY", str(base / "library.db"))
    yield base
