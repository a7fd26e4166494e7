"""OOPS! pitfalls (Poveda-Villalón et al.) as tests, named by pitfall code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, SKOS

from natoasia import BASE, ONTOLOGY_IRI, ONTOLOGY_NS
from natoasia.namespaces import NAT, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def onto(sources):
    return sources.union("ontology")


def terms(onto, *types):
    return sorted({s for t in types for s in onto.subjects(RDF.type, t) if str(s).startswith(ONTOLOGY_NS)})


def test_P08_every_term_has_label_and_definition(onto):
    for term in terms(onto, OWL.Class, *PROPERTY_TYPES):
        assert onto.value(term, RDFS.label) is not None, term
        assert onto.value(term, SKOS.definition) is not None, term


def test_P10_top_level_kinds_are_pairwise_disjoint(onto):
    top = {NAT.Actor, NAT.Place, NAT.Event, NAT.Document, NAT.Fact, NAT.Assessment, NAT.Sentence, NAT.Concept}
    disjoint_sets = [set(onto.items(onto.value(n, OWL.members))) for n in onto.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert any(top <= members for members in disjoint_sets)
    assert len(disjoint_sets) >= 5


def test_P11_every_property_has_domain_and_range(onto):
    for prop in terms(onto, *PROPERTY_TYPES):
        assert onto.value(prop, RDFS.domain) is not None, f"{prop} has no rdfs:domain"
        assert onto.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"


def test_P19_no_property_has_several_domains_or_ranges(onto):
    for prop in terms(onto, *PROPERTY_TYPES):
        assert len(list(onto.objects(prop, RDFS.domain))) == 1, prop
        assert len(list(onto.objects(prop, RDFS.range))) == 1, prop


def test_P22_naming_conventions(onto):
    for cls in terms(onto, OWL.Class):
        assert re.fullmatch(r"[A-Z][A-Za-z]+", cls[len(ONTOLOGY_NS):]), cls
    for prop in terms(onto, *PROPERTY_TYPES):
        assert re.fullmatch(r"[a-z][A-Za-z]+", prop[len(ONTOLOGY_NS):]), prop


def test_P34_P35_every_project_term_used_is_typed(sources, onto):
    typed = set(terms(onto, OWL.Class, *PROPERTY_TYPES))
    everything = sources.union()
    used = {t for triple in everything for t in triple if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_NS)}
    assert sorted(used - typed) == []


def test_P38_P39_ontology_header(onto):
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in onto
    for prop in (OWL.versionIRI, OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.created,
                 DCTERMS.modified, DCTERMS.creator, DCTERMS.source):
        assert onto.value(ontology, prop) is not None, prop
    source = onto.value(ontology, DCTERMS.source)
    assert onto.value(source, DCTERMS.title) is not None and onto.value(source, DCTERMS.creator) is not None
    assert onto.value(source, DCTERMS.isPartOf) is not None


def test_P41_licence_declared(onto):
    assert str(onto.value(URIRef(ONTOLOGY_IRI), DCTERMS.license)).startswith("https://creativecommons.org/")


def test_no_imports_of_remote_ontologies(onto):
    assert list(onto.objects(None, OWL.imports)) == []


def test_property_chains_and_inverses_exist(onto):
    assert len(list(onto.subjects(OWL.propertyChainAxiom, None))) >= 5
    assert len(list(onto.subjects(OWL.inverseOf, None))) >= 10


def test_turtle_prefixes_match_the_python_constant():
    """The base IRI lives in one Python constant; every Turtle source declares the same prefixes."""
    for path in sorted(ROOT.glob("*/*.ttl")) + sorted(ROOT.glob("tools/*.ttl")):
        for prefix, iri in re.findall(r"^@prefix\s+(\w*):\s+<([^>]+)>", path.read_text(encoding="utf-8"), re.M):
            if prefix in PREFIXES:
                assert PREFIXES[prefix] == iri, f"{path.name}: {prefix}"
            assert not iri.startswith(BASE) or prefix in PREFIXES or prefix == "shape", f"{path.name}: {prefix}"
