"""The findings of validation: one record type shared by every check and every output format."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from . import BASE
from .namespaces import qname

#: Terms of validation reports that SHACL lacks (which check, which source file).
REPORT = Namespace(BASE + "report#")

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, where, and what is wrong."""

    check: str
    message: str
    severity: str = VIOLATION
    file: str | None = None
    line: int | None = None
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    shape: str | None = None

    def text(self) -> str:
        """One line: ``file:line: [check] focus path=… value=…: message``."""
        where = self.file or "-"
        if self.line:
            where += f":{self.line}"
        parts = [f"{where}: {self.severity} [{self.check}]"]
        if self.focus:
            parts.append(_short(self.focus))
        if self.path:
            parts.append(f"path={_short(self.path)}")
        if self.value is not None:
            parts.append(f"value={_short(self.value)}")
        if self.shape:
            parts.append(f"shape={_short(self.shape)}")
        return " ".join(parts) + f": {self.message}"


def _short(term: str) -> str:
    return qname(term) if term.startswith("http") else term


def as_text(findings: list[Finding]) -> str:
    """Human-readable report, one finding a line, and a closing summary line."""
    lines = [f.text() for f in findings]
    errors = sum(f.severity == VIOLATION for f in findings)
    warnings = sum(f.severity == WARNING for f in findings)
    lines.append(f"{'CONFORMS' if not errors else 'DOES NOT CONFORM'}: {errors} violation(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding]) -> str:
    """Machine-readable report: ``{"conforms": bool, "results": [...]}``."""
    return json.dumps({
        "conforms": not any(f.severity == VIOLATION for f in findings),
        "results": [{k: v for k, v in asdict(f).items() if v is not None} for f in findings],
    }, indent=2, ensure_ascii=False) + "\n"


def as_turtle(findings: list[Finding]) -> str:
    """A SHACL validation report (``sh:ValidationReport``) in Turtle."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("report", REPORT)
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(f.severity == VIOLATION for f in findings))))
    for i, f in enumerate(findings):
        result = BNode(f"r{i}")
        g.add((report, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        g.add((result, SH.resultSeverity, SH[f.severity]))
        g.add((result, SH.resultMessage, Literal(f.message)))
        g.add((result, REPORT.check, Literal(f.check)))
        if f.focus:
            g.add((result, SH.focusNode, _term(f.focus)))
        if f.path:
            g.add((result, SH.resultPath, _term(f.path)))
        if f.value is not None:
            g.add((result, SH.value, Literal(f.value)))
        if f.shape:
            g.add((result, SH.sourceShape, _term(f.shape)))
        if f.file:
            g.add((result, REPORT.sourceFile, Literal(f.file + (f":{f.line}" if f.line else ""))))
    return g.serialize(format="turtle")


def _term(value: str):
    return URIRef(value) if value.startswith(("http:", "https:", "urn:", "file:")) else Literal(value)
