"""Attack soak: the competency-question mix under wrk while every attack class of issue 17 runs at once.

Usage:  .venv/bin/python bench/attack_soak.py [--seconds 60] [--idle-seconds 15] [--check-attacks] [-- SERVE OPTIONS]

``natoasia serve --timeout 5``; its good answers warmed once; then wrk (4 connections, the 40-query mix of
``bench/run_bench.py``) alone for ``--idle-seconds``, then again for ``--seconds`` while one thread per
attack class attacks from addresses of its own (``bench/attacks.py``): 1,000 idle connections from 20
addresses, 100 trickling request heads, 50 slow and 50 short bodies, malformed framings, four slow
readers of a 10 MB answer, and one client sending 8 runaway queries at a time. ``--check-attacks`` adds
the query-check classes (24 kB quadratic-check queries, long unbracketed chains), which keep threads
busy for minutes until the check is linear; ``--only flood,idle`` runs the classes named (one at a time
gives the figures per class). ``/healthz`` is polled all along.

Prints the good queries' p50 and p99 idle and under attack (ratio, same run), wrk's errors, the worst
``/healthz`` latency of each phase, every hostile answer by status with its slowest time, the 500s and
worker restarts the server counted, and each HTTP process's memory (RSS, PSS) at start, peak and end.
All traffic goes to 127.0.0.0/8; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

from bench import attacks  # noqa: E402
from bench.harness import free_port, wait_up, wrk  # noqa: E402
from bench.run_bench import query_mix  # noqa: E402
from natoasia.dataset.build import ensure_built  # noqa: E402

LIMIT = 5.0
FRAMINGS = [b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nASK",
            b"GET /sparql HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",
            b"GET /sparql?query=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n"]


class Tally:
    """Hostile answers by status, with the slowest time of each."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_status: dict = {}

    def add(self, results) -> None:
        with self.lock:
            for status, seconds, _ in results:
                count, worst = self.by_status.get(status, (0, 0.0))
                self.by_status[status] = (count + 1, max(worst, seconds))


CLASSES = ("idle", "trickle", "slow-body", "short-body", "framing", "slow-reader", "flood", "check")


def attack_loops(base: str, until: float, tally: Tally, chosen: list[str]) -> list[threading.Thread]:
    """One thread per attack class ``chosen``, each repeating its attack until ``until``."""
    host, port = attacks.hostport(base)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"

    def repeat(attack):
        def run():
            while time.monotonic() < until:
                try:
                    result = attack()
                except OSError as exc:
                    result = [(f"client {type(exc).__name__}", 0.0, "")]
                if result:
                    tally.add(result)
        return threading.Thread(target=run, daemon=True)

    def idle():
        outcome = attacks.idle_connections(host, port, 1000, per_source=50, hold=3.0)
        return [(f"idle {kind}", 0.0, "") for kind, n in outcome.items() if kind != "opened" for _ in range(n)]

    def flood():
        return attacks.in_parallel([lambda i=i: attacks.fetch(base, attacks.query_path(
            f"{attacks.RUNAWAY} # {time.monotonic()} {i}"), "127.0.90.1", LIMIT + 5) for i in range(8)])

    def readers():
        read = attacks.in_parallel([lambda i=i: attacks.slow_reader(host, port, attacks.query_path(attacks.LARGE),
                                                                    attacks.source(i, block=91), LIMIT + 15)
                                    for i in range(4)])
        return [("slow reader cut", cut - first, "") for _, first, cut in read]

    classes = {
        "idle": idle,
        "trickle": lambda: attacks.trickled(host, port, 100, b"GET /sparql?query=", 0.5, LIMIT + 4, block=92),
        "slow-body": lambda: attacks.trickled(host, port, 50, head + b"Content-Length: 100000\r\n\r\nASK", 0.2,
                                              LIMIT + 4, block=93),
        "short-body": lambda: attacks.in_parallel([
            lambda i=i: attacks.framed(host, port, head + b"Content-Length: 999\r\n\r\nA", attacks.source(i, block=94))
            for i in range(50)]),
        "framing": lambda: [attacks.framed(host, port, raw, "127.0.95.1") for raw in FRAMINGS],
        "slow-reader": readers,
        "flood": flood,
        "check": lambda: [attacks.fetch(base, "/sparql", "127.0.96.1", LIMIT + 5, "POST", query.encode(),
                                        "application/sparql-query")
                          for query in [attacks.DOTTED_NAMES, *attacks.CHAINS.values()]],
    }
    return [repeat(classes[name]) for name in chosen]


