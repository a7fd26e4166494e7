"""Per-client fairness: one client's burst or slow queries do not make other clients wait.

:class:`~natoasia.service.admission.Admission` (connections, running requests, the round-robin queue)
and :class:`~natoasia.service.query_slots.ClientSlots` (query workers) are driven directly; then the
front runs in this process with an application whose requests block. These are the fast tests that kill
the mutants of ``service/admission.py`` and ``service/query_slots.py``.
"""

from __future__ import annotations

import threading
import time

import pytest

from natoasia.endpoint.jobs import ClientGone
from natoasia.service.admission import OPS_PATHS, Admission, Refusal, client_key, is_ops
from natoasia.service.query_slots import CHECK_INTERVAL, ClientSlots, TooManyQueries, counted, per_client

from .front_server import connect, get, read_response, serving, timed


@pytest.mark.parametrize(("address", "key"), [
    (("192.0.2.7", 5), "192.0.2.7"), (("2001:db8:1:2:3:4:5:6", 5, 0, 0), "2001:db8:1:2::/64"),
    (("2001:db8:1:2:ffff::1", 9, 0, 0), "2001:db8:1:2::/64"), (("::ffff:192.0.2.7", 5, 0, 0), "192.0.2.7"),
    (("fe80::1%eth0", 5, 0, 2), "fe80::/64"), ("/run/natoasia.sock", "/run/natoasia.sock"), ("", ""),
    (("not:an:address", 1), "not:an:address")])
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, key):
    assert client_key(address) == key


def test_operations_routes_are_recognised_by_path():
    assert OPS_PATHS == {"/healthz", "/metrics"}
    assert is_ops("/healthz") and is_ops("/metrics?x=1") and not is_ops("/sparql") and not is_ops("/healthz/x")


def pick(admission: Admission, general: bool = True):
    """(item, key) of the next request to run, or None."""
    picked = admission.next(general)
    return None if picked is None else picked[:2]


def test_a_client_holds_at_most_its_connections_and_gets_them_back():
    admission = Admission(4, 2, 2, 1.0, 5.0)
    assert admission.connect("a") is None and admission.connect("a") is None
    refused = admission.connect("a")
    assert isinstance(refused, Refusal) and (refused.status, refused.retry_after) == (429, 1)
    assert refused.message.startswith("this client already has 2 connections open")
    assert admission.connect("b") is None
    admission.disconnect("a")
    assert admission.connections == {"a": 1, "b": 1} and admission.connect("a") is None
    admission.disconnect("b")
    assert admission.connections == {"a": 2}  # a client with no connection left is forgotten at once
    for _ in range(2):
        admission.disconnect("b")
    assert admission.connections == {"a": 2}


def test_a_client_runs_at_most_its_share_and_the_others_take_turns():
    admission = Admission(8, 64, 2, 1.0, 5.0)
    for i in range(4):
        admission.wait(f"a{i}", "a", False, float(i))
    admission.wait("b0", "b", False, 0.0)
    admission.wait("c0", "c", False, 0.0)
    admission.wait("b1", "b", False, 0.0)
    assert admission.next() == ("a0", "a", 0.0)  # with the time it began to wait
    order = []
    while (picked := pick(admission)) is not None:
        order.append(picked)
    assert order == [("b0", "b"), ("c0", "c"), ("a1", "a"), ("b1", "b")]
    assert admission.running == {"a": 2, "b": 2, "c": 1} and admission.busy == 5
    admission.done("a")
    assert admission.next() == ("a2", "a", 2.0)
    admission.done("c")
    assert admission.running == {"a": 2, "b": 2} and admission.busy == 4
    assert admission.next() is None  # a's fourth waits for one of its own


