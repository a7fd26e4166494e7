"""The built dataset in an embedded pyoxigraph store — parsed into memory, or persisted on disk (RocksDB)
and opened read-only — and queries on it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from natoasia.dataset.files import MANIFEST, NQUADS, PERSISTED_DIR, PERSISTED_RECORD


def load_store(nquads: str, loads: list[tuple[str, str]]) -> ox.Store:
    """An in-memory store with the built dataset and the extra files, each as its named graph."""
    store = ox.Store()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    for path, graph in loads:
        store.bulk_load(path=path, format=ox.RdfFormat.from_extension(path.rsplit(".", 1)[-1]),
                        to_graph=ox.NamedNode(graph))
    return store


def open_store(out: Path) -> ox.Store:
    """An in-memory store loaded with the N-Quads dump of the build in ``out``."""
    return load_store(str(out / NQUADS), [])


def open_persisted(out: Path) -> tuple[ox.Store, Path | None]:
    """The build in ``out`` as a store: its persisted store opened read-only (written first if it is
    missing or stale), or, where that folder cannot be written, the N-Quads dump loaded in memory.
    Returns the store and the folder it reads from (None in memory)."""
    try:
        folder = ensure_persisted(out)
    except OSError:
        return open_store(out), None
    return ox.Store.read_only(str(folder)), folder


def run_query(store: ox.Store, query: str):
    """Evaluate a SPARQL query with the union of all graphs as the default graph."""
    return store.query(query, use_default_graph_as_union=True)


def _nquads_record(out: Path) -> dict:
    """What the persisted store must match: the N-Quads dump's checksum and quad count (from the manifest)."""
    import json

    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    info = manifest["files"][NQUADS]
    return {"nquads_sha256": info["sha256"], "quads": info["triples"], "pyoxigraph": ox.__version__}


def persist(out: Path) -> Path:
    """Write the dataset of ``out`` into an on-disk store (``out/store``, RocksDB) that servers open
    read-only in milliseconds, with ``out/store.json`` recording the dump it was loaded from."""
    import json
    import shutil

    record = _nquads_record(out)
    target, partial = out / PERSISTED_DIR, out / (PERSISTED_DIR + ".partial")
    (out / PERSISTED_RECORD).unlink(missing_ok=True)
    shutil.rmtree(partial, ignore_errors=True)
    store = ox.Store(str(partial))
    store.bulk_load(path=str(out / NQUADS), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    if len(store) != record["quads"]:
        raise RuntimeError(f"the persisted store holds {len(store)} quads, the dump {record['quads']}")
    del store
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    (out / PERSISTED_RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def persisted_mismatch(out: Path) -> str | None:
    """None if ``out/store`` holds exactly the dataset's N-Quads dump, else what is wrong with it."""
    import json

    try:
        recorded = json.loads((out / PERSISTED_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{out / PERSISTED_RECORD} is missing or unreadable"
    expected = _nquads_record(out)
    for key, value in expected.items():
        if recorded.get(key) != value:
            return f"the persisted store was built from another {key} ({recorded.get(key)!r}, expected {value!r})"
    if not (out / PERSISTED_DIR).is_dir():
        return f"{out / PERSISTED_DIR} is missing"
    return None


def ensure_persisted(out: Path) -> Path:
    """The persisted store of ``out``, (re)written first if it is missing or does not match the dump."""
    if persisted_mismatch(out) is not None:
        persist(out)
    return out / PERSISTED_DIR
