"""Issue 17, attacked over HTTP: every attack class of the issue against a live ``natoasia serve --timeout 5``.

For each class: ``/healthz`` (polled from another address meanwhile) answers within 1 s throughout,
every hostile request is answered within the time limit + 2 s with a 4xx or 503 and a message in
words, and at the end no request was a 500, no query worker crashed and each HTTP process stayed
within its memory budget. The attack shapes are ``bench/attacks.py``'s, which the soak
(``bench/attack_soak.py``) mixes with the competency questions.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.attacks import (CHAINS, DOTTED_NAMES, LARGE, QUICK, RUNAWAY, HealthProbe, fetch, framed, hostport,
                           http_processes, idle_connections, in_parallel, query_path, rss_mib, slow_reader, source,
                           trickled)

LIMIT = 5.0  # natoasia serve --timeout 5, as in the issue
ANSWERED_WITHIN = LIMIT + 2
HEALTHY_WITHIN = 1.0
#: What one HTTP process may hold (README): ~60 MiB of code and data, the result cache (64 MiB), answers
#: waiting for their readers (128 MiB), answers being made (4 threads × the 16 MiB cap).
HTTP_PROCESS_MIB = 60 + 64 + 128 + 4 * 16


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(built: Path, log: Path):
    """Start ``natoasia serve --timeout 5`` with its defaults: (base URL, the serve process, its log file)."""
    port = _free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data",
                                    str(built), "--timeout", str(LIMIT)], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return base, process, log
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("natoasia serve did not start: " + log.read_text())


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The server the front's attack classes run against, checked at the end for 500s, crashes, memory."""
    started = serve(built, tmp_path_factory.mktemp("attacks") / "serve.log")
    yield started
    started[1].terminate()
    started[1].wait(timeout=15)


@pytest.fixture(scope="module")
def checks_server(built, tmp_path_factory):
    """A server of its own for the classes the query check decides (until the check is linear, their
    requests keep threads busy for minutes, and chains crash workers)."""
    started = serve(built, tmp_path_factory.mktemp("attacks-check") / "serve.log")
    yield started
    started[1].terminate()
    started[1].wait(timeout=15)


def assert_answered(results, statuses=range(400, 500), within: float = ANSWERED_WITHIN) -> None:
    """Every hostile request got one of ``statuses`` (or 503), with a message in words, in time."""
    for status, seconds, text in results:
        assert status in statuses or status == 503, (status, seconds, text[:200])
        assert seconds <= within, (status, seconds, text[:200])
        assert re.search(r"[a-z]{3,} [a-z]{2,}", text), (status, text[:200])  # words, not a traceback


def assert_healthy(probe: HealthProbe) -> None:
    assert not probe.failures, probe.failures[:3]
    assert probe.count >= 3 and probe.worst < HEALTHY_WITHIN, (probe.count, probe.worst)


def test_thousands_of_idle_connections_leave_healthz_answering(server):
    """2,500 connections from 50 addresses that send nothing (opened 1,000 a second: an attack on holding
    connections, not a SYN flood): the server holds them without a thread and closes them quietly once
    silent for 4 s; 1,000 from one address are mostly told 429 at once."""
    base, _, _ = server
    host, port = hostport(base)
    with HealthProbe(base) as probe:
        spread = idle_connections(host, port, 2500, per_source=50, hold=2.0, rate=1000)
        crowd = idle_connections(host, port, 1000, per_source=1000, hold=1.0, rate=1000)
    assert_healthy(probe)
    assert spread["opened"] == 2500 and spread["answered"] == spread["closed sooner"] == 0, spread
    assert crowd["answered"] >= 1000 - 2 * 64 - 10, crowd  # beyond 64 per process: 429 at once
    later = idle_connections(host, port, 100, per_source=50, hold=5.0)
    assert later["closed quietly"] == 100, later


