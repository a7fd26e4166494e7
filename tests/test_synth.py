"""The synthetic data generator (natoasia.dataset.synth): seeded, shaped like the graph, valid against the shapes."""

from __future__ import annotations

from rdflib import Graph

from natoasia.dataset.checks.shacl import report_findings, shacl_results
from natoasia.dataset.reasoning.rules_sparql import rule_closure
from natoasia.dataset.synth import generate, write_file


def test_synthetic_sample_conforms_to_the_shapes(sources):
    data = generate(10_000, seed=1)
    assert len(data) >= 9_000
    asserted = data + sources.union("ontology")  # as natoasia.dataset.validate does: class hierarchy known
    findings = report_findings(shacl_results(asserted, sources.union("shapes")))
    assert [f.text() for f in findings] == []


def test_generation_is_seeded(tmp_path):
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    write_file(a, 2_000, seed=7)
    write_file(b, 2_000, seed=7)
    write_file(c, 2_000, seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert len(Graph().parse(a, format="nt")) >= 2_000


def test_synthetic_data_is_consistent_and_gets_entailments(sources):
    inferred, findings = rule_closure(sources.union("ontology"), generate(3_000, seed=3))
    assert findings == []
    assert len(inferred) > 1_000
