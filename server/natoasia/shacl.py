"""SHACL validation with pySHACL, each result turned into a :class:`Finding` naming its source file."""

from __future__ import annotations

import pyshacl
from rdflib import RDF, Graph
from rdflib.namespace import SH

from .findings import Finding
from .sources import Sources


def shacl_results(data: Graph, shapes: Graph) -> Graph:
    """Validate ``data`` (ontology and facts together, so class hierarchy is known) against ``shapes``.

    Returns pySHACL's results graph.
    """
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return results


def report_findings(results: Graph, sources: Sources | None = None) -> list[Finding]:
    """Turn a SHACL results graph into findings, sorted by file, focus node and shape."""
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        severity = results.value(result, SH.resultSeverity)
        files = sources.files_with_subject(focus) if sources is not None and focus is not None else []
        findings.append(Finding(
            check="shacl",
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            file=", ".join(files) or None,
            focus=str(focus) if focus is not None else None,
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            shape=str(shape) if shape is not None else None,
            message=str(results.value(result, SH.resultMessage) or "SHACL constraint violated")))
    return sorted(findings, key=lambda f: (f.file or "", f.focus or "", f.shape or "", f.value or ""))
