"""Scale benchmark of reasoning (issue 5): synthetic data of 10^4…10^6 triples, SPARQL rules on
pyoxigraph (natoasia.dataset.reasoning.rules_sparql) against owlrl (at the smallest size only).

    .venv/bin/python bench/scale_bench.py --sizes 10000,100000,1000000

Prints one row per size and step: seconds, ratio to the previous size (per 10x data), peak RSS.
A step whose time, extrapolated linearly from the previous size, would exceed --budget seconds is skipped.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from natoasia.dataset.reasoning.owlrl_closure import entailments
from natoasia.dataset.reasoning.rules_sparql import rule_closure_ntriples
from natoasia.dataset.sources import load_sources
from natoasia.dataset.synth import write_file


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--owlrl-max", type=int, default=10_000, help="run owlrl only up to this size")
    parser.add_argument("--budget", type=float, default=600.0, help="skip a step predicted to take longer (s)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ontology = load_sources().union("ontology")
    rows, last = [], {}

    def step(name, size, fn):
        prev = last.get(name)
        if prev and prev[1] * size / prev[0] > args.budget:
            rows.append((size, name, None, None, peak_rss_mb(), "skipped (predicted > budget)"))
            return None
        start = time.perf_counter()
        result, note = fn()
        seconds = time.perf_counter() - start
        ratio = seconds / prev[1] if prev else None
        last[name] = (size, seconds)
        rows.append((size, name, seconds, ratio, peak_rss_mb(), note))
        print(f"  {size:>9} {name:<10} {seconds:8.2f} s  {note}", file=sys.stderr, flush=True)
        return result

    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"synth-{size}.nt"
            step("generate", size, lambda: (None, f"{write_file(path, size, args.seed)} triples"))

            def rules():
                stats = rule_closure_ntriples(ontology, path)
                return stats, (f"{stats['kept']} kept, {stats['rounds']} rounds, "
                               f"{len(stats['findings'])} findings")
            step("rules", size, rules)
            if size <= args.owlrl_max:
                def owl():
                    asserted = Graph().parse(path, format="nt") + ontology
                    inferred, findings = entailments(asserted)
                    return inferred, f"{len(inferred)} kept, {len(findings)} findings"
                step("owlrl", size, owl)
            path.unlink()

    print(f"{'triples':>9} | {'step':<10} | {'seconds':>8} | {'x per 10x':>9} | {'peak RSS MB':>11} | note")
    print("-" * 80)
    for size, name, seconds, ratio, rss, note in rows:
        sec = f"{seconds:8.2f}" if seconds is not None else "       -"
        rat = f"{ratio:9.1f}" if ratio is not None else "        -"
        print(f"{size:>9} | {name:<10} | {sec} | {rat} | {rss:11.0f} | {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
