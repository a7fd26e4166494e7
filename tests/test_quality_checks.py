"""Quality-control queries (tests/qc/*-violation.rq) return no rows on the built dataset.

Adding a check is adding a file. Each query is also run on a graph seeded with the fault it
looks for, so a check that cannot fail is caught.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from natoasia.store import run_query

QC = sorted((Path(__file__).parent / "qc").glob("*-violation.rq"))
ID = "https://w3id.org/natoasia/id/"
NAT = "https://w3id.org/natoasia/ontology#"
FACTS = ox.NamedNode("https://w3id.org/natoasia/graph/facts")

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
