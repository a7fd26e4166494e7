"""The query worker pool on a tiny dataset: an overrunning worker is killed and reaped, a replacement
answers, a worker that dies mid-query is replaced, a full pool says so, close() leaves no child, and
confined workers start and read the persisted store.

Direct QueryPool tests, without the app or conftest fixtures (the mutation run of endpoint/pool.py uses them)."""

from __future__ import annotations

import errno
import json
import os
import threading
import time

import pytest

from natoasia.endpoint import pool as pool_module
from natoasia.endpoint.jobs import Job, PoolBusy, QueryTimeout, WorkerLost
from natoasia.endpoint.pool import QueryPool

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# 40 quads joined six ways: billions of solutions, far beyond any limit used here.
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . "
           "?p ?q ?r }")


@pytest.fixture
def nquads(tmp_path):
    path = tmp_path / "tiny.nq"
    path.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g> .\n" for i in range(40)), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def confinement():
    """Skip where this kernel cannot confine a query worker (the skip gives the reason)."""
    from natoasia.endpoint.sandbox import probe

    reason = probe()
    if reason:
        pytest.skip(f"query workers cannot be confined here: {reason}")


@pytest.fixture
def events():
    return []


@pytest.fixture
def pool(nquads, events):
    pool = QueryPool(nquads, size=1, sandbox=False, on_event=events.append)
    pool.start()
    yield pool
    pool.close()


def answer(pool: QueryPool, query: str = COUNT, limit: float = 10) -> bytes:
    outcome = pool.run(Job(query=query, solution_format="text/csv"), limit)
    assert outcome.status == 200, outcome.body
    return outcome.body


def assert_serves(pool: QueryPool) -> None:
    """Start ``pool``, check that it answers the count of the tiny dataset, close it."""
    pool.start()
    try:
        assert answer(pool).split()[-1] == b"40"
    finally:
        pool.close()


