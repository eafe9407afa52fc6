"""One name for the application everywhere: QSettings, platformdirs folders and the library."""

from __future__ import annotations

ORGANIZATION = "AdjusterStudio"
APPLICATION = "AdjusterStudio"
# The data and config folder name (platformdirs); kept from earlier releases so nothing moves.
DATA_FOLDER = "adjuster-studio"
DISTRIBUTION = "adjuster-studio"
# Where the rule pages are published (helpUri in SARIF); `docs/rules.md` in the repository.
DOCS_URL = "https://github.com/adjuster-studio/adjuster-studio/blob/main/docs/rules.md"


def rule_help_uri(code: str) -> str:
    """The anchor of a rule's section in docs/rules.md (GitHub lower-cases heading anchors)."""
    return f"{DOCS_URL}#{code.lower()}"
