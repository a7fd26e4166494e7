"""The argument around one node, as a small AIF-style diagram for its page: the node once (a claim and its content
node are one thing for a reader), with its modality in words; above it what leads into it — reasons and evidence
through an inference (labelled with the article's cue, or "the modeller's inference"), purposes, conditions,
limits, causes, what conflicts with it (a conflict node of its own), what it is preferred to and what makes it
concrete; below it what it leads to. The relations are the ontology's (:mod:`.argument_relations`); evidence is
read from the support link nodes (``nat:Support``), never from the derived ``nat:supports``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from natoasia import FACTS_GRAPH, ONTOLOGY_NS
from natoasia.site.argument_relations import Relation, modality_words, relations
from natoasia.site.links import local

PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: The node itself: its label, the class it is given in the facts, its modality, what it says, its sentence.
FOCUS = PREFIXES + f"""SELECT ?label ?kind ?modality ?content ?sentence WHERE {{
  OPTIONAL {{ <%(node)s> rdfs:label ?label }}
  OPTIONAL {{ GRAPH <{FACTS_GRAPH}> {{ <%(node)s> a ?class }} ?class rdfs:label ?kind }}
  OPTIONAL {{ <%(node)s> nat:modality/rdfs:label ?modality }}
  OPTIONAL {{ <%(node)s> nat:hasContent/rdfs:label ?content }}
  OPTIONAL {{ <%(node)s> prov:wasDerivedFrom ?sentence }}
}}"""
#: The other end of a link, said once: a content node owned by a proposition is that proposition.
OTHER_END = f"""OPTIONAL {{ ?owner nat:hasContent ?other }}
  BIND(COALESCE(?owner, ?other) AS ?node)
  FILTER(?node != <%(node)s>)
  OPTIONAL {{ ?node rdfs:label ?nodeLabel }}
  OPTIONAL {{ GRAPH <{FACTS_GRAPH}> {{ ?node a ?class }} ?class rdfs:label ?kind }}
  OPTIONAL {{ ?node prov:wasDerivedFrom ?sentence }}"""
#: Every argument relation between the node (or what it says) and another node.
LINKS = PREFIXES + """SELECT ?property ?direction ?node (MIN(?nodeLabel) AS ?label) (MIN(?kind) AS ?kindLabel)
  (MIN(STR(?sentence)) AS ?first) WHERE {
  VALUES ?property { %(properties)s }
  { BIND(<%(node)s> AS ?at) } UNION { <%(node)s> nat:hasContent ?at }
  { ?at ?property ?other BIND("out" AS ?direction) } UNION { ?other ?property ?at BIND("in" AS ?direction) }
  """ + OTHER_END + """
} GROUP BY ?property ?direction ?node ORDER BY ?property ?direction ?first ?node"""
#: Every support link node with the node (or what it says) as its evidence or as what it supports.
SUPPORTS = PREFIXES + """SELECT ?support ?direction ?node (MIN(?nodeLabel) AS ?label) (MIN(?kind) AS ?kindLabel)
  (MIN(STR(?sentence)) AS ?first) (MIN(STR(?cue)) AS ?cueSentence) (MIN(?words) AS ?cueWords)
  (MAX(STR(?inferred)) AS ?inference) WHERE {
  { BIND(<%(node)s> AS ?at) } UNION { <%(node)s> nat:hasContent ?at }
  ?support a nat:Support ; nat:evidence ?evidence ; nat:supported ?supported .
  FILTER(?evidence = ?at || ?supported = ?at)
  BIND(IF(?supported = ?at, ?evidence, ?supported) AS ?other)
  BIND(IF(?supported = ?at, "in", "out") AS ?direction)
  OPTIONAL { ?support nat:cue ?cue }
  OPTIONAL { ?support nat:cueWords ?words }
  OPTIONAL { ?support nat:isInference ?inferred }
  """ + OTHER_END + """
} GROUP BY ?support ?direction ?node ORDER BY ?direction ?first ?node"""

#: At most this many steps are drawn on each side of the node; the list below the drawing has them all.
SHOWN = 6
WIDTH, GAP, STEP_H, LINE_H, PAD = 760, 26, 30, 16, 6
FOCUS_W = 380
HEADING_H = 26  # the line naming the reasons drawn one level further


@dataclass
class Node:
    """An I-node: a proposition, fact, event or content node, with its page and first sentence."""

    iri: str
    label: str
    kind: str
    sentence: str = ""
    href: str = ""
    x: float = 0
    y: float = 0
    w: float = 0
    lines: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.href = local(self.iri)

    @property
    def h(self) -> float:
        # the kind and the sentence share the first line where the box is wide enough, else the sentence has its own
        return len(self.lines) * LINE_H + 2 * PAD + LINE_H * (1 if self.wide else 2)

    @property
    def wide(self) -> bool:
        return self.w >= 200

    @property
    def sentence_id(self) -> str:
        return self.sentence.rsplit("/", 1)[-1] if self.sentence else ""

    @property
    def sentence_words(self) -> str:
        """The sentence as the box names it: "sentence 110", or "s110" where the box is narrow."""
        return f"sentence {int(self.sentence_id[1:])}" if self.wide else self.sentence_id


@dataclass
class Step:
    """An S-node between the node and another: its AIF kind, its words, the other node, and whether it leads into
    the node (``into``) or out of it; ``link`` is the support link's own page, ``cue`` the sentence drawing it and
    ``cue_words`` its words (shown as a quotation, never as the page's own words)."""

    kind: str
    words: str
    other: Node
    into: bool
    label: str = ""
    link: str = ""
    cue: str = ""
    cue_words: str = ""
    subject: bool = False
    #: For a rephrase out of the node: the reasons and evidence of the node it makes concrete, and their heading.
    inherited: list[Step] = field(default_factory=list)
    inherited_words: str = ""
    x: float = 0
    y: float = 0
    w: float = 0
    short: str = ""

    @property
    def cue_id(self) -> str:
        return self.cue.rsplit("/", 1)[-1] if self.cue else ""


@dataclass
class Diagram:
    """The argument around ``focus``: the steps into it and out of it, laid out for an SVG of ``width`` × ``height``."""

    focus: Node
    modality: str
    says: list[str]
    into: list[Step]
    out: list[Step]
    width: int = WIDTH
    height: float = 0

    @property
    def steps(self) -> list[Step]:
        return self.into + self.out

    @property
    def drawn(self) -> list[Step]:
        return self.into[:SHOWN] + self.out[:SHOWN]

    @property
    def further(self) -> list[tuple[Step, Step]]:
        """(the rephrase step, one reason of the node it makes concrete) drawn one level below that node."""
        return [(step, reason) for step in self.out[:SHOWN] for reason in step.inherited][:SHOWN]

    @property
    def hidden(self) -> int:
        inherited = sum(len(step.inherited) for step in self.out[:SHOWN])
        return len(self.steps) - len(self.drawn) + inherited - len(self.further)

    further_y: float = 0


def diagram(select, iri: str) -> Diagram | None:
    """The argument around ``iri`` (``None`` when it takes part in none), laid out."""
    known = relations(select)
    return build(select, iri, known)


def build(select, iri: str, known: dict[str, Relation]) -> Diagram | None:
    """The argument around ``iri`` with the relations ``known`` (by IRI), laid out; ``None`` without steps. A
    node that makes another concrete (a rephrase, AIF's MA-node: ``nat:elaborates``) is shown with the reasons and
    evidence of the node it makes concrete as well, one level further: the graph puts them where the article
    gives them (s097's "since" bears on s098's proposal, not on s099's), and a reader of s099 needs them."""
    steps = _steps(select, iri, known)
    if not steps:
        return None
    for step in steps:
        if step.kind == "rephrase" and step.subject and not step.into:
            direct = {s.other.iri for s in steps} | {iri}
            step.inherited = [s for s in _steps(select, step.other.iri, known)
                              if s.into and s.kind == "inference" and s.other.iri not in direct]
            step.inherited_words = f"reasons for the {step.other.kind or 'statement'} it {step.words}"
    rows = select(FOCUS % {"node": iri})
    first = rows[0] if rows else {}
    sentences = sorted({r["sentence"] for r in rows if r.get("sentence")})
    kinds = sorted({r["kind"] for r in rows if r.get("kind")})
    focus = Node(iri, first.get("label", iri.rsplit("/", 1)[-1]), ", ".join(kinds),
                 sentences[0] if sentences else "")
    modality = next((modality_words(r["modality"]) for r in rows if r.get("modality")), "")
    says = sorted({r["content"] for r in rows if r.get("content")})
    result = Diagram(focus, modality, says, [s for s in steps if s.into], [s for s in steps if not s.into])
    layout(result)
    return result


def _steps(select, iri: str, known: dict[str, Relation]) -> list[Step]:
    """The steps around ``iri``: its argument relations and support links, in the order they are drawn."""
    steps = []
    if known:
        properties = " ".join(f"<{p}>" for p in sorted(known))
        for row in select(LINKS % {"node": iri, "properties": properties}):
            relation = known[row["property"]]
            subject = row["direction"] == "out"  # the node is the relation's subject
            into = relation.object_upstream == subject
            steps.append(Step(relation.kind, relation.forward if subject else relation.backward,
                              _node(row), into, label=relation.forward, subject=subject))
    for row in select(SUPPORTS % {"node": iri}):
        into = row["direction"] == "in"
        said = row.get("cueWords", "")
        if row.get("inference") == "true":
            words = "the modeller's inference"
        else:
            words = "as the article says"
        steps.append(Step("inference", ("evidence, " if into else "is evidence for, ") + words, _node(row), into,
                          label=f"evidence: “{said}”" if said else "evidence, " + words, link=local(row["support"]),
                          cue=row.get("cueSentence", ""), cue_words=said))
    order = {"inference": 0, "conflict": 1, "preference": 2, "rephrase": 3, "link": 4}
    steps.sort(key=lambda s: (order.get(s.kind, 5), s.other.sentence, s.other.label))
    return steps


def _node(row: dict) -> Node:
    return Node(row["node"], row.get("label") or row["node"].rsplit("/", 1)[-1], row.get("kindLabel", ""),
                row.get("first", ""))


def layout(d: Diagram) -> None:
    """Coordinates: the upstream nodes in a row at the top, their steps below them, the node, then the steps out of
    it and the nodes they lead to."""
    y = 10.0
    if d.into:
        y = _row(d.into[:SHOWN], y, nodes_first=True)
    d.focus.w, d.focus.x = FOCUS_W, (WIDTH - FOCUS_W) / 2
    d.focus.lines = _wrap(d.focus.label, FOCUS_W, 4)
    d.focus.y = y
    y += d.focus.h + GAP
    if d.out:
        y = _row(d.out[:SHOWN], y, nodes_first=False)
    if d.further:
        d.further_y = y
        y = _row([reason for _, reason in d.further], y + HEADING_H, nodes_first=False)
    d.height = y


def _row(steps: list[Step], y: float, nodes_first: bool) -> float:
    slot = WIDTH / len(steps)
    for index, step in enumerate(steps):
        step.other.w = slot - 12
        step.other.x = index * slot + 6
        step.other.lines = _wrap(step.other.label, step.other.w, 3)
        step.w = min(slot - 16, 24 + 7.0 * len(step.label))
        step.x = index * slot + (slot - step.w) / 2
        fits = len(step.label) <= (step.w - 16) / 7.0
        step.short = _wrap(step.label if fits else re.split(r"[:,]", step.label)[0], step.w, 1)[0]
    tallest = max(step.other.h for step in steps)
    for step in steps:
        if nodes_first:
            step.other.y = y
            step.y = y + tallest + GAP
        else:
            step.y = y
            step.other.y = y + STEP_H + GAP
    return y + tallest + STEP_H + 2 * GAP


def _wrap(text: str, width: float, most: int) -> list[str]:
    """``text`` in at most ``most`` lines that fit ``width`` pixels (13 px type), the last one cut with "…"."""
    chars = max(8, int((width - 16) / 7.0))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines
