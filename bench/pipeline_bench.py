"""Pipeline benchmark (issue 5): generate, load, reason, validate and build 10^4…10^6 synthetic triples.

    .venv/bin/python bench/pipeline_bench.py --sizes 10000,100000,1000000

Steps per size, all on one pyoxigraph store: ``generate`` (natoasia.dataset.synth N-Triples), ``load`` (ontology
and data into the default graph and the asserted copy), ``reason`` (natoasia.dataset.reasoning.rules_sparql to a fixpoint, kept
entailments and consistency findings), ``validate`` (natoasia.dataset.checks.shacl_sparql on the ontology and the data
without entailments, as ``natoasia validate`` does with pySHACL, loaded into a store of their own with their literals as
written — natoasia.dataset.checks.written — since pyoxigraph would store ``xsd:int`` as ``xsd:integer``; the load is
timed with the step), ``build``
(N-Quads and Turtle dumps of asserted + entailments, serialized by pyoxigraph, unsorted).

Progress goes to stderr as it runs (a start line per step and a heartbeat every --heartbeat seconds);
the table (seconds, ratio per 10x data, peak RSS) goes to stdout at the end.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from natoasia import GRAPH_NS
from natoasia.dataset.checks import written
from natoasia.dataset.checks.shacl_sparql import validate_store
from natoasia.dataset.reasoning.rules_sparql import (ASSERTED, compile_rules, consistency_findings, kept_entailments,
                                                     load_graph, load_ntriples, run_rules)
from natoasia.dataset.sources import load_sources
from natoasia.dataset.synth import write_file
from natoasia.rdfio import to_ox

INFERRED = ox.NamedNode(GRAPH_NS + "inferred")
PREFIXES = {"nat": "https://w3id.org/natoasia/ontology#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "skos": "http://www.w3.org/2004/02/skos/core#", "oa": "http://www.w3.org/ns/oa#",
            "prov": "http://www.w3.org/ns/prov#", "time": "http://www.w3.org/2006/time#"}


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def label(size: int) -> str:
    exponent = math.log10(size)
    return f"10^{exponent:g}" if exponent == int(exponent) else f"{size:,}"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Step:
    """Times a step; says when it starts, every ``heartbeat`` seconds while it runs, and when it ends."""

    def __init__(self, size: int, name: str, heartbeat: float):
        self.size, self.name, self.heartbeat = size, name, heartbeat
        self.done = threading.Event()

    def __enter__(self):
        self.start = time.perf_counter()
        say(f"[{label(self.size)}] {self.name}…")
        if self.heartbeat > 0:
            threading.Thread(target=self._beat, daemon=True).start()
        return self

    def _beat(self):
        while not self.done.wait(self.heartbeat):
            say(f"[{label(self.size)}] {self.name}… {time.perf_counter() - self.start:.0f} s")

    def __exit__(self, *exc):
        self.done.set()
        self.seconds = time.perf_counter() - self.start
        return False


def run_size(size: int, args, ontology, shapes, tmp: Path, rows: list) -> None:
    def step(name):
        return Step(size, name, args.heartbeat)

    def record(s: Step, note: str) -> None:
        rows.append((size, s.name, s.seconds, peak_rss_mb(), note))
        say(f"[{label(size)}] {s.name}: {s.seconds:.2f} s, peak RSS {peak_rss_mb():.0f} MB — {note}")

    path = tmp / f"synth-{size}.nt"
    with step("generating") as s:
        written = write_file(path, size, args.seed)
    record(s, f"{written} triples")

    store = ox.Store()
    with step("loading") as s:
        load_graph(store, ontology)
        load_ntriples(store, path)
    record(s, f"{len(store)} quads")

    with step("reasoning") as s:
        rules = compile_rules(ontology)
        stats = run_rules(store, rules)
        inferred = [ox.Quad(to_ox(a), to_ox(b), to_ox(c), INFERRED) for a, b, c in kept_entailments(store)]
        owl_findings = consistency_findings(store, rules)
    record(s, f"{stats['rounds']} rounds, {len(inferred)} kept, {len(owl_findings)} findings")

    with step("validating") as s:
        def progress(line: str) -> None:
            if args.verbose:
                say(f"[{label(size)}]   {line}")
        checked = ox.Store()
        written.load_graph(checked, ontology)
        written.load_file(checked, path)
        loaded = time.perf_counter() - s.start
        findings = validate_store(checked, shapes, progress=progress)
        del checked
    record(s, f"{len(findings)} SHACL findings ({loaded:.2f} s of it loading the literals as written)")
    for finding in findings[:5]:
        say("  " + finding.text())

    with step("building") as s:
        store.extend(inferred)
        quads = tmp / f"dataset-{size}.nq"
        turtle = tmp / f"dataset-{size}.ttl"
        with open(quads, "wb") as out:
            ox.serialize(store.quads_for_pattern(None, None, None, ASSERTED), out, ox.RdfFormat.N_QUADS)
            ox.serialize(store.quads_for_pattern(None, None, None, INFERRED), out, ox.RdfFormat.N_QUADS)
        triples = (q.triple for g in (ASSERTED, INFERRED) for q in store.quads_for_pattern(None, None, None, g))
        ox.serialize(triples, str(turtle), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    record(s, f"{quads.stat().st_size / 2**20:.0f} MB N-Quads, {turtle.stat().st_size / 2**20:.0f} MB Turtle")
    for p in (path, quads, turtle):
        p.unlink()
    del store


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--heartbeat", type=float, default=15.0, help="progress line every N seconds (0: off)")
    parser.add_argument("--verbose", action="store_true", help="one progress line per node shape")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    sources = load_sources()
    ontology, shapes = sources.union("ontology"), sources.union("shapes")
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            start = time.perf_counter()
            run_size(size, args, ontology, shapes, Path(tmp), rows)
            rows.append((size, "total", time.perf_counter() - start, peak_rss_mb(), ""))

    print(f"{'triples':>9} | {'step':<10} | {'seconds':>8} | {'x per 10x':>9} | {'peak RSS MB':>11} | note")
    print("-" * 90)
    last: dict = {}
    for size, name, seconds, rss, note in rows:
        prev = last.get(name)
        ratio = None
        if prev and prev[1] > 0 and size != prev[0]:
            ratio = (seconds / prev[1]) ** (1 / math.log10(size / prev[0]))
        last[name] = (size, seconds)
        rat = f"{ratio:9.1f}" if ratio is not None else "        -"
        print(f"{size:>9} | {name:<10} | {seconds:8.2f} | {rat} | {rss:11.0f} | {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
