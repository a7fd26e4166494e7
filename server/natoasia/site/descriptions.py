"""Turning a resource's description (RDF triples) into what its page shows: one type line in words, the lead,
what an assessment says, and statements grouped by what they are about, each value in words and each
statement with the sentences it was taken from. The ontology (:mod:`.vocabulary`) names every term and decides
which statements are shortcuts or inverses of others (shown once, from the side they were written)."""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from natoasia import ONTOLOGY_NS
from natoasia.site import groups as g
from natoasia.site import lookups
from natoasia.site.page_model import Group, Page, Row, Said
from natoasia.site.values import Value, literal_text, outside, sentence_number, with_article
from natoasia.site.vocabulary import Vocabulary
from natoasia.site.vocabulary import vocabulary as served_vocabulary

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
LEADS = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description", RDF_VALUE)
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
ATTESTED_BY = ONTOLOGY_NS + "attestedBy"
HAS_CONTENT = ONTOLOGY_NS + "hasContent"
APPROXIMATE = ONTOLOGY_NS + "isApproximate"
PARAGRAPH = ONTOLOGY_NS + "paragraph"
SENTENCE_ID = ONTOLOGY_NS + "sentenceId"
CONTENT = ONTOLOGY_NS + "Content"
DEFINED_BY = "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"
BACKGROUND_NOTE = "background knowledge, not from the article"
#: Identity links: the outside resource is this one, so it is named by this one's label.
SAME_AS = {"http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2002/07/owl#sameAs"}
#: Shown elsewhere on the page: the title, the type line, the lead and the references.
HIDDEN = {RDF_TYPE, LABEL, PREF_LABEL, DERIVED_FROM, ATTESTED_BY, DEFINED_BY, *LEADS}
SHORTCUTS_IN_TYPE_LINE = 3
#: Rows of a group on the resource's page; the rest are on the group's own page (``?group=KEY``).
MAX_ROWS = 12
#: A node that points here cites at most this many sentences beside it (its own page lists them all).
REFERENCES_PER_ROW = 3
MORE_VALUES_AFTER = 4


