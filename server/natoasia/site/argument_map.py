"""The argument map drawn as a graph (``/argument``): one column per research question, its answers below it as
I-nodes, and the argument relations and support links between answers as edges carrying their S-node (the shapes of
:mod:`.argument_diagram`). Each node knows its neighbours, for the highlighting of ``static/argument.js``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from natoasia import FACTS_GRAPH, ONTOLOGY_NS
from natoasia.site.argument_relations import relations
from natoasia.site.links import local

PREFIXES = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: Relations and support links between two nodes that answer a question (a content node standing for its owner).
EDGES = PREFIXES + """SELECT DISTINCT ?a ?property ?b WHERE {
  { VALUES ?property { %s } ?a0 ?property ?b0 }
  UNION { ?link a nat:Support ; nat:supported ?a0 ; nat:evidence ?b0 BIND(nat:Support AS ?property) }
  OPTIONAL { ?oa nat:hasContent ?a0 } BIND(COALESCE(?oa, ?a0) AS ?a)
  OPTIONAL { ?ob nat:hasContent ?b0 } BIND(COALESCE(?ob, ?b0) AS ?b)
  FILTER(?a != ?b)
  FILTER(EXISTS { ?a nat:answers ?q1 } || EXISTS { ?b nat:answers ?q2 })
} ORDER BY ?a ?property ?b"""
#: The label and kind of the linked nodes that answer no question drawn (``further`` nodes).
NAMES = PREFIXES + f"""SELECT ?node (MIN(?name) AS ?label) (MIN(?kindName) AS ?kind) WHERE {{
  VALUES ?node {{ %s }}
  OPTIONAL {{ ?node rdfs:label ?name }}
  OPTIONAL {{ GRAPH <{FACTS_GRAPH}> {{ ?node a ?class }} ?class rdfs:label ?kindName }}
}} GROUP BY ?node"""
TOP, COLUMN_GAP, NODE_H, ROW_GAP, Q_H, WIDTH = 8, 60, 34, 4, 52, 1000
#: The drawing's height at most (SVG units, pixels at 1200 px wide), so that the whole map's page stays within
#: three screens of 900 px: linked nodes that answer no drawn question are drawn only where they fit below it.
MAX_HEIGHT = 1100


@dataclass
class MapNode:
    """A node of the drawing: a question (``question``) or an answer, its box, and its neighbours' ids."""

    id: str
    href: str
    label: str
    kind: str
    question: bool = False
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = NODE_H
    lines: list[str] = field(default_factory=list)
    near: set[str] = field(default_factory=set)
    further: bool = False  # linked to an answer, answering no question drawn

    @property
    def degree(self) -> int:
        """How many nodes this one is drawn linked to."""
        return sum(1 for other in self.near if other.startswith("m"))


@dataclass
class MapEdge:
    """An edge from ``source`` to ``target`` through an S-node of ``kind`` whose words are ``words``."""

    id: str
    source: MapNode
    target: MapNode
    kind: str
    words: str
    path: str = ""
    mx: float = 0
    my: float = 0


@dataclass
class Drawing:
    """The map's nodes and edges, laid out in a ``width`` × ``height`` SVG."""

    nodes: list[MapNode]
    edges: list[MapEdge]
    width: int = WIDTH
    height: float = 0
    #: Linked nodes answering no question drawn: how many are drawn, and how many did not fit (listed only).
    further: int = 0
    not_drawn: list[MapNode] = field(default_factory=list)
    further_x: float | None = None  # the column of further nodes beside a single question, if there is one


def edges_between(select, iris: set[str]) -> list[tuple[str, str, str, str]]:
    """(source, target, kind, words) for every argument relation and support link with at least one end among
    ``iris``: the source is the premise, attacker, preferred or rephrasing node (AIF's direction)."""
    known = relations(select)
    values = " ".join(f"<{p}>" for p in sorted(known))
    found = []
    for row in select(EDGES % values):
        a, b = row["a"], row["b"]
        if a not in iris and b not in iris:
            continue
        if row["property"] == ONTOLOGY_NS + "Support":
            found.append((b, a, "inference", "evidence"))
            continue
        relation = known[row["property"]]
        source, target = (b, a) if relation.object_upstream else (a, b)
        found.append((source, target, relation.kind, relation.forward))
    return found


