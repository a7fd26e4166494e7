"""Linked-data pages: every project IRI answers (HTML or RDF by content negotiation), plus the home,
download, query and ontology pages, VoID, the dumps and the pictures."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_from_directory
from rdflib import Graph

from .. import __version__
from ..rdfio import canonical, serialize_triples, sorted_triples
from ..sources import data_root
from . import argument, browse, ontodoc, pictures, search
from .negotiation import choose
from .protocol import ProtocolError
from .views import Describer

bp = Blueprint("pages", __name__)
bp.register_blueprint(search.bp)
bp.register_blueprint(browse.bp)
bp.register_blueprint(argument.bp)
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
             "rdf": "application/rdf+xml"}
DOCUMENT_TYPES = ["text/html", *RDF_TYPES.values()]
EXTENSION_OF = {v: k for k, v in RDF_TYPES.items()} | {"text/html": "html"}


def engine():
    return current_app.extensions["natoasia"]


def public_base() -> str:
    return engine().settings.public_base


def local(iri: str) -> str:
    """The path on this server that answers for a project IRI; other IRIs are left as they are."""
    base = public_base()
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri


@bp.app_context_processor
def _helpers():
    return {"local": local, "public_base": public_base()}


def negotiated(extension: str | None) -> str | None:
    """The media type asked for by a file extension, else by the Accept header (HTML first)."""
    if extension:
        return "text/html" if extension == "html" else RDF_TYPES.get(extension)
    return choose(request.headers.get("Accept"), DOCUMENT_TYPES)


def alternates(path: str) -> str:
    return ", ".join(f'<{path}.{ext}>; rel="alternate"; type="{media}"' for ext, media in
                     [("html", "text/html"), *RDF_TYPES.items()])


@bp.route("/id/<path:rest>")
def resource(rest: str):
    """A project resource: its page or its RDF description, by content negotiation."""
    match = re.fullmatch(r"(.+?)\.(html|ttl|jsonld|nt|rdf)", rest)
    name, extension = (match.group(1), match.group(2)) if match else (rest, None)
    media_type = negotiated(extension)
    iri = public_base() + "id/" + name
    if media_type is None:
        return Response("406 Not Acceptable: this resource is available as text/html, text/turtle, "
                        "application/ld+json, application/n-triples and application/rdf+xml\n",
                        status=406, mimetype="text/plain")
    graph_type = "application/n-triples" if media_type == "text/html" else media_type
    try:
        outcome = engine().describe(iri, graph_type)
    except ProtocolError as exc:
        return Response(exc.message + "\n", status=exc.status, mimetype="text/plain")
    if outcome.status == 404:
        return not_found(iri)
    if media_type == "text/html":
        triples = list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES))
        page = Describer(triples, local).page(iri)
        query = f"DESCRIBE <{iri}>"
        response = Response(render_template("resource.html", page=page, query=query, path="/id/" + name))
    else:
        response = Response(outcome.body, content_type=media_type)
    response.headers["Content-Location"] = f"/id/{name}.{EXTENSION_OF[media_type]}"
    response.headers["Link"] = alternates("/id/" + name)
    response.vary.add("Accept")
    return response


def not_found(iri: str) -> Response:
    """A helpful 404: what was asked, and where to look instead."""
    if choose(request.headers.get("Accept"), ["text/html", "text/plain"]) == "text/html":
        return Response(render_template("notfound.html", iri=iri), status=404, mimetype="text/html")
    return Response(f"404 Not Found: the graph says nothing about <{iri}>; see /query or /downloads\n",
                    status=404, mimetype="text/plain")


@bp.app_errorhandler(404)
def _not_found(_exc):
    return not_found(request.base_url)


@lru_cache(maxsize=1)
def _ontology_graph(root: str) -> Graph:
    graph = Graph()
    for path in sorted((Path(root) / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=2)
def _ontology_diagram(root: str) -> tuple[str, list]:
    """The class diagram of the ontology (laid out once: the ontology never changes while served)."""
    from .pictures import ontology_diagram

    return ontology_diagram(_ontology_graph(root))


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


@bp.route("/")
def home():
    """What the graph is, its source, licence and counts, and where to start."""
    import json

    manifest = json.loads((engine().settings.dataset / "manifest.json").read_text(encoding="utf-8"))
    groups: dict[str, list] = {}
    for row in engine().select(ENTRY_QUERY):
        groups.setdefault(row["kind"], []).append(row)
    return render_template("home.html", manifest=manifest, groups=groups, questions=competency_questions(),
                           graphs=engine().graphs)


@bp.route("/downloads")
def downloads():
    """Every dump with format, size, triple count, SHA-256 and licence."""
    import json

    manifest = json.loads((engine().settings.dataset / "manifest.json").read_text(encoding="utf-8"))
    return render_template("downloads.html", files=manifest["files"])


@bp.route("/dumps/<name>")
def dump(name: str):
    """A dump file of the built dataset."""
    if name not in _dump_names():
        abort(404)
    return send_from_directory(engine().settings.dataset.resolve(), name, max_age=300)


def _dump_names() -> set[str]:
    from ..build import DUMPS, VOID_FILE

    return {name for name, *_ in DUMPS} | {VOID_FILE}


@bp.route("/dataset")
def dataset():
    """The dataset's IRI: see its VoID description."""
    return redirect("/.well-known/void", code=303)


@bp.route("/graph/<name>")
def named_graph(name: str):
    """A named graph of the dataset (ontology, facts, entailments, loaded files), as Turtle."""
    iri = public_base() + "graph/" + name
    if iri not in engine().graphs:
        return not_found(iri)
    from .protocol import QueryRequest

    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    outcome = engine().evaluate(QueryRequest(query, [], [], None, "text/turtle", None), internal=True)
    return Response(outcome.body, status=outcome.status, content_type=outcome.media_type)


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
        from ..namespaces import PREFIXES

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
    frameworks = sorted((local(iri), label) for iri, (label, kind) in nodes.items() if kind == "framework")
    return render_template("pictures.html", network=_network_svg(), timeline=_timeline_svg(),
                           edge_styles=pictures.EDGE_STYLES, node_kinds=list(pictures.KIND_COLOURS),
                           frameworks=sorted(frameworks, key=lambda f: f[1]))


@bp.route("/pictures/network.svg")
def network():
    return Response(_network_svg(), mimetype="image/svg+xml")


@bp.route("/pictures/timeline.svg")
def timeline():
    return Response(_timeline_svg(), mimetype="image/svg+xml")


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


def _timeline_svg() -> str:
    cache = current_app.extensions.setdefault("natoasia.pictures", {})
    if "timeline" not in cache:
        cache["timeline"] = pictures.timeline_svg(engine().select(pictures.TIMELINE_QUERY), local)
    return cache["timeline"]
