"""What the engine hands to whatever evaluates a query — the embedded worker pool or an external store —
and what comes back: a :class:`Job`, an :class:`Outcome`, and the ways evaluation can fail."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Job:
    """One query to evaluate, with its dataset, acceptable formats and caps."""

    query: str
    union_default: bool = True
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    solution_format: str | None = None  # media type, or None if the client accepts none
    graph_format: str | None = None
    max_rows: int = 100_000
    max_bytes: int = 16 * 1024 * 1024
    base_iri: str | None = None
    describe: str | None = None  # an IRI: answer its description instead of a query


@dataclass
class Outcome:
    """The worker's answer: an HTTP status, a media type, a body and the number of rows."""

    status: int
    media_type: str
    body: bytes
    rows: int = 0
    extra: dict = field(default_factory=dict)


def refusal(status: int, message: str) -> Outcome:
    """An answer that is not a result: a status and a plain-text message saying why."""
    return Outcome(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class QueryTimeout(Exception):
    """The query overran its limit; its worker was killed."""


class WorkerLost(Exception):
    """The worker died while evaluating the query (it has been replaced)."""


class ClientGone(Exception):
    """The client closed its connection before the answer was ready: its worker was freed."""


class QueryMemory(Exception):
    """The query needed more memory than a worker may add: its allocator aborted the worker (it has
    been replaced)."""
