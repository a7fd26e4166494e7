"""Every project IRI answers, for people (HTML) and machines (RDF), and the dumps are what VoID says."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from natoasia import DATASET_IRI

JAPAN = "https://w3id.org/natoasia/id/country/japan"
TROOPS = "https://w3id.org/natoasia/id/contribution/australia-troops-afghanistan"


def read(client, path: str) -> bytes:
    """A file response's bytes, with the file closed."""
    response = client.get(path)
    try:
        return response.data
    finally:
        response.close()


@pytest.mark.parametrize("accept,media_type,extension", [
    ("text/html", "text/html", "html"), ("text/turtle", "text/turtle", "ttl"),
    ("application/ld+json", "application/ld+json", "jsonld"), ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "rdf"),
])
def test_resource_iri_negotiates_its_document(client, accept, media_type, extension):
    response = client.get("/id/country/japan", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.headers["Content-Location"] == f"/id/country/japan.{extension}"
    assert "Accept" in response.headers["Vary"]
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert client.get(f"/id/country/japan.{extension}").mimetype == media_type


def test_rdf_description_has_facts_labels_and_sources(client):
    graph = Graph().parse(data=client.get("/id/contribution/australia-troops-afghanistan.ttl").data, format="turtle")
    contribution = URIRef(TROOPS)
    assert (contribution, None, None) in graph
    sentence = URIRef("https://w3id.org/natoasia/id/sentence/s048")
    assert (contribution, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), sentence) in graph
    quotes = [str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))]
    assert any("approximately 1,000 troops" in q for q in quotes)
    assert graph.value(URIRef("https://w3id.org/natoasia/id/country/australia"),
                       URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None
    japan = Graph().parse(data=client.get("/id/country/japan.ttl").data, format="turtle")
    incoming = set(japan.subjects(None, URIRef(JAPAN)))
    assert URIRef("https://w3id.org/natoasia/id/contribution/japan-refuelling-us-forces") in incoming


def test_resource_page_shows_facts_with_quotes_and_links(client):
    html = client.get("/id/country/japan", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1>Japan</h1>" in html
    assert "Tokyo has supported peace and security-oriented" in html  # the quoted sentence s051
    assert 'href="/id/contribution/japan-refuelling-us-forces"' in html
    assert 'href="/id/country/japan.ttl"' in html and "/query?query=DESCRIBE" in html


def test_unknown_iri_is_a_helpful_404(client):
    response = client.get("/id/country/atlantis", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "/query" in response.get_data(as_text=True)
    plain = client.get("/id/country/atlantis", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain"


def test_ontology_documentation_and_formats(client):
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Contribution"' in html and "property chain" in html and "nat:madeContribution ∘ nat:recipient" in html
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (URIRef("https://w3id.org/natoasia/ontology#Contribution"), None, None) in graph


def test_home_page_counts_and_entry_points(client):
    html = client.get("/").get_data(as_text=True)
    assert "CC BY 4.0" in html and "triples" in html and 'href="/id/country/japan"' in html
    assert "Which Asia-Pacific countries have joined" in html and "/.well-known/void" in html


def test_downloads_match_void_counts_and_checksums(client):
    void = Graph().parse(data=read(client, "/.well-known/void"), format="turtle")
    html = client.get("/downloads").get_data(as_text=True)
    dumps = list(void.objects(URIRef(DATASET_IRI), VOID.dataDump))  # the AIF dumps are a subset's (test_aif.py)
    assert len(dumps) == 6
    for dump in dumps:
        name = str(dump).rsplit("/", 1)[-1]
        assert f'href="/dumps/{name}"' in html
        data = read(client, f"/dumps/{name}")
        checksum = next(str(v) for c in void.objects(dump, None) for v in void.objects(c, None) if len(str(v)) == 64)
        assert hashlib.sha256(data).hexdigest() == checksum and checksum in html
        fmt = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE,
               "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}[name.rsplit(".", 1)[1]]
        assert len(list(ox.parse(data, format=fmt))) == int(void.value(dump, VOID.triples))


def test_pictures_link_every_node_to_its_page(client):
    network = client.get("/pictures/network.svg").get_data(as_text=True)
    assert network.startswith("<svg") and 'href="/id/organisation/nato"' in network
    assert 'href="/id/country/japan"' in network and 'href="/id/framework/tailored-cooperation-programme"' in network
    timeline = client.get("/pictures/timeline.svg").get_data(as_text=True)
    assert "1949 to 1989/90" in timeline and 'href="/id/event/bucharest-summit-2008"' in timeline
    assert 'href="/article#s085"' in timeline  # the sentence, in the reader's edition


def test_browsers_asking_the_endpoint_get_the_query_page(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")


def test_dataset_graph_and_version_iris_answer(client):
    assert client.get("/dataset").status_code == 303
    facts = client.get("/graph/facts")
    assert facts.status_code == 200 and facts.mimetype == "text/turtle"
    assert client.get("/graph/nothing").status_code == 404
    assert client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"}).status_code == 200
