"""Quick pre-check for hand-written graph files (the full check is `natoasia validate`).

Usage: python tools/lint_graph.py graph/FILE.ttl ...
Reports: parse errors, project terms not declared in the ontology, instance IRIs used as objects
but never typed anywhere in graph/, sentence ids out of range, blank nodes, fact nodes without
prov:wasDerivedFrom or rdfs:label.
"""
import glob
import sys

import rdflib
from rdflib import RDF, RDFS, BNode, URIRef
from rdflib.namespace import PROV

NAT = "https://w3id.org/natoasia/ontology#"
ID = "https://w3id.org/natoasia/id/"
FACT_CLASSES = {"Relationship", "Contribution", "Membership", "Involvement", "Motivation", "Statement",
                "Summit", "Decision", "Establishment", "Request", "Conflict", "Withdrawal", "Period",
                "Development", "Operation", "Claim", "Prediction", "Proposal", "ResearchQuestion"}

onto = rdflib.Graph().parse("ontology/natoasia.ttl")
everything_onto = onto
declared = {str(s) for s in onto.subjects() if str(s).startswith(NAT)}
everything = rdflib.Graph() + onto
for f in glob.glob("graph/*.ttl"):
    everything.parse(f)
typed = {str(s) for s in everything.subjects(RDF.type, None)}
problems = 0
for path in sys.argv[1:]:
    try:
        g = rdflib.Graph().parse(path)
    except Exception as e:  # noqa: BLE001 - report any parser failure
        print(f"{path}: parse error: {e}")
        problems += 1
        continue
    for t in g:
        for term in t:
            if isinstance(term, BNode):
                print(f"{path}: blank node in {t}")
                problems += 1
            if isinstance(term, URIRef) and str(term).startswith(NAT) and str(term) not in declared:
                print(f"{path}: undeclared ontology term {term}")
                problems += 1
            if isinstance(term, URIRef) and str(term).startswith(ID + "sentence/"):
                n = str(term).rsplit("/s", 1)[-1]
                if not (n.isdigit() and 1 <= int(n) <= 129 and len(n) == 3):
                    print(f"{path}: bad sentence id {term}")
                    problems += 1
            elif isinstance(term, URIRef) and str(term).startswith(ID) and str(term) not in typed:
                print(f"{path}: {term} is used but never typed in graph/")
                problems += 1
    for s, o in g.subject_objects(RDF.type):
        if str(o).startswith(NAT) and str(o)[len(NAT):] in FACT_CLASSES:
            if (s, PROV.wasDerivedFrom, None) not in g:
                print(f"{path}: fact {s} has no prov:wasDerivedFrom")
                problems += 1
            if (s, RDFS.label, None) not in g:
                print(f"{path}: fact {s} has no rdfs:label")
                problems += 1
print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
