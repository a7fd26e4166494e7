"""The first start (``natoasia serve`` or ``query`` on a fresh clone) validates with the fast engines and
builds once; ``NATOASIA_ENGINES=reference`` makes it use pySHACL and owlrl, as ``validate`` and ``build`` do.

The validation and the build are replaced by recorders here: which engines ran, and whether anything was
built. That the two pairs of engines find the same and build the same bytes is proven elsewhere
(``test_shacl_agreement.py``, ``test_shape_boundaries.py``, ``test_rules.py``, ``test_cli.py``).
"""

from __future__ import annotations

import json

import pytest

from natoasia.dataset import build as build_module
from natoasia.dataset import validate as validate_module
from natoasia.dataset.checks.findings import Finding
from natoasia.dataset.checks.shacl_sparql import UnsupportedShape
from natoasia.dataset.sources import SourceError


class FakeSources:
    root = "sources"

    def digest(self) -> str:
        return "digest-now"


class Recorder:
    """Stands in for ``validate`` and ``build``: records the engines asked for, builds a manifest."""

    def __init__(self, findings=(), unsupported=False):
        self.engines, self.built, self.findings, self.unsupported = [], [], list(findings), unsupported

    def validate(self, sources, fast, parallel=False):
        self.engines.append("fast" if fast else "reference")
        self.parallel = parallel
        if fast and self.unsupported:
            raise UnsupportedShape(["a shape the fast engine cannot run"])
        return validate_module.Validation(sources=sources, findings=self.findings, inferred=None,
                                          graphs={"ontology": "the ontology"})

    def build(self, out, sources, inferred, graphs):
        self.built.append(graphs)
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifest.json").write_text(json.dumps({"sources": sources.digest(), "files": {}}))
        (out / "search.sqlite").write_text("")


