"""A query worker: a child process, forked with the loaded store, that evaluates one query at a time.

The HTTP process never evaluates SPARQL itself; it sends jobs to these workers and kills any
worker that overruns its time limit (pyoxigraph cannot cancel a query from Python).
"""

from __future__ import annotations

import os
import resource
import signal
import threading
from multiprocessing.connection import Connection

import pyoxigraph as ox

from natoasia.endpoint.jobs import Job, Outcome, refusal
from natoasia.endpoint.solutions import GRAPH_WRITERS, WRITERS, ResultTooLarge, write_graph, write_solutions


#: How much lower a worker's CPU priority is than its HTTP process's (``nice``): under a flood of runaway
#: queries the HTTP processes still answer ``/healthz`` and cached queries in time (issue 17).
NICENESS = 5

#: The answer to a query that needs more memory than a worker may add (see :func:`limit_memory`).
MEMORY_MESSAGE = ("the query needed more than the {mib:g} MiB of memory a query worker may use; "
                  "simplify the query or add a LIMIT")


#: The stack of the thread that evaluates queries in a worker. pyoxigraph's parser, optimizer and evaluator
#: recurse once per level of nesting, about 1.3 KiB a level (see natoasia.endpoint.nesting); the query
#: check lets no query nest deeper than its limit, so a query within it needs a small part of this (the
#: margins are in bench/README.md). Mapped whole when the thread starts, touched only as deep as a
#: query goes: it costs address space, not memory.
STACK_BYTES = 64 * 2**20


LABELS = (ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
          ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"))
CITES = (ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
         ox.NamedNode("https://w3id.org/natoasia/ontology#attestedBy"))
SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")
MAX_NEIGHBOURS = 2000


def description(store: ox.Store, iri: str) -> set:
    """A resource's own triples, the nodes that point at it with their triples, the labels of
    everything they mention, and the sentences (with selectors) behind each of them."""
    resource = ox.NamedNode(iri)
    triples = {q.triple for q in store.quads_for_pattern(resource, None, None)}
    if not triples:
        return set()
    subjects = [resource]
    for quad in store.quads_for_pattern(None, None, resource):
        triples.add(quad.triple)
        if isinstance(quad.subject, ox.NamedNode) and len(subjects) < MAX_NEIGHBOURS:
            subjects.append(quad.subject)
    for subject in subjects[1:]:
        triples |= {q.triple for q in store.quads_for_pattern(subject, None, None)}
    sentences = {t.object for t in triples if t.predicate in CITES and t.subject in set(subjects)}
    for sentence in sentences:
        for quad in store.quads_for_pattern(sentence, None, None):
            triples.add(quad.triple)
            if quad.predicate == SELECTOR:
                triples |= {q.triple for q in store.quads_for_pattern(quad.object, None, None)}
    mentioned = {t.object for t in triples if isinstance(t.object, ox.NamedNode)} | \
                {t.predicate for t in triples} | set(subjects)
    for node in mentioned:
        for label in LABELS:
            triples |= {q.triple for q in store.quads_for_pattern(node, label, None)}
    return triples


def execute(store: ox.Store, job: Job) -> Outcome:
    """Evaluate ``job`` on ``store`` and serialize the result, enforcing the caps."""
    if job.describe is not None:
        triples = sorted(description(store, job.describe), key=str)
        if not triples:
            return refusal(404, f"nothing is known about <{job.describe}>")
        return Outcome(200, job.graph_format, ox.serialize(triples, format=GRAPH_WRITERS[job.graph_format]),
                       rows=len(triples))
    kwargs: dict = {}
    try:
        if job.default_graphs is not None or job.named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or []]
            if job.named_graphs is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        elif job.union_default:
            kwargs["use_default_graph_as_union"] = True
        result = store.query(job.query, base_iri=job.base_iri, **kwargs)
        if isinstance(result, ox.QueryTriples):
            return _graph(result, job)
        return _solutions(result, job)
    except SyntaxError as exc:
        return refusal(400, f"SPARQL syntax {exc}")
    except PermissionError as exc:  # the sandbox stopped a connection or a file access
        return refusal(400, f"query evaluation failed: {exc}: query workers may not open connections or files")
    except (OSError, ValueError, TypeError) as exc:
        return refusal(400, f"query evaluation failed: {exc}")
    except RuntimeError as exc:  # what the query asks that pyoxigraph cannot do: an unknown function …
        return refusal(400, f"query evaluation failed: {exc}")


