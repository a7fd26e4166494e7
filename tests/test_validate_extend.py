"""``natoasia validate --extend DIR``: an extension is read on top of the installed sources, a fork's
complete tree instead of them, so that a file the fork deleted is not read from the installed copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from natoasia.dataset.sources import OPTIONAL_DIRS, SOURCE_DIRS, is_source_tree, list_sources

from .test_validate_formats import natoasia

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = "holds a complete source tree: validating it alone; installed sources are not read"

#: An upstream file the fork deleted; it refers to a place described nowhere (a dangling reference),
#: so whether it is read shows in the report.
UPSTREAM_ONLY = """@prefix nat: <https://w3id.org/natoasia/ontology#> .
@prefix country: <https://w3id.org/natoasia/id/country/> .
@prefix place: <https://w3id.org/natoasia/id/place/> .

country:japan nat:locatedIn place:atlantis .
"""


def fork(folder: Path, kinds=SOURCE_DIRS) -> Path:
    """A fork's copy of this checkout's source folders ``kinds``."""
    for kind in kinds:
        shutil.copytree(ROOT / kind, folder / kind)
    return folder


def with_upstream_only_file(installed: Path) -> Path:
    (installed / "graph" / "zz-upstream-only.ttl").write_text(UPSTREAM_ONLY, encoding="utf-8")
    return installed / "graph" / "zz-upstream-only.ttl"


def test_a_folder_with_ontology_graph_and_shapes_is_a_source_tree_with_or_without_background(tmp_path):
    required = [kind for kind in SOURCE_DIRS if kind not in OPTIONAL_DIRS]
    assert sorted(required) == ["graph", "ontology", "shapes"]
    for kind in required:
        (tmp_path / kind).mkdir()
        assert is_source_tree(tmp_path) == (kind == required[-1])
    (tmp_path / "background").mkdir()
    assert is_source_tree(tmp_path)


def test_a_complete_tree_lists_only_its_own_files(tmp_path):
    installed = fork(tmp_path / "installed")
    with_upstream_only_file(installed)
    forked = fork(tmp_path / "fork", [k for k in SOURCE_DIRS if k not in OPTIONAL_DIRS])
    (forked / "graph" / "places.ttl").unlink()
    sources = list_sources(installed, forked)
    listed = [path for kind in SOURCE_DIRS for path in sources.files[kind]]
    assert listed and all(path.is_relative_to(forked) for path in listed)
    assert sources.root == forked and sources.files["background"] == {}
    assert {p.name for p in sources.files["graph"]} == {p.name for p in (forked / "graph").glob("*.ttl")}


def test_an_extension_missing_a_required_folder_is_read_on_top_of_the_installed_files(tmp_path):
    installed = fork(tmp_path / "installed")
    upstream_only = with_upstream_only_file(installed)
    extension = fork(tmp_path / "extension", ["graph", "shapes"])
    (extension / "graph" / "places.ttl").unlink()
    sources = list_sources(installed, extension)
    graph = set(sources.files["graph"])
    assert upstream_only in graph and installed / "graph" / "places.ttl" in graph
    assert extension / "graph" / "actors.ttl" in graph and installed / "graph" / "actors.ttl" not in graph
    assert set(sources.files["ontology"]) == set((installed / "ontology").glob("*.ttl"))


def test_validate_extend_does_not_read_a_file_a_fork_deleted(data_copy, tmp_path):
    """The installed sources hold a file the fork deleted, whose dangling reference makes them fail;
    the fork's complete tree conforms, and says on stderr that it was validated alone."""
    with_upstream_only_file(data_copy)
    installed = natoasia("validate", "--fast")
    assert installed.returncode == 1
    assert "graph/zz-upstream-only.ttl:5: Violation [dangling-reference]" in installed.stdout
    forked = fork(tmp_path / "fork")
    result = natoasia("validate", "--fast", "--extend", str(forked))
    assert result.returncode == 0, result.stdout
    assert "zz-upstream-only" not in result.stdout and result.stdout.startswith("CONFORMS: 0 violation(s)")
    assert result.stderr.splitlines() == [f"natoasia: {forked} {COMPLETE}"]


def test_validate_extend_with_some_folders_still_reads_the_installed_files(data_copy, tmp_path):
    """An extension holding only ``graph/``: its note may refer to an installed place, and the installed
    file no extension has is read too (its dangling reference is the one violation)."""
    with_upstream_only_file(data_copy)
    extension = tmp_path / "extension"
    (extension / "graph").mkdir(parents=True)
    (extension / "graph" / "notes.ttl").write_text(UPSTREAM_ONLY.replace("place:atlantis", "place:asia"),
                                                   encoding="utf-8")
    result = natoasia("validate", "--fast", "--extend", str(extension))
    assert result.returncode == 1
    dangling = [line for line in result.stdout.splitlines() if "[dangling-reference]" in line]
    assert len(dangling) == 1 and dangling[0].startswith(f"{data_copy}/graph/zz-upstream-only.ttl:5: "), dangling
    assert COMPLETE not in result.stderr
