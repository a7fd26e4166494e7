"""SELECT results written by pyoxigraph itself (``solutions.write_native``): the same solutions as
the Python writers, rows counted exactly whatever the literals contain, and the caps stopping the
serializer as soon as they are passed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from natoasia.endpoint.jobs import Job
from natoasia.endpoint.solutions import NATIVE, ResultTooLarge, _CappedSink, write_native
from natoasia.endpoint.worker import execute

EX = "urn:ex:"
# Literals that contain what the row counters look for: a JSON row start, an XML row element, newlines.
TRICKY = ['a,{"b":1}', "[{\"x\"", "<result></result>", "line\nbreak", "tab\there", "{}", "plain"]
FORMATS = sorted(NATIVE)
PARSED = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
          "application/sparql-results+xml": ox.QueryResultsFormat.XML,
          "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    for i, text in enumerate(TRICKY):
        s.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(text)))
    s.add(ox.Quad(ox.NamedNode(EX + "s0"), ox.NamedNode(EX + "n"), ox.Literal("7", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))))
    return s


def solutions(body: bytes, media_type: str) -> list[dict]:
    return sorted((sorted((k, str(v)) for k, v in zip(["s", "o"], (row["s"], row["o"])) if v is not None)
                   for row in ox.parse_query_results(body, format=PARSED[media_type])), key=str)


@pytest.mark.parametrize("media_type", FORMATS)
def test_rows_are_counted_exactly_whatever_the_literals_contain(store, media_type):
    result = store.query("SELECT ?s ?o WHERE { ?s <urn:ex:p> ?o }")
    body, rows = write_native(result, media_type, max_rows=100, max_bytes=10**6)
    assert rows == len(TRICKY)
    assert len(solutions(body, media_type)) == len(TRICKY)


@pytest.mark.parametrize("media_type", FORMATS)
def test_native_answer_has_the_same_solutions_as_before(store, media_type):
    """The worker's answer parses to exactly the store's solutions (terms compared as N-Triples)."""
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"
    answer = execute(store, Job(query, solution_format=media_type, graph_format=None))
    assert answer.status == 200 and answer.media_type == media_type
    expected = sorted((sorted((("s", str(r["s"])), ("o", str(r["o"])))) for r in store.query(query)), key=str)
    assert solutions(answer.body, media_type) == expected
    assert answer.rows == len(TRICKY) + 1


def test_rows_without_bindings_are_counted():
    """``{}`` rows write no row marker in JSON: they are counted by parsing the body again."""
    result = ox.Store().query("SELECT ?x WHERE { VALUES ?y { 1 2 3 } }")
    body, rows = write_native(result, "application/sparql-results+json", max_rows=10, max_bytes=10**6)
    assert rows == 3 and body.count(b"{}") == 3
    with pytest.raises(ResultTooLarge) as refused:
        write_native(ox.Store().query("SELECT ?x WHERE { VALUES ?y { 1 2 3 } }"),
                     "application/sparql-results+json", max_rows=2, max_bytes=10**6)
    assert refused.value.what == "rows"


@pytest.mark.parametrize("media_type", FORMATS)
def test_row_cap_is_exact_in_every_native_format(store, media_type):
    query = "SELECT ?s ?o WHERE { ?s <urn:ex:p> ?o }"
    assert write_native(store.query(query), media_type, len(TRICKY), 10**6)[1] == len(TRICKY)
    with pytest.raises(ResultTooLarge) as refused:
        write_native(store.query(query), media_type, len(TRICKY) - 1, 10**6)
    assert refused.value.what == "rows"
    answer = execute(store, Job(query, solution_format=media_type, max_rows=len(TRICKY) - 1))
    assert answer.status == 422 and f"more than {len(TRICKY) - 1} rows" in answer.body.decode()


def test_a_marker_split_between_two_writes_counts_once():
    sink = _CappedSink((b',{"',), 0, max_rows=10, max_bytes=100)
    sink.write(b'[{"a":1},')
    sink.write(b'{"a":2},{')
    sink.write(b'"a":3}]')
    assert sink.rows == 2 and b"".join(sink.parts) == b'[{"a":1},{"a":2},{"a":3}]'


def test_the_caps_stop_the_serializer_early(monkeypatch):
    """A result far over the caps is cut off while it streams, not written whole and then refused."""
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal("x" * 100))
                 for i in range(20_000))
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    written = []

    class Spy(_CappedSink):
        def write(self, data):
            written.append(len(data))
            return super().write(data)

    monkeypatch.setattr("natoasia.endpoint.solutions._CappedSink", Spy)
    with pytest.raises(ResultTooLarge) as by_rows:
        write_native(store.query(query), "text/tab-separated-values", max_rows=100, max_bytes=10**9)
    assert by_rows.value.what == "rows"
    assert sum(written) < 50_000  # a few 8 kB buffers, not the 2.5 MB of all 20 000 rows
    written.clear()
    with pytest.raises(ResultTooLarge) as by_bytes:
        write_native(store.query(query), "application/sparql-results+json", max_rows=10**9, max_bytes=50_000)
    assert by_bytes.value.what == "bytes" and sum(written) < 50_000 + 70_000
