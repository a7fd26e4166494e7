"""The built dataset in an embedded pyoxigraph store, and queries on it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .build import build, is_current
from .sources import load_sources

DEFAULT_BUILD_DIR = Path("build") / "dataset"


def ensure_built(out: Path = DEFAULT_BUILD_DIR) -> Path:
    """Build the dataset into ``out`` unless it already holds a build of the current sources."""
    sources = load_sources()
    if not is_current(out, sources):
        build(out, sources=sources)
    return out


def open_store(out: Path) -> ox.Store:
    """An in-memory store loaded with the N-Quads dump of the build in ``out``."""
    store = ox.Store()
    store.bulk_load(path=str(out / "natoasia.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def run_query(store: ox.Store, query: str):
    """Evaluate a SPARQL query with the union of all graphs as the default graph."""
    return store.query(query, use_default_graph_as_union=True)
