"""Endpoint benchmark: natoasia serve (cached and uncached) vs the Oxigraph server vs the rdflib baseline
vs the HTTP floor, at concurrency 1 and 8.

Usage:  .venv/bin/python bench/run_bench.py [--seconds 10] [--dataset build/dataset] [--no-baseline]

The Oxigraph server (``oxigraph serve-read-only --union-default-graph``, installed from PyPI into
``bench/.venv-oxigraph`` on first use) serves a store loaded from the same N-Quads dump, asked the
same queries at its ``/query``; natoasia runs three times: with its result cache, with ``--cache-mb 0``
(the persisted store), and with ``--cache-mb 0 --in-memory``.

Each server runs in its own process on 127.0.0.1; the load comes from wrk (a separate process,
bounded by --seconds per run) cycling through a fixed query mix: the twenty competency queries,
label look-ups and DESCRIBEs. It prints throughput, p50 and p99 for each, and the ratios the
targets are stated in. Needs wrk (Debian package ``wrk``; installed here with apt-get if missing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

from bench.harness import check_mix, free_port, oxigraph_server, start, wrk  # noqa: E402
from natoasia.dataset.build import ensure_built  # noqa: E402

ENTITIES = ["country/japan", "country/australia", "country/pakistan", "country/china", "country/india",
            "organisation/nato", "framework/partnership-for-peace", "operation/isaf",
            "forum/tripartite-commission", "event/riga-summit-2006"]
BASE = "https://w3id.org/natoasia/id/"


def query_mix() -> list[str]:
    """Request paths of the mix: 20 competency queries, 10 label look-ups, 10 DESCRIBEs."""
    queries = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("CQ*.rq"))]
    queries += [f"SELECT ?label WHERE {{ <{BASE}{e}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
                for e in ENTITIES]
    queries += [f"DESCRIBE <{BASE}{e}>" for e in ENTITIES]
    return ["/sparql?query=" + quote(q, safe="") for q in queries]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--dataset", default=str(ROOT / "build" / "dataset"))
    parser.add_argument("--no-baseline", action="store_true", help="leave out the rdflib baseline (b)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results as JSON to FILE")
    parser.add_argument("serve_options", nargs="*", help="extra options for both natoasia serve (after --)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    dataset = ensure_built(Path(args.dataset))
    paths = query_mix()
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-bench-"))
    (tmp / "mix.txt").write_text("\n".join(paths) + "\n")
    (tmp / "mix-oxigraph.txt").write_text("\n".join(p.replace("/sparql?", "/query?", 1) for p in paths) + "\n")
    (tmp / "healthz.txt").write_text("/healthz\n")
    ours, uncached, in_memory, oxi, theirs = free_port(), free_port(), free_port(), free_port(), free_port()
    natoasia = [sys.executable, "-m", "natoasia", "serve", "--data", str(dataset), *args.serve_options]
    servers = []
    try:
        servers.append(start(natoasia + ["--port", str(ours)], f"http://127.0.0.1:{ours}/healthz", tmp / "a.log"))
        servers.append(start(natoasia + ["--port", str(uncached), "--cache-mb", "0"],
                             f"http://127.0.0.1:{uncached}/healthz", tmp / "a0.log"))
        servers.append(start(natoasia + ["--port", str(in_memory), "--cache-mb", "0", "--in-memory"],
                             f"http://127.0.0.1:{in_memory}/healthz", tmp / "am.log"))
        servers.append(oxigraph_server(dataset, tmp, oxi))
        if not args.no_baseline:
            servers.append(start([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "16", "-w", "1",
                                  "-b", f"127.0.0.1:{theirs}", f"bench.baseline_app:create('{dataset}')"],
                                 f"http://127.0.0.1:{theirs}/healthz"))
        a, a0, am, o, b = (f"http://127.0.0.1:{p}" for p in (ours, uncached, in_memory, oxi, theirs))
        runs = [("a natoasia serve", a, tmp / "mix.txt"), ("a0 natoasia uncached", a0, tmp / "mix.txt"),
                ("am uncached in-memory", am, tmp / "mix.txt"), ("o oxigraph server", o, tmp / "mix-oxigraph.txt")]
        if not args.no_baseline:
            runs.append(("b rdflib baseline", b, tmp / "mix.txt"))
        runs.append(("c /healthz floor", a, tmp / "healthz.txt"))
        print(f"natoasia serve options: {' '.join(args.serve_options) or '(defaults)'}; "
              f"started (answering /healthz) in {servers[0].startup_seconds:.2f} s")
        answered = {label: check_mix(base, mix.read_text().split()) for label, base, mix in runs[:-1]}
        print(f"query mix: {len(paths)} queries; answered 200: {answered}")
        results = {}
        for label, base, mix in runs:
            for connections in (1, 8):
                results[(label, connections)] = wrk(base, mix, connections, args.seconds)
        print(f"\n{'server':<22} {'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for (label, connections), r in results.items():
            print(f"{label:<22} {connections:>4} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>6}")
        summary = {}
        for c in (1, 8):
            a_, a0_, am_, o_, c_ = (results[(k, c)] for k in ("a natoasia serve", "a0 natoasia uncached",
                                                                "am uncached in-memory", "o oxigraph server",
                                                                "c /healthz floor"))
            summary[f"uncached_over_oxigraph_c{c}"] = a0_["rps"] / o_["rps"]
            summary[f"uncached_in_memory_over_oxigraph_c{c}"] = am_["rps"] / o_["rps"]
            summary[f"cached_over_oxigraph_c{c}"] = a_["rps"] / o_["rps"]
            summary[f"a_over_c_throughput_c{c}"] = a_["rps"] / c_["rps"]
        if not args.no_baseline:
            summary["a_over_b_throughput_c8"] = results[("a natoasia serve", 8)]["rps"] / results[("b rdflib baseline", 8)]["rps"]
            print(f"\n(a)/(b) throughput at concurrency 8: {summary['a_over_b_throughput_c8']:.1f}x   (target >= 10x)")
        summary["a_p99_ms_c8"] = results[("a natoasia serve", 8)]["p99_ms"]
        for c in (1, 8):
            print(f"natoasia/Oxigraph throughput at concurrency {c}: uncached "
                  f"{summary[f'uncached_over_oxigraph_c{c}'] * 100:.0f}% (target >= 75%), uncached --in-memory "
                  f"{summary[f'uncached_in_memory_over_oxigraph_c{c}'] * 100:.0f}%, cached "
                  f"{summary[f'cached_over_oxigraph_c{c}'] * 100:.0f}%")
        print(f"(a)/(c) throughput at concurrency 8: {summary['a_over_c_throughput_c8'] * 100:.0f}%   (target >= 60%)")
        print(f"(a) p99 at concurrency 8: {summary['a_p99_ms_c8']:.2f} ms   (target <= 10 ms)")
        if args.json:
            Path(args.json).write_text(json.dumps({"results": {f"{k[0]} c{k[1]}": v for k, v in results.items()},
                                                   "summary": summary}, indent=1))
        for server in servers:  # what the servers logged besides the access log: crashes, restarts
            if getattr(server, "log", None):
                lines = [l for l in server.log.read_text(errors="replace").splitlines() if "natoasia.access" not in l]
                print(f"\n{server.log.name}: {len(lines)} lines besides the access log; last ones:\n  "
                      + "\n  ".join(lines[-6:]))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
