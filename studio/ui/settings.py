"""Persistent preferences (QSettings): recent files, theme, window layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from studio.identity import APPLICATION, LEGACY_SETTINGS, ORGANIZATION

MAX_RECENT = 10
_carried_over = False


def app_settings() -> QSettings:
    """INI format everywhere so the file is readable and tests can redirect it with setPath()."""
    settings = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )
    _carry_over_legacy(settings)
    return settings


def _carry_over_legacy(settings: QSettings) -> None:
    """Once per process: copy preferences kept under the old names, so nobody loses them."""
    global _carried_over
    if _carried_over:
        return
    _carried_over = True
    if settings.allKeys():
        return
    legacy = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, *LEGACY_SETTINGS)
    if legacy.fileName() == settings.fileName():
        return
    for key in legacy.allKeys():
        settings.setValue(key, legacy.value(key))


def recent_files() -> list[Path]:
    value = app_settings().value("files/recent", [])
    if isinstance(value, str):  # QSettings returns a bare string for one-element lists
        value = [value]
    items = value if isinstance(value, list) else []
    return [Path(v) for v in items if isinstance(v, str) and v]


def add_recent_file(path: Path) -> list[Path]:
    path = Path(path).resolve()
    files = [path] + [p for p in recent_files() if p != path]
    files = files[:MAX_RECENT]
    app_settings().setValue("files/recent", [str(p) for p in files])
    return files


def remove_recent_file(path: Path) -> None:
    files = [p for p in recent_files() if p != Path(path).resolve()]
    app_settings().setValue("files/recent", [str(p) for p in files])


def clear_recent_files() -> None:
    app_settings().setValue("files/recent", [])


def theme_name() -> str:
    """The theme the user chose; until they choose, the system's dark or light scheme."""
    value = app_settings().value("view/theme", "")
    return value if value in ("dark", "light") else system_scheme()


def system_scheme() -> str:
    """'light' when the desktop asks for a light scheme, else 'dark' (also when unknown)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        return "dark"
    scheme = QGuiApplication.styleHints().colorScheme()
    return "light" if scheme == Qt.ColorScheme.Light else "dark"


def set_theme_name(name: str) -> None:
    app_settings().setValue("view/theme", name)


def snap_enabled() -> bool:
    return app_settings().value("view/snap", "true") in (True, "true", 1, "1")


def set_snap_enabled(enabled: bool) -> None:
    app_settings().setValue("view/snap", "true" if enabled else "false")


def window_state() -> tuple[bytes | None, bytes | None]:
    settings = app_settings()
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    return (bytes(geometry) if geometry else None, bytes(state) if state else None)


def save_window_state(geometry: bytes, state: bytes) -> None:
    settings = app_settings()
    settings.setValue("window/geometry", geometry)
    settings.setValue("window/state", state)
