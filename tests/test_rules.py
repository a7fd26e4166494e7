"""The SPARQL rules on pyoxigraph (natoasia.dataset.reasoning.rules_sparql) derive what owlrl derives, and find the same inconsistencies."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from natoasia import BASE
from natoasia.dataset.reasoning.owlrl_closure import entailments
from natoasia.dataset.reasoning.rules_sparql import compile_rules, rule_closure, rule_closure_ntriples
from natoasia.namespaces import NAT

ID = BASE + "id/"
NATO = URIRef(ID + "organisation/nato")
JAPAN = URIRef(ID + "country/japan")


@pytest.fixture(scope="module")
def owlrl_kept(sources):
    return entailments(sources.union("ontology", "graph"))


@pytest.fixture(scope="module")
def rules_kept(sources):
    return rule_closure(sources.union("ontology"), sources.union("graph"))


def test_the_ontology_uses_only_axioms_the_rules_implement(sources):
    assert compile_rules(sources.union("ontology")).unsupported == []


def test_rules_derive_exactly_the_entailments_owlrl_keeps(owlrl_kept, rules_kept):
    expected, got = owlrl_kept[0], rules_kept[0]
    missing = sorted(expected - got)
    extra = sorted(got - expected)
    assert (missing[:10], extra[:10]) == ([], [])
    assert len(got) == len(expected) > 0


def test_rules_find_the_article_graph_consistent_like_owlrl(owlrl_kept, rules_kept):
    assert rules_kept[1] == owlrl_kept[1] == []


def test_ntriples_path_keeps_the_same_entailments(sources, rules_kept, tmp_path):
    data = tmp_path / "graph.nt"
    sources.union("graph").serialize(data, format="nt", encoding="utf-8")
    out = tmp_path / "kept.nt"
    stats = rule_closure_ntriples(sources.union("ontology"), data, out)
    assert stats["kept"] == len(rules_kept[0])
    assert stats["findings"] == []
    assert set(Graph().parse(out, format="nt")) == set(rules_kept[0])


def _ontology(sources) -> Graph:
    return sources.union("ontology")


def test_disjoint_classes_are_reported(sources):
    data = Graph()
    thing = URIRef(ID + "country/fixture")
    data.add((thing, RDF.type, NAT.State))
    data.add((thing, RDF.type, NAT.Region))  # a Region is a Place; a State is an Actor: disjoint kinds
    _, findings = rule_closure(_ontology(sources), data)
    assert findings, findings
    assert all(f.check == "owl-rl" for f in findings)
    assert any(f.focus == str(thing) and f.path == str(RDF.type) for f in findings), findings
    assert any({f.value} & {str(NAT.Region), str(NAT.Place)} for f in findings if f.focus == str(thing))
    # owlrl agrees the graph is inconsistent
    asserted = _ontology(sources)
    asserted += data
    assert any(f.check == "owl-rl" for f in entailments(asserted)[1])


def test_disjointness_is_checked_on_inferred_types(sources):
    """A relationship used as a contribution: both types come from domains, not from assertions."""
    data = Graph()
    fact = URIRef(ID + "relationship/fixture")
    data.add((fact, NAT.actor, NATO))
    data.add((fact, NAT.contributor, JAPAN))
    _, findings = rule_closure(_ontology(sources), data)
    assert [(f.focus, f.message) for f in findings] == [
        (str(fact), "is an instance of the disjoint classes nat:Contribution and nat:Relationship")]


def test_functional_property_with_two_values_is_reported(sources):
    data = Graph()
    rel = URIRef(ID + "relationship/fixture")
    data.add((rel, RDF.type, NAT.Relationship))
    data.add((rel, NAT.actor, NATO))
    data.add((rel, NAT.actor, JAPAN))
    _, findings = rule_closure(_ontology(sources), data)
    assert [(f.check, f.focus, f.path, f.value) for f in findings] == [
        ("owl-rl", str(JAPAN), str(OWL.sameAs), str(NATO))]
    # the same finding owlrl's owl:sameAs gives
    asserted = _ontology(sources)
    asserted += data
    owlrl_findings = [f for f in entailments(asserted)[1] if f.path == str(OWL.sameAs)]
    assert owlrl_findings == findings


def test_member_of_nothing_is_reported(sources):
    ontology = _ontology(sources)
    ontology.add((NAT.Impossible, RDF.type, OWL.Class))
    ontology.add((NAT.Impossible, URIRef(str(OWL.equivalentClass)), OWL.Nothing))
    data = Graph()
    thing = URIRef(ID + "country/fixture")
    data.add((thing, RDF.type, NAT.Impossible))
    _, findings = rule_closure(ontology, data)
    assert any(f.focus == str(thing) and "owl:Nothing" in f.message for f in findings), findings