def test_a_client_with_answers_unread_waits_until_it_reads_them():
    admission = Admission(8, 64, 4, 1.0, 5.0, per_client_unread=100)
    assert admission.per_client_unread == 100 and Admission(8, 64, 4, 1.0, 5.0).per_client_unread >= 2**62
    admission.hold("a", 100)
    admission.wait("a0", "a", False, 0.0)
    admission.wait("b0", "b", False, 0.0)
    assert pick(admission) == ("b0", "b") and admission.next() is None
    (item, refusal), = admission.overdue(1.0)
    assert item == "a0" and (refusal.status, refusal.retry_after) == (429, 1)
    assert refusal.message == ("this client has not read 100 bytes of its answers yet, more than this endpoint lets "
                               "one client leave waiting; read them, then retry")
    admission.wait("a1", "a", False, 1.0)
    admission.hold("a", -1)
    assert admission.unread == {"a": 99} and pick(admission) == ("a1", "a")
    admission.hold("a", -98)
    assert admission.unread == {"a": 1}
    admission.hold("a", -1)
    assert admission.unread == {}  # a client with nothing unread is forgotten at once


def test_one_thread_is_kept_for_the_operations_routes():
    admission = Admission(3, 64, 5, 1.0, 5.0)
    for name in ("x", "y", "z"):
        admission.wait(name, name, False, 0.0)
    assert pick(admission)[0] == "x" and pick(admission)[0] == "y" and admission.next() is None
    admission.wait("health", "x", True, 3.0)
    assert admission.next() == ("health", None, 3.0) and admission.busy == 3
    admission.wait("health2", "x", True, 0.0)
    assert admission.next() is None  # every thread taken
    admission.done(None)
    assert pick(admission) == ("health2", None) and admission.running == {"x": 1, "y": 1}


def test_a_single_thread_serves_everyone():
    admission = Admission(1, 64, 5, 1.0, 5.0)
    admission.wait("x", "x", False, 0.0)
    assert pick(admission) == ("x", "x") and admission.next() is None


def test_a_full_backlog_lets_only_operations_start():
    admission = Admission(4, 64, 5, 1.0, 5.0)
    admission.wait("query", "a", False, 0.0)
    admission.wait("health", "a", True, 0.0)
    assert pick(admission, general=False) == ("health", None)
    assert admission.next(general=False) is None and pick(admission) == ("query", "a")


def test_a_request_held_back_by_its_own_client_is_a_429_after_a_second():
    admission = Admission(4, 64, 1, 1.0, 5.0)
    admission.wait("a0", "a", False, 0.0)
    admission.wait("a1", "a", False, 0.5)
    assert pick(admission) == ("a0", "a")
    assert admission.overdue(1.49) == []
    (item, refusal), = admission.overdue(1.5)
    assert item == "a1" and (refusal.status, refusal.retry_after) == (429, 1)
    assert refusal.message == ("this client already has 1 requests running in this server process, the limit of "
                               "this endpoint; wait for their answers, then retry")
    assert admission.overdue(100.0) == []


def test_a_client_with_nothing_running_or_unread_is_never_told_429():
    """At the tightest limits (one request, one byte), a client that holds nothing waits only for a thread."""
    admission = Admission(2, 64, 1, 1.0, 5.0, per_client_unread=1)
    admission.wait("x", "x", False, 0.0)
    assert pick(admission) == ("x", "x")
    admission.wait("y", "y", False, 0.0)
    assert pick(admission) is None and admission.overdue(4.9) == []
    (item, refusal), = admission.overdue(5.0)
    assert item == "y" and refusal.status == 503


def test_a_request_waiting_for_a_thread_is_a_503_after_the_time_limit():
    admission = Admission(2, 64, 5, 1.0, 5.0)
    admission.wait("a0", "a", False, 0.0)
    admission.wait("b0", "b", False, 0.5)
    admission.wait("b1", "b", False, 0.6)
    admission.wait("ops", "c", True, 0.0)
    assert pick(admission) == ("ops", None) and pick(admission) is None  # one thread kept free
    admission.done(None)
    assert pick(admission) == ("a0", "a") and pick(admission) is None
    assert admission.overdue(5.49) == []
    (item, refusal), = admission.overdue(5.5)
    assert item == "b0" and (refusal.status, refusal.retry_after) == (503, 1)
    assert refusal.message == "the server is busy: every thread of this server process is taken; retry shortly"
    assert [item for item, _ in admission.overdue(5.6)] == ["b1"]
    admission.wait("ops2", "d", True, 6.0)
    admission.wait("ops3", "d", True, 6.5)
    admission.busy = 2
    assert admission.overdue(10.99) == []
    assert [(item, r.status) for item, r in admission.overdue(11.0)] == [("ops2", 503)]
    assert admission.next() is None


