"""The lint vocabulary, defined once: severities and their order, score constants, risk bands and
the colours each meaning wears, so the linter, the report and the studio can never disagree."""

from __future__ import annotations

from collections.abc import Iterable

# ------------------------------------------------------------------ severities
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")  # worst first
SEVERITY_RANK: dict[str, int] = {name: i for i, name in enumerate(SEVERITIES)}
UNKNOWN_RANK = len(SEVERITIES)  # sorts after every known severity


def severity_rank(severity: str | None) -> int:
    """0 for the worst severity; unknown names sort last."""
    return SEVERITY_RANK.get(severity or "", UNKNOWN_RANK)


def worst(severities: Iterable[str]) -> str | None:
    """The most severe of `severities`, or None when there are none."""
    return min(severities, key=severity_rank, default=None)


# ------------------------------------------------------------------ score
BASE_POINTS: dict[str, float] = {"error": 20.0, "warning": 8.0, "info": 2.0}
MAX_EXCEEDANCE = 2.0  # a finding counts at most twice its base points
MAX_SCORE = 100  # the score is capped here, and a fatal finding pins it here
FATAL_SCORE = MAX_SCORE

# ------------------------------------------------------------------ risk bands
# (lowest score in the band, name), highest band first; each band runs up to the next floor.
BANDS: tuple[tuple[int, str], ...] = (
    (90, "critical"),
    (70, "high"),
    (40, "medium"),
    (1, "low"),
    (0, "none"),
)
BAND_LABELS: dict[str, str] = {name: f"{name} risk" for _floor, name in BANDS} | {"none": "no risk"}


def band_for(score: float) -> str:
    """The band a 0–100 score falls in."""
    for floor, name in BANDS:
        if score >= floor:
            return name
    return BANDS[-1][1]


def band_ranges() -> list[tuple[str, int, int]]:
    """Each band as (name, from, to) over 0..MAX_SCORE, lowest first, for gauges."""
    ordered = sorted(BANDS)
    ends = [floor for floor, _name in ordered[1:]] + [MAX_SCORE]
    return [(name, floor, end) for (floor, name), end in zip(ordered, ends, strict=True)]


# ------------------------------------------------------------------ colours by role
# One colour per meaning, readable on dark and light backgrounds and in print.
ROLE_COLOURS: dict[str, str] = {
    "danger": "#d64545",
    "alert": "#e8742c",
    "caution": "#e0a526",
    "notice": "#4a90d9",
    "calm": "#3fa66b",
    "unknown": "#8a8f98",
}
SEVERITY_ROLES: dict[str, str] = {"error": "danger", "warning": "caution", "info": "notice"}
BAND_ROLES: dict[str, str] = {
    "none": "calm",
    "low": "calm",
    "medium": "caution",
    "high": "alert",
    "critical": "danger",
}
SEVERITY_COLOURS: dict[str, str] = {s: ROLE_COLOURS[r] for s, r in SEVERITY_ROLES.items()}
BAND_COLOURS: dict[str, str] = {b: ROLE_COLOURS[r] for b, r in BAND_ROLES.items()}
UNKNOWN_COLOUR = ROLE_COLOURS["unknown"]
