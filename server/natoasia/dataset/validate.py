"""``natoasia validate``: every check on the sources, in order, as one list of findings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import BNode, Graph, URIRef

from natoasia.dataset.checks.findings import VIOLATION, Finding
from natoasia.dataset.checks.quotes import find_article, quote_findings
from natoasia.dataset.forked import Forked
from natoasia.dataset.checks.vocabulary import (closed_namespace_findings, dangling_reference_findings,
                                                undeclared_term_findings)
from natoasia.dataset.sources import Sources, load_sources


@dataclass
class Validation:
    """The outcome of validating the sources: findings, and the entailments computed on the way."""

    sources: Sources
    findings: list[Finding]
    inferred: Graph
    #: The union of each kind of source (``ontology``, ``graph``, ``background``, ``shapes``), for the build.
    graphs: dict[str, Graph] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation."""
        return not any(f.severity == VIOLATION for f in self.findings)


def validate(root: Path | None = None, article: str | Path | None = None, sources: Sources | None = None,
             fast: bool = False, parallel: bool = False) -> Validation:
    """Run every check; raises :class:`~natoasia.dataset.sources.SourceError` if a file cannot be parsed.

    ``fast`` uses the SPARQL-compiled SHACL validator and OWL RL rules on pyoxigraph (same findings and
    entailments as pySHACL and owlrl, proven by tests) for graphs too large for those; where the ontology
    uses an axiom the rules do not implement, owlrl reasons instead. ``parallel`` runs the checks in a
    forked child while this process reasons (the first start's two cores); the findings are the same.
    """
    sources = sources or load_sources(root)
    graphs = sources.kind_unions()  # each once: unions cost more than checks
    with Forked(_checks, graphs, sources, find_article(article), fast, fork=parallel) as checks:
        inferred, consistency = (_fast_reasoning if fast else _reference_reasoning)(graphs)
        vocabulary, shacl, quotes = checks.result()
    findings = vocabulary + shacl + consistency + quotes
    return Validation(sources=sources, findings=[_placed(f, sources) for f in findings], inferred=inferred,
                      graphs=graphs)


def _checks(graphs: dict[str, Graph], sources: Sources, article: Path | None, fast: bool) -> tuple[list, list, list]:
    """The findings that need no reasoning: vocabularies, SHACL, quotes (each placed at its file and line)."""
    vocabulary = closed_namespace_findings(sources)
    vocabulary += undeclared_term_findings(sources, graphs["ontology"])
    vocabulary += dangling_reference_findings(sources, graphs)
    shacl = (_fast_shacl if fast else _reference_shacl)(graphs, sources)
    quotes = quote_findings(graphs["graph"], article, sources)
    return [[_placed(f, sources) for f in part] for part in (vocabulary, shacl, quotes)]


def entailments(asserted: Graph) -> tuple[Graph, list[Finding]]:
    """owlrl's entailments and consistency findings (imported here: the fast path never loads owlrl)."""
    from natoasia.dataset.reasoning.owlrl_closure import entailments as owlrl_entailments

    return owlrl_entailments(asserted)


def shacl_findings(checked: Graph, shapes: Graph, sources: Sources) -> list[Finding]:
    """pySHACL's findings (imported here: pySHACL and rdflib's SPARQL engine take 0.2 s to import)."""
    from natoasia.dataset.checks.shacl import report_findings, shacl_results

    return report_findings(shacl_results(checked, shapes), sources)


def _reference_shacl(graphs: dict[str, Graph], sources: Sources) -> list[Finding]:
    """pySHACL's findings: the shapes hold for the background too."""
    return shacl_findings(graphs["ontology"] + graphs["graph"] + graphs["background"], graphs["shapes"], sources)


def _reference_reasoning(graphs: dict[str, Graph]) -> tuple[Graph, list[Finding]]:
    """owlrl's entailments and consistency findings: the entailments are the article's, never the background's."""
    return entailments(graphs["ontology"] + graphs["graph"])


def _fast_shacl(graphs: dict[str, Graph], sources: Sources) -> list[Finding]:
    """The SPARQL-compiled SHACL engine's findings."""
    from natoasia.dataset.checks.shacl_sparql import validate_graphs

    checked = [graphs[kind] for kind in ("ontology", "graph", "background")]
    return sorted((_placed(f, sources) for f in validate_graphs(checked, graphs["shapes"])),
                  key=lambda f: (f.file or "", f.focus or "", f.shape or "", f.value or ""))


def _fast_reasoning(graphs: dict[str, Graph]) -> tuple[Graph, list[Finding]]:
    """The OWL RL rules' entailments and consistency findings (owlrl's where the rules cannot reason)."""
    from natoasia.dataset.reasoning.rules_sparql import compile_rules, rule_closure

    rules = compile_rules(graphs["ontology"])
    if rules.unsupported:
        return entailments(graphs["ontology"] + graphs["graph"])
    return rule_closure(graphs["ontology"], graphs["graph"], rules=rules)


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
