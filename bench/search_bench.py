"""Search benchmark (issues 10 and 18): index 10^4…10^6 synthetic triples and time a search mix, today's search
against the search before issue 18 (the single-module index of git history), in the same run.

    .venv/bin/python bench/search_bench.py --sizes 10000,100000,1000000 --rounds 30

For each size: ``natoasia.dataset.synth`` N-Triples with the ontology (as ``natoasia build`` indexes the
union of both), indexed by each implementation's ``write_index``; then the mix below, ``--rounds`` times in
shuffled order, each search run on both indexes one after the other (so both see the same load), each index
opened read-only as the server opens it. A search is timed from the user's text to the page of hits with
their counts (what ``/search`` computes before rendering): for today's search, every group with its best hits,
highlighted, with corrections and the any-word fallback where the text asks for them, and without its cache
of answers (every search is worked out again). The table (index build
time and size, p50/p99/max per search, and the ratio today/before) goes to stdout; per-query p50 with
--per-query. ``--baseline REV`` names the git revision of the search before (default: the parent of the
commit that replaced ``server/natoasia/dataset/search_index.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from natoasia.dataset.search_index import SearchIndex, write_index
from natoasia.dataset.sources import data_root
from natoasia.dataset.synth import write_file

ROOT = Path(__file__).resolve().parents[1]
OLD_MODULE = "server/natoasia/dataset/search_index.py"
#: Searches fitting the synthetic data: exact names, numbers, prefixes of 2-5 letters matching most of the
#: index, words of facts and of sentences, several words, text that matches nothing, and (new in issue 18)
#: misspelt words and words that are never all in one resource.
MIX = ["State 4711", "state", "programme 12", "Programme", "st", "pro", "synth", "sentence 99", "4711", "joins",
       "contributes", "Synthetic sentence 123 names", "relationship", "no such thing", "zzz", "State 1 joins a programme",
       "Programe 12", "Stat 4711", "summit troops 4711", "contributes rivalry"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def baseline_module(revision: str | None, tmp: Path):
    """The search index module of git revision ``revision`` (default: the last one that had it), imported."""
    if revision is None:
        replaced = subprocess.run(["git", "rev-list", "-1", "HEAD", "--", OLD_MODULE], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.strip()
        revision = replaced + "^"
    source = subprocess.run(["git", "show", f"{revision}:{OLD_MODULE}"], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout
    path = tmp / "search_index_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("search_index_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def triples_of(size: int, seed: int, tmp: Path) -> tuple[int, list]:
    """The synthetic triples of ``size`` and the ontology's, as ``natoasia build`` indexes them together."""
    data = tmp / f"synth-{size}.nt"
    count = write_file(data, size, seed)
    ontology = ox.parse(path=str(data_root() / "ontology" / "natoasia.ttl"), format=ox.RdfFormat.TURTLE)
    return count, [*ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES), *ontology]


def run_size(size: int, rounds: int, seed: int, tmp: Path, before, per_query: bool) -> dict:
    count, triples = triples_of(size, seed, tmp)
    result = {"size": size, "triples": count}
    indexes = {}
    for name, write, opener in (("before", before.write_index, before.SearchIndex),
                                ("today", write_index, lambda path: SearchIndex(path, cache=0))):
        path = tmp / f"{name}-{size}.sqlite"
        started = time.perf_counter()
        result[f"{name} rows"] = write(path, triples)
        result[f"{name} build"] = time.perf_counter() - started
        result[f"{name} bytes"] = path.stat().st_size
        indexes[name] = opener(path)
    rng = random.Random(seed)
    timings = {name: {text: [] for text in MIX} for name in indexes}
    for _ in range(rounds):
        order = MIX[:]
        rng.shuffle(order)
        for text in order:
            for name, index in indexes.items():
                began = time.perf_counter()
                index.search(text)
                timings[name][text].append((time.perf_counter() - began) * 1000)
    for name, index in indexes.items():
        index.close()
        every = [t for ts in timings[name].values() for t in ts]
        result.update({f"{name} p50": percentile(every, 0.5), f"{name} p99": percentile(every, 0.99),
                       f"{name} max": max(every), "searches": len(every)})
    if per_query:
        for text in MIX:
            print(f"  [{size}] {text!r}: p50 before {statistics.median(timings['before'][text]):.2f} ms, "
                  f"today {statistics.median(timings['today'][text]):.2f} ms", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=30, help="times the whole mix is run per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", default=None, help="git revision of the search before (see above)")
    parser.add_argument("--per-query", action="store_true", help="print each search's p50 to stderr")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        before = baseline_module(args.baseline, Path(tmp))
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"[{size}] generating and indexing…", file=sys.stderr, flush=True)
            results.append(run_size(size, args.rounds, args.seed, Path(tmp), before, args.per_query))
    print("| measurement | " + " | ".join(f"{r['triples']:,} triples" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [("indexed resources", "rows", "{:,}"), ("index build", "build", "{:.2f} s"),
            ("index size", "bytes", "{:.1f} MiB"), ("search p50", "p50", "{:.2f} ms"), ("search p99", "p99", "{:.2f} ms"),
            ("search max", "max", "{:.2f} ms")]
    for title, key, form in rows:
        for name in ("before", "today"):
            values = [r[f"{name} {key}"] / (2**20 if key == "bytes" else 1) for r in results]
            print(f"| {title}, {name} | " + " | ".join(form.format(v) for v in values) + " |")
        if key in ("p50", "p99", "build"):
            print(f"| {title}, today / before | "
                  + " | ".join(f"{r[f'today {key}'] / r[f'before {key}']:.1f}×" for r in results) + " |")
    print(f"({results[0]['searches']} searches per size and implementation: the mix of {len(MIX)} × {args.rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
