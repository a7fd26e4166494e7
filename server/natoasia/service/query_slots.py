"""One client may hold only some of an HTTP process's query workers at once.

Without this, one client sending as many slow queries as there are query workers holds them all until
the time limit, and every other client waits that long or gets a 503. :class:`ClientSlots` stands in
front of the engine's pool (or the external store), with the same interface: a query whose client
already holds ``per_client`` workers of this process waits for one of its own to finish — never for
another client's — within the query's time limit, and past it is answered 429 with Retry-After. The
client is the one the front counted the request against (``natoasia.client`` in the WSGI environ),
handed to the pool through the thread that runs the request (:func:`counted`). Requests without one
(the Flask test client, the server's own queries at start) are not limited. The time a request waited
in the front's queue for a thread is taken off its time limit, so that waiting and evaluating
together never exceed it.
"""

from __future__ import annotations

import threading
import time

from natoasia.endpoint.jobs import ClientGone
from natoasia.endpoint.protocol import ProtocolError

#: How often a query waiting for its client's slot looks whether the client is still there.
CHECK_INTERVAL = 0.2

_current = threading.local()


class TooManyQueries(ProtocolError):
    """429: the client's own queries hold every worker it may have (the app adds Retry-After)."""

    def __init__(self, message: str):
        super().__init__(429, message)


def counted(app):
    """WSGI middleware: each request's thread knows which client it runs for and how long the request
    waited for a thread (``natoasia.waited``, set by the front)."""
    def run(environ, start_response):
        _current.key = environ.get("natoasia.client")
        _current.waited = environ.get("natoasia.waited", 0.0)
        try:
            return app(environ, start_response)
        finally:
            _current.key, _current.waited = None, 0.0
    return run


def per_client(workers: int) -> int:
    """How many of a process's ``workers`` one client may hold: half, at least one."""
    return max(1, workers // 2)


class ClientSlots:
    """A pool (``run(job, limit, abandoned)``) that gives one client at most ``limit`` workers at once."""

    def __init__(self, pool, limit: int):
        self._pool, self.limit = pool, limit
        self._held: dict[str, int] = {}
        self._changed = threading.Condition()

    def __getattr__(self, name):
        return getattr(self._pool, name)

    def run(self, job, limit: float, abandoned=None):
        """Evaluate ``job`` within ``limit`` seconds, the waits for a thread and for this client's own
        slot included."""
        key = getattr(_current, "key", None)
        limit -= getattr(_current, "waited", 0.0)
        if key is None:
            return self._pool.run(job, limit, abandoned)
        deadline = time.monotonic() + limit
        with self._changed:
            while self._held.get(key, 0) >= self.limit:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TooManyQueries(
                        f"this client already has {self.limit} queries running in this server process, the "
                        f"limit of this endpoint, and none finished within {limit:g} s; wait for their answers")
                if abandoned is not None and abandoned():
                    raise ClientGone("the client closed the connection while its query waited")
                self._changed.wait(min(left, CHECK_INTERVAL))
            self._held[key] = self._held.get(key, 0) + 1
        try:
            return self._pool.run(job, deadline - time.monotonic(), abandoned)
        finally:
            with self._changed:
                left = self._held[key] - 1
                if left:
                    self._held[key] = left
                else:
                    del self._held[key]
                self._changed.notify_all()
