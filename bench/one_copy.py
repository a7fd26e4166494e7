"""The memory of one copy of the store: a single process opens it, runs the mix once, and reports
its own PSS and RSS growth (MB).

    .venv/bin/python bench/one_copy.py (persisted|in-memory) DATASET MIX_FILE

``persisted`` opens ``DATASET/store`` read-only, as ``natoasia serve`` does; ``in-memory`` parses
``DATASET/natoasia.nq`` into memory, as ``natoasia serve --in-memory`` does. The mix file lists
request paths as the benchmarks send them (``/sparql?query=…`` and resource pages ``/id/…``, run
here as DESCRIBE), so that the store's caches are as warm as in a served run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

ID_NS = "https://w3id.org/natoasia/id/"


def own_memory() -> tuple[int, int]:
    """(PSS, RSS) of this process in kB."""
    pss = next(int(l.split()[1]) for l in Path("/proc/self/smaps_rollup").read_text().splitlines()
               if l.startswith("Pss:"))
    rss = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines()
               if l.startswith("VmRSS:"))
    return pss, rss


def queries(mix: Path) -> list[str]:
    """The SPARQL text of each request of the mix (resource pages as DESCRIBE)."""
    out = []
    for path in mix.read_text(encoding="utf-8").split():
        parts = urlsplit(path)
        if parts.path.startswith("/id/"):
            out.append(f"DESCRIBE <{ID_NS}{parts.path[4:]}>")
        else:
            out.append(parse_qs(parts.query)["query"][0])
    return out


def main(mode: str, dataset: str, mix: str) -> int:
    texts = queries(Path(mix))
    before_pss, before_rss = own_memory()
    if mode == "persisted":
        store = ox.Store.read_only(str(Path(dataset) / "store"))
    else:
        store = ox.Store()
        store.bulk_load(path=str(Path(dataset) / "natoasia.nq"), format=ox.RdfFormat.N_QUADS)
    loaded_pss, loaded_rss = own_memory()
    for _round in range(2):
        for text in texts:
            result = store.query(text, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryBoolean):
                for _row in result:
                    pass
    after_pss, after_rss = own_memory()
    print(json.dumps({"mode": mode, "pss_loaded_mb": (loaded_pss - before_pss) / 1024,
                      "pss_mb": (after_pss - before_pss) / 1024, "rss_mb": (after_rss - before_rss) / 1024}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
