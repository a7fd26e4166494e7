"""``natoasia build``: the dataset as named graphs and dumps, with a VoID description."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from natoasia import (BACKGROUND_GRAPH, BASE, DATASET_IRI, ENTAILMENTS_GRAPH, FACTS_GRAPH, ID_NS, ONTOLOGY_GRAPH,
                      __version__)
from natoasia.dataset.files import DUMPS, MANIFEST, SEARCH_INDEX, VOID_FILE
from natoasia.dataset.search_index import write_index
from natoasia.dataset.sources import SourceError, Sources, list_sources, load_sources
from natoasia.namespaces import PREFIXES
from natoasia.rdfio import canonical, serialize_quads, serialize_triples, sorted_triples

SPDX = Namespace("http://spdx.org/rdf/terms#")
DUMPS_BASE = BASE + "dumps/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")



@dataclass
class Dataset:
    """The named graphs of the dataset."""

    graphs: dict[str, Graph]

    def union(self) -> Graph:
        """All statements of all graphs, once each."""
        merged = Graph()
        for graph in self.graphs.values():
            merged += graph
        return merged


def assemble(sources: Sources, inferred: Graph) -> Dataset:
    """Ontology, asserted facts, entailments and (if any) background knowledge as named graphs.

    Blank nodes are canonically labelled. The background graph holds only ``background/``: knowledge
    the article takes for granted never enters the facts graph, nor the article's entailments.
    """
    graphs = {
        ONTOLOGY_GRAPH: canonical(sources.union("ontology")),
        FACTS_GRAPH: canonical(sources.union("graph")),
        ENTAILMENTS_GRAPH: canonical(inferred),
    }
    background = sources.union("background")
    if len(background):
        graphs[BACKGROUND_GRAPH] = canonical(background)
    return Dataset(graphs=graphs)


def write_dataset(dataset: Dataset, out: Path, source_digest: str) -> dict:
    """Write every dump, ``void.ttl`` and ``manifest.json`` into ``out``; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name in sorted(dataset.graphs) for t in sorted_triples(dataset.graphs[name])]
    union = dataset.union()
    triples = sorted_triples(union)
    files = {}
    for name, fmt, media_type, named in DUMPS:
        data = serialize_quads(quads, fmt) if named else serialize_triples(triples, fmt)
        (out / name).write_bytes(data)
        files[name] = {"media_type": media_type, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                       "triples": len(quads) if named else len(triples)}
    void = void_description(dataset, union, files)
    (out / VOID_FILE).write_bytes(serialize_triples(sorted_triples(void), ox.RdfFormat.TURTLE))
    write_index(out / SEARCH_INDEX, triples)
    manifest = {"version": __version__, "sources": source_digest, "files": files,
                "graphs": {name: len(g) for name, g in sorted(dataset.graphs.items())}}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def void_description(dataset: Dataset, union: Graph, files: dict) -> Graph:
    """A VoID description of the dataset, its named graphs and its dumps with their SHA-256."""
    g = Graph()
    ds = URIRef(DATASET_IRI)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("NATO and Asia knowledge graph", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        'Every fact stated in the article "NATO and Asia" by Carlo Masala, each citing its sentence.', lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.source, URIRef(ID_NS + "document/nato-and-asia")))
    g.add((ds, VOID.uriSpace, Literal(ID_NS)))
    g.add((ds, VOID.rootResource, URIRef(ID_NS + "organisation/nato")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    _counts(g, ds, union)
    for vocabulary in sorted(_vocabularies(union)):
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for name, graph in sorted(dataset.graphs.items()):
        subset = URIRef(name)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        for p in (RDFS.label, DCTERMS.title, DCTERMS.description, DCTERMS.source, DCTERMS.license):
            for o in graph.objects(subset, p):  # a graph that describes itself (the background) says so in VoID
                g.add((subset, p, o))
    for name, info in sorted(files.items()):
        dump = URIRef(DUMPS_BASE + name)
        checksum = URIRef(DUMPS_BASE + name + "#sha256")
        g.add((ds, VOID.dataDump, dump))
        g.add((dump, DCTERMS.format, Literal(info["media_type"])))
        g.add((dump, DCTERMS.extent, Literal(f"{info['bytes']} bytes")))
        g.add((dump, VOID.triples, Literal(info["triples"], datatype=XSD.integer)))
        g.add((dump, DCTERMS.license, LICENSE))
        g.add((dump, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(info["sha256"], datatype=XSD.hexBinary)))
    return g


def _counts(g: Graph, ds: URIRef, union: Graph) -> None:
    entities = {s for s in union.subjects() if isinstance(s, URIRef) and str(s).startswith(ID_NS) and "#" not in str(s)}
    classes = set(union.objects(None, RDF.type))
    g.add((ds, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(len(set(union.subjects())), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(set(union.predicates())), datatype=XSD.integer)))


def _vocabularies(union: Graph) -> set[str]:
    used = {str(p) for p in union.predicates()} | {str(o) for o in union.objects(None, RDF.type)}
    return {ns for prefix, ns in PREFIXES.items() if not ns.startswith(ID_NS) and any(i.startswith(ns) for i in used)}


def build(out: Path, sources: Sources | None = None, inferred: Graph | None = None) -> dict:
    """Build the dataset from the sources into ``out`` (computing the entailments if not given)."""
    from natoasia.dataset.reasoning.owlrl_closure import entailments

    sources = sources or load_sources()
    if inferred is None:
        inferred, _ = entailments(sources.union("ontology", "graph"))
    return write_dataset(assemble(sources, inferred), out, sources.digest())


def is_current(out: Path, sources: Sources) -> bool:
    """Whether ``out`` holds a build of exactly these sources."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("sources") == sources.digest() and all((out / f).is_file() for f in manifest.get("files", {}))
            and (out / SEARCH_INDEX).is_file())


DEFAULT_BUILD_DIR = Path("build") / "dataset"


def ensure_built(out: Path = DEFAULT_BUILD_DIR) -> Path:
    """Validate and build the dataset into ``out`` unless it already holds a build of the current sources.

    Raises :class:`~natoasia.dataset.sources.SourceError` when the sources do not conform: nothing is built or
    served from a graph that fails validation.
    """
    from natoasia.dataset.validate import validate

    if is_current(out, list_sources()):  # the digest is over the files' bytes: nothing to parse
        return out
    sources = load_sources()
    if not is_current(out, sources):
        result = validate(sources=sources)
        if not result.conforms:
            violations = sum(f.severity == "Violation" for f in result.findings)
            raise SourceError(sources.root, f"the sources do not conform ({violations} violation(s)); "
                                            "nothing was built — run `natoasia validate` to see them")
        build(out, sources=sources, inferred=result.inferred)
    return out
