"""An external SPARQL 1.1 store (Virtuoso, Fuseki, QLever, GraphDB, Neptune …) reached over HTTP: the
requests sent to it and the ways it can fail. The endpoint puts it behind the worker pool's interface
(:mod:`natoasia.endpoint.remote`); :mod:`natoasia.stores.load` fills it.
"""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
#: A resource's description as the embedded store gives it (its triples, the triples of the nodes that
#: point at it, the sentences they cite with their selectors, and the labels of what they mention), as
#: CONSTRUCT queries any SPARQL 1.1 store answers; ``{r}`` is the resource's IRI.
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


class StoreError(Exception):
    """The external store answered with an HTTP error."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class StoreTimeout(Exception):
    """The external store did not answer within the time allowed."""


class StoreUnreachable(Exception):
    """The external store cannot be reached."""


def term(binding: dict):
    """A term of a SPARQL JSON results binding as a pyoxigraph term."""
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
    """A SPARQL 1.1 Protocol endpoint that answers queries."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def request(self, query: str, accept: str, limit: float, default_graphs: list[str] | None = None,
                named_graphs: list[str] | None = None) -> bytes:
        """The store's answer to ``query`` in the media type ``accept``, whole, within ``limit`` seconds."""
        with self.answer(query, accept, limit, default_graphs, named_graphs) as stream:
            return stream.read()

    @contextlib.contextmanager
    def answer(self, query: str, accept: str, limit: float, default_graphs: list[str] | None = None,
               named_graphs: list[str] | None = None):
        """The store's answer to ``query`` in the media type ``accept``, as a binary stream to read (and
        parse) as it arrives, all of it within ``limit`` seconds (a later read raises :class:`StoreTimeout`).

        A form POST: every SPARQL 1.1 store reads it (Virtuoso 7 does not read a direct
        application/sparql-query body); a protocol dataset goes along as the same parameters.
        """
        deadline = time.monotonic() + limit
        pairs = [("query", query)]
        pairs += [("default-graph-uri", g) for g in default_graphs or []]
        pairs += [("named-graph-uri", g) for g in named_graphs or []]
        request = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode(pairs).encode("ascii"),
                                         method="POST", headers={"Accept": accept,
                                                                 "Content-Type": "application/x-www-form-urlencoded"})
        try:
            response = urllib.request.urlopen(request, timeout=limit)
        except urllib.error.HTTPError as exc:
            raise StoreError(exc.code, exc.read(64 * 1024).decode("utf-8", "replace")) from None
        except (socket.timeout, TimeoutError):
            raise StoreTimeout(f"the query did not finish within {limit:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise StoreTimeout(f"the query did not finish within {limit:g} s") from None
            raise StoreUnreachable(f"the external store at {self.endpoint} cannot be reached ({exc.reason})") from None
        with response:
            yield _Deadline(response, deadline, limit)


class _Deadline:
    """A response whose reads must all end by ``deadline``."""

    def __init__(self, response, deadline: float, limit: float):
        self.response, self.deadline, self.limit = response, deadline, limit

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the answer (all of it for -1)."""
        if time.monotonic() > self.deadline:
            raise StoreTimeout(f"the query did not finish within {self.limit:g} s")
        try:
            return self.response.read(size)
        except (socket.timeout, TimeoutError):
            raise StoreTimeout(f"the query did not finish within {self.limit:g} s") from None
