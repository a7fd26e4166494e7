"""``natoasia validate`` in the formats other people's CI reads: GitHub Actions annotations on the
offending line, JUnit XML with one test case per shape, and the pre-commit hook."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from natoasia.dataset.checks.findings import CHECKS, Finding, as_github, github_command
from natoasia.dataset.lines import turtle_lines

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def natoasia(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh interpreter, as the console script would."""
    return subprocess.run([sys.executable, "-m", "natoasia", *args], capture_output=True, text=True,
                          cwd=cwd, env=env or os.environ.copy(), timeout=300)


def break_first(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; return the line where the subject block holding it starts
    (the last line before it written at column 0, the house layout of a subject block)."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    lines = text[:at].split("\n")
    return max(n for n, line in enumerate(lines, 1) if line[:1] not in ("", " ", "\t", "#"))


def two_approximations(data: Path) -> int:
    """Give the first contribution two ``nat:isApproximate`` values (shape ``Contribution-isApproximate-maxCount``)."""
    return break_first(data / "graph" / "contributions.ttl", "nat:isApproximate true", "nat:isApproximate true, false")


# --- where a node is written -------------------------------------------------------------------------


def test_turtle_lines_finds_subject_blocks_not_mentions_strings_or_comments():
    text = (
        "@prefix ex: <http://example.org/> .\n"                      # 1
        "PREFIX other: <http://example.org/other/>\n"                # 2
        "# ex:commented a thing .\n"                                 # 3
        "ex:a ex:p ex:b ;\n"                                         # 4
        '    ex:note """a long string . with\n'                      # 5
        'ex:fake a ex:Thing . inside""" ;\n'                         # 6
        "    ex:q [ ex:r ex:c ] .\n"                                 # 7
        "  <http://example.org/b> ex:p 1.5, 2 .\n"                   # 8
        "other:c ex:p ( ex:a ex:d ) .\n"                             # 9
        "@base <http://example.org/base/> .\n"                       # 10
        "<e> ex:p ex:b .\n")                                         # 11
    lines = turtle_lines(text)
    ex = "http://example.org/"
    assert lines.subjects == {ex + "a": 4, ex + "b": 8, ex + "other/c": 9, ex + "base/e": 11}
    assert lines.uses[ex + "b"] == 4 and lines.uses[ex + "c"] == 7 and lines.uses[ex + "d"] == 9
    assert ex + "fake" not in lines.uses and ex + "commented" not in lines.uses


def test_every_subject_of_the_sources_has_its_line(sources):
    for kind, files in sources.files.items():
        for path, graph in files.items():
            located = sources.lines(path).subjects
            assert {str(s) for s in graph.subjects() if isinstance(s, URIRef)} == set(located), path
            text = path.read_text(encoding="utf-8").splitlines()
            for iri, number in located.items():
                assert text[number - 1].strip(), (path, iri, number)


# --- GitHub Actions ----------------------------------------------------------------------------------


def test_github_annotation_lands_on_the_line_where_the_broken_node_is_written(data_copy):
    line = two_approximations(data_copy)
    result = natoasia("validate", "--format", "github", "--fast")
    assert result.returncode == 1, result.stdout + result.stderr
    [annotation] = [a for a in result.stdout.splitlines() if "Contribution-isApproximate-maxCount" in a]
    assert annotation.startswith(f"::error file=graph/contributions.ttl,line={line},title=natoasia shacl::")
    assert result.stdout.splitlines()[-1].startswith("natoasia validate: DOES NOT CONFORM: ")


def test_github_escapes_message_and_properties(data_copy):
    """A node in a file whose name holds ``,`` and ``:``, breaking a shape whose message holds ``%``, ``,``,
    ``:`` and a newline: property values escape all five, the message escapes ``%`` and the newline only."""
    shapes = data_copy / "shapes" / "natoasia-shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shape = text.index("shape:Contribution-isApproximate-maxCount\n")
    text = text[:shape] + re.sub(r'sh:message "[^"]*"', r'sh:message "100% sure, see: one\\nline two"',
                                 text[shape:], count=1)
    shapes.write_text(text, encoding="utf-8")
    text = (data_copy / "graph" / "contributions.ttl").read_text(encoding="utf-8")
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix"))
    odd = data_copy / "graph" / "odd, name: 2.ttl"
    odd.write_text(prefixes + "\n\ncontrib:odd a nat:Contribution ;\n    nat:isApproximate true, false .\n",
                   encoding="utf-8")
    result = natoasia("validate", "--format", "github", "--fast")
    assert result.returncode == 1, result.stdout + result.stderr
    [annotation] = [a for a in result.stdout.splitlines() if "100%25" in a]
    assert annotation.startswith(f"::error file=graph/odd%2C name%3A 2.ttl,line={prefixes.count(chr(10)) + 3},"
                                 "title=natoasia shacl::")
    assert annotation.endswith("100%25 sure, see: one%0Aline two")


def test_github_command_escaping_and_severities():
    finding = Finding(check="quote", severity="Warning", file="a,b:c.ttl", line=7, message="50%\r\nx, y: z")
    assert github_command(finding) == "::warning file=a%2Cb%3Ac.ttl,line=7,title=natoasia quote::50%25%0D%0Ax, y: z"
    assert github_command(Finding(check="owl-rl", severity="Info", message="m")) == "::notice title=natoasia owl-rl::m"
    assert as_github([]).splitlines() == ["natoasia validate: CONFORMS: 0 violation(s), 0 warning(s)"]


def first_line(path: Path, pattern: str) -> int:
    """The number of the first line of ``path`` matching ``pattern``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if re.match(pattern, line))


def test_lines_are_filled_for_dangling_undeclared_inconsistent_and_misquoted_nodes(data_copy):
    places, sentences = data_copy / "graph" / "places.ttl", data_copy / "graph" / "sentences.ttl"
    before = places.read_text(encoding="utf-8")
    places.write_text(before + "\n\ncountry:japan nat:locatedIn place:atlantis ;\n    nat:neighbourOf country:china .\n"
                      "place:riga a nat:Event .\n", encoding="utf-8")
    written, riga = before.count("\n") + 3, first_line(places, r"place:riga\b")
    break_first(sentences, "for example, has approximately 1,000", "for example, has approximately 2,000")
    s048 = first_line(sentences, r"sent:s048\b")
    result = natoasia("validate", "--fast")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(l.startswith(f"graph/places.ttl:{written}: Violation [dangling-reference]") for l in lines), lines
    assert any(l.startswith(f"graph/places.ttl:{written + 1}: Violation [undeclared-term]") for l in lines), lines
    assert any(l.startswith(f"graph/places.ttl:{riga}: Violation [owl-rl] place:riga") for l in lines), lines
    assert any(l.startswith(f"graph/sentences.ttl:{s048}: Violation [quote] sent:s048") for l in lines), lines


def test_syntax_error_is_annotated_too_and_exits_2(data_copy):
    (data_copy / "graph" / "broken.ttl").write_text(
        "@prefix nat: <https://w3id.org/natoasia/ontology#> .\n\nnat:a nat:b \"unterminated .\n", encoding="utf-8")
    result = natoasia("validate", "--format", "github")
    assert result.returncode == 2
    assert result.stdout.startswith("::error file=graph/broken.ttl,line=3,title=natoasia syntax::Turtle syntax error")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --- JUnit XML ---------------------------------------------------------------------------------------


def shapes_in(data: Path) -> set[str]:
    """The local names of the named node and property shapes, read straight from ``shapes/``."""
    graph = Graph()
    for path in (data / "shapes").glob("*.ttl"):
        graph.parse(path, format="turtle")
    named = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return {str(s).rsplit("#", 1)[1] for s in named if "#" in str(s)}


def test_junit_has_one_testcase_per_shape_and_the_broken_one_fails(data_copy):
    line = two_approximations(data_copy)
    result = natoasia("validate", "--format", "junit")
    assert result.returncode == 1, result.stderr
    root = ET.fromstring(result.stdout)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(CHECKS) <= set(suites)
    shacl = {case.get("name"): case for case in suites["shacl"].iter("testcase")}
    assert set(shacl) == shapes_in(data_copy)
    [failure] = shacl["Contribution-isApproximate-maxCount"].findall("failure")
    assert failure.text.startswith(f"graph/contributions.ttl:{line}: Violation [shacl] ")
    assert "nat:isApproximate" in failure.get("message")
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in cases)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())
    syntax = [case.get("name") for case in suites["syntax"].iter("testcase")]
    assert "graph/contributions.ttl" in syntax and "shapes/natoasia-shapes.ttl" in syntax


def test_junit_lists_every_finding_of_a_check_and_passes_clean_sources(data_copy):
    clean = ET.fromstring(natoasia("validate", "--format", "junit", "--fast").stdout)
    assert clean.get("failures") == "0" and int(clean.get("tests")) > len(CHECKS) + 200
    places = data_copy / "graph" / "places.ttl"
    places.write_text(places.read_text(encoding="utf-8")
                      + "\ncountry:japan nat:locatedIn place:atlantis, place:mu .\n", encoding="utf-8")
    result = natoasia("validate", "--format", "junit", "--fast")
    assert result.returncode == 1
    suite = next(s for s in ET.fromstring(result.stdout).iter("testsuite") if s.get("name") == "dangling-reference")
    [case] = suite.findall("testcase")
    assert suite.get("tests") == "1" and suite.get("failures") == "1"
    [failure] = case.findall("failure")
    listed = failure.text.splitlines()
    assert len(listed) == 2 and all(l.startswith("graph/places.ttl:") for l in listed), listed
    assert "place:atlantis is referred to" in listed[0] and "place:mu is referred to" in listed[1]
    assert failure.get("message").endswith(" (and 1 more)")


# --- pre-commit --------------------------------------------------------------------------------------


def hook() -> dict:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [natoasia_hook] = [h for h in manifest if h["id"] == "natoasia-validate"]
    return natoasia_hook


def test_pre_commit_manifest_declares_the_hook():
    declared = hook()
    assert declared["language"] == "python" and declared["pass_filenames"] is False
    assert shlex.split(declared["entry"]) == ["natoasia", "validate"]
    assert re.search(declared["files"], "graph/contributions.ttl") and not re.search(declared["files"], "README.md")


def run_hook(cwd: Path) -> subprocess.CompletedProcess:
    """The hook's entry and arguments as pre-commit runs them, in a repository's top folder, with the
    natoasia sources as installed (not a copy named by NATOASIA_DATA)."""
    declared = hook()
    command = shlex.split(declared["entry"]) + declared.get("args", [])
    env = {k: v for k, v in os.environ.items() if k != "NATOASIA_DATA"}
    return subprocess.run([str(BIN / command[0]), *command[1:]], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_pre_commit_entry_passes_a_clean_fork_and_fails_a_broken_one(data_copy):
    clean = run_hook(data_copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    line = two_approximations(data_copy)
    broken = run_hook(data_copy)
    assert broken.returncode == 1
    assert f"graph/contributions.ttl:{line}: Violation [shacl]" in broken.stdout


EXTRA = """@prefix nat: <https://w3id.org/natoasia/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix country: <https://w3id.org/natoasia/id/country/> .
@prefix place: <https://w3id.org/natoasia/id/place/> .

country:japan rdfs:comment "an extension's note"@en ;
    nat:locatedIn place:asia,
        place:atlantis .
"""


def test_pre_commit_entry_checks_an_extension_on_top_of_the_installed_graph(tmp_path):
    """A repository holding only ``graph/extra.ttl``: its facts may use the installed graph's resources
    (``place:asia``), and a resource described nowhere (``place:atlantis``) is caught on its line."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    result = run_hook(tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("graph/extra.ttl:8: Violation [dangling-reference] value=place:atlantis: ")
    assert "DOES NOT CONFORM: 1 violation(s)" in result.stdout


def test_pre_commit_try_repo_runs_the_hook_from_a_clone(tmp_path):
    """The real thing: pre-commit clones this repository, installs it in its own virtualenv (from PyPI)
    and runs the hook in a repository that extends the graph."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hook")
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    upstream = tmp_path / "natoasia"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (upstream / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, upstream / name)
    extension = tmp_path / "extension"
    (extension / "graph").mkdir(parents=True)
    (extension / "graph" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    for repo in (upstream, extension):
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-qm", "snapshot"], cwd=repo, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("NATOASIA_DATA", None)
    result = subprocess.run([str(BIN / "pre-commit"), "try-repo", str(upstream), "natoasia-validate", "--all-files"],
                            cwd=extension, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "natoasia validate" in result.stdout and "Failed" in result.stdout
    assert "graph/extra.ttl:8: Violation [dangling-reference]" in result.stdout
