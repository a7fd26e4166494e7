"""Checks parsers miss: closed vocabularies, undeclared project terms, dangling references."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from natoasia.dataset.sources import Sources, parse_turtle
from natoasia.dataset.checks.vocabulary import (closed_namespace_findings, dangling_reference_findings,
                                                undeclared_term_findings)

PREFIXES = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix nat: <https://w3id.org/natoasia/ontology#> .
@prefix country: <https://w3id.org/natoasia/id/country/> .
"""


def _sources_with(tmp_path: Path, sources: Sources, kind: str, text: str) -> tuple[Sources, Path]:
    path = tmp_path / "fixture.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    files = {k: dict(v) for k, v in sources.files.items()}
    files[kind][path] = parse_turtle(path)
    return Sources(root=tmp_path, files=files), path


def test_closed_namespace_rejects_misspelt_rdfs_term(tmp_path, sources):
    fixture, _ = _sources_with(tmp_path, sources, "ontology", "\nnat:X rdfs:subClasOf nat:Actor .\n")
    found = [f for f in closed_namespace_findings(fixture) if f.file == "fixture.ttl"]
    assert [(f.value, f.line) for f in found] == [("http://www.w3.org/2000/01/rdf-schema#subClasOf", 6)]


def test_closed_namespace_rejects_sh_message_with_stray_colon(tmp_path, sources):
    fixture, _ = _sources_with(tmp_path, sources, "shapes", '\nnat:S sh:message: "x" .\n')
    found = [f for f in closed_namespace_findings(fixture) if f.file == "fixture.ttl"]
    assert [f.value for f in found] == ["http://www.w3.org/ns/shacl#message:"]


def test_closed_namespace_accepts_the_sources(sources):
    assert closed_namespace_findings(sources) == []


def test_project_term_used_but_not_declared(tmp_path, sources):
    fixture, _ = _sources_with(tmp_path, sources, "graph", "\ncountry:japan nat:bordersOn country:china .\n")
    found = [f for f in undeclared_term_findings(fixture) if f.file == "fixture.ttl"]
    assert [f.value for f in found] == ["https://w3id.org/natoasia/ontology#bordersOn"]
    assert found[0].line == 6


def test_dangling_reference_is_reported(tmp_path, sources):
    fixture, _ = _sources_with(tmp_path, sources, "graph", "\ncountry:japan nat:locatedIn country:atlantis .\n")
    found = [f for f in dangling_reference_findings(fixture) if f.file == "fixture.ttl"]
    assert [f.value for f in found] == ["https://w3id.org/natoasia/id/country/atlantis"]


def test_sources_declare_every_term_and_reference(sources):
    assert undeclared_term_findings(sources) == []
    assert dangling_reference_findings(sources) == []
