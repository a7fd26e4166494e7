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

    def validate(self, sources, fast):
        self.engines.append("fast" if fast else "reference")
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
    monkeypatch.setattr(build_module, "load_sources", lambda: FakeSources())
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
