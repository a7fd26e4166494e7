"""Pictures drawn on the server as SVG: NATO's network and the timeline of dated events.

No JavaScript library is needed: the SVG is plain markup, each node a link to its page.
"""

from __future__ import annotations

import math
import random
from xml.sax.saxutils import escape, quoteattr

NAT = "https://w3id.org/natoasia/ontology#"
PREFIXES = f"PREFIX nat: <{NAT}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
NATO = "https://w3id.org/natoasia/id/organisation/nato"
KIND_COLOURS = {"alliance": "#1f4e79", "state": "#c0392b", "group": "#e67e22", "framework": "#27ae60",
                "operation": "#8e44ad", "body": "#2c7fb8", "forum": "#7f8c8d"}

NETWORK_QUERY = PREFIXES + """
SELECT DISTINCT ?a ?b ?kindB ?labelB WHERE {
  {
    BIND(<%(nato)s> AS ?a) <%(nato)s> nat:hasPartner ?b . BIND("partner" AS ?kindB)
  } UNION {
    ?b nat:memberOf ?a . ?a a nat:PartnershipFramework . BIND("member" AS ?kindB)
  } UNION {
    ?a nat:bodyOf+ <%(nato)s> . BIND(<%(nato)s> AS ?b) BIND("body" AS ?kindB)
  } UNION {
    ?b a nat:PartnershipFramework . BIND(<%(nato)s> AS ?a) BIND("framework" AS ?kindB)
  } UNION {
    ?b nat:ledBy <%(nato)s> . BIND(<%(nato)s> AS ?a) BIND("operation" AS ?kindB)
  } UNION {
    ?m nat:organisation ?a ; nat:member ?b . ?a a nat:Forum . BIND("member" AS ?kindB)
  }
  ?b rdfs:label ?labelB .
}""" % {"nato": NATO}
KIND_QUERY = PREFIXES + """
SELECT ?node ?label ?kind WHERE {
  VALUES (?class ?kind) { (nat:Alliance "alliance") (nat:State "state") (nat:StateGroup "group")
    (nat:PartnershipFramework "framework") (nat:Operation "operation") (nat:Body "body") (nat:Forum "forum") }
  ?node a ?class ; rdfs:label ?label .
}"""
TIMELINE_QUERY = PREFIXES + """
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?event ?label ?when ?year (MIN(?sentence) AS ?source) WHERE {
  ?event a nat:Event ; rdfs:label ?label ; nat:hasTime ?time ; prov:wasDerivedFrom ?sentence .
  ?time rdfs:label ?when .
  OPTIONAL { ?time time:inXSDgYear ?y1 } OPTIONAL { ?time time:hasBeginning/time:inXSDgYear ?y2 }
  BIND (COALESCE(?y1, ?y2) AS ?year) FILTER (BOUND(?year))
} GROUP BY ?event ?label ?when ?year ORDER BY ?year ?event"""


#: How each kind of edge is drawn and what it means (legend text).
EDGE_STYLES = {"partner": ("#c0392b", "", "NATO's partner"),
               "member": ("#27ae60", "5,3", "member of the framework or forum"),
               "framework": ("#7f8c8d", "1,3", "NATO's partnership framework"),
               "body": ("#2c7fb8", "", "body of NATO"), "operation": ("#8e44ad", "8,3,2,3", "operation led by NATO")}


def network_data(select) -> tuple[dict, list]:
    """Nodes (iri → (label, kind)) and edges (a, b, kind of edge) of NATO's network, via ``select``."""
    kinds = {}
    for row in select(KIND_QUERY):
        kinds.setdefault(row["node"], (row["label"], row["kind"]))
    nodes, edges = {NATO: kinds.get(NATO, ("NATO", "alliance"))}, {}
    for row in select(NETWORK_QUERY):
        for node in (row["a"], row["b"]):
            if node in kinds:
                nodes[node] = kinds[node]
        if row["a"] in nodes and row["b"] in nodes and row["a"] != row["b"]:
            pair = tuple(sorted((row["a"], row["b"])))
            edges[pair] = min(edges.get(pair, row["kindB"]), row["kindB"])  # one line per pair, the same each time
    return nodes, sorted((a, b, kind) for (a, b), kind in edges.items())