# -- query workers ------------------------------------------------------------------------------------------

class FakePool:
    """A pool whose ``run`` blocks until its job's event is set; records the limits it was given."""

    def __init__(self):
        self.limits, self.idle, self.running = [], "passed through", 0
        self.lock = threading.Lock()

    def run(self, job, limit, abandoned=None):
        with self.lock:
            self.running += 1
            self.limits.append(limit)
        job.wait(10)
        with self.lock:
            self.running -= 1
        return f"answer after {limit:.1f}"


def in_thread(slots: ClientSlots, client: str | None, job, limit: float, abandoned=None) -> dict:
    out = {}

    def run():
        app = counted(lambda environ, start: out.update(answer=slots.run(job, limit, abandoned)))
        try:
            app({"natoasia.client": client} if client else {}, None)
        except Exception as exc:  # noqa: BLE001 — kept for the test to look at
            out["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    out["thread"] = thread
    return out


def test_half_the_query_workers_at_least_one():
    assert [per_client(n) for n in (1, 2, 3, 4, 8)] == [1, 1, 1, 2, 4]


def test_a_client_waits_for_its_own_slot_not_for_others():
    pool = FakePool()
    slots = ClientSlots(pool, 1)
    first, second, other = threading.Event(), threading.Event(), threading.Event()
    a1 = in_thread(slots, "a", first, 5.0)
    time.sleep(0.1)
    a2 = in_thread(slots, "a", second, 5.0)
    b = in_thread(slots, "b", other, 5.0)
    time.sleep(0.3)
    assert pool.running == 2  # a's first and b's; a's second waits
    other.set()
    b["thread"].join(5)
    assert b["answer"] == "answer after 5.0"
    first.set()
    second.set()
    a2["thread"].join(5)
    assert a2["answer"].startswith("answer after 4.") and pool.limits[-1] < 5.0  # the wait counted
    assert slots._held == {}


def test_a_client_whose_slots_stay_taken_gets_a_429_within_its_limit():
    pool = FakePool()
    slots = ClientSlots(pool, 1)
    hold = threading.Event()
    holding = in_thread(slots, "a", hold, 5.0)
    time.sleep(0.1)
    (waiting, seconds) = timed(lambda: in_thread(slots, "a", threading.Event(), 0.5)["thread"].join(5))
    hold.set()
    holding["thread"].join(5)
    assert 0.4 <= seconds < 1.5


def test_the_429_says_why():
    pool = FakePool()
    slots = ClientSlots(pool, 1)
    hold = threading.Event()
    in_thread(slots, "a", hold, 5.0)
    time.sleep(0.1)
    refused = in_thread(slots, "a", threading.Event(), 0.3)
    refused["thread"].join(5)
    hold.set()
    error = refused["error"]
    assert isinstance(error, TooManyQueries) and error.status == 429
    assert error.message == ("this client already has 1 queries running in this server process, the limit of this "
                             "endpoint, and none finished within 0.3 s; wait for their answers")


def test_a_client_that_leaves_while_waiting_for_its_slot_stops_waiting():
    pool = FakePool()
    slots = ClientSlots(pool, 1)
    hold = threading.Event()
    in_thread(slots, "a", hold, 5.0)
    time.sleep(0.1)
    gone = threading.Event()
    leaving = in_thread(slots, "a", threading.Event(), 5.0, abandoned=gone.is_set)
    time.sleep(0.1)
    gone.set()
    (_, seconds) = timed(leaving["thread"].join, 5)
    hold.set()
    assert isinstance(leaving["error"], ClientGone) and seconds < CHECK_INTERVAL + 0.3
    assert CHECK_INTERVAL == 0.2


def test_requests_of_no_known_client_are_not_limited():
    pool = FakePool()
    slots = ClientSlots(pool, 1)
    events = [threading.Event() for _ in range(3)]
    runs = [in_thread(slots, None, event, 5.0) for event in events]
    time.sleep(0.2)
    assert pool.running == 3 and pool.limits == [5.0] * 3
    for event in events:
        event.set()
    for run in runs:
        run["thread"].join(5)


def test_the_slots_stand_in_for_the_pool():
    pool = FakePool()
    assert ClientSlots(pool, 2).idle == "passed through" and ClientSlots(pool, 2).limit == 2


def test_the_thread_forgets_its_client_after_the_request():
    import natoasia.service.query_slots as module

    seen = []
    app = counted(lambda environ, start: seen.append(module._current.key) or ["body"])
    assert app({"natoasia.client": "a"}, None) == ["body"]
    assert seen == ["a"] and module._current.key is None

    def failing(environ, start):
        raise RuntimeError("the app failed")
    with pytest.raises(RuntimeError):
        counted(failing)({"natoasia.client": "b"}, None)
    assert module._current.key is None


# -- the front, live in this process ------------------------------------------------------------------------

def test_one_clients_slow_requests_leave_threads_for_the_others():
    """Client A sends 8 requests that each take 3 s; client B's request is answered at once, and A's
    surplus is told 429 after waiting a second in the queue."""
    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            time.sleep(3)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["natoasia.client"].encode()]
    with serving(app, threads=4) as (front, port):
        socks = [connect(port, "127.0.6.1") for _ in range(8)]
        for sock in socks:
            sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        assert front.admission.running == {"127.0.6.1": 2}  # half the threads, no more
        (status, _, body), seconds = timed(get, port, "/quick", "127.0.6.2")
        assert (status, body) == (200, b"127.0.6.2") and seconds < 1.0
        statuses = [read_response(sock)[0] for sock in socks]
        assert statuses.count(200) == 2 and statuses.count(429) == 6
        for sock in socks:
            sock.close()


