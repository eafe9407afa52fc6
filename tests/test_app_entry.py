"""`python main.py` on a machine without a display explains itself instead of aborting in Qt."""

from __future__ import annotations

from studio.app_entry import main


def test_no_display_gives_a_clear_message(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["assets/examples/maes-garden.dream"]) == 2
    err = capsys.readouterr().err
    assert "needs a display" in err and "--screenshot" in err


def test_offscreen_platform_is_not_refused(monkeypatch) -> None:
    from studio import app_entry

    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app_entry._no_display() is False


def test_without_the_gui_extra_the_app_says_how_to_install_it(monkeypatch, capsys) -> None:
    from studio import app_entry

    monkeypatch.setattr(app_entry, "missing_gui", lambda: "PySide6")
    assert main(["assets/examples/maes-garden.dream"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "adjuster-studio[gui]"' in err and "dreamstudio --help" in err
