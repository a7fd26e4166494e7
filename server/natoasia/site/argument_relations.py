"""The argument relations as the ontology declares them, read once per process: which properties link the parts
of the argument, what AIF node each one is (inference, conflict, preference, rephrase, or none), which end is
upstream, and the words a reader says for each. A relation added to the ontology is drawn by its own label and
definition; the table below only gives better words than the label for the relations it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

from natoasia import ONTOLOGY_GRAPH, ONTOLOGY_NS

OWL = "http://www.w3.org/2002/07/owl#"
PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX owl: <{OWL}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
#: The argument links are the ontology's object properties "with owl:Thing as domain because facts, events,
#: assessments and content all take part in the argument" (ontology/natoasia.ttl), whose range is a node of the
#: argument, and every property its definition maps to an AIF node (outside the support link's own parts).
#: Derived shortcuts (a property chain) are left out: the diagram reads the link nodes they come from.
RELATIONS = PREFIXES + f"""SELECT ?property ?label ?definition WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?property a owl:ObjectProperty ; rdfs:label ?label .
  OPTIONAL {{ ?property rdfs:domain ?domain }}
  OPTIONAL {{ ?property rdfs:range ?range }}
  OPTIONAL {{ ?property skos:definition ?definition }}
  FILTER(STRSTARTS(STR(?property), STR(nat:)))
  FILTER NOT EXISTS {{ ?property owl:propertyChainAxiom ?chain }}
  FILTER((?domain = owl:Thing && ?range IN (owl:Thing, nat:Content, nat:Proposition, nat:Assessment))
         || (CONTAINS(COALESCE(?definition, ""), "AIF") && ?domain != nat:Support && ?range != nat:Support))
}} }} ORDER BY ?property"""
#: AIF's S-nodes by the words the ontology's definitions use for them.
AIF = (("CA-node", "conflict"), ("PA-node", "preference"), ("MA-node", "rephrase"), ("RA-node", "inference"),
       ("practical reasoning", "inference"))
#: Better words than the label, by the property's local name: (what the subject does to the object, what the
#: object does to the subject, whether the object is upstream — a premise, goal, condition or cause).
WORDS = {
    "hasReason": ("because", "is a reason for", True),
    "hasPurpose": ("in order that", "is the purpose of", True),
    "hasCondition": ("on condition that", "is the condition of", True),
    "hasException": ("except where", "is an exception to", True),
    "hasLimit": ("limited in that", "limits", True),
    "causedBy": ("caused by", "caused", True),
    "hasConsequence": ("leads to", "follows from", False),
    "conflictsWith": ("conflicts with", "is set against", False),
    "contrastsWith": ("contrasts with", "contrasts with", False),
    "preferredTo": ("preferred to", "is less preferred than", False),
    "elaborates": ("makes concrete", "is made concrete by", False),
}


@dataclass(frozen=True)
class Relation:
    """One argument relation: its IRI, its AIF kind (``inference``, ``conflict``, ``preference``, ``rephrase``
    or ``link`` for none), the words for each direction, and whether its object is upstream of its subject."""

    iri: str
    kind: str
    forward: str
    backward: str
    object_upstream: bool


def relation(iri: str, label: str, definition: str) -> Relation:
    """The relation ``iri`` from its label and definition (and :data:`WORDS` where it gives better words)."""
    kind = next((name for words, name in AIF if words in definition), "link")
    local = iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else iri.rsplit("/", 1)[-1]
    if local in WORDS:
        forward, backward, upstream = WORDS[local]
    else:  # "has X": the X is upstream of what has it; otherwise the subject acts on the object
        upstream = label.startswith("has ")
        forward, backward = label, f"is what “{label}” points to from"
    if kind == "inference":
        upstream = True  # an inference's premise is the object ("has reason", "has purpose")
    return Relation(iri, kind, forward, backward, upstream)


def relations(select) -> dict[str, Relation]:
    """The argument relations by IRI, read from the served ontology once per process."""
    cache = current_app.extensions
    if "natoasia.argument_relations" not in cache:
        cache["natoasia.argument_relations"] = read_relations(select)
    return cache["natoasia.argument_relations"]


def read_relations(select) -> dict[str, Relation]:
    """The argument relations by IRI, from ``select`` (no caching)."""
    return {row["property"]: relation(row["property"], row["label"], row.get("definition", ""))
            for row in select(RELATIONS)}


def modality_words(label: str) -> str:
    """A modality as a reader says it: its first quoted word and its name (“might” — possibility), or its
    name alone (assertion)."""
    name = label.split("(", 1)[0].strip()
    words = re.findall(r"[\"“]([^\"”]+)[\"”]", label)
    return f"“{words[0]}” ({name})" if words else name
