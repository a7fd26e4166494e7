"""Standard SPARQL clients work against ``natoasia serve``: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

JAPAN = URIRef("https://w3id.org/natoasia/id/country/japan")
TROOPS = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
SELECT ?country ?amount WHERE {
  ?c a nat:Contribution ; nat:contributor ?country ; nat:amount ?amount ; nat:isApproximate true .
} ORDER BY DESC(?amount)"""


def test_sparqlwrapper_select_and_construct(live_server):
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(TROOPS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [(r["country"]["value"].rsplit("/", 1)[-1], r["amount"]["value"]) for r in rows] == \
        [("australia", "1000"), ("new-zealand", "160")]
    client.setMethod("POST")
    client.setQuery(f"CONSTRUCT {{ <{JAPAN}> ?p ?o }} WHERE {{ <{JAPAN}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (JAPAN, None, None) in graph


# rdflib's SPARQLStore result parsing goes through its deprecated ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_rdflib_sparqlstore(live_server):
    store = SPARQLStore(live_server + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    labels = [str(row.label) for row in graph.query(
        f"SELECT ?label WHERE {{ <{JAPAN}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}")]
    assert labels == ["Japan"]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
