"""Query check benchmark: the check's time against the length of the query, per shape, new and old.

Usage:  .venv/bin/python bench/query_check_bench.py [--sizes 1000,10000,30000,100000] [--repeat 3]
                                                    [--old-ref layout] [--old-cap 10] [--shapes a,b]

For each shape — realistic queries made long (a VALUES block, triple patterns, rdf:type IRIs, comparisons,
a long string, the competency questions one after another) and the attack shapes of issue 17
(``tests/sparql_strategies.ATTACKS``: unterminated strings and escapes, dot-separated names, ``1+1+…``
chains, ``<`` runs, comments, deep brackets, …) — at each size: the best CPU time of ``--repeat`` runs of
:func:`natoasia.endpoint.querycheck.scan`, its verdict, and the ratio of its time (and of its counted work)
at the largest size to the size ten times smaller: linear is about 10, quadratic 100.

The old check (the one in ``git show OLD_REF:server/natoasia/endpoint/querycheck.py`` and its
``terminals.py``, copied into a temporary package) runs on the same texts in a subprocess, one call each,
cut off after ``--old-cap`` seconds of CPU (reported as ``>cap``) so that it cannot hang the bench; once a shape
is cut off at one size, its larger sizes are not tried.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import ROOT  # noqa: E402
from natoasia.endpoint.querycheck import scan  # noqa: E402
from tests.sparql_strategies import ATTACKS  # noqa: E402

OLD_FILES = ("querycheck.py", "terminals.py")
OLD_CHILD = """
import signal, sys, time
sys.path.insert(0, sys.argv[1])
from oldcheck.querycheck import scan
text = sys.stdin.read()
signal.setitimer(signal.ITIMER_PROF, float(sys.argv[2]))  # SIGPROF ends the process, even inside a regex call
started = time.process_time()
result = scan(text)
print(time.process_time() - started)
"""


def _repeated(head: str, unit, tail: str):
    return lambda size: head + "".join(unit(i) for i in range(max(1, (size - len(head) - len(tail)) // len(unit(0)))))\
        + tail


def realistic() -> dict:
    """Realistic queries, made as long as asked."""
    cqs = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("CQ*.rq")))
    return {
        "VALUES block": _repeated("PREFIX ex: <http://x/> SELECT * WHERE { VALUES (?c ?l ?n ?x) { ",
                                  lambda i: f'(<https://w3id.org/natoasia/id/country/c{i % 10}> "l {i % 10}"@en 1 ex:x) ',
                                  "} }"),
        "triple patterns": _repeated("SELECT * WHERE { ", lambda i: f"?s{i % 10} <http://example.org/p{i % 10}> ?o . ", "}"),
        "rdf:type IRIs": _repeated("SELECT * WHERE { ", lambda i: "?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?t .\n",
                                   "}"),
        "comparisons": _repeated("SELECT * WHERE { ?s ?p ?o ", lambda i: "FILTER(?o < 1 || ?o > <http://x/1>) ", "}"),
        "one long string": lambda size: 'SELECT * { ?s ?p "' + "a" * (size - 30) + '" }',
        "competency questions": lambda size: (cqs * (size // len(cqs) + 1))[:size],
    }


def shapes(selected: list[str] | None) -> dict:
    found = {**realistic(), **ATTACKS}
    return {name: found[name] for name in (selected or found)}


def new_time(text: str, repeat: int) -> tuple[float, int, str]:
    """(best CPU seconds, work, verdict) of the check on ``text``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        result = scan(text)
        best = min(best, time.process_time() - started)
    verdict = ("refused: " + result.error.problem[:34]) if result.error else \
        ("SERVICE" if result.uses_service else f"depth {result.max_depth}")
    return best, result.work, verdict


def old_package(ref: str) -> Path:
    """The old check, from ``git show ref:…``, as the package ``oldcheck`` in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="natoasia-oldcheck-"))
    (folder / "oldcheck").mkdir()
    (folder / "oldcheck" / "__init__.py").write_text("", encoding="utf-8")
    for name in OLD_FILES:
        text = subprocess.run(["git", "show", f"{ref}:server/natoasia/endpoint/{name}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
        text = text.replace("natoasia.endpoint.terminals", "oldcheck.terminals")
        (folder / "oldcheck" / name).write_text(text, encoding="utf-8")
    return folder


def old_time(folder: Path, text: str, cap: float) -> float | None:
    """CPU seconds of one call of the old check, or None when it took more than ``cap`` seconds of CPU."""
    done = subprocess.run([sys.executable, "-c", OLD_CHILD, str(folder), str(cap)], input=text, capture_output=True,
                          text=True, timeout=cap * 10 + 120)
    return float(done.stdout) if done.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old-ref", default="layout", help="the git ref of the old check ('' to skip it)")
    parser.add_argument("--old-cap", type=float, default=10.0)
    parser.add_argument("--shapes", help="comma-separated shapes (default: all)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = old_package(args.old_ref) if args.old_ref else None
    print(f"{'shape':44s} " + " ".join(f"{s // 1000:>5d}k ms" for s in sizes) + "  ×10 time  ×10 work"
          + ("  old: " + " ".join(f"{s // 1000}k" for s in sizes) + " (ms)" if folder else "") + "  verdict at the largest")
    for name, make in shapes(args.shapes.split(",") if args.shapes else None).items():
        results = [new_time(make(size), args.repeat) for size in sizes]
        top = sizes.index(max(sizes))
        tenth = sizes.index(max(sizes) // 10) if max(sizes) // 10 in sizes else None
        times = " ".join(f"{r[0] * 1000:8.1f}" for r in results)
        ratios = (f"{results[top][0] / max(results[tenth][0], 1e-6):8.1f}  {results[top][1] / results[tenth][1]:8.1f}"
                  if tenth is not None else f"{'-':>8s}  {'-':>8s}")
        old = ""
        if folder:
            cells, cut = [], False
            for size in sizes:
                seconds = None if cut else old_time(folder, make(size), args.old_cap)
                cut = seconds is None
                cells.append(f">{args.old_cap:g}s" if cut else f"{seconds * 1000:.0f}")
            old = "  " + " ".join(cells)
        print(f"{name[:44]:44s} {times}  {ratios}{old}  {results[top][2]}", flush=True)


if __name__ == "__main__":
    main()
