"""Deterministic RDF output: canonical blank-node labels, sorted statements, one writer per format."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.compare import to_canonical_graph

from natoasia.namespaces import PREFIXES, qname

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes carry labels computed from the graph's content."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return to_canonical_graph(graph)


def to_ox(term):
    """rdflib term → pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term) -> Node:
    """A pyoxigraph term as an rdflib term (xsd:string literals as rdflib's plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _sort_key(term) -> tuple:
    return (type(term).__name__, str(term), str(getattr(term, "datatype", "") or ""), getattr(term, "language", "") or "")


def sorted_triples(graph: Graph) -> list[ox.Triple]:
    """The graph's triples as pyoxigraph triples, in a fixed order."""
    return [ox.Triple(*(to_ox(t) for t in triple))
            for triple in sorted(graph, key=lambda tr: tuple(_sort_key(t) for t in tr))]


def used_prefixes(triples) -> dict[str, str]:
    """The subset of :data:`PREFIXES` that some IRI in ``triples`` uses."""
    iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for triple in triples for t in triple if isinstance(t, ox.Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def serialize_triples(triples: list[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize already sorted triples; JSON-LD is compacted with a prefix context.

    ``prefixes`` is :func:`used_prefixes` of ``triples`` where the caller has it already.
    """
    if fmt == ox.RdfFormat.JSON_LD:
        return jsonld_compact(triples, prefixes)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        prefixes = prefixes if prefixes is not None else used_prefixes(triples)
    else:
        prefixes = None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


def serialize_quads(quads: list[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize already sorted quads (N-Quads or TriG); ``prefixes`` as for :func:`serialize_triples`."""
    if fmt == ox.RdfFormat.TRIG:
        prefixes = prefixes if prefixes is not None else used_prefixes([q.triple for q in quads])
    else:
        prefixes = None
    return ox.serialize(quads, format=fmt, prefixes=prefixes)


def jsonld_compact(triples: list[ox.Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """JSON-LD with an ``@context`` of the prefixes used, compact IRIs, and ``@type`` for rdf:type."""
    context = prefixes if prefixes is not None else used_prefixes(triples)
    nodes = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    rdf_type = PREFIXES["rdf"] + "type"
    shortened: dict[str, str] = {}  # each IRI once: qname tries every prefix

    def short(iri: str) -> str:
        if iri not in shortened:
            compact = qname(iri)
            shortened[iri] = compact if not compact.startswith("<") and compact.split(":")[0] in context else iri
        return shortened[iri]

    def value(v: dict) -> dict:
        if "@id" in v:
            return {"@id": v["@id"] if v["@id"].startswith("_:") else short(v["@id"])}
        out = {"@value": v["@value"]}
        if "@language" in v:
            out["@language"] = v["@language"]
        elif v.get("@type") and v["@type"] != XSD_STRING:
            out["@type"] = short(v["@type"])
        return out

    compacted = []
    for node in nodes:
        item = {"@id": node["@id"] if node["@id"].startswith("_:") else short(node["@id"])}
        if rdf_type in node:
            item["@type"] = [short(t["@id"]) for t in node[rdf_type]]
        for key in sorted(k for k in node if not k.startswith("@") and k != rdf_type):
            item[short(key)] = [value(v) for v in node[key]]
        compacted.append(item)
    document = {"@context": context, "@graph": compacted}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
