"""Queries answered by an external SPARQL 1.1 store (:mod:`natoasia.stores.external`) behind the same
interface as the embedded worker pool: same checks, limits, caps, formats and pages.

The query is cut off here at the endpoint's limit whatever the store does (a store's own "anytime"
limit, such as Virtuoso's ``timeout`` parameter, would return partial results as if they were
complete, so it is not used: configure the store's own maximum, e.g. Virtuoso's
``MaxQueryExecutionTime``, to reclaim its CPU); the answer is read as SPARQL JSON results or N-Triples,
parsed as it arrives and written again in the format the client negotiated by the same capped writers
as the embedded store's (:mod:`natoasia.endpoint.solutions`): row and byte caps hold in front of any
store, and an answer far over them is cut off after the caps' worth, never read whole.
A protocol dataset (``default-graph-uri`` / ``named-graph-uri``) is passed on as the same parameters.
"""

from __future__ import annotations

import contextlib
import queue

import pyoxigraph as ox

from natoasia.endpoint.jobs import Job, Outcome, QueryTimeout, WorkerLost, refusal
from natoasia.endpoint.querycheck import scan
from natoasia.endpoint.solutions import GRAPH_WRITERS, WRITERS, ResultTooLarge, write_graph, write_rows
from natoasia.stores.external import DESCRIBE_QUERIES, ExternalStore, StoreError, StoreTimeout, StoreUnreachable

BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
CANONICAL_BOOLEANS = {"1": "true", "0": "false"}  # Virtuoso writes 1 and 0


class RemoteStore:
    """Sends jobs to an external SPARQL endpoint; has the pool's interface (start, run, close, idle)."""

    def __init__(self, endpoint: str, on_event=None):
        self.store = ExternalStore(endpoint)
        self.on_event = on_event or (lambda name: None)
        self.idle: queue.Queue = queue.Queue()  # no local workers: reported as 0 idle

    def start(self) -> None:
        """Check that the store answers."""
        self._request("ASK {}", "application/sparql-results+json", 30)

    def close(self) -> None:
        """Nothing to stop: the store is not ours."""

    @contextlib.contextmanager
    def _answer(self, query: str, accept: str, limit: float, job: Job | None = None):
        """The store's answer as a stream (see :meth:`ExternalStore.answer`), its failures as the pool's."""
        try:
            with self.store.answer(query, accept, limit, job.default_graphs if job else None,
                                   job.named_graphs if job else None) as stream:
                yield stream
        except StoreTimeout as exc:
            self.on_event("timeouts")
            raise QueryTimeout(str(exc)) from None
        except StoreUnreachable as exc:
            raise WorkerLost(str(exc)) from None

    def _request(self, query: str, accept: str, limit: float, job: Job | None = None) -> bytes:
        with self._answer(query, accept, limit, job) as stream:
            return stream.read()

    def run(self, job: Job, limit: float, abandoned=None) -> Outcome:
        """Evaluate ``job`` on the external store within ``limit`` seconds (``abandoned`` is not watched:
        the external store's own limits apply to a query whose client has gone)."""
        try:
            if job.describe is not None:
                return self._describe(job, limit)
            return self._query(job, limit)
        except StoreError as exc:
            status = 400 if 400 <= exc.status < 500 else 502
            return refusal(status, f"the store answered {exc.status}: {exc.message.strip()[:500]}")
        except SyntaxError as exc:
            return refusal(502, f"the store's answer could not be read: {exc}")

    def _query(self, job: Job, limit: float) -> Outcome:
        form = scan(job.query).form
        if form in ("CONSTRUCT", "DESCRIBE"):
            if job.graph_format is None:
                return refusal(406, "none of the acceptable media types can express CONSTRUCT/DESCRIBE results")
            with self._answer(job.query, "application/n-triples", limit, job) as stream:
                triples = ox.parse(stream, format=ox.RdfFormat.N_TRIPLES)
                return self._capped(job, job.graph_format, "triples", write_graph, triples)
        if job.solution_format is None:
            return refusal(406, "none of the acceptable media types can express SELECT/ASK results")
        with self._answer(job.query, "application/sparql-results+json", limit, job) as stream:
            result = ox.parse_query_results(stream, format=ox.QueryResultsFormat.JSON)
            if form == "ASK":
                answer = _boolean(result)
                return Outcome(200, job.solution_format, WRITERS[job.solution_format]([], [], boolean=answer), rows=1)
            variables = [v.value for v in result.variables]
            rows = ([_canonical(term) for term in solution] for solution in result)
            return self._capped(job, job.solution_format, "rows", write_rows, variables, rows)

    @staticmethod
    def _capped(job: Job, media_type: str, unit: str, write, *result) -> Outcome:
        """``write(*result, media_type, max_rows, max_bytes)`` as an answer, or the cap it passed as a 422."""
        try:
            body, rows = write(*result, media_type, job.max_rows, job.max_bytes)
        except ResultTooLarge as exc:
            return refusal(422, exc.explain(job.max_rows, job.max_bytes, unit))
        return Outcome(200, media_type, body, rows=rows)

    def _describe(self, job: Job, limit: float) -> Outcome:
        triples: set = set()
        for template in DESCRIBE_QUERIES:
            with self._answer(template.format(r=job.describe), "application/n-triples", limit) as stream:
                for triple in ox.parse(stream, format=ox.RdfFormat.N_TRIPLES):
                    triples.add(triple)
                    if len(triples) > job.max_rows:
                        return refusal(422, f"the description of <{job.describe}> has more than {job.max_rows} "
                                            "triples, the limit of this endpoint; query it with a LIMIT")
        if not any(t.subject == ox.NamedNode(job.describe) for t in triples):
            return refusal(404, f"nothing is known about <{job.describe}>")
        ordered = sorted(triples, key=str)
        return Outcome(200, job.graph_format, ox.serialize(ordered, format=GRAPH_WRITERS[job.graph_format]),
                       rows=len(ordered))


def _boolean(result) -> bool:
    """An ASK answer, as a boolean result or (as some stores write it) one row whose value is 1 or true."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    for solution in result:
        values = [term for term in solution if term is not None]
        return bool(values) and values[0].value in ("1", "true")
    return False


def _canonical(term):
    """A term as the embedded store writes it: booleans in their canonical form."""
    if isinstance(term, ox.Literal) and term.datatype == BOOLEAN and term.value in CANONICAL_BOOLEANS:
        return ox.Literal(CANONICAL_BOOLEANS[term.value], datatype=BOOLEAN)
    return term
