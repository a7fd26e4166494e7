"""The command line's exit codes and one-line errors (0 ok, 1 violations, 2 error), run in-process.

The checks themselves are replaced by stand-ins where only the CLI's decision is under test, so
these run in a second or two; ``test_cli.py`` runs the real checks end to end. These are the fast
tests that kill ``cli.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from natoasia import cli
from natoasia.dataset.checks.findings import VIOLATION, WARNING, Finding
from natoasia.dataset.sources import SourceError
from natoasia.dataset.validate import Validation

README = Path(__file__).resolve().parents[1] / "README.md"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def stand_in_validation(monkeypatch, *severities: str) -> list:
    """Make ``validate`` report one finding per severity given; returns the calls it received."""
    calls = []

    def fake(*args, **kwargs):
        calls.append(kwargs)
        findings = [Finding(check="quote" if s == WARNING else "shacl", severity=s, message=f"a {s.lower()}")
                    for s in severities]
        return Validation(sources=kwargs.get("sources"), findings=findings, inferred=Graph())

    monkeypatch.setattr("natoasia.dataset.validate.validate", fake)
    monkeypatch.setattr("natoasia.dataset.sources.load_sources", lambda *args, **kwargs: None)
    return calls


@pytest.mark.parametrize("severities,code", [((), 0), ((WARNING,), 0), ((WARNING, WARNING), 0),
                                             ((VIOLATION,), 1), ((WARNING, VIOLATION), 1)])
def test_validate_exit_code_follows_violations_not_warnings(monkeypatch, capsys, severities, code):
    stand_in_validation(monkeypatch, *severities)
    assert run(["validate"], capsys)[0] == code


def test_validate_writes_the_report_in_the_chosen_format(monkeypatch, capsys):
    stand_in_validation(monkeypatch, VIOLATION)
    code, out, _ = run(["validate", "--format", "json"], capsys)
    assert code == 1 and json.loads(out)["conforms"] is False
    code, out, _ = run(["validate", "--format", "text"], capsys)
    assert code == 1 and "a violation" in out


def test_validate_passes_its_options_on(monkeypatch, capsys):
    calls = stand_in_validation(monkeypatch)
    run(["validate", "--fast", "--article", "elsewhere.txt"], capsys)
    assert calls[-1]["fast"] is True and str(calls[-1]["article"]) == "elsewhere.txt"
    run(["validate"], capsys)
    assert calls[-1]["fast"] is False and calls[-1]["article"] is None


def test_a_source_error_is_one_line_and_exit_2(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise SourceError("graph/broken.ttl", "Turtle syntax error: newline found in string literal", 3, 13)

    monkeypatch.setattr("natoasia.dataset.validate.validate", broken)
    monkeypatch.setattr("natoasia.dataset.sources.load_sources", broken)
    code, out, err = run(["validate"], capsys)
    assert code == 2
    assert err == "natoasia: error: graph/broken.ttl:3:13: Turtle syntax error: newline found in string literal\n"


def test_build_refuses_non_conforming_sources(monkeypatch, capsys, tmp_path):
    stand_in_validation(monkeypatch, VIOLATION)
    code, out, err = run(["build", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "nothing was built" in err and err.count("\n") == 1
    assert "a violation" in out and not (tmp_path / "out").exists()


def test_build_with_warnings_only_builds(monkeypatch, capsys, tmp_path):
    stand_in_validation(monkeypatch, WARNING)
    built = {}

    def fake_build(out, sources=None, inferred=None):
        built["out"] = out
        return {"files": {"natoasia.nq": {"triples": 3, "bytes": 10, "sha256": "ab" * 32}}}

    monkeypatch.setattr("natoasia.dataset.build.build", fake_build)
    monkeypatch.setattr("natoasia.stores.embedded.persist", lambda out: out / "store", raising=False)
    code, out, _ = run(["build", "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and built["out"] == tmp_path / "out"
    assert f"{tmp_path / 'out' / 'natoasia.nq'}  3 triples  10 bytes  sha256 {'ab' * 8}…" in out
    assert f"{tmp_path / 'out' / 'void.ttl'}\n" in out


def serving(monkeypatch) -> list:
    started = []
    monkeypatch.setattr("natoasia.service.server.run", lambda args: started.append(args) or 0)
    monkeypatch.setattr("natoasia.endpoint.sandbox.probe", lambda: None, raising=False)
    return started


@pytest.mark.parametrize("argv", [["--port", "-1"], ["--port", "65536"], ["--timeout", "0"], ["--timeout", "-1"],
                                  ["--workers", "0"], ["--threads", "0"], ["--http-workers", "0"],
                                  ["--cache-mb", "-0.5"], ["--worker-memory-mb", "-0.5"]])
def test_serve_refuses_bad_numbers(monkeypatch, capsys, argv):
    started = serving(monkeypatch)
    code, _, err = run(["serve", *argv], capsys)
    assert code == 2 and err.startswith("natoasia: error: --") and err.count("\n") == 1 and not started


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "65535"], ["--timeout", "0.01"], ["--workers", "1"],
                                  ["--threads", "1"], ["--http-workers", "1"], ["--cache-mb", "0"],
                                  ["--worker-memory-mb", "0"]])
def test_serve_accepts_the_bounds(monkeypatch, capsys, argv):
    started = serving(monkeypatch)
    code, _, err = run(["serve", *argv], capsys)
    assert (code, err) == (0, "") and len(started) == 1


def test_serve_reports_an_unreadable_load_file_on_one_line(monkeypatch, capsys):
    def refuse(args):
        raise ValueError("extra.ttl: cannot be parsed")

    serving(monkeypatch)
    monkeypatch.setattr("natoasia.service.server.run", refuse)
    code, _, err = run(["serve"], capsys)
    assert (code, err) == (2, "natoasia: error: extra.ttl: cannot be parsed\n")


def test_query_needs_a_query(capsys):
    assert run(["query"], capsys)[::2] == (2, "natoasia: error: give a query or -f FILE\n")


def test_query_file_that_cannot_be_read(capsys, tmp_path):
    code, _, err = run(["query", "-f", str(tmp_path / "missing.rq")], capsys)
    assert code == 2 and err.startswith(f"natoasia: error: {tmp_path / 'missing.rq'}: cannot read query:")
    (tmp_path / "latin.rq").write_bytes(b"# caf\xe9\nASK {}")
    code, _, err = run(["query", "-f", str(tmp_path / "latin.rq")], capsys)
    assert code == 2 and "cannot read query" in err and err.count("\n") == 1


def test_os_errors_name_the_file(monkeypatch, capsys):
    def unwritable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/readonly/out")

    stand_in_validation(monkeypatch)
    monkeypatch.setattr("natoasia.dataset.build.build", unwritable)
    assert run(["build", "--out", "/readonly/out"], capsys)[::2] == (2, "natoasia: error: /readonly/out: Permission denied\n")
    monkeypatch.setattr("natoasia.dataset.build.build", lambda *a, **k: (_ for _ in ()).throw(OSError("disk on fire")))
    assert run(["build"], capsys)[::2] == (2, "natoasia: error: disk on fire\n")


def test_a_closed_pipe_is_not_an_error(monkeypatch, capsys):
    def closed(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    stand_in_validation(monkeypatch)
    monkeypatch.setattr("natoasia.dataset.build.build", closed)
    assert run(["build"], capsys)[::2] == (0, "")


def test_load_errors_are_one_line(monkeypatch, capsys):
    from natoasia.stores.load import LoadError

    def refuse(*args, **kwargs):
        raise LoadError("http://127.0.0.1:1/sparql: connection refused")

    monkeypatch.setattr("natoasia.dataset.build.ensure_built", lambda data: data)
    monkeypatch.setattr("natoasia.stores.load.load", refuse)
    code, _, err = run(["load", "--into", "http://127.0.0.1:1/sparql"], capsys)
    assert (code, err) == (2, "natoasia: error: http://127.0.0.1:1/sparql: connection refused\n")
    loaded = {}
    monkeypatch.setattr("natoasia.stores.load.load", lambda data, into, batch: loaded.update(batch=batch) or {"g": 5, "h": 2})
    code, out, _ = run(["load", "--into", "http://store/sparql"], capsys)
    assert code == 0 and out == "loaded 7 triples in 2 graphs into http://store/sparql\n" and loaded["batch"] == 1000


def test_bad_arguments_exit_2():
    for argv in (["nonsense"], ["validate", "--format", "html"], ["serve", "--port", "eighty"], [], ["load"]):
        with pytest.raises(SystemExit) as caught:
            cli.main(argv)
        assert caught.value.code == 2, argv


def test_documented_defaults_are_the_parsers():
    """Every ``[--option VALUE]`` with a literal value in README's command-line block is that option's default."""
    block = README.read_text(encoding="utf-8").split("## The command line", 1)[1].split("```", 2)[1]
    parser = cli.parser()
    verbs = parser._subparsers._group_actions[0].choices
    checked, verb = 0, None
    for line in block.splitlines():
        verb = line.split()[1] if line.startswith("natoasia ") else verb
        for option, value in re.findall(r"\[--([\w-]+) ([^\]\s|]+)\]", line):
            if value.isupper() or "|" in value:  # a placeholder (DIR, FILE …), not a default
                continue
            default = next(a.default for a in verbs[verb]._actions if f"--{option}" in a.option_strings)
            assert str(default) in (value, value + ".0"), f"{verb} --{option}: README says {value}, parser {default}"
            checked += 1
        for option, value in re.findall(r"\[--([\w-]+) [A-Z]+\].*\(default ([^)]+)\)", line):
            default = next(a.default for a in verbs[verb]._actions if f"--{option}" in a.option_strings)
            assert default == value, f"{verb} --{option}"
            checked += 1
    assert checked >= 9


def test_stats_counts_the_sentences_of_the_article(capsys, tmp_path):
    (tmp_path / "article.txt").write_text("One. Two.\n", encoding="utf-8")
    (tmp_path / "sentences.tsv").write_text("id\tstart\tend\ns001\t0\t4\ns002\t5\t9\n", encoding="utf-8")
    code, out, _ = run(["stats", "--format", "json", "--article", str(tmp_path / "article.txt")], capsys)
    stats = json.loads(out)
    assert code == 0 and stats["sentences_in_article"] == 2 and stats["facts"] > 0
    (tmp_path / "sentences.tsv").unlink()
    code, out, _ = run(["stats", "--format", "json", "--article", str(tmp_path / "article.txt")], capsys)
    assert json.loads(out)["sentences_in_article"] is None
    code, out, _ = run(["stats", "--article", str(tmp_path / "article.txt")], capsys)
    assert code == 0 and not out.lstrip().startswith("{")


def test_validate_ci_formats_keep_the_exit_codes(monkeypatch, capsys):
    stand_in_validation(monkeypatch, VIOLATION)
    code, out, _ = run(["validate", "--format", "github"], capsys)
    assert code == 1 and out.startswith("::error")
    stand_in_validation(monkeypatch, WARNING)
    code, out, _ = run(["validate", "--format", "github"], capsys)
    assert code == 0 and out.startswith("::warning")


def test_validate_junit_report_and_exit_code(monkeypatch, capsys):
    import xml.etree.ElementTree as ET

    from natoasia.dataset.sources import load_sources

    stand_in_validation(monkeypatch, VIOLATION)
    monkeypatch.setattr("natoasia.dataset.sources.load_sources", load_sources)
    code, out, _ = run(["validate", "--format", "junit"], capsys)
    assert code == 1 and len(ET.fromstring(out).findall(".//failure")) == 1


@pytest.mark.parametrize("fmt,marker", [("github", "::error"), ("junit", "<failure")])
def test_an_unparsable_file_is_reported_in_the_ci_format_then_exit_2(monkeypatch, capsys, fmt, marker):
    def broken(*args, **kwargs):
        raise SourceError("graph/broken.ttl", "Turtle syntax error", 3, 13)

    monkeypatch.setattr("natoasia.dataset.sources.load_sources", broken)
    code, out, err = run(["validate", "--format", fmt], capsys)
    assert code == 2 and marker in out and "graph/broken.ttl" in out
    assert err == "natoasia: error: graph/broken.ttl:3:13: Turtle syntax error\n"


def test_serve_confines_its_workers_or_refuses(monkeypatch, capsys):
    started = serving(monkeypatch)
    assert run(["serve"], capsys)[0] == 0 and started[-1].sandbox is True
    probed = []
    monkeypatch.setattr("natoasia.endpoint.sandbox.probe", lambda: probed.append(1) or "seccomp is not available")
    code, _, err = run(["serve"], capsys)
    assert code == 2 and "cannot be confined on this system: seccomp is not available" in err and len(started) == 1
    code, _, err = run(["serve", "--allow-unsandboxed"], capsys)
    assert code == 0 and started[-1].sandbox is False and "run unconfined (seccomp is not available)" in err
    probed.clear()
    assert run(["serve", "--store", "http://127.0.0.1:8890/sparql"], capsys)[0] == 0
    assert probed == [] and started[-1].sandbox is True  # an external store evaluates the queries itself


def test_fast_validation_that_cannot_run_the_shapes_is_an_error(monkeypatch, capsys):
    from natoasia.dataset.checks.shacl_sparql import UnsupportedShape

    def unsupported(*args, **kwargs):
        raise UnsupportedShape(["sh:sparql in shape:X"])

    monkeypatch.setattr("natoasia.dataset.sources.load_sources", lambda *args, **kwargs: None)
    monkeypatch.setattr("natoasia.dataset.validate.validate", unsupported)
    code, _, err = run(["validate", "--fast"], capsys)
    assert code == 2 and "--fast cannot run these shapes (sh:sparql in shape:X)" in err and err.count("\n") == 1


def test_help_says_what_the_command_is():
    assert cli.parser().description == "The ``natoasia`` command line."
