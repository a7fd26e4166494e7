"""Linked data (Cool URIs): every project IRI answers at its path — a page for people, RDF for machines,
by content negotiation or by a file extension — and so do the dataset's IRI and its named graphs;
anything else is a helpful 404, a path that spells no valid IRI included. An error is always plain text
or a page, never served as RDF."""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request

from natoasia.endpoint.negotiation import choose
from natoasia.endpoint.protocol import ProtocolError, QueryRequest
from natoasia.site import resource_page
from natoasia.site.article import sentence_page
from natoasia.site.links import engine, public_base

bp = Blueprint("resources", __name__)
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
             "rdf": "application/rdf+xml"}
DOCUMENT_TYPES = ["text/html", *RDF_TYPES.values()]
EXTENSION_OF = {v: k for k, v in RDF_TYPES.items()} | {"text/html": "html"}
EXTENSIONS = ("html", *RDF_TYPES)


def negotiated(extension: str | None) -> str | None:
    """The media type asked for by a file extension, else by the Accept header (HTML first)."""
    if extension:
        return "text/html" if extension == "html" else RDF_TYPES.get(extension)
    return choose(request.headers.get("Accept"), DOCUMENT_TYPES)


def alternates(path: str) -> str:
    """The ``Link`` header naming a document's alternate formats."""
    return ", ".join(f'<{path}.{ext}>; rel="alternate"; type="{media}"' for ext, media in
                     [("html", "text/html"), *RDF_TYPES.items()])


def invalid_iri(iri: str) -> str | None:
    """Why ``iri`` is not a valid absolute IRI (RFC 3987, as pyoxigraph reads it), or None if it is."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None


def split_extension(rest: str) -> tuple[str, str | None]:
    """A resource path and the file extension that names its format, if any (``japan.ttl`` → ``japan``,
    ``ttl``)."""
    name, dot, extension = rest.rpartition(".")
    if dot and name and extension in EXTENSIONS:
        return name, extension
    return rest, None



@bp.route("/id/<path:rest>")
def resource(rest: str):
    """A project resource: its page or its RDF description, by content negotiation."""
    name, extension = split_extension(rest)
    iri = public_base() + "id/" + name
    reason = invalid_iri(iri)
    if reason is not None:
        return not_found(iri, f"this path does not spell a valid IRI: {reason}")
    media_type = negotiated(extension)
    if media_type is None:
        return Response("406 Not Acceptable: this resource is available as text/html, text/turtle, "
                        "application/ld+json, application/n-triples and application/rdf+xml\n",
                        status=406, mimetype="text/plain")
    graph_type = "application/n-triples" if media_type == "text/html" else media_type
    page = sentence_page(iri) if media_type == "text/html" and name.startswith("sentence/") else None
    if page is not None:  # a sentence reads as its place in the article and what the graph took from it
        return _document(Response(page), name, media_type)
    outcome = engine().describe(iri, graph_type)
    if outcome.status == 404:
        return not_found(iri)
    if outcome.status != 200:  # a refusal is said in words, never served as the resource's RDF
        return plain(outcome.status, outcome.body.decode("utf-8", "replace"))
    if media_type == "text/html":
        response = resource_page.response(iri, "/id/" + name, outcome.body, request.args)
    else:
        response = Response(outcome.body, content_type=media_type)
    return _document(response, name, media_type)


def _document(response: Response, name: str, media_type: str) -> Response:
    """A resource's document with the headers naming its format and alternates."""
    response.headers["Content-Location"] = f"/id/{name}.{EXTENSION_OF[media_type]}"
    response.headers["Link"] = alternates("/id/" + name)
    response.vary.add("Accept")
    return response


def not_found(iri: str, reason: str | None = None) -> Response:
    """A helpful 404: what was asked (and why it cannot be, given a ``reason``), and where to look instead."""
    if choose(request.headers.get("Accept"), ["text/html", "text/plain"]) == "text/html":
        return Response(render_template("notfound.html", iri=iri, reason=reason, words=search_words(iri)),
                        status=404, mimetype="text/html")
    said = f"{iri!r}: {reason}" if reason else f"the graph says nothing about <{iri}>"
    return Response(f"404 Not Found: {said}; see /query or /downloads\n", status=404, mimetype="text/plain")


def plain(status: int, message: str) -> Response:
    """A refusal in words (``text/plain``), never cached."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def search_words(iri: str) -> str:
    """What a reader was probably looking for, from the IRI's last segment (``…/country/new-zeeland`` →
    ``new zeeland``), for a search link; empty when it holds no word."""
    words = " ".join(re.findall(r"[^\W_]+", iri.rstrip("/").rsplit("/", 1)[-1]))
    return words[:60]


@bp.app_errorhandler(404)
def _not_found(_exc):
    return not_found(request.base_url)


@bp.app_errorhandler(ProtocolError)
def _refused(exc: ProtocolError):
    """A page whose query the engine refused (a time limit, no free worker): the status and its reason."""
    return plain(exc.status, exc.message)


@bp.route("/dataset")
def dataset():
    """The dataset's IRI: see its VoID description."""
    return redirect("/.well-known/void", code=303)


@bp.route("/graph/<name>")
def named_graph(name: str):
    """A named graph of the dataset (ontology, facts, entailments, loaded files), as Turtle."""
    iri = public_base() + "graph/" + name
    if iri not in engine().graphs:
        return not_found(iri)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    outcome = engine().evaluate(QueryRequest(query, [], [], None, "text/turtle", None), internal=True)
    return Response(outcome.body, status=outcome.status, content_type=outcome.media_type)
