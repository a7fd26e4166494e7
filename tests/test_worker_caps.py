"""The query worker's caps and refusals, on a small in-memory store (no processes, no build).

Rows and bytes are capped for every query form — the row cap of CONSTRUCT/DESCRIBE is a triple
count, not the byte limit — and a form with no acceptable media type is a 406, not a fallback.
These are the fast tests that kill ``endpoint/worker.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

import natoasia
from natoasia.endpoint.worker import (MAX_NEIGHBOURS, MEMORY_MESSAGE, Job, _name_process, data_size, description,
                                      execute)
from natoasia.endpoint.worker import answer as worker_answer

EX = "urn:ex:"
G1, G2 = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2")
P = ox.NamedNode(EX + "p")
SELECT = "SELECT ?s ?o WHERE { ?s <urn:ex:p> ?o } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s <urn:ex:p> ?o } WHERE { ?s <urn:ex:p> ?o }"
ROWS = 10


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    for i in range(ROWS):
        s.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), P, ox.Literal(str(i)), G1))
    s.add(ox.Quad(ox.NamedNode(EX + "only-in-g2"), ox.NamedNode(EX + "q"), ox.Literal("x"), G2))
    return s


def job(query: str, **kwargs) -> Job:
    kwargs.setdefault("solution_format", "application/sparql-results+json")
    kwargs.setdefault("graph_format", "application/n-triples")
    return Job(query, **kwargs)


SOLUTION_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values"]


@pytest.mark.parametrize("media_type", SOLUTION_TYPES)
def test_select_row_cap_is_exact(store, media_type):
    answer = execute(store, job(SELECT, max_rows=ROWS, solution_format=media_type))
    assert (answer.status, answer.rows, answer.media_type) == (200, ROWS, media_type)
    assert answer.body.decode().count("urn:ex:s") == ROWS
    refused = execute(store, job(SELECT, max_rows=ROWS - 1, solution_format=media_type))
    assert refused.status == 422 and f"more than {ROWS - 1} rows" in refused.body.decode()
    assert refused.media_type.startswith("text/plain") and refused.rows == 0


@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE ?s WHERE { ?s <urn:ex:p> ?o }"])
def test_graph_row_cap_counts_triples_not_bytes(store, query):
    """The issue's survivor: CONSTRUCT/DESCRIBE compared their triple count with the byte limit."""
    answer = execute(store, job(query, max_rows=ROWS, max_bytes=10**6))
    assert (answer.status, answer.rows) == (200, ROWS)
    assert len(list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))) == ROWS
    refused = execute(store, job(query, max_rows=ROWS - 1, max_bytes=10**6))
    assert refused.status == 422 and f"more than {ROWS - 1} triples" in refused.body.decode()


@pytest.mark.parametrize("query,media_type", [(SELECT, t) for t in SOLUTION_TYPES] + [(CONSTRUCT, None)])
def test_byte_cap_is_exact(store, query, media_type):
    formats = {"solution_format": media_type} if media_type else {}
    size = len(execute(store, job(query, **formats)).body)
    assert execute(store, job(query, max_bytes=size, **formats)).status == 200
    refused = execute(store, job(query, max_bytes=size - 1, **formats))
    assert refused.status == 422 and f"would exceed {size - 1} bytes" in refused.body.decode()


