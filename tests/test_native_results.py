"""Results written while they stream (``endpoint/solutions.py``): SELECT results by pyoxigraph itself
(``write_native``) with the same solutions as the Python writers and rows counted exactly whatever the
literals contain; CSV and other rows a row at a time (``write_rows``); graphs by pyoxigraph
(``write_graph``); and in every case the caps stopping the writer as soon as they are passed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from natoasia.endpoint.jobs import Job
from natoasia.endpoint.solutions import (GRAPH_WRITERS, NATIVE, ROW_FORMATS, WRITERS, ResultTooLarge, _CappedSink,
                                         write_graph, write_native, write_rows, write_solutions)
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


def _many(count: int) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal("x" * 100))
                 for i in range(count))
    return store


@pytest.mark.parametrize("media_type", sorted(GRAPH_WRITERS))
def test_a_graph_over_the_caps_is_cut_off_while_it_streams(monkeypatch, media_type):
    """CONSTRUCT results were collected whole (up to the row cap) and serialized before the byte cap was
    looked at; now triples and bytes are counted as they are written."""
    store = _many(20_000)
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    written, pulled = [], []

    class Spy(_CappedSink):
        def write(self, data):
            written.append(len(data))
            return super().write(data)

    monkeypatch.setattr("natoasia.endpoint.solutions._CappedSink", Spy)
    triples = (pulled.append(t) or t for t in store.query(query))
    with pytest.raises(ResultTooLarge) as by_rows:
        write_graph(triples, media_type, max_rows=100, max_bytes=10**9)
    assert by_rows.value.what == "rows" and len(pulled) == 101 and sum(written) < 50_000
    written.clear()
    with pytest.raises(ResultTooLarge) as by_bytes:
        write_graph(store.query(query), media_type, max_rows=10**9, max_bytes=50_000)
    assert by_bytes.value.what == "bytes" and sum(written) < 50_000 + 70_000


@pytest.mark.parametrize("media_type", sorted(GRAPH_WRITERS))
def test_the_graph_caps_are_exact(media_type):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    store = _many(30)
    body, count = write_graph(store.query(query), media_type, max_rows=30, max_bytes=10**6)
    assert count == 30 and len(list(ox.parse(body, format=GRAPH_WRITERS[media_type]))) == 30
    assert write_graph(store.query(query), media_type, max_rows=30, max_bytes=len(body))[0] == body
    for rows, size, what in ((29, 10**6, "rows"), (30, len(body) - 1, "bytes")):
        with pytest.raises(ResultTooLarge) as refused:
            write_graph(store.query(query), media_type, max_rows=rows, max_bytes=size)
        assert refused.value.what == what


def test_csv_is_written_a_row_at_a_time_and_cut_off_at_the_caps():
    store = _many(20_000)
    pulled = []
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    rows = (pulled.append(r) or [r["s"], r["o"]] for r in result)
    with pytest.raises(ResultTooLarge) as by_rows:
        write_rows(["s", "o"], rows, "text/csv", max_rows=100, max_bytes=10**9)
    assert by_rows.value.what == "rows" and len(pulled) == 101
    with pytest.raises(ResultTooLarge) as by_bytes:
        write_solutions(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }"), "text/csv", max_rows=10**9, max_bytes=5_000)
    assert by_bytes.value.what == "bytes"


@pytest.mark.parametrize("media_type", sorted(ROW_FORMATS))
def test_rows_written_one_at_a_time_are_the_whole_answer(store, media_type):
    """The streaming row writers (used for CSV and for an external store's answers) write what the
    whole-answer writers write, with the exact row count, and the byte cap is exact."""
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o")
    variables = [v.value for v in result.variables]
    rows = [[r[v] for v in variables] for r in result]
    whole = WRITERS[media_type](variables, rows)
    assert write_rows(variables, iter(rows), media_type, len(rows), len(whole)) == (whole, len(rows))
    assert write_rows(variables, iter([]), media_type, 0, 10**6) == (WRITERS[media_type](variables, []), 0)
    with pytest.raises(ResultTooLarge):
        write_rows(variables, iter(rows), media_type, len(rows), len(whole) - 1)
    with pytest.raises(ResultTooLarge):
        write_rows(variables, iter(rows), media_type, len(rows) - 1, 10**6)


def test_the_refusal_names_the_cap_and_the_remedy():
    assert ResultTooLarge("rows").explain(5, 9) == "the result has more than 5 rows, the limit of this endpoint; add a LIMIT"
    assert ResultTooLarge("rows").explain(5, 9, "triples").startswith("the result has more than 5 triples")
    assert ResultTooLarge("bytes").explain(5, 9) == ("the response would exceed 9 bytes, the limit of this endpoint; "
                                                     "add a LIMIT")
