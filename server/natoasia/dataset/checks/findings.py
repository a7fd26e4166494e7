"""The findings of validation: one record type shared by every check and every output format."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from natoasia import BASE
from natoasia.namespaces import qname

#: Terms of validation reports that SHACL lacks (which check, which source file).
REPORT = Namespace(BASE + "report#")

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"

#: The checks of ``natoasia validate``, in the order they run (``Finding.check`` values, plus syntax).
CHECKS = ("syntax", "closed-namespace", "undeclared-term", "dangling-reference", "shacl", "owl-rl", "quote")

#: GitHub Actions workflow command per severity.
GITHUB_COMMANDS = {VIOLATION: "error", WARNING: "warning", INFO: "notice"}


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
        return " ".join([f"{where}: {self.severity} [{self.check}]", *self._about()]) + f": {self.message}"

    def detail(self) -> str:
        """What is wrong, without where: ``focus path=… value=… shape=…: message``."""
        return ": ".join([" ".join(self._about()), self.message]) if self._about() else self.message

    def _about(self) -> list[str]:
        parts = []
        if self.focus:
            parts.append(short_term(self.focus))
        if self.path:
            parts.append(f"path={short_term(self.path)}")
        if self.value is not None:
            parts.append(f"value={short_term(self.value)}")
        if self.shape:
            parts.append(f"shape={short_term(self.shape)}")
        return parts


def short_term(term: str) -> str:
    """A term as a prefixed name where a project prefix fits, else as given."""
    return qname(term) if term.startswith("http") else term


def as_text(findings: list[Finding]) -> str:
    """Human-readable report, one finding a line, and a closing summary line."""
    return "\n".join([*(f.text() for f in findings), _summary(findings)]) + "\n"


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == VIOLATION for f in findings)
    warnings = sum(f.severity == WARNING for f in findings)
    return f"{'CONFORMS' if not errors else 'DOES NOT CONFORM'}: {errors} violation(s), {warnings} warning(s)"


def github_escape(text: str, property_value: bool = False) -> str:
    """Escape a workflow command's message, or (``property_value``) one of its property values."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def github_command(finding: Finding) -> str:
    """One GitHub Actions workflow command, ``::error file=…,line=…,title=…::message``, for a finding."""
    properties = {"file": finding.file, "line": finding.line, "title": f"natoasia {finding.check}"}
    listed = ",".join(f"{k}={github_escape(str(v), True)}" for k, v in properties.items() if v is not None)
    return f"::{GITHUB_COMMANDS.get(finding.severity, 'error')} {listed}::{github_escape(finding.detail())}"


def as_github(findings: list[Finding]) -> str:
    """GitHub Actions annotations: one workflow command per finding, then the summary line."""
    return "".join(github_command(f) + "\n" for f in findings) + f"natoasia validate: {_summary(findings)}\n"


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
