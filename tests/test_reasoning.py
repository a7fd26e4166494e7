"""OWL 2 RL reasoning: specific entailments, what the entailments graph keeps, and inconsistency."""

from __future__ import annotations

from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG

from natoasia import BASE
from natoasia.dataset.reasoning.owlrl_closure import entailments
from natoasia.namespaces import NAT

ID = BASE + "id/"
NATO = URIRef(ID + "organisation/nato")
JAPAN = URIRef(ID + "country/japan")
PAKISTAN = URIRef(ID + "country/pakistan")


def test_prp_spo2_property_chain_gives_the_partner_shortcut(validation):
    """nat:hasPartner ≡ nat:actorIn ∘ nat:partner, from the n-ary rel:nato-pakistan."""
    assert (NATO, NAT.hasPartner, PAKISTAN) in validation.inferred
    assert (NATO, NAT.hasPartner, PAKISTAN) not in validation.sources.union("graph")


def test_prp_spo2_chain_gives_membership_shortcut_and_org_superproperty(validation):
    tcp = URIRef(ID + "framework/tailored-cooperation-programme")
    assert (JAPAN, NAT.memberOf, tcp) in validation.inferred
    assert (JAPAN, ORG.memberOf, tcp) in validation.inferred
    assert (tcp, NAT.hasMember, JAPAN) in validation.inferred


def test_prp_inv_inverse_of_contributor(validation):
    contribution = URIRef(ID + "contribution/japan-refuelling-us-forces")
    assert (JAPAN, NAT.madeContribution, contribution) in validation.inferred


def test_cax_sco_class_from_subclass_axiom(validation):
    """NATO is asserted an nat:Alliance; it is entailed to be an nat:Organisation and org:Organization."""
    assert (NATO, RDF.type, NAT.Organisation) in validation.inferred
    assert (NATO, RDF.type, ORG.Organization) in validation.inferred


def test_entailments_keep_only_new_statements_about_project_resources(validation):
    asserted = validation.sources.union("ontology", "graph")
    for s, p, o in validation.inferred:
        assert str(s).startswith(BASE)
        assert (s, p, o) not in asserted
        assert not (p == OWL.sameAs and s == o)
        assert not (p == RDF.type and str(o).startswith(str(OWL)))
        if isinstance(o, Literal):
            assert not any(str(other) == str(o) for other in asserted.objects(s, p))


def _ontology(validation) -> Graph:
    return validation.sources.union("ontology")


def test_disjoint_classes_make_the_graph_inconsistent(validation):
    graph = _ontology(validation)
    thing = URIRef(ID + "country/fixture")
    graph.add((thing, RDF.type, NAT.State))
    graph.add((thing, RDF.type, NAT.Region))
    _, findings = entailments(graph)
    assert any(f.check == "owl-rl" for f in findings), findings


def test_functional_property_with_two_values_is_reported(validation):
    graph = _ontology(validation)
    rel = URIRef(ID + "relationship/fixture")
    graph.add((rel, RDF.type, NAT.Relationship))
    graph.add((rel, NAT.actor, NATO))
    graph.add((rel, NAT.actor, JAPAN))
    _, findings = entailments(graph)
    assert any(f.path == str(OWL.sameAs) and f.focus in (str(NATO), str(JAPAN)) for f in findings), findings


def test_the_article_graph_is_consistent(validation):
    assert [f.text() for f in validation.findings if f.check == "owl-rl"] == []