def draw(questions: list[dict], select) -> Drawing:
    """The drawing of ``questions`` (each with its ``answers``, as :func:`natoasia.site.argument.argument_map`
    gives them): a column per question, an answer drawn once, in the first column that lists it; then the nodes
    linked to an answer that answer no question drawn, below the answers of a column with room (beside the only
    question, in a column of their own), as long as the drawing stays within :data:`MAX_HEIGHT`."""
    if not questions:
        return Drawing([], [], height=0)
    slots = len(questions) + (1 if len(questions) == 1 else 0)  # one question: a second column for its neighbours
    column = (WIDTH - COLUMN_GAP * slots) / slots  # a gap after each column for its edges
    nodes: dict[str, MapNode] = {}
    bottoms: list[float] = []
    for index, q in enumerate(questions):
        x = index * (column + COLUMN_GAP)
        qnode = nodes[q["iri"]] = MapNode(f"m{len(nodes)}", q["href"], q["label"], q["kind"], True, x, TOP,
                                          column, Q_H, _wrap(q["label"], column, 2))
        y = TOP + Q_H + ROW_GAP * 2
        for answer in q["answers"]:
            node = nodes.get(answer["iri"])
            if node is None:
                node = nodes[answer["iri"]] = MapNode(f"m{len(nodes)}", answer["href"], answer["label"],
                                                      answer["kind"], False, x, y, column, NODE_H,
                                                      _wrap(answer["label"], column, 2))
                y += NODE_H + ROW_GAP
            node.near.add(qnode.id)
            qnode.near.add(node.id)
        bottoms.append(y)
    answers = {iri for iri, node in nodes.items() if not node.question}
    found = edges_between(select, answers)
    drawing = Drawing([], [])
    if slots > len(questions):
        drawing.further_x = len(questions) * (column + COLUMN_GAP)
        bottoms.append(TOP + Q_H + ROW_GAP * 2)
    _place_further(select, found, nodes, bottoms, column, drawing)
    edges = []
    for source, target, kind, words in found:
        if source not in nodes or target not in nodes:
            continue
        edge = MapEdge(f"e{len(edges)}", nodes[source], nodes[target], kind, words)
        _route(edge)
        edges.append(edge)
        edge.source.near |= {edge.target.id, edge.id}
        edge.target.near |= {edge.source.id, edge.id}
    drawing.nodes, drawing.edges = list(nodes.values()), edges
    drawing.height = max(bottoms) + TOP
    return drawing


def _place_further(select, found, nodes: dict[str, MapNode], bottoms: list[float], column: float,
                   drawing: Drawing) -> None:
    """Place the nodes linked to an answer that answer no question drawn: the most linked first, each in the column
    of its first drawn neighbour when it has room, else in the column with the most room, else not at all."""
    links: dict[str, set[str]] = {}
    for source, target, _, _ in found:
        for one, other in ((source, target), (target, source)):
            if one not in nodes and other in nodes:
                links.setdefault(one, set()).add(other)
    if not links:
        return
    names = {row["node"]: row for row in select(NAMES % " ".join(f"<{iri}>" for iri in sorted(links)))}
    order = sorted(links, key=lambda iri: (-len(links[iri]), names.get(iri, {}).get("label", iri)))
    limit = max(MAX_HEIGHT - TOP, max(bottoms))
    step = NODE_H + ROW_GAP
    for iri in order:
        if drawing.further_x is not None:
            slot = len(bottoms) - 1
        else:
            near = min(links[iri], key=lambda other: nodes[other].x)
            slot = round(nodes[near].x / (column + COLUMN_GAP))
            if bottoms[slot] + step > limit:
                slot = min(range(len(bottoms)), key=lambda k: bottoms[k])
        row = names.get(iri, {})
        label = row.get("label") or iri.rsplit("/", 1)[-1]
        node = MapNode(f"m{len(nodes)}", local(iri), label, row.get("kind") or "statement", False,
                       slot * (column + COLUMN_GAP), bottoms[slot], column, NODE_H, _wrap(label, column, 2),
                       further=True)
        if bottoms[slot] + step > limit:
            drawing.not_drawn.append(node)
            continue
        nodes[iri] = node
        bottoms[slot] += step
        drawing.further += 1
    drawing.not_drawn.sort(key=lambda n: n.label.casefold())


def _route(edge: MapEdge) -> None:
    """An edge between two answers in one column bows out into the gap to its right (its S-node there); between
    columns it runs from the facing sides."""
    s, t = edge.source, edge.target
    if abs(s.x - t.x) < 1:
        x = s.x + s.w
        bow = x + min(COLUMN_GAP - 12, 18 + abs(s.y - t.y) / 12)
        y1, y2 = s.y + s.h / 2, t.y + t.h / 2
        edge.path = f"M{x:.1f},{y1:.1f} C{bow:.1f},{y1:.1f} {bow:.1f},{y2:.1f} {x + 2:.1f},{y2:.1f}"
        edge.mx, edge.my = x + (bow - x) * 0.75, (y1 + y2) / 2
    else:
        x1, x2 = (s.x + s.w, t.x) if s.x < t.x else (s.x, t.x + t.w)
        y1, y2 = s.y + s.h / 2, t.y + t.h / 2
        edge.path = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
        edge.mx, edge.my = (x1 + x2) / 2, (y1 + y2) / 2


def _wrap(text: str, width: float, most: int) -> list[str]:
    chars = max(8, int((width - 16) / 7.0))  # 13 px type: about 7 px a character, wide letters included
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines
