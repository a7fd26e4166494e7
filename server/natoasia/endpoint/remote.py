"""Queries answered by an external SPARQL 1.1 store (:mod:`natoasia.stores.external`) behind the same
interface as the embedded worker pool: same checks, limits, caps, formats and pages.

The query is cut off here at the endpoint's limit whatever the store does (a store's own "anytime"
limit, such as Virtuoso's ``timeout`` parameter, would return partial results as if they were
complete, so it is not used: configure the store's own maximum, e.g. Virtuoso's
``MaxQueryExecutionTime``, to reclaim its CPU); the answer is read as SPARQL JSON results or N-Triples
and written again in the format the client negotiated, so row and byte caps hold in front of any store.
A protocol dataset (``default-graph-uri`` / ``named-graph-uri``) is passed on as the same parameters.
"""

from __future__ import annotations

import json
import queue

import pyoxigraph as ox

from natoasia.endpoint.jobs import Job, Outcome, QueryTimeout, WorkerLost, refusal
from natoasia.endpoint.querycheck import scan
from natoasia.endpoint.solutions import GRAPH_WRITERS, WRITERS
from natoasia.stores.external import (DESCRIBE_QUERIES, ExternalStore, StoreError, StoreTimeout, StoreUnreachable,
                                      term)


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

    def _request(self, query: str, accept: str, limit: float, job: Job | None = None) -> bytes:
        try:
            return self.store.request(query, accept, limit, job.default_graphs if job else None,
                                      job.named_graphs if job else None)
        except StoreTimeout as exc:
            self.on_event("timeouts")
            raise QueryTimeout(str(exc)) from None
        except StoreUnreachable as exc:
            raise WorkerLost(str(exc)) from None

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

    def _query(self, job: Job, limit: float) -> Outcome:
        query = job.query
        form = scan(job.query).form
        if form in ("CONSTRUCT", "DESCRIBE"):
            if job.graph_format is None:
                return refusal(406, "none of the acceptable media types can express CONSTRUCT/DESCRIBE results")
            triples = list(ox.parse(self._request(query, "application/n-triples", limit, job), format=ox.RdfFormat.N_TRIPLES))
            if len(triples) > job.max_rows:
                return refusal(422, f"the result has more than {job.max_rows} triples, the limit of this endpoint; add a LIMIT")
            return self._capped(ox.serialize(triples, format=GRAPH_WRITERS[job.graph_format]), job.graph_format, len(triples), job)
        if job.solution_format is None:
            return refusal(406, "none of the acceptable media types can express SELECT/ASK results")
        data = json.loads(self._request(query, "application/sparql-results+json", limit, job))
        write = WRITERS[job.solution_format]
        if form == "ASK":
            bindings = data.get("results", {}).get("bindings", [])
            answer = data["boolean"] if "boolean" in data else bool(bindings and list(bindings[0].values())[0]["value"] in ("1", "true"))
            return Outcome(200, job.solution_format, write([], [], boolean=answer), rows=1)
        variables = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        if len(bindings) > job.max_rows:
            return refusal(422, f"the result has more than {job.max_rows} rows, the limit of this endpoint; add a LIMIT")
        rows = [[term(b[v]) if v in b else None for v in variables] for b in bindings]
        return self._capped(write(variables, rows), job.solution_format, len(rows), job)

    @staticmethod
    def _capped(body: bytes, media_type: str, rows: int, job: Job) -> Outcome:
        if len(body) > job.max_bytes:
            return refusal(422, f"the response would exceed {job.max_bytes} bytes, the limit of this endpoint; add a LIMIT")
        return Outcome(200, media_type, body, rows=rows)

    def _describe(self, job: Job, limit: float) -> Outcome:
        triples = set()
        for template in DESCRIBE_QUERIES:
            body = self._request(template.format(r=job.describe), "application/n-triples", limit)
            triples |= set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        if not any(t.subject == ox.NamedNode(job.describe) for t in triples):
            return refusal(404, f"nothing is known about <{job.describe}>")
        ordered = sorted(triples, key=str)
        return Outcome(200, job.graph_format, ox.serialize(ordered, format=GRAPH_WRITERS[job.graph_format]),
                       rows=len(ordered))
