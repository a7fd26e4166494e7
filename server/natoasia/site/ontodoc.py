"""Ontology documentation in the manner of pyLODE: metadata, then every class and property with
its IRI, label, definition and axioms, each at the anchor its term IRI names (``#Actor``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from natoasia import ONTOLOGY_IRI, ONTOLOGY_NS
from natoasia.namespaces import qname


@dataclass
class Term:
    iri: str
    local: str
    label: str
    definition: str
    kind: str
    axioms: list[tuple[str, list[str]]] = field(default_factory=list)


def _names(graph: Graph, nodes) -> list[str]:
    return sorted(qname(str(n)) for n in nodes if isinstance(n, URIRef))


def document(graph: Graph) -> dict:
    """Metadata and the documented terms of the ontology in ``graph``."""
    onto = URIRef(ONTOLOGY_IRI)
    meta = {name: str(graph.value(onto, prop) or "") for name, prop in (
        ("title", DCTERMS.title), ("description", DCTERMS.description), ("version", OWL.versionInfo),
        ("versionIRI", OWL.versionIRI), ("license", DCTERMS.license), ("created", DCTERMS.created),
        ("modified", DCTERMS.modified), ("creator", DCTERMS.creator))}
    meta["iri"] = ONTOLOGY_IRI
    terms = []
    for kind, cls in (("Class", OWL.Class), ("Object property", OWL.ObjectProperty),
                      ("Datatype property", OWL.DatatypeProperty)):
        for term in sorted(s for s in graph.subjects(RDF.type, cls) if str(s).startswith(ONTOLOGY_NS)):
            axioms = []
            if cls == OWL.Class:
                axioms += [("subclass of", _names(graph, graph.objects(term, RDFS.subClassOf))),
                           ("superclass of", _names(graph, graph.subjects(RDFS.subClassOf, term)))]
            else:
                axioms += [("domain", _names(graph, graph.objects(term, RDFS.domain))),
                           ("range", _names(graph, graph.objects(term, RDFS.range))),
                           ("sub-property of", _names(graph, graph.objects(term, RDFS.subPropertyOf))),
                           ("inverse of", _names(graph, list(graph.objects(term, OWL.inverseOf)) +
                                                 list(graph.subjects(OWL.inverseOf, term)))),
                           ("characteristics", _names(graph, (t for t in graph.objects(term, RDF.type)
                                                              if t not in (OWL.ObjectProperty, OWL.DatatypeProperty))))]
                chain = graph.value(term, OWL.propertyChainAxiom)
                if chain is not None:
                    axioms.append(("property chain", [" ∘ ".join(qname(str(p)) for p in Collection(graph, chain))]))
            terms.append(Term(str(term), str(term)[len(ONTOLOGY_NS):], str(graph.value(term, RDFS.label) or ""),
                              str(graph.value(term, SKOS.definition) or ""), kind,
                              [(name, values) for name, values in axioms if values]))
    return {"meta": meta, "terms": terms}
