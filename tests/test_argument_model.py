"""What the article says (nat:Content) never becomes a fact: in the reasoner, the dumps and the union graph.

tools/MODELLING.md, "The argument": claims, predictions, proposals and attributed positions hold
what they say as content nodes, disjoint from facts, built from content properties only.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from natoasia.namespaces import NAT
from natoasia.stores.embedded import run_query

from .helpers import subclasses

PREFIX = "PREFIX nat: <https://w3id.org/natoasia/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
FACT_ROOTS = (NAT.Fact, NAT.Event, NAT.Actor, NAT.Place, NAT.Assessment)
OXIGRAPH_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
NS_GROUP = "https://w3id.org/natoasia/id/group/"
DUMPS = (("natoasia.trig", "trig"), ("natoasia.nq", "nquads"), ("natoasia.ttl", "turtle"),
         ("natoasia.nt", "nt"), ("natoasia.jsonld", "json-ld"), ("natoasia.rdf", "xml"))


def content_nodes(graph) -> set:
    return set(graph.subjects(RDF.type, NAT.Content))


def test_the_graph_has_content_nodes(data):
    assert len(content_nodes(data)) >= 60


def test_no_fact_property_is_used_on_a_content_node(data):
    """A property whose domain is a fact, event, actor, place or assessment class would make the content a fact."""
    fact_classes = set().union(*(subclasses(data, root) for root in FACT_ROOTS))
    fact_properties = {p for p, d in data.subject_objects(RDFS.domain) if d in fact_classes}
    misused = sorted((str(c), str(p)) for c in content_nodes(data) for p in data.predicates(c) if p in fact_properties)
    assert not misused


def test_reasoning_never_types_content_as_a_fact(store):
    """Over the union of asserted and entailed graphs, a content node has no fact, event or assessment type."""
    query = PREFIX + """SELECT DISTINCT ?content ?type WHERE {
      ?content a nat:Content ; a ?type .
      VALUES ?root { nat:Fact nat:Event nat:Actor nat:Place nat:Assessment nat:Concept }
      ?type rdfs:subClassOf* ?root .
    }"""
    assert list(run_query(store, query)) == []


def test_a_facts_query_over_the_union_returns_no_proposed_party(store):
    """Parties that only act in what the author proposes (think tanks, s125; policy makers, s124) are no fact's partner."""
    said = PREFIX + """SELECT DISTINCT ?x WHERE {
      ?p a nat:Proposal ; nat:hasContent/nat:actingParty ?x .
      FILTER NOT EXISTS { ?fact a nat:Fact ; ?anyProperty ?x }
    }"""
    only_proposed = {s["x"] for s in run_query(store, said)}
    assert {NS_GROUP + "think-tanks", NS_GROUP + "asian-policy-makers"} <= {str(x.value) for x in only_proposed}
    facts = PREFIX + "SELECT DISTINCT ?x WHERE { ?r a nat:Relationship ; nat:partner ?x . }"
    assert not only_proposed & {s["x"] for s in run_query(store, facts)}


def test_a_fact_takes_no_status_or_kind_from_a_position_set_against_it(store):
    """A position the article attributes to an actor and sets against a fact (s079, NATO circles discussing formal
    contacts with India, against s078's "no formal interaction") stays a position: the fact does not cite its
    sentence for a concept that sentence attests (a status, kind, formality …)."""
    positions = PREFIX + """SELECT ?position ?fact WHERE {
      ?position a nat:Statement . ?fact a nat:Fact .
      { ?position nat:conflictsWith ?fact } UNION { ?fact nat:conflictsWith ?position }
    }"""
    assert list(run_query(store, positions)), "the graph sets an attributed position against a fact"
    borrowed = PREFIX + """PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT DISTINCT ?fact ?value ?sentence WHERE {
      ?position a nat:Statement ; prov:wasDerivedFrom ?sentence .
      ?fact a nat:Fact ; prov:wasDerivedFrom ?sentence ; ?property ?value .
      { ?position nat:conflictsWith ?fact } UNION { ?fact nat:conflictsWith ?position }
      ?value a nat:Concept ; nat:attestedBy ?sentence .
    }"""
    assert [tuple(str(row[v].value) for v in ("fact", "value", "sentence")) for row in run_query(store, borrowed)] == []


@pytest.mark.parametrize(("name", "fmt"), DUMPS, ids=[d[0] for d in DUMPS])
def test_every_dump_keeps_the_content_nodes_as_plain_triples(built, data, name, fmt):
    """Each dump parses (rdflib for the triple formats) without RDF 1.2 triple terms, which Virtuoso 7 and rdflib reject, and holds every content node."""
    text = (built / name).read_text(encoding="utf-8")
    assert "<<(" not in text
    if fmt in OXIGRAPH_FORMATS:  # rdflib's own quad and JSON-LD parsers raise DeprecationWarnings
        found = {URIRef(q.subject.value) for q in ox.parse(input=text.encode(), format=OXIGRAPH_FORMATS[fmt])
                 if q.predicate.value == str(RDF.type) and q.object.value == str(NAT.Content)}
    else:
        found = content_nodes(Graph().parse(data=text, format=fmt))
    assert found >= content_nodes(data)


def test_content_properties_have_content_as_domain(data):
    """The parts of what is said are content properties, so reasoning keeps them off facts."""
    for prop in (NAT.actingParty, NAT.withParty, NAT.action, NAT.actsOn, NAT.creates, NAT.changes,
                 NAT.describes, NAT.ascribes, NAT.similarTo, NAT.contentRegion, NAT.contentTime):
        assert data.value(prop, RDFS.domain) == NAT.Content, prop
