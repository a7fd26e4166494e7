"""SHACL validation with pySHACL, each result turned into a :class:`Finding` naming its source file."""

from __future__ import annotations

import pyshacl
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from natoasia.dataset.checks.findings import Finding
from natoasia.dataset.sources import Sources


def shacl_results(data: Graph, shapes: Graph) -> Graph:
    """Validate ``data`` (ontology and facts together, so class hierarchy is known) against ``shapes``.

    Returns pySHACL's results graph.
    """
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return results


def report_findings(results: Graph, sources: Sources | None = None) -> list[Finding]:
    """Turn a SHACL results graph into findings, sorted by file, focus node and shape.

    With ``sources``, each finding names the file and line where its focus node is described.
    """
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        severity = results.value(result, SH.resultSeverity)
        file, line = sources.locate(focus, path) if sources is not None and focus is not None else (None, None)
        findings.append(Finding(
            check="shacl",
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            file=file,
            line=line,
            focus=str(focus) if focus is not None else None,
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            shape=str(shape) if shape is not None else None,
            message=str(results.value(result, SH.resultMessage) or "SHACL constraint violated")))
    return sorted(findings, key=lambda f: (f.file or "", f.focus or "", f.shape or "", f.value or ""))


def declared_shapes(shapes: Graph) -> list[str]:
    """Every named shape of a shapes graph: typed node and property shapes, shapes referred to by
    ``sh:property`` / ``sh:node``, and untyped ones recognised by a target or a path."""
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    named |= set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.node))
    for marker in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        named |= set(shapes.subjects(marker, None))
    return sorted(str(shape) for shape in named if isinstance(shape, URIRef))