def _solutions(result, job: Job) -> Outcome:
    if job.solution_format is None:
        return refusal(406, "none of the acceptable media types can express SELECT/ASK results; "
                           "use application/sparql-results+json, +xml, text/csv or text/tab-separated-values")
    write = WRITERS[job.solution_format]
    if isinstance(result, ox.QueryBoolean):
        return Outcome(200, job.solution_format, write([], [], boolean=bool(result)), rows=1)
    try:
        body, count = write_solutions(result, job.solution_format, job.max_rows, job.max_bytes)
    except ResultTooLarge as exc:
        return refusal(422, exc.explain(job.max_rows, job.max_bytes))
    return Outcome(200, job.solution_format, body, rows=count)


def _graph(result, job: Job) -> Outcome:
    if job.graph_format is None:
        return refusal(406, "none of the acceptable media types can express CONSTRUCT/DESCRIBE results; "
                           "use text/turtle, application/n-triples, application/ld+json or application/rdf+xml")
    try:
        body, count = write_graph(result, job.graph_format, job.max_rows, job.max_bytes)
    except ResultTooLarge as exc:
        return refusal(422, exc.explain(job.max_rows, job.max_bytes, "triples"))
    return Outcome(200, job.graph_format, body, rows=count)


def _name_process(name: bytes) -> None:
    """Name this process (``ps``, ``/proc/PID/comm``)."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def data_size() -> int:
    """The bytes of private writable memory this process maps now (``VmData``): what ``RLIMIT_DATA``
    counts, including the store pages a forked worker shares with its parent until it writes them."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/self/status has no VmData line")


def limit_memory(budget: int) -> None:
    """Let this process allocate at most ``budget`` more bytes, irrevocably (soft = hard limit).

    A query that needs more fails inside pyoxigraph's allocator, which aborts the process (SIGABRT):
    the pool reads that from the exit status and answers 503 (see :class:`~natoasia.endpoint.pool.QueryMemory`).
    Without the limit a runaway ORDER BY over a cartesian product at 10⁶ triples takes ~650 MB per
    second until its time limit kills it."""
    limit = data_size() + budget
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def serve(jobs: Connection, answers: Connection, store: ox.Store, sandbox: bool = True,
          read_paths: list[str] | None = None, memory_budget: int | None = None) -> None:
    """Worker process main loop: limit the memory a query may add (``memory_budget`` bytes), confine
    the process (no sockets, no file access but reading ``read_paths``, the persisted store: see
    :mod:`natoasia.endpoint.sandbox`), then answer jobs on ``store`` until the pipe closes, on a stack
    of :data:`STACK_BYTES` (see :func:`on_own_stack`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(NICENESS)  # an HTTP process answers before a runaway query gets more CPU
    if memory_budget is not None:  # before confining: /proc is not readable afterwards
        limit_memory(memory_budget + STACK_BYTES)  # the stack's mapping counts whole: the budget stays the query's
    if sandbox:
        from natoasia.endpoint.sandbox import confine

        confine(read_paths or [])
    _name_process(b"natoasia-query")  # named once confined: operators (and a test) can tell workers apart
    on_own_stack(_answer_jobs, jobs, answers, store, memory_budget)


def _answer_jobs(jobs: Connection, answers: Connection, store: ox.Store, memory_budget: int | None) -> None:
    answers.send(("ready",))
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        answers.send(answer(store, job, memory_budget))


def on_own_stack(function, *args, size: int = STACK_BYTES) -> None:
    """Run ``function(*args)`` in a thread whose stack is ``size`` bytes, and wait for it; raise what it raises.

    A worker is forked from whichever thread of the HTTP process needed one, whose stack may be small;
    this one is sized for the deepest query the check lets through. It is started once the process is
    confined: a thread inherits seccomp's and Landlock's restrictions only from the thread that creates it."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            function(*args)
        except BaseException as exc:  # noqa: BLE001 — raised again in the calling thread
            failures.append(exc)

    threading.stack_size(size)
    thread = threading.Thread(target=run, name="natoasia-query")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def answer(store: ox.Store, job: Job, memory_budget: int | None = None) -> Outcome:
    """The outcome of ``job``, whatever goes wrong in evaluating it (the worker must live on)."""
    try:
        return execute(store, job)
    except MemoryError:  # Python's own allocations hit the limit (pyoxigraph's abort the process)
        if memory_budget is None:  # no budget: the machine itself ran out
            return refusal(503, "the query needed more memory than the server could give it; "
                               "simplify the query or add a LIMIT")
        return refusal(503, MEMORY_MESSAGE.format(mib=memory_budget / 2**20))
    except Exception as exc:  # a bug must not take the worker down with the store loaded
        return refusal(500, f"internal error while evaluating the query: {type(exc).__name__}: {exc}")