@pytest.fixture
def recorder(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(build_module, "list_sources", lambda: FakeSources())
    monkeypatch.setattr(build_module, "load_sources", lambda fast=False: FakeSources())
    monkeypatch.setattr(validate_module, "validate", recorder.validate)
    monkeypatch.setattr(build_module, "build", recorder.build)
    monkeypatch.delenv(build_module.ENGINES_VARIABLE, raising=False)
    return recorder


def test_a_fresh_clone_is_validated_with_the_fast_engines_and_built_once(recorder, tmp_path):
    out = tmp_path / "dataset"
    assert build_module.ensure_built(out) == out
    assert recorder.engines == ["fast"]
    assert recorder.built == [{"ontology": "the ontology"}]  # the validation's unions, not parsed again
    assert build_module.ensure_built(out) == out
    assert recorder.engines == ["fast"] and len(recorder.built) == 1


def test_reference_engines_on_request(recorder, tmp_path, monkeypatch):
    monkeypatch.setenv(build_module.ENGINES_VARIABLE, " Reference ")
    build_module.ensure_built(tmp_path / "dataset")
    assert recorder.engines == ["reference"]


def test_fast_engines_when_asked_by_name(recorder, tmp_path, monkeypatch):
    monkeypatch.setenv(build_module.ENGINES_VARIABLE, "fast")
    build_module.ensure_built(tmp_path / "dataset")
    assert recorder.engines == ["fast"]


def test_an_unknown_engine_name_is_an_error_naming_the_variable(recorder, tmp_path, monkeypatch):
    monkeypatch.setenv(build_module.ENGINES_VARIABLE, "quick")
    with pytest.raises(SourceError, match="NATOASIA_ENGINES.*'quick'.*fast or reference"):
        build_module.ensure_built(tmp_path / "dataset")
    assert recorder.engines == [] and not (tmp_path / "dataset").exists()


def test_shapes_the_fast_engine_cannot_run_are_validated_by_pyshacl(recorder, tmp_path):
    recorder.unsupported = True
    build_module.ensure_built(tmp_path / "dataset")
    assert recorder.engines == ["fast", "reference"]
    assert len(recorder.built) == 1


@pytest.mark.parametrize("severity, builds", [("Violation", False), ("Warning", True), ("Info", True)])
def test_only_violations_stop_the_first_build(recorder, tmp_path, severity, builds):
    recorder.findings = [Finding(check="shacl", severity=severity, message="broken")] * 2
    out = tmp_path / "dataset"
    if builds:
        assert build_module.ensure_built(out) == out
    else:
        with pytest.raises(SourceError, match=r"do not conform \(2 violation\(s\)\); nothing was built"):
            build_module.ensure_built(out)
    assert len(recorder.built) == int(builds)


# --- the real pipeline: the checks run beside the reasoning, and a build is trusted only when whole ---

def _hashes(folder) -> dict:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_checks_beside_the_reasoning_find_what_they_find_one_after_the_other(data_copy):
    """``validate(parallel=True)`` (the first start) runs the checks in a forked child: the same findings, in the
    same order, and the same entailments as in one process — on sources with violations of several checks."""
    from natoasia.dataset.sources import load_sources

    graph = data_copy / "graph" / "contributions.ttl"
    text = graph.read_text(encoding="utf-8").replace("nat:isApproximate true", "nat:isApproximate true, false", 1)
    broken = "<http://example.org/x> a nat:NoSuchClass ; owl:sameAs <http://www.w3.org/2002/07/owl#nope> .\n"
    graph.write_text(text + "\n" + broken, encoding="utf-8")
    sources = load_sources()
    together = validate_module.validate(sources=sources, fast=True)
    apart = validate_module.validate(sources=sources, fast=True, parallel=True)
    assert apart.findings == together.findings
    assert {f.check for f in apart.findings} >= {"closed-namespace", "undeclared-term", "shacl"}
    assert not apart.conforms
    assert set(apart.inferred) == set(together.inferred) and len(apart.inferred) > 0


def test_a_build_interrupted_midway_is_not_trusted_and_the_next_start_builds_it_whole(data_copy, monkeypatch, tmp_path):
    """A start killed while it writes (here: a dump that fails, then the search index's child dying) leaves no
    manifest, so the next start builds again: byte for byte what an uninterrupted start builds."""
    import os

    from natoasia.dataset.forked import ChildLost
    from natoasia.rdfio import serialize_triples

    from natoasia.dataset.sources import load_sources

    out = tmp_path / "build" / "dataset"
    checked = validate_module.validate(sources=load_sources(), fast=True, parallel=True)
    built = {"sources": checked.sources, "inferred": checked.inferred, "graphs": checked.graphs}
    build_module.build(out, **built)
    whole = _hashes(out)
    assert "manifest.json" in whole and "search.sqlite" in whole and not any(n.endswith(".tmp") for n in whole)

    def broken_jsonld(triples, fmt, prefixes=None):
        if fmt == build_module.ox.RdfFormat.JSON_LD:
            raise OSError("disk full")
        return serialize_triples(triples, fmt, prefixes)

    with monkeypatch.context() as patch:  # a rebuild over a whole build of the same sources, failing midway
        patch.setattr(build_module, "serialize_triples", broken_jsonld)
        with pytest.raises(OSError, match="disk full"):
            build_module.build(out, **built)
    assert not (out / "manifest.json").exists()
    assert not build_module.is_current(out, build_module.list_sources())

    parent = os.getpid()

    def dying_index(path, triples):
        if os.getpid() == parent:  # not forked (other threads were running): fail as the child's death does
            raise ChildLost("the child computing write_index ended without a result")
        os._exit(9)

    with monkeypatch.context() as patch:  # the search index's child dies: the parent does not publish
        patch.setattr(build_module, "write_index", dying_index)
        with pytest.raises(Exception, match="ended without a result"):
            build_module.build(out, **built)
    assert not (out / "manifest.json").exists()

    assert build_module.ensure_built(out) == out
    assert _hashes(out) == whole
