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
    contacts with India, in contrast to s078's "no formal interaction") stays a position: the fact does not cite its
    sentence for a concept that sentence attests (a status, kind, formality …)."""
    positions = PREFIX + """SELECT ?position ?fact WHERE {
      ?position a nat:Statement . ?fact a nat:Fact .
      VALUES ?against { nat:conflictsWith nat:contrastsWith }
      { ?position ?against ?fact } UNION { ?fact ?against ?position }
    }"""
    assert list(run_query(store, positions)), "the graph sets an attributed position against a fact"
    borrowed = PREFIX + """PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT DISTINCT ?fact ?value ?sentence WHERE {
      ?position a nat:Statement ; prov:wasDerivedFrom ?sentence .
      ?fact a nat:Fact ; prov:wasDerivedFrom ?sentence ; ?property ?value .
      VALUES ?against { nat:conflictsWith nat:contrastsWith }
      { ?position ?against ?fact } UNION { ?fact ?against ?position }
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


LOCAL = "https://w3id.org/natoasia/id/"


def pairs(store, prop: str) -> set[tuple[str, str]]:
    rows = run_query(store, PREFIX + f"SELECT ?a ?b WHERE {{ ?a nat:{prop} ?b }}")
    return {(str(r["a"].value)[len(LOCAL):], str(r["b"].value)[len(LOCAL):]) for r in rows}


def test_conflict_is_kept_for_the_counter_considerations_the_article_weighs(store):
    """Issue 19: nat:conflictsWith (AIF CA) is a reason against, a rival explanation (s047: the ties might have
    emerged anyway; s109: Europe and Asia differ, but some attributes of NATO may be relevant). A "but",
    "however", "nevertheless" or "although" between two things the article holds both true is a contrast."""
    assert pairs(store, "conflictsWith") == {
        ("claim/nato-asia-ties-might-have-emerged-anyway", "claim/afghanistan-concerns-motivated-asian-connections"),
        ("claim/nato-attributes-may-be-relevant", "claim/europe-asia-differences"),
    }
    contrasts = pairs(store, "contrastsWith")
    assert ("statement/nato-circles-discuss-formal-contacts-india", "relationship/nato-india") in contrasts  # s079
    assert ("statement/nato-door-open-south-korea", "statement/south-korea-prefers-limited-contribution") in contrasts  # s084
    assert ("content/asymmetric-relations", "content/stabilising-afghanistan-shared-goal") in contrasts  # s092
    assert not contrasts & pairs(store, "conflictsWith")


def test_background_that_makes_a_claim_true_is_evidence_not_a_conflict(store):
    """s025: forty years of planning for a hypothetical situation are what makes "catapulted into the real world" true."""
    assert ("event/allied-planning-for-hypothetical-situation", "claim/bosnia-catapulted-nato-into-real-world") in \
        pairs(store, "supports")
    assert not {p for p in pairs(store, "conflictsWith") | pairs(store, "contrastsWith")
                if "allied-planning-for-hypothetical-situation" in p[0] + p[1]}


def test_supports_is_derived_from_link_nodes_and_never_asserted(sources, store):
    """nat:supports comes only from nat:Support nodes (owl:propertyChainAxiom), each with a cue or the inference flag."""
    assert list(sources.union("graph").subject_objects(NAT.supports)) == []
    links = run_query(store, PREFIX + """SELECT ?e ?c WHERE { ?l a nat:Support ; nat:evidence ?e ; nat:supported ?c }""")
    derived = pairs(store, "supports")
    assert derived and derived == {(str(r["e"].value)[len(LOCAL):], str(r["c"].value)[len(LOCAL):]) for r in links}


def test_no_evidence_link_the_article_does_not_draw(store):
    """Issue 19: South Korea's support to separate US forces (s083) and India's interest in ties (s080) are no evidence
    that every relationship is geared to Afghanistan (s091); what the country sections report without tying it to the
    claim is flagged as the modeller's inference, not given a cue."""
    geared = {e for e, c in pairs(store, "supports") if c == "claim/every-relationship-geared-to-afghanistan"}
    assert "contribution/south-korea-medical-engineering-support" not in geared
    assert "statement/india-interest-formal-ties-nato" not in geared
    inferred = {str(r["e"].value)[len(LOCAL):] for r in run_query(store, PREFIX + """SELECT ?e WHERE {
        ?l nat:isInference true ; nat:evidence ?e ; nat:supported <https://w3id.org/natoasia/id/claim/every-relationship-geared-to-afghanistan> }""")}
    assert inferred == {"contribution/south-korea-troops-afghanistan", "contribution/singapore-contingent-afghanistan"}


def test_cue_words_are_the_words_of_the_cue_sentence(store):
    """A cue quotes the article: nat:cueWords occur in the cue sentence's text (spacing aside)."""
    rows = list(run_query(store, PREFIX + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?l ?words ?text WHERE { ?l nat:cueWords ?words ; nat:cue/rdf:value ?text }"""))
    assert len(rows) >= 10
    squeeze = lambda s: " ".join(s.split())  # noqa: E731
    assert [str(r["l"].value) for r in rows if squeeze(r["words"].value) not in squeeze(r["text"].value)] == []
