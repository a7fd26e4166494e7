"""A supervised pool of query worker processes with a wall-clock limit per query.

pyoxigraph cannot cancel a running query, so the limit is enforced at process level: a worker
that overruns is killed (its CPU is reclaimed at once) and replaced while the other workers go on
serving.

The store is loaded once per server: :func:`preload` loads it in the process that later forks the
HTTP processes, and every query worker is forked from an HTTP process, so all of them share the
loaded store's pages copy-on-write (nobody writes to them: the store is read-only while served).
Replacing a killed worker is therefore a ``fork``: milliseconds, with nothing parsed again.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from natoasia.endpoint.jobs import ClientGone, Job, Outcome, PoolBusy, QueryMemory, QueryTimeout, WorkerLost
from natoasia.endpoint.worker import serve
from natoasia.stores.embedded import load_store

log = logging.getLogger("natoasia.pool")
_PRELOADED: dict[tuple, tuple[ox.Store, int]] = {}


def preload(nquads: str, loads: list[tuple[str, str]] | None = None,
            persisted: str | None = None) -> tuple[ox.Store, int]:
    """Open the store once per process, so that processes forked later share it: the persisted
    store read-only (milliseconds; its pages are the kernel's page cache, shared by every process),
    or the N-Quads dump (and ``loads``) parsed into memory."""
    key = (nquads, tuple(map(tuple, loads or [])), persisted)
    if key not in _PRELOADED:
        if persisted:
            from natoasia.stores.embedded import PERSISTED_RECORD

            store = ox.Store.read_only(persisted)
            quads = json.loads((Path(persisted).parent / PERSISTED_RECORD).read_text(encoding="utf-8"))["quads"]
        else:
            store = load_store(nquads, list(loads or []))
            quads = len(store)
        _PRELOADED[key] = (store, quads)
    return _PRELOADED[key]


#: How often a waiting request checks whether its client is still there.
CHECK_INTERVAL = 0.2


@dataclass
class _Worker:
    pid: int
    jobs: Connection
    answers: Connection


def _close_inherited_fds(keep: set[int]) -> None:
    """In a forked worker: close the sockets (listening and client connections) and pipes (other
    workers') the HTTP process had open, but the standard streams and ``keep``. Files stay open:
    the persisted store reads through the descriptors it opened in the parent."""
    import stat

    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd <= 2 or fd in keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.close(fd)
        except OSError:
            pass  # the descriptor of the listing itself, already gone


def _slice(deadline: float, abandoned) -> float:
    """How long to wait before looking again: until ``deadline``, in slices if a client is watched."""
    left = max(0.0, deadline - time.monotonic())
    return left if abandoned is None else min(left, CHECK_INTERVAL)


class QueryPool:
    """``size`` worker processes sharing one loaded store, and the supervision around them."""

    def __init__(self, nquads: str, loads: list[tuple[str, str]] | None = None, size: int = 2, on_event=None,
                 sandbox: bool = True, persisted: str | None = None, memory_budget: int | None = None):
        self.nquads, self.loads, self.size, self.sandbox = nquads, list(loads or []), size, sandbox
        self.persisted, self.memory_budget = persisted, memory_budget
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.on_event = on_event or (lambda name: None)
        self.triples = 0
        self.store: ox.Store | None = None
        self._live: set[int] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Load the store (unless :func:`preload` did already), then fork every worker and wait until
        each has confined itself."""
        started = time.monotonic()
        self.store, self.triples = preload(self.nquads, self.loads, self.persisted)
        log.info("query workers read %s (%d quads, ready in %.2f s)",
                 f"the persisted store {self.persisted}" if self.persisted else "the dataset in memory",
                 self.triples, time.monotonic() - started)
        if self.sandbox:
            from natoasia.endpoint.sandbox import SandboxUnavailable, prepare

            try:
                prepare()
            except SandboxUnavailable:
                pass  # each worker reports it as it confines itself
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            self._await_ready(worker)
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        with self._lock:  # no other thread of this pool forks or closes pipes meanwhile
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the HTTP process's code
                status = 0
                try:
                    for sig in (signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2,
                                signal.SIGWINCH, signal.SIGCHLD):
                        signal.signal(sig, signal.SIG_DFL)
                    _close_inherited_fds({job_read, answer_write})
                    serve(Connection(job_read, writable=False), Connection(answer_write, readable=False),
                          self.store, self.sandbox, [self.persisted] if self.persisted else [], self.memory_budget)
                except BaseException:  # noqa: BLE001 — report, then leave without unwinding the parent's stack
                    traceback.print_exc()
                    status = 1
                finally:
                    os._exit(status)
            self._live.add(pid)
        os.close(job_read)
        os.close(answer_write)
        return _Worker(pid, Connection(job_write, readable=False), Connection(answer_read, writable=False))

    def _await_ready(self, worker: _Worker, timeout: float = 60.0) -> None:
        if not worker.answers.poll(timeout):
            self._kill(worker)
            raise RuntimeError("a query worker did not start within a minute")
        try:
            worker.answers.recv()
        except EOFError:
            self._kill(worker)
            raise RuntimeError("a query worker exited while starting (see its error above)") from None

    def _kill(self, worker: _Worker, reap: bool = True) -> None:
        """Kill ``worker``, close its pipes and (unless told to leave it to :meth:`_reap`) reap it."""
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.jobs.close()
        worker.answers.close()
        if reap:
            self._reap(worker)

    def _reap(self, worker: _Worker) -> int:
        """Wait for ``worker`` to end; its wait status (0 if it was reaped already)."""
        try:
            return os.waitpid(worker.pid, 0)[1]  # returns once the kernel has freed the process's memory
        except ChildProcessError:
            return 0
        finally:
            self._live.discard(worker.pid)

    def _replace(self, worker: _Worker, ended: bool = False) -> None:
        """Kill ``worker`` (unless it ``ended`` by itself and was reaped) and fork a replacement (a fork
        of the loaded store: milliseconds). A killed worker is reaped once its replacement serves: the
        kernel's freeing of its memory is no reason to keep a request waiting."""
        started = time.monotonic()
        if ended:
            worker.jobs.close()
            worker.answers.close()
        else:
            self._kill(worker, reap=False)
        self.on_event("restarts")
        try:
            if not self._closed:
                fresh = self._spawn()
                self._await_ready(fresh, timeout=10.0)
                self.idle.put(fresh)
                log.info("replaced a query worker in %.1f ms", (time.monotonic() - started) * 1000)
        except Exception:  # keep serving with fewer workers rather than crash the server
            log.exception("could not replace a query worker")
        finally:
            if not ended:
                self._reap(worker)

    def run(self, job: Job, limit: float, abandoned=None) -> Outcome:
        """Evaluate ``job`` on a free worker within ``limit`` seconds (waiting for one included).

        ``abandoned``, if given, tells whether the client has gone: then the request stops waiting for
        a worker, or its worker is killed and replaced, rather than evaluating for nobody (a client
        that gives up, such as a load generator at the end of its run, would otherwise keep workers
        busy until the time limit)."""
        deadline = time.monotonic() + limit
        worker = self._take(deadline, limit, abandoned)
        try:
            worker.jobs.send(job)
            while not worker.answers.poll(_slice(deadline, abandoned)):
                if time.monotonic() >= deadline:
                    self.on_event("timeouts")
                    self._replace(worker)
                    raise QueryTimeout(f"the query did not finish within {limit:g} s")
                if abandoned():
                    self.on_event("abandoned")
                    self._replace(worker)
                    raise ClientGone("the client closed the connection; its query was stopped")
            outcome = worker.answers.recv()
        except (QueryTimeout, ClientGone):
            raise
        except EOFError:  # the worker ended by itself: how tells whether the query or a bug killed it
            status = self._reap(worker)  # its answer pipe is closed: it is exiting, this waits a moment at most
            self._replace(worker, ended=True)
            if self.memory_budget is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT:
                self.on_event("memory")
                raise QueryMemory(f"the query needed more than the {self.memory_budget / 2**20:g} MiB of memory "
                                  "a query worker may use") from None
            raise WorkerLost("the query worker died while evaluating the query") from None
        except Exception:
            self._replace(worker)
            raise WorkerLost("the query worker died while evaluating the query") from None
        self.idle.put(worker)
        return outcome

    def _take(self, deadline: float, limit: float, abandoned) -> _Worker:
        """A free worker, waited for until ``deadline`` or until the client is gone."""
        while True:
            try:
                return self.idle.get(timeout=_slice(deadline, abandoned))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise PoolBusy(f"no query worker became free within {limit:g} s") from None
                if abandoned():
                    self.on_event("abandoned")
                    raise ClientGone("the client closed the connection while its query waited") from None

    def close(self) -> None:
        """Stop every worker, idle or busy."""
        self._closed = True
        with self._lock:
            pids = set(self._live)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self._live.clear()