def layout(nodes: list[str], edges: list[tuple[str, str]], width: float, height: float, seed: int = 7,
           left: float = 60) -> dict:
    """A deterministic force-directed layout (Fruchterman–Reingold) inside [left, width] × height."""
    rng = random.Random(seed)
    pos = {n: [rng.uniform(left + 0.1 * width, 0.9 * width), rng.uniform(0.2, 0.8) * height] for n in nodes}
    if NATO in pos:
        pos[NATO] = [(left + width) / 2, height / 2]
    k = 0.9 * math.sqrt(width * height / max(len(nodes), 1))
    temperature = width / 8
    for _ in range(250):
        move = {n: [0.0, 0.0] for n in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = max(math.hypot(dx, dy), 0.01)
                f = k * k / d
                move[a][0] += dx / d * f; move[a][1] += dy / d * f
                move[b][0] -= dx / d * f; move[b][1] -= dy / d * f
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = max(math.hypot(dx, dy), 0.01)
            f = d * d / k
            move[a][0] -= dx / d * f; move[a][1] -= dy / d * f
            move[b][0] += dx / d * f; move[b][1] += dy / d * f
        for n in nodes:
            if n == NATO:
                continue
            dx, dy = move[n]
            d = max(math.hypot(dx, dy), 0.01)
            pos[n][0] = min(width - 80, max(left + 20, pos[n][0] + dx / d * min(d, temperature)))
            pos[n][1] = min(height - 40, max(30, pos[n][1] + dy / d * min(d, temperature)))
        temperature *= 0.97
    return pos


#: Font size of the network's labels and the width of one character at that size (generous, so that an
#: estimate never falls short of what a browser draws; the browser test measures the rendered boxes).
LABEL_SIZE, CHAR_WIDTH, LABEL_CHARS = 12, 7.2, 34


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def label_box(label: str, x: float, y: float, r: float) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a node's circle and the label drawn below it take."""
    half = max(r, CHAR_WIDTH * len(short(label)) / 2)
    return x - half, y - r, x + half, y + r + LABEL_SIZE + 6


def separate(pos: dict, sizes: dict, width: float, height: float, left: float, rounds: int = 400) -> dict:
    """Move nodes apart until no two boxes (circle + label) overlap and every box lies inside the picture.

    ``sizes`` maps a node to (label, radius). Each round pushes every overlapping pair apart along the
    axis where they overlap least; NATO, the centre, stays put.
    """
    def clamp(n):
        label, r = sizes[n]
        x0, y0, x1, y1 = label_box(label, *pos[n], r)
        pos[n][0] = min(width - 4 - (x1 - pos[n][0]), max(left + 4 + (pos[n][0] - x0), pos[n][0]))
        pos[n][1] = min(height - 4 - (y1 - pos[n][1]), max(4 + (pos[n][1] - y0), pos[n][1]))

    names = sorted(pos)
    for n in names:
        clamp(n)
    for _ in range(rounds):
        moved = False
        boxes = {n: label_box(sizes[n][0], *pos[n], sizes[n][1]) for n in names}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                ax0, ay0, ax1, ay1 = boxes[a]
                bx0, by0, bx1, by1 = boxes[b]
                dx, dy = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                share = {a: 0.0 if a == NATO else (1.0 if b == NATO else 0.5)}
                share[b] = 1.0 - share[a]
                if dy <= dx:
                    sign = 1 if pos[a][1] >= pos[b][1] else -1
                    pos[a][1] += sign * (dy + 1) * share[a]; pos[b][1] -= sign * (dy + 1) * share[b]
                else:
                    sign = 1 if pos[a][0] >= pos[b][0] else -1
                    pos[a][0] += sign * (dx + 1) * share[a]; pos[b][0] -= sign * (dx + 1) * share[b]
                clamp(a), clamp(b)
                boxes[a] = label_box(sizes[a][0], *pos[a], sizes[a][1])
                boxes[b] = label_box(sizes[b][0], *pos[b], sizes[b][1])
        if not moved:
            break
    return pos


def network_svg(nodes: dict, edges: list, local, width: int = 1100, height: int = 820) -> str:
    """The network as SVG: coloured by kind, each node a link to its page, with a legend; no two labels overlap."""
    pos = layout(sorted(nodes), [(a, b) for a, b, _ in edges], width, height, left=140)
    pos = separate(pos, {n: (nodes[n][0], 16 if n == NATO else 9) for n in nodes}, width, height, left=110)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'aria-labelledby="network-title" class="picture" id="network-picture">',
           '<title id="network-title">NATO\'s network: partner countries, frameworks, operations and bodies</title>',
           '<g stroke-width="1.4" stroke-opacity="0.75">']
    for a, b, kind in edges:
        colour, dashes, _ = EDGE_STYLES[kind]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        out.append(f'<line class="edge edge-{kind}" data-ends={quoteattr(local(a) + " " + local(b))} '
                   f'x1="{pos[a][0]:.1f}" y1="{pos[a][1]:.1f}" x2="{pos[b][0]:.1f}" '
                   f'y2="{pos[b][1]:.1f}" stroke="{colour}"{dash}/>')
    out.append("</g>")
    for iri in sorted(nodes):
        label, kind = nodes[iri]
        x, y = pos[iri]
        r = 16 if iri == NATO else 9
        out.append(f'<a href={quoteattr(local(iri))} class="node node-{kind}" data-kind="{kind}"><title>{escape(label)} ({kind})</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{KIND_COLOURS[kind]}"/>'
                   f'<text x="{x:.1f}" y="{y + r + 12:.1f}" text-anchor="middle" font-size="{LABEL_SIZE}">'
                   f'{escape(short(label))}</text></a>')
    for i, (kind, colour) in enumerate(KIND_COLOURS.items()):
        out.append(f'<g class="legend"><circle cx="20" cy="{20 + i * 20}" r="6" fill="{colour}"/>'
                   f'<text x="32" y="{24 + i * 20}" font-size="12">{kind}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def timeline_svg(rows: list[dict], local, width: int = 1000) -> str:
    """Dated events from 1949 to 2008 on a horizontal axis, each linking to its page and sentence."""
    first, last = 1945, 2010
    x = lambda year: 40 + (int(year) - first) / (last - first) * (width - 80)
    height = 120 + 34 * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'aria-labelledby="timeline-title" class="picture" id="timeline-picture">',
           '<title id="timeline-title">Timeline of the dated events the article mentions</title>',
           f'<line x1="40" y1="60" x2="{width - 40}" y2="60" stroke="#444" stroke-width="2"/>']
    for decade in range(1950, 2011, 10):
        out.append(f'<g font-size="12"><line x1="{x(decade):.1f}" y1="54" x2="{x(decade):.1f}" y2="66" stroke="#444"/>'
                   f'<text x="{x(decade):.1f}" y="44" text-anchor="middle">{decade}</text></g>')
    for i, row in enumerate(rows):
        cx, cy = x(row["year"]), 100 + i * 34
        text = short(f'{row["when"]}: {row["label"]}', 90)
        anchor = "start" if cx + 12 + 6.6 * len(text) < width - 10 else "end"
        tx = cx - 12 if anchor == "end" else cx + 12
        out.append(f'<line x1="{cx:.1f}" y1="60" x2="{cx:.1f}" y2="{cy:.1f}" stroke="#bbb" stroke-dasharray="2,3"/>')
        out.append(f'<a href={quoteattr(local(row["event"]))} class="event"><title>{escape(row["label"])}</title>'
                   f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="#1f4e79"/>'
                   f'<text x="{tx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" font-size="13">'
                   f'{escape(text)}</text></a>')
        sx = tx + (-1 if anchor == "end" else 1) * 0
        out.append(f'<a href={quoteattr(local(row["source"]))} class="source"><title>the sentence behind it</title>'
                   f'<text x="{sx:.1f}" y="{cy + 18:.1f}" text-anchor="{anchor}" font-size="10" fill="#555">'
                   f'source: {escape(row["source"].rsplit("/", 1)[-1])}</text></a>')
    out.append("</svg>")
    return "\n".join(out)


