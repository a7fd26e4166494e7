"""Reading a SPARQL 1.1 Protocol request: operation, dataset, result formats, or the error to answer.

Every size is checked before the work that grows with it (:class:`Limits`): the URL and the body
before they are parsed, the number of parameters before they are split, the number and length of
graph IRIs before any is validated, the query's length before anything reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Request

from natoasia.endpoint.negotiation import GRAPH_TYPES, SOLUTION_TYPES, choose, resolve_format


@dataclass(frozen=True)
class Limits:
    """The sizes a request may have, besides its body and query (``Settings.max_body_bytes`` and
    ``max_query_bytes``); each refusal names the limit it met. A form body is capped as Jetty caps
    Fuseki's (``maxFormKeys``): a number of parameters, whatever their names."""

    url: int = 16 * 1024  # bytes of the URL's query string (send longer queries by POST)
    parameters: int = 10_000  # parameters of the URL and the form body together
    graphs: int = 32  # values of default-graph-uri, and of named-graph-uri, each
    graph_iri: int = 2048  # bytes of one graph IRI
    value: int = 256  # characters of any other value the endpoint reads (format, timeout)


LIMITS = Limits()


class ProtocolError(Exception):
    """A request the endpoint answers with ``status`` and a plain-text ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class QueryRequest:
    """A query operation as the protocol defines it."""

    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    solution_format: str | None
    graph_format: str | None
    timeout: float | None


READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def shown(value: str, length: int = 60) -> str:
    """``value`` as a message quotes it: its ``repr``, cut to about ``length`` characters."""
    return repr(value) if len(value) <= length else repr(value[:length]) + f"… ({len(value)} characters)"


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {exc.start}); send UTF-8") from None


def _charset_is_utf8(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"charset={charset} is not supported: SPARQL requests must be UTF-8")


def parameters(request: Request, max_body: int, limits: Limits = LIMITS) -> list[tuple[str, str]]:
    """All protocol parameters: the URL's, then (for a form POST) the body's; each source is measured
    (bytes, then parameters) before it is split."""
    raw_query = request.query_string
    if len(raw_query) > limits.url:
        raise ProtocolError(414, f"the URL's query string is longer than {limits.url} bytes, the limit of this "
                                 "endpoint; send the query by POST")
    sources = [(raw_query, "URL query string")]
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        _charset_is_utf8(request)
        sources.append((_body(request, max_body), "request body"))
    if sum(raw.count(b"&") + 1 for raw, _ in sources if raw) > limits.parameters:
        raise ProtocolError(413, f"the request has more than {limits.parameters} parameters, the limit of this "
                                 "endpoint")
    params: list[tuple[str, str]] = []
    for raw, what in sources:
        try:
            params += parse_qsl(_decode(raw, what), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            place = "form data" if what == "request body" else what
            raise ProtocolError(400, f"the {place} is not valid UTF-8 once percent-decoded") from None
    return params


def _body(request: Request, max_body: int) -> bytes:
    length = request.content_length
    if length is not None and length > max_body:
        raise ProtocolError(413, f"the request body is larger than {max_body} bytes, the limit of this endpoint")
    body = request.stream.read(max_body + 1)
    if len(body) > max_body:
        raise ProtocolError(413, f"the request body is larger than {max_body} bytes, the limit of this endpoint")
    return body


def read_query_request(request: Request, max_body: int, max_query: int, limits: Limits = LIMITS) -> QueryRequest:
    """Parse ``request`` into a :class:`QueryRequest`, or raise :class:`ProtocolError`."""
    if request.method == "POST":
        if not request.mimetype:
            raise ProtocolError(400, "a POST needs a Content-Type: application/x-www-form-urlencoded or "
                                     "application/sparql-query")
        if request.mimetype == "application/sparql-update":
            raise ProtocolError(403, READ_ONLY)
        if request.mimetype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise ProtocolError(415, f"unsupported media type {request.mimetype}: send "
                                     "application/x-www-form-urlencoded or application/sparql-query")
    params = parameters(request, max_body, limits)
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    queries = values.get("query", [])
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        _charset_is_utf8(request)
        queries = queries + [_decode(_body(request, max_body), "request body")]
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        if queries:
            raise ProtocolError(400, "a request carries either a query or an update, not both")
        raise ProtocolError(403, READ_ONLY)
    if len(queries) > 1:
        raise ProtocolError(400, f"the request carries {len(queries)} queries; send exactly one")
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > max_query:
        raise ProtocolError(413, f"the query is longer than {max_query} bytes, the limit of this endpoint")
    for name in ("format", "timeout"):
        if values.get(name) and len(values[name][-1]) > limits.value:
            raise ProtocolError(400, f"{name}={shown(values[name][-1])} is longer than {limits.value} characters")
    solution_format, graph_format = _formats(request, values.get("format", []))
    timeout = None
    if values.get("timeout"):
        try:
            timeout = float(values["timeout"][-1])
        except ValueError:
            raise ProtocolError(400, f"timeout={values['timeout'][-1]!r} is not a number of seconds") from None
        if not timeout > 0:
            raise ProtocolError(400, "timeout must be a positive number of seconds")
    default_graphs = _graph_iris(values.get("default-graph-uri", []), "default-graph-uri", limits)
    named_graphs = _graph_iris(values.get("named-graph-uri", []), "named-graph-uri", limits)
    return QueryRequest(query, default_graphs, named_graphs, solution_format, graph_format, timeout)


def _graph_iris(iris: list[str], parameter: str, limits: Limits) -> list[str]:
    """The values of a graph IRI parameter, counted and measured, then each checked to be an absolute IRI."""
    if len(iris) > limits.graphs:
        raise ProtocolError(400, f"the request names {len(iris)} graphs by {parameter}; the limit of this endpoint "
                                 f"is {limits.graphs}")
    for value in iris:
        if len(value.encode("utf-8")) > limits.graph_iri:
            raise ProtocolError(400, f"{parameter}={shown(value)} is longer than {limits.graph_iri} bytes, the limit "
                                     "of this endpoint")
    for value in iris:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ProtocolError(400, f"{parameter}={shown(value)} is not an absolute IRI ({exc})") from None
    return iris


def _formats(request: Request, format_values: list[str]) -> tuple[str | None, str | None]:
    """The solution and graph media types to answer in; ``format=`` overrides Accept."""
    if format_values:
        media_type = resolve_format(format_values[-1])
        if media_type is None:
            raise ProtocolError(400, f"format={shown(format_values[-1])} is unknown; use one of json, xml, csv, tsv, "
                                     "turtle, ntriples, jsonld, rdfxml")
    else:
        media_type = None
    accept = request.headers.get("Accept")
    solution = media_type if media_type in SOLUTION_TYPES else choose(accept, SOLUTION_TYPES)
    graph = media_type if media_type in GRAPH_TYPES else choose(accept, GRAPH_TYPES)
    return solution, graph
