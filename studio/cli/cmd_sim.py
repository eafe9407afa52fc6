"""Analysis commands: `analyze` (exact facts over scene and variable states, the three dreamers,
witness walks, a PRISM export) and `simulate` (a Monte Carlo night)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from studio.analysis.states import DEFAULT_MAX_STATES
from studio.io import load_dreamscape
from studio.io.atomic import atomic_write_text
from studio.sim import SimulationResult, simulate

from .common import EXIT_OK, CliError, add_format_flag, print_json

if TYPE_CHECKING:  # scipy loads only for `analyze`, so `simulate` starts quickly
    from studio.analysis import Analysis

MAX_DREAMERS = 1_000_000


def register(sub: Any) -> None:
    p = sub.add_parser(
        "analyze", help="exact facts for three dreamers: exit probability, minutes, traps, walks"
    )
    p.add_argument("file")
    add_format_flag(p)
    p.add_argument(
        "--max-states",
        type=int,
        default=DEFAULT_MAX_STATES,
        help=f"cap on explored (scene, valuation) states (default {DEFAULT_MAX_STATES:,})",
    )
    p.add_argument("--prism", metavar="OUT.prism", help="also write the model for PRISM or Storm")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("simulate", help="simulate a night of many dreamers (Monte Carlo)")
    p.add_argument("file")
    p.add_argument("--dreamers", type=int, default=10_000, help="how many dreamers (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_format_flag(p)
    p.set_defaults(func=cmd_simulate)


def _minutes(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.1f} min"


def _dreamer_table(a: Analysis) -> list[str]:
    from studio.analysis import DREAMERS

    """The three dreamers side by side."""
    head = f"  {'':<34}" + "".join(f"{d:>12}" for d in DREAMERS)
    p = "".join(f"{a.dreamers[d]['exit_probability']:>12.4f}" for d in DREAMERS)
    m = "".join(
        f"{'never all' if a.dreamers[d]['expected_minutes'] is None else format(a.dreamers[d]['expected_minutes'], '.1f'):>12}"
        for d in DREAMERS
    )
    return [head, f"  {'exit probability':<34}{p}", f"  {'expected dream minutes to exit':<34}{m}"]


def analyze_text(name: str, a: Analysis) -> list[str]:
    how = (
        "exact"
        if not a.partial
        else f"BOUNDED at {a.max_states:,} states, figures are partial"
        + (f"; growing: {', '.join(a.grew)}" if a.grew else "")
    )
    lines = [
        f"{name}: {how} analysis over {a.states:,} (scene, variable) states, solver {a.solver}"
    ]
    if a.entry is None:
        lines.append("  no single entry node: nothing can be said about a night")
        return lines
    lines += _dreamer_table(a)
    lines.append(
        "  (typical: every scene drawn by weight; leaving: picks the way out at choices; "
        "compulsive: picks to stay)"
    )
    if a.expected_minutes is None:
        lines.append(
            "  expected dream minutes shown only where every dreamer of that kind reaches an exit"
        )
    deepest = a.max_steps_to_exit
    if deepest is not None:
        lines.append(f"  most steps from a reachable scene to its nearest exit: {deepest}")
    if a.trap_nodes:
        lines.append(f"  trap scenes (no way to an exit): {', '.join(a.trap_nodes)}")
        for region in a.closed_regions:
            lines.append(f"    closed loop: {' → '.join(region)}")
    if a.unreachable_nodes:
        lines.append(f"  unreachable from the entry: {', '.join(a.unreachable_nodes)}")
    if a.cycles:
        lines.append(f"  loops: {len(a.cycles)} (largest {max(len(c) for c in a.cycles)} scenes)")
    if not a.exits:
        lines.append("  there is no exit node")
    for dreamer in ("leaving", "compulsive"):
        for scene, edges in a.policies.get(dreamer, {}).items():
            lines.append(f"  {dreamer} dreamer at '{scene}' takes {', '.join(edges)}")
    for w in a.witnesses:
        what = "shortest way out" if w.kind == "exit" else f"{w.kind} at '{w.scene}'"
        lines.append(f"  witness ({what}): {w.text()}")
    rem = a.night_rem_minutes
    if rem is not None and (a.expected_minutes is None or a.expected_minutes > rem):
        over = a.overrun_witness(rem)
        if over is not None:
            lines.append(f"  witness (past the night's {rem:g} REM minutes): {over.text()}")
    for note in a.collapsed.values():
        lines.append(f"  merged: {note}")
    return lines


def analyze_json(a: Analysis) -> dict[str, Any]:
    """The analyze JSON: the promised keys first, then the rest of what is known."""
    data = a.to_dict()
    rem = a.night_rem_minutes
    if rem is not None and (a.expected_minutes is None or a.expected_minutes > rem):
        w = a.overrun_witness(rem)
        if w is not None:
            data["witnesses"].append(w.to_dict())
    return data


def simulate_text(name: str, r: SimulationResult) -> list[str]:
    s = r.summary()
    lines = [
        f"{name}: {s['dreamers']} dreamers simulated (seed {s['seed']}), "
        f"{r.total_rem_minutes:g} REM minutes in the night"
    ]
    lines.append(
        f"  finished {s['finished_fraction']:.1%}, captured {s['captured_fraction']:.1%}, "
        f"stalled {s['stalled_fraction']:.1%}"
    )
    if s["mean_minutes"] is not None:
        lines.append(
            f"  minutes to exit: mean {s['mean_minutes']:.1f}, median "
            f"{s['median_minutes']:.1f}, p95 {s['p95_minutes']:.1f} "
            f"(min {s['min_minutes']:.1f}, max {s['max_minutes']:.1f})"
        )
        lines.append(
            f"  anchor coverage {s['anchor_coverage']:.1%}, "
            f"social coverage {s['social_coverage']:.1%} (of finishing dreamers)"
        )
    else:
        lines.append("  nobody reached an exit")
    lines.append(
        f"  mean REM windows spanned {s['mean_rem_windows']:.2f}, "
        f"reward rate {s['reward_rate']:.3f} per dream minute"
    )
    busiest = sorted(s["node_visits"].items(), key=lambda kv: -kv[1])[:5]
    if busiest:
        lines.append("  most visited: " + ", ".join(f"{k} {v:.2f}" for k, v in busiest))
    for problem in r.problems:
        lines.append(f"  note: {problem}")
    return lines


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.max_states < 1:
        raise CliError(f"--max-states must be at least 1, got {args.max_states}")
    ds = load_dreamscape(args.file)
    from studio.analysis import analyze, to_prism

    a = analyze(ds, max_states=args.max_states)
    if args.prism and a.space is not None:
        try:
            atomic_write_text(args.prism, to_prism(a.space, title=ds.meta.title))
        except OSError as exc:
            raise CliError(f"{args.prism}: cannot write the PRISM model: {exc}") from None
    if args.format == "json":
        print_json(analyze_json(a))
    else:
        print("\n".join(analyze_text(args.file, a)))
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    if not 1 <= args.dreamers <= MAX_DREAMERS:
        raise CliError(f"--dreamers must be between 1 and {MAX_DREAMERS}, got {args.dreamers}")
    if args.seed < 0:
        raise CliError(f"--seed must be 0 or more, got {args.seed}")
    ds = load_dreamscape(args.file)
    r = simulate(ds, dreamers=args.dreamers, seed=args.seed)
    if args.format == "json":
        print_json(r.summary())
    else:
        print("\n".join(simulate_text(args.file, r)))
    return EXIT_OK
