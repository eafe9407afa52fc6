"""The explored design written as a PRISM model, so PRISM or Storm can check our numbers.

One module holds the scene and every variable (merged values as the analysis explored them;
float variables as an index into the value table in the header). Each explored state gets its
commands: a `choice` scene one command per enabled edge (the dreamer's nondeterminism), any
other scene one probabilistic command; exits, stalls and unexplored states loop on themselves.
`dtmc=True` writes the typical dreamer instead (choices drawn by weight).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import numpy as np

from .states import StateSpace

PROPERTIES = (
    ('Pmax=? [ F "exit" ]', "leaving dreamer: best chance to wake"),
    ('Pmin=? [ F "exit" ]', "compulsive dreamer: the chance the design cannot prevent"),
    ('R{"minutes"}min=? [ F "exit" ]', "leaving dreamer: fewest expected minutes"),
    ('R{"minutes"}max=? [ F "exit" ]', "compulsive dreamer: most expected minutes"),
)
DTMC_PROPERTIES = (
    ('P=? [ F "exit" ]', "typical dreamer: chance to wake"),
    ('R{"minutes"}=? [ F "exit" ]', "typical dreamer: expected minutes"),
)


def _ident(name: str) -> str:
    return f"v_{name}"


class _Encoding:
    """How each variable's explored values are written as PRISM values."""

    def __init__(self, space: StateSpace) -> None:
        self.space = space
        prog = space.prog
        rows = space.values
        self.columns: list[tuple[str, str, list[float]]] = []
        for col, name in enumerate(prog.names):
            seen = np.unique(rows[:, col]) if rows.shape[0] else np.asarray([prog.initial[col]])
            self.columns.append((name, prog.types[col], seen.tolist()))

    def declaration(self, col: int, initial: float) -> str:
        name, var_type, seen = self.columns[col]
        if var_type == "bool":
            return f"  {_ident(name)} : bool init {'true' if initial else 'false'};"
        if var_type == "int":
            lo, hi = int(min(seen)), int(max(seen))
            return f"  {_ident(name)} : [{lo}..{hi}] init {int(initial)};"
        return f"  {_ident(name)} : [0..{max(len(seen) - 1, 0)}] init {self.code(col, initial)};"

    def code(self, col: int, value: float) -> str:
        name, var_type, seen = self.columns[col]
        if var_type == "bool":
            return "true" if value else "false"
        if var_type == "int":
            return str(int(value))
        return str(seen.index(value))

    def floor(self, col: int) -> str:
        """The value exits are written with (nothing after an exit matters)."""
        name, var_type, seen = self.columns[col]
        return self.code(col, min(seen) if var_type != "bool" else 0.0)

    def assign(self, row: np.ndarray | None) -> list[str]:
        return [
            f"{_ident(name)}={self.code(col, row[col]) if row is not None else self.floor(col)}"
            for col, (name, _t, _s) in enumerate(self.columns)
        ]


def _fractions(probs: np.ndarray) -> list[Fraction]:
    """Exact branch probabilities that sum to one (the weights as written in the file)."""
    parts = [Fraction(float(p)).limit_denominator(10**12) for p in probs]
    total = sum(parts, Fraction(0))
    return [p / total for p in parts]


def _update(enc: _Encoding, scene: int, row: np.ndarray | None) -> str:
    names = [f"(scene'={scene})"] + [
        f"({a.split('=')[0]}'={a.split('=', 1)[1]})" for a in enc.assign(row)
    ]
    return "&".join(names)


def _commands(space: StateSpace, enc: _Encoding, dtmc: bool) -> Iterator[str]:
    g = space.prog.g
    choice = space.is_choice
    for state in range(space.n):
        scene = int(space.scene[state])
        vid = int(space.valuation[state])
        row = space.values[vid] if vid >= 0 else None
        guard = "&".join([f"scene={scene}"] + enc.assign(row)) if not g.is_exit[scene] else ""
        if g.is_exit[scene]:
            continue
        lo, hi = int(space.offsets[state]), int(space.offsets[state + 1])
        if lo == hi:
            yield f"  [] {guard} -> true;"
            continue
        targets = space.target[lo:hi]
        updates = []
        for t in targets.tolist():
            tv = int(space.valuation[t])
            updates.append(_update(enc, int(space.scene[t]), space.values[tv] if tv >= 0 else None))
        if choice[state] and not dtmc:
            for update in updates:
                yield f"  [] {guard} -> {update};"
        else:
            probs = _fractions(space.prob[lo:hi])
            body = " + ".join(
                f"{p.numerator}/{p.denominator}:{u}" for p, u in zip(probs, updates, strict=True)
            )
            yield f"  [] {guard} -> {body};"


def to_prism(space: StateSpace, dtmc: bool = False, title: str = "") -> str:
    """The whole model text."""
    prog = space.prog
    g = prog.g
    enc = _Encoding(space)
    props = DTMC_PROPERTIES if dtmc else PROPERTIES
    lines = [
        f"// {title or 'dreamscape'}: exported by Adjuster Studio (dreamstudio analyze --prism)"
    ]
    lines.append(
        f"// {space.n} explored (scene, valuation) states"
        + ("" if space.complete else ", BOUNDED: partial")
    )
    lines.append("// Properties to check (Storm: storm --prism FILE --prop '...'):")
    lines += [f"//   {p}    {why}" for p, why in props]
    lines.append("// scenes: " + ", ".join(f"{i}={sid}" for i, sid in enumerate(g.ids)))
    for name, var_type, seen in enc.columns:
        if var_type == "float":
            lines.append(
                f"// {_ident(name)} indexes the values "
                + ", ".join(f"{i}={v!r}" for i, v in enumerate(seen))
            )
    lines.append("")
    lines.append("dtmc" if dtmc else "mdp")
    lines.append("")
    lines.append("module dreamscape")
    start = space.entry_state if space.entry_state is not None else 0
    start_scene = int(space.scene[start]) if space.n else 0
    lines.append(f"  scene : [0..{max(g.n - 1, 0)}] init {start_scene};")
    vid = int(space.valuation[start]) if space.n else -1
    init_row = space.values[vid] if vid >= 0 else None
    for col in range(len(enc.columns)):
        value = float(init_row[col]) if init_row is not None else min(enc.columns[col][2])
        lines.append(enc.declaration(col, value))
    lines += list(_commands(space, enc, dtmc))
    exits = [i for i in range(g.n) if g.is_exit[i]]
    if exits:
        lines.append("  [] " + "|".join(f"scene={i}" for i in exits) + " -> true;")
    lines.append("endmodule")
    lines.append("")
    lines.append('label "exit" = ' + ("|".join(f"scene={i}" for i in exits) or "false") + ";")
    lines.append("")
    lines.append('rewards "minutes"')
    for i in range(g.n):
        if not g.is_exit[i] and g.minutes[i] > 0:
            lines.append(f"  scene={i} : {_number(float(g.minutes[i]))};")
    lines.append("endrewards")
    return "\n".join(lines) + "\n"


def _number(x: float) -> str:
    if x == int(x) and math.isfinite(x):
        return str(int(x))
    f = Fraction(x).limit_denominator(10**9)
    return f"{f.numerator}/{f.denominator}"
