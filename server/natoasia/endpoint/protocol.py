"""Reading a SPARQL 1.1 Protocol request: operation, dataset, result formats, or the error to answer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Request

from natoasia.endpoint.negotiation import GRAPH_TYPES, SOLUTION_TYPES, choose, resolve_format


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


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {exc.start}); send UTF-8") from None


def _charset_is_utf8(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"charset={charset} is not supported: SPARQL requests must be UTF-8")


def parameters(request: Request, max_body: int) -> list[tuple[str, str]]:
    """All protocol parameters: the URL's, then (for a form POST) the body's."""
    raw_query = request.query_string
    params = parse_qsl(_decode(raw_query, "URL query string"), keep_blank_values=True, errors="strict")
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        _charset_is_utf8(request)
        body = _body(request, max_body)
        try:
            params += parse_qsl(_decode(body, "request body"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the form data is not valid UTF-8 once percent-decoded") from None
    return params


def _body(request: Request, max_body: int) -> bytes:
    length = request.content_length
    if length is not None and length > max_body:
        raise ProtocolError(413, f"the request body is larger than {max_body} bytes, the limit of this endpoint")
    body = request.stream.read(max_body + 1)
    if len(body) > max_body:
        raise ProtocolError(413, f"the request body is larger than {max_body} bytes, the limit of this endpoint")
    return body


def read_query_request(request: Request, max_body: int, max_query: int) -> QueryRequest:
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
    try:
        params = parameters(request, max_body)
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL query string is not valid UTF-8 once percent-decoded") from None
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
    solution_format, graph_format = _formats(request, values.get("format", []))
    timeout = None
    if values.get("timeout"):
        try:
            timeout = float(values["timeout"][-1])
        except ValueError:
            raise ProtocolError(400, f"timeout={values['timeout'][-1]!r} is not a number of seconds") from None
        if not timeout > 0:
            raise ProtocolError(400, "timeout must be a positive number of seconds")
    default_graphs = [_graph_iri(v, "default-graph-uri") for v in values.get("default-graph-uri", [])]
    named_graphs = [_graph_iri(v, "named-graph-uri") for v in values.get("named-graph-uri", [])]
    return QueryRequest(query, default_graphs, named_graphs, solution_format, graph_format, timeout)


def _graph_iri(value: str, parameter: str) -> str:
    """A graph IRI parameter, checked to be an absolute IRI."""
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ProtocolError(400, f"{parameter}={value!r} is not an absolute IRI ({exc})") from None
    return value


def _formats(request: Request, format_values: list[str]) -> tuple[str | None, str | None]:
    """The solution and graph media types to answer in; ``format=`` overrides Accept."""
    if format_values:
        media_type = resolve_format(format_values[-1])
        if media_type is None:
            raise ProtocolError(400, f"format={format_values[-1]!r} is unknown; use one of json, xml, csv, tsv, "
                                     "turtle, ntriples, jsonld, rdfxml")
    else:
        media_type = None
    accept = request.headers.get("Accept")
    solution = media_type if media_type in SOLUTION_TYPES else choose(accept, SOLUTION_TYPES)
    graph = media_type if media_type in GRAPH_TYPES else choose(accept, GRAPH_TYPES)
    return solution, graph
