"""Issue 19's AIF export: the AIFdb JSON is well formed, both dumps round-trip to the support links, conflicts,
preferences and rephrases SPARQL finds in the dataset (and stop doing so when one link is removed), the build
writes them the same way twice and lists them in the manifest and VoID, and ``/argument`` serves them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from natoasia import DATASET_IRI
from natoasia.dataset.aif import AIF_SUBSET, export, write_aif
from natoasia.dataset.aif.aifdb import aifdb_bytes, node_id
from natoasia.dataset.aif.rdf import AIF, AIFX, aif_turtle
from natoasia.dataset.files import AIF_DUMPS, AIF_JSON, AIF_TURTLE, MANIFEST, NQUADS, VOID_FILE

A, X = Namespace(AIF), Namespace(AIFX)
PREFIX = "PREFIX nat: <https://w3id.org/natoasia/ontology#>\n"
#: What each S-node type stands for in the graph, by SPARQL written here, apart from the exporter's.
EXPECTED = {
    "RA": """SELECT ?from ?to WHERE { { ?link a nat:Support ; nat:evidence ?from ; nat:supported ?to }
             UNION { ?to nat:hasReason ?from } UNION { ?to nat:hasPurpose ?from } }""",
    "CA": "SELECT ?from ?to WHERE { ?from nat:conflictsWith ?to }",
    "PA": "SELECT ?from ?to WHERE { ?from nat:preferredTo ?to }",
    "MA": "SELECT ?from ?to WHERE { ?from nat:elaborates ?to }",
}
#: Each S-node type's AIF-RDF properties: (where its edges come from, where they go).
RDF_ROLES = {"RA": (A.Premise, A.Conclusion), "CA": (A.Conflicting, A.Conflicted),
             "PA": (A.Preferred, A.Dispreferred), "MA": (X.rephrase, X.rephrased)}


@pytest.fixture(scope="module")
def dataset_store(built):
    store = ox.Store()
    store.bulk_load(path=str(built / NQUADS), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def document(built):
    return json.loads((built / AIF_JSON).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def aif_graph(built):
    return Graph().parse(built / AIF_TURTLE, format="turtle")


def expected_links(store: ox.Store) -> Counter:
    """(S-node type, premises, conclusion) of every link in the graph, by SPARQL over all its named graphs."""
    found = Counter()
    for kind, query in EXPECTED.items():
        for row in store.query(PREFIX + query, use_default_graph_as_union=True):
            found[(kind, frozenset({row["from"].value}), row["to"].value)] += 1
    return found


def json_links(document: dict, store: ox.Store) -> Counter:
    """The same read back from AIFdb JSON, I-nodes named by the IRIs whose IDs they carry."""
    iris = {node_id(t.value) for q in store for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    by_id = {node_id(t.value): t.value for q in store for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    assert len(iris) == len(by_id)
    types = {n["nodeID"]: n["type"] for n in document["nodes"]}
    found = Counter()
    for node, kind in types.items():
        if kind in EXPECTED:
            premises = frozenset(by_id[e["fromID"]] for e in document["edges"]
                                 if e["toID"] == node and types[e["fromID"]] == "I")
            (conclusion,) = [by_id[e["toID"]] for e in document["edges"] if e["fromID"] == node]
            found[(kind, premises, conclusion)] += 1
    return found


def rdf_links(graph: Graph) -> Counter:
    """The same read back from AIF-RDF with rdflib, I-nodes named by their ``rdfs:seeAlso``."""
    found = Counter()
    for kind, (incoming, outgoing) in RDF_ROLES.items():
        for node in graph.subjects(RDF.type, A[f"{kind}-node"]):
            premises = frozenset(str(graph.value(p, RDFS.seeAlso)) for p in graph.objects(node, incoming))
            (conclusion,) = [str(graph.value(c, RDFS.seeAlso)) for c in graph.objects(node, outgoing)]
            found[(kind, premises, conclusion)] += 1
    return found


def fetch(client, path: str, accept: str = "text/html"):
    """The response to ``path`` with its data read and its file closed."""
    response = client.get(path, headers={"Accept": accept})
    response.get_data()
    response.close()
    return response


def test_the_json_is_aifdb_every_edge_joins_two_nodes_and_every_s_node_has_its_arity(document):
    assert list(document) == ["nodes", "edges", "locutions", "participants"]
    nodes = {n["nodeID"]: n for n in document["nodes"]}
    assert len(nodes) == len(document["nodes"])
    assert all({"nodeID", "text", "type", "timestamp"} <= set(n) and all(isinstance(n[k], str) for k in n)
               for n in nodes.values())
    assert {n["type"] for n in nodes.values()} <= {"I", "L", "YA", "TA", "RA", "CA", "PA", "MA"}
    assert len({e["edgeID"] for e in document["edges"]}) == len(document["edges"])
    assert all(set(e) == {"edgeID", "fromID", "toID", "formEdgeID"} for e in document["edges"])
    assert all(e["fromID"] in nodes and e["toID"] in nodes for e in document["edges"])
    into, out_of = Counter(), Counter()
    for e in document["edges"]:
        if nodes[e["fromID"]]["type"] == "I":
            into[e["toID"]] += 1
        if nodes[e["toID"]]["type"] == "I":
            out_of[e["fromID"]] += 1
    for node in nodes.values():
        if node["type"] in EXPECTED:
            assert out_of[node["nodeID"]] == 1, node  # one conclusion, conflicted, dispreferred, rephrased node
            assert into[node["nodeID"]] == 1 if node["type"] in ("CA", "PA") else into[node["nodeID"]] >= 1, node


def test_every_i_node_has_its_locution_and_every_locution_its_speaker(document):
    nodes = {n["nodeID"]: n for n in document["nodes"]}
    anchored = {b["toID"] for a in document["edges"] for b in document["edges"]
                if nodes[a["fromID"]]["type"] == "L" and a["toID"] == b["fromID"] and nodes[b["fromID"]]["type"] == "YA"}
    assert {n for n, node in nodes.items() if node["type"] == "I"} <= anchored
    people = {p["participantID"]: p for p in document["participants"]}
    speakers = {loc["nodeID"]: loc["personID"] for loc in document["locutions"]}
    assert set(speakers) == {n for n, node in nodes.items() if node["type"] == "L"}
    assert set(speakers.values()) <= set(people)
    for locution, person in speakers.items():  # AIFdb's L-node text: the speaker, a colon, the words
        name = " ".join(filter(None, (people[person]["firstname"], people[person]["surname"])))
        assert nodes[locution]["text"].startswith(name + ": ")


def test_positions_are_their_actors_locutions_and_claims_the_authors(document, dataset_store):
    rows = dataset_store.query(PREFIX + """SELECT ?node ?speaker WHERE {
        { ?node nat:statedBy ?speaker } UNION { ?node nat:assessedBy ?speaker } }""", use_default_graph_as_union=True)
    said_by = {node_id(r["node"].value): node_id(r["speaker"].value) for r in rows}
    speakers = {loc["nodeID"]: loc["personID"] for loc in document["locutions"]}
    ya = {n["nodeID"] for n in document["nodes"] if n["type"] == "YA"}
    anchors = {(a["fromID"], b["toID"]) for a in document["edges"] for b in document["edges"]
               if a["toID"] == b["fromID"] and a["toID"] in ya and a["fromID"] in speakers}
    checked = 0
    for locution, inode in anchors:
        if inode in said_by:
            assert speakers[locution] == said_by[inode]
            checked += 1
    assert checked >= 91  # every claim, prediction, proposal, question, plan and position


def test_the_json_round_trips_to_the_graphs_links(document, dataset_store):
    expected = expected_links(dataset_store)
    assert sum(expected.values()) > 100 and {k for k, *_ in expected} == set(EXPECTED)
    assert json_links(document, dataset_store) == expected


def test_the_aif_rdf_round_trips_to_the_graphs_links(aif_graph, dataset_store):
    assert rdf_links(aif_graph) == expected_links(dataset_store)
    assert not set(aif_graph.subjects(URIRef("http://www.w3.org/2002/07/owl#sameAs"), None))
    for inode in aif_graph.subjects(RDF.type, A["I-node"]):
        assert aif_graph.value(inode, A.claimText) is not None and aif_graph.value(inode, RDFS.seeAlso) is not None


def test_removing_one_support_link_breaks_the_round_trip(dataset_store):
    link = next(iter(dataset_store.query(PREFIX + "SELECT ?l WHERE { ?l a nat:Support } ORDER BY ?l LIMIT 1",
                                         use_default_graph_as_union=True)))["l"]
    copy = ox.Store()
    copy.extend(q for q in dataset_store if q.subject != link)
    document, triples = export(copy)
    graph = Graph().parse(data=aif_turtle(triples).decode("utf-8"), format="turtle")
    original = expected_links(dataset_store)
    assert json_links(document, copy) != original and rdf_links(graph) != original
    assert sum(original.values()) - sum(json_links(document, copy).values()) == 1
    assert json_links(document, copy) == expected_links(copy) == rdf_links(graph)


def test_the_export_is_the_same_bytes_each_time_and_the_builds(built, dataset_store, tmp_path):
    union = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in dataset_store}, key=str)
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        out.mkdir()
        write_aif(out, union, Graph())
    for name, _media_type in AIF_DUMPS:
        assert (first / name).read_bytes() == (second / name).read_bytes() == (built / name).read_bytes(), name
    document, _triples = export(dataset_store)
    assert aifdb_bytes(document) == (built / AIF_JSON).read_bytes()


def test_the_manifest_and_void_list_the_aif_dumps(built):
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    void = Graph().parse(built / VOID_FILE, format="turtle")
    subset = URIRef(AIF_SUBSET)
    assert (URIRef(DATASET_IRI), VOID.subset, subset) in void
    assert str(void.value(subset, DCTERMS.title)) == "The argument in AIF"
    for name, media_type in AIF_DUMPS:
        data = (built / name).read_bytes()
        info = manifest["files"][name]
        assert (info["media_type"], info["bytes"], info["sha256"]) == (media_type, len(data),
                                                                        hashlib.sha256(data).hexdigest())
        dump = next(d for d in void.objects(subset, VOID.dataDump) if str(d).endswith("/" + name))
        assert str(void.value(dump, DCTERMS["format"])) == media_type
        checksum = void.value(dump, URIRef("http://spdx.org/rdf/terms#checksum"))
        assert str(void.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))) == info["sha256"]


@pytest.mark.parametrize("accept, media_type", [
    ("application/json", "application/json"), ("text/turtle", "text/turtle"),
    ("text/turtle;q=0.5, application/json", "application/json"), ("text/html", "text/html"), ("*/*", "text/html")])
def test_argument_negotiates_the_page_aifdb_json_and_aif_rdf(client, accept, media_type):
    response = fetch(client, "/argument", accept)
    assert response.status_code == 200 and response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")
    if media_type == "application/json":
        assert {"nodes", "edges", "locutions", "participants"} <= set(response.get_json())
    if media_type == "text/turtle":
        assert len(Graph().parse(data=response.get_data(as_text=True), format="turtle")) > 1000


def test_argument_refuses_in_words_what_it_cannot_offer(client):
    response = fetch(client, "/argument", "image/png")
    assert response.status_code == 406 and response.mimetype == "text/plain"
    assert "application/json" in response.get_data(as_text=True)
    response = fetch(client, "/argument?format=pdf")
    assert response.status_code == 400 and "format=" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, media_type", [
    ("/argument?format=aif", "application/json"), ("/argument?format=aif-rdf", "text/turtle"),
    ("/argument.aif.json", "application/json"), ("/argument.aif.ttl", "text/turtle"),
    ("/dumps/argument.aif.json", "application/json"), ("/dumps/argument.aif.ttl", "text/turtle")])
def test_the_aif_dumps_have_their_own_addresses(client, built, path, media_type):
    response = fetch(client, path)
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.get_data() == (built / {"application/json": AIF_JSON, "text/turtle": AIF_TURTLE}[media_type]
                                   ).read_bytes()


def test_the_downloads_page_lists_the_aif_dumps(client):
    page = fetch(client, "/downloads").get_data(as_text=True)
    assert all(f'href="/dumps/{name}"' in page for name, _ in AIF_DUMPS)


def test_an_outside_reader_finds_the_same_relations(document):
    """ARG-tech's ``xaif`` package (PyPI), reading the JSON as OVA's xAIF wraps it, finds each RA, CA and MA."""
    xaif = pytest.importorskip("xaif")
    reader = xaif.AIF({"AIF": document})
    assert reader.is_valid_json_aif() and reader.is_json_aif_dialog()
    found = reader._get_relations_argument(document["nodes"], document["edges"], "argument-relation")
    ours = Counter(n["text"] for n in document["nodes"] if n["type"] in ("RA", "CA", "MA"))
    assert Counter(found["relation"]) == ours
    locution = document["locutions"][0]
    person = next(p for p in document["participants"] if p["participantID"] == locution["personID"])
    assert reader.get_speaker(locution["nodeID"])[1] == person["participantID"]
