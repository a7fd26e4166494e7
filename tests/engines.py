"""The SHACL engines that the shape tests run side by side, each giving the same kind of answer.

``pyshacl`` is the reference (``natoasia validate``); ``sparql`` is our engine compiled to SPARQL on
pyoxigraph (``natoasia validate --fast`` and the first start of ``natoasia serve``). Each takes a data
graph and a shapes graph and returns the validation results as a multiset of
(focus node, path, value, source shape, severity), all as text, so that two engines agree exactly when
their answers are equal.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph

from natoasia.dataset.checks.shacl import report_findings, shacl_results
from natoasia.dataset.checks.shacl_sparql import compile_shapes, validate_graph

Result = tuple  # (focus, path, value, shape, severity)


def _results(findings) -> Counter:
    return Counter((f.focus, f.path, f.value, f.shape, f.severity) for f in findings)


def pyshacl_results(data: Graph, shapes: Graph) -> Counter:
    """pySHACL's validation results."""
    return _results(report_findings(shacl_results(data, shapes)))


class _Compiled:
    """The compiled shapes of the last shapes graph seen: one compilation per shapes graph (per mutant of
    ``tools/mutate_shapes.py``), however many data graphs are validated against it."""

    shapes: Graph | None = None
    compiled: list | None = None

    @classmethod
    def of(cls, shapes: Graph) -> list:
        if cls.shapes is not shapes:
            cls.shapes, cls.compiled = shapes, compile_shapes(shapes)
        return cls.compiled


def sparql_results(data: Graph, shapes: Graph) -> Counter:
    """Our SPARQL-compiled engine's validation results."""
    return _results(validate_graph(data, shapes, compiled=_Compiled.of(shapes)))


ENGINES = {"pyshacl": pyshacl_results, "sparql": sparql_results}


def pyrudof_results(data: Graph, shapes: Graph) -> Counter:
    """pyrudof's results (its SPARQL mode), where it is installed: a third opinion, from another code base.

    Its ``sh:value`` is written in several ways (a lexical form, ``"x"@en``, ``"5"^^xsd:integer``), so only
    focus node, path, source shape and severity are compared with it (value ``None``). Skips the calling
    test when pyrudof is absent.
    """
    import pytest

    pyrudof = pytest.importorskip("pyrudof")
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes.serialize(format="turtle"))
    report = rudof.validate_shacl(mode=pyrudof.ShaclValidationMode.Sparql)
    return Counter((r.focus_node, r.path, None, r.source_shape, r.severity) for r in report)


def by_focus_and_shape(results: Counter) -> dict:
    """{(focus, shape): {severities}} of a multiset of results."""
    reported: dict = {}
    for focus, _path, _value, shape, severity in results:
        reported.setdefault((focus, shape), set()).add(severity)
    return reported


def difference(reference: Counter, other: Counter) -> list[str]:
    """The results one engine reports and the other does not (with their multiplicity), as lines."""
    lines = [f"only the reference: {r} ×{n}" for r, n in sorted((reference - other).items(), key=str)]
    return lines + [f"only the other: {r} ×{n}" for r, n in sorted((other - reference).items(), key=str)]
