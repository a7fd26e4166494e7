"""A bounded in-memory cache of answered queries. The dataset never changes while it is served,
so an answer stays right for as long as the process lives; the cache is bounded in bytes (LRU)."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResultCache:
    """Least-recently-used cache of ``key → outcome`` holding at most ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry_bytes: int = 1024 * 1024):
        self.max_bytes, self.max_entry_bytes = max_bytes, max_entry_bytes
        self._entries: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The cached outcome for ``key``, or None."""
        with self._lock:
            outcome = self._entries.get(key)
            if outcome is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return outcome

    def put(self, key, outcome) -> None:
        """Remember a successful outcome (large bodies are not cached)."""
        size = len(outcome.body)
        if outcome.status != 200 or size > self.max_entry_bytes or self.max_bytes <= 0:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = outcome
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body)