def test_trickling_request_heads_are_cut_off_at_their_deadline(server):
    base, _, _ = server
    host, port = hostport(base)
    with HealthProbe(base) as probe:
        results = trickled(host, port, 300, b"GET /sparql?query=", every=0.5, limit=ANSWERED_WITHIN + 2)
    assert_healthy(probe)
    assert_answered(results, statuses={408})
    assert all("did not arrive within 4 s" in text for _, _, text in results)


def test_slow_short_and_broken_off_bodies_are_408_or_400(server):
    base, _, _ = server
    host, port = hostport(base)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    short = [lambda i=i: framed(host, port, head + b"Content-Length: 1000\r\n\r\nASK {}", source(i, block=40))
             for i in range(100)]
    chunked = [lambda i=i: framed(host, port, head + b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK {",
                                  source(i, block=41)) for i in range(50)]
    with HealthProbe(base) as probe:
        slow, short, chunked = in_parallel([
            lambda: trickled(host, port, 100, head + b"Content-Length: 100000\r\n\r\nASK", every=0.2,
                             limit=ANSWERED_WITHIN + 2, block=42),
            lambda: in_parallel(short), lambda: in_parallel(chunked)])
    assert_healthy(probe)
    assert_answered(slow + short + chunked, statuses={408})
    assert all("request body did not arrive within its deadline of 4 s" in text for _, _, text in slow + short)


@pytest.mark.parametrize(("raw", "status"), [
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nASK {}\r\n0\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffff\r\n" + b"a" * 1_000_001, 413),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\nASK {}", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\nASK {}", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -6\r\n\r\nASK {}", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nASK {}", 413),
    (b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"GET /sparql HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(200)) + b"\r\n", 431),
    (b"GET /sparql?query=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /sparql HTTP/1.1\r\n\r\n", 400),
    (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 100, 400),
    (b"GET sparql HTTP/1.1\r\nHost: x\r\n\r\n", 400),
], ids=["chunk-size", "negative-chunk", "huge-chunk", "te-and-cl", "two-lengths", "negative-length", "gzip",
        "length-too-large", "long-header", "many-headers", "long-target", "no-host", "http2", "tls", "no-slash"])
def test_malformed_framing_is_a_4xx_with_a_message(server, raw, status):
    base, _, _ = server
    host, port = hostport(base)
    result = framed(host, port, raw, source(7, block=50))
    assert result[0] == status, result
    assert_answered([result], statuses={status}, within=2.0)


def test_large_answers_to_slow_readers_are_cut_off_at_the_send_deadline(server):
    """Six clients ask for ~10 MB each and read 10 KiB a second: each is cut off at the time limit + 2 s
    after its answer began to arrive, and while they read, no thread or worker waits on them: another
    client's query is answered in normal time."""
    base, _, _ = server
    host, port = hostport(base)
    started = [threading.Event() for _ in range(6)]
    readers = [lambda i=i: slow_reader(host, port, query_path(LARGE), source(i, block=70), ANSWERED_WITHIN + 20,
                                       started[i]) for i in range(6)]

    def meanwhile():
        for event in started:  # every answer is made and waiting for its reader
            event.wait(ANSWERED_WITHIN)
        return fetch(base, query_path(QUICK + " # meanwhile"), "127.0.71.1")
    with HealthProbe(base) as probe:
        read, quick = in_parallel([lambda: in_parallel(readers), meanwhile])
    assert_healthy(probe)
    assert quick[0] == 200 and quick[1] < 1.0, quick[:2]
    for received, first, cut in read:
        assert received < 9_000_000 and first <= ANSWERED_WITHIN, (received, first, cut)
        assert cut - first <= ANSWERED_WITHIN + 1, (received, first, cut)


def test_one_clients_slow_queries_do_not_starve_another(server):
    """Client A sends 8 runaway queries at once; client B's quick query is answered in normal time, and each
    of A's is answered within the limit + 2 s (503 at the time limit, or 429)."""
    base, _, _ = server
    attacker = [lambda: fetch(base, query_path(RUNAWAY + " # " + str(time.monotonic())), "127.0.80.1",
                              ANSWERED_WITHIN + 2) for _ in range(8)]
    with HealthProbe(base) as probe:
        results = in_parallel([lambda: in_parallel(attacker),
                               lambda: (time.sleep(0.5), fetch(base, query_path(QUICK + " # b"), "127.0.80.2"))[1]])
    assert_healthy(probe)
    quick = results[1]
    assert quick[0] == 200 and quick[1] < 1.0, quick
    assert_answered(results[0], statuses={429})
    assert any(status == 429 for status, _, _ in results[0])


@pytest.mark.parametrize(("path", "accept"), [
    ("/id/a%20b", "text/html"),
    ("/id/a%20b", "text/turtle"),
    ("/id/%FF", "text/turtle"),
    ("/id/%FF", "text/html"),
    ("/search?q=nato&page=%C2%B2", "text/html"), ("/browse?limit=%C2%B2", "text/html"),
    ("/argument?section=%C2%B2", "text/html"),
    (query_path("PREFIX f: <urn:f#> SELECT (f:unknown(1) AS ?x) {}"), "*/*"),
], ids=["space-html", "space-turtle", "ff-turtle", "ff-html", "search-digit", "browse-digit", "argument-digit",
        "function"])
def test_odd_input_is_never_a_500_nor_an_error_served_as_data(checks_server, path, accept):
    base, _, _ = checks_server
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=ANSWERED_WITHIN + 1) as response:
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode("utf-8", "replace")
    assert status in (200, 400, 404), (status, body[:200])
    assert "Internal Server Error" not in body and "Traceback" not in body  # a page or words, never a crash
    assert time.monotonic() - started < ANSWERED_WITHIN


def test_parallel_pathological_checks_leave_healthz_answering(checks_server):
    """Four 24 kB queries that the old check read in quadratic time, at once: the process keeps answering."""
    base, _, _ = checks_server
    calls = [lambda i=i: fetch(base, "/sparql", source(i, block=60), ANSWERED_WITHIN + 1, "POST",
                               DOTTED_NAMES.encode(), "application/sparql-query") for i in range(4)]
    with HealthProbe(base) as probe:
        started = time.monotonic()
        while True:  # the linear check answers them in well under a second: attack again until the probe has polled
            in_parallel(calls)
            if time.monotonic() - started > 2.0:  # the probe process starts, then polls every 0.1 s
                break
    assert_healthy(probe)


def test_pathological_checks_are_answered_within_the_limit(checks_server):
    base, _, _ = checks_server
    results = in_parallel([lambda i=i: fetch(base, "/sparql", source(i, block=61), ANSWERED_WITHIN + 1, "POST",
                                             DOTTED_NAMES.encode(), "application/sparql-query") for i in range(4)])
    assert_answered(results, statuses={200, 400})


def test_long_unbracketed_chains_are_a_400_never_a_worker_crash(checks_server):
    base, _, _ = checks_server
    before = metric(base, "natoasia_worker_restarts_total")
    results = in_parallel([lambda i=i, query=query: fetch(base, "/sparql", source(i, block=62), ANSWERED_WITHIN + 1,
                                                          "POST", query.encode(), "application/sparql-query")
                           for i, query in enumerate(CHAINS.values())])
    assert_answered(results, statuses={400})
    assert all("deep" in text for _, _, text in results)
    assert metric(base, "natoasia_worker_restarts_total") == before


def metric(base: str, name: str, labels: str = "") -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + labels)]
    return sum(values)


def test_after_the_attacks_no_500_no_crash_and_memory_within_budget(server):
    base, process, log = server
    assert metric(base, "natoasia_requests_total", '{route="/sparql",status="500"}') == 0
    text = log.read_text(errors="replace")
    assert "SIGSEGV" not in text and "died while evaluating" not in text and "Traceback" not in text, text[-3000:]
    processes = http_processes(process.pid)
    assert len(processes) == 2
    for pid in processes:
        assert rss_mib(pid) < HTTP_PROCESS_MIB, (pid, rss_mib(pid))
    assert fetch(base, query_path(QUICK))[0] == 200
