"""Result formats and their media types, in one table shared by the CLI, the exports and the endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class ResultFormat:
    """A way to write query results."""

    name: str
    media_type: str
    kind: str  # "solutions" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE)
    oxigraph: object | None = None  # pyoxigraph format, None for formats written by us


SOLUTION_FORMATS = (
    ResultFormat("json", "application/sparql-results+json", "solutions", ox.QueryResultsFormat.JSON),
    ResultFormat("xml", "application/sparql-results+xml", "solutions", ox.QueryResultsFormat.XML),
    ResultFormat("csv", "text/csv", "solutions", ox.QueryResultsFormat.CSV),
    ResultFormat("tsv", "text/tab-separated-values", "solutions", ox.QueryResultsFormat.TSV),
    ResultFormat("table", "text/plain", "solutions", None),
)
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", "graph", ox.RdfFormat.TURTLE),
    ResultFormat("ntriples", "application/n-triples", "graph", ox.RdfFormat.N_TRIPLES),
    ResultFormat("jsonld", "application/ld+json", "graph", ox.RdfFormat.JSON_LD),
    ResultFormat("rdfxml", "application/rdf+xml", "graph", ox.RdfFormat.RDF_XML),
)
BY_NAME = {f.name: f for f in SOLUTION_FORMATS + GRAPH_FORMATS}
CLI_FORMATS = ("table", "csv", "tsv", "json", "turtle")
