"""The pictures agree with the data: the timeline holds every node the graph dates (checked against SPARQL, not
a list), periods as bars; the network draws contributions and framework members, and no edge passes through
a node it does not join."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from natoasia import ID_NS
from natoasia.site import pictures
from natoasia.stores.embedded import run_query

SVG = "{http://www.w3.org/2000/svg}"
PREFIXES = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
#: Every node with a time whose year the graph gives (directly, or as the beginning or end of an interval).
DATED = PREFIXES + """SELECT DISTINCT ?node WHERE { ?node time:hasTime ?t .
  ?t (time:hasBeginning|time:hasEnd|time:intervalStartedBy|time:intervalFinishedBy)*/time:inXSDgYear ?year }"""
TIMED = PREFIXES + "SELECT DISTINCT ?node WHERE { ?node time:hasTime ?t }"


def picture(client, picture_id: str) -> ET.Element:
    html = client.get("/pictures").get_data(as_text=True)
    return ET.fromstring(re.search(rf'<svg [^>]*id="{picture_id}".*?</svg>', html, re.S).group(0))


def local(iri: str) -> str:
    return "/" + iri[len(ID_NS) - 3:]


def test_the_timeline_holds_every_dated_node_once(client, store):
    svg = picture(client, "timeline-picture")
    drawn = [a.get("href") for a in svg.iter(SVG + "a") if a.get("class") == "event"]
    dated = {local(str(row["node"].value)) for row in run_query(store, DATED)}
    assert len(dated) >= 15
    assert sorted(drawn) == sorted(dated)  # each once, and nothing else
    html = client.get("/pictures").get_data(as_text=True)
    in_words = re.search(r'id="dated-in-words".*?</details>', html, re.S).group(0)
    undated = {local(str(row["node"].value)) for row in run_query(store, TIMED)} - dated
    assert undated and all(f'href="{href}"' in in_words for href in undated)


def test_the_timeline_shows_the_1992_nacc_event_and_the_cold_war_period_as_a_bar(client):
    svg = picture(client, "timeline-picture")
    events = {a.get("href"): a for a in svg.iter(SVG + "a") if a.get("class") == "event"}
    nacc = events["/id/membership/central-asian-states-nacc"]
    assert nacc.get("data-years") == "1992"
    period = events["/id/event/nato-cold-war-mission"]
    assert period.get("data-years") == "1949–1990" and "1949 to 1989/90" in period.find(SVG + "title").text
    bar = period.find(SVG + "rect")
    dot = nacc.find(SVG + "circle")
    assert bar is not None and float(bar.get("width")) > 10 * 2 * float(dot.get("r"))  # four decades, not a dot


def test_timeline_labels_do_not_repeat_the_year_and_link_to_the_sentence(client):
    svg = picture(client, "timeline-picture")
    for a in svg.iter(SVG + "a"):
        if a.get("class") == "event":
            label = "".join(a.find(SVG + "text").itertext())
            assert not re.search(r"\b(1[89]|20)\d\d\b", label), label
    sources = [a.get("href") for a in svg.iter(SVG + "a") if a.get("class") == "source"]
    assert sources and all(re.fullmatch(r"/article#s\d{3}", href) for href in sources)


def points(d: str) -> list[tuple[float, float]]:
    """Points along an edge's path data (a line, or a quadratic curve sampled)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    if "Q" not in d:
        return [(numbers[0], numbers[1]), (numbers[2], numbers[3])]
    (x1, y1, cx, cy, x2, y2) = numbers
    return [((1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t * t * x2, (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t * t * y2)
            for t in (i / 40 for i in range(41))]


def test_no_edge_of_the_network_passes_through_a_node_it_does_not_join(client):
    svg = picture(client, "network-picture")
    circles = {a.get("href"): tuple(float(a.find(SVG + "circle").get(k)) for k in ("cx", "cy", "r"))
               for a in svg.iter(SVG + "a") if "node" in a.get("class", "")}
    crossings, straight = [], 0
    for path in svg.iter(SVG + "path"):
        if "edge" not in path.get("class", ""):
            continue
        ends = tuple(path.get("data-ends").split())
        line = points(path.get("d"))
        crossings += [(ends, hit) for hit in pictures.obstacles_hit(line, ends, circles)]
        straight += bool(pictures.obstacles_hit([line[0], line[-1]], ends, circles))
    assert crossings == []
    assert straight > 0  # drawn straight, some edges would cross a node: the routing is what avoids it


def test_the_network_draws_contributions_and_framework_members(client, store):
    svg = picture(client, "network-picture")
    edges = {tuple(p.get("data-ends").split()): p.get("data-kinds").split()
             for p in svg.iter(SVG + "path") if "edge" in p.get("class", "")}
    to_isaf = {local(str(row["who"].value)) for row in run_query(store, PREFIXES + """SELECT DISTINCT ?who WHERE {
        ?c a nat:Contribution ; nat:contributor ?who ; nat:deployedIn/nat:locatedIn* ?area .
        <https://w3id.org/natoasia/id/operation/isaf> schema:location ?area }""")}
    assert len(to_isaf) >= 4
    for who in to_isaf:
        assert "contribution" in edges.get((who, "/id/operation/isaf"), edges.get(("/id/operation/isaf", who), [])), who
    members = {local(str(row["m"].value)) for row in run_query(store, PREFIXES + """SELECT ?m WHERE {
        ?x nat:organisation <https://w3id.org/natoasia/id/framework/tailored-cooperation-programme> ; nat:member ?m }""")}
    near = next(a.get("data-near").split() for a in svg.iter(SVG + "a")
                if a.get("href") == "/id/framework/tailored-cooperation-programme")
    assert len(members) >= 5 and members <= set(near)


def test_the_pictures_page_has_a_plain_title_and_a_country_filter(client):
    html = client.get("/pictures").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "script" not in title and "Network and timeline" in title
    assert '<select id="network-country"' in html and 'value="/id/country/japan"' in html
