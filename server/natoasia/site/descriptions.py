"""Turning a resource's description (RDF triples) into what its HTML page shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
DEFINITIONS = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description")
CITES = ("http://www.w3.org/ns/prov#wasDerivedFrom", "https://w3id.org/natoasia/ontology#attestedBy")
HIDDEN = {LABEL, PREF_LABEL, *CITES, *DEFINITIONS, RDF_TYPE}
#: Super-properties the reasoner adds (org:member beside nat:member …): shown once, as the project's own.
ENTAILED_DUPLICATES = ("http://www.w3.org/ns/org#", "https://schema.org/", "http://purl.org/dc/terms/subject",
                       "http://www.w3.org/ns/prov#wasAttributedTo", "http://www.w3.org/ns/prov#wasAssociatedWith",
                       "http://www.w3.org/2006/time#hasTime")


def shown(predicate: str) -> bool:
    """Whether a predicate is listed on pages (labels, sources and entailed duplicates are not)."""
    return predicate not in HIDDEN and not predicate.startswith(ENTAILED_DUPLICATES)


@dataclass
class Value:
    """One value on a page: a link (href + text) or a literal (text)."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass
class Fact:
    """A node that involves the resource, with its role, properties and the sentences behind it."""

    node: Value
    role: str
    properties: list[tuple[str, list[Value]]] = field(default_factory=list)
    quotes: list[tuple[Value, str]] = field(default_factory=list)


@dataclass
class Page:
    """Everything the resource page shows."""

    iri: str
    label: str
    kinds: list[Value]
    definition: str | None
    properties: list[tuple[str, list[Value]]]
    quotes: list[tuple[Value, str]]
    facts: list[Fact]
    incoming: list[tuple[Value, str]]


class Describer:
    """Builds a :class:`Page` from triples; ``local`` maps a project IRI to its path on this server."""

    def __init__(self, triples: list[ox.Triple], local):
        self.local = local
        self.out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for t in triples:
            s = t.subject.value
            self.out[s][t.predicate.value].append(t.object)
            if isinstance(t.object, ox.NamedNode):
                self.incoming[t.object.value].append((s, t.predicate.value))

    def label(self, iri: str) -> str:
        values = self.out.get(iri, {})
        for key in (PREF_LABEL, LABEL):
            texts = [v.value for v in values.get(key, []) if isinstance(v, ox.Literal)]
            english = [v.value for v in values.get(key, []) if isinstance(v, ox.Literal) and v.language in ("en", None)]
            if english or texts:
                return sorted(english or texts)[0]
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def value(self, term) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value), self.local(term.value))
        if isinstance(term, ox.Literal):
            note = f"@{term.language}" if term.language else ""
            if not note and not term.datatype.value.endswith(("#string", "#langString")):
                note = term.datatype.value.rsplit("#", 1)[-1]
            return Value(term.value, None, note)
        return Value(str(term))

    def properties(self, iri: str) -> list[tuple[str, list[Value]]]:
        rows = []
        for predicate, objects in sorted(self.out.get(iri, {}).items(), key=lambda kv: self.label(kv[0])):
            if shown(predicate):
                rows.append((self.label(predicate), sorted((self.value(o) for o in objects), key=lambda v: v.text)))
        return rows

    def quotes(self, iri: str) -> list[tuple[Value, str]]:
        found = []
        for predicate in CITES:
            for sentence in self.out.get(iri, {}).get(predicate, []):
                text = next((v.value for v in self.out.get(sentence.value, {}).get(RDF_VALUE, [])), "")
                found.append((Value(self.label(sentence.value), self.local(sentence.value)), text))
        return sorted(found, key=lambda q: q[0].text)

    def page(self, iri: str) -> Page:
        definition = next((v.value for key in DEFINITIONS for v in self.out[iri].get(key, [])), None)
        facts, incoming, seen = [], [], set()
        for subject, predicate in sorted(set(self.incoming.get(iri, [])), key=lambda sp: (self.label(sp[0]), sp[1])):
            if subject == iri or not shown(predicate) or subject in seen:
                continue
            seen.add(subject)
            node = Value(self.label(subject), self.local(subject))
            if any(self.out[subject].get(c) for c in CITES[:1]):
                facts.append(Fact(node, self.label(predicate), self.properties(subject), self.quotes(subject)))
            else:
                incoming.append((node, self.label(predicate)))
        kinds = [self.value(k) for k in self.out[iri].get(RDF_TYPE, [])]
        return Page(iri, self.label(iri), kinds, definition, self.properties(iri), self.quotes(iri), facts, incoming)
