"""Pictures drawn on the server as SVG: NATO's network and the ontology's class diagram, with the layout they
share (force-directed placement, labels kept apart, edges routed round the nodes). The timeline is in
:mod:`natoasia.site.pictures_timeline`.

No JavaScript library is needed: the SVG is plain markup, each node a link to its page; ``pictures.js``
adds filtering, highlighting and zoom on top.
"""

from __future__ import annotations

import math
import random
from xml.sax.saxutils import escape, quoteattr

NAT = "https://w3id.org/natoasia/ontology#"
PREFIXES = (f"PREFIX nat: <{NAT}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX schema: <https://schema.org/> ")
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
    ?m nat:organisation ?a ; nat:member ?b . BIND("member" AS ?kindB)
  } UNION {
    ?m nat:group ?a ; nat:groupMember ?b . BIND("member" AS ?kindB)
  } UNION {
    ?c a nat:Contribution ; nat:contributor ?a .
    { ?c nat:recipient|nat:inConjunctionWith ?b }
    UNION { ?b a nat:Operation ; schema:location ?area . ?c nat:deployedIn/nat:locatedIn* ?area }
    BIND("contribution" AS ?kindB)
  }
  ?b rdfs:label ?labelB .
}""" % {"nato": NATO}
KIND_QUERY = PREFIXES + """
SELECT ?node ?label ?kind WHERE {
  VALUES (?class ?kind) { (nat:Alliance "alliance") (nat:State "state") (nat:StateGroup "group")
    (nat:PartnershipFramework "framework") (nat:Operation "operation") (nat:Body "body") (nat:Forum "forum") }
  ?node a ?class ; rdfs:label ?label .
}"""
#: How each kind of edge is drawn and what it means (legend text), in the order a pair linked in several
#: ways is drawn: the first kind wins the line, the others are named in its tooltip.
EDGE_STYLES = {"partner": ("#c0392b", "", "NATO's partner"),
               "member": ("#1e8449", "5,3", "member of the framework, forum or group"),
               "body": ("#2c7fb8", "", "body of NATO"), "operation": ("#8e44ad", "8,3,2,3", "operation led by NATO"),
               "framework": ("#7f8c8d", "1,3", "NATO's partnership framework"),
               "contribution": ("#b35900", "10,2,2,2", "contributes troops, funds or support to")}
#: How an edge of each kind reads in its tooltip: "{a} … {b}".
EDGE_PHRASES = {"partner": "is a partner of", "member": "is linked by membership to", "body": "is a body of",
                "operation": "is linked to the operation", "framework": "is linked to the framework",
                "contribution": "contributes to"}


def network_data(select) -> tuple[dict, list]:
    """Nodes (iri → (label, kind)) and edges (a, b, kind of edge) of NATO's network, via ``select``."""
    kinds = {}
    for row in select(KIND_QUERY):
        kinds.setdefault(row["node"], (row["label"], row["kind"]))
    nodes, edges = {NATO: kinds.get(NATO, ("NATO", "alliance"))}, {}
    order = list(EDGE_STYLES)
    for row in select(NETWORK_QUERY):
        for node in (row["a"], row["b"]):
            if node in kinds:
                nodes[node] = kinds[node]
        if row["a"] in nodes and row["b"] in nodes and row["a"] != row["b"]:
            pair = (row["a"], row["b"]) if row["kindB"] == "contribution" else tuple(sorted((row["a"], row["b"])))
            pair = next((p for p in edges if set(p) == set(pair)), pair)  # one line per pair, the same each time
            edges.setdefault(pair, set()).add(row["kindB"])
    return nodes, sorted((a, b, min(found, key=order.index), tuple(sorted(found, key=order.index)))
                         for (a, b), found in edges.items())


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
LABEL_SIZE, CHAR_WIDTH, LABEL_CHARS = 12, 7.8, 34


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


#: The room an edge leaves round a node it does not end at (beyond the circle's radius).
CLEARANCE = 5


