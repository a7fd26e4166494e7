"""The reader's edition as a model (:mod:`.article` renders it): the article's sentences in reading order, each
with its reading text and what the graph took from it — the nodes citing it (``prov:wasDerivedFrom``) with their
mark, kind and main values in words, and the entities and terms it names (``nat:attestedBy``) — built from the
graph alone by six SPARQL queries. The marks come from the ontology's class hierarchy (``rdfs:subClassOf*``), the
words from its labels, so new classes and properties are read without a change here.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from natoasia import FACTS_GRAPH, ONTOLOGY_NS
from natoasia.site.sections import SECTIONS, section_of

NAT, RDF = ONTOLOGY_NS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS, XSD = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"""PREFIX nat: <{NAT}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <{RDFS}>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@dataclass(frozen=True)
class Kind:
    """A mark of the reader's edition: what the graph took from a sentence, with its colour key and glyph."""

    key: str
    top: str  # the ontology class (local name) whose subclasses (rdfs:subClassOf*) carry this mark
    singular: str
    plural: str
    glyph: str


#: The marks, most specific first: a node takes the first whose class it falls under, so a prediction is marked
#: as a prediction and not also as a claim, a position (nat:Statement) not also as a fact.
KINDS = (
    Kind("question", "ResearchQuestion", "research question", "research questions", "?"),
    Kind("proposal", "Proposal", "proposal", "proposals", "★"),
    Kind("prediction", "Prediction", "prediction", "predictions", "▶"),
    Kind("claim", "Claim", "claim", "claims", "▲"),
    Kind("position", "Statement", "position attributed to an actor", "positions attributed to actors", "●"),
    Kind("event", "Event", "event", "events", "◆"),
    Kind("fact", "Fact", "fact", "facts", "■"),
)
KIND = {k.key: k for k in KINDS}
CONTENT = NAT + "Content"
#: Not listed as a node's values: its names, types, sources, definition and paraphrase (its label says it), and
#: the author as the assessor of every assessment (the whole article is the author's).
HIDDEN = {RDF + "type", RDFS + "label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#definition",
          "http://www.w3.org/ns/prov#wasDerivedFrom",
          "http://purl.org/dc/terms/description", NAT + "attestedBy", NAT + "assessedBy"}
APPROXIMATE = NAT + "isApproximate"
#: Properties read first on a node (who, what, with whom, where, when, how many); the others follow by label.
FIRST = tuple(NAT + p for p in (
    "statedBy", "actor", "contributor", "member", "groupMember", "agent", "actingParty", "involvedParty", "modality",
    "hasContent", "action", "relationshipKind", "contributionKind", "partner", "withParty", "group", "organisation",
    "recipient", "target", "amount", "sizeQualifier", "deployedIn", "eventLocation", "hasTime", "startTime",
    "endTime", "contentTime", "status", "formality"))
HAS_CONTENT = NAT + "hasContent"
NUMBER_TYPES = {XSD + t for t in ("integer", "decimal", "nonNegativeInteger", "positiveInteger", "int", "long")}
SENTENCE_ID = re.compile(r"s\d{3,4}")

SENTENCES = PREFIXES + """SELECT ?sentence ?id ?paragraph ?exact ?start ?end ?quote ?position ?source WHERE {
  ?sentence a nat:Sentence ; nat:sentenceId ?id ; nat:paragraph ?paragraph ; oa:hasSelector ?quote, ?position .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?sentence oa:hasSource ?source }
}"""
SUBCLASSES = PREFIXES + """SELECT DISTINCT ?sub ?super WHERE {
  ?sub rdfs:subClassOf+ ?super FILTER(isIRI(?sub) && isIRI(?super))
}"""
CLASS_LABELS = PREFIXES + """SELECT ?class ?label WHERE {
  ?class a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label ?label FILTER(LANG(?label) IN ("en", ""))
}"""
#: Every node citing a sentence (``prov:wasDerivedFrom``) or named by it (``nat:attestedBy``), with its types.
NODES = PREFIXES + """SELECT ?node ?how ?sentence ?label ?class WHERE {
  { ?node prov:wasDerivedFrom ?sentence BIND("derived" AS ?how) }
  UNION { ?node nat:attestedBy ?sentence BIND("named" AS ?how) }
  ?sentence a nat:Sentence .
  OPTIONAL { ?node rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL { ?node a ?class FILTER(STRSTARTS(STR(?class), STR(nat:))) }
}"""
VALUES = PREFIXES + f"""SELECT ?node ?property ?propertyLabel ?value ?valueLabel ?datatype WHERE {{
  {{ SELECT DISTINCT ?node WHERE {{ ?node prov:wasDerivedFrom ?sentence . ?sentence a nat:Sentence }} }}
  GRAPH <{FACTS_GRAPH}> {{ ?node ?property ?value }}
  OPTIONAL {{ ?property rdfs:label ?propertyLabel FILTER(LANG(?propertyLabel) IN ("en", "")) }}
  OPTIONAL {{ ?value rdfs:label ?valueLabel FILTER(LANG(?valueLabel) IN ("en", "")) }}
  BIND(DATATYPE(?value) AS ?datatype)
}}"""
DOCUMENT = PREFIXES + """SELECT ?document ?title ?label ?creator ?collection WHERE {
  ?sentence a nat:Sentence ; oa:hasSource ?document .
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document rdfs:label ?label }
  OPTIONAL { ?document dcterms:creator/rdfs:label ?creator }
  OPTIONAL { ?document dcterms:isPartOf/dcterms:title ?collection }
} LIMIT 1"""


