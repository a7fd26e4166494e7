"""OWL 2 RL reasoning with owlrl: the entailments kept as their own graph, and the consistency check."""

from __future__ import annotations

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef, term

from natoasia import BASE
from natoasia.dataset.checks.findings import Finding
from natoasia.namespaces import qname

_VOCABULARY_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
_REFLEXIVE = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs}


def owl_rl_closure(asserted: Graph) -> tuple[Graph, list[str]]:
    """Run owlrl's OWL 2 RL closure on a copy of ``asserted``.

    Returns the full closure (without owlrl's error triples) and owlrl's error messages.
    """
    closure = Graph()
    closure += asserted
    conversions = dict(term._toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    finally:
        # owlrl "restores" rdflib's lexical conversions from a table that lacks the g-types, so its strict
        # gYear & co. would stay for the rest of the process: pySHACL and the fast engine would then judge
        # "99"^^xsd:gYear ill-typed after a reasoning run and well-typed before it.
        term._toPythonMapping.clear()
        term._toPythonMapping.update(conversions)
    errors = []
    for message in list(closure.subjects(RDF.type, ERRNS.ErrorMessage)):
        errors.extend(str(text) for text in closure.objects(message, ERRNS.error))
        closure.remove((message, None, None))
    return closure, sorted(errors)


def is_kept_entailment(triple, asserted: Graph) -> bool:
    """Whether a new triple of the closure is a statement worth keeping about our own resources."""
    s, p, o = triple
    if not (isinstance(s, URIRef) and str(s).startswith(BASE)):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if p == RDF.type and str(o).startswith(_VOCABULARY_NAMESPACES) and o != OWL.Nothing:
        return False
    if isinstance(o, Literal) and any(str(other) == str(o) for other in asserted.objects(s, p)):
        return False  # the same value re-typed
    return True


def entailments(asserted: Graph) -> tuple[Graph, list[Finding]]:
    """The entailments graph and the consistency findings for ``asserted`` (ontology + facts)."""
    closure, errors = owl_rl_closure(asserted)
    inferred = Graph()
    for triple in closure:
        if triple not in asserted and is_kept_entailment(triple, asserted):
            inferred.add(triple)
    return inferred, consistency_findings(closure, errors)


def consistency_findings(closure: Graph, errors: list[str]) -> list[Finding]:
    """Inconsistencies: owlrl's errors, members of owl:Nothing, and distinct project IRIs made the same."""
    findings = [Finding(check="owl-rl", message=f"owlrl: {message}") for message in errors]
    for member in sorted(closure.subjects(RDF.type, OWL.Nothing)):
        findings.append(Finding(check="owl-rl", focus=str(member), message="is a member of owl:Nothing"))
    for s, o in sorted(closure.subject_objects(OWL.sameAs)):
        if s != o and str(s) < str(o) and str(s).startswith(BASE) and str(o).startswith(BASE):
            findings.append(Finding(
                check="owl-rl", focus=str(s), path=str(OWL.sameAs), value=str(o),
                message=f"{qname(str(s))} and {qname(str(o))} are entailed to be the same individual "
                        "(a functional property with two values?)"))
    return findings
