"""The caps in front of an external store (``endpoint/remote.py``): its answer is parsed as it arrives and
written again by the capped writers, so a result over the row or byte cap is a 422 after the caps' worth
of reading — never read whole — in every format, CONSTRUCT included.

The store here is a stand-in that serves canned answers as streams (no network); ``tests/test_virtuoso.py``
runs the same code against a real Virtuoso.
"""

from __future__ import annotations

import contextlib
import io
import json

import pyoxigraph as ox
import pytest

from natoasia.endpoint.jobs import Job, QueryTimeout
from natoasia.endpoint.remote import RemoteStore
from natoasia.stores.external import StoreTimeout

ROWS = 5000
SOLUTIONS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
             "application/sparql-results+xml": ox.QueryResultsFormat.XML,
             "text/tab-separated-values": ox.QueryResultsFormat.TSV}
GRAPHS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
          "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def select_answer(rows: int) -> bytes:
    bindings = [{"s": {"type": "uri", "value": f"urn:s{i}"},
                 "o": {"type": "literal", "value": "1" if i % 2 else "0", "datatype": BOOLEAN}} for i in range(rows)]
    return json.dumps({"head": {"vars": ["s", "o"]}, "results": {"bindings": bindings}}).encode()


def triples_answer(rows: int) -> bytes:
    return b"".join(b'<urn:s%d> <urn:p> "%d" .\n' % (i, i) for i in range(rows))


class Counted(io.BytesIO):
    """An answer stream that counts what was read of it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


class CannedStore:
    """Answers every query with ``body`` as a stream; ``fail`` is raised by the stream's reads."""

    def __init__(self, body: bytes, fail: Exception | None = None):
        self.body, self.fail, self.streams = body, fail, []

    @contextlib.contextmanager
    def answer(self, query, accept, limit, default_graphs=None, named_graphs=None):
        stream = Counted(self.body)
        if self.fail is not None:
            stream.read = lambda size=-1: (_ for _ in ()).throw(self.fail)
        self.streams.append(stream)
        yield stream


def remote(body: bytes, fail: Exception | None = None) -> RemoteStore:
    store = RemoteStore("http://127.0.0.1:9/sparql")
    store.store = CannedStore(body, fail)
    return store


def job(query: str, **kwargs) -> Job:
    kwargs.setdefault("solution_format", "application/sparql-results+json")
    kwargs.setdefault("graph_format", "text/turtle")
    return Job(query, **kwargs)


@pytest.mark.parametrize("media_type", [*SOLUTIONS, "text/csv"])
def test_a_select_over_the_row_cap_is_422_and_the_answer_is_not_read_whole(media_type):
    store = remote(select_answer(ROWS))
    outcome = store.run(job("SELECT * WHERE { ?s ?p ?o }", solution_format=media_type, max_rows=10), 5)
    assert outcome.status == 422 and outcome.media_type.startswith("text/plain")
    assert outcome.body == b"the result has more than 10 rows, the limit of this endpoint; add a LIMIT\n"
    assert store.store.streams[0].read_bytes < len(store.store.body) / 10


@pytest.mark.parametrize("media_type", [*SOLUTIONS, "text/csv"])
def test_a_select_over_the_byte_cap_is_422(media_type):
    store = remote(select_answer(ROWS))
    outcome = store.run(job("SELECT * WHERE { ?s ?p ?o }", solution_format=media_type, max_bytes=2000), 5)
    assert (outcome.status, outcome.body) == (422, b"the response would exceed 2000 bytes, the limit of this "
                                                   b"endpoint; add a LIMIT\n")
    assert store.store.streams[0].read_bytes < len(store.store.body) / 10


@pytest.mark.parametrize("media_type", SOLUTIONS)
def test_a_select_within_the_caps_is_written_in_the_negotiated_format_with_canonical_booleans(media_type):
    outcome = remote(select_answer(20)).run(job("SELECT * WHERE { ?s ?p ?o }", solution_format=media_type), 5)
    assert (outcome.status, outcome.media_type, outcome.rows) == (200, media_type, 20)
    solutions = list(ox.parse_query_results(outcome.body, format=SOLUTIONS[media_type]))
    assert [s["s"].value for s in solutions] == [f"urn:s{i}" for i in range(20)]
    assert {s["o"].value for s in solutions} == {"true", "false"}  # Virtuoso's 1 and 0, written canonically


