"""The query engine behind the endpoint: the checks that come first, the cache, and the worker pool (or
an external store) that evaluates; the dataset's version and graphs."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from natoasia.dataset.files import NQUADS, PERSISTED_DIR
from natoasia.endpoint import cache
from natoasia.endpoint.cache import ResultCache
from natoasia.endpoint.jobs import ClientGone, Job, Outcome, PoolBusy, QueryMemory, QueryTimeout, WorkerLost
from natoasia.endpoint.metrics import Metrics
from natoasia.endpoint.pool import QueryPool
from natoasia.endpoint.protocol import ProtocolError, QueryRequest
from natoasia.endpoint.querycheck import scan
from natoasia.endpoint.settings import Settings, check_load, uses_persisted_store

log = logging.getLogger("natoasia.engine")

#: How each way evaluation can fail is answered: its status, and its message ``{exc}`` completed with
#: what the client can do (``{limit}`` is the query's time limit in seconds).
REFUSALS = {
    ClientGone: (499, "{exc}"),  # nobody reads the answer; the access log shows nginx's 499
    QueryTimeout: (503, "{exc}: the time limit of this endpoint is {limit:g} s; simplify the query or add a LIMIT"),
    PoolBusy: (503, "{exc}; try again shortly"),
    QueryMemory: (503, "{exc}; simplify the query or add a LIMIT"),
    WorkerLost: (503, "{exc}; it has been replaced: try again"),  # a fresh worker takes the next query
}


def refused(exc: Exception, limit: float) -> ProtocolError:
    """The refusal that answers a failed evaluation (see :data:`REFUSALS`)."""
    status, message = REFUSALS[type(exc)]
    return ProtocolError(status, message.format(exc=exc, limit=limit))


class Engine:
    """Answers query requests with the worker pool, after the checks that must come first."""

    def __init__(self, settings: Settings, metrics: Metrics | None = None):
        self.settings = settings
        self.metrics = metrics or Metrics()
        manifest = json.loads((settings.dataset / "manifest.json").read_text(encoding="utf-8"))
        self.graphs: dict[str, int] = dict(manifest["graphs"])
        digest = hashlib.sha256(manifest["sources"].encode())
        for path, graph in settings.loads:
            self.graphs[graph] = check_load(path)
            digest.update(graph.encode() + Path(path).read_bytes())
        self.version = digest.hexdigest()[:20]
        if settings.store_url:
            from natoasia.endpoint.remote import RemoteStore
            self.pool = RemoteStore(settings.store_url, on_event=self.metrics.event)
        else:
            self.pool = QueryPool(str(settings.dataset / NQUADS), settings.loads, settings.workers,
                                  on_event=self.metrics.event, sandbox=settings.sandbox,
                                  persisted=self.persisted_store(), memory_budget=settings.worker_memory)
        self.cache = ResultCache(settings.cache_bytes)

    def persisted_store(self) -> str | None:
        """The persisted store the workers open, or None when they hold the dataset in memory
        (see :func:`uses_persisted_store`), or when the build has no persisted store matching its
        dump (``natoasia build`` writes one; ``natoasia serve`` writes it when missing)."""
        from natoasia.stores.embedded import persisted_mismatch

        settings = self.settings
        if not uses_persisted_store(settings):
            return None
        mismatch = persisted_mismatch(settings.dataset)
        if mismatch:
            log.warning("loading the dataset into memory: %s", mismatch)
            return None
        return str((settings.dataset / PERSISTED_DIR).resolve())

    def start(self) -> None:
        """Start the worker processes."""
        self.pool.start()

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()

    def describe(self, iri: str, media_type: str) -> Outcome:
        """The description of one resource (see :func:`natoasia.endpoint.worker.description`)."""
        key = cache.key("describe", iri, media_type)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            outcome = self.pool.run(Job(query="", describe=iri, graph_format=media_type), self.settings.timeout)
        except tuple(REFUSALS) as exc:
            raise refused(exc, self.settings.timeout) from None
        self.cache.put(key, outcome)
        return outcome

    def select(self, query: str) -> list[dict]:
        """Run an internal SELECT and return its rows as dicts of pyoxigraph terms (for pages)."""
        outcome = self.evaluate(QueryRequest(query, [], [], "application/sparql-results+json", None, None),
                                internal=True)
        if outcome.status != 200:
            raise ProtocolError(outcome.status, outcome.body.decode())
        return json_rows(outcome.body)

    def evaluate(self, request: QueryRequest, base_iri: str | None = None, internal: bool = False,
                 abandoned=None) -> Outcome:
        """Check, then evaluate a query request; every refusal is a :class:`ProtocolError`.

        ``internal`` queries are the server's own (pages, named-graph documents): the row and byte
        caps, which protect against arbitrary user queries, do not apply to them. ``abandoned`` tells
        whether the client has gone (see :meth:`~natoasia.endpoint.pool.QueryPool.run`).
        """
        if not request.query or not request.query.strip():
            raise ProtocolError(400, "the query is empty")
        key = cache.key(request.query, request.default_graphs, request.named_graphs, request.solution_format,
                        request.graph_format, base_iri, internal)
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.event("cache_hits")
            return cached
        scanned = scan(request.query)
        if scanned.error is not None:
            raise ProtocolError(400, str(scanned.error))
        if scanned.is_update:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if scanned.uses_service:
            raise ProtocolError(400, "SERVICE (federated query) is not allowed on this endpoint; "
                                     "it would make the server fetch other URLs")
        too_deep = scanned.too_deep(self.settings.max_depth)
        if too_deep:
            raise ProtocolError(400, too_deep)
        limit = min(self.settings.timeout, request.timeout or self.settings.timeout)
        protocol_dataset = bool(request.default_graphs or request.named_graphs)
        job = Job(
            query=request.query,
            union_default=not scanned.has_dataset_clause,
            default_graphs=request.default_graphs if protocol_dataset else None,
            named_graphs=request.named_graphs if request.named_graphs else None,
            solution_format=request.solution_format,
            graph_format=request.graph_format,
            max_rows=10**9 if internal else self.settings.max_rows,
            max_bytes=10**12 if internal else self.settings.max_response_bytes,
            base_iri=base_iri,
        )
        try:
            outcome = self.pool.run(job, limit, abandoned)
        except tuple(REFUSALS) as exc:
            raise refused(exc, limit) from None
        self.cache.put(key, outcome)
        return outcome


def json_rows(body: bytes) -> list[dict]:
    """Rows of a SPARQL JSON result as dicts of plain values (IRIs and literal texts as strings)."""
    import json

    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
