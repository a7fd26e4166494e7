"""A supervised pool of query worker processes with a wall-clock limit per query.

pyoxigraph cannot cancel a running query, so the limit is enforced at process level: a worker
that overruns is killed (its CPU is reclaimed at once) and a fresh one is started in the
background, while the other workers go on serving.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .worker import Job, Outcome

log = logging.getLogger("natoasia.pool")


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class QueryTimeout(Exception):
    """The query overran its limit; its worker was killed."""


class WorkerLost(Exception):
    """The worker died while evaluating the query (it has been replaced)."""


@dataclass
class _Worker:
    process: subprocess.Popen
    jobs: Connection
    answers: Connection
    triples: int = 0


class QueryPool:
    """``size`` worker processes, each holding the store, and the supervision around them."""

    def __init__(self, nquads: str, loads: list[tuple[str, str]] | None = None, size: int = 2, on_event=None,
                 sandbox: bool = True):
        self.nquads, self.loads, self.size, self.sandbox = nquads, list(loads or []), size, sandbox
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.on_event = on_event or (lambda name: None)
        self.triples = 0
        self._closed = False

    def start(self) -> None:
        """Start every worker and wait until each has loaded the store."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            self._await_ready(worker)
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", "natoasia.web.worker_process", str(job_read), str(answer_write), self.nquads,
             json.dumps(self.loads), *([] if self.sandbox else ["--unsandboxed"])],
            pass_fds=(job_read, answer_write), stdin=subprocess.DEVNULL, close_fds=True)
        os.close(job_read)
        os.close(answer_write)
        return _Worker(process, Connection(job_write, readable=False), Connection(answer_read, writable=False))

    def _await_ready(self, worker: _Worker, timeout: float = 60.0) -> None:
        if not worker.answers.poll(timeout):
            worker.process.kill()
            raise RuntimeError("a query worker did not start within a minute")
        try:
            _message, triples = worker.answers.recv()
        except EOFError:
            raise RuntimeError(f"a query worker exited while loading (exit code {worker.process.wait()})") from None
        worker.triples = self.triples = triples

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a replacement in the background."""
        worker.process.kill()
        worker.jobs.close()
        worker.answers.close()
        self.on_event("restarts")
        def respawn():
            try:
                fresh = self._spawn()
                self._await_ready(fresh)
                worker.process.wait(timeout=5)
                if self._closed:
                    fresh.process.kill()
                else:
                    self.idle.put(fresh)
            except Exception:  # keep serving with fewer workers rather than crash the server
                log.exception("could not replace a query worker")
        threading.Thread(target=respawn, name="natoasia-respawn", daemon=True).start()

    def run(self, job: Job, limit: float) -> Outcome:
        """Evaluate ``job`` on a free worker within ``limit`` seconds (waiting for one included)."""
        deadline = time.monotonic() + limit
        try:
            worker = self.idle.get(timeout=limit)
        except queue.Empty:
            raise PoolBusy(f"no query worker became free within {limit:g} s") from None
        try:
            worker.jobs.send(job)
            if not worker.answers.poll(max(0.0, deadline - time.monotonic())):
                self.on_event("timeouts")
                self._replace(worker)
                raise QueryTimeout(f"the query did not finish within {limit:g} s")
            outcome = worker.answers.recv()
        except QueryTimeout:
            raise
        except Exception:
            self._replace(worker)
            raise WorkerLost("the query worker died while evaluating the query") from None
        self.idle.put(worker)
        return outcome

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return
            worker.process.kill()
            worker.process.wait(timeout=5)
