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
