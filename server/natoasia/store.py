"""The built dataset in an embedded pyoxigraph store, and queries on it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .build import build, is_current
from .sources import SourceError, load_sources

DEFAULT_BUILD_DIR = Path("build") / "dataset"


def ensure_built(out: Path = DEFAULT_BUILD_DIR) -> Path:
    """Validate and build the dataset into ``out`` unless it already holds a build of the current sources.

    Raises :class:`~natoasia.sources.SourceError` when the sources do not conform: nothing is built or
    served from a graph that fails validation.
    """
    from .validate import validate

    sources = load_sources()
    if not is_current(out, sources):
        result = validate(sources=sources)
        if not result.conforms:
            violations = sum(f.severity == "Violation" for f in result.findings)
            raise SourceError(sources.root, f"the sources do not conform ({violations} violation(s)); "
                                            "nothing was built — run `natoasia validate` to see them")
        build(out, sources=sources, inferred=result.inferred)
    return out


def open_store(out: Path) -> ox.Store:
    """An in-memory store loaded with the N-Quads dump of the build in ``out``."""
    store = ox.Store()
    store.bulk_load(path=str(out / "natoasia.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def run_query(store: ox.Store, query: str):
    """Evaluate a SPARQL query with the union of all graphs as the default graph."""
    return store.query(query, use_default_graph_as_union=True)
