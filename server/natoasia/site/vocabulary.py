"""The ontology as the resource pages read it: the labels of classes and properties, the class and property
hierarchies, domains, inverses and property chains. Read once per process from the served graph (the dataset
never changes while served), so a class or property added to the ontology is named and grouped by its own
labels and axioms, never by a list in the code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app

from natoasia import ONTOLOGY_NS
from natoasia.site.links import engine

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
THING = OWL + "Thing"
#: Labels of the standard terms the graph uses beside its own (the ontology restates only the few it needs).
STANDARD_LABELS = {
    "http://www.w3.org/2004/02/skos/core#altLabel": "also known as",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "same as",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "similar to",
    "http://www.w3.org/2004/02/skos/core#definition": "definition",
    "http://www.w3.org/2004/02/skos/core#inScheme": "in the vocabulary",
    "http://www.w3.org/2004/02/skos/core#topConceptOf": "top concept of",
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": "has top concept",
    "http://www.w3.org/2004/02/skos/core#broader": "broader",
    "http://www.w3.org/2004/02/skos/core#narrower": "narrower",
    "http://purl.org/dc/terms/description": "description",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/creator": "author",
    "http://purl.org/dc/terms/isPartOf": "part of",
    "http://purl.org/dc/terms/source": "source",
    "http://purl.org/dc/terms/license": "licence",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#value": "text",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "kind",
    RDFS + "isDefinedBy": "defined by",
    RDFS + "seeAlso": "see also",
    RDFS + "comment": "comment",
    "http://www.w3.org/2006/time#inXSDgYear": "year",
    "http://www.w3.org/2006/time#hasBeginning": "begins",
    "http://www.w3.org/2006/time#hasEnd": "ends",
    "http://www.w3.org/2006/time#intervalFinishedBy": "finished by",
    "http://www.w3.org/2006/time#hasTime": "time",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "taken from",
}

TERMS = f"""PREFIX owl: <{OWL}>
PREFIX rdfs: <{RDFS}>
SELECT ?term ?kind ?label ?definition WHERE {{
  VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
  ?term a ?kind .
  FILTER(isIRI(?term))
  OPTIONAL {{ ?term rdfs:label ?label FILTER(LANG(?label) = "en" || LANG(?label) = "") }}
  OPTIONAL {{ ?term <http://www.w3.org/2004/02/skos/core#definition> ?definition }}
}}"""
AXIOMS = f"""PREFIX owl: <{OWL}>
PREFIX rdfs: <{RDFS}>
SELECT ?term ?axiom (IF(isIRI(?object), STR(?object), "") AS ?value) WHERE {{
  VALUES ?axiom {{ rdfs:subClassOf rdfs:subPropertyOf rdfs:domain owl:inverseOf owl:propertyChainAxiom }}
  ?term ?axiom ?object .
  FILTER(isIRI(?term))
}}"""
#: (Blank nodes — a property chain's list, a restriction — are read as "": no store names them alike.)


@dataclass
class Vocabulary:
    """What the ontology says about its terms, as the pages need it."""

    labels: dict[str, str] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    datatype_properties: set[str] = field(default_factory=set)
    superclasses: dict[str, set[str]] = field(default_factory=dict)
    superproperties: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)
    #: Properties declared ``owl:inverseOf`` another: their statements are the other's, read backwards.
    inverses: set[str] = field(default_factory=set)
    #: Shortcuts derived by a property chain (``nat:hasPartner``), and the inverses of such shortcuts.
    shortcuts: set[str] = field(default_factory=set)
    #: Datatype properties whose values are the article's own words ("verbatim" in their definition): shown as
    #: quotations, never read as the page's own words.
    verbatim: set[str] = field(default_factory=set)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def _remember(self, key: tuple, compute):
        """The vocabulary never changes once read: each answer is computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def label(self, term: str) -> str:
        """The term's label; a standard term's usual name; else its local name in words, never camelCase."""
        if term in self.labels:
            return self.labels[term]
        if term in STANDARD_LABELS:
            return STANDARD_LABELS[term]
        return words(re.split(r"[#/]", term.rstrip("/#"))[-1])

    def ancestors(self, cls: str) -> frozenset[str]:
        """The class and every class above it."""
        return self._remember(("class", cls), lambda: frozenset(_closure(cls, self.superclasses)))

    def property_ancestors(self, prop: str) -> frozenset[str]:
        """The property and every property above it."""
        return self._remember(("property", prop), lambda: frozenset(_closure(prop, self.superproperties)))

    def most_specific(self, types: list[str]) -> list[str]:
        """The classes among ``types`` no other of them is a subclass of; the project's own classes first."""
        return list(self._remember(("specific", frozenset(types)), lambda: tuple(self._most_specific(types))))

    def _most_specific(self, types: list[str]) -> list[str]:
        own = [t for t in types if t.startswith(ONTOLOGY_NS)] or [t for t in types if t in self.classes] or types
        return sorted({t for t in own if not any(t != o and t in self.ancestors(o) for o in own)},
                      key=self.label)

    def domain_classes(self, prop: str) -> set[str]:
        """The declared domains of a property and of the properties above it, with their superclasses."""
        found: set[str] = set()
        for p in self.property_ancestors(prop):
            for domain in self.domains.get(p, ()):
                found |= self.ancestors(domain)
        return found

    def is_argument_link(self, prop: str) -> bool:
        """Whether a property joins the parts of the argument: its most specific domain is ``owl:Thing``
        (reasons, purposes, evidence, conflicts, answers …), because anything may take part in the argument."""
        def compute() -> bool:
            domains = self.domains.get(prop, set())
            return {d for d in domains if not any(d != e and d in self.ancestors(e) for e in domains)} == {THING}

        return self._remember(("argument", prop), compute)


def words(name: str) -> str:
    """A camelCase or hyphenated name in lower-case words (``inDirectSupport`` → ``in direct support``)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[-_]", " ", name)
    return spaced.lower().strip() or name


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def read_vocabulary(select) -> Vocabulary:
    """The vocabulary from the served graph; ``select`` runs a SELECT and returns rows of plain values."""
    vocabulary = Vocabulary()
    for row in select(TERMS):
        term, kind = row["term"], row["kind"]
        if "label" in row:
            vocabulary.labels.setdefault(term, row["label"])
        if kind == OWL + "Class":
            vocabulary.classes.add(term)
        elif kind == OWL + "DatatypeProperty":
            vocabulary.datatype_properties.add(term)
            if "verbatim" in row.get("definition", ""):
                vocabulary.verbatim.add(term)
    chains, pairs = set(), []
    for row in select(AXIOMS):
        term, axiom, value = row["term"], row["axiom"], row.get("value", "")
        if not value and axiom != OWL + "propertyChainAxiom":
            continue
        if axiom == RDFS + "subClassOf":
            vocabulary.superclasses.setdefault(term, set()).add(value)
        elif axiom == RDFS + "subPropertyOf":
            vocabulary.superproperties.setdefault(term, set()).add(value)
        elif axiom == RDFS + "domain":
            vocabulary.domains.setdefault(term, set()).add(value)
        elif axiom == OWL + "inverseOf":
            vocabulary.inverses.add(term)
            pairs.append((term, value))
        elif axiom == OWL + "propertyChainAxiom":
            chains.add(term)
    vocabulary.shortcuts = chains | {term for term, other in pairs if other in chains}
    return vocabulary


def vocabulary() -> Vocabulary:
    """The served graph's vocabulary, read once per process."""
    cache = current_app.extensions.setdefault("natoasia.vocabulary", {})
    if "vocabulary" not in cache:
        cache["vocabulary"] = read_vocabulary(engine().select)
    return cache["vocabulary"]