def curve_points(a: tuple, b: tuple, bend: float, steps: int = 24) -> list[tuple[float, float]]:
    """Points along the quadratic curve from ``a`` to ``b`` whose control point lies ``bend`` away from the
    middle, at right angles to the line (``bend`` 0 is the straight line)."""
    (x1, y1), (x2, y2) = a, b
    length = max(math.hypot(x2 - x1, y2 - y1), 0.01)
    cx, cy = (x1 + x2) / 2 - (y2 - y1) / length * bend, (y1 + y2) / 2 + (x2 - x1) / length * bend
    return [((1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t * t * x2, (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t * t * y2)
            for t in (i / steps for i in range(steps + 1))]


def _segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-9)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def obstacles_hit(points: list, ends: tuple, circles: dict, margin: float = CLEARANCE) -> list[str]:
    """The nodes (other than the edge's two ends) whose circle, widened by :data:`CLEARANCE`, the polyline
    ``points`` passes through. ``circles`` maps a node to (x, y, radius)."""
    hit = []
    for node, (x, y, r) in circles.items():
        if node in ends:
            continue
        if any(_segment_distance((x, y), p, q) < r + margin for p, q in zip(points, points[1:])):
            hit.append(node)
    return hit


def labels_crossed(points: list, ends: tuple, labels: dict) -> int:
    """How many labels (other than those of the edge's ends) the polyline ``points`` crosses; ``labels``
    maps a node to the box (left, top, right, bottom) of its label."""
    dense = []
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        steps = max(1, int(math.hypot(x2 - x1, y2 - y1) // 4))
        dense += [(x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps) for i in range(steps + 1)]
    return sum(1 for node, (left, top, right, bottom) in labels.items() if node not in ends
               and any(left <= x <= right and top <= y <= bottom for x, y in dense))


def route(a: str, b: str, circles: dict, labels: dict | None = None) -> float:
    """The bend of the edge from ``a`` to ``b``: straight when that passes no other node (nor, if ``labels``
    are given, another node's label), else the gentlest curve (either side) that passes none, else the one
    that passes no node and the fewest labels (a node counts more than any number of labels)."""
    start, stop = circles[a][:2], circles[b][:2]
    best = None
    for bend in (0, 25, -25, 50, -50, 80, -80, 120, -120, 170, -170, 230, -230):
        line = curve_points(start, stop, bend, steps=48)  # finer, and wider, than what a test of the drawing checks
        cost = 1000 * len(obstacles_hit(line, (a, b), circles, CLEARANCE + 2)) + (labels_crossed(line, (a, b), labels) if labels else 0)
        if cost == 0:
            return bend
        if best is None or cost < best[0]:
            best = (cost, bend)
    return best[1]


def edge_path(start: tuple, stop: tuple, bend: float) -> str:
    """The SVG path data of an edge (a line, or a quadratic curve bent by ``bend``)."""
    (x1, y1), (x2, y2) = start, stop
    if bend == 0:
        return f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
    length = max(math.hypot(x2 - x1, y2 - y1), 0.01)
    cx, cy = (x1 + x2) / 2 - (y2 - y1) / length * bend, (y1 + y2) / 2 + (x2 - x1) / length * bend
    return f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"


def network_layout(nodes: dict, edges: list, width: int = 1100, height: int = 860) -> tuple[dict, dict]:
    """Positions of the nodes (no two labels overlap) and the bend of each edge (a, b) (none passes a node)."""
    pos = layout(sorted(nodes), [(a, b) for a, b, *_ in edges], width, height, left=140)
    pos = separate(pos, {n: (nodes[n][0], node_radius(n)) for n in nodes}, width, height, left=110)
    circles = {n: (pos[n][0], pos[n][1], node_radius(n)) for n in nodes}
    labels = {}
    for n in nodes:
        half = CHAR_WIDTH * len(short(nodes[n][0])) / 2
        y = pos[n][1] + node_radius(n) + 12
        labels[n] = (pos[n][0] - half, y - LABEL_SIZE + 2, pos[n][0] + half, y + 3)
    return pos, {(a, b): route(a, b, circles, labels) for a, b, *_ in edges}


def node_radius(node: str) -> int:
    return 16 if node == NATO else 9


def network_svg(nodes: dict, edges: list, local, width: int = 1100, height: int = 860) -> str:
    """The network as SVG: coloured by kind, each node a link to its page (its neighbours in
    ``data-near``), each edge a line or a curve round the nodes it would cross, with a legend; no two
    labels overlap."""
    pos, bends = network_layout(nodes, edges, width, height)
    near: dict[str, set] = {n: set() for n in nodes}
    for a, b, *_ in edges:
        near[a].add(local(b)); near[b].add(local(a))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'aria-labelledby="network-title" class="picture" id="network-picture">',
           '<title id="network-title">NATO\'s network: partner countries, frameworks, operations, bodies, '
           'and the contributions of countries to operations</title>',
           '<defs><marker id="contribution-arrow" viewBox="0 0 10 10" refX="19" refY="5" markerWidth="7" '
           f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_STYLES["contribution"][0]}"/>'
           '</marker></defs>',
           '<g class="edges" stroke-width="1.6" stroke-opacity="0.8" fill="none">']
    for a, b, kind, kinds in edges:
        colour, dashes, _ = EDGE_STYLES[kind]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        arrow = ' marker-end="url(#contribution-arrow)"' if kind == "contribution" else ""
        says = "; ".join(f"{nodes[a][0]} {EDGE_PHRASES[k]} {nodes[b][0]}" for k in kinds)
        out.append(f'<path class="edge edge-{kind}" data-ends={quoteattr(local(a) + " " + local(b))} '
                   f'data-kinds="{" ".join(kinds)}" d="{edge_path(pos[a], pos[b], bends[(a, b)])}" '
                   f'stroke="{colour}"{dash}{arrow}><title>{escape(says)}</title></path>')
    out.append("</g>")
    for iri in sorted(nodes):
        label, kind = nodes[iri]
        x, y = pos[iri]
        r = node_radius(iri)
        out.append(f'<a href={quoteattr(local(iri))} class="node node-{kind}" data-kind="{kind}" '
                   f'data-near={quoteattr(" ".join(sorted(near[iri])))}>'
                   f'<title>{escape(label)} ({kind}, {len(near[iri])} link{"" if len(near[iri]) == 1 else "s"})</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{KIND_COLOURS[kind]}"/>'
                   f'<text x="{x:.1f}" y="{y + r + 12:.1f}" text-anchor="middle" font-size="{LABEL_SIZE}">'
                   f'{escape(short(label))}</text></a>')
    for i, (kind, colour) in enumerate(KIND_COLOURS.items()):
        out.append(f'<g class="legend"><circle cx="20" cy="{20 + i * 20}" r="6" fill="{colour}"/>'
                   f'<text x="32" y="{24 + i * 20}" font-size="12">{kind}</text></g>')
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