def test_query_workers_yield_the_cpu_to_their_http_process(tmp_path):
    """Under a flood of runaway queries the HTTP process must still get the CPU to answer /healthz and
    cached queries: its query workers run 5 steps of ``nice`` below it."""
    import os

    from natoasia.endpoint.pool import QueryPool
    from natoasia.endpoint.worker import NICENESS

    path = tmp_path / "tiny.nq"
    path.write_text("<urn:s> <urn:p> <urn:o> <urn:g> .\n", encoding="utf-8")
    pool = QueryPool(str(path), size=1, sandbox=False)
    pool.start()
    try:
        [worker] = pool._live
        assert NICENESS == 5
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    finally:
        pool.close()


def test_the_app_answers_a_refused_query_429_with_retry_after_and_limits_each_client(tmp_path):
    """The app puts :class:`ClientSlots` in front of the engine's pool, and a refusal that escapes a page
    keeps its status, with Retry-After for a 429 (the time limit, rounded up)."""
    from types import SimpleNamespace

    from natoasia.endpoint.metrics import Metrics
    from natoasia.endpoint.protocol import ProtocolError
    from natoasia.endpoint.settings import Settings
    from natoasia.service.app import create_app

    settings = Settings(dataset=tmp_path, timeout=7.5, workers=4)
    engine = SimpleNamespace(pool=FakePool(), metrics=Metrics(), settings=settings)
    app = create_app(settings, engine=engine, start=False)
    assert isinstance(engine.pool, ClientSlots) and engine.pool.limit == 2
    assert create_app(settings, engine=engine, start=False) and not isinstance(engine.pool._pool, ClientSlots)

    @app.route("/refused")
    def refused():
        raise TooManyQueries("this client already has 2 queries running")

    @app.route("/busy")
    def busy():
        raise ProtocolError(503, "the query did not finish within 7.5 s")
    client = app.test_client()
    response = client.get("/refused")
    assert response.status_code == 429 and response.headers["Retry-After"] == "8"
    assert response.get_data(as_text=True) == "this client already has 2 queries running\n"
    assert response.headers["Cache-Control"] == "no-store" and response.mimetype == "text/plain"
    response = client.get("/busy")
    assert response.status_code == 503 and "Retry-After" not in response.headers
    assert response.get_data(as_text=True) == "the query did not finish within 7.5 s\n"
