"""The argument as AIF sees it, read by SPARQL from the built dataset: the information nodes (what is said,
with the sentences that say it and who says them) and the links between them (tools/MODELLING.md,
"Argument relations and AIF")."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from natoasia.namespaces import PREFIXES

_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("nat", "rdf", "rdfs", "dcterms", "prov", "oa", "owl"))

#: Each kind of link: the graph pattern binding ?from (the AIF source) and ?to (the AIF target), its
#: S-node type, scheme name and AIFdb scheme ID (None where no published ID was found).
LINKS = {
    "support": ("?link a nat:Support ; nat:evidence ?from ; nat:supported ?to . OPTIONAL { ?link nat:cue ?cue . "
                "?cue rdf:value ?quote ; oa:hasSource/dcterms:creator ?author }", "RA", "Default Inference", "72"),
    "reason": ("?to nat:hasReason ?from", "RA", "Default Inference", "72"),
    "purpose": ("?to nat:hasPurpose ?from", "RA", "Practical Reasoning", None),
    "conflict": ("?from nat:conflictsWith ?to", "CA", "Default Conflict", "71"),
    "preference": ("?from nat:preferredTo ?to", "PA", "Default Preference", None),
    "rephrase": ("?from nat:elaborates ?to", "MA", "Default Rephrase", None),
}

LINKS_QUERY = _PROLOGUE + "SELECT ?kind ?from ?to ?link ?cue ?quote ?author WHERE {\n" + "\n  UNION ".join(
    f'{{ {pattern} BIND("{kind}" AS ?kind) }}' for kind, (pattern, *_rest) in LINKS.items()) + "\n}"

NODES_QUERY = _PROLOGUE + """SELECT DISTINCT ?node ?question WHERE {
  { ?node a nat:Proposition } UNION { ?link a nat:Support ; nat:evidence|nat:supported ?node }
  UNION { ?node nat:hasReason|nat:hasPurpose|nat:conflictsWith|nat:preferredTo|nat:elaborates ?other }
  UNION { ?other nat:hasReason|nat:hasPurpose|nat:conflictsWith|nat:preferredTo|nat:elaborates ?node }
  BIND(EXISTS { ?node a nat:ResearchQuestion } AS ?question)
}"""

TEXT_QUERY = _PROLOGUE + """SELECT ?node ?property ?text WHERE {
  VALUES ?property { dcterms:description rdfs:label }
  ?node ?property ?text . FILTER(langMatches(lang(?text), "en") || lang(?text) = "")
}"""

SENTENCES_QUERY = _PROLOGUE + """SELECT ?node ?property ?sentence ?quote ?author WHERE {
  VALUES ?property { prov:wasDerivedFrom nat:attestedBy }
  ?node ?property ?sentence . ?sentence a nat:Sentence ; rdf:value ?quote .
  OPTIONAL { ?sentence oa:hasSource/dcterms:creator ?author }
}"""

SPEAKERS_QUERY = _PROLOGUE + """SELECT ?node ?property ?speaker WHERE {
  VALUES ?property { nat:statedBy nat:assessedBy } ?node ?property ?speaker
}"""

NAMES_QUERY = _PROLOGUE + """SELECT ?actor ?name ?person WHERE {
  ?actor rdfs:label ?name . FILTER(langMatches(lang(?name), "en") || lang(?name) = "")
  BIND(EXISTS { ?actor a nat:Person } AS ?person)
}"""

DATE_QUERY = _PROLOGUE + "SELECT ?date WHERE { ?ontology a owl:Ontology ; dcterms:modified ?date }"


@dataclass(frozen=True)
class Locution:
    """A sentence as uttered by one speaker: the author's own words, or an actor's position he reports."""

    speaker: str
    sentence: str
    quote: str


@dataclass
class Information:
    """An I-node: what a node of the graph says, and the locutions that say it."""

    iri: str
    text: str
    question: bool
    locutions: list[Locution] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    """An S-node between I-nodes: ``source`` → S-node → ``target``, of one kind of :data:`LINKS`."""

    kind: str
    source: str
    target: str
    node: str | None = None       # the graph's own link node (a nat:Support), if it has one
    cue: Locution | None = None   # the author's sentence whose words draw the link, if the article draws it


@dataclass
class Argument:
    """Everything the AIF export holds, each part in a deterministic order."""

    information: dict[str, Information]
    links: list[Link]
    speakers: dict[str, tuple[str, bool]]  # actor IRI → (name, is a person)
    timestamp: str


def _rows(store: ox.Store, query: str):
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: (term.value if term is not None else None) for name, term in zip(names, solution)}


def read_argument(store: ox.Store) -> Argument:
    """The argument of the dataset in ``store`` (its named graphs read as one), as AIF sees it."""
    links = sorted({Link(r["kind"], r["from"], r["to"], r["link"],
                         Locution(r["author"], r["cue"], r["quote"]) if r["cue"] and r["author"] else None)
                    for r in _rows(store, LINKS_QUERY)},
                   key=lambda link: (link.kind, link.source, link.target, link.node or ""))
    questions: dict[str, bool] = {}
    for r in _rows(store, NODES_QUERY):
        questions[r["node"]] = questions.get(r["node"], False) or r["question"] == "true"
    texts: dict[str, dict[str, str]] = {}
    for r in _rows(store, TEXT_QUERY):
        if r["node"] in questions:
            chosen = texts.setdefault(r["node"], {})
            chosen[r["property"]] = min(chosen.get(r["property"], r["text"]), r["text"])
    speakers_of: dict[str, dict[str, str]] = {}
    for r in _rows(store, SPEAKERS_QUERY):
        speakers_of.setdefault(r["node"], {})[r["property"]] = r["speaker"]
    cited: dict[str, dict[str, set]] = {}
    authors: dict[str, str] = {}
    for r in _rows(store, SENTENCES_QUERY):
        cited.setdefault(r["node"], {}).setdefault(r["property"], set()).add((r["sentence"], r["quote"]))
        if r["author"]:
            authors[r["sentence"]] = r["author"]
    information = {}
    description, label = PREFIXES["dcterms"] + "description", PREFIXES["rdfs"] + "label"
    stated, assessed = PREFIXES["nat"] + "statedBy", PREFIXES["nat"] + "assessedBy"
    derived, attested = PREFIXES["prov"] + "wasDerivedFrom", PREFIXES["nat"] + "attestedBy"
    for iri in sorted(questions):
        text = texts.get(iri, {})
        node = Information(iri, text.get(description) or text.get(label) or iri, questions[iri])
        sentences = cited.get(iri, {})
        for sentence, quote in sorted(sentences.get(derived) or sentences.get(attested) or ()):
            said_by = speakers_of.get(iri, {})
            speaker = said_by.get(stated) or said_by.get(assessed) or authors.get(sentence)
            if speaker:
                node.locutions.append(Locution(speaker, sentence, quote))
        information[iri] = node
    names = {r["actor"]: (r["name"], r["person"] == "true") for r in _rows(store, NAMES_QUERY)}
    used = {loc.speaker for node in information.values() for loc in node.locutions} | {
        link.cue.speaker for link in links if link.cue}
    dates = sorted(r["date"] for r in _rows(store, DATE_QUERY))
    return Argument(information=information, links=links,
                    speakers={actor: names.get(actor, (actor, False)) for actor in sorted(used)},
                    timestamp=f"{dates[-1][:10]} 00:00:00" if dates else "")

