"""Bounded soak: good and hostile queries mixed for a fixed time against ``natoasia serve``.

Usage:  .venv/bin/python bench/soak.py [--seconds 60] [--hostile 3]
        .venv/bin/python bench/soak.py --dataset /tmp/natoasia-bench-data/dataset-1000000 [-- --in-memory]

Reports the good queries' p99 while idle and while hostile ones run (target: at most 3x), the
timeouts and worker restarts the server counted, the server's memory (RSS and PSS of the gunicorn
master, its HTTP processes and their query workers) at start and end (target: growth < 10 %), and
what replacing killed workers cost: the CPU time of all the server's processes in each phase, the
replacement times the server logged, and how many times a store was loaded or opened (once, at
start, if no worker reloads it). ``--dataset`` serves a folder built by ``bench/store_scale_bench.py``
(10^6 triples: ``dataset-1000000``) with that benchmark's request mix instead of the article's.
All traffic goes to 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import re
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

from bench.procmem import cpu_seconds, tree_memory  # noqa: E402
from bench.harness import free_port, wait_up, wrk  # noqa: E402
from bench.run_bench import query_mix  # noqa: E402
from natoasia.dataset.build import ensure_built  # noqa: E402

# A store parsed into memory (once, by the serve process) or opened (once per HTTP process, persisted):
# a replacement worker logs neither.
LOADS = re.compile(r"natoasia\.serve loaded \d+ quads into memory|natoasia\.pool query workers read ")
REPLACED = re.compile(r"replaced a query worker in ([\d.]+) ms")

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


def warm(url: str, attempts: int = 2) -> bool:
    """Ask ``url`` until it answers 200 (then its answer is cached), at most ``attempts`` times."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                return True
        except OSError:
            continue
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the hostile phase")
    parser.add_argument("--idle-seconds", type=int, default=10, help="length of the idle phase")
    parser.add_argument("--hostile", type=int, default=3, help="hostile client threads")
    parser.add_argument("--timeout", type=float, default=2, help="natoasia serve --timeout")
    parser.add_argument("--dataset", help="a folder built by bench/store_scale_bench.py (its mix is used)")
    parser.add_argument("--no-group-by", action="store_true",
                        help="leave the mix's GROUP BY out of the good queries (over 2 s on RocksDB at 10^6)")
    parser.add_argument("serve_options", nargs="*", help="extra options for natoasia serve (after --)")
    args = parser.parse_args()
    if args.dataset:
        from bench.store_scale_bench import pin_sources, query_mix as scale_mix, refresh_sources_digest

        dataset = Path(args.dataset)
        pin_sources()
        refresh_sources_digest(dataset)
        paths = scale_mix(json.loads((dataset / "bench.json").read_text())["blocks"])
        if args.no_group_by:
            paths = [p for p in paths if "GROUP%20BY" not in p]
    else:
        dataset = ensure_built(ROOT / "build" / "dataset")
        paths = query_mix()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-soak-"))
    log = tmp / "serve.log"
    mix = tmp / "mix.txt"
    mix.write_text("\n".join(paths) + "\n")
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data",
                                   str(dataset), "--timeout", str(args.timeout), *args.serve_options],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_up(base + "/healthz", seconds=300)
        good = [path for path in paths if warm(base + path)]  # every good answer cached once
        if len(good) < len(paths):  # a query over the time limit is a runaway here, not a good query
            print(f"left out of the good mix (no 200 within --timeout {args.timeout:g} s, twice): "
                  f"{len(paths) - len(good)} of {len(paths)} requests")
            mix.write_text("\n".join(good) + "\n")
        wrk(base, mix, 4, 5)
        memory_start = tree_memory(server.pid)
        cpu_start = cpu_seconds(server.pid)
        idle = wrk(base, mix, 4, args.idle_seconds)
        cpu_idle = cpu_seconds(server.pid) - cpu_start
        counts, lock = {}, threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=hostile_loop, args=(base, until, counts, lock), daemon=True)
                   for _ in range(args.hostile)]
        cpu_before_fire = cpu_seconds(server.pid)
        for thread in threads:
            thread.start()
        fire = wrk(base, mix, 4, args.seconds)
        for thread in threads:
            thread.join(timeout=30)
        cpu_fire = cpu_seconds(server.pid) - cpu_before_fire
        time.sleep(3)
        memory_end = tree_memory(server.pid)
        timeouts, restarts = metric(base, "natoasia_query_timeouts_total"), metric(base, "natoasia_worker_restarts_total")
        text = log.read_text(errors="replace")
        replaced = [float(m) for m in REPLACED.findall(text)]
        loads = len(LOADS.findall(text))
        print(f"dataset: {dataset}; natoasia serve --timeout {args.timeout:g} {' '.join(args.serve_options)}; "
              f"mix of {len(paths)} requests; {args.hostile} hostile threads for {args.seconds} s")
        print(f"good queries idle:     {idle['rps']:.0f} req/s, p50 {idle['p50_ms']:.2f} ms, p99 {idle['p99_ms']:.2f} ms, "
              f"errors {idle['errors']}")
        print(f"good queries hostile:  {fire['rps']:.0f} req/s, p50 {fire['p50_ms']:.2f} ms, p99 {fire['p99_ms']:.2f} ms, "
              f"errors {fire['errors']}")
        print(f"p99 under fire / idle: {fire['p99_ms'] / idle['p99_ms']:.2f}x   (target <= 3x)")
        print(f"hostile answers by status: {dict(sorted(counts.items(), key=str))}")
        print(f"timeouts {timeouts:.0f}, worker restarts {restarts:.0f}; replacements logged: {len(replaced)}, "
              f"median {sorted(replaced)[len(replaced) // 2] if replaced else 0:.1f} ms, max {max(replaced, default=0):.1f} ms")
        print(f"stores loaded or opened: {loads} (at start); CPU of all server processes: "
              f"{cpu_idle:.1f} s in {args.idle_seconds} s idle, {cpu_fire:.1f} s in {args.seconds} s under fire")
        print(f"server RSS: {memory_start['rss_kb'] / 1024:.1f} MiB at start, {memory_end['rss_kb'] / 1024:.1f} MiB at end, "
              f"growth {(memory_end['rss_kb'] - memory_start['rss_kb']) / memory_start['rss_kb'] * 100:+.1f} %   "
              f"(target < 10 %); PSS {memory_start['pss_kb'] / 1024:.1f} → {memory_end['pss_kb'] / 1024:.1f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
