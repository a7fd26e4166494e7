"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol queries and the service description."""

from __future__ import annotations

import hashlib
import logging
import select
import socket

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, request

from natoasia.endpoint.negotiation import GRAPH_TYPES, choose
from natoasia.endpoint.protocol import ProtocolError, read_query_request
from natoasia.endpoint.service_description import service_description
from natoasia.endpoint.solutions import GRAPH_WRITERS
from natoasia.namespaces import PREFIXES

bp = Blueprint("sparql", __name__)
access = logging.getLogger("natoasia.access")
ALLOWED = "GET, HEAD, POST, OPTIONS"


def engine():
    """The application's :class:`~natoasia.endpoint.engine.Engine`."""
    return current_app.extensions["natoasia"]


def plain(status: int, message: str) -> Response:
    """A ``text/plain`` error response."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def sparql():
    """Answer a query, or describe the service when a GET carries no query."""
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Allow"] = ALLOWED
        return response
    settings = engine().settings
    query_hash = "-"
    try:
        query_request = read_query_request(request, settings.max_body_bytes, settings.max_query_bytes)
        if query_request.query is None and request.method in ("GET", "HEAD"):
            return describe_service()
        query_hash = hashlib.sha256((query_request.query or "").encode()).hexdigest()[:12]
        outcome = engine().evaluate(query_request, base_iri=endpoint_url(), abandoned=client_gone(request.environ))
        status, media_type, body, rows = outcome.status, outcome.media_type, outcome.body, outcome.rows
    except ProtocolError as exc:
        status, media_type, body, rows = exc.status, "text/plain; charset=utf-8", (exc.message + "\n").encode(), 0
    g.query_log = (query_hash, rows)
    response = Response(body, status=status, content_type=media_type)
    if status == 200 and request.method in ("GET", "HEAD"):
        _cacheable(response, media_type)
    elif status != 200:
        response.headers["Cache-Control"] = "no-store"
    if status == 413:  # the body was not read: the connection cannot carry another request
        response.headers["Connection"] = "close"
    return response


def client_gone(environ: dict):
    """A check whether the client of this request has closed its connection (None where the server
    does not expose the socket, as in Flask's test client): the socket reads as ready and a peek finds
    no byte. A client that sends its next request meanwhile (pipelining) is still there."""
    sock = environ.get("gunicorn.socket")
    if sock is None:
        return None

    def gone() -> bool:
        try:
            poller = select.poll()  # not select(): a process holding thousands of connections has fds past 1024
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0)) and sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:  # reset by the peer, or closed
            return True

    return gone


def endpoint_url() -> str:
    """The URL this endpoint was asked at, without its query string (cheap: no IRI decoding)."""
    return f"{request.scheme}://{request.host}{request.path}"


def _cacheable(response: Response, media_type: str) -> None:
    key = b"\0".join((engine().version.encode(), request.path.encode(), request.query_string, media_type.encode()))
    response.set_etag(hashlib.sha256(key).hexdigest()[:32])
    response.headers["Cache-Control"] = f"public, max-age={engine().settings.cache_max_age}"
    response.make_conditional(request)


def describe_service() -> Response:
    """The service description in the negotiated RDF format (Turtle by default)."""
    media_type = choose(request.headers.get("Accept"), GRAPH_TYPES + ["text/html"])
    if media_type == "text/html":  # a browser: the query page
        from flask import redirect
        return redirect("/query", code=303)
    if media_type is None:
        return plain(406, "the service description is available as text/turtle, application/n-triples, "
                          "application/ld+json or application/rdf+xml")
    triples = service_description(endpoint_url(), engine().graphs)
    prefixes = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": PREFIXES["void"],
                "dcterms": PREFIXES["dcterms"]}
    fmt = GRAPH_WRITERS[media_type]
    body = ox.serialize(triples, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
    response = Response(body, content_type=media_type)
    _cacheable(response, media_type)
    return response
