"""Checks that parsers miss: IRIs of closed vocabularies that do not exist, project terms used
but never declared, and instance IRIs referred to but never described."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DefinedNamespace

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.dataset.checks.findings import Finding
from natoasia.dataset.sources import Sources
from natoasia.namespaces import CLOSED_EXTRAS, CLOSED_NAMESPACES, qname


def _closed_lookup() -> list[tuple[str, type[DefinedNamespace]]]:
    return sorted(((str(ns), ns) for ns in CLOSED_NAMESPACES.values()), key=lambda p: -len(p[0]))


def _unknown_closed_term(iri: str, lookup) -> bool:
    for base, ns in lookup:
        if iri.startswith(base):
            local = iri[len(base):]
            return iri not in CLOSED_EXTRAS and (not local or local not in ns)
    return False


def line_of(path: Path, iri: str) -> int | None:
    """The first line of ``path`` that writes ``iri`` in full or as a prefixed name."""
    short = qname(iri)
    local = re.split(r"[#/]", iri)[-1]
    patterns = [re.escape(f"<{iri}>"), re.escape(short) + r"(?![\w-])"]
    if local:
        patterns.append(r":" + re.escape(local) + r"(?![\w-])")
    text = path.read_text(encoding="utf-8").splitlines()
    for pattern in patterns:
        for number, line in enumerate(text, 1):
            if re.search(pattern, line.split("#")[0] if not pattern.startswith("<") else line):
                return number
    return None


def closed_namespace_findings(sources: Sources) -> list[Finding]:
    """Every IRI in a closed vocabulary's namespace must be one of its terms."""
    lookup = _closed_lookup()
    unknown: dict[URIRef, bool] = {}  # each IRI judged once: a closed namespace's lookup is slow
    findings = []
    for kind, files in sources.files.items():
        for path, graph in files.items():
            seen = set()
            for triple in graph:
                for term in triple:
                    if term in seen or not isinstance(term, URIRef):
                        continue
                    if term not in unknown:
                        unknown[term] = _unknown_closed_term(str(term), lookup)
                    if unknown[term]:
                        seen.add(term)
                        findings.append(Finding(
                            check="closed-namespace", file=sources.relative(path), line=line_of(path, str(term)),
                            value=str(term), message=f"{qname(str(term))} is not a term of its vocabulary"))
    return findings


def declared_terms(ontology: Graph) -> set[str]:
    """Project terms (``nat:`` IRIs) that the ontology types as a class or property."""
    return {str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(ONTOLOGY_NS)}


def undeclared_term_findings(sources: Sources, ontology: Graph | None = None) -> list[Finding]:
    """Every ``nat:`` term used anywhere must be declared in ``ontology/`` (``ontology``: their union, if at hand)."""
    declared = declared_terms(ontology if ontology is not None else sources.union("ontology"))
    findings = []
    for kind, files in sources.files.items():
        for path, graph in files.items():
            used = {str(t) for triple in graph for t in triple
                    if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_NS)}
            for iri in sorted(used - declared):
                findings.append(Finding(
                    check="undeclared-term", file=sources.relative(path), line=line_of(path, iri), value=iri,
                    message=f"{qname(iri)} is used but not declared in ontology/"))
    return findings


def dangling_reference_findings(sources: Sources, graphs: dict[str, Graph] | None = None) -> list[Finding]:
    """Every instance IRI used as an object must be described (typed) somewhere.

    ``graphs`` is the union of each kind of source where the caller has it; the typed subjects are
    gathered from each, never from a union of all three.
    """
    kinds = ("ontology", "graph", "background")
    parts = [graphs[kind] for kind in kinds] if graphs else [sources.union(*kinds)]
    typed = {str(s) for part in parts for s in part.subjects(RDF.type, None)}
    findings = []
    for path, graph in {**sources.files["graph"], **sources.files["background"]}.items():
        for iri in sorted({str(o) for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(ID_NS)} - typed):
            findings.append(Finding(
                check="dangling-reference", file=sources.relative(path), line=line_of(path, iri), value=iri,
                message=f"{qname(iri)} is referred to but never described (no rdf:type anywhere in graph/)"))
    return findings
