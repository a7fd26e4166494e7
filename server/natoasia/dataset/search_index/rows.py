"""From the dataset's triples to the index's rows: one per resource a reader may look for, with the group it is
shown in (from its classes), its type in words (the ontology's label of its most specific class), and its text.

A row's text is its names (``rdfs:label``, ``skos:prefLabel``; ``skos:altLabel``); what the graph says about it
(its type in words, descriptions and definitions, the names of the things it points at, the content of what is
said); the text of a sentence, or of the sentences a fact or claim was taken from; and the other names of
everything named in all this: a sentence that says "ISAF" is found by "International Security Assistance
Force", and the other way round. A sentence also carries the names of what the graph took from it ("Seoul
withdrew…" is about South Korea). Content nodes (what a claim or position says) are searched as part of the
claim or position that says them, not as rows of their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.dataset.search_index.text import fold, words

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TIME = "http://www.w3.org/2006/time#"
TYPE, VALUE, SUBCLASS = _RDF + "type", _RDF + "value", _RDFS + "subClassOf"
LABELS = (_RDFS + "label", _SKOS + "prefLabel")
ALT_LABEL = _SKOS + "altLabel"
DESCRIPTIONS = ("http://purl.org/dc/terms/description", _SKOS + "definition", _RDFS + "comment")
CITES = "http://www.w3.org/ns/prov#wasDerivedFrom"
CONTENT, SENTENCE = ONTOLOGY_NS + "Content", ONTOLOGY_NS + "Sentence"
#: Links that say where a resource is attested, not what it is about.
_NOT_ABOUT = (ONTOLOGY_NS + "attestedBy",)
#: Links outside the project's ontology whose targets' names describe a resource: a concept's broader concept
#: (not its scheme: "Actions in what is said" says nothing about each action).
_ABOUT = (_SKOS + "broader",)
#: How deep the content of what is said is followed (a proposal → its content → what that content creates).
CONTENT_DEPTH = 3
#: At most this many names and descriptions make up a row's "about" text.
MAX_ABOUT = 60
#: Names longer than this many words are not looked for inside other text.
MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class Group:
    """A kind of result, in words: the first group whose classes a resource has is its group."""

    key: str
    title: str
    classes: tuple[str, ...]


#: The groups in the order a resource is assigned to them (a state is a place before it is an actor).
GROUPS = (
    Group("places", "Countries and places", (ONTOLOGY_NS + "Location",)),
    Group("frameworks", "Partnership frameworks", (ONTOLOGY_NS + "PartnershipFramework",)),
    Group("groups", "Groups of states and actors", (ONTOLOGY_NS + "ActorGroup",)),
    Group("actors", "Organisations, bodies and people", (ONTOLOGY_NS + "Actor",)),
    Group("events", "Events and operations", (ONTOLOGY_NS + "Event",)),
    Group("positions", "Positions the article attributes to actors", (ONTOLOGY_NS + "Statement",)),
    Group("facts", "Facts", (ONTOLOGY_NS + "Fact",)),
    Group("argument", "The author's claims, predictions and proposals", (ONTOLOGY_NS + "Assessment", CONTENT)),
    Group("concepts", "Concepts", (ONTOLOGY_NS + "Concept", _SKOS + "Concept", _SKOS + "ConceptScheme")),
    Group("documents", "Documents", (ONTOLOGY_NS + "Document",)),
    Group("dates", "Dates and periods", tuple(_TIME + c for c in ("TemporalEntity", "Instant", "Interval",
                                                                  "ProperInterval"))),
    Group("sentences", "Sentences of the article", (SENTENCE,)),
    Group("terms", "Terms of the ontology", ()),
    Group("other", "Other resources", ()),
)
GROUP_KEYS = tuple(group.key for group in GROUPS)
_POSITION = {key: n for n, key in enumerate(GROUP_KEYS)}
_OWL = "http://www.w3.org/2002/07/owl#"
#: The type in words of a resource none of the project's classes describes (the ontology's own terms, concept
#: schemes, dates), from the standard class it has.
OTHER_TYPES = {_OWL + "Class": "class", _OWL + "ObjectProperty": "relation", _OWL + "DatatypeProperty": "attribute",
               _OWL + "AnnotationProperty": "annotation", _SKOS + "ConceptScheme": "list of concepts",
               _SKOS + "Concept": "concept", _TIME + "Instant": "date", _TIME + "ProperInterval": "period",
               _TIME + "Interval": "period", _TIME + "TemporalEntity": "time"}


@dataclass(frozen=True)
class Row:
    """One searchable resource."""

    iri: str
    group: str
    cls: str  # its most specific class in the project's ontology, or ""
    type: str  # that class in words
    cites: str  # the first sentence it cites, or ""
    label: str
    alt: str
    about: str
    body: str
    names: str
    importance: int  # how many statements point at it (rows of a group are stored most important first)

    def sort_key(self) -> tuple:
        return _POSITION[self.group], -self.importance, self.iri


class _Graph:
    """What the rows are made of, gathered in one pass over the triples."""

    def __init__(self, triples: Iterable):
        self.labels, self.alts, self.descriptions = defaultdict(set), defaultdict(set), defaultdict(set)
        self.types, self.superclasses, self.links = defaultdict(set), defaultdict(set), defaultdict(set)
        self.values, self.cites, self.pointed_at = {}, defaultdict(set), Counter()
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s, p, o = t.subject.value, t.predicate.value, t.object
            if isinstance(o, ox.Literal):
                if p in LABELS:
                    self.labels[s].add(o.value)
                elif p == ALT_LABEL:
                    self.alts[s].add(o.value)
                elif p in DESCRIPTIONS:
                    self.descriptions[s].add(o.value)
                elif p == VALUE:
                    self.values[s] = o.value
            elif isinstance(o, ox.NamedNode):
                if p == TYPE:
                    self.types[s].add(o.value)
                    continue
                self.pointed_at[o.value] += 1
                if p == SUBCLASS:
                    self.superclasses[s].add(o.value)
                elif p == CITES:
                    self.cites[s].add(o.value)
                elif (p.startswith(ONTOLOGY_NS) and p not in _NOT_ABOUT) or p in _ABOUT:
                    self.links[s].add(o.value)
        self._closure: dict[str, frozenset] = {}

    def classes(self, iri: str) -> set[str]:
        """Every class of ``iri``, its asserted ones and all their superclasses."""
        found = set()
        for cls in self.types[iri]:
            found |= self._ancestors(cls)
        return found

    def _ancestors(self, cls: str) -> frozenset:
        if cls not in self._closure:
            self._closure[cls] = frozenset({cls})  # a cycle of subclasses ends here
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.superclasses[todo.pop()]:
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._closure[cls] = frozenset(seen)
        return self._closure[cls]

    def specific_class(self, classes: set[str]) -> str:
        """The most specific of the project's classes among ``classes`` (the first by IRI if several)."""
        own = {c for c in classes if c.startswith(ONTOLOGY_NS)}
        specific = [c for c in own if not any(o != c and c in self._ancestors(o) for o in own)]
        return min(specific, default="")

    def names(self, iri: str) -> set[str]:
        return self.labels[iri] | self.alts[iri]

    def named_by(self, iri: str, contents: set[str]) -> set[str]:
        """The names of the things ``iri`` points at directly (not sentences, facts or claims)."""
        return {name for target in self.links[iri] if target.startswith(ID_NS)
                and not (self.cites[target] and target not in contents) for name in self.names(target)}

    def about(self, iri: str, contents: set[str]) -> tuple[list[str], set[str]]:
        """What the graph says about ``iri`` in words — descriptions, the names of the things it points at (not
        of sentences, facts or claims), and the content of what it says (followed :data:`CONTENT_DEPTH` steps deep) —, and the content nodes read."""
        # Breadth first, so that each node is read at its least depth whatever the order of a set (string hashes
        # differ from one process to the next): the rows must not depend on it.
        parts, seen, todo = set(self.descriptions[iri]), {iri}, deque([(iri, 0)])
        while todo:
            node, depth = todo.popleft()
            for target in sorted(self.links[node]):
                if target in seen or not target.startswith(ID_NS) or (self.cites[target] and target not in contents):
                    continue  # a sentence, fact or claim is a statement of its own, not something this one names
                seen.add(target)
                parts |= self.names(target)
                if target in contents:
                    parts |= self.descriptions[target]
                    if depth + 1 < CONTENT_DEPTH:
                        todo.append((target, depth + 1))
        return sorted(parts)[:MAX_ABOUT], seen & contents


