"""The site's own pages: home, downloads and the dump files, VoID, the ontology's documentation (and the
ontology in each RDF format), the query page, and the pictures."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory
from rdflib import Graph

from natoasia import __version__
from natoasia.dataset.files import AIF_DUMPS, DUMPS, MANIFEST, VOID_FILE
from natoasia.dataset.sources import data_root
from natoasia.namespaces import PREFIXES
from natoasia.rdfio import canonical, serialize_triples, sorted_triples
from natoasia.site import ontodoc, pictures, pictures_timeline
from natoasia.site.links import engine, local, public_base
from natoasia.site.resources import EXTENSION_OF, alternates, negotiated

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _helpers():
    """What every template may use: the local path of a project IRI and the base IRI served."""
    return {"local": local, "public_base": public_base()}


@lru_cache(maxsize=1)
def _ontology_graph(root: str) -> Graph:
    graph = Graph()
    for path in sorted((Path(root) / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=2)
def _ontology_diagram(root: str) -> tuple[str, list]:
    """The class diagram of the ontology (laid out once: the ontology never changes while served)."""
    return pictures.ontology_diagram(_ontology_graph(root))


@lru_cache(maxsize=8)
def _ontology_rdf(root: str, media_type: str) -> bytes:
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}[media_type]
    return serialize_triples(sorted_triples(canonical(_ontology_graph(root))), fmt)


@bp.route("/ontology")
@bp.route("/ontology.<extension>")
@bp.route("/ontology/<version>")
def ontology(extension: str | None = None, version: str | None = None):
    """The ontology: HTML documentation, or the ontology graph in an RDF format."""
    media_type = negotiated(extension)
    if media_type is None or (version is not None and version != __version__):
        abort(406 if media_type is None else 404)
    if media_type == "text/html":
        diagram, relations = _ontology_diagram(str(data_root()))
        response = Response(render_template("ontology.html", doc=ontodoc.document(_ontology_graph(str(data_root()))),
                                            diagram=diagram, relations=relations))
    else:
        response = Response(_ontology_rdf(str(data_root()), media_type), content_type=media_type)
    response.headers["Content-Location"] = f"/ontology.{EXTENSION_OF[media_type]}"
    response.headers["Link"] = alternates("/ontology")
    response.vary.add("Accept")
    return response


def competency_questions() -> list[dict]:
    """The competency queries with their question as title, for examples."""
    found = []
    for path in sorted((data_root() / "queries").glob("CQ*.rq")):
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("# ").strip()
        found.append({"id": path.stem, "title": title, "query": text})
    return found


ENTRY_QUERY = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?node ?label WHERE {
  VALUES (?class ?kind) { (nat:State "Countries") (nat:PartnershipFramework "Frameworks")
                          (nat:Operation "Operations") (nat:Summit "Summits") (nat:Proposal "Proposals") }
  ?node a ?class ; rdfs:label ?label .
} ORDER BY ?kind ?label"""


#: Each "Start here" card shows its first entries up to about this many characters of labels (at least 3, at
#: most 6), the rest behind its "All …" disclosure: six countries, three long proposals.
CARD_CHARACTERS, CARD_FEWEST, CARD_MOST = 120, 3, 6


def _shown(rows: list) -> int:
    """How many of a card's ``rows`` show before its disclosure."""
    count, characters = 0, 0
    while count < min(len(rows), CARD_MOST) and (count < CARD_FEWEST or characters + len(rows[count]["label"]) <= CARD_CHARACTERS):
        characters += len(rows[count]["label"])
        count += 1
    return count


def _entry_points() -> dict[str, list]:
    """The "Start here" cards, by kind (computed once per process: the dataset never changes while served)."""
    cache = current_app.extensions.setdefault("natoasia.home", {})
    if "groups" not in cache:
        groups: dict[str, list] = {}
        for row in engine().select(ENTRY_QUERY):
            groups.setdefault(row["kind"], []).append(row)
        cache["groups"] = {kind: {"rows": rows, "shown": _shown(rows)} for kind, rows in groups.items()}
    return cache["groups"]


@bp.route("/")
def home():
    """What the graph is, the ways in (article, facts, argument, pictures, queries), where to start, and its
    source, licence and counts."""
    manifest = json.loads((engine().settings.dataset / MANIFEST).read_text(encoding="utf-8"))
    return render_template("home.html", manifest=manifest, groups=_entry_points(),
                           questions=competency_questions(), graphs=engine().graphs)


