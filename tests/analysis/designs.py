"""Hypothesis strategy for small designs with variables, conditions, effects and choices."""

from __future__ import annotations

from hypothesis import strategies as st

from studio.model import Dreamscape
from tests.sim.builders import build

CONDITIONS = (None, None, "c >= 1", "c >= 2", "c < 2", "f", "not f", "f or c >= 3", "c == 1")
NODE_EFFECTS = ({}, {}, {"c": "c + 1"}, {"f": "true"}, {"f": "not f"}, {"c": "c + 2"})
BOUNDED_EFFECTS = ({"c": "c - 1"}, {"c": "c * 2"})
EDGE_EFFECTS = ({}, {}, {}, {"c": "c + 1"}, {"f": "false"})


@st.composite
def designs(draw: st.DrawFn) -> Dreamscape:
    """3-8 scenes (scene, choice, reward), 1-2 exits, an int and a bool, gated edges."""
    bounded = draw(st.booleans())
    inner = draw(st.integers(2, 6))
    kinds = ["entry"] + [draw(st.sampled_from(["scene", "choice", "reward"])) for _ in range(inner)]
    exits = draw(st.integers(1, 2))
    ids = [f"n{i}" for i in range(len(kinds))] + [f"wake{i}" for i in range(exits)]
    kinds += ["exit"] * exits
    effects = NODE_EFFECTS + (BOUNDED_EFFECTS if bounded else ())
    nodes = []
    for node_id, kind in zip(ids, kinds, strict=True):
        fx = draw(st.sampled_from(effects)) if kind != "exit" else {}
        nodes.append((node_id, kind, draw(st.sampled_from([1, 2, 3, 5])), {"effects": dict(fx)}))
    edges = []
    for i, kind in enumerate(kinds):
        if kind == "exit":
            continue
        # Most scenes get an open edge leading on; the others may trap or stall a dreamer.
        if draw(st.integers(0, 4)):
            on = draw(st.integers(i + 1, len(ids) - 1))
            edges.append((ids[i], ids[on], draw(st.sampled_from([1.0, 2.0, 3.0]))))
        for _ in range(draw(st.integers(1, 2))):
            edges.append(
                (
                    ids[i],
                    draw(st.sampled_from(ids)),
                    draw(st.sampled_from([1.0, 2.0, 0.5])),
                    draw(st.sampled_from(CONDITIONS)),
                    dict(draw(st.sampled_from(EDGE_EFFECTS))),
                )
            )
    ds = build(nodes, edges, variables={"c": ("int", 0), "f": ("bool", False)}, rem=[1e6])
    if bounded:
        ds.variables["c"].minimum, ds.variables["c"].maximum = -2, 6
    return ds
