"""A bounded in-memory cache of answered queries. The dataset never changes while it is served, so an
answer stays right for as long as the process lives.

An entry is kept under the SHA-256 digest of its request (:func:`key`), never the request itself: a
request may carry 100 kB of query and 64 kB of graph IRIs, and keeping those made a process grow by
about 1 MB per distinct request. The budget counts what an entry really holds — its digest, its
body, its media type and the bookkeeping around them (:data:`ENTRY_OVERHEAD`) — and the least
recently used entries leave when it is full. Only answers (status 200) are kept: a refusal costs
less to give again than to remember.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from natoasia.endpoint.jobs import Outcome

#: Bytes an entry holds besides its body and media type: the digest (a 32-byte ``bytes``), the tuple
#: that holds the answer, its row count and the ordered dict's node and table slot. Measured with
#: tracemalloc (tests/test_bounded_memory.py keeps it honest); rounded up.
ENTRY_OVERHEAD = 400
#: The largest entry kept (bytes, as :func:`entry_size` counts them): a larger answer would push out
#: many smaller ones, and costs its worker more than it saves the cache.
MAX_ENTRY_BYTES = 1024 * 1024


def key(*parts) -> bytes:
    """The digest a request is cached under: SHA-256 of the canonical JSON of ``parts`` (strings,
    numbers, booleans, None and lists of them), so that two requests share a key only if every part
    is equal."""
    text = json.dumps(parts, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).digest()


def entry_size(outcome: Outcome) -> int:
    """The bytes an outcome costs in the cache."""
    return len(outcome.body) + len(outcome.media_type) + ENTRY_OVERHEAD


class ResultCache:
    """Least-recently-used cache of ``digest → outcome`` holding at most ``max_bytes`` in all, and no entry
    larger than ``max_entry_bytes``."""

    def __init__(self, max_bytes: int, max_entry_bytes: int = MAX_ENTRY_BYTES):
        self.max_bytes, self.max_entry_bytes = max_bytes, max_entry_bytes
        self._entries: OrderedDict[bytes, tuple[str, bytes, int]] = OrderedDict()
        self.size = 0  # bytes held, as entry_size counts them
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: bytes) -> Outcome | None:
        """The cached outcome under ``digest`` (see :func:`key`), or None."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(digest)
            self.hits += 1
        media_type, body, rows = entry
        return Outcome(200, media_type, body, rows=rows)

    def put(self, digest: bytes, outcome: Outcome) -> None:
        """Remember an answer (status 200) that fits in an entry; evict the least recently used
        entries until the cache is within its budget again."""
        size = entry_size(outcome)
        if outcome.status != 200 or size > min(self.max_entry_bytes, self.max_bytes):
            return
        with self._lock:
            if digest in self._entries:
                return
            self._entries[digest] = (outcome.media_type, outcome.body, outcome.rows)
            self.size += size
            while self.size > self.max_bytes:
                _, (media_type, body, _) = self._entries.popitem(last=False)
                self.size -= len(body) + len(media_type) + ENTRY_OVERHEAD
