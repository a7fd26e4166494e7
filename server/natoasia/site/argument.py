"""The argument map (``/argument``): the article's research questions, the claims, predictions, proposals and
facts that answer them (``nat:answers``), and the reasons, evidence, conditions, purposes, conflicts and
elaborations that link them (tools/MODELLING.md, "The argument"); every node links to its page and sentence.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from natoasia import FACTS_GRAPH, ONTOLOGY_NS
from natoasia.site.argument_formats import negotiated
from natoasia.site.argument_map import draw
from natoasia.site.argument_relations import relations
from natoasia.site.links import engine, local
from natoasia.site.params import ParameterError, shown, whole_number
from natoasia.site.sections import SECTIONS, section_of

PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: Evidence, read from the derived shortcut beside the ontology's argument relations (:mod:`.argument_relations`).
SUPPORTS = f"{ONTOLOGY_NS}supports"
QUESTIONS = PREFIXES + """SELECT ?question ?label ?number (MIN(STR(?sentence)) AS ?first) WHERE {
  ?question a nat:ResearchQuestion ; rdfs:label ?label .
  OPTIONAL { ?question nat:questionNumber ?number }
  OPTIONAL { ?question prov:wasDerivedFrom ?sentence }
} GROUP BY ?question ?label ?number ORDER BY ?number ?first ?question"""
#: The author's plans for his text (s008, s106): what the article or a section sets out to do.
PLANS = PREFIXES + """SELECT ?plan ?label (MIN(STR(?sentence)) AS ?first) (GROUP_CONCAT(DISTINCT ?says; SEPARATOR="; ") AS ?content)
  WHERE { ?plan a nat:ArticlePlan ; rdfs:label ?label .
  OPTIONAL { ?plan prov:wasDerivedFrom ?sentence } OPTIONAL { ?plan nat:hasContent/rdfs:label ?says }
} GROUP BY ?plan ?label ORDER BY ?first ?plan"""
#: The actors an answer is about, and the positions the article attributes to an actor.
ACTORS = PREFIXES + """SELECT DISTINCT ?node ?actor ?name ?how WHERE {
  ?actor a nat:Actor ; rdfs:label ?name .
  { ?node nat:answers ?question ; nat:concerns ?actor BIND("about" AS ?how) }
  UNION { ?node nat:statedBy ?actor BIND("position" AS ?how) }
} ORDER BY ?name ?node"""

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
} ORDER BY ?node ?property ?direction ?label"""

bp = Blueprint("argument", __name__)


def wording(select) -> dict[tuple[str, str], str]:
    """What the list says for each (relation, direction) around an answer: the ontology's relations in words
    (:mod:`.argument_relations`), and evidence."""
    said = {(SUPPORTS, "in"): "evidence", (SUPPORTS, "out"): "is evidence for"}
    for iri, relation in relations(select).items():
        said[(iri, "out")], said[(iri, "in")] = relation.forward, relation.backward
    return said


def argument_map(select, section: int | None = None, question: int | None = None,
                 actor: str | None = None) -> list[dict]:
    """The questions in the article's order, each with its answering nodes and their argument links; only the
    question numbered ``question``, the nodes citing a sentence of ``section``, the nodes about ``actor`` (an
    IRI) when they are given."""
    nodes: dict[str, dict] = {}
    by_question: dict[str, list[dict]] = {}
    for row in select(ANSWERS):
        node = nodes.get(row["node"])
        if node is None:
            node = nodes[row["node"]] = {"iri": row["node"], "href": local(row["node"]), "label": row["label"],
                                         "kinds": set(), "sentences": {}, "sections": set(), "links": {},
                                         "actors": set()}
            by_question.setdefault(row["question"], []).append(node)
        elif node not in by_question.setdefault(row["question"], []):
            by_question[row["question"]].append(node)
        if row.get("kind", "").startswith(ONTOLOGY_NS):
            node["kinds"].add(row["kind"][len(ONTOLOGY_NS):])
        if row.get("sentence"):
            node["sentences"][row["sentence"]] = {"href": local(row["sentence"]), "text": row["text"],
                                                  "id": row["sentence"].rsplit("/", 1)[-1]}
            node["sections"].add(section_of(int(row["paragraph"])))
    for row in select(ACTORS):
        if row["node"] in nodes:
            nodes[row["node"]]["actors"].add(row["actor"])
    said = wording(select)
    properties = " ".join(f"<{p}>" for p, _ in said)
    headings = list(dict.fromkeys(said.values()))
    for row in select(LINK_ROWS % properties):
        says = said[(row["property"], row["direction"])]
        links = nodes[row["node"]]["links"].setdefault(says, {})
        target = links.setdefault(row["target"], {"href": local(row["target"]), "label": row["label"], "sentences": {}})
        if row.get("sentence"):
            target["sentences"][local(row["sentence"])] = row["sentence"].rsplit("/", 1)[-1]
    questions = []
    for number, row in enumerate(select(QUESTIONS), start=1):
        if question is not None and number != question:
            continue
        answers = [n for n in by_question.get(row["question"], []) if (section is None or section in n["sections"])
                   and (actor is None or actor in n["actors"])]
        if (section is not None or actor is not None) and not answers:
            continue
        for node in answers:
            node["kind"] = ", ".join(sorted(node["kinds"])) or "statement"
            node["ordered_links"] = [(says, list(node["links"][says].values())) for says in headings
                                     if says in node["links"]]
        answers.sort(key=lambda n: (min(n["sentences"], default=""), n["label"]))
        questions.append({"iri": row["question"], "href": local(row["question"]), "label": row["label"],
                          "id": row["question"].rsplit("/", 1)[-1], "number": number, "kind": "research question",
                          "answers": answers})
    return questions


