"""An HTTP process's memory stays within its budget whatever requests it answers: the result cache
(``--cache-mb``) and a fixed overhead (README, "Caching").

The issue's growth: the cache bounded the answers it kept, not their keys, which held the query text
and the graph IRIs of every request (up to ~1 MB each); an HTTP process grew by +300 MB after 300–600
requests and never gave it back. Here 1,000 distinct requests at the size limits go to one HTTP
process of a live server, and its resident memory is read from /proc before and after.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

from natoasia.endpoint.protocol import LIMITS

from .conftest import running_server

MIB = 1024 * 1024
CACHE_MIB = 8
#: What an HTTP process may hold beyond its cache after any number of requests (README, "Caching").
FIXED_MIB = 32
REQUESTS = 1000


def _status(pid: int) -> dict[str, str]:
    return dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def http_processes(server_pid: int) -> list[int]:
    """The processes that answer HTTP: those that own query workers (named ``natoasia-query``)."""
    found, todo = [], [server_pid]
    while todo:
        pid = todo.pop()
        children = _children(pid)
        if any(_status(child)["Name"].strip() == "natoasia-query" for child in children):
            found.append(pid)
        todo += children
    return found


def rss_bytes(pid: int) -> int:
    return int(_status(pid)["VmRSS"].split()[0]) * 1024


def server_pid(port: int) -> int:
    """The ``natoasia serve`` process listening on ``port`` (found by its command line)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and str(port).encode() in command:
                return int(proc.name)
    raise LookupError(f"no natoasia serve on port {port}")


def large_request(i: int) -> bytes:
    """A form body near every size limit, distinct for each ``i``: a query of ~99 kB whose answer is
    ~20 kB, and the most graph IRIs a request may name, each near the longest allowed."""
    literal = "v" * 20_000
    query = f"# request {i}\nSELECT ?x WHERE {{ VALUES ?x {{ \"{literal}\" }} }}\n#" + "x" * 78_000
    assert len(query.encode()) < 100_000
    graphs = [f"urn:r{i}:g{j}:" + "y" * (LIMITS.graph_iri - 20) for j in range(LIMITS.graphs)]
    return ("query=" + quote_plus(query) + "".join("&named-graph-uri=" + quote(g, safe=":") for g in graphs)).encode()


def send(port: int, numbers: range, statuses: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for i in numbers:
            connection.request("POST", "/sparql", large_request(i),
                               {"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()


def cache_hits(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    return int(re.search(r"^natoasia_cache_hits_total (\d+)", text, re.M).group(1))


def test_a_thousand_distinct_large_requests_leave_an_http_process_within_its_budget(built, tmp_path):
    with running_server(built, tmp_path, "--http-workers", "1", "--threads", "4", "--cache-mb", str(CACHE_MIB),
                        "--timeout", "10") as base:
        port = int(base.rsplit(":", 1)[1])
        [process] = http_processes(server_pid(port))
        warm: list[int] = []
        send(port, range(-20, 0), warm)  # every code path loaded, every buffer sized once
        before = rss_bytes(process)
        statuses: list[int] = []
        threads = [threading.Thread(target=send, args=(port, range(k, REQUESTS, 4), statuses)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        grown = rss_bytes(process) - before
        hits = cache_hits(port)
        send(port, range(REQUESTS - 1, REQUESTS), statuses)  # the last answer is still cached
        assert cache_hits(port) == hits + 1
    assert statuses.count(200) == REQUESTS + 1 and warm.count(200) == 20
    assert grown <= (CACHE_MIB + FIXED_MIB) * MIB, f"the HTTP process grew by {grown / MIB:.0f} MiB"


def test_the_engine_keeps_a_digest_and_a_bounded_size_for_each_request(app, client):
    """In process: whatever a request carries, its cache entry is 32 bytes of key and its cost is counted."""
    engine = app.extensions["natoasia"]
    body = large_request(10**6)
    response = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413  # the test app's body limit is 50 kB: refused, and not cached
    small = "query=" + quote_plus("SELECT ?x WHERE { VALUES ?x { 1 } } # " + "z" * 10_000) + \
            "".join(f"&named-graph-uri=urn:g{j}:" + "y" * 1000 for j in range(32))
    assert client.post("/sparql", data=small, content_type="application/x-www-form-urlencoded").status_code == 200
    assert all(len(key) == 32 for key in engine.cache._entries)
    held = sum(len(body) + len(media_type) for media_type, body, _ in engine.cache._entries.values())
    assert held < engine.cache.size <= engine.cache.max_bytes
    assert json.loads(client.get("/sparql?query=ASK%7B%7D").data)["boolean"] is True
