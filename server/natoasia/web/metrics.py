"""Prometheus metrics of the endpoint, kept in-process and written in the text exposition format."""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Request counts by route and status, a latency histogram, timeouts and worker restarts."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.buckets = [0] * len(BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            self.requests[(route, status)] += 1
            self.latency_sum += seconds
            self.latency_count += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[i] += 1

    def exposition(self, pool, cache=None) -> str:
        """The metrics in Prometheus text format (pool and cache counters read live)."""
        with self._lock:
            lines = ["# HELP natoasia_requests_total HTTP requests answered, by route and status.",
                     "# TYPE natoasia_requests_total counter"]
            lines += [f'natoasia_requests_total{{route="{r}",status="{s}"}} {n}'
                      for (r, s), n in sorted(self.requests.items())]
            lines += ["# HELP natoasia_request_duration_seconds Time to answer a request.",
                      "# TYPE natoasia_request_duration_seconds histogram"]
            lines += [f'natoasia_request_duration_seconds_bucket{{le="{b}"}} {n}' for b, n in zip(BUCKETS, self.buckets)]
            lines += [f'natoasia_request_duration_seconds_bucket{{le="+Inf"}} {self.latency_count}',
                      f"natoasia_request_duration_seconds_sum {self.latency_sum:.6f}",
                      f"natoasia_request_duration_seconds_count {self.latency_count}"]
        lines += ["# HELP natoasia_query_timeouts_total Queries cut off at their time limit.",
                  "# TYPE natoasia_query_timeouts_total counter",
                  f"natoasia_query_timeouts_total {pool.timeouts if pool else 0}",
                  "# HELP natoasia_worker_restarts_total Query workers killed and replaced.",
                  "# TYPE natoasia_worker_restarts_total counter",
                  f"natoasia_worker_restarts_total {pool.restarts if pool else 0}",
                  "# HELP natoasia_workers_idle Query workers waiting for work.",
                  "# TYPE natoasia_workers_idle gauge",
                  f"natoasia_workers_idle {pool.idle.qsize() if pool else 0}",
                  "# HELP natoasia_cache_hits_total Queries answered from the result cache.",
                  "# TYPE natoasia_cache_hits_total counter",
                  f"natoasia_cache_hits_total {cache.hits if cache else 0}"]
        return "\n".join(lines) + "\n"
