"""``natoasia validate``: every check on the sources, in order, as one list of findings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import BNode, Graph, URIRef

from natoasia.dataset.checks.findings import VIOLATION, Finding
from natoasia.dataset.checks.quotes import find_article, quote_findings
from natoasia.dataset.checks.shacl import report_findings, shacl_results
from natoasia.dataset.checks.vocabulary import (closed_namespace_findings, dangling_reference_findings,
                                                undeclared_term_findings)
from natoasia.dataset.reasoning.owlrl_closure import entailments
from natoasia.dataset.sources import Sources, load_sources


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
    """Run every check; raises :class:`~natoasia.dataset.sources.SourceError` if a file cannot be parsed.

    ``fast`` uses the SPARQL-compiled SHACL validator and OWL RL rules on pyoxigraph (same findings and
    entailments as pySHACL and owlrl, proven by tests) for graphs too large for those.
    """
    sources = sources or load_sources(root)
    findings = closed_namespace_findings(sources)
    findings += undeclared_term_findings(sources)
    findings += dangling_reference_findings(sources)
    asserted = sources.union("ontology", "graph")
    checked = asserted + sources.union("background")  # the shapes hold for the background too; entailments are the article's
    if fast:
        from natoasia.dataset.checks.shacl_sparql import validate_graph
        from natoasia.dataset.reasoning.rules_sparql import rule_closure

        findings += sorted((_placed(f, sources) for f in validate_graph(checked, sources.union("shapes"))),
                           key=lambda f: (f.file or "", f.focus or "", f.shape or "", f.value or ""))
        inferred, consistency = rule_closure(sources.union("ontology"), sources.union("graph"))
    else:
        findings += report_findings(shacl_results(checked, sources.union("shapes")), sources)
        inferred, consistency = entailments(asserted)
    findings += consistency
    findings += quote_findings(sources.union("graph"), find_article(article), sources)
    return Validation(sources=sources, findings=[_placed(f, sources) for f in findings], inferred=inferred)


def _placed(finding: Finding, sources: Sources) -> Finding:
    """``finding`` with the file and line it is about filled in where the checks left them out."""
    if finding.line is not None:
        return finding
    if finding.focus is not None:
        focus = URIRef(finding.focus) if finding.focus.startswith(("http:", "https:", "urn:")) else BNode(finding.focus)
        file, line = sources.locate(focus, URIRef(finding.path) if finding.path else None, finding.file)
        return replace(finding, file=finding.file or file, line=line)
    if finding.file is not None and finding.value is not None:
        return replace(finding, line=sources.line_of_use(finding.file, finding.value))
    return finding
