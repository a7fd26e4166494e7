"""``natoasia validate``: every check on the sources, in order, as one list of findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .article import find_article, quote_findings
from .findings import VIOLATION, Finding
from .reasoning import entailments
from .shacl import report_findings, shacl_results
from .sources import Sources, load_sources
from .vocabulary import closed_namespace_findings, dangling_reference_findings, undeclared_term_findings


@dataclass
class Validation:
    """The outcome of validating the sources: findings, and the entailments computed on the way."""

    sources: Sources
    findings: list[Finding]
    inferred: Graph

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation."""
        return not any(f.severity == VIOLATION for f in self.findings)


def validate(root: Path | None = None, article: str | Path | None = None, sources: Sources | None = None) -> Validation:
    """Run every check; raises :class:`~natoasia.sources.SourceError` if a file cannot be parsed."""
    sources = sources or load_sources(root)
    findings = closed_namespace_findings(sources)
    findings += undeclared_term_findings(sources)
    findings += dangling_reference_findings(sources)
    asserted = sources.union("ontology", "graph")
    findings += report_findings(shacl_results(asserted, sources.union("shapes")), sources)
    inferred, consistency = entailments(asserted)
    findings += consistency
    findings += quote_findings(sources.union("graph"), find_article(article), sources)
    return Validation(sources=sources, findings=findings, inferred=inferred)