@pytest.mark.parametrize("media_type", GRAPHS)
def test_a_construct_over_the_caps_is_422_in_every_graph_format(media_type):
    store = remote(triples_answer(ROWS))
    outcome = store.run(job("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=media_type, max_rows=10), 5)
    assert (outcome.status, outcome.body) == (422, b"the result has more than 10 triples, the limit of this "
                                                   b"endpoint; add a LIMIT\n")
    assert store.store.streams[0].read_bytes < len(store.store.body) / 10
    outcome = remote(triples_answer(ROWS)).run(job("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=media_type,
                                                   max_bytes=3000), 5)
    assert outcome.status == 422 and b"would exceed 3000 bytes" in outcome.body
    outcome = remote(triples_answer(20)).run(job("DESCRIBE ?s WHERE { ?s ?p ?o }", graph_format=media_type), 5)
    assert (outcome.status, outcome.rows) == (200, 20)
    assert len(list(ox.parse(outcome.body, format=GRAPHS[media_type]))) == 20


@pytest.mark.parametrize("answer,expected", [
    (b'{"head":{},"boolean":true}', b"true"), (b'{"head":{},"boolean":false}', b"false"),
    (json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}).encode(),
     b"true"),
    (json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "0"}}]}}).encode(),
     b"false"),
    (json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode(), b"false"),
    (json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{}]}}).encode(), b"false"),
])
def test_ask_is_a_boolean_whichever_way_the_store_writes_it(answer, expected):
    outcome = remote(answer).run(job("ASK { ?s ?p ?o }", solution_format="text/csv"), 5)
    assert (outcome.status, outcome.body, outcome.rows) == (200, expected + b"\r\n", 1)


@pytest.mark.parametrize("query,answer", [("SELECT * { ?s ?p ?o }", b'{"head": {"vars": '),
                                          ("CONSTRUCT WHERE { ?s ?p ?o }", b"<urn:a> <urn:b> .\n")])
def test_an_answer_the_store_garbled_is_502_in_words(query, answer):
    outcome = remote(answer).run(job(query), 5)
    assert outcome.status == 502 and outcome.body.startswith(b"the store's answer could not be read: ")


def test_an_answer_that_arrives_too_late_is_the_pools_timeout():
    store = remote(select_answer(10), fail=StoreTimeout("the query did not finish within 5 s"))
    with pytest.raises(QueryTimeout, match="did not finish within 5 s"):
        store.run(job("SELECT * { ?s ?p ?o }"), 5)


def test_every_read_of_the_stores_answer_ends_by_the_queries_deadline():
    import socket
    import time

    from natoasia.stores.external import _Deadline

    assert _Deadline(io.BytesIO(b"abc"), time.monotonic() + 60, 60).read(2) == b"ab"
    with pytest.raises(StoreTimeout, match="within 5 s"):
        _Deadline(io.BytesIO(b"abc"), time.monotonic() - 0.001, 5).read(2)

    class Stalled(io.BytesIO):
        def read(self, size=-1):
            raise socket.timeout("timed out")

    with pytest.raises(StoreTimeout, match="within 5 s"):
        _Deadline(Stalled(), time.monotonic() + 60, 5).read()


def test_a_description_is_read_as_it_arrives_and_capped_in_triples():
    answer = b"".join(b'<urn:r> <urn:p> "%d" .\n' % i for i in range(ROWS))
    store = remote(answer)
    outcome = store.run(Job("", describe="urn:r", graph_format="text/turtle", max_rows=10), 5)
    assert (outcome.status, outcome.body) == (422, b"the description of <urn:r> has more than 10 triples, the limit "
                                                   b"of this endpoint; query it with a LIMIT\n")
    assert store.store.streams[0].read_bytes < len(answer) / 10
    outcome = remote(answer).run(Job("", describe="urn:r", graph_format="application/n-triples"), 5)
    assert (outcome.status, outcome.rows) == (200, ROWS)
    outcome = remote(answer).run(Job("", describe="urn:other", graph_format="text/turtle"), 5)
    assert (outcome.status, outcome.body) == (404, b"nothing is known about <urn:other>\n")
