"""Faceted browsing of the facts (``/browse``): filter by kind, actor, framework or operation, year and section
of the article, with counts for the current selection, each fact with its sentence.

Every facet and result list is a SPARQL query run through the engine. Values from the URL are only ever
compared with the values the unfiltered facets list; only those known values reach a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

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
"""
PAGE_SIZE = 50

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
    Facet("actor", "Actor", """?fact ?actor_role ?value . ?value a nat:Actor .
  FILTER NOT EXISTS { ?value a nat:PartnershipFramework }""", "id"),
    Facet("framework", "Framework or operation", """?fact ?framework_role ?value .
  VALUES ?framework_class { nat:PartnershipFramework nat:Operation } ?value a ?framework_class .""", "id"),
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


def _known(select, facet: Facet) -> dict[str, dict]:
    """Every value of a facet over all facts: URL value → {label, count}."""
    known = {}
    for row in select(facet_query(facet, {})):
        url_value = facet.to_url(row["value"])
        known[url_value] = {"label": _label(facet, row), "count": int(row["count"])}
    return known


def _label(facet: Facet, row: dict) -> str:
    if facet.name == "section":
        return dict(enumerate((title for _, title in SECTIONS), start=1)).get(int(row["value"]), row["value"])
    return row.get("label") or facet.to_url(row["value"])


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


def link(selection: dict[str, str], **changes) -> str:
    """The /browse URL of ``selection`` with some facets set (a value) or cleared (None)."""
    merged = {**selection, **changes}
    return "/browse" + ("?" + urlencode([(f.name, merged[f.name]) for f in FACETS if merged.get(f.name)])
                        if any(merged.values()) else "")


@bp.route("/browse")
def browse_page():
    """The facts, narrowed by facets whose values and counts follow the selection in the URL."""
    select = engine().select
    known = {facet.name: _known(select, facet) for facet in FACETS}
    try:
        selection = selection_from(request.args, known)
        page = whole_number(request.args, "page", 1, 1, 10_000)
    except (BrowseError, ParameterError) as exc:
        return Response(render_template("browse.html", error=str(exc), facets=[], facts=[], total=0,
                                        selection={}, sparql="", link=link, page=1, pages=1),
                        status=400, mimetype="text/html")
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
    total = int(select(count_query(selection))[0]["count"])
    facts: dict[str, dict] = {}
    for row in select(results_query(selection, PAGE_SIZE, (page - 1) * PAGE_SIZE)):
        fact = facts.setdefault(row["fact"], {"href": local(row["fact"]), "label": row["label"], "sentences": {}})
        fact["sentences"][row["sentence"]] = {"href": local(row["sentence"]), "id": row["sentence"].rsplit("/", 1)[-1],
                                              "text": row["text"]}
    return render_template("browse.html", error=None, facets=facets, facts=list(facts.values()), total=total,
                           selection=selection,
                           sparql=results_query(selection), link=link, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)))
