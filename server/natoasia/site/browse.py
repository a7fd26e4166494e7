"""Faceted browsing of the facts (``/browse``): filter by kind, actor, framework or operation, year and section
of the article, with counts for the current selection; the facts of a page are grouped under the sentence
they come from, each sentence shown once.

Every facet and result list is a SPARQL query run through the engine. Values from the URL are only ever
compared with the values the unfiltered facets list; only those known values reach a query.

The facets read the graph generically, from the ontology's ranges and classes (materialised in the graph):

* **Actor** — those who act: the value of a property whose range is ``nat:Participant`` (contributor,
  partner, member, acting party…), never a property whose range is a ``nat:Location`` (a country where
  troops are deployed is a place there, not an actor) nor the attribution of an assessment to its author
  (a sub-property of ``prov:wasAttributedTo`` on ``nat:Assessment``); the author's assessments have their
  own values in the *Kind* facet (claim, proposal, prediction…, marked "the author's").
* **Framework or operation** — a fact names the framework or operation directly; or it is deployed
  (``nat:deployedIn``, within ``nat:locatedIn``) where the operation takes place (``schema:location``) and
  its recipient, if it names one, belongs there (the operation, its leader, or a unit based in that area);
  or its recipient is a unit of the operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.site.links import engine, local
from natoasia.site.params import ParameterError, whole_number
from natoasia.site.sections import SECTIONS

PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""
PAGE_SIZE = 20

#: What makes a node a fact: it cites a sentence and is a fact, an event or an assessment.
FACT_PATTERN = """?fact prov:wasDerivedFrom ?cited .
  FILTER EXISTS { VALUES ?top { nat:Fact nat:Event nat:Assessment } ?fact a ?top }"""


def _section_expression() -> str:
    expression = "1"
    for number, (first, _) in enumerate(SECTIONS, start=1):
        if first > 1:
            expression = f"IF(?paragraph >= {first}, {number}, {expression})"
    return expression


@dataclass(frozen=True)
class Facet:
    """One facet: its URL parameter, heading, graph pattern binding ``?value``, and how a value looks in the URL."""

    name: str
    title: str
    pattern: str
    kind: str  # "term" (ontology class), "id" (instance under ID_NS) or "number"

    def bound(self, value_term: str) -> str:
        """The pattern with its value fixed (``value_term`` is a checked IRI or number)."""
        variable = f"?{self.name}_value"
        return "{ " + self.pattern.replace("?value", variable) + f" FILTER({variable} = {value_term}) }}"

    def to_term(self, value: str) -> str:
        """The SPARQL term of a URL value already checked to be one of the facet's known values."""
        if self.kind == "term":
            return f"<{ONTOLOGY_NS}{value}>"
        if self.kind == "id":
            return f"<{ID_NS}{value}>"
        return value

    def to_url(self, value: str) -> str:
        """The URL form of a value the facet query returned."""
        if self.kind == "term":
            return value[len(ONTOLOGY_NS):]
        if self.kind == "id":
            return value[len(ID_NS):]
        return value


