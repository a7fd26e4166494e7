"""Queries on an external SPARQL 1.1 store (Virtuoso, Fuseki, QLever, GraphDB, Neptune …) behind the
same interface as the embedded worker pool: same checks, limits, caps, formats and pages.

The query is cut off here at the endpoint's limit whatever the store does (a store's own "anytime"
limit, such as Virtuoso's ``timeout`` parameter, would return partial results as if they were
complete, so it is not used: configure the store's own maximum, e.g. Virtuoso's
``MaxQueryExecutionTime``, to reclaim its CPU); the answer is read as SPARQL JSON results or N-Triples and written again in the
format the client negotiated, so row and byte caps hold in front of any store. A protocol dataset
(``default-graph-uri`` / ``named-graph-uri``) is passed on as the same protocol parameters.
"""

from __future__ import annotations

import json
import queue
import socket
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from .pool import QueryTimeout, WorkerLost
from .scan import scan
from .solutions import WRITERS
from .worker import GRAPH_WRITERS, Job, Outcome, _error

XSD = "http://www.w3.org/2001/XMLSchema#"
DESCRIBE_QUERIES = (
    "CONSTRUCT {{ <{r}> ?p ?o }} WHERE {{ <{r}> ?p ?o }}",
    "CONSTRUCT {{ ?s ?p <{r}> . ?s ?q ?o }} WHERE {{ ?s ?p <{r}> . FILTER(isIRI(?s)) ?s ?q ?o }}",
    """CONSTRUCT {{ ?sentence ?a ?b . ?selector ?c ?d }} WHERE {{
         {{ <{r}> ?cites ?sentence }} UNION {{ ?s ?p <{r}> . ?s ?cites ?sentence }}
         FILTER (?cites IN (<http://www.w3.org/ns/prov#wasDerivedFrom>, <https://w3id.org/natoasia/ontology#attestedBy>))
         ?sentence ?a ?b .
         OPTIONAL {{ ?sentence <http://www.w3.org/ns/oa#hasSelector> ?selector . ?selector ?c ?d }} }}""",
    """CONSTRUCT {{ ?x ?label ?text }} WHERE {{
         {{ <{r}> ?x ?o }} UNION {{ <{r}> ?p ?x }} UNION {{ ?x ?p <{r}> }} UNION {{ ?s ?p <{r}> . ?s ?x ?o }}
         UNION {{ ?s ?p <{r}> . ?s ?q ?x }}
         ?x ?label ?text .
         FILTER (?label IN (<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>)) }}""",
)


def _term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if binding.get("datatype"):
        if binding["datatype"] == XSD + "boolean" and value in ("1", "0"):
            value = "true" if value == "1" else "false"  # the canonical form (Virtuoso writes 1 and 0)
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


class ExternalStore:
    """Sends jobs to an external SPARQL endpoint; has the pool's interface (start, run, close, idle)."""

    def __init__(self, endpoint: str, on_event=None):
        self.endpoint = endpoint
        self.on_event = on_event or (lambda name: None)
        self.idle: queue.Queue = queue.Queue()  # no local workers: reported as 0 idle

    def start(self) -> None:
        """Check that the store answers."""
        self._request("ASK {}", "application/sparql-results+json", 30)

    def close(self) -> None:
        """Nothing to stop: the store is not ours."""

    def _request(self, query: str, accept: str, limit: float, job: Job | None = None) -> bytes:
        # A form POST: every SPARQL 1.1 store reads it (Virtuoso 7 does not read a direct
        # application/sparql-query body); the protocol dataset goes along as the same parameters.
        pairs = [("query", query)]
        if job is not None and (job.default_graphs is not None or job.named_graphs is not None):
            pairs += [("default-graph-uri", g) for g in job.default_graphs or []]
            pairs += [("named-graph-uri", g) for g in job.named_graphs or []]
        request = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode(pairs).encode("ascii"),
                                         method="POST", headers={"Accept": accept,
                                                                 "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise StoreError(exc.code, exc.read().decode("utf-8", "replace")) from None
        except (socket.timeout, TimeoutError):
            self.on_event("timeouts")
            raise QueryTimeout(f"the query did not finish within {limit:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                self.on_event("timeouts")
                raise QueryTimeout(f"the query did not finish within {limit:g} s") from None
            raise WorkerLost(f"the external store at {self.endpoint} cannot be reached ({exc.reason})") from None

    def run(self, job: Job, limit: float, abandoned=None) -> Outcome:
        """Evaluate ``job`` on the external store within ``limit`` seconds (``abandoned`` is not watched:
        the external store's own limits apply to a query whose client has gone)."""
        try:
            if job.describe is not None:
                return self._describe(job, limit)
            return self._query(job, limit)
        except StoreError as exc:
            status = 400 if 400 <= exc.status < 500 else 502
            return _error(status, f"the store answered {exc.status}: {exc.message.strip()[:500]}")

    def _query(self, job: Job, limit: float) -> Outcome:
        query = job.query
        form = scan(job.query).form
        if form in ("CONSTRUCT", "DESCRIBE"):
            if job.graph_format is None:
                return _error(406, "none of the acceptable media types can express CONSTRUCT/DESCRIBE results")
            triples = list(ox.parse(self._request(query, "application/n-triples", limit, job), format=ox.RdfFormat.N_TRIPLES))
            if len(triples) > job.max_rows:
                return _error(422, f"the result has more than {job.max_rows} triples, the limit of this endpoint; add a LIMIT")
            return self._capped(ox.serialize(triples, format=GRAPH_WRITERS[job.graph_format]), job.graph_format, len(triples), job)
        if job.solution_format is None:
            return _error(406, "none of the acceptable media types can express SELECT/ASK results")
        data = json.loads(self._request(query, "application/sparql-results+json", limit, job))
        write = WRITERS[job.solution_format]
        if form == "ASK":
            bindings = data.get("results", {}).get("bindings", [])
            answer = data["boolean"] if "boolean" in data else bool(bindings and list(bindings[0].values())[0]["value"] in ("1", "true"))
            return Outcome(200, job.solution_format, write([], [], boolean=answer), rows=1)
        variables = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        if len(bindings) > job.max_rows:
            return _error(422, f"the result has more than {job.max_rows} rows, the limit of this endpoint; add a LIMIT")
        rows = [[_term(b[v]) if v in b else None for v in variables] for b in bindings]
        return self._capped(write(variables, rows), job.solution_format, len(rows), job)

    @staticmethod
    def _capped(body: bytes, media_type: str, rows: int, job: Job) -> Outcome:
        if len(body) > job.max_bytes:
            return _error(422, f"the response would exceed {job.max_bytes} bytes, the limit of this endpoint; add a LIMIT")
        return Outcome(200, media_type, body, rows=rows)

    def _describe(self, job: Job, limit: float) -> Outcome:
        triples = set()
        for template in DESCRIBE_QUERIES:
            body = self._request(template.format(r=job.describe), "application/n-triples", limit)
            triples |= set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        if not any(t.subject == ox.NamedNode(job.describe) for t in triples):
            return _error(404, f"nothing is known about <{job.describe}>")
        ordered = sorted(triples, key=str)
        return Outcome(200, job.graph_format, ox.serialize(ordered, format=GRAPH_WRITERS[job.graph_format]),
                       rows=len(ordered))


class StoreError(Exception):
    """The external store answered with an HTTP error."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message