@dataclass
class Value:
    """A value as a reader says it: words, and a link when it is a resource of the graph."""

    text: str
    href: str | None = None


@dataclass
class Node:
    """A node of the graph taken from a sentence: its mark, its kind and label in words, and its main values."""

    iri: str
    href: str
    label: str
    kind: str | None  # the key of its mark (KINDS), None for content and named entities
    words: str  # its kind in words ("membership", "claim", "position attributed to an actor")
    values: list[tuple[str, list[Value]]] = field(default_factory=list)
    says: list[Node] = field(default_factory=list)  # what an assessment or position says: its content, with parts
    part_of: list[Value] = field(default_factory=list)  # for content said here: the nodes it is part of


@dataclass
class Sentence:
    """One sentence resource, where it stands, its reading text, and what the graph took from it."""

    iri: str
    id: str
    number: int
    paragraph: int
    section: int
    start: int
    end: int
    exact: str
    text: str
    quote: str  # the IRIs of its two selectors
    position: str
    source: str
    nodes: list[Node] = field(default_factory=list)  # facts, events, positions and assessments citing it
    content: list[Node] = field(default_factory=list)  # the content nodes citing it (what its assessments say …)
    said: list[Node] = field(default_factory=list)  # those of them that no node of this sentence carries
    named: list[Node] = field(default_factory=list)  # entities it names (nat:attestedBy)
    terms: list[Node] = field(default_factory=list)  # terms of the graph's vocabularies it attests (concepts)
    marks: list[tuple[Kind, int]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [kind.key for kind, _ in self.marks]

    @property
    def summary(self) -> str:
        """What the graph took from it, counted in words ("1 claim, 11 facts")."""
        parts = [f"{n} {kind.singular if n == 1 else kind.plural}" for kind, n in self.marks]
        return ", ".join(parts) or ("names only" if self.named or self.terms else "nothing")


@dataclass
class Article:
    """The reader's edition: sections of paragraphs of sentences, and the sentences by id, in reading order."""

    document: dict
    sections: list[dict]
    sentences: list[Sentence]
    by_id: dict[str, Sentence]
    counts: dict[str, int]  # sentences carrying each mark


def number(text: str) -> int | None:
    """A plain count from a query row: ASCII digits only (``"²".isdigit()`` is True, ``int("²")`` raises)."""
    return int(text) if text.isascii() and text.isdigit() else None


def reading_texts(exacts: dict[str, str]) -> dict[str, str]:
    """The quotes made readable, the quotes themselves unchanged: the PDF extraction's line breaks and runs of
    spaces become one space; a word split at a line end is joined ("geo-\\ngraphical" → "geographical" when the
    article spells "geographical" elsewhere, else the hyphen stays: "Asia-\\nPacific" → "Asia-Pacific"); and a word
    split by a stray space is joined ("con tributing" → "contributing") when the article spells it whole elsewhere
    and neither piece occurs alone anywhere in it."""
    split = re.compile(r"(\w+)-[ \t]*\n\s*(\w+)")
    words = Counter(w.lower() for text in exacts.values() for w in re.findall(r"[^\W\d_]+", split.sub(r"\1-\2", text)))

    def unhyphen(match: re.Match) -> str:
        head, tail = match.group(1), match.group(2)
        return head + tail if tail[0].islower() and words[(head + tail).lower()] else f"{head}-{tail}"

    def unspace(match: re.Match) -> str:  # the space between two words, the second one only looked at
        head, tail = match.group(1).lower(), match.group(2).lower()
        return match.group(1) if words[head] == 1 and words[tail] == 1 and words[head + tail] else match.group(0)

    readable = {}
    for key, text in exacts.items():
        text = " ".join(split.sub(unhyphen, text).split())
        readable[key] = re.sub(r"(?<![^\W\d_])([^\W\d_]+) (?=([^\W\d_]+)(?![^\W\d_]))", unspace, text)
    return readable


def mark_of(classes: set[str], supers: dict[str, set[str]]) -> Kind | None:
    """The mark of a node of these classes: the first of :data:`KINDS` whose class they fall under."""
    reach = set(classes).union(*(supers.get(c, set()) for c in classes))
    return next((kind for kind in KINDS if NAT + kind.top in reach), None)


def most_specific(classes: set[str], supers: dict[str, set[str]]) -> list[str]:
    """The classes of a node that are no superclass of another of its classes."""
    return sorted(c for c in classes if not any(c in supers.get(other, ()) for other in classes if other != c))


def _words(label: str) -> str:
    """A property's label as the name of a value ("has relationship kind" → "relationship kind")."""
    return label[4:] if label.startswith("has ") else label


def _local_words(iri: str) -> str:
    """Words for an IRI that has no label (never expected): its last segment, split at hyphens and capitals."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail).replace("-", " ").lower()


def _say(row: dict, approximate: bool, local) -> Value:
    """A value as a reader says it: a resource by its label, a count with thousands separators (and "about" when
    the node says the count is approximate), a truth value as yes or no, any other literal as written."""
    datatype = row.get("datatype")
    if not datatype:
        return Value(row.get("valueLabel") or _local_words(row["value"]), local(row["value"]))
    text = row["value"]
    if datatype in NUMBER_TYPES and re.fullmatch(r"-?[0-9]+", text):
        return Value(("about " if approximate else "") + f"{int(text):,}")
    if datatype == XSD + "boolean":
        return Value("yes" if text in ("true", "1") else "no")
    return Value(text)


def build(select, local) -> Article:
    """The reader's edition from the graph, by six queries: ``select`` runs one and returns plain rows, ``local``
    gives the path on this server of a project IRI."""
    supers: dict[str, set[str]] = defaultdict(set)
    for row in select(SUBCLASSES):
        supers[row["sub"]].add(row["super"])
    class_words = {row["class"]: row["label"] for row in select(CLASS_LABELS)}
    document = next(iter(select(DOCUMENT)), {})
    rows = [r for r in select(SENTENCES) if SENTENCE_ID.fullmatch(r["id"]) and number(r["paragraph"])
            and number(r["start"]) is not None and number(r["end"]) is not None]
    texts = reading_texts({r["id"]: r["exact"] for r in rows})
    sentences = sorted((Sentence(r["sentence"], r["id"], int(r["id"][1:]), int(r["paragraph"]),
                                 section_of(int(r["paragraph"])), int(r["start"]), int(r["end"]), r["exact"],
                                 texts[r["id"]], r["quote"], r["position"], r.get("source", ""))
                        for r in {r["id"]: r for r in rows}.values()), key=lambda s: (s.start, s.id))
    by_iri = {s.iri: s for s in sentences}

    labels, classes, cites = {}, defaultdict(set), defaultdict(lambda: defaultdict(set))
    for row in select(NODES):
        if row["sentence"] in by_iri:
            labels.setdefault(row["node"], row.get("label") or _local_words(row["node"]))
            if row.get("class"):
                classes[row["node"]].add(row["class"])
            cites[row["how"]][row["node"]].add(row["sentence"])
    values, parents, contents = _values(select, local)

    def node(iri: str, parts: bool = True) -> Node:
        kind = mark_of(classes[iri], supers)
        specific = most_specific(classes[iri], supers)
        words = kind.singular if kind and specific == [NAT + kind.top] else \
            ", ".join(class_words.get(c, _local_words(c)) for c in specific) or "resource"
        says = [node(c, False) for c in sorted(contents.get(iri, ()))] if parts else []
        return Node(iri, local(iri), labels.get(iri) or _local_words(iri), kind.key if kind else None, words,
                    values.get(iri, []), says)

    derived = defaultdict(list)
    for iri, where in cites["derived"].items():
        for sentence in where:
            derived[sentence].append(iri)
    for sentence in sentences:
        own = set(derived[sentence.iri])
        for item in sorted(map(node, own), key=lambda n: (n.words, n.label.lower())):
            iri = item.iri
            if CONTENT not in classes[iri]:
                sentence.nodes.append(item)
                continue
            sentence.content.append(item)
            if not parents[iri] & own:  # content carried by no node of this sentence: said here, part of another
                item.part_of = [Value(labels.get(p, _local_words(p)), local(p)) for p in sorted(parents[iri])]
                sentence.said.append(item)
        for iri in sorted((i for i, where in cites["named"].items() if sentence.iri in where),
                          key=lambda i: labels[i].lower()):
            concept = NAT + "Concept" in set(classes[iri]).union(*(supers.get(c, set()) for c in classes[iri]))
            (sentence.terms if concept else sentence.named).append(node(iri))
        counted = Counter(n.kind for n in sentence.nodes if n.kind)
        counted.update(_carried_kind(n.iri, parents, classes, supers) for n in sentence.said)
        sentence.marks = [(k, counted[k.key]) for k in KINDS if counted[k.key]]

    sections = _sections(sentences)
    counts = {k.key: sum(k.key in s.keys for s in sentences) for k in KINDS}
    return Article(document, sections, sentences, {s.id: s for s in sentences}, counts)


def _values(select, local) -> tuple[dict[str, list], dict[str, set[str]], dict[str, set[str]]]:
    """Each node's values in words, in reading order (what it says apart); each node's parents (the nodes that
    point at it); and what each assessment or position says (its content nodes, ``nat:hasContent``)."""
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    approximate, parents, contents = set(), defaultdict(set), defaultdict(set)
    rows = select(VALUES)
    for row in rows:
        if row["property"] == APPROXIMATE and row["value"] in ("true", "1"):
            approximate.add(row["node"])
    for row in rows:
        prop = row["property"]
        if prop in HIDDEN or prop == APPROXIMATE:
            continue
        if not row.get("datatype"):
            parents[row["value"]].add(row["node"])
        if prop == HAS_CONTENT:
            contents[row["node"]].add(row["value"])
            continue
        names[prop] = _words(row.get("propertyLabel") or _local_words(prop))
        value = _say(row, row["node"] in approximate, local)
        if value not in found[row["node"]][prop]:
            found[row["node"]][prop].append(value)
    order = {p: i for i, p in enumerate(FIRST)}
    values = {node: [(names[p], sorted(vs, key=lambda v: v.text.lower()))
                     for p, vs in sorted(props.items(), key=lambda pv: (order.get(pv[0], len(order)), names[pv[0]]))]
              for node, props in found.items()}
    return values, parents, contents


def _carried_kind(iri: str, parents: dict[str, set[str]], classes, supers, depth: int = 8) -> str | None:
    """The mark of the nearest node that carries a content node (through other content nodes, at most ``depth``)."""
    frontier = {iri}
    for _ in range(depth):
        frontier = set().union(*(parents.get(i, set()) for i in frontier))
        kinds = sorted((mark_of(classes[i], supers) for i in frontier if CONTENT not in classes[i]),
                       key=lambda k: KINDS.index(k) if k else len(KINDS))
        if kinds:
            return kinds[0].key if kinds[0] else None
    return None


def _sections(sentences: list[Sentence]) -> list[dict]:
    """Sections of paragraphs; a paragraph is its sentences in order and, where the offsets leave room for a
    sentence the graph does not hold, a gap (None) in their place."""
    paragraphs: dict[int, list] = defaultdict(list)
    for sentence in sentences:
        if paragraphs[sentence.paragraph] and sentence.start - paragraphs[sentence.paragraph][-1].end > 3:
            paragraphs[sentence.paragraph].append(None)
        paragraphs[sentence.paragraph].append(sentence)
    sections = [{"number": n, "title": title, "id": f"section-{n}", "paragraphs": []}
                for n, (_, title) in enumerate(SECTIONS, start=1)]
    for para, parts in sorted(paragraphs.items()):
        item = re.match(r"[a-z]\. ", parts[0].text) is not None
        sections[section_of(para) - 1]["paragraphs"].append({"number": para, "id": f"p{para}", "item": item,
                                                            "parts": parts})
    return sections
