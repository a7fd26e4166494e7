"""Prometheus metrics of the endpoint, in shared memory so that every HTTP process of a server
counts into the same figures, written in the text exposition format.

Create the :class:`Metrics` before gunicorn forks its HTTP processes (``natoasia serve`` does), and
each process increments the same counters.
"""

from __future__ import annotations

import multiprocessing

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ROUTES = ("/sparql", "/sparql/", "/healthz", "/metrics", "other")
STATUSES = (200, 204, 303, 304, 400, 403, 404, 405, 406, 408, 413, 414, 415, 422, 429, 431, 499, 500, 502, 503, 0)
EVENTS = ("timeouts", "restarts", "cache_hits", "memory", "abandoned")
_HELP = {
    "timeouts": ("natoasia_query_timeouts_total", "Queries cut off at their time limit."),
    "restarts": ("natoasia_worker_restarts_total", "Query workers killed and replaced."),
    "cache_hits": ("natoasia_cache_hits_total", "Queries answered from the result cache."),
    "memory": ("natoasia_query_memory_limit_total", "Queries stopped at the memory limit of their worker."),
    "abandoned": ("natoasia_queries_abandoned_total", "Queries stopped because their client closed the connection."),
}


class Metrics:
    """Request counts by route and status, a latency histogram, and event counters."""

    def __init__(self):
        self._lock = multiprocessing.Lock()
        self._requests = multiprocessing.RawArray("d", len(ROUTES) * len(STATUSES))
        self._buckets = multiprocessing.RawArray("d", len(BUCKETS) + 2)  # buckets, then count and sum
        self._events = multiprocessing.RawArray("d", len(EVENTS))

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        r = ROUTES.index(route) if route in ROUTES else len(ROUTES) - 1
        s = STATUSES.index(status) if status in STATUSES else len(STATUSES) - 1
        with self._lock:
            self._requests[r * len(STATUSES) + s] += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1
            self._buckets[-2] += 1
            self._buckets[-1] += seconds

    def event(self, name: str) -> None:
        """Count one timeout, worker restart or cache hit."""
        with self._lock:
            self._events[EVENTS.index(name)] += 1

    def value(self, name: str) -> int:
        """The current count of an event."""
        return int(self._events[EVENTS.index(name)])

    def exposition(self, idle_workers: int = 0) -> str:
        """The metrics in Prometheus text format."""
        with self._lock:
            requests, buckets, events = list(self._requests), list(self._buckets), list(self._events)
        lines = ["# HELP natoasia_requests_total HTTP requests answered, by route and status.",
                 "# TYPE natoasia_requests_total counter"]
        for r, route in enumerate(ROUTES):
            for s, status in enumerate(STATUSES):
                count = requests[r * len(STATUSES) + s]
                if count:
                    lines.append(f'natoasia_requests_total{{route="{route}",status="{status or "other"}"}} {int(count)}')
        lines += ["# HELP natoasia_request_duration_seconds Time to answer a request.",
                  "# TYPE natoasia_request_duration_seconds histogram"]
        lines += [f'natoasia_request_duration_seconds_bucket{{le="{b}"}} {int(n)}' for b, n in zip(BUCKETS, buckets)]
        lines += [f'natoasia_request_duration_seconds_bucket{{le="+Inf"}} {int(buckets[-2])}',
                  f"natoasia_request_duration_seconds_sum {buckets[-1]:.6f}",
                  f"natoasia_request_duration_seconds_count {int(buckets[-2])}"]
        for i, event in enumerate(EVENTS):
            name, text = _HELP[event]
            lines += [f"# HELP {name} {text}", f"# TYPE {name} counter", f"{name} {int(events[i])}"]
        lines += ["# HELP natoasia_workers_idle Query workers waiting for work in the answering HTTP process.",
                  "# TYPE natoasia_workers_idle gauge", f"natoasia_workers_idle {idle_workers}"]
        return "\n".join(lines) + "\n"