def _searchable(iri: str) -> bool:
    return (iri.startswith(ID_NS) and "#" not in iri) or iri.startswith(ONTOLOGY_NS)


def _group(graph: _Graph, iri: str, classes: set[str]) -> str:
    if iri.startswith(ONTOLOGY_NS):
        return "terms"
    for group in GROUPS:
        if classes & set(group.classes):
            return group.key
    return "facts" if graph.cites[iri] else "other"


class _NameFinder:
    """Finds the names of resources inside text: a name of one resource found in a row's text brings all
    that resource's other names into the row. An acronym (ISAF, US) is found only written in capitals."""

    def __init__(self, graph: _Graph, iris: Iterable[str]):
        self.by_words: dict[tuple, set[str]] = defaultdict(set)
        self.names: dict[str, set[str]] = {}
        for iri in iris:
            names = graph.names(iri)
            if len(names) < 2:  # a resource with one name has no other name to bring in
                continue
            self.names[iri] = names
            for name in names:
                key = tuple(words(name) if _acronym(name) else (fold(w) for w in words(name)))
                if 0 < len(key) <= MAX_NAME_WORDS:
                    self.by_words[key].add(iri)
        self.lengths = sorted({len(key) for key in self.by_words})

    def other_names(self, texts: Iterable[str], own: set[str]) -> list[str]:
        """The names of every resource named in ``texts``, except the names in ``own``."""
        if not self.by_words:
            return []
        found = set()
        for text in texts:
            written = words(text)
            folded = [fold(w) for w in written]
            i = 0
            while i < len(written):  # the longest name at each place: "Central Asian nations", not "Asian nations"
                for length in reversed(self.lengths):
                    named = (self.by_words.get(tuple(folded[i:i + length]))
                             or self.by_words.get(tuple(written[i:i + length])))
                    if named:
                        found |= named
                        i += length
                        break
                else:
                    i += 1
        return sorted({name for iri in found for name in self.names[iri]} - own)


def _acronym(name: str) -> bool:
    return len(name) <= 6 and name.isalpha() and name.isupper()


def index_rows(triples: Iterable) -> list[Row]:
    """The rows of the index of ``triples`` (pyoxigraph triples or quads), in the order they are stored."""
    graph = _Graph(triples)
    contents = {iri for iri in set(graph.types) if CONTENT in graph.classes(iri)}
    candidates = sorted(iri for iri in set(graph.labels) | set(graph.alts) if _searchable(iri))
    abouts, told = {}, set()
    for iri in candidates:
        abouts[iri], read = graph.about(iri, contents)
        if iri not in contents:
            told |= read
    finder = _NameFinder(graph, candidates)
    cited_by = defaultdict(set)
    for iri in candidates:
        for sentence in graph.cites[iri]:
            cited_by[sentence].add(iri)
    rows = []
    for iri in candidates:
        if iri in contents and iri in told:
            continue  # searched as part of what says it
        classes = graph.classes(iri)
        cls = graph.specific_class(classes)
        type_words = (" · ".join(sorted(graph.labels[cls])) if cls
                      else next((OTHER_TYPES[t] for t in sorted(graph.types[iri]) if t in OTHER_TYPES), ""))
        label, alt = sorted(graph.labels[iri]), sorted(graph.alts[iri])
        if SENTENCE in classes:  # its text, and the names of what the graph took from it ("Seoul" → South Korea)
            body = graph.values.get(iri, "")
            about = sorted(set(abouts[iri]).union(*(graph.named_by(fact, contents) for fact in cited_by[iri])))
        else:  # a fact or claim is found by the words of the sentences it was taken from, too
            body = " ".join(graph.values.get(sentence, "") for sentence in sorted(graph.cites[iri]))
            about = abouts[iri]
        about = [type_words, *about] if type_words else about  # "strategic choices" finds the three choices
        names = finder.other_names([*label, *alt, *about, body], set(label) | set(alt))
        rows.append(Row(iri, _group(graph, iri, classes), cls, type_words,
                        min(graph.cites[iri], default=""), " · ".join(label), " · ".join(alt), " · ".join(about),
                        body, " · ".join(names), graph.pointed_at[iri]))
    return sorted(rows, key=Row.sort_key)