def ontology_diagram(graph, width: int = 1100, height: int = 900) -> tuple[str, list[tuple[str, str, str]]]:
    """The ontology's classes and the properties between them, as SVG, and the drawn relations as
    rows (domain, property, range) of local names. Solid arrows are object properties (from domain to
    range, one arrow per pair with every property in its tooltip), dashed grey ones ``rdfs:subClassOf``;
    each class links to its entry (``#Class``) on the ontology page."""
    from rdflib import OWL, RDF, RDFS

    def local(term) -> str | None:
        text = str(term)
        return text[len(NAT):] if text.startswith(NAT) else None

    classes = sorted(filter(None, (local(c) for c in graph.subjects(RDF.type, OWL.Class))))
    rows, pairs = [], {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        name, domain, range_ = local(prop), local(graph.value(prop, RDFS.domain)), local(graph.value(prop, RDFS.range))
        if name and domain in classes and range_ in classes:
            rows.append((domain, name, range_))
            pairs.setdefault((domain, range_), []).append(name)
    subclass = sorted({(local(s), local(o)) for s, o in graph.subject_objects(RDFS.subClassOf)
                       if local(s) in classes and local(o) in classes})
    pos = layout(classes, list(pairs) + subclass, width, height, left=20)
    pos = separate(pos, {c: (c, 6) for c in classes}, width, height, left=10)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'aria-labelledby="ontology-title" class="picture" id="ontology-picture">',
           '<title id="ontology-title">The ontology\'s classes, their subclass relations and the object '
           'properties between them</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f4e79"/></marker>'
           '<marker id="hollow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#fff" stroke="#888"/></marker></defs>',
           '<g stroke-width="1.2">']
    for child, parent in subclass:
        out.append(f'<line class="edge edge-subclass" x1="{pos[child][0]:.1f}" y1="{pos[child][1]:.1f}" '
                   f'x2="{pos[parent][0]:.1f}" y2="{pos[parent][1]:.1f}" stroke="#888" stroke-dasharray="4 3" '
                   f'marker-end="url(#hollow)"><title>{escape(child)} is a subclass of {escape(parent)}</title></line>')
    for (domain, range_), names in sorted(pairs.items()):
        if domain == range_:
            continue  # a property from a class to itself: listed in the table below the picture
        out.append(f'<line class="edge edge-property" x1="{pos[domain][0]:.1f}" y1="{pos[domain][1]:.1f}" '
                   f'x2="{pos[range_][0]:.1f}" y2="{pos[range_][1]:.1f}" stroke="#1f4e79" stroke-opacity="0.6" '
                   f'marker-end="url(#arrow)"><title>{escape(domain)} → {escape(range_)}: '
                   f'{escape(", ".join("nat:" + n for n in sorted(names)))}</title></line>')
    out.append("</g>")
    for name in classes:
        x, y = pos[name]
        out.append(f'<a href="#{escape(name)}" class="node node-class"><title>nat:{escape(name)}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#27ae60"/>'
                   f'<text x="{x:.1f}" y="{y + 18:.1f}" text-anchor="middle" font-size="{LABEL_SIZE}">'
                   f'{escape(short(name))}</text></a>')
    out.append("</svg>")
    return "\n".join(out), sorted(rows)
