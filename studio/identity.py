"""One name for the application everywhere: QSettings, platformdirs folders and the library,
so that a user finds every file the studio keeps under one `adjuster-studio` folder."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "adjuster-studio"
ORGANIZATION = APP_NAME
APPLICATION = APP_NAME
DATA_FOLDER = APP_NAME
# Earlier releases kept QSettings under these names; settings.py carries them over once.
LEGACY_SETTINGS = ("AdjusterStudio", "AdjusterStudio")
# Where the rule pages are published (SARIF helpUri); docs/rules.md in the repository.
DOCS_URL = "https://github.com/adjuster-studio/adjuster-studio/blob/main/docs/rules.md"


def rule_help_uri(code: str) -> str:
    """The anchor of a rule's section in docs/rules.md (GitHub lower-cases heading anchors)."""
    return f"{DOCS_URL}#{code.lower()}" if code else DOCS_URL


def user_data_path() -> Path:
    """The user's data folder (library, recovery copies); no author level on Windows."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(DATA_FOLDER, appauthor=False))


def user_config_path() -> Path:
    """The user's config folder (plugins, settings)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(DATA_FOLDER, appauthor=False))
