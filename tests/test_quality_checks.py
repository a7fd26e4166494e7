"""Quality-control queries (tests/qc/*-violation.rq) return no rows on the built dataset.

Adding a check is adding a file. Each query is also run on a graph seeded with the fault it
looks for, so a check that cannot fail is caught.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from natoasia.stores.embedded import run_query

QC = sorted((Path(__file__).parent / "qc").glob("*-violation.rq"))
ID = "https://w3id.org/natoasia/id/"
NAT = "https://w3id.org/natoasia/ontology#"
FACTS = ox.NamedNode("https://w3id.org/natoasia/graph/facts")
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

#: For each check, a statement that introduces the fault it looks for.
SEEDED_FAULTS = {
    "fact-without-source": f"<{ID}contribution/seeded> a <{NAT}Contribution> ; <http://www.w3.org/2000/01/rdf-schema#label> \"seeded\"@en .",
    "entity-without-label": f"<{ID}country/seeded> a <{NAT}State> .",
    "class-never-used": f"<{NAT}Seeded> a <http://www.w3.org/2002/07/owl#Class> .",
    "sentence-never-cited": f"<{ID}sentence/s999> a <{NAT}Sentence> .",
    "label-without-language": f"<{ID}country/japan> <http://www.w3.org/2000/01/rdf-schema#label> \"Nippon\" .",
    "duplicate-fact-label": f"<{ID}claim/seeded> a <{NAT}Claim> ; <http://www.w3.org/2000/01/rdf-schema#label> \"NATO and Pakistan: a military-to-military relationship\"@en .",
    "approximate-without-amount": f"<{ID}contribution/seeded> <{NAT}isApproximate> true .",
    "concept-outside-scheme-top": f"<{ID}concept/threat/seeded> <http://www.w3.org/2004/02/skos/core#topConceptOf> <{ID}scheme/threats> .",
    "preflabel-differs-from-label": f"<{ID}country/japan> <{SKOS}prefLabel> \"Nippon\"@en .",
    "entity-without-preflabel": f"<{ID}place/seeded> a <{NAT}Region> ; <{RDFS}label> \"Seeded\"@en .",
    "two-preferred-labels": f"<{ID}country/japan> <{RDFS}label> \"Nippon\"@en ; <{SKOS}prefLabel> \"Nippon\"@en .",
    "duplicate-preferred-label": f"<{ID}country/seeded> a <{NAT}State> ; <{RDFS}label> \"japan\"@en ; <{SKOS}prefLabel> \"japan\"@en .",
    # the article's metonymy as a name of the state: "Tokyo" is the capital the background graph describes
    "altlabel-is-other-preferred-label": f"<{ID}country/japan> <{SKOS}altLabel> \"Tokyo\"@en .",
    # a withdrawal that does not say what it ended
    "withdrawal-without-ended-fact": f"<{ID}event/seeded> a <{NAT}Withdrawal> ; <{RDFS}label> \"seeded\"@en .",
    "said-without-content": f"<{ID}claim/seeded> a <{NAT}Claim> ; <{RDFS}label> \"seeded\"@en .",
    "group-members-unsaid": f"<{ID}group/seeded> a <{NAT}StateGroup> ; <{RDFS}label> \"seeded\"@en .",
    "free-text-purpose": f"<{ID}contribution/japan-law-and-order-trust-fund> <{NAT}purpose> \"to strengthen police activities\"@en .",
    # the kind s003 says of the Cold War on the NATO–India relationship, which cites only s078 ("no formal interaction")
    "relationship-kind-unsaid": f"<{ID}relationship/nato-india> <{NAT}relationshipKind> <{ID}concept/relationship-kind/no-relationship> .",
    # issue 19: a position without modality (s059's "had to think about" once read as NATO doing it)
    "said-without-modality": f"<{ID}statement/seeded> a <{NAT}Statement> ; <{RDFS}label> \"seeded\"@en .",
    # issue 19: a hand-asserted evidence link the article does not draw (South Korea's support to separate US
    # forces as evidence that every relationship is geared to Afghanistan)
    "support-without-cue": f"<{ID}contribution/south-korea-medical-engineering-support> <{NAT}supports> "
                           f"<{ID}claim/every-relationship-geared-to-afghanistan> .",
    # issue 19: a count only in a definition, with no number in the structure around it
    "count-only-in-label": f"<{ID}country/japan> <{SKOS}definition> \"One of the seven seeded islands\"@en .",
    # issue 19: s095's decision linked twice to the criticism it reacted to
    "redundant-causal-link": f"<{ID}event/bucharest-decision-political-dialogue> <{NAT}occasionedBy> <{ID}event/contributors-raise-concerns> .",
    # issue 19: a fourth research question where s008 announces three (s106's plan for a section)
    "research-questions-out-of-order": f"<{ID}question/seeded> a <{NAT}ResearchQuestion> ; <{NAT}questionNumber> 4 .",
}



@pytest.mark.parametrize("check", QC, ids=lambda p: p.stem)
def test_quality_check_finds_nothing(check, store):
    assert list(run_query(store, check.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("check", QC, ids=lambda p: p.stem)
def test_quality_check_finds_its_seeded_fault(check, built):
    name = check.stem.removesuffix("-violation")
    assert name in SEEDED_FAULTS, f"add a seeded fault for {check.name}"
    seeded = ox.Store()
    seeded.bulk_load(path=str(built / "natoasia.nq"), format=ox.RdfFormat.N_QUADS)
    graph = ox.NamedNode("https://w3id.org/natoasia/graph/ontology") if name == "class-never-used" else FACTS
    for triple in ox.parse(SEEDED_FAULTS[name].encode(), format=ox.RdfFormat.TURTLE):
        seeded.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    assert list(run_query(seeded, check.read_text(encoding="utf-8"))) != []