def test_default_caps_are_the_documented_ones():
    """README: 422 for "more than 100 000 rows or 64 MiB"."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows, mib = re.search(r"more than ([\d ]+) rows or (\d+) MiB", readme).groups()
    assert (Job("").max_rows, Job("").max_bytes) == (int(rows.replace(" ", "")), int(mib) * 1024 * 1024)


class FailingStore:
    """A store whose evaluation fails as pyoxigraph or the sandbox make it fail."""

    def __init__(self, error: Exception):
        self.error = error

    def query(self, *args, **kwargs):
        raise self.error


@pytest.mark.parametrize("error,words", [(PermissionError(1, "Operation not permitted"), "may not open connections"),
                                         (OSError("evaluation failed"), "evaluation failed"),
                                         (ValueError("bad value"), "bad value"), (TypeError("bad type"), "bad type"),
                                         (SyntaxError("at 1:3"), "SPARQL syntax at 1:3")])
def test_evaluation_errors_are_400_not_500(error, words):
    answer = execute(FailingStore(error), job("ASK {}"))
    assert answer.status == 400 and words in answer.body.decode() and answer.rows == 0


@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE <urn:ex:s1>"])
def test_graph_query_with_no_acceptable_type_is_406(store, query):
    answer = execute(store, job(query, graph_format=None))
    assert answer.status == 406 and "CONSTRUCT/DESCRIBE" in answer.body.decode()
    assert answer.media_type.startswith("text/plain")


@pytest.mark.parametrize("query", [SELECT, "ASK { ?s ?p ?o }"])
def test_solution_query_with_no_acceptable_type_is_406(store, query):
    answer = execute(store, job(query, solution_format=None))
    assert answer.status == 406 and "SELECT/ASK" in answer.body.decode()


def test_ask_is_one_row(store):
    answer = execute(store, job("ASK { ?s <urn:ex:p> \"3\" }", max_rows=1))
    assert (answer.status, answer.rows, json.loads(answer.body)["boolean"]) == (200, 1, True)
    assert json.loads(execute(store, job("ASK { ?s <urn:ex:p> \"x\" }")).body)["boolean"] is False


@pytest.mark.parametrize("media_type,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                            ("application/ld+json", ox.RdfFormat.JSON_LD),
                                            ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_graph_answers_in_the_negotiated_format(store, media_type, fmt):
    answer = execute(store, job(CONSTRUCT, graph_format=media_type))
    assert answer.media_type == media_type
    assert len(list(ox.parse(answer.body, format=fmt))) == ROWS


def test_default_graph_is_the_union_unless_the_request_names_graphs(store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**kwargs) -> int:
        return int(json.loads(execute(store, job(count, **kwargs)).body)["results"]["bindings"][0]["n"]["value"])

    assert n() == ROWS + 1
    assert n(union_default=False) == 0
    assert n(default_graphs=[EX + "g2"]) == 1
    assert n(default_graphs=[EX + "g1"], named_graphs=[]) == ROWS
    assert n(default_graphs=None, named_graphs=[EX + "g2"]) == 0
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def in_named(**kwargs) -> int:
        return int(json.loads(execute(store, job(named, **kwargs)).body)["results"]["bindings"][0]["n"]["value"])

    assert in_named(named_graphs=[EX + "g2"]) == 1
    assert in_named(default_graphs=[EX + "g1"], named_graphs=[]) == 0
    assert in_named(default_graphs=[EX + "g1"]) == ROWS + 1  # named graphs not given: all of them


def test_errors_are_400_with_the_reason(store):
    answer = execute(store, job("SELEKT * WHERE {}"))
    assert answer.status == 400 and answer.body.decode().startswith("SPARQL syntax")
    answer = execute(store, job("SELECT * WHERE { ?s ?p ?o }", default_graphs=["not an iri"]))
    assert answer.status == 400 and answer.body.decode().startswith("query evaluation failed")
    assert answer.body.endswith(b"\n") and not answer.body.endswith(b"\n\n")


def test_base_iri_resolves_relative_iris(store):
    answer = execute(store, job("SELECT (<x> AS ?x) WHERE {}", base_iri="http://example.org/sparql"))
    assert json.loads(answer.body)["results"]["bindings"][0]["x"]["value"] == "http://example.org/x"


def linked_store() -> ox.Store:
    """A resource, a fact citing a sentence with a selector, and labels, as the graph has them."""
    s = ox.Store()
    n = lambda name: ox.NamedNode(EX + name)  # noqa: E731
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    cites = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    attested = ox.NamedNode("https://w3id.org/natoasia/ontology#attestedBy")
    selector = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")
    for triple in [(n("japan"), label, ox.Literal("Japan")), (n("japan"), attested, n("s2")),
                   (n("fact"), n("contributor"), n("japan")), (n("fact"), n("amount"), ox.Literal("5")),
                   (n("fact"), n("deployedIn"), n("afghanistan")), (n("fact"), cites, n("s1")),
                   (n("afghanistan"), pref, ox.Literal("Afghanistan")), (n("afghanistan"), n("far"), n("elsewhere")),
                   (n("s1"), n("value"), ox.Literal("Japan sent 5.")), (n("s1"), selector, n("sel1")),
                   (n("sel1"), n("start"), ox.Literal("0")), (n("s2"), n("value"), ox.Literal("Japan.")),
                   (n("contributor"), label, ox.Literal("contributor")), (n("s1"), label, ox.Literal("sentence 1")),
                   (n("unrelated"), cites, n("s9")), (n("s9"), n("value"), ox.Literal("never shown")),
                   (n("fact"), label, ox.Literal("the fact"))]:
        s.add(ox.Quad(*triple, G1))
    return s


def test_description_has_the_facts_their_sentences_and_labels():
    triples = {(t.subject.value[len(EX):], t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1].removeprefix(EX),
                t.object.value.removeprefix(EX)) for t in description(linked_store(), EX + "japan")}
    assert ("japan", "label", "Japan") in triples                   # its own triples
    assert ("fact", "contributor", "japan") in triples              # facts pointing at it …
    assert ("fact", "amount", "5") in triples                       # … with all their triples
    assert ("s1", "value", "Japan sent 5.") in triples              # the sentences the facts cite …
    assert ("sel1", "start", "0") in triples                        # … with their selectors
    assert ("s2", "value", "Japan.") in triples                     # the sentences it is attested by
    assert ("afghanistan", "prefLabel", "Afghanistan") in triples   # labels of what is mentioned
    assert ("contributor", "label", "contributor") in triples       # labels of predicates
    assert ("s1", "label", "sentence 1") in triples
    assert ("fact", "label", "the fact") in triples                 # labels of the facts
    assert not {t for t in triples if t[0] in ("unrelated", "s9") or t[1] == "far"}
    assert description(linked_store(), EX + "nobody") == set()


def test_description_bounds_the_neighbours_it_expands():
    s = ox.Store()
    hub = ox.NamedNode(EX + "hub")
    s.add(ox.Quad(hub, P, ox.Literal("hub"), G1))
    for i in range(MAX_NEIGHBOURS + 5):
        node = ox.NamedNode(f"{EX}n{i}")
        s.add(ox.Quad(node, P, hub, G1))
        s.add(ox.Quad(node, ox.NamedNode(EX + "extra"), ox.Literal(str(i)), G1))
    triples = description(s, EX + "hub")
    expanded = {t.subject for t in triples if t.predicate.value == EX + "extra"}
    assert len(expanded) == MAX_NEIGHBOURS - 1  # the resource itself is the first of the subjects
    assert len([t for t in triples if t.object == hub]) == MAX_NEIGHBOURS + 5


def test_describe_job_answers_the_description_or_404(store):
    s = linked_store()
    answer = execute(s, Job("", describe=EX + "japan", graph_format="application/n-triples"))
    assert answer.status == 200 and answer.rows == len(description(s, EX + "japan"))
    parsed = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == answer.rows
    missing = execute(s, Job("", describe=EX + "atlantis", graph_format="text/turtle"))
    assert missing.status == 404 and f"<{EX}atlantis>" in missing.body.decode()


def comm_after_naming(name: bytes) -> str:
    """The kernel's name of a thread that named itself with ``_name_process`` (a thread, so that the
    test process keeps its own name)."""
    seen = []

    def name_and_read():
        _name_process(name)
        seen.append(Path("/proc/thread-self/comm").read_text(encoding="ascii").rstrip("\n"))

    thread = threading.Thread(target=name_and_read)
    thread.start()
    thread.join()
    return seen[0]


def test_a_worker_names_itself_with_the_first_15_bytes_of_its_name():
    """``ps`` and the pool's tests tell workers apart by this name; the kernel keeps 15 bytes of it."""
    assert comm_after_naming(b"natoasia-query") == "natoasia-query"
    assert comm_after_naming(b"natoasia-query-worker") == "natoasia-query-"


