"""The ``natoasia`` command line as a user runs it: exit codes, messages, formats, builds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import SH, VOID

from natoasia.dataset.files import DUMPS
from natoasia.stores.embedded import persisted_mismatch


def natoasia(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh interpreter, as the console script would."""
    return subprocess.run([sys.executable, "-m", "natoasia", *args], capture_output=True, text=True,
                          cwd=cwd, env=os.environ.copy(), timeout=300)


def test_validate_passes_on_the_graph(data_copy):
    result = natoasia("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CONFORMS: 0 violation(s)" in result.stdout


def test_validate_reports_a_shape_violation_with_file_focus_path_and_message(data_copy):
    graph = data_copy / "graph" / "contributions.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace(
        'nat:amount "160"^^xsd:integer', 'nat:amount "160"', 1), encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if "Contribution-amount-datatype" in l)
    block = graph.read_text(encoding="utf-8").splitlines().index("contrib:new-zealand-troops-afghanistan") + 1
    assert line.startswith(f"graph/contributions.ttl:{block}: Violation [shacl] contrib:new-zealand-troops-afghanistan")
    assert "path=nat:amount value=160" in line and "nat:amount is an xsd:integer" in line


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_validate_machine_formats(data_copy, fmt):
    (data_copy / "graph" / "contributions.ttl").write_text(
        (data_copy / "graph" / "contributions.ttl").read_text(encoding="utf-8").replace(
            "nat:isApproximate true", "nat:isApproximate true, false", 1), encoding="utf-8")
    result = natoasia("validate", "--format", fmt)
    assert result.returncode == 1
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["conforms"] is False
        assert any(r["shape"].endswith("#Contribution-isApproximate-maxCount") for r in report["results"])
    else:
        report = Graph().parse(data=result.stdout, format="turtle")
        assert (None, SH.conforms, None) in report
        assert any(str(o).endswith("#Contribution-isApproximate-maxCount") for o in report.objects(None, SH.sourceShape))


def test_syntax_error_is_one_line_with_file_line_and_column(data_copy):
    (data_copy / "graph" / "broken.ttl").write_text(
        "@prefix nat: <https://w3id.org/natoasia/ontology#> .\n\nnat:a nat:b \"unterminated .\n", encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("natoasia: error: ") and "broken.ttl:3:" in result.stderr


def test_closed_namespace_typo_fails_validation(data_copy):
    shapes = data_copy / "shapes" / "natoasia-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace("    sh:message \"", "    sh:message: \"", 1), encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 1
    assert "[closed-namespace]" in result.stdout and "sh:message:" in result.stdout


