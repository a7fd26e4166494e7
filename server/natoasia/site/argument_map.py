"""The argument map drawn as a graph (``/argument``): one column per research question, its answers below it as
I-nodes, and the argument relations and support links between answers as edges carrying their S-node (the shapes of
:mod:`.argument_diagram`). Each node knows its neighbours, for the highlighting of ``static/argument.js``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from natoasia import ONTOLOGY_NS
from natoasia.site.argument_relations import relations

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
  FILTER EXISTS { ?a nat:answers ?q1 } FILTER EXISTS { ?b nat:answers ?q2 }
} ORDER BY ?a ?property ?b"""
TOP, COLUMN_GAP, NODE_H, ROW_GAP, Q_H, WIDTH = 8, 60, 34, 5, 52, 1000


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


def edges_between(select, iris: set[str]) -> list[tuple[str, str, str, str]]:
    """(source, target, kind, words) for every argument relation and support link between two of ``iris``: the
    source is the premise, attacker, preferred or rephrasing node (AIF's direction)."""
    known = relations(select)
    values = " ".join(f"<{p}>" for p in sorted(known))
    found = []
    for row in select(EDGES % values):
        a, b = row["a"], row["b"]
        if a not in iris or b not in iris:
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
    gives them): a column per question, an answer drawn once, in the first column that lists it."""
    if not questions:
        return Drawing([], [], height=0)
    column = (WIDTH - COLUMN_GAP * len(questions)) / len(questions)  # a gap after each column for its edges
    nodes: dict[str, MapNode] = {}
    bottom = 0.0
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
        bottom = max(bottom, y)
    edges = []
    for source, target, kind, words in edges_between(select, set(nodes)):
        edge = MapEdge(f"e{len(edges)}", nodes[source], nodes[target], kind, words)
        _route(edge)
        edges.append(edge)
        edge.source.near |= {edge.target.id, edge.id}
        edge.target.near |= {edge.source.id, edge.id}
    return Drawing(list(nodes.values()), edges, height=bottom + TOP)


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
    chars = max(8, int((width - 16) / 6.3))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines
