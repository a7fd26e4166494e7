"""The result cache: entries under the digest of their request, never the request itself; a byte budget
over whole entries (body, media type and bookkeeping), least recently used first out; only answers kept.

No store, no app: these are the fast tests that kill ``endpoint/cache.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import hashlib
import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natoasia.endpoint.cache import ENTRY_OVERHEAD, MAX_ENTRY_BYTES, ResultCache, entry_size, key
from natoasia.endpoint.jobs import Outcome, refusal

JSON = "application/sparql-results+json"


def answer(body: bytes, media_type: str = JSON, rows: int = 1) -> Outcome:
    return Outcome(200, media_type, body, rows=rows)


def test_a_request_is_kept_under_a_32_byte_digest_whatever_its_size():
    """The issue's memory growth: keys held the query text and the graph IRIs (up to ~1 MB a request)."""
    cache = ResultCache(max_bytes=10**6)
    digest = key("ASK {} #" + "x" * 100_000, ["urn:g:" + "y" * 2000] * 32, [], JSON, None, "http://h/sparql", False)
    cache.put(digest, answer(b"true"))
    assert len(digest) == 32 and list(cache._entries) == [digest]
    assert cache.size == entry_size(answer(b"true")) and len(cache) == 1


def test_the_digest_is_sha256_of_the_canonical_json_of_the_parts():
    parts = ("ASK {}", ["urn:a"], [], JSON, None, None, True)
    assert key(*parts) == hashlib.sha256(json.dumps(list(parts), separators=(",", ":")).encode()).digest()
    assert key("é\ud800") == hashlib.sha256(b'["\\u00e9\\ud800"]').digest()  # any text, even a lone surrogate


@pytest.mark.parametrize("one,other", [
    (("ASK {}", ["urn:a", "urn:b"], []), ("ASK {}", ["urn:a,urn:b"], [])),  # no joining of parts
    (("ASK {}", ["urn:a"], []), ("ASK {}", [], ["urn:a"])),  # default graph or named graph
    (("ASK {}", None), ("ASK {}", "")),
    (("ASK {}", None), ("ASK {}", "null")),
    (("ASK {}", True), ("ASK {}", False)),
    (("ASK {}", True), ("ASK {}", "true")),
    (("a", "b"), ("a\", \"b",)),
])
def test_requests_that_differ_in_any_part_have_different_digests(one, other):
    assert key(*one) != key(*other)
    assert key(*one) == key(*[list(p) if isinstance(p, list) else p for p in one])


def test_an_entry_costs_its_body_its_media_type_and_the_overhead():
    assert entry_size(answer(b"x" * 1000, "text/csv")) == 1000 + len("text/csv") + ENTRY_OVERHEAD
    cache = ResultCache(max_bytes=10**6)
    cache.put(key(1), answer(b"x" * 1000, "text/csv"))
    cache.put(key(2), answer(b"y" * 10))
    assert cache.size == 1000 + 8 + 10 + len(JSON) + 2 * ENTRY_OVERHEAD


def test_a_hit_returns_the_answer_and_counts():
    cache = ResultCache(max_bytes=10**6)
    assert cache.get(key("q")) is None and (cache.hits, cache.misses) == (0, 1)
    cache.put(key("q"), answer(b"body", "text/csv", rows=7))
    got = cache.get(key("q"))
    assert (got.status, got.media_type, got.body, got.rows) == (200, "text/csv", b"body", 7)
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_entry_leaves_first():
    one = entry_size(answer(b"x" * 100))
    cache = ResultCache(max_bytes=2 * one)
    cache.put(key("a"), answer(b"a" * 100))
    cache.put(key("b"), answer(b"b" * 100))
    assert cache.get(key("a")) is not None  # a is now the most recently used
    cache.put(key("c"), answer(b"c" * 100))
    assert cache.get(key("b")) is None and cache.get(key("a")) is not None and cache.get(key("c")) is not None
    assert cache.size == 2 * one


