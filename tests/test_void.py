"""``build``'s VoID and checksums on a small hand-made dataset: every count and every SHA-256 is what
the written files say, computed here independently of the build code.

``test_cli.py`` checks the same on the real build end to end; these run in about a second and are
the fast tests that kill ``build.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, VOID, XSD

from natoasia import BASE, DATASET_IRI, ENTAILMENTS_GRAPH, FACTS_GRAPH, ID_NS, ONTOLOGY_GRAPH
from natoasia.dataset.build import DUMPS_BASE, Dataset, is_current, write_dataset
from natoasia.dataset.files import AIF_DUMPS, DUMPS, MANIFEST, VOID_FILE

NAT = Namespace("https://w3id.org/natoasia/ontology#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
JAPAN, NATO = URIRef(ID_NS + "country/japan"), URIRef(ID_NS + "organisation/nato")
OUTSIDE = URIRef("http://example.org/elsewhere")
HASHED = URIRef(ID_NS + "country/japan#note")


def small_dataset() -> Dataset:
    ontology, facts, entailed = Graph(), Graph(), Graph()
    ontology.add((NAT.State, RDF.type, OWL.Class))
    ontology.add((NAT.State, RDFS.label, Literal("state", lang="en")))
    facts.add((JAPAN, RDF.type, NAT.State))
    facts.add((JAPAN, SKOS.prefLabel, Literal("Japan", lang="en")))
    facts.add((NATO, RDF.type, NAT.Organisation))
    facts.add((NATO, NAT.member, JAPAN))
    facts.add((HASHED, RDFS.comment, Literal("a hash IRI under the id space is not an entity")))
    facts.add((OUTSIDE, RDFS.seeAlso, JAPAN))
    node = BNode("b0")
    facts.add((JAPAN, NAT.amount, node))
    facts.add((node, RDF.value, Literal(160, datatype=XSD.nonNegativeInteger)))
    entailed.add((JAPAN, RDF.type, NAT.Actor))
    entailed.add((JAPAN, RDF.type, NAT.State))  # also asserted: the union holds it once
    return Dataset(graphs={ONTOLOGY_GRAPH: ontology, FACTS_GRAPH: facts, ENTAILMENTS_GRAPH: entailed})


class Digest:
    def __init__(self, value: str):
        self.value = value

    def digest(self) -> str:
        return self.value


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset")
    manifest = write_dataset(small_dataset(), out, "digest-1")
    return out, manifest, Graph().parse(out / VOID_FILE, format="turtle")


def test_the_union_holds_each_statement_once():
    dataset = small_dataset()
    assert len(dataset.union()) == sum(len(g) for g in dataset.graphs.values()) - 1


def test_every_dump_checksum_size_and_count_match_the_file(written):
    out, manifest, void = written
    union_size = len(small_dataset().union())
    quads = sum(len(g) for g in small_dataset().graphs.values())
    assert sorted(manifest["files"]) == sorted([name for name, *_ in DUMPS] + [name for name, _ in AIF_DUMPS])
    for name, fmt, media_type, _named in DUMPS:
        named = name.endswith((".trig", ".nq"))  # the formats that can hold named graphs hold them
        data = (out / name).read_bytes()
        info = manifest["files"][name]
        assert info == {"media_type": media_type, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                        "triples": quads if named else union_size}
        parsed = list(ox.parse(data, format=fmt))
        assert len(parsed) == info["triples"], name
        if named:
            assert {q.graph_name.value for q in parsed} == {ONTOLOGY_GRAPH, FACTS_GRAPH, ENTAILMENTS_GRAPH}
        else:
            assert all(isinstance(getattr(t, "graph_name", ox.DefaultGraph()), ox.DefaultGraph) for t in parsed), name
        dump = URIRef(DUMPS_BASE + name)
        assert (URIRef(DATASET_IRI), VOID.dataDump, dump) in void
        assert void.value(dump, DCTERMS["format"]) == Literal(media_type)
        assert void.value(dump, DCTERMS.extent) == Literal(f"{len(data)} bytes")
        assert void.value(dump, VOID.triples) == Literal(info["triples"], datatype=XSD.integer)
        assert void.value(dump, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        checksum = void.value(dump, SPDX.checksum)
        assert checksum == URIRef(DUMPS_BASE + name + "#sha256")
        assert (checksum, RDF.type, SPDX.Checksum) in void
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert void.value(checksum, SPDX.checksumValue) == Literal(hashlib.sha256(data).hexdigest(),
                                                                     datatype=XSD.hexBinary)


def test_void_counts(written):
    _out, _manifest, void = written
    union = small_dataset().union()
    ds = URIRef(DATASET_IRI)

    def count(p):
        value = void.value(ds, p)
        assert value is not None and value.datatype == XSD.integer, p
        return int(value)

    assert count(VOID.triples) == len(union)
    assert count(VOID.entities) == 2  # japan and nato: not the hash IRI, not the IRI elsewhere, not the blank node
    assert count(VOID.classes) == 4  # owl:Class, nat:State, nat:Organisation, nat:Actor
    assert count(VOID.distinctSubjects) == 6
    assert count(VOID.properties) == len({p for _, p, _ in union})


def test_void_describes_the_dataset_and_its_graphs(written):
    _out, _manifest, void = written
    ds = URIRef(DATASET_IRI)
    assert (ds, RDF.type, VOID.Dataset) in void
    assert void.value(ds, VOID.uriSpace) == Literal(ID_NS)
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert void.value(ds, VOID.rootResource) == NATO
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(ds, DCTERMS.title).language == "en"
    for name, graph in small_dataset().graphs.items():
        assert (ds, VOID.subset, URIRef(name)) in void and (URIRef(name), RDF.type, VOID.Dataset) in void
        assert void.value(URIRef(name), VOID.triples) == Literal(len(graph), datatype=XSD.integer)
    vocabularies = {str(v) for v in void.objects(ds, VOID.vocabulary)}
    assert {str(NAT), str(RDF), str(SKOS), str(OWL), str(RDFS)} <= vocabularies
    assert not any(v.startswith(ID_NS) for v in vocabularies)
    assert str(DCTERMS) not in vocabularies  # no statement of the data uses Dublin Core


def test_manifest_and_currency(written, tmp_path):
    out, manifest, _void = written
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8")) == manifest
    assert manifest["sources"] == "digest-1"
    assert manifest["graphs"] == {name: len(g) for name, g in sorted(small_dataset().graphs.items())}
    assert is_current(out, Digest("digest-1"))
    assert not is_current(out, Digest("digest-2"))
    assert not is_current(tmp_path, Digest("digest-1"))  # nothing built there
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    assert not is_current(tmp_path, Digest("digest-1"))


def test_a_missing_dump_makes_the_build_stale(tmp_path):
    write_dataset(small_dataset(), tmp_path, "digest-1")
    assert is_current(tmp_path, Digest("digest-1"))
    (tmp_path / DUMPS[-1][0]).unlink()
    assert not is_current(tmp_path, Digest("digest-1"))


def test_the_same_dataset_gives_the_same_bytes(written, tmp_path):
    out, _manifest, _void = written
    write_dataset(small_dataset(), tmp_path, "digest-1")
    for name in [n for n, *_ in DUMPS] + [VOID_FILE, MANIFEST]:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


class SmallSources:
    """Stands in for the parsed sources: one graph per folder, and a digest."""

    def __init__(self, background: Graph | None = None):
        d = small_dataset().graphs
        self.graphs = {"ontology": d[ONTOLOGY_GRAPH], "graph": d[FACTS_GRAPH], "background": background or Graph()}

    def union(self, *kinds) -> Graph:
        merged = Graph()
        for kind in kinds:
            merged += self.graphs.get(kind, Graph())
        return merged

    def digest(self) -> str:
        return "small"


def test_build_writes_into_a_new_nested_folder(tmp_path):
    from natoasia.dataset.build import build

    out = tmp_path / "a" / "b"
    manifest = build(out, sources=SmallSources(), inferred=small_dataset().graphs[ENTAILMENTS_GRAPH])
    assert manifest["sources"] == "small" and is_current(out, SmallSources())
    assert manifest["graphs"][ENTAILMENTS_GRAPH] == 2


def test_build_computes_the_entailments_when_not_given(tmp_path):
    from natoasia.dataset.build import build

    manifest = build(tmp_path, sources=SmallSources())
    assert set(manifest["graphs"]) == {ONTOLOGY_GRAPH, FACTS_GRAPH, ENTAILMENTS_GRAPH}


def test_background_knowledge_gets_its_own_graph_only_when_there_is_some():
    from natoasia import BACKGROUND_GRAPH
    from natoasia.dataset.build import assemble

    assert set(assemble(SmallSources(), Graph()).graphs) == {ONTOLOGY_GRAPH, FACTS_GRAPH, ENTAILMENTS_GRAPH}
    background = Graph()
    background.add((JAPAN, URIRef(ID_NS + "continent"), URIRef(ID_NS + "place/asia")))
    graphs = assemble(SmallSources(background), Graph()).graphs
    assert len(graphs[BACKGROUND_GRAPH]) == 1 and (JAPAN, RDF.type, NAT.State) not in graphs[BACKGROUND_GRAPH]


def test_a_graph_that_describes_itself_says_so_in_void(tmp_path):
    """A named graph whose own IRI carries a label, title, description, source or licence (the
    background graph does) has those statements in VoID too."""
    dataset = small_dataset()
    background = URIRef("https://w3id.org/natoasia/graph/background")
    described = Graph()
    described.add((JAPAN, RDF.type, NAT.State))
    said = [(RDFS.label, Literal("background knowledge", lang="en")), (DCTERMS.title, Literal("Background")),
            (DCTERMS.description, Literal("what the article takes for granted")),
            (DCTERMS.source, URIRef("https://www.wikidata.org/")),
            (DCTERMS.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/"))]
    for p, o in said:
        described.add((background, p, o))
    dataset.graphs[str(background)] = described
    write_dataset(dataset, tmp_path, "digest-1")
    void = Graph().parse(tmp_path / VOID_FILE, format="turtle")
    for p, o in said:
        assert (background, p, o) in void, p
    assert (URIRef(FACTS_GRAPH), RDFS.label, None) not in void