def choices(select) -> dict:
    """What the map can be narrowed to, read once per process: the questions (number, label), the actors (path,
    name) that answers are about or that hold positions, each actor's positions, and the article's plans."""
    cache = current_app.extensions
    if "natoasia.argument_choices" not in cache:
        actors: dict[str, dict] = {}
        for row in select(ACTORS):
            actor = actors.setdefault(row["actor"], {"path": local(row["actor"]).lstrip("/").removeprefix("id/"), "name": row["name"],
                                                     "positions": {}})
            if row["how"] == "position":
                actor["positions"][row["node"]] = local(row["node"])
        cache["natoasia.argument_choices"] = {
            "questions": [(n, r["label"]) for n, r in enumerate(select(QUESTIONS), start=1)],
            "actors": sorted(actors.items(), key=lambda item: item[1]["name"].casefold()),
            "plans": [{"href": local(r["plan"]), "label": r["label"], "content": r.get("content", ""),
                       "sentence": r.get("first", "").rsplit("/", 1)[-1]} for r in select(PLANS)]}
    return cache["natoasia.argument_choices"]


def position_rows(select, actor: str) -> list[dict]:
    """The positions the article attributes to ``actor``, with their first sentence."""
    rows = select(PREFIXES + f"""SELECT ?node ?label (MIN(STR(?s)) AS ?first) WHERE {{
      ?node nat:statedBy <{actor}> ; rdfs:label ?label . OPTIONAL {{ ?node prov:wasDerivedFrom ?s }}
    }} GROUP BY ?node ?label ORDER BY ?first ?node""")
    return [{"href": local(r["node"]), "label": r["label"], "sentence": r.get("first", "").rsplit("/", 1)[-1]}
            for r in rows]


def narrowing(args, offered: dict) -> tuple[int | None, int | None, str | None]:
    """The question number, section number and actor IRI asked for in ``args`` (a :class:`ParameterError` for
    anything the map does not offer)."""
    question = whole_number(args, "question", None, 1, max(1, len(offered["questions"])))
    section = whole_number(args, "section", None, 1, len(SECTIONS))
    actor = args.get("actor") or None
    if actor is not None:
        by_path = {a["path"]: iri for iri, a in offered["actors"]}
        if actor not in by_path:
            raise ParameterError(f"actor must be one of the {len(by_path)} actors the map lists (such as "
                                 f"{next(iter(by_path), 'none')}), not {shown(actor)}")
        actor = by_path[actor]
    return question, section, actor


@bp.route("/argument")
def argument_page():
    """The argument map, for the whole article or narrowed to a research question (``?question=N``, in the
    article's order), a section (``?section=N``) or an actor (``?actor=country/japan``); the argument in AIF
    by content negotiation (``site/argument_formats.py``)."""
    if (answer := negotiated(request)) is not None:
        return answer
    select = engine().select
    offered = choices(select)
    page = {"sections": SECTIONS, "offered": offered, "error": None, "questions": [], "drawing": None,
            "question": None, "section": None, "actor": None, "actor_name": "", "positions": []}
    try:
        question, section, actor = narrowing(request.args, offered)
    except ParameterError as exc:
        page["error"] = str(exc)
        return Response(render_template("argument.html", **page), status=400, mimetype="text/html")
    questions = argument_map(select, section, question, actor)
    page.update(questions=questions, drawing=draw(questions, select), question=question, section=section)
    if actor is not None:
        found = dict(offered["actors"])[actor]
        page.update(actor=found["path"], actor_name=found["name"], positions=position_rows(select, actor))
    return render_template("argument.html", **page)
