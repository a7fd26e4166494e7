"""Search benchmark (issue 10): build the FTS5 index of 10^4…10^6 synthetic triples and time a search mix.

    .venv/bin/python bench/search_bench.py --sizes 10000,100000,1000000 --rounds 30

For each size: ``natoasia.dataset.synth`` N-Triples, parsed by pyoxigraph and indexed by
:func:`natoasia.site.search.write_index` (what ``natoasia build`` runs); then the mix below, ``--rounds``
times in shuffled order, on one :class:`~natoasia.site.search.SearchIndex` opened read-only as the
server opens it. Each search is timed from the user's text to the page of 20 ranked, highlighted hits
with its total (what ``/search`` computes before rendering). The table (index build time and size,
p50/p99/max per search) goes to stdout; per-query p50 with --per-query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.search_index import SearchIndex, write_index
from natoasia.dataset.synth import write_file

#: Searches fitting the synthetic data: exact names, numbers, prefixes of 2-5 letters matching most of the
#: index, words of facts and of sentences, several words, and text that matches nothing.
MIX = ["State 4711", "state", "programme 12", "Programme", "st", "pro", "synth", "sentence 99", "4711", "joins",
       "contributes", "Synthetic sentence 123 names", "relationship", "no such thing", "zzz", "State 1 joins a programme"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_size(size: int, rounds: int, seed: int, tmp: Path, per_query: bool) -> dict:
    data = tmp / f"synth-{size}.nt"
    triples = write_file(data, size, seed)
    started = time.perf_counter()
    rows = write_index(tmp / SEARCH_INDEX, ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES))
    build_seconds = time.perf_counter() - started
    index = SearchIndex(tmp / SEARCH_INDEX)
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {text: [] for text in MIX}
    for _ in range(rounds):
        order = MIX[:]
        rng.shuffle(order)
        for text in order:
            began = time.perf_counter()
            index.search(text)
            timings[text].append((time.perf_counter() - began) * 1000)
    index.close()
    every = [t for ts in timings.values() for t in ts]
    result = {"size": size, "triples": triples, "rows": rows, "build": build_seconds,
              "bytes": (tmp / SEARCH_INDEX).stat().st_size, "p50": percentile(every, 0.5),
              "p99": percentile(every, 0.99), "max": max(every), "searches": len(every)}
    if per_query:
        for text, ts in timings.items():
            print(f"  [{size}] {text!r}: p50 {statistics.median(ts):.2f} ms, max {max(ts):.2f} ms", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=30, help="times the whole mix is run per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-query", action="store_true", help="print each search's p50 to stderr")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"[{size}] generating and indexing…", file=sys.stderr, flush=True)
            results.append(run_size(size, args.rounds, args.seed, Path(tmp), args.per_query))
    print("| measurement | " + " | ".join(f"{r['triples']:,} triples" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    print("| indexed resources | " + " | ".join(f"{r['rows']:,}" for r in results) + " |")
    print("| index build | " + " | ".join(f"{r['build']:.2f} s" for r in results) + " |")
    print("| index size | " + " | ".join(f"{r['bytes'] / 2**20:.1f} MiB" for r in results) + " |")
    print("| search p50 | " + " | ".join(f"{r['p50']:.2f} ms" for r in results) + " |")
    print("| search p99 | " + " | ".join(f"{r['p99']:.2f} ms" for r in results) + " |")
    print("| search max | " + " | ".join(f"{r['max']:.2f} ms" for r in results) + " |")
    print(f"({results[0]['searches']} searches per size: the mix of {len(MIX)} × {args.rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
