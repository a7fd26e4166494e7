"""Who runs next: per-client limits and a fair queue in front of an HTTP process's threads.

A client is its address (an IPv6 client its /64, which one machine usually holds whole). Each HTTP
process lets one client hold at most ``per_client_connections`` open connections, run at most
``per_client_running`` requests at once and leave at most ``per_client_unread`` bytes of answers unread
(a client that asks for large answers and does not read them holds memory, not threads). Whole
requests beyond that wait here, holding no thread, and the threads that come free go to the waiting
clients in turn (round robin), so that one client's burst does not make everyone else queue behind
it. The operations routes (``/healthz``, ``/metrics``) skip the queue and may use the one thread that
other requests leave free.

A request held back by its own client's limits is answered 429 after ``client_seconds``; one that
waits because every thread is busy, 503 after ``busy_seconds`` (the time limit: how long the wait
may take is counted against the request's time limit, see :mod:`~natoasia.service.query_slots`). Both
carry Retry-After.
"""

from __future__ import annotations

import socket
from collections import OrderedDict, deque

OPS_PATHS = frozenset({"/healthz", "/metrics"})
V4_MAPPED = bytes(10) + b"\xff\xff"


def client_key(address) -> str:
    """The key a peer is counted under: its IPv4 address, or the /64 of an IPv6 one (computed on every
    accepted connection: no ``ipaddress`` objects)."""
    host = address[0] if isinstance(address, tuple) else str(address)
    if ":" not in host:
        return host  # IPv4, or a Unix socket's peer: one client
    try:
        packed = socket.inet_pton(socket.AF_INET6, host.split("%", 1)[0])
    except OSError:
        return host
    if packed[:12] == V4_MAPPED:
        return socket.inet_ntop(socket.AF_INET, packed[12:])
    return socket.inet_ntop(socket.AF_INET6, packed[:8] + bytes(8)) + "/64"


def is_ops(target: str) -> bool:
    """Whether a request target is one of the operations routes."""
    return target.split("?", 1)[0] in OPS_PATHS


class Refusal(Exception):
    """A waiting request that is answered instead of run: ``status``, message, Retry-After seconds."""

    def __init__(self, status: int, message: str, retry_after: int):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


class Admission:
    """Per-client counts and the fair queue of one HTTP process (used by its event loop only)."""

    def __init__(self, threads: int, per_client_connections: int, per_client_running: int,
                 client_seconds: float, busy_seconds: float, per_client_unread: int = 2**62):
        self.threads = threads
        self.per_client_connections = per_client_connections
        self.per_client_running = per_client_running
        self.per_client_unread = per_client_unread
        self.client_seconds, self.busy_seconds = client_seconds, busy_seconds
        self.connections: dict[str, int] = {}
        self.running: dict[str, int] = {}
        self.unread: dict[str, int] = {}
        self.busy = 0
        self._waiting: OrderedDict[str, deque] = OrderedDict()
        self._ops: deque = deque()

    def connect(self, key: str) -> Refusal | None:
        """Count a new connection of ``key``, or the 429 if it holds as many as it may."""
        held = self.connections.get(key, 0)
        if held >= self.per_client_connections:
            return Refusal(429, f"this client already has {held} connections open to this server process, "
                                f"the limit of this endpoint; close some, or retry later", 1)
        self.connections[key] = held + 1
        return None

    def disconnect(self, key: str) -> None:
        """Forget one connection of ``key``."""
        left = self.connections.get(key, 0) - 1
        if left > 0:
            self.connections[key] = left
        else:
            self.connections.pop(key, None)

    def hold(self, key: str, delta: int) -> None:
        """``key`` has ``delta`` more (or fewer) bytes of answers waiting for it to read them."""
        left = self.unread.get(key, 0) + delta
        if left > 0:
            self.unread[key] = left
        else:
            self.unread.pop(key, None)

    def _may_run(self, key: str) -> bool:
        return (self.running.get(key, 0) < self.per_client_running
                and self.unread.get(key, 0) < self.per_client_unread)

    def wait(self, item, key: str, ops: bool, now: float) -> None:
        """Queue a whole request until a thread may take it."""
        if ops:
            self._ops.append((item, key, now))
        else:
            self._waiting.setdefault(key, deque()).append((item, key, now))

    def next(self, general: bool = True) -> tuple | None:
        """The next (item, key, since) to run on a free thread, or None: an operations request first,
        on any free thread; then (if ``general``) the oldest request of the next client in turn that is
        under its limits, on a thread that still leaves one free. ``since`` is when it began to wait;
        pass ``key`` to :meth:`done` when it ends."""
        if self._ops and self.busy < self.threads:
            item, _, since = self._ops.popleft()
            self.busy += 1
            return item, None, since
        if not general or self.busy >= max(1, self.threads - 1):
            return None
        for key, queue in self._waiting.items():
            if self._may_run(key):
                item, _, since = queue.popleft()
                if queue:
                    self._waiting.move_to_end(key)
                else:
                    del self._waiting[key]
                self.running[key] = self.running.get(key, 0) + 1
                self.busy += 1
                return item, key, since
        return None

    def done(self, key: str | None) -> None:
        """A request taken by :meth:`next` has finished (``key`` as :meth:`next` returned it)."""
        self.busy -= 1
        if key is not None:
            left = self.running[key] - 1
            if left:
                self.running[key] = left
            else:
                del self.running[key]

    def overdue(self, now: float) -> list[tuple[object, Refusal]]:
        """Take out the requests that waited too long, each with its refusal."""
        out = []
        for key in list(self._waiting):
            queue = self._waiting[key]
            patience = self.busy_seconds if self._may_run(key) else self.client_seconds
            while queue and now - queue[0][2] >= patience:
                out.append((queue.popleft()[0], self._refusal(key)))
            if not queue:
                del self._waiting[key]
        while self._ops and now - self._ops[0][2] >= self.busy_seconds:
            out.append((self._ops.popleft()[0], self._refusal(None)))
        return out

    def _refusal(self, key: str | None) -> Refusal:
        running, unread = self.running.get(key, 0), self.unread.get(key, 0)
        if unread >= self.per_client_unread:
            return Refusal(429, f"this client has not read {unread} bytes of its answers yet, more than this "
                                f"endpoint lets one client leave waiting; read them, then retry", 1)
        if running >= self.per_client_running:
            return Refusal(429, f"this client already has {running} requests running in this server process, "
                                f"the limit of this endpoint; wait for their answers, then retry", 1)
        return Refusal(503, "the server is busy: every thread of this server process is taken; retry shortly", 1)