@pytest.mark.parametrize("libc", [OSError("no C library"), object()], ids=["no library", "no prctl"])
def test_a_worker_that_cannot_name_itself_still_serves(monkeypatch, libc):
    """Naming is for operators: a C library that cannot be opened or has no ``prctl`` is not an error."""
    def open_libc(name):
        if isinstance(libc, Exception):
            raise libc
        return libc

    monkeypatch.setattr("ctypes.CDLL", open_libc)
    assert _name_process(b"natoasia-query") is None


def test_a_query_that_runs_out_of_memory_is_503_with_the_budget():
    answer = worker_answer(FailingStore(MemoryError()), job("ASK {}"), memory_budget=256 * 2**20)
    assert answer.status == 503 and answer.media_type.startswith("text/plain")
    assert answer.body.decode() == MEMORY_MESSAGE.format(mib=256) + "\n" and "256 MiB" in answer.body.decode()


def test_a_bug_in_evaluation_is_500_with_its_type_and_the_worker_lives_on():
    answer = worker_answer(FailingStore(KeyError("x")), job("ASK {}"), memory_budget=256 * 2**20)
    assert (answer.status, answer.body) == (500, b"internal error while evaluating the query: KeyError: 'x'\n")


def test_data_size_is_the_kernels_vmdata_in_bytes():
    """``RLIMIT_DATA`` counts what ``VmData`` shows: the limit is set from it."""
    def vm_data() -> int:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        return int(re.search(r"^VmData:\s+(\d+) kB$", status, re.M).group(1))

    for _ in range(10):  # the reads are apart: retry should an allocation land between them
        before, size, after = vm_data(), data_size(), vm_data()
        if before == after:
            break
    assert size == before * 1024


def test_a_worker_may_allocate_its_budget_and_no_more():
    """In a process of its own, as the worker is: the limit cannot be lifted once set."""
    code = ("from natoasia.endpoint.worker import limit_memory\n"
            "limit_memory(64 * 2**20)\n"
            "kept = bytearray(32 * 2**20)\n"
            "try:\n"
            "    bytearray(64 * 2**20)\n"
            "except MemoryError:\n"
            "    print('refused')\n")
    package = Path(natoasia.__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(package)},
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "refused\n"), done.stderr
