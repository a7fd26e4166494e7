"""The argument map (``/argument``): the article's research questions, the claims, predictions, proposals and
facts that answer them (``nat:answers``), and the reasons, evidence, conditions, purposes, conflicts and
elaborations that link them (tools/MODELLING.md, "The argument"); every node links to its page and sentence.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from natoasia import FACTS_GRAPH, ONTOLOGY_NS
from natoasia.site.argument_formats import negotiated
from natoasia.site.links import engine, local
from natoasia.site.params import ParameterError, whole_number
from natoasia.site.sections import SECTIONS, section_of

PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: Argument links, each read from the answering node: (property, direction, what the map says).
LINKS = (
    ("hasReason", "out", "because"), ("hasReason", "in", "is the reason for"),
    ("supports", "in", "evidence"), ("supports", "out", "is evidence for"),
    ("hasCondition", "out", "on condition that"), ("hasException", "out", "except"),
    ("hasLimit", "out", "limited by"), ("hasPurpose", "out", "in order to"),
    ("causedBy", "out", "caused by"), ("hasConsequence", "out", "leads to"),
    ("conflictsWith", "out", "conflicts with"), ("conflictsWith", "in", "conflicts with"),
    ("elaborates", "out", "elaborates"), ("elaborates", "in", "elaborated by"),
)
#: What the map says, once each in the order of LINKS: both directions of ``conflictsWith`` say the same thing,
#: and its targets are gathered under that one heading.
HEADINGS = tuple(dict.fromkeys(says for _, _, says in LINKS))

QUESTIONS = PREFIXES + """SELECT ?question ?label (MIN(STR(?sentence)) AS ?first) WHERE {
  ?question a nat:ResearchQuestion ; rdfs:label ?label .
  OPTIONAL { ?question prov:wasDerivedFrom ?sentence }
} GROUP BY ?question ?label ORDER BY ?label ?question"""

ANSWERS = PREFIXES + f"""SELECT ?question ?node ?label ?kind ?sentence ?text ?paragraph WHERE {{
  ?node nat:answers ?question ; rdfs:label ?label .
  OPTIONAL {{ GRAPH <{FACTS_GRAPH}> {{ ?node a ?kind }} }}
  OPTIONAL {{ ?node prov:wasDerivedFrom ?sentence . ?sentence rdf:value ?text ; nat:paragraph ?paragraph }}
}} ORDER BY ?question ?sentence ?node"""

LINK_ROWS = PREFIXES + """SELECT DISTINCT ?node ?property ?direction ?target ?label ?sentence WHERE {
  VALUES ?property { %s }
  ?node nat:answers ?question .
  { ?node ?property ?target BIND("out" AS ?direction) } UNION { ?target ?property ?node BIND("in" AS ?direction) }
  ?target rdfs:label ?label .
  OPTIONAL { ?target prov:wasDerivedFrom ?sentence }
} ORDER BY ?node ?property ?direction ?label""" % " ".join(sorted({f"nat:{p}" for p, _, _ in LINKS}))

bp = Blueprint("argument", __name__)


def argument_map(select, section: int | None = None) -> list[dict]:
    """The questions, each with its answering nodes and their argument links (only nodes citing a sentence of
    ``section`` when it is given)."""
    nodes: dict[str, dict] = {}
    by_question: dict[str, list[dict]] = {}
    for row in select(ANSWERS):
        node = nodes.get(row["node"])
        if node is None:
            node = nodes[row["node"]] = {"href": local(row["node"]), "label": row["label"], "kinds": set(),
                                         "sentences": {}, "sections": set(), "links": {}}
            by_question.setdefault(row["question"], []).append(node)
        elif node not in by_question.setdefault(row["question"], []):
            by_question[row["question"]].append(node)
        if row.get("kind", "").startswith(ONTOLOGY_NS):
            node["kinds"].add(row["kind"][len(ONTOLOGY_NS):])
        if row.get("sentence"):
            node["sentences"][row["sentence"]] = {"href": local(row["sentence"]), "text": row["text"],
                                                  "id": row["sentence"].rsplit("/", 1)[-1]}
            node["sections"].add(section_of(int(row["paragraph"])))
    wording = {(f"{ONTOLOGY_NS}{p}", d): says for p, d, says in LINKS}
    for row in select(LINK_ROWS):
        says = wording[(row["property"], row["direction"])]
        links = nodes[row["node"]]["links"].setdefault(says, {})
        target = links.setdefault(row["target"], {"href": local(row["target"]), "label": row["label"], "sentences": {}})
        if row.get("sentence"):
            target["sentences"][local(row["sentence"])] = row["sentence"].rsplit("/", 1)[-1]
    questions = []
    for row in select(QUESTIONS):
        answers = [n for n in by_question.get(row["question"], []) if section is None or section in n["sections"]]
        if section is not None and not answers:
            continue
        for node in answers:
            node["kind"] = ", ".join(sorted(node["kinds"])) or "statement"
            node["ordered_links"] = [(says, list(node["links"][says].values())) for says in HEADINGS
                                     if says in node["links"]]
        answers.sort(key=lambda n: (min(n["sentences"], default=""), n["label"]))
        questions.append({"href": local(row["question"]), "label": row["label"],
                          "id": row["question"].rsplit("/", 1)[-1],
                          "answers": answers})
    return questions


@bp.route("/argument")
def argument_page():
    """The argument map, for the whole article or one section (``?section=N``)."""
    if (answer := negotiated(request)) is not None:  # the argument in AIF (site/argument_formats.py)
        return answer
    try:
        section = whole_number(request.args, "section", None, 1, len(SECTIONS))
    except ParameterError as exc:
        return Response(render_template("argument.html", error=str(exc), questions=[], sections=SECTIONS,
                                        section=None), status=400, mimetype="text/html")
    return render_template("argument.html", error=None, questions=argument_map(engine().select, section),
                           sections=SECTIONS, section=section)
