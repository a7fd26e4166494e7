"""The endpoint answers every literal with the datatype the dumps and the shapes give it.

pyoxigraph 0.5 stores a literal of a type derived from ``xsd:integer`` (``xsd:nonNegativeInteger``…) as
``xsd:integer``: a dump saying ``"160"^^xsd:nonNegativeInteger`` would be answered as ``xsd:integer``.
So amounts, counts and offsets are ``xsd:integer`` everywhere, their minimum a constraint
(``sh:minInclusive 0``), not a datatype the store drops.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import RDFS, SH, XSD

NAT = Namespace("https://w3id.org/natoasia/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
NZ = "https://w3id.org/natoasia/id/contribution/new-zealand-troops-afghanistan"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def ask(base: str, query: str) -> list[dict]:
    """SELECT on the running endpoint, as SPARQL JSON bindings."""
    request = urllib.request.Request(base + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["results"]["bindings"]


def dump_datatypes(built) -> dict[tuple[str, str, str], str]:
    """(subject, predicate, lexical form) → datatype IRI of every typed literal in the N-Quads dump, as written."""
    found = {}
    for line in (built / "natoasia.nq").read_text(encoding="utf-8").splitlines():
        quad = next(iter(ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS)), None)
        if quad is not None and isinstance(quad.object, ox.Literal) and quad.object.language is None:
            found[(quad.subject.value, quad.predicate.value, quad.object.value)] = quad.object.datatype.value
    return found


def test_endpoint_answers_an_amount_with_the_dumps_datatype(live_server, built):
    written = dump_datatypes(built)[(NZ, str(NAT.amount), "160")]
    rows = ask(live_server, f"SELECT (DATATYPE(?amount) AS ?type) WHERE {{ <{NZ}> <{NAT.amount}> ?amount }}")
    assert [row["type"]["value"] for row in rows] == [written] == [str(XSD.integer)]


def test_endpoint_keeps_the_datatype_of_every_literal(live_server, built):
    written = dump_datatypes(built)
    rows = ask(live_server, """SELECT ?s ?p ?o (DATATYPE(?o) AS ?type) WHERE {
        GRAPH ?g { ?s ?p ?o FILTER (isLITERAL(?o) && LANG(?o) = "") }
        FILTER (STRSTARTS(STR(?g), "https://w3id.org/natoasia/graph/")) }""")
    answered = {(r["s"]["value"], r["p"]["value"], r["o"]["value"]): r["type"]["value"]
                for r in rows if r["s"]["type"] == "uri"}
    named = {key for key in written if not key[0].startswith("_:") and written[key] != RDF_LANGSTRING}
    changed = {key: (written[key], answered.get(key)) for key in named if answered.get(key) != written[key]}
    assert changed == {}
    assert len(named) > 300


def test_shapes_and_ontology_declare_the_datatype_the_store_keeps(shapes, sources):
    ontology = sources.union("ontology")
    for path in (NAT.amount, NAT.memberCount, NAT.paragraph, OA.start, OA.end):
        declared = {o for s in shapes.subjects(SH.path, path) for o in shapes.objects(s, SH.datatype)}
        assert declared == {XSD.integer}, path
    for path, least in ((NAT.amount, 0), (NAT.memberCount, 0), (NAT.paragraph, 1), (OA.start, 0)):
        minimum = {int(o) for s in shapes.subjects(SH.path, path) for o in shapes.objects(s, SH.minInclusive)}
        assert minimum == {least}, f"{path}: the minimum is kept as a constraint"
    for prop in (NAT.amount, NAT.memberCount, NAT.paragraph):
        assert ontology.value(prop, RDFS.range) == XSD.integer, prop


def test_no_source_writes_a_type_the_store_would_rewrite(sources):
    derived = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.long,
               XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte}
    graph = sources.union("graph", "background")
    assert {o.datatype for o in graph.objects() if getattr(o, "datatype", None) in derived} == set()