def test_the_budget_is_filled_exactly_and_never_passed():
    one = entry_size(answer(b"x" * 100))
    cache = ResultCache(max_bytes=3 * one)
    for i in range(3):
        cache.put(key(i), answer(b"x" * 100))
    assert len(cache) == 3 and cache.size == 3 * one  # exactly full: nothing evicted
    cache.put(key(3), answer(b"x" * 100))
    assert len(cache) == 3 and cache.size == 3 * one and cache.get(key(0)) is None


def test_only_answers_are_cached():
    cache = ResultCache(max_bytes=10**6)
    for status in (400, 404, 406, 422, 503):
        cache.put(key(status), refusal(status, "no"))
        cache.put(key(status, "outcome"), Outcome(status, JSON, b"{}"))
    assert len(cache) == 0 and cache.size == 0


def test_an_entry_over_the_entry_limit_is_not_cached():
    limit = entry_size(answer(b"x" * 100))
    cache = ResultCache(max_bytes=10**6, max_entry_bytes=limit)
    cache.put(key("fits"), answer(b"x" * 100))
    cache.put(key("too large"), answer(b"x" * 101))
    assert cache.get(key("fits")) is not None and cache.get(key("too large")) is None


def test_an_answer_over_one_mib_is_not_cached():
    """The default entry limit: an entry of 1 MiB, as entry_size counts it, is kept; one byte more is not."""
    cache = ResultCache(max_bytes=10 * 2**20)
    assert cache.max_entry_bytes == MAX_ENTRY_BYTES == 2**20
    fits = 2**20 - len(JSON) - ENTRY_OVERHEAD
    cache.put(key("fits"), answer(b"x" * fits))
    cache.put(key("too large"), answer(b"x" * (fits + 1)))
    assert cache.get(key("fits")) is not None and cache.get(key("too large")) is None


def test_an_entry_over_the_whole_budget_is_not_cached_and_evicts_nothing():
    one = entry_size(answer(b"x" * 100))
    cache = ResultCache(max_bytes=one, max_entry_bytes=10**6)
    cache.put(key("small"), answer(b"x" * 100))
    cache.put(key("large"), answer(b"x" * 101))
    assert cache.get(key("small")) is not None and cache.get(key("large")) is None


def test_a_zero_budget_caches_nothing():
    cache = ResultCache(max_bytes=0)
    cache.put(key("q"), answer(b""))
    assert cache.get(key("q")) is None and cache.size == 0


def test_the_same_request_twice_is_counted_once():
    cache = ResultCache(max_bytes=10**6)
    cache.put(key("q"), answer(b"first"))
    cache.put(key("q"), answer(b"second, longer"))
    assert cache.get(key("q")).body == b"first" and cache.size == entry_size(answer(b"first"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 400)), max_size=60), st.integers(0, 3000))
def test_the_size_is_always_what_the_entries_hold_and_within_budget(puts, budget):
    cache = ResultCache(max_bytes=budget, max_entry_bytes=2000)
    for name, length in puts:
        cache.put(key(name), answer(b"x" * length))
        held = sum(len(body) + len(media_type) + ENTRY_OVERHEAD for media_type, body, _ in cache._entries.values())
        assert cache.size == held <= budget


def test_the_overhead_covers_what_an_entry_really_holds():
    """What tracemalloc sees an entry allocate (digest, answer tuple, dict slot) is within ENTRY_OVERHEAD
    beyond its body: the budget is a true bound on the cache's memory. The digests and the bodies are
    made by the cache's caller; here they are made inside the measurement, as a request makes them."""
    cache = ResultCache(max_bytes=10**9)
    count = 5000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            cache.put(key("q", i), Outcome(200, JSON[:-1] + str(i % 10), b"%d" % i))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown <= cache.size
    assert grown >= cache.size / 4  # the overhead is a measurement, not a guess ten times too large
