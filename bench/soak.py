"""Bounded soak: good and hostile queries mixed for a fixed time against ``natoasia serve``.

Usage:  .venv/bin/python bench/soak.py [--seconds 60] [--hostile 3]

Reports the good queries' p99 while idle and while hostile ones run (target: at most 3x), the
timeouts and worker restarts the server counted, and the server's memory (RSS of the gunicorn
master, its HTTP processes and their query workers) at start and end (target: growth < 10 %).
All traffic goes to 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

from bench.run_bench import free_port, query_mix, wait_up, wrk  # noqa: E402
from natoasia.store import ensure_built  # noqa: E402

HOSTILE = [
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"), None, None),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { ?s (!<urn:x>)*/(!<urn:x>)* ?o } ORDER BY ?s"), None, None),
    ("GET", "/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), None, None),
    ("POST", "/sparql", b"ASK { FILTER(" + b"(" * 400 + b"1" + b")" * 400 + b") }", "application/sparql-query"),
    ("POST", "/sparql", b"ASK { \xff\xfe }", "application/sparql-query"),
    ("POST", "/sparql", b"x" * 2_000_000, "application/sparql-query"),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"), None, None),
]


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            todo += [int(c) for c in children]
        except (OSError, StopIteration):
            continue
    return total


def metric(base: str, name: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    return float(next(l.split()[-1] for l in text.splitlines() if l.startswith(name + " ")))


def hostile_loop(base: str, until: float, counts: dict, lock: threading.Lock) -> None:
    host, port = base.rsplit("//", 1)[1].split(":")
    i = 0
    while time.monotonic() < until:
        method, path, body, content_type = HOSTILE[i % len(HOSTILE)]
        i += 1
        request = urllib.request.Request(base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = "conn"
        with lock:
            counts[status] = counts.get(status, 0) + 1
        if i % len(HOSTILE) == 0:  # a slow client: half a request, then silence for a moment
            try:
                with socket.create_connection((host, int(port)), timeout=5) as sock:
                    sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
                    time.sleep(1)
            except OSError:
                pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the hostile phase")
    parser.add_argument("--hostile", type=int, default=3, help="hostile client threads")
    args = parser.parse_args()
    dataset = ensure_built(ROOT / "build" / "dataset")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data", str(dataset),
                               "--timeout", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-soak-"))
    mix = tmp / "mix.txt"
    mix.write_text("\n".join(query_mix()) + "\n")
    try:
        wait_up(base + "/healthz")
        wrk(base, mix, 4, 5)  # warm up: every answer cached once
        rss_start = rss_kb(server.pid)
        idle = wrk(base, mix, 4, 10)
        counts, lock = {}, threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=hostile_loop, args=(base, until, counts, lock), daemon=True)
                   for _ in range(args.hostile)]
        for thread in threads:
            thread.start()
        fire = wrk(base, mix, 4, args.seconds)
        for thread in threads:
            thread.join(timeout=30)
        time.sleep(3)
        rss_end = rss_kb(server.pid)
        timeouts, restarts = metric(base, "natoasia_query_timeouts_total"), metric(base, "natoasia_worker_restarts_total")
        print(f"good queries idle:     {idle['rps']:.0f} req/s, p50 {idle['p50_ms']:.2f} ms, p99 {idle['p99_ms']:.2f} ms")
        print(f"good queries hostile:  {fire['rps']:.0f} req/s, p50 {fire['p50_ms']:.2f} ms, p99 {fire['p99_ms']:.2f} ms, "
              f"errors {fire['errors']}")
        print(f"p99 under fire / idle: {fire['p99_ms'] / idle['p99_ms']:.2f}x   (target <= 3x)")
        print(f"hostile answers by status: {dict(sorted(counts.items(), key=str))}")
        print(f"timeouts {timeouts:.0f}, worker restarts {restarts:.0f}")
        print(f"server RSS: {rss_start / 1024:.1f} MiB at start, {rss_end / 1024:.1f} MiB at end, "
              f"growth {(rss_end - rss_start) / rss_start * 100:+.1f} %   (target < 10 %)")
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