def gone(pid: int) -> bool:
    """Whether ``pid`` no longer exists (killed and reaped: not even a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_worker_answers_and_goes_back_to_the_idle_queue(pool):
    assert answer(pool).split()[-1] == b"40"
    assert answer(pool).split()[-1] == b"40"  # size 1: the same worker, returned after its first answer
    assert pool.triples == 40 and len(pool._live) == 1


def test_the_workers_are_named_and_are_children_of_the_pool(nquads):
    pool = QueryPool(nquads, size=2, sandbox=False)
    pool.start()
    try:
        assert len(pool._live) == 2 and pool.idle.qsize() == 2
        for pid in pool._live:
            with open(f"/proc/{pid}/comm", encoding="utf-8") as comm:
                assert comm.read().strip() == "natoasia-query"
    finally:
        pool.close()


def test_an_overrunning_worker_is_killed_reaped_and_replaced(pool, events):
    pid = next(iter(pool._live))
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="within 0.5 s"):
        pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 0.5)
    assert time.monotonic() - started < 5
    assert gone(pid), "the overrunning worker is still there (or was not reaped)"
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert pid not in pool._live and len(pool._live) == 1 and pool.idle.qsize() == 1
    assert events == ["timeouts", "restarts"]
    assert answer(pool).split()[-1] == b"40"  # the replacement answers


def test_a_worker_that_dies_mid_query_gives_worker_lost_and_is_replaced(pool, events):
    pid = next(iter(pool._live))
    threading.Timer(0.3, os.kill, (pid, 9)).start()
    started = time.monotonic()
    with pytest.raises(WorkerLost):
        pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 30)
    assert time.monotonic() - started < 10
    assert gone(pid) and pid not in pool._live and len(pool._live) == 1
    assert events == ["restarts"]
    assert answer(pool).split()[-1] == b"40"


def test_a_busy_pool_refuses_within_the_limit(pool):
    outcomes = []

    def overrun():
        try:
            pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 2)
        except QueryTimeout as exc:
            outcomes.append(exc)

    runner = threading.Thread(target=overrun)
    runner.start()
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(PoolBusy, match="within 0.3 s"):
        pool.run(Job(query=COUNT, solution_format="text/csv"), 0.3)
    assert 0.25 < time.monotonic() - started < 1.5
    runner.join()
    assert len(outcomes) == 1
    assert answer(pool).split()[-1] == b"40"


def test_close_leaves_no_child_and_nothing_is_replaced_afterwards(nquads, events):
    pool = QueryPool(nquads, size=2, sandbox=False, on_event=events.append)
    pool.start()
    pids = set(pool._live)
    pool.close()
    assert not pool._live and all(gone(pid) for pid in pids)
    with pytest.raises(WorkerLost):  # an idle worker that close() killed
        answer(pool)
    assert not pool._live, "a worker was forked after close()"
    assert all(gone(pid) for pid in pids)


def test_close_stops_a_busy_worker_too(pool):
    pid = next(iter(pool._live))
    runner = threading.Thread(target=lambda: pytest.raises(Exception, pool.run,
                                                           Job(query=RUNAWAY, solution_format="text/csv"), 30))
    runner.start()
    time.sleep(0.3)
    pool.close()
    runner.join(10)
    assert not runner.is_alive() and gone(pid) and not pool._live


def test_the_store_is_loaded_once_per_process(nquads):
    first = pool_module.preload(nquads)
    assert pool_module.preload(nquads) is first and first[1] == 40


def test_the_defaults_are_two_sandboxed_workers_and_no_triples_before_start(nquads):
    pool = QueryPool(nquads)
    assert (pool.size, pool.sandbox, pool.triples, pool.persisted) == (2, True, 0, None)


def test_workers_read_a_persisted_store_and_its_recorded_count(tmp_path, nquads, caplog):
    import json

    import pyoxigraph as ox

    folder = tmp_path / "store"
    store = ox.Store(str(folder))
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (tmp_path / "store.json").write_text(json.dumps({"quads": 41}), encoding="utf-8")  # the record, not a count
    caplog.set_level("INFO", logger="natoasia.pool")
    pool = QueryPool(nquads, size=1, sandbox=False, persisted=str(folder))
    pool.start()
    try:
        assert pool.triples == 41 and answer(pool).split()[-1] == b"40"
        assert f"the persisted store {folder}" in caplog.text
    finally:
        pool.close()


def test_startup_and_replacement_are_logged_with_their_times(pool, caplog, nquads):
    import re

    caplog.set_level("INFO", logger="natoasia.pool")
    fresh = QueryPool(nquads, size=1, sandbox=False)
    fresh.start()
    fresh.close()
    ready = re.search(r"the dataset in memory \(40 quads, ready in ([0-9.]+) s\)", caplog.text)
    assert ready and float(ready.group(1)) < 60
    with pytest.raises(QueryTimeout):
        pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 0.3)
    replaced = re.search(r"replaced a query worker in ([0-9.]+) ms", caplog.text)
    assert replaced and 0 < float(replaced.group(1)) < 10_000


def test_the_limit_counts_from_the_request_not_from_a_minimum_wait(pool):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 0.3)
    assert time.monotonic() - started < 0.95


def test_a_worker_takes_the_default_signal_actions_not_the_parents_handlers(nquads):
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *args: None)  # as the HTTP process (gunicorn) does
    try:
        pool = QueryPool(nquads, size=1, sandbox=False)
        pool.start()
    finally:
        signal.signal(signal.SIGTERM, previous)
    try:
        pid = next(iter(pool._live))
        os.kill(pid, signal.SIGTERM)
        waited, status = os.waitpid(pid, 0)
        assert waited == pid and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    finally:
        pool.close()


def test_a_worker_closes_the_sockets_and_pipes_it_inherited_but_its_own(nquads):
    import socket

    listener = socket.socket()
    read_end, write_end = os.pipe()
    saved_stderr, saved_3 = os.dup(2), os.dup(3)
    os.dup2(write_end, 2)  # standard error a pipe, as under a process manager: kept all the same
    os.dup2(listener.fileno(), 3)  # where systemd's socket activation passes the listening socket
    try:
        pool = QueryPool(nquads, size=1, sandbox=False)
        pool.start()
    finally:
        os.dup2(saved_stderr, 2)
        os.dup2(saved_3, 3)
        os.close(saved_stderr)
        os.close(saved_3)
    try:
        pid = next(iter(pool._live))
        fds = {int(name) for name in os.listdir(f"/proc/{pid}/fd")}
        assert {0, 1, 2} <= fds
        assert listener.fileno() not in fds and read_end not in fds and write_end not in fds
        assert 3 not in fds or os.readlink(f"/proc/{pid}/fd/3") != f"socket:[{os.fstat(listener.fileno()).st_ino}]"
        assert answer(pool).split()[-1] == b"40"  # its own two pipes are open
    finally:
        pool.close()
        listener.close()
        os.close(read_end)
        os.close(write_end)


def test_a_worker_that_fails_while_starting_is_reported_and_reaped(nquads, monkeypatch, capfd):
    def broken(*args):
        raise RuntimeError("cannot serve")

    monkeypatch.setattr(pool_module, "serve", broken)
    pool = QueryPool(nquads, size=1, sandbox=False)
    with pytest.raises(RuntimeError, match="exited while starting"):
        pool.start()
    assert not pool._live
    assert "RuntimeError: cannot serve" in capfd.readouterr().err  # the worker's traceback, before it left


def test_a_replacement_that_cannot_start_leaves_the_pool_serving_with_fewer(pool, monkeypatch, caplog):
    def no_fork():
        raise OSError("no more processes")

    monkeypatch.setattr(pool, "_spawn", no_fork)
    with pytest.raises(QueryTimeout):
        pool.run(Job(query=RUNAWAY, solution_format="text/csv"), 0.3)
    assert "could not replace a query worker" in caplog.text and not pool._live
    with pytest.raises(PoolBusy):
        answer(pool, limit=0.1)


def test_close_ignores_a_worker_that_is_already_gone(pool):
    pid = next(iter(pool._live))
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pool.close()
    assert not pool._live


def test_a_killed_worker_is_reaped_even_while_the_kernel_is_still_freeing_its_memory(nquads, monkeypatch):
    """SIGKILL returns before the worker is dead: a worker that has written 128 MiB takes the kernel
    milliseconds to free them, and a wait that did not block would leave it a zombie nobody reaps."""
    serve = pool_module.serve

    def serve_holding_memory(*args):
        _written = b"\x01" * (128 << 20)
        serve(*args)

    monkeypatch.setattr(pool_module, "serve", serve_holding_memory)
    pool = QueryPool(nquads, size=1, sandbox=False)
    pool.start()
    try:
        worker = pool.idle.get_nowait()
        pool._kill(worker)
        assert gone(worker.pid), "the killed worker was left a zombie (or alive)"
        assert worker.pid not in pool._live
    finally:
        pool.close()


def test_the_seccomp_filter_is_built_in_the_parent_of_sandboxed_workers_only(nquads, monkeypatch, confinement):
    """Built once before forking, so that every worker (and every replacement) only loads it; a pool
    of unconfined workers has no use for it."""
    from natoasia.endpoint import sandbox

    calls = []
    prepare = sandbox.prepare

    def recorded():
        calls.append(os.getpid())
        prepare()

    monkeypatch.setattr(sandbox, "prepare", recorded)
    for sandboxed in (False, True):
        assert_serves(QueryPool(nquads, size=1, sandbox=sandboxed))
        assert calls == [os.getpid()] * sandboxed, f"sandbox={sandboxed}"


def test_a_sandboxed_pool_starts_when_the_filter_cannot_be_built_before_forking(nquads, monkeypatch, confinement):
    """Building the filter in the parent only saves the workers time: if it fails there, each worker
    still confines itself (or reports why it cannot), and the pool serves."""
    from natoasia.endpoint import sandbox

    def unavailable():
        raise sandbox.SandboxUnavailable(errno.ENOSYS, "libseccomp is not available (in this test)")

    monkeypatch.setattr(sandbox, "prepare", unavailable)
    assert_serves(QueryPool(nquads, size=1, sandbox=True))


def test_a_confined_worker_reads_the_table_files_of_a_persisted_store_it_opens_on_demand(tmp_path, nquads,
                                                                                        confinement):
    """RocksDB opens 16 table files when the store is opened and the others when a query needs them:
    in the confined worker, which Landlock must let read the store's folder. Four loads, each into
    its own table files, make a store with more of them than that, as a large store has."""
    import pyoxigraph as ox

    folder = tmp_path / "store"
    store = ox.Store(str(folder))
    for i in range(4):
        store.bulk_load(input=f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g{i}> .\n".encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (tmp_path / "store.json").write_text(json.dumps({"quads": 4}), encoding="utf-8")

    def table_files(pid: int) -> set[str]:
        links = {os.path.realpath(f"/proc/{pid}/fd/{name}") for name in os.listdir(f"/proc/{pid}/fd")}
        return links & {str(path) for path in folder.resolve().glob("*.sst")}

    pool = QueryPool(nquads, size=1, persisted=str(folder))
    pool.start()
    try:
        pid = next(iter(pool._live))
        inherited = table_files(pid)
        assert answer(pool).split()[-1] == b"4"
        assert table_files(pid) - inherited, "the query needed no table file but those opened with the store"
    finally:
        pool.close()
