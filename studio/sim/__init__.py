"""Playing dreamscapes: the step-by-step play engine and the vectorized Monte Carlo night."""

from .engine import Choice, PlayEngine, PlayError, Step
from .montecarlo import SimulationCancelled, simulate
from .night import dream_to_clock, windows_spanned
from .program import IntensityLevels
from .result import SimulationResult

__all__ = [
    "Choice",
    "IntensityLevels",
    "PlayEngine",
    "PlayError",
    "SimulationCancelled",
    "SimulationResult",
    "Step",
    "dream_to_clock",
    "simulate",
    "windows_spanned",
]