class MemoryWatch:
    """Samples the RSS and PSS (MiB) of each HTTP process every 0.5 s; keeps the start, peak and end."""

    def __init__(self, master: int):
        self.master, self.samples = master, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def sample(self) -> list[tuple[float, float]]:
        out = []
        for pid in attacks.http_processes(self.master):
            try:
                out.append((attacks.rss_mib(pid), attacks.pss_mib(pid)))
            except OSError:
                continue
        return out

    def _run(self):
        while not self.done.wait(0.5):
            self.samples.append(self.sample())

    def stop(self) -> dict:
        self.done.set()
        self.thread.join(5)
        peak_rss = max((rss for sample in self.samples for rss, _ in sample), default=0.0)
        peak_pss = max((pss for sample in self.samples for _, pss in sample), default=0.0)
        return {"peak_rss_mib": peak_rss, "peak_pss_mib": peak_pss}


def metric(base: str, name: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the attack phase")
    parser.add_argument("--idle-seconds", type=int, default=15, help="length of the idle phase")
    parser.add_argument("--check-attacks", action="store_true", help="add the query-check attack classes")
    parser.add_argument("--only", help=f"comma-separated attack classes to run (of {', '.join(CLASSES)})")
    parser.add_argument("serve_options", nargs="*", help="extra options for natoasia serve (after --)")
    args = parser.parse_args()
    dataset = ensure_built(ROOT / "build" / "dataset")
    paths = query_mix()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-attack-soak-"))
    mix = tmp / "mix.txt"
    mix.write_text("\n".join(paths) + "\n")
    with open(tmp / "serve.log", "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data",
                                   str(dataset), "--timeout", str(LIMIT), *args.serve_options],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_up(base + "/healthz", seconds=300)
        for path in paths:  # every good answer cached once
            attacks.fetch(base, path, timeout=60)
        wrk(base, mix, 4, 3)
        memory = MemoryWatch(server.pid)
        start_memory = memory.sample()
        with attacks.HealthProbe(base) as idle_probe:
            idle = wrk(base, mix, 4, args.idle_seconds)
        tally = Tally()
        until = time.monotonic() + args.seconds
        chosen = args.only.split(",") if args.only else [c for c in CLASSES if c != "check" or args.check_attacks]
        loops = attack_loops(base, until, tally, chosen)
        with attacks.HealthProbe(base) as fire_probe:
            for thread in loops:
                thread.start()
            fire = wrk(base, mix, 4, args.seconds)
            for thread in loops:
                thread.join(LIMIT + 30)
        time.sleep(2)
        end_memory = memory.sample()
        peaks = memory.stop()
        print(f"natoasia serve --timeout {LIMIT:g} {' '.join(args.serve_options)}; mix of {len(paths)} requests; "
              f"attacks for {args.seconds} s: {', '.join(chosen)}")
        print(f"good queries idle:          {idle['rps']:.0f} req/s, p50 {idle['p50_ms']:.2f} ms, "
              f"p99 {idle['p99_ms']:.2f} ms, errors {idle['errors']}")
        print(f"good queries under attack:  {fire['rps']:.0f} req/s, p50 {fire['p50_ms']:.2f} ms, "
              f"p99 {fire['p99_ms']:.2f} ms, errors {fire['errors']}")
        print(f"p50 under attack / idle: {fire['p50_ms'] / idle['p50_ms']:.2f}x; p99: {fire['p99_ms'] / idle['p99_ms']:.2f}x")
        print(f"/healthz worst: idle {idle_probe.worst * 1000:.0f} ms, under attack {fire_probe.worst * 1000:.0f} ms "
              f"({fire_probe.count} polls, {len(fire_probe.failures)} failed)")
        print("hostile answers (status: count, slowest s): " + ", ".join(
            f"{status}: {count}, {worst:.2f}" for status, (count, worst) in sorted(tally.by_status.items(), key=str)))
        errors = metric(base, 'natoasia_requests_total{route="/sparql",status="500"}')
        print(f"server: 500s {errors:.0f}, worker restarts {metric(base, 'natoasia_worker_restarts_total'):.0f}, "
              f"timeouts {metric(base, 'natoasia_query_timeouts_total'):.0f}")
        print("HTTP processes RSS/PSS MiB: start " + ", ".join(f"{r:.0f}/{p:.0f}" for r, p in start_memory)
              + f"; peak {peaks['peak_rss_mib']:.0f}/{peaks['peak_pss_mib']:.0f}; end "
              + ", ".join(f"{r:.0f}/{p:.0f}" for r, p in end_memory))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