def test_undeclared_term_fails_validation(data_copy):
    graph = data_copy / "graph" / "actors.ttl"
    graph.write_text(graph.read_text(encoding="utf-8") + "\ncountry:japan nat:neighbourOf country:china .\n",
                     encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 1
    assert "graph/actors.ttl:" in result.stdout and "nat:neighbourOf is used but not declared" in result.stdout


def test_changed_quote_fails_validation(data_copy):
    sentences = data_copy / "graph" / "sentences.ttl"
    text = sentences.read_text(encoding="utf-8")
    old = 'oa:exact "Australia, for example, has approximately 1,000'
    assert old in text
    sentences.write_text(text.replace(old, old.replace("1,000", "2,000")), encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 1
    assert "[quote]" in result.stdout and "sent:s048" in result.stdout


def test_inconsistency_fails_validation(data_copy):
    graph = data_copy / "graph" / "places.ttl"
    graph.write_text(graph.read_text(encoding="utf-8") + "\nplace:riga a nat:Event .\n", encoding="utf-8")
    result = natoasia("validate")
    assert result.returncode == 1
    assert "[owl-rl]" in result.stdout


# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_build_is_deterministic_and_dumps_match_void(data_copy, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert natoasia("build", "--out", str(first)).returncode == 0
    assert natoasia("build", "--out", str(second)).returncode == 0
    names = sorted(p.name for p in first.iterdir() if p.is_file())  # the persisted store is a folder:
    assert names == sorted(p.name for p in second.iterdir() if p.is_file())  # RocksDB files are not byte-stable
    assert persisted_mismatch(first) is None and persisted_mismatch(second) is None
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    void = Graph().parse(first / "void.ttl")
    union = Graph().parse(first / "natoasia.nt", format="nt")
    for name, fmt, media_type, named in DUMPS:
        data = (first / name).read_bytes()
        dump = next(d for d in void.objects(None, VOID.dataDump) if str(d).endswith("/" + name))
        checksum = next(str(v) for c in void.objects(dump, None) for v in void.objects(c, None) if len(str(v)) == 64)
        assert checksum == hashlib.sha256(data).hexdigest()
        if named:
            quads = list(ox.parse(data, format=fmt))
            assert len(quads) == int(void.value(dump, VOID.triples))
        else:
            rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[name.rsplit(".", 1)[1]]
            parsed = Graph().parse(data=data, format=rdflib_format)
            assert len(parsed) == int(void.value(dump, VOID.triples))
            assert isomorphic(parsed, union), name


def test_query_formats(data_copy, tmp_path):
    out = tmp_path / "ds"
    query = "SELECT ?c WHERE { ?m <https://w3id.org/natoasia/ontology#organisation> " \
            "<https://w3id.org/natoasia/id/framework/tailored-cooperation-programme> ; " \
            "<https://w3id.org/natoasia/ontology#member> ?c } ORDER BY ?c"
    table = natoasia("query", query, "--data", str(out))
    assert table.returncode == 0 and "country:australia" in table.stdout and "(5 rows)" in table.stdout
    as_json = json.loads(natoasia("query", query, "--data", str(out), "--format", "json").stdout)
    assert len(as_json["results"]["bindings"]) == 5
    csv = natoasia("query", query, "--data", str(out), "--format", "csv").stdout.splitlines()
    assert csv[0] == "c" and len(csv) == 6
    ttl = natoasia("query", "DESCRIBE <https://w3id.org/natoasia/id/country/japan>", "--data", str(out),
                   "--format", "turtle")
    assert ttl.returncode == 0 and len(Graph().parse(data=ttl.stdout, format="turtle")) > 5


def test_query_syntax_error_names_line_and_column(data_copy, tmp_path):
    result = natoasia("query", "SELECT * WHERE { ?s ?p }", "--data", str(tmp_path / "ds"))
    assert result.returncode == 2
    assert result.stderr.startswith("natoasia: error: query: SPARQL syntax error at 1:") and "Traceback" not in result.stderr


def test_query_file_missing_is_a_clear_error(tmp_path):
    result = natoasia("query", "-f", str(tmp_path / "nope.rq"))
    assert result.returncode == 2 and "nope.rq: cannot read query" in result.stderr


def test_stats_counts_the_graph(data_copy):
    stats = json.loads(natoasia("stats", "--format", "json").stdout)
    assert stats["sentences_cited"] == stats["sentences_in_article"] == 129
    assert stats["facts"] > 150 and stats["entities"] > 100


def test_serve_rejects_a_broken_load_file_with_file_and_line(tmp_path, built):
    broken = tmp_path / "extra.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = natoasia("serve", "--data", str(built), "--port", "0", "--load", str(broken))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("natoasia: error: ") and f"{broken}:2" in result.stderr


def test_serve_rejects_bad_limits(built):
    result = natoasia("serve", "--data", str(built), "--timeout", "0")
    assert result.returncode == 2 and "--timeout" in result.stderr


def test_unwritable_output_folder_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = natoasia("build", "--out", str(blocker / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_fast_engines_build_the_same_dataset_and_find_the_same_violation(data_copy, tmp_path):
    slow, fast = tmp_path / "slow", tmp_path / "fast"
    assert natoasia("build", "--out", str(slow)).returncode == 0
    assert natoasia("build", "--fast", "--out", str(fast)).returncode == 0
    for path in sorted(p for p in slow.iterdir() if p.is_file()):
        assert path.read_bytes() == (fast / path.name).read_bytes(), path.name
    graph = data_copy / "graph" / "contributions.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace("nat:isApproximate true ;", "", 1), encoding="utf-8")
    lines = [natoasia("validate", *flags).stdout for flags in ([], ["--fast"])]
    assert all("shape=<https://w3id.org/natoasia/shapes#Contribution>" in out for out in lines)
    assert all(out.splitlines()[-1].startswith("DOES NOT CONFORM: 1 violation") for out in lines)


@pytest.mark.parametrize("args,words", [
    (["load", "--into", "notaurl"], "notaurl is not a SPARQL endpoint URL"),
    (["load", "--into", "http://127.0.0.1:9/sparql"], "cannot be reached"),
    (["serve", "--store", "http://127.0.0.1:9/sparql"], "--store http://127.0.0.1:9/sparql"),
    (["serve", "--port", "99999"], "is not a TCP port"),
])
def test_bad_store_url_or_port_is_one_line(built, args, words):
    result = natoasia(*args, "--data", str(built))
    assert result.returncode == 2 and "Traceback" not in result.stderr and words in result.stderr


def test_query_refuses_to_build_from_sources_that_do_not_conform(data_copy, tmp_path):
    graph = data_copy / "graph" / "contributions.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace("nat:isApproximate true ;", "", 1), encoding="utf-8")
    result = natoasia("query", "ASK {}", "--data", str(tmp_path / "ds"))
    assert result.returncode == 2 and "do not conform (1 violation(s))" in result.stderr
    assert not (tmp_path / "ds" / "natoasia.nq").exists()
