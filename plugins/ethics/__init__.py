"""The escapism-risk rule pack: exits, rewards, time, intensity and social connection.

Loaded through the `dreamstudio.plugins` entry point (or the checkout's plugins folder)
exactly like a third-party pack.
"""

from __future__ import annotations

from studio.lint import Plugin

from .exits import DeepExit, ExitAsymmetry, ExitTrap, GatedExit, InfiniteTreadmill, NoExit
from .intensity import AbruptExit, EscalationNoCooldown, YoungAudienceIntensity
from .rewards import RewardDensity, VariableRewardLoop
from .social import EscapeFraming, ImpliedObligation, Isolation, NoRealityAnchor
from .timing import NightOverrun, NoStoppingCue, RemSprawl

__version__ = "1.0.0"

RULES = (
    NoExit,
    ExitTrap,
    DeepExit,
    GatedExit,
    ExitAsymmetry,
    InfiniteTreadmill,
    VariableRewardLoop,
    RewardDensity,
    NightOverrun,
    RemSprawl,
    NoStoppingCue,
    EscalationNoCooldown,
    YoungAudienceIntensity,
    AbruptExit,
    NoRealityAnchor,
    Isolation,
    ImpliedObligation,
    EscapeFraming,
)

plugin = Plugin(
    name="ethics",
    version=__version__,
    rules=[rule() for rule in RULES],
    description="Escapism-risk rules (EXT, RWD, TMP, INT, SOC) behind the publish gate.",
)
