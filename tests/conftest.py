"""Shared fixtures: the sources, one validation run and one build per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from natoasia.article import find_article
from natoasia.build import build
from natoasia.sources import data_root, load_sources
from natoasia.store import open_store
from natoasia.validate import validate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def sources():
    """The parsed Turtle sources of this checkout."""
    return load_sources(ROOT)


@pytest.fixture(scope="session")
def validation(sources):
    """One run of every validation check on the sources."""
    return validate(sources=sources)


@pytest.fixture(scope="session")
def built(tmp_path_factory, validation):
    """The dataset built once into a temporary folder."""
    out = tmp_path_factory.mktemp("dataset")
    build(out, sources=validation.sources, inferred=validation.inferred)
    return out


@pytest.fixture(scope="session")
def store(built):
    """The built dataset loaded in pyoxigraph."""
    return open_store(built)


@pytest.fixture(scope="session")
def article_text():
    """The article's text; tests that need it skip only where the file is absent."""
    path = find_article()
    if path is None or not path.is_file():
        pytest.skip("../shared/source/article.txt is not present")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the sources, used by the CLI through NATOASIA_DATA."""
    copy = tmp_path / "data"
    for kind in ("ontology", "graph", "shapes", "queries"):
        shutil.copytree(data_root() / kind, copy / kind)
    monkeypatch.setenv("NATOASIA_DATA", str(copy))
    article = find_article()
    if article is not None:
        monkeypatch.setenv("NATOASIA_ARTICLE", str(article))
    return copy