@bp.route("/downloads")
def downloads():
    """Every dump with format, size, triple count, SHA-256 and licence."""
    manifest = json.loads((engine().settings.dataset / MANIFEST).read_text(encoding="utf-8"))
    return render_template("downloads.html", files=manifest["files"])


@bp.route("/dumps/<name>")
def dump(name: str):
    """A dump file of the built dataset."""
    if name not in _dump_names():
        abort(404)
    return send_from_directory(engine().settings.dataset.resolve(), name, max_age=300)


def _dump_names() -> set[str]:
    return {name for name, *_ in DUMPS} | {name for name, _ in AIF_DUMPS} | {VOID_FILE}


@bp.route("/.well-known/void")
def void():
    """The VoID description of the dataset (Turtle)."""
    response = send_from_directory(engine().settings.dataset.resolve(), "void.ttl", mimetype="text/turtle", max_age=300)
    return response


TERMS_QUERY = """SELECT DISTINCT ?kind ?term WHERE {
  { ?s a ?term BIND("class" AS ?kind) } UNION { ?s ?term ?o BIND("property" AS ?kind) }
  UNION { VALUES (?declared ?kind) { (<http://www.w3.org/2002/07/owl#Class> "class")
          (<http://www.w3.org/2000/01/rdf-schema#Class> "class")
          (<http://www.w3.org/2002/07/owl#ObjectProperty> "property")
          (<http://www.w3.org/2002/07/owl#DatatypeProperty> "property")
          (<http://www.w3.org/2002/07/owl#AnnotationProperty> "property")
          (<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> "property") } ?term a ?declared }
  FILTER(isIRI(?term))
} ORDER BY ?kind ?term"""


def editor_terms() -> dict:
    """What the editor completes, all from this server: our prefixes, and the classes and properties the
    ontology declares or the data uses (never prefix.cc or LOV)."""
    cache = current_app.extensions.setdefault("natoasia.editor", {})
    if "terms" not in cache:
        found: dict[str, set] = {"class": set(), "property": set()}
        for row in engine().select(TERMS_QUERY):
            found[row["kind"]].add(row["term"])
        cache["terms"] = {"prefixes": sorted(PREFIXES.items()), "classes": sorted(found["class"]),
                          "properties": sorted(found["property"])}
    return cache["terms"]


DEFAULT_QUERY = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country ?label WHERE {
  ?country a nat:State ; rdfs:label ?label .
} ORDER BY ?label"""


@bp.route("/query")
def query_page():
    """The query page: YASGUI with our endpoint, our completions and the competency questions; it loads
    nothing from another host."""
    return render_template("query.html", questions=competency_questions(), terms=editor_terms(),
                           default_query=DEFAULT_QUERY)


@bp.route("/pictures")
def pictures_page():
    """The network and the timeline."""
    nodes, _ = _network_data()
    choices = lambda kind: sorted(((local(iri), label) for iri, (label, k) in nodes.items() if k == kind),
                                  key=lambda choice: choice[1])
    return render_template("pictures.html", network=_network_svg(), timeline=_timeline(),
                           edge_styles=pictures.EDGE_STYLES, node_kinds=list(pictures.KIND_COLOURS),
                           frameworks=choices("framework"), countries=choices("state"))


@bp.route("/pictures/network.svg")
def network():
    return Response(_network_svg(), mimetype="image/svg+xml")


@bp.route("/pictures/timeline.svg")
def timeline():
    return Response(_timeline()["svg"], mimetype="image/svg+xml")


def _network_data() -> tuple[dict, list]:
    cache = current_app.extensions.setdefault("natoasia.pictures", {})
    if "network_data" not in cache:
        cache["network_data"] = pictures.network_data(engine().select)
    return cache["network_data"]


def _network_svg() -> str:
    cache = current_app.extensions.setdefault("natoasia.pictures", {})
    if "network" not in cache:
        nodes, edges = _network_data()
        cache["network"] = pictures.network_svg(nodes, edges, local)
    return cache["network"]


def _timeline() -> dict:
    """The timeline's SVG and its items (drawn once per process: the dataset never changes while served)."""
    cache = current_app.extensions.setdefault("natoasia.pictures", {})
    if "timeline" not in cache:
        cache["timeline"] = pictures_timeline.timeline(engine().select, local)
    return cache["timeline"]