class Describer:
    """Builds a :class:`Page` from a resource's description (triples). ``local`` maps a project IRI to its path on
    this server. Unless ``lookup`` is off, :meth:`page` first asks the engine for what the description lacks
    (:mod:`.lookups`): what the resource's content nodes say, what the content nodes pointing here belong to, and
    which statements come from the background graph (``background``: IRI/text tuples, marked as such)."""

    def __init__(self, triples, local, vocabulary: Vocabulary | None = None,
                 background: set[tuple[str, str, str]] | None = None, lookup: bool = True):
        self.local, self.vocabulary = local, vocabulary or served_vocabulary()
        self.background, self.lookup = background, lookup
        self.triples = list(triples)
        self.out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.incoming: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._known: set = set()
        self._index(self.triples)

    def _index(self, triples) -> None:
        for t in triples:
            if t in self._known:
                continue
            self._known.add(t)
            s, p = t.subject.value, t.predicate.value
            self.out[s][p].append(t.object)
            if isinstance(t.object, ox.NamedNode):
                self.incoming[t.object.value][s].append(p)

    def complete(self, iri: str) -> None:
        """Add what the page of ``iri`` needs beyond the description (see the class)."""
        if self.lookup:
            self._index(lookups.said(iri, self.triples) + lookups.owners(iri, self.triples))
            if self.background is None:
                self.background = lookups.background(iri)
            self.lookup = False
        self.background = self.background or set()

    # -- terms in words ---------------------------------------------------------------------------------------
    def label(self, iri: str) -> str:
        """A resource's preferred label (English first); a term's label from the ontology; else its name."""
        values = self.out.get(iri, {})
        for key in (PREF_LABEL, LABEL):
            texts = [v for v in values.get(key, []) if isinstance(v, ox.Literal)]
            english = [v.value for v in texts if v.language in ("en", None)]
            if english or texts:
                return sorted(english or [v.value for v in texts])[0]
        return self.vocabulary.label(iri)

    def classes(self, iri: str) -> list[str]:
        """The most specific classes of a resource."""
        return self.vocabulary.most_specific([t.value for t in self.out.get(iri, {}).get(RDF_TYPE, [])])

    def kind(self, iri: str) -> str:
        """The kind of a resource in words ("state", "claim")."""
        return " and ".join(self.vocabulary.label(c) for c in self.classes(iri)) or "resource"

    def value(self, term, node: str | None = None) -> Value:
        """A term as a reader says it; a number of a node marked approximate reads "about …"."""
        if isinstance(term, ox.Literal):
            text = literal_text(term)
            approximate = node is not None and any(v.value == "true" for v in self.out[node].get(APPROXIMATE, []))
            if approximate and re.fullmatch(r"[\d,.]+", text):
                text = "about " + text
            return Value(text)
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if iri.startswith(ONTOLOGY_NS):
                return Value(self.vocabulary.label(iri), "/ontology#" + iri[len(ONTOLOGY_NS):])
            path = self.local(iri)
            if path != iri:
                return Value(self.label(iri), path)
            known = iri in self.out and any(k in self.out[iri] for k in (LABEL, PREF_LABEL))
            return outside(iri, self.label(iri) if known else None)
        return Value("an unnamed node")

    def quoted(self, p: str, value: Value) -> Value:
        """``value`` marked as a quotation when ``p`` holds the article's own words (a cue's words)."""
        return Value(value.text, quote=True) if p in self.vocabulary.verbatim and not value.href else value

    def sources(self, iri: str, *predicates: str) -> list[str]:
        """The sentences a node cites, in the article's order."""
        return sorted({s.value for p in predicates or (DERIVED_FROM,) for s in self.out.get(iri, {}).get(p, [])})

    # -- what is shown once ------------------------------------------------------------------------------------
    def hidden(self, s: str, p: str, o) -> bool:
        """Whether a triple is left out of the statements: shown elsewhere (labels, types, sources), written from
        the other side (an inverse), a shortcut derived through a fact node, or a super-property's copy of a
        more specific statement."""
        if p in HIDDEN or p in self.vocabulary.inverses or p in self.vocabulary.shortcuts:
            return True
        if p == APPROXIMATE:  # said with the number it qualifies ("about 1,000")
            return True
        return any(q != p and o in objects and p in self.vocabulary.property_ancestors(q)
                   for q, objects in self.out[s].items())

    def properties(self, s: str, skip=frozenset(), keep=lambda p: True) -> list[tuple[str, list[Value]]]:
        """A node's shown properties, each as (heading, values in words), without the values in ``skip``."""
        rows = []
        for p, objects in self.out.get(s, {}).items():
            if self.hidden(s, p, None) or not keep(p):
                continue
            values = [o for o in objects if not self.hidden(s, p, o) and o.value not in skip]
            if values:
                texts = sorted((self.quoted(p, self.value(o, s)) for o in values), key=lambda v: v.text.lower())
                rows.append((g.reader_label(self.vocabulary.label(p)), texts))
        return sorted(rows, key=lambda r: r[0])

    def owners(self, content: str, depth: int = 2) -> list[tuple[str, str, bool]]:
        """What a content node belongs to — the assessments or positions it is the content of, the facts or
        events it is the purpose, consequence … of — directly or through content it is a part of: (that node, the
        property that joins them, whether through a part), those it is the content of first."""
        pointing = sorted(self.incoming.get(content, {}).items(), key=lambda sp: (HAS_CONTENT not in sp[1], sp[0]))
        found = [(subject, HAS_CONTENT if HAS_CONTENT in props else sorted(props)[0], False)
                 for subject, props in pointing
                 if subject != content and CONTENT not in self.classes(subject) and self.classes(subject)]
        for subject, _ in pointing if depth > 1 else ():
            if subject != content and CONTENT in self.classes(subject):
                found += [(owner, via, True) for owner, via, _ in self.owners(subject, depth - 1)]
        first: dict[str, tuple[str, str, bool]] = {}
        for each in found:
            first.setdefault(each[0], each)
        return list(first.values())

    def owner(self, content: str) -> tuple[str, str, bool] | None:
        """The first of :meth:`owners`."""
        found = self.owners(content)
        return found[0] if found else None

    def within(self, via: str) -> str:
        """Where in its owner a content node stands: "in what it says", "in its purpose"."""
        if via == HAS_CONTENT:
            return "in what it says"
        label = self.vocabulary.label(via)
        return "in its " + label[4:] if label.startswith("has ") else "in a part of it"

    # -- the page ----------------------------------------------------------------------------------------------
    def type_line(self, iri: str) -> str:
        """The kind in words, then the standings derived through fact nodes, with one value each ("A state ·
        partner of NATO"): shortcuts whose label names a standing ("… of"), not an activity ("contributes to"),
        which the page's groups list with their dates."""
        kinds = with_article(self.kind(iri))
        phrases = []
        for p, objects in sorted(self.out[iri].items(), key=lambda kv: self.vocabulary.label(kv[0])):
            label = self.vocabulary.label(p)
            if p in self.vocabulary.shortcuts and label.endswith(" of") and len(objects) == 1:
                phrases.append(f"{label} {self.value(objects[0]).text}")
        return " · ".join([kinds[:1].upper() + kinds[1:], *phrases[:SHORTCUTS_IN_TYPE_LINE]])

    def page(self, iri: str, limit: int | None = MAX_ROWS) -> Page:
        """The page of ``iri``, each group showing at most ``limit`` rows (None: all of them)."""
        self.complete(iri)
        classes = self.classes(iri)
        node = g.is_node(self.vocabulary, classes)
        lead_key, lead = next(((key, v.value) for key in LEADS for v in self.out[iri].get(key, [])), (None, None))
        says = [Said(self.value(c), self.properties(c.value)) for c in self.out[iri].get(HAS_CONTENT, [])
                if isinstance(c, ox.NamedNode)]
        content_of = [self._whose(*found) for found in self.owners(iri)] if CONTENT in classes else []
        rows: dict[g.GroupKind, list[Row]] = defaultdict(list)
        self._own(iri, node, bool(says), rows)
        self._incoming(iri, rows)
        groups = [Group(kind.key, self._title(kind, classes), sorted(rows[kind], key=lambda r: r.order),
                        None if kind in (g.IDENTITY, g.STATEMENTS) else limit)
                  for kind in g.ORDER if rows.get(kind)]
        background = any((iri, DEFINED_BY, o.value) in self.background for o in self.out[iri].get(DEFINED_BY, []))
        return Page(iri, self.label(iri), classes, self.type_line(iri), lead, content_of, says,
                    self.sources(iri), groups, background=background, lead_is_quote=lead_key == RDF_VALUE)

    def _whose(self, owner: str, via: str, part: bool) -> tuple[str, Value, str]:
        """Whose content this is, in words: ("What the claim", its link, "says")."""
        kind, label = self.kind(owner), self.vocabulary.label(via)
        if via == HAS_CONTENT:
            return (f"{'Part of what' if part else 'What'} the {kind}", self.value(ox.NamedNode(owner)), "says")
        if label.startswith("has ") and not part:
            return (f"The {label[4:]} of the {kind}", self.value(ox.NamedNode(owner)), "")
        return (f"Part of the {kind}", self.value(ox.NamedNode(owner)), "")

    def _title(self, kind: g.GroupKind, classes: list[str]) -> str:
        if kind is g.STATEMENTS and CONTENT in classes:
            return "What it says"
        return kind.title

    def _own(self, iri: str, node: bool, inline_content: bool, rows) -> None:
        """The resource's own statements: names and identifiers, statements, argument links."""
        out = self.out[iri]
        if out.get(ALT_LABEL):
            rows[g.IDENTITY].append(Row("also known as", sorted({self.value(v) for v in out[ALT_LABEL]},
                                                                key=lambda v: v.text), order=(-3,)))
        if out.get(ATTESTED_BY):
            rows[g.IDENTITY].append(Row("named in the article", [], sources=self.sources(iri, ATTESTED_BY),
                                        order=(10**7,)))
        for p, objects in out.items():
            if p == ALT_LABEL or (p == HAS_CONTENT and inline_content):
                continue
            shown = [o for o in objects if not self.hidden(iri, p, o)]
            for background in (False, True):
                values = [o for o in shown if ((iri, p, o.value) in self.background) == background]
                if not values:
                    continue
                kind = self._own_group(p, node, background)
                label = g.reader_label(self.vocabulary.label(p))
                texts = sorted((self._same(o, iri) if p in SAME_AS else self.quoted(p, self.value(o, iri))
                                for o in values),
                               key=lambda v: v.text.lower())
                note = BACKGROUND_NOTE if background else ""
                rows[kind].append(Row(label, texts, note=note, order=(-2, label, background)))

    def _same(self, term, iri: str) -> Value:
        """An outside identifier of this resource, named by this resource's label ("Wikidata: Japan (Q17)")."""
        if isinstance(term, ox.NamedNode) and self.local(term.value) == term.value:
            return outside(term.value, self.label(iri))
        return self.value(term, iri)

    def _own_group(self, p: str, node: bool, background: bool) -> g.GroupKind:
        if background:
            return g.IDENTITY
        if self.vocabulary.is_argument_link(p):
            return g.ARGUMENT
        return g.STATEMENTS if node else g.IDENTITY

    def _incoming(self, iri: str, rows) -> None:
        """The nodes that point here, each once, grouped by what they are; content nodes under what they are
        the content of."""
        target = self.target(iri)
        items: dict[str, Row] = {}
        said_here = {o.value for p, objects in self.out[iri].items() for o in objects
                     if isinstance(o, ox.NamedNode) and not self.hidden(iri, p, o)}
        for subject, props in sorted(self.incoming.get(iri, {}).items()):
            shown = sorted({p for p in props if not self.hidden(subject, p, ox.NamedNode(iri))})
            argument = any(self.vocabulary.is_argument_link(p) for p in shown)
            if subject == iri or not shown or (subject in said_here and not argument):
                continue  # said here already, unless it is evidence, a reason … for this resource
            roles = [g.role(self.vocabulary.label(p), target) for p in shown]
            node, prop = subject, shown[0]
            if CONTENT in self.classes(subject) and (found := self.owner(subject)) and found[0] != iri:
                node = found[0]
                roles = [f"{r} {self.within(found[1])}" for r in roles]
                prop = next((p for p in shown if not self.vocabulary.is_argument_link(p)), prop)
            if node in items:
                items[node].qualifiers.extend(r for r in roles if r not in items[node].qualifiers)
                continue
            argument_only = all(self.vocabulary.is_argument_link(p) for p in shown)
            kind = g.ARGUMENT if argument_only else g.nearest_group(self.vocabulary, self.classes(node), prop)
            sources = (self.sources(node) or self.sources(subject))[:REFERENCES_PER_ROW]
            details = self.properties(node, skip={iri}, keep=lambda p: self._detail(p))
            background = all((subject, p, iri) in self.background for p in shown)
            items[node] = Row(self.kind(node), [self.value(ox.NamedNode(node))], roles,
                              [(k, v[:MORE_VALUES_AFTER]) for k, v in details], sources,
                              note=BACKGROUND_NOTE if background else "",
                              order=(self._order_key(node, sources), self.label(node).lower()), iri=node)
            rows[kind].append(items[node])

    def _detail(self, p: str) -> bool:
        """Whether a property of a pointing node is shown beside it (argument links and content are on its page)."""
        return not self.vocabulary.is_argument_link(p) and p != HAS_CONTENT

    def target(self, iri: str) -> str:
        """How a role phrase names the page's resource: by its label when short, else "this claim"."""
        label = self.label(iri)
        return label if len(label) <= 40 else f"this {self.kind(iri)}"

    def _order_key(self, node: str, sources: list[str]) -> int:
        """Nodes in the order the article states them: by their first sentence."""
        number = sentence_number(sources[0].rsplit("/", 1)[-1]) if sources else ""
        return int(number) if number.isdigit() else 10**6
