"""Background knowledge (``background/``) is kept apart: its own named graph with its own source, never
in the article's facts, described by VoID, the service description and the home page, and validated."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, VOID

from natoasia import BACKGROUND_GRAPH, ENTAILMENTS_GRAPH, FACTS_GRAPH, ONTOLOGY_GRAPH

NAT = Namespace("https://w3id.org/natoasia/ontology#")
ID = Namespace("https://w3id.org/natoasia/id/")
BACKGROUND = URIRef(BACKGROUND_GRAPH)


@pytest.fixture(scope="module")
def quads(built) -> dict[str, Graph]:
    """The N-Quads dump as written by the build, one rdflib graph per named graph."""
    triples: dict[str, list] = {}
    for quad in ox.parse(path=str(built / "natoasia.nq"), format=ox.RdfFormat.N_QUADS):
        triples.setdefault(quad.graph_name.value, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return {name: Graph().parse(data=ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
            for name, ts in triples.items()}


def _graph(quads: dict[str, Graph], name: str) -> Graph:
    return quads.get(name, Graph())


def test_background_is_a_named_graph_of_its_own(quads):
    background = _graph(quads, BACKGROUND_GRAPH)
    assert (ID["country/china"], NAT.locatedIn, ID["place/asia"]) in background
    assert (ID["country/australia"], NAT.locatedIn, ID["place/oceania"]) in background
    assert (ID["place/kosovo"], NAT.locatedIn, ID["place/former-yugoslavia"]) in background


def test_no_background_statement_is_in_the_facts_or_entailments(quads):
    background = set(_graph(quads, BACKGROUND_GRAPH))
    assert len(background) > 20
    for name in (FACTS_GRAPH, ENTAILMENTS_GRAPH, ONTOLOGY_GRAPH):
        assert background & set(_graph(quads, name)) == set(), name


def test_the_facts_loader_never_reads_the_background(sources):
    """``graph/*.ttl`` are the article's facts; ``background/*.ttl`` are read as their own kind."""
    assert sources.files["background"], "background/ is read"
    assert all(path.parent.name == "graph" for path in sources.files["graph"])
    assert all(path.parent.name == "background" for path in sources.files["background"])
    assert (ID["country/china"], NAT.locatedIn, ID["place/asia"]) not in sources.union("graph")
    assert (ID["country/china"], NAT.locatedIn, ID["place/asia"]) in sources.union("background")


def test_background_cites_no_sentence_and_has_its_own_source(quads):
    background = _graph(quads, BACKGROUND_GRAPH)
    assert not list(background.triples((None, PROV.wasDerivedFrom, None)))
    assert not list(background.triples((None, NAT.attestedBy, None)))
    sources = set(background.objects(BACKGROUND, DCTERMS.source))
    assert URIRef("http://www.wikidata.org/entity/Q148") in sources  # China's item
    assert not any(str(s).startswith(str(ID)) for s in sources), "the background's source is not the article"


def test_background_only_entities_are_defined_by_the_background_graph(quads):
    background, facts = _graph(quads, BACKGROUND_GRAPH), _graph(quads, FACTS_GRAPH)
    for place in (ID["place/oceania"], ID["place/tokyo"], ID["place/seoul"], ID["place/islamabad"]):
        assert (place, RDFS.isDefinedBy, BACKGROUND) in background
        assert (place, None, None) not in facts


def test_union_dumps_hold_the_background(built, quads):
    union = Graph().parse(data=(built / "natoasia.nt").read_text(encoding="utf-8"), format="nt")
    assert set(_graph(quads, BACKGROUND_GRAPH)) <= set(union)


def test_void_describes_the_background_subset_with_its_source(built, quads):
    void = Graph().parse(data=(built / "void.ttl").read_text(encoding="utf-8"), format="turtle")
    dataset = next(void.subjects(VOID.subset, BACKGROUND))
    assert (dataset, VOID.subset, URIRef(FACTS_GRAPH)) in void
    assert int(void.value(BACKGROUND, VOID.triples)) == len(_graph(quads, BACKGROUND_GRAPH))
    assert URIRef("http://www.wikidata.org/entity/Q148") in set(void.objects(BACKGROUND, DCTERMS.source))
    assert "not stated by the article" in str(void.value(BACKGROUND, DCTERMS.description))


def test_service_description_lists_the_background_graph(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    description = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert BACKGROUND in set(description.objects())


def test_home_page_says_what_the_background_holds(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="background"' in html and "not from the article" in html and BACKGROUND_GRAPH in html


def test_endpoint_keeps_facts_and_background_apart(client):
    query = ("SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/natoasia/id/country/japan> "
             "<https://w3id.org/natoasia/ontology#locatedIn> <https://w3id.org/natoasia/id/place/asia> } }")
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert response.get_data(as_text=True).split() == ["g", BACKGROUND_GRAPH]


BROKEN_BACKGROUND = """
@prefix nat:  <https://w3id.org/natoasia/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix place: <https://w3id.org/natoasia/id/place/> .
@prefix country: <https://w3id.org/natoasia/id/country/> .

place:lemuria a nat:Region ; rdfs:label "Lemuria"@en ; skos:prefLabel "Lemuria"@en .
country:japan nat:locatedIn place:mu .
place:atlantis a nat:Region ; rdfs:label "Atlantis"@en ; skos:prefLabel "Atlantis"@en ;
    rdfs:isDefindBy <https://w3id.org/natoasia/graph/background> .
"""


def test_validation_covers_the_background(data_copy):
    """Shapes, dangling IRIs and closed vocabularies hold for ``background/`` as for ``graph/``."""
    (data_copy / "background" / "broken.ttl").write_text(BROKEN_BACKGROUND, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "natoasia", "validate", "--fast"], capture_output=True, text=True,
                            env=os.environ.copy(), timeout=300)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any("background/broken.ttl" in l and "place:lemuria" in l and "shapes#Place>" in l for l in lines), lines
    assert any("background/broken.ttl" in l and "place:mu" in l and "never described" in l for l in lines), lines
    assert any("background/broken.ttl" in l and "rdfs:isDefindBy" in l for l in lines), lines


def test_background_graph_answers_at_its_iri(client):
    turtle = client.get("/graph/background").get_data(as_text=True)
    graph = Graph().parse(data=turtle, format="turtle")
    assert (ID["country/new-zealand"], NAT.locatedIn, ID["place/oceania"]) in graph
    assert not list(graph.triples((None, PROV.wasDerivedFrom, None)))


def test_background_is_consistent_with_the_ontology_and_the_facts(sources):
    """OWL 2 RL finds no contradiction once the background is added (e.g. a city typed as a state)."""
    from natoasia.dataset.reasoning.rules_sparql import rule_closure

    _, findings = rule_closure(sources.union("ontology"), sources.union("graph", "background"))
    assert [f.text() for f in findings] == []
