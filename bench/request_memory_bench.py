"""What distinct requests cost an HTTP process's memory: small ones (the baseline, measured in the same
run) against ones at the size limits, each sent ``--requests`` times to one HTTP process of
``natoasia serve``, whose resident memory (RSS, and PSS) is read from /proc before and after.

Usage:  .venv/bin/python bench/request_memory_bench.py [--requests 1000] [--cache-mb 64]

Prints the growth of each kind, the ratio large ÷ small, and the growth against the budget the README
states (cache budget + 32 MiB). The issue's growth (+300 MB after 300–600 requests, never freed) came
from cache keys holding the requests; to see it, serve an older checkout: ``PYTHONPATH=OLD/server``
(the server is started with this Python and environment). All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import free_port, say, start, stop  # noqa: E402

MIB = 1024 * 1024
FIXED_MIB = 32  # README, "Caching": an HTTP process holds its cache budget and this much more


def _status(pid: int) -> dict[str, str]:
    return dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)


def http_process(server_pid: int) -> int:
    """The one process that owns query workers (named ``natoasia-query``): the HTTP process."""
    todo, found = [server_pid], []
    while todo:
        pid = todo.pop()
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        if any(_status(c)["Name"].strip() == "natoasia-query" for c in children):
            found.append(pid)
        todo += children
    [pid] = found
    return pid


def memory_kib(pid: int) -> tuple[int, int]:
    """RSS and PSS of ``pid`` in KiB."""
    pss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
               if line.startswith("Pss:"))
    return int(_status(pid)["VmRSS"].split()[0]), pss


def body(i: int, large: bool) -> bytes:
    """A distinct form body: a tiny query, or one at the limits (a ~99 kB query answered by ~20 kB, and
    32 graph IRIs of ~2 kB)."""
    if not large:
        return ("query=" + quote_plus(f"ASK {{}} # {i}")).encode()
    query = f"# {i}\nSELECT ?x WHERE {{ VALUES ?x {{ \"{'v' * 20_000}\" }} }}\n#" + "x" * 78_000
    graphs = "".join(f"&named-graph-uri=urn:r{i}:g{j}:" + "y" * 2028 for j in range(32))
    return ("query=" + quote_plus(query) + graphs).encode()


def send(port: int, numbers, large: bool, statuses: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in numbers:
        connection.request("POST", "/sparql", body(i, large), {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()


def phase(port: int, pid: int, start_at: int, count: int, large: bool) -> dict:
    before = memory_kib(pid)
    statuses: list[int] = []
    threads = [threading.Thread(target=send, args=(port, range(start_at + k, start_at + count, 4), large, statuses))
               for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = memory_kib(pid)
    return {"rss_mib": (after[0] - before[0]) / 1024, "pss_mib": (after[1] - before[1]) / 1024,
            "statuses": {s: statuses.count(s) for s in set(statuses)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cache-mb", type=float, default=64)
    args = parser.parse_args()
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="natoasia-request-memory-")) / "serve.log"
    server = start([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--http-workers", "1",
                    "--threads", "4", "--cache-mb", str(args.cache_mb)], f"http://127.0.0.1:{port}/healthz", log)
    try:
        pid = http_process(server.pid)
        send(port, range(-50, 0), False, [])
        send(port, range(-70, -50), True, [])  # warm: every code path loaded, buffers sized once
        small = phase(port, pid, 0, args.requests, large=False)
        large = phase(port, pid, 10**6, args.requests, large=True)
    finally:
        stop(server)
    budget = args.cache_mb + FIXED_MIB
    say(f"log: {log}")
    print(f"{args.requests} distinct small requests: HTTP process RSS {small['rss_mib']:+.1f} MiB, "
          f"PSS {small['pss_mib']:+.1f} MiB  {small['statuses']}")
    print(f"{args.requests} distinct requests at the limits: RSS {large['rss_mib']:+.1f} MiB, "
          f"PSS {large['pss_mib']:+.1f} MiB  {large['statuses']}")
    print(f"large ÷ small (RSS growth): {large['rss_mib'] / max(small['rss_mib'], 1.0):.1f}; "
          f"large ÷ budget ({budget:g} MiB = cache {args.cache_mb:g} + {FIXED_MIB}): {large['rss_mib'] / budget:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
