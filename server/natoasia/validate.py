"""``natoasia validate``: every check on the sources, in order, as one list of findings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph, URIRef

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


def validate(root: Path | None = None, article: str | Path | None = None, sources: Sources | None = None,
             fast: bool = False) -> Validation:
    """Run every check; raises :class:`~natoasia.sources.SourceError` if a file cannot be parsed.

    ``fast`` uses the SPARQL-compiled SHACL validator and OWL RL rules on pyoxigraph (same findings and
    entailments as pySHACL and owlrl, proven by tests) for graphs too large for those.
    """
    sources = sources or load_sources(root)
    findings = closed_namespace_findings(sources)
    findings += undeclared_term_findings(sources)
    findings += dangling_reference_findings(sources)
    asserted = sources.union("ontology", "graph")
    if fast:
        from .fastshacl import validate_graph
        from .rules import rule_closure

        findings += sorted((replace(f, file=", ".join(sources.files_with_subject(URIRef(f.focus))) or None)
                            for f in validate_graph(asserted, sources.union("shapes"))),
                           key=lambda f: (f.file or "", f.focus or "", f.shape or "", f.value or ""))
        inferred, consistency = rule_closure(sources.union("ontology"), sources.union("graph"))
    else:
        findings += report_findings(shacl_results(asserted, sources.union("shapes")), sources)
        inferred, consistency = entailments(asserted)
    findings += consistency
    findings += quote_findings(sources.union("graph"), find_article(article), sources)
    return Validation(sources=sources, findings=findings, inferred=inferred)
