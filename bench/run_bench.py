"""Endpoint benchmark: natoasia serve vs the rdflib baseline vs the HTTP floor, at concurrency 1 and 8.

Usage:  .venv/bin/python bench/run_bench.py [--seconds 10] [--dataset build/dataset]

Each server runs in its own process on 127.0.0.1; the load comes from wrk (a separate process,
bounded by --seconds per run) cycling through a fixed query mix: the twenty competency queries,
label look-ups and DESCRIBEs. It prints throughput, p50 and p99 for each, and the ratios the
targets are stated in. Needs wrk (Debian package ``wrk``; installed here with apt-get if missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from natoasia.store import ensure_built  # noqa: E402

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start(command: list[str], health: str) -> subprocess.Popen:
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_up(health)
    process.startup_seconds = time.monotonic() - started
    return process


def check_mix(base: str, paths: list[str]) -> int:
    """Run each query once; return how many answered 200."""
    ok = 0
    for path in paths:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                ok += response.status == 200
        except OSError:
            pass
    return ok


def wrk(base: str, mix_file: Path, connections: int, seconds: int) -> dict:
    """One wrk run; returns requests/s, p50 and p99 in ms, errors."""
    env = dict(os.environ, MIX=str(mix_file))
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "-s", str(ROOT / "bench" / "mix.lua"), base], capture_output=True, text=True, env=env,
                         check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    fields = dict(item.split("=") for item in line.split()[1:])
    duration = int(fields["duration_us"]) / 1e6
    return {"rps": int(fields["requests"]) / duration, "p50_ms": int(fields["p50_us"]) / 1000,
            "p99_ms": int(fields["p99_us"]) / 1000, "errors": int(fields["errors"]) + int(fields["non2xx"]),
            "requests": int(fields["requests"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--dataset", default=str(ROOT / "build" / "dataset"))
    parser.add_argument("serve_options", nargs="*", help="extra options for natoasia serve (after --)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    dataset = ensure_built(Path(args.dataset))
    paths = query_mix()
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-bench-"))
    (tmp / "mix.txt").write_text("\n".join(paths) + "\n")
    (tmp / "healthz.txt").write_text("/healthz\n")
    ours, theirs = free_port(), free_port()
    servers = [
        start([sys.executable, "-m", "natoasia", "serve", "--port", str(ours), "--data", str(dataset), *args.serve_options],
              f"http://127.0.0.1:{ours}/healthz"),
        start([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "16", "-w", "1", "-b",
               f"127.0.0.1:{theirs}", f"bench.baseline_app:create('{dataset}')"], f"http://127.0.0.1:{theirs}/healthz"),
    ]
    try:
        a, b = f"http://127.0.0.1:{ours}", f"http://127.0.0.1:{theirs}"
        print(f"natoasia serve options: {' '.join(args.serve_options) or '(defaults)'}; "
              f"started (answering /healthz) in {servers[0].startup_seconds:.2f} s")
        print(f"query mix: {len(paths)} queries; answered 200 by natoasia: {check_mix(a, paths)}, "
              f"by the rdflib baseline: {check_mix(b, paths)}")
        results = {}
        for label, base, mix in (("a natoasia serve", a, tmp / "mix.txt"), ("b rdflib baseline", b, tmp / "mix.txt"),
                                 ("c /healthz floor", a, tmp / "healthz.txt")):
            for connections in (1, 8):
                results[(label, connections)] = wrk(base, mix, connections, args.seconds)
        print(f"\n{'server':<20} {'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for (label, connections), r in results.items():
            print(f"{label:<20} {connections:>4} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>6}")
        a8, b8, c8 = (results[(k, 8)] for k in ("a natoasia serve", "b rdflib baseline", "c /healthz floor"))
        summary = {
            "a_over_b_throughput_c8": a8["rps"] / b8["rps"],
            "a_over_c_throughput_c8": a8["rps"] / c8["rps"],
            "a_p99_ms_c8": a8["p99_ms"],
        }
        print(f"\n(a)/(b) throughput at concurrency 8: {summary['a_over_b_throughput_c8']:.1f}x   (target >= 10x)")
        print(f"(a)/(c) throughput at concurrency 8: {summary['a_over_c_throughput_c8'] * 100:.0f}%   (target >= 60%)")
        print(f"(a) p99 at concurrency 8: {summary['a_p99_ms_c8']:.2f} ms   (target <= 10 ms)")
        print(json.dumps({"results": {f"{k[0]} c{k[1]}": v for k, v in results.items()}, "summary": summary}))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
