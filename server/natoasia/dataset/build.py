"""``natoasia build``: the dataset as named graphs and dumps, with a VoID description."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from natoasia import (BACKGROUND_GRAPH, BASE, DATASET_IRI, ENTAILMENTS_GRAPH, FACTS_GRAPH, ID_NS, ONTOLOGY_GRAPH,
                      __version__)
from natoasia.dataset.aif import write_aif
from natoasia.dataset.files import DUMPS, MANIFEST, SEARCH_INDEX, VOID_FILE
from natoasia.dataset.forked import Forked, overlapped_cpu
from natoasia.dataset.search_index import write_index
from natoasia.dataset.sources import SourceError, Sources, list_sources, load_sources
from natoasia.namespaces import PREFIXES
from natoasia.rdfio import (_sort_key, canonical, serialize_quads, serialize_triples, sorted_triples, to_ox,
                           used_prefixes)

SPDX = Namespace("http://spdx.org/rdf/terms#")
DUMPS_BASE = BASE + "dumps/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
log = logging.getLogger("natoasia.dataset.build")



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


def assemble(sources: Sources, inferred: Graph, graphs: dict[str, Graph] | None = None) -> Dataset:
    """Ontology, asserted facts, entailments and (if any) background knowledge as named graphs.

    Blank nodes are canonically labelled. The background graph holds only ``background/``: knowledge
    the article takes for granted never enters the facts graph, nor the article's entailments.
    ``graphs`` holds the union of each kind of source where the caller already has it (``validate`` does).
    """
    graphs = graphs or {}

    def union(kind: str) -> Graph:
        return graphs[kind] if kind in graphs else sources.union(kind)

    named = {
        ONTOLOGY_GRAPH: canonical(union("ontology")),
        FACTS_GRAPH: canonical(union("graph")),
        ENTAILMENTS_GRAPH: canonical(inferred),
    }
    background = union("background")
    if len(background):
        named[BACKGROUND_GRAPH] = canonical(background)
    return Dataset(graphs=named)


def _keyed(graph: Graph, terms: dict | None = None) -> dict:
    """The graph's triples as pyoxigraph triples, keyed by :func:`~natoasia.rdfio.sorted_triples`' order.

    ``terms`` keeps each IRI's and blank node's key and pyoxigraph term, computed once for all the graphs (not
    a literal's: rdflib finds ``"a"@EN`` equal to ``"a"@en``, which are two keys).
    """
    terms = {} if terms is None else terms
    keyed = {}
    for triple in graph:
        converted = []
        for term in triple:
            found = terms.get(term) if not isinstance(term, Literal) else None
            if found is None:
                found = (_sort_key(term), to_ox(term))
                if not isinstance(term, Literal):
                    terms[term] = found
            converted.append(found)
        keyed[tuple(key for key, _ in converted)] = ox.Triple(*(node for _, node in converted))
    return keyed


def write_dataset(dataset: Dataset, out: Path, source_digest: str) -> dict:
    """Write every dump, ``void.ttl``, the search index and ``manifest.json`` into ``out``; return the manifest.

    Each graph's triples are converted and ordered once; the union (each statement once, in the same
    order as :func:`~natoasia.rdfio.sorted_triples` of the union graph) is merged from them. The search
    index is written by a forked child while this process writes the dumps. The manifest, which says
    that ``out`` holds a build (:func:`is_current`), is removed first and written last, and every file is
    written under a temporary name and renamed: a build interrupted midway is never taken for one.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    terms: dict = {}
    keyed = {name: _keyed(graph, terms) for name, graph in dataset.graphs.items()}
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name in sorted(keyed) for _key, t in sorted(keyed[name].items())]
    merged = {key: t for triples in keyed.values() for key, t in triples.items()}
    triples = [merged[key] for key in sorted(merged)]
    prefixes = used_prefixes(triples)  # the quads' triples are the union's: the same prefixes
    files = {}
    with Forked(write_index, out / SEARCH_INDEX, triples) as index:  # renames its file into place itself
        for name, fmt, media_type, named in DUMPS:
            data = serialize_quads(quads, fmt, prefixes) if named else serialize_triples(triples, fmt, prefixes)
            _write(out / name, data)
            files[name] = {"media_type": media_type, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                           "triples": len(quads) if named else len(triples)}
        void = void_description(dataset, triples, files)
        files.update(write_aif(out, triples, void))
        _write(out / VOID_FILE, serialize_triples(sorted_triples(void), ox.RdfFormat.TURTLE))
        index.result()
    manifest = {"version": __version__, "sources": source_digest, "files": files,
                "graphs": {name: len(g) for name, g in sorted(dataset.graphs.items())}}
    _write(out / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return manifest


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` under a temporary name, then rename it to ``path``: readers see all of it or none."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def void_description(dataset: Dataset, union: list, files: dict) -> Graph:
    """A VoID description of the dataset, its named graphs and its dumps with their SHA-256.

    ``union`` is the union's triples, each once (pyoxigraph triples, as :func:`write_dataset` has them).
    """
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


_RDF_TYPE = ox.NamedNode(str(RDF.type))


def _counts(g: Graph, ds: URIRef, union: list) -> None:
    subjects = {t.subject for t in union}
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(ID_NS) and "#" not in s.value}
    classes = {t.object for t in union if t.predicate == _RDF_TYPE}
    g.add((ds, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len({t.predicate for t in union}), datatype=XSD.integer)))


def _vocabularies(union: list) -> set[str]:
    used = {t.predicate.value for t in union} | {t.object.value for t in union if t.predicate == _RDF_TYPE}
    return {ns for prefix, ns in PREFIXES.items() if not ns.startswith(ID_NS) and any(i.startswith(ns) for i in used)}


def build(out: Path, sources: Sources | None = None, inferred: Graph | None = None,
          graphs: dict[str, Graph] | None = None) -> dict:
    """Build the dataset from the sources into ``out`` (computing the entailments if not given).

    ``graphs`` is the union of each kind of source where the caller has it (:class:`Validation.graphs`).
    """
    from natoasia.dataset.reasoning.owlrl_closure import entailments

    sources = sources or load_sources()
    if inferred is None:
        inferred, _ = entailments(sources.union("ontology", "graph"))
    return write_dataset(assemble(sources, inferred, graphs), out, sources.digest())


def is_current(out: Path, sources: Sources) -> bool:
    """Whether ``out`` holds a build of exactly these sources."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("sources") == sources.digest() and all((out / f).is_file() for f in manifest.get("files", {}))
            and (out / SEARCH_INDEX).is_file())


DEFAULT_BUILD_DIR = Path("build") / "dataset"
#: Set to ``reference`` to make :func:`ensure_built` validate and reason with pySHACL and owlrl, as
#: ``natoasia validate`` and ``natoasia build`` do (``bench/first_start_bench.py`` compares the two starts).
ENGINES_VARIABLE = "NATOASIA_ENGINES"


def first_start_engines() -> bool:
    """Whether :func:`ensure_built` uses the fast engines: yes, unless ``NATOASIA_ENGINES=reference``.

    Both pairs give the same findings and the same bytes (``tests/test_shacl_agreement.py``,
    ``tests/test_rules.py``, ``tests/test_cli.py``); the fast pair takes a fraction of the time.
    """
    value = os.environ.get(ENGINES_VARIABLE, "fast").strip().lower()
    if value not in ("fast", "reference"):
        raise SourceError(ENGINES_VARIABLE, f"is {value!r}: say fast or reference")
    return value == "fast"


def ensure_built(out: Path = DEFAULT_BUILD_DIR) -> Path:
    """Validate and build the dataset into ``out`` unless it already holds a build of the current sources.

    The first start of ``natoasia serve`` or ``natoasia query`` on a fresh clone comes here: it validates
    with the fast engines (:func:`first_start_engines`), which find what the reference engines find, and
    builds once. Raises :class:`~natoasia.dataset.sources.SourceError` when the sources do not conform:
    nothing is built or served from a graph that fails validation.
    """
    from natoasia.dataset.checks.shacl_sparql import UnsupportedShape
    from natoasia.dataset.validate import validate

    if is_current(out, list_sources()):  # the digest is over the files' bytes: nothing to parse
        return out
    started, overlapped = time.process_time(), overlapped_cpu()
    fast = first_start_engines()
    sources = load_sources(fast=fast)  # the reference start reads the sources as `validate` does
    if not is_current(out, sources):
        try:
            result = validate(sources=sources, fast=fast, parallel=True)
        except UnsupportedShape:  # a shape the fast engine cannot run (a fork's): pySHACL can
            result = validate(sources=sources, fast=False, parallel=True)
        if not result.conforms:
            violations = sum(f.severity == "Violation" for f in result.findings)
            raise SourceError(sources.root, f"the sources do not conform ({violations} violation(s)); "
                                            "nothing was built — run `natoasia validate` to see them")
        build(out, sources=sources, inferred=result.inferred, graphs=result.graphs)
        # Read by bench/first_start_bench.py: the CPU seconds the start spent here, and how many of them
        # ran beside others (two cores take those off the critical path).
        log.info("validated and built %s in %.2f CPU s (this process), %.2f CPU s of it beside a forked child",
                 out, time.process_time() - started, overlapped_cpu() - overlapped)
    return out
