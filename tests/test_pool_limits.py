"""Limits of a query beyond its time: memory and its client.

A query worker may add only so much memory: a query that needs more is a 503 naming the limit, the
worker is replaced, and the next query is answered. Without the limit the same query runs until its
time limit, taking memory all the while (about 650 MB a second at 10⁶ triples, bench/README.md).
A query whose client has gone is stopped, whether it waits for a worker or runs on one.

Direct QueryPool tests on a tiny dataset, without the app or conftest fixtures."""

from __future__ import annotations

import os
import signal
import threading
import time
import pytest

from natoasia.cli import main
from natoasia.endpoint import worker as worker_module
from natoasia.endpoint.jobs import ClientGone, Job, PoolBusy, QueryMemory, QueryTimeout, WorkerLost
from natoasia.endpoint.pool import QueryPool
from natoasia.endpoint.worker import data_size

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# 40 triples joined four ways and sorted: 2.56 million solutions held at once, about 1 GB.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?f ?g ?l"
BUDGET = 64 * 2**20


@pytest.fixture
def nquads(tmp_path):
    path = tmp_path / "tiny.nq"
    path.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g> .\n" for i in range(40)), encoding="utf-8")
    return str(path)


def _pool(nquads: str, budget: int | None) -> QueryPool:
    pool = QueryPool(nquads, size=1, sandbox=False, memory_budget=budget)
    pool.start()
    return pool


def _run(pool: QueryPool, query: str, limit: float):
    return pool.run(Job(query=query, solution_format="text/csv", max_rows=10**9, max_bytes=10**12), limit)


def test_a_query_that_needs_more_memory_than_a_worker_may_add_is_refused_and_the_worker_replaced(nquads, monkeypatch):
    pool = _pool(nquads, BUDGET)
    signals = []
    real_kill = os.kill
    monkeypatch.setattr(os, "kill", lambda pid, sig: signals.append(pid) or real_kill(pid, sig))
    try:
        first = next(iter(pool._live))
        started = time.monotonic()
        with pytest.raises(QueryMemory, match="more than the 64 MiB of memory a query worker may use"):
            _run(pool, HUNGRY, limit=30)
        assert first not in signals  # reaped by the pool: its pid may be anyone's now, it is sent nothing
        assert time.monotonic() - started < 10  # stopped by the memory limit, long before the time limit
        assert first not in pool._live and len(pool._live) == 1  # reaped and replaced
        assert _run(pool, COUNT, limit=10).body.split()[-1] == b"40"
    finally:
        pool.close()


def test_without_the_limit_the_same_query_runs_until_its_time_limit(nquads):
    pool = _pool(nquads, None)
    try:
        with pytest.raises(QueryTimeout):
            _run(pool, HUNGRY, limit=1.5)
    finally:
        pool.close()


def test_a_worker_that_dies_of_something_else_is_not_reported_as_out_of_memory(nquads):
    """Only an abort (the allocator's way to fail) means memory: a worker killed otherwise is lost."""
    pool = _pool(nquads, BUDGET)
    try:
        victim = next(iter(pool._live))
        threading.Timer(0.5, os.kill, (victim, signal.SIGTERM)).start()
        with pytest.raises(WorkerLost) as caught:
            _run(pool, HUNGRY.replace("ORDER BY ?a ?f ?g ?l", ""), limit=30)  # no sort: little memory, long
        assert not isinstance(caught.value, QueryMemory)
    finally:
        pool.close()


def test_the_limit_counts_from_what_the_worker_holds_when_it_starts(monkeypatch):
    """``RLIMIT_DATA`` is set to the data size at start plus the budget, soft and hard alike (the query
    cannot raise it again)."""
    limits = []
    monkeypatch.setattr(worker_module.resource, "setrlimit", lambda kind, value: limits.append((kind, value)))
    worker_module.limit_memory(BUDGET)
    [(kind, (soft, hard))] = limits
    assert kind == worker_module.resource.RLIMIT_DATA and soft == hard
    assert abs(soft - BUDGET - data_size()) < 4 * 2**20  # data_size() read again: within a few pages


def test_python_running_out_of_memory_in_a_worker_is_a_503_naming_the_limit(monkeypatch):
    def exhausted(store, job):
        raise MemoryError

    monkeypatch.setattr(worker_module, "execute", exhausted)
    outcome = worker_module.answer(None, Job(query=COUNT), memory_budget=BUDGET)
    assert outcome.status == 503
    assert b"more than the 64 MiB of memory a query worker may use" in outcome.body
    half = worker_module.answer(None, Job(query=COUNT), memory_budget=2**19)
    assert b"more than the 0.5 MiB of memory" in half.body  # a budget below 1 MiB is not "0 MiB"
    unlimited = worker_module.answer(None, Job(query=COUNT), memory_budget=None)
    assert unlimited.status == 503 and b"MiB" not in unlimited.body  # no budget: no figure to name


@pytest.mark.parametrize("value", ["-1", "-0.5"])
def test_serve_refuses_a_negative_memory_limit(value, capsys):
    assert main(["serve", "--worker-memory-mb", value, "--port", "0"]) == 2
    assert f"--worker-memory-mb {float(value):g} is negative" in capsys.readouterr().err


# Counting a cartesian product streams: for ever, in constant memory.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"


def gone_after(seconds: float):
    """A client that closes its connection ``seconds`` from now."""
    until = time.monotonic() + seconds
    return lambda: time.monotonic() >= until


@pytest.fixture
def watched(nquads):
    """A one-worker pool and the events it reports, closed after the test."""
    events = []
    pool = QueryPool(nquads, size=1, sandbox=False, on_event=events.append)
    pool.start()
    yield pool, events
    pool.close()


def test_a_query_whose_client_has_gone_is_stopped_and_its_worker_replaced(watched):
    pool, events = watched
    first = next(iter(pool._live))
    started = time.monotonic()
    with pytest.raises(ClientGone):
        pool.run(Job(query=ENDLESS, solution_format="text/csv"), 30, abandoned=gone_after(0.3))
    assert time.monotonic() - started < 3  # not the 30 s limit
    assert events == ["abandoned", "restarts"] and first not in pool._live
    assert _run(pool, COUNT, limit=10).body.split()[-1] == b"40"


def test_a_request_waiting_for_a_busy_worker_gives_up_when_its_client_goes(watched):
    pool, events = watched
    busy = threading.Thread(target=lambda: pytest.raises(QueryTimeout, _run, pool, ENDLESS, 3))
    busy.start()
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(ClientGone, match="while its query waited"):
        pool.run(Job(query=COUNT, solution_format="text/csv"), 30, abandoned=gone_after(0.3))
    assert time.monotonic() - started < 2 and events == ["abandoned"]  # no worker was taken or killed
    busy.join()


def test_a_client_still_there_waits_for_its_answer_and_the_limits_still_apply(watched):
    pool, events = watched
    still_there = lambda: False  # noqa: E731
    outcome = pool.run(Job(query=COUNT, solution_format="text/csv"), 10, abandoned=still_there)
    assert outcome.status == 200 and outcome.body.split()[-1] == b"40"
    with pytest.raises(QueryTimeout):
        pool.run(Job(query=ENDLESS, solution_format="text/csv"), 0.5, abandoned=still_there)
    busy = threading.Thread(target=lambda: pytest.raises(QueryTimeout, _run, pool, ENDLESS, 2))
    busy.start()
    time.sleep(0.3)
    with pytest.raises(PoolBusy):
        pool.run(Job(query=COUNT, solution_format="text/csv"), 0.5, abandoned=still_there)
    busy.join()
    assert "abandoned" not in events
