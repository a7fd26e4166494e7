"""How much stack pyoxigraph takes per element of each chain (and per level of each bracket) it recurses
on, against the weight the query check gives it; and where it dies on a small stack.

Usage:  .venv/bin/python bench/parser_depth.py [--construct plus,union] [--small-kb 1024] [--no-death]

For each construct of ``tests/sparql_strategies.CHAINS`` (a valid query with a chain of ``k``):

- **stack per element**: ``Store().query(...)``, results read, in a fresh subprocess, in a thread with a
  64 MiB stack, for ``k`` and ``3k`` elements; the stack's resident size (``/proc/self/smaps``: the pages
  the deepest call touched) grows by this much per element;
- **weight**: how much the check's measure (:mod:`natoasia.endpoint.nesting`) grows per element, in
  levels, and what it allows for: a level stands for 1.25 KiB; *covered* is the stack the weight allows
  over the stack taken (at least 1 for every construct, or the limit does not bound the stack);
- **dies at**: the shortest chain that kills the process (SIGSEGV, its stack's guard page) on a thread
  stack of ``--small-kb`` KiB, searched by doubling then bisection (a cross-check of the first column:
  stack ÷ length ≈ stack per element); ``ok`` when nothing up to ``--max`` dies.

A trial that runs past ``--seconds`` is cut off and reported as such (some chains are slow to plan:
a path sequence of 400 steps takes ~45 s); a chain that never dies is one pyoxigraph reads in a loop.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from natoasia.endpoint.querycheck import scan  # noqa: E402
from tests.sparql_strategies import CHAINS  # noqa: E402 — the constructs, shared with tests/test_nesting.py
from tests.stack_probe import stack_taken  # noqa: E402

LEVEL_KIB = 1.25
BIG_STACK = 64 * 2**20
#: Constructs pyoxigraph plans slowly (cubic in the length): measured on shorter chains.
SHORT = {"path sequence": 40, "inverse path sequence": 40, "path alternative": 40, "collection items": 30,
         "triples": 20, "object list": 20, "predicate list": 20, "groups": 20, "optional": 20, "blank node lists": 30,
         "collections": 30}

def trial(construct: str, k: int, stack: int, seconds: float) -> tuple[str, int]:
    """(outcome, KiB of stack touched) for the chain of ``k`` of ``construct``: see ``tests/stack_probe.py``."""
    return stack_taken(CHAINS[construct](k), stack, seconds)


def per_element(construct: str, seconds: float) -> tuple[float, float]:
    """(KiB of stack per element, levels of the check's measure per element), from k and 3k elements."""
    k = SHORT.get(construct, 150)
    (first, small), (second, large) = trial(construct, k, BIG_STACK, seconds), trial(construct, 3 * k, BIG_STACK, seconds)
    if "timeout" in (first, second):
        return float("nan"), float("nan")
    levels = (scan(CHAINS[construct](3 * k)).max_depth - scan(CHAINS[construct](k)).max_depth) / (2 * k)
    return (large - small) / (2 * k), levels


def death(construct: str, stack: int, most: int, seconds: float) -> str:
    """The shortest chain that kills the process on ``stack`` bytes, as text (``ok``: none up to ``most``)."""
    alive, k = 0, 8
    while k <= most:
        outcome = trial(construct, k, stack, seconds)[0]
        if outcome.startswith("SIG"):
            break
        if outcome == "timeout":
            return f"timeout at {k}"
        alive, k = k, k * 2
    else:
        return "ok"
    dead = k
    while dead - alive > max(1, alive // 50):
        middle = (alive + dead) // 2
        if trial(construct, middle, stack, seconds)[0].startswith("SIG"):
            dead = middle
        else:
            alive = middle
    return str(dead)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--construct", default=",".join(CHAINS), help="comma-separated constructs")
    parser.add_argument("--small-kb", type=int, default=1024, help="the small stack deaths are searched on")
    parser.add_argument("--max", type=int, default=20_000, help="longest chain tried on the small stack")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per trial")
    parser.add_argument("--no-death", action="store_true", help="measure the stack per element only")
    args = parser.parse_args()
    print(f"{'construct':24s} {'KiB/element':>11s} {'levels':>6s} {'covered':>7s}  dies at (on {args.small_kb} KiB)")
    for construct in args.construct.split(","):
        kib, levels = per_element(construct, args.seconds)
        covered = levels * LEVEL_KIB / kib if kib > 0 else float("inf")
        died = "-" if args.no_death else death(construct, args.small_kb * 1024, args.max, args.seconds)
        print(f"{construct:24s} {kib:11.2f} {levels:6.1f} {covered:7.2f}  {died}", flush=True)


if __name__ == "__main__":
    main()
