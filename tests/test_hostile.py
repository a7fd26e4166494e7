"""Hostile requests against ``natoasia serve``: each gets its 4xx or 503, nothing is fetched or read,
and no dead worker is left behind."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from .test_safety import fetch, metric, request_with_listener

QUICK = "ASK { <https://w3id.org/natoasia/id/country/japan> ?p ?o }"


def post(url: str, body: bytes, content_type: str | None, timeout: float = 15) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "127.0.0.2", "[::1]", "0.0.0.0"])
def test_service_to_loopback_addresses_is_refused(live_server, address):
    host = address if address != "[::1]" else "[::1]"
    (status, body, _), connected = request_with_listener(
        live_server, lambda port: f"SELECT * {{ SERVICE SILENT <http://{host}:{port}/sparql> {{ ?s ?p ?o }} }}", wait=0.5)
    assert status == 400 and "SERVICE" in body and not connected


def test_from_file_iri_reads_nothing(live_server):
    status, body, _ = fetch(f"{live_server}/sparql?query={quote('ASK FROM <file:///etc/passwd> { ?s ?p ?o }')}")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_hundreds_of_nested_parentheses(live_server):
    query = "ASK { FILTER(" + "(" * 500 + "1" + ")" * 500 + ") }"
    status, body = post(live_server + "/sparql", query.encode(), "application/sparql-query")
    assert status == 400 and "deep" in body


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i",
    "SELECT * WHERE { ?s (!<urn:x:none>)*/(!<urn:x:none>)*/(!<urn:x:none>)* ?o } ORDER BY ?s ?o",
])
def test_runaway_queries_answer_503_within_the_limit(live_server, query):
    status, body, seconds = fetch(f"{live_server}/sparql?query={quote(query)}")
    assert status == 503 and seconds < 2 + 1


def test_ten_megabyte_queries_are_refused(live_server):
    host, port = live_server.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 10000000\r\n\r\n" + b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 100_000)
        reply = b""
        while b"limit" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413") and b"limit of this endpoint" in reply
    status, _, _ = fetch(f"{live_server}/sparql?query=" + "x" * 20_000)
    assert 400 <= status < 500


@pytest.mark.parametrize("body,content_type,expected", [
    (b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded", 400),
    (b"ASK { \xc3\x28 }", "application/sparql-query", 400),
    (b"ASK {}", "application/json", 415),
    (b"ASK {}", None, 400),
    (b"ASK {}", "application/sparql-query; charset=latin-1", 400),
])
def test_bad_encodings_and_media_types(live_server, body, content_type, expected):
    assert post(live_server + "/sparql", body, content_type)[0] == expected


def test_thousands_of_parameters_are_ignored(live_server):
    params = "&".join(f"p{i}=v{i}" for i in range(3000))
    status, body = post(live_server + "/sparql", f"query={quote(QUICK)}&{params}".encode(),
                        "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_slow_clients_do_not_starve_others(live_server):
    """Twice as many clients as the server has threads (2 processes x 4) send half a request and go
    silent: they hold no thread (the front reads without one), so a normal request is served at once,
    and each of them is told 408 at the 4-second deadline."""
    host, port = live_server.rsplit("//", 1)[1].split(":")
    slow = []
    for _ in range(16):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        slow.append(sock)
    try:
        status, _, seconds = fetch(f"{live_server}/sparql?query={quote(QUICK)}", timeout=15)
        assert status == 200 and seconds < 1.5
        for sock in slow:
            sock.settimeout(10)
            assert sock.recv(100).startswith(b"HTTP/1.1 408 Request Timeout")
    finally:
        for sock in slow:
            sock.close()


def test_client_that_disconnects_mid_query_leaves_no_dead_worker(live_server):
    host, port = live_server.rsplit("//", 1)[1].split(":")
    sock = socket.create_connection((host, int(port)))
    runaway = quote("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a")
    sock.sendall(f"GET /sparql?query={runaway} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(0.2)
    sock.close()
    time.sleep(3)
    results = [fetch(f"{live_server}/sparql?query={quote(QUICK)}")[0] for _ in range(6)]
    assert results == [200] * 6


def test_no_worker_is_left_dead(live_server):
    """After the hostile requests, every worker answers: as many quick queries at once as there are workers."""
    time.sleep(2.5)  # replacements of killed workers start in the background
    results = []
    threads = [threading.Thread(target=lambda: results.append(fetch(f"{live_server}/sparql?query={quote(QUICK)}")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r[0] for r in results] == [200] * 8
    assert fetch(live_server + "/healthz")[0] == 200
    assert metric(live_server, "natoasia_worker_restarts_total") >= 1
