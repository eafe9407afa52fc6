"""Test-wide configuration: Qt runs offscreen everywhere, no display needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from tests import qt_block  # noqa: E402

if os.environ.get(qt_block.ENV):  # the headless run: Qt unimportable, Qt tests left out
    qt_block.install()
    collect_ignore = list(qt_block.NEEDS_QT)

import pytest  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

# CI runs are reproducible (derandomized) and never fail on timing; local runs explore freely.
_hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("dev", deadline=None)
_hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _no_unpatched_modal_dialogs(request, monkeypatch):
    """A modal dialog nobody monkeypatched would block the offscreen run forever; fail instead."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

    def refuse(*_args, **_kwargs):
        raise RuntimeError("a modal dialog opened in a test without being monkeypatched")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    for name in ("getText", "getMultiLineText", "getItem", "getInt", "getDouble"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(refuse))
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory", "getOpenFileNames"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    yield


@pytest.fixture(autouse=True, scope="session")
def _release_clipboard_at_exit():
    """Qt's offscreen clipboard crashes at interpreter exit while it still owns mime data."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        QApplication.clipboard().clear()
        app.processEvents()


@pytest.fixture(autouse=True)
def _private_keys_dir(tmp_path_factory, monkeypatch):
    """Reviewer keys and the user's trust store live in a fresh folder per test, never in ~."""
    monkeypatch.setenv("DREAMSTUDIO_KEYS_DIR", str(tmp_path_factory.mktemp("keys")))
    monkeypatch.delenv("DREAMSTUDIO_KEY_PASSPHRASE", raising=False)
