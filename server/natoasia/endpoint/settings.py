"""What an operator sets for the endpoint (:class:`Settings`), with the defaults that are safe to expose,
and the choices that follow from them: which store the workers read, the extra files to load."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from natoasia import BASE
from natoasia.dataset.files import NQUADS


@dataclass
class Settings:
    """Everything an operator can tune; the defaults are safe to expose."""

    dataset: Path
    loads: list[tuple[str, str]] = field(default_factory=list)
    workers: int = 2
    timeout: float = 10.0
    max_query_bytes: int = 100_000
    max_body_bytes: int = 1_000_000
    max_rows: int = 100_000
    max_response_bytes: int = 16 * 1024 * 1024  # sent within the time limit + 2 s: 1.4 MB/s at the default 10 s
    max_depth: int = 1000  # as the grammar nests (brackets and chains): see natoasia.endpoint.nesting
    cache_max_age: int = 300
    cache_bytes: int = 64 * 1024 * 1024
    public_base: str = BASE
    store_url: str | None = None  # an external SPARQL endpoint instead of the embedded store
    sandbox: bool = True  # confine query workers (no sockets, no files); see natoasia.endpoint.sandbox
    worker_memory: int | None = 256 * 1024 * 1024  # bytes a query may add to a worker; None: unlimited
    store_mode: str = "auto"  # "memory": parse the N-Quads into memory; "disk": the persisted store;
    # "auto": memory below AUTO_MEMORY_BYTES of N-Quads (faster evaluation), the persisted store above
    # (starts in milliseconds, one copy in the page cache); see bench/README.md for the figures


#: Below this size of N-Quads, ``store_mode="auto"`` parses the dataset into memory.
AUTO_MEMORY_BYTES = 64 * 1024 * 1024

#: Query workers per HTTP process on the persisted store, unless ``--workers`` says otherwise: there a
#: worker holds only RocksDB's caches (~75 MB at 10⁶ triples, against 600 MB for a copy in memory), and
#: twice the workers doubled the throughput of the 10⁶ mix, whose GROUP BY holds a worker for seconds.
DISK_WORKERS = 4


def uses_persisted_store(settings: Settings) -> bool:
    """Whether query workers read the persisted store rather than the dataset parsed into memory:
    never with an external store or with ``--load`` files (the persisted store is read-only)."""
    if settings.store_url or settings.loads or settings.store_mode == "memory":
        return False
    if settings.store_mode == "disk":
        return True
    nquads = settings.dataset / NQUADS
    return nquads.is_file() and nquads.stat().st_size >= AUTO_MEMORY_BYTES


def parse_load(spec: str) -> tuple[str, str]:
    """``FILE[=GRAPH_IRI]`` → (absolute path, graph IRI); the graph defaults to one named after the file."""
    path, _, graph = spec.partition("=")
    resolved = Path(path).resolve()
    return str(resolved), graph or f"{BASE}graph/loaded/{resolved.name}"


def check_load(path: str) -> int:
    """Parse a file to load and return its triple count; raise ValueError naming file, line and problem."""
    suffix = path.rsplit(".", 1)[-1].lower()
    fmt = ox.RdfFormat.from_extension(suffix)
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file extension .{suffix} (use .ttl, .nt, .nq, .trig, .rdf, .jsonld)")
    try:
        return sum(1 for _ in ox.parse(path=path, format=fmt))
    except SyntaxError as exc:
        raise ValueError(f"{path}:{exc.lineno or '?'}: {exc.msg}") from None
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or exc}") from None