FACETS = (
    Facet("kind", "Kind of fact", """VALUES ?kind_top { nat:Fact nat:Event nat:Assessment }
  ?value rdfs:subClassOf+ ?kind_top . FILTER(STRSTARTS(STR(?value), STR(nat:))) ?fact a ?value .""",
          "term"),
    Facet("actor", "Actor", """?fact ?actor_role ?value . ?actor_role rdfs:range nat:Participant .
  FILTER NOT EXISTS { ?actor_role rdfs:range nat:Location }
  FILTER NOT EXISTS { ?actor_role rdfs:subPropertyOf prov:wasAttributedTo ; rdfs:domain nat:Assessment }
  ?value a nat:Actor . FILTER NOT EXISTS { ?value a nat:PartnershipFramework }""", "id"),
    Facet("framework", "Framework or operation", """VALUES ?framework_class { nat:PartnershipFramework nat:Operation }
  ?value a ?framework_class .
  { ?fact ?framework_role ?value }
  UNION { ?value a nat:Operation ; schema:location ?framework_area .
    ?fact nat:deployedIn/nat:locatedIn* ?framework_area .
    FILTER NOT EXISTS { ?fact nat:recipient ?framework_other . FILTER(?framework_other != ?value)
      FILTER NOT EXISTS { ?value nat:ledBy ?framework_other }
      FILTER NOT EXISTS { ?framework_other nat:basedIn/nat:locatedIn* ?framework_area } } }
  UNION { ?value a nat:Operation . ?fact nat:recipient/org:unitOf+ ?value }""", "id"),
    Facet("year", "Year", """VALUES ?time_role { nat:hasTime nat:startTime nat:endTime } ?fact ?time_role ?time .
  ?time (time:hasBeginning|time:hasEnd)?/time:inXSDgYear ?gyear . BIND(xsd:integer(STR(?gyear)) AS ?value)""",
          "number"),
    Facet("section", "Section of the article", f"""?fact prov:wasDerivedFrom/nat:paragraph ?paragraph .
  BIND({_section_expression()} AS ?value)""", "number"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}


class BrowseError(ValueError):
    """A selection that names an unknown facet value (HTTP 400)."""


def where(selection: dict[str, str], leave_out: str | None = None) -> str:
    """The WHERE body selecting the facts of ``selection`` (a checked facet → URL value mapping)."""
    parts = [FACT_PATTERN]
    for name, value in selection.items():
        if name != leave_out:
            facet = FACET_BY_NAME[name]
            parts.append(facet.bound(facet.to_term(value)))
    return "\n  ".join(parts)


def facet_query(facet: Facet, selection: dict[str, str]) -> str:
    """Counts of the facts per value of ``facet``, under the selection on every other facet."""
    return f"""{PREFIXES}SELECT ?value ?count (SAMPLE(?name) AS ?label) WHERE {{
  {{ SELECT ?value (COUNT(DISTINCT ?fact) AS ?count) WHERE {{
  {where(selection, leave_out=facet.name)}
  {facet.pattern}
  }} GROUP BY ?value }}
  OPTIONAL {{ ?value rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), "en") || LANG(?name) = "") }}
}} GROUP BY ?value ?count ORDER BY DESC(?count) ?label ?value"""


def results_query(selection: dict[str, str], limit: int | None = None, offset: int = 0) -> str:
    """The selected facts with their label and each sentence they cite, in the article's order."""
    page = f" LIMIT {limit} OFFSET {offset}" if limit else ""
    return f"""{PREFIXES}SELECT ?fact ?label ?sentence ?text WHERE {{
  {{ SELECT ?fact (MIN(STR(?cited)) AS ?first) WHERE {{
  {where(selection)}
  }} GROUP BY ?fact ORDER BY ?first ?fact{page} }}
  ?fact rdfs:label ?label ; prov:wasDerivedFrom ?sentence .
  ?sentence rdf:value ?text .
}} ORDER BY ?first ?fact ?sentence"""


def count_query(selection: dict[str, str]) -> str:
    return f"""{PREFIXES}SELECT (COUNT(DISTINCT ?fact) AS ?count) WHERE {{
  {where(selection)}
}}"""


bp = Blueprint("browse", __name__)

#: The kinds that are the author's own assessments (claim, proposal, prediction…): marked in the Kind facet.
AUTHORS_KINDS_QUERY = PREFIXES + "SELECT DISTINCT ?kind WHERE { ?kind rdfs:subClassOf+ nat:Assessment }"


def known_values() -> dict[str, dict[str, dict]]:
    """Every value of every facet over all facts (facet → URL value → {label, count}), computed once per
    process: the dataset never changes while served."""
    cache = current_app.extensions.setdefault("natoasia.browse", {})
    if "known" not in cache:
        select = engine().select
        authors = {row["kind"] for row in select(AUTHORS_KINDS_QUERY)}
        cache["known"] = {facet.name: _known(select, facet, authors) for facet in FACETS}
    return cache["known"]


def _known(select, facet: Facet, authors: set[str]) -> dict[str, dict]:
    """Every value of a facet over all facts: URL value → {label, count}."""
    known = {}
    for row in select(facet_query(facet, {})):
        url_value = facet.to_url(row["value"])
        label = _label(facet, row)
        if facet.name == "kind" and row["value"] in authors:
            label += " (the author's)"
        known[url_value] = {"label": label, "count": int(row["count"])}
    return known


def _label(facet: Facet, row: dict) -> str:
    if facet.name == "section":
        return dict(enumerate((title for _, title in SECTIONS), start=1)).get(int(row["value"]), row["value"])
    label = row.get("label") or facet.to_url(row["value"])
    return label[:1].upper() + label[1:] if facet.kind == "term" else label


def selection_from(args, known: dict[str, dict[str, dict]]) -> dict[str, str]:
    """The checked selection in the URL's arguments; an unknown value raises :class:`BrowseError`."""
    selection = {}
    for facet in FACETS:
        value = args.get(facet.name, "")
        if value == "":
            continue
        if value not in known[facet.name]:
            raise BrowseError(f"{facet.name}={value!r} is not a value of this facet; "
                              f"choose one listed on /browse (e.g. {next(iter(known[facet.name]), 'none')})")
        selection[facet.name] = value
    return selection


def link(selection: dict[str, str], page: int = 1, **changes) -> str:
    """The /browse URL of ``selection`` with some facets set (a value) or cleared (None), at ``page``."""
    merged = {**selection, **changes}
    pairs = [(f.name, merged[f.name]) for f in FACETS if merged.get(f.name)] + ([("page", page)] if page > 1 else [])
    return "/browse" + ("?" + urlencode(pairs) if pairs else "")


def by_sentence(rows: list[dict]) -> list[dict]:
    """The result rows (fact, label, sentence, text; in the article's order) as sentences, each once, with
    the facts taken from it; a fact citing several sentences stands under the first, the others named."""
    groups: dict[str, dict] = {}
    placed: dict[str, dict] = {}
    for row in rows:
        if row["fact"] in placed:
            fact = placed[row["fact"]]
            fact["also"].append(_sentence(row))
            continue
        group = groups.setdefault(row["sentence"], {**_sentence(row), "text": row["text"], "facts": []})
        fact = {"href": local(row["fact"]), "label": row["label"], "also": []}
        group["facts"].append(fact)
        placed[row["fact"]] = fact
    return list(groups.values())


def _sentence(row: dict) -> dict:
    sentence_id = row["sentence"].rsplit("/", 1)[-1]
    return {"id": sentence_id, "href": local(row["sentence"]), "in_article": f"/article#{sentence_id}"}


def _refused(message: str, status: int) -> Response:
    return Response(render_template("browse.html", error=message, facets=[], groups=[], total=0, selection={},
                                    sparql="", link=link, page=1, pages=1, first=1, page_size=PAGE_SIZE),
                    status=status, mimetype="text/html")


@bp.route("/browse")
def browse_page():
    """The facts, narrowed by facets whose values and counts follow the selection in the URL."""
    select = engine().select
    known = known_values()
    try:
        selection = selection_from(request.args, known)
        page = whole_number(request.args, "page", 1, 1, 10_000)
    except (BrowseError, ParameterError) as exc:
        return _refused(str(exc), 400)
    total = int(select(count_query(selection))[0]["count"])
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        return _refused(f"There is no page {page}: this selection has {total} fact{'' if total == 1 else 's'} "
                        f"on {pages} page{'' if pages == 1 else 's'}.", 404)
    facets = []
    for facet in FACETS:
        values = []
        for row in select(facet_query(facet, selection)):
            url_value = facet.to_url(row["value"])
            values.append({"value": url_value, "label": known[facet.name][url_value]["label"],
                           "count": int(row["count"]), "selected": selection.get(facet.name) == url_value})
        if facet.kind == "number":
            values.sort(key=lambda v: int(v["value"]))
        facets.append({"facet": facet, "values": values, "selected": selection.get(facet.name),
                       "selected_label": known[facet.name].get(selection.get(facet.name, ""), {}).get("label")})
    groups = by_sentence(select(results_query(selection, PAGE_SIZE, (page - 1) * PAGE_SIZE)))
    return render_template("browse.html", error=None, facets=facets, groups=groups, total=total,
                           selection=selection, sparql=results_query(selection), link=link, page=page,
                           pages=pages, first=(page - 1) * PAGE_SIZE + 1, page_size=PAGE_SIZE)
