"""Nobody turns the endpoint against its host: tested on ``natoasia serve`` as it runs."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

from .conftest import running_server

# Counting a cartesian product streams: it runs for ever in constant memory, so the time limit (not the
# worker's memory limit, test_pool_limits.py) is what stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { <https://w3id.org/natoasia/id/country/japan> ?p ?o }"


def fetch(url: str, timeout: float = 15) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.monotonic() - started


def metric(base: str, name: str) -> float:
    text = fetch(base + "/metrics")[1]
    return float(next(line.split()[-1] for line in text.splitlines() if line.startswith(name + " ")))


def test_runaway_query_is_cut_off_while_others_are_served(live_server):
    restarts_before = metric(live_server, "natoasia_worker_restarts_total")
    result = {}
    runaway = threading.Thread(target=lambda: result.setdefault("runaway", fetch(
        f"{live_server}/sparql?query={quote(RUNAWAY)}")))
    runaway.start()
    time.sleep(0.3)
    quick = [fetch(f"{live_server}/sparql?query={quote(QUICK)}") for _ in range(5)]
    runaway.join()
    status, body, seconds = result["runaway"]
    assert status == 503 and "time limit" in body
    assert seconds < 2 + 1, f"answered after {seconds:.2f} s; limit is 2 s"
    assert all(q[0] == 200 and q[2] < 1 for q in quick), quick
    time.sleep(1.5)  # the replacement worker starts in the background
    assert metric(live_server, "natoasia_worker_restarts_total") >= restarts_before + 1
    assert fetch(f"{live_server}/sparql?query={quote(QUICK)}")[0] == 200


def test_timeout_parameter_lowers_but_never_raises_the_limit(live_server):
    status, body, seconds = fetch(f"{live_server}/sparql?query={quote(RUNAWAY)}&timeout=0.5")
    assert status == 503 and seconds < 1.5
    status, body, seconds = fetch(f"{live_server}/sparql?query={quote(RUNAWAY)}&timeout=60")
    assert status == 503 and seconds < 3


def request_with_listener(live_server, make_query, wait: float = 1.5):
    """Send the query ``make_query(port)`` while a loopback listener on ``port`` waits for a connection.

    Returns the response and whether anything connected to the listener.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(wait)
    try:
        response = fetch(f"{live_server}/sparql?query={quote(make_query(listener.getsockname()[1]))}")
        try:
            listener.accept()[0].close()
            return response, True
        except socket.timeout:
            return response, False
    finally:
        listener.close()


def test_service_is_refused_with_no_outbound_connection(live_server):
    (status, body, _), connected = request_with_listener(
        live_server, lambda port: f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert status == 400 and "SERVICE" in body
    assert not connected, "the server connected to the SERVICE address"


def test_from_iri_is_never_dereferenced(live_server):
    (status, body, _), connected = request_with_listener(
        live_server, lambda port: f"ASK FROM <http://127.0.0.1:{port}/data.ttl> {{ ?s ?p ?o }}", wait=1.0)
    assert status == 200 and json.loads(body)["boolean"] is False
    assert not connected


def test_a_query_that_outgrows_the_worker_memory_limit_is_a_503_naming_it(built):
    """Sorting a cartesian product holds every row: with a 64 MiB budget the worker's allocator fails
    long before the 20 s limit, and the client is told which limit it met."""
    from natoasia.service.app import create_app
    from natoasia.endpoint.settings import Settings

    app = create_app(Settings(dataset=built, workers=1, timeout=20.0, cache_bytes=0, worker_memory=64 * 2**20))
    try:
        client = app.test_client()
        started = time.monotonic()
        hungry = client.get("/sparql", query_string={
            "query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"})
        assert hungry.status_code == 503 and time.monotonic() - started < 15
        assert "more than the 64 MiB of memory a query worker may use" in hungry.get_data(as_text=True)
        assert client.get("/sparql", query_string={"query": QUICK}).status_code == 200  # replaced
    finally:
        app.extensions["natoasia"].close()


def test_a_client_that_hangs_up_frees_its_worker_at_once(built, tmp_path):
    """With one worker and a 20 s limit, a runaway whose client closes the connection is stopped at
    once, so the next query is answered; a client that pipelines its next request is not gone."""
    with running_server(built, tmp_path, "--timeout", "20", "--workers", "1", "--http-workers", "1",
                        "--cache-mb", "0") as base:
        port = int(base.rsplit(":", 1)[1])
        request = f"GET /sparql?query={quote(RUNAWAY)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        with socket.create_connection(("127.0.0.1", port)) as pipelining:
            pipelining.sendall(request + f"GET /sparql?query={quote(QUICK)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(1.0)
            assert metric(base, "natoasia_queries_abandoned_total") == 0  # still there, just ahead of itself
        time.sleep(0.5)
        assert metric(base, "natoasia_queries_abandoned_total") == 1  # it hung up: its runaway was stopped
        with socket.create_connection(("127.0.0.1", port)) as hanging_up:
            hanging_up.sendall(request)
            time.sleep(0.5)
        status, _, seconds = fetch(f"{base}/sparql?query={quote(QUICK)}")
        assert status == 200 and seconds < 3, (status, seconds)  # the only worker is free again
        assert metric(base, "natoasia_queries_abandoned_total") == 2
        assert metric(base, "natoasia_worker_restarts_total") == 2
