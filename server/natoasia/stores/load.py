"""``natoasia load --into URL``: put the built dataset's named graphs into an external SPARQL store
with SPARQL 1.1 Update (``DROP SILENT GRAPH``, then ``INSERT DATA`` in batches), showing progress."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox


class LoadError(Exception):
    """The store refused an update; the message says which graph and batch."""


def update(endpoint: str, text: str, timeout: float = 300) -> None:
    """POST one SPARQL Update to ``endpoint``."""
    try:
        request = urllib.request.Request(endpoint, data=text.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise LoadError(f"{endpoint} answered {exc.code}: {exc.read().decode('utf-8', 'replace').strip()[:300]}") from None
    except urllib.error.URLError as exc:
        raise LoadError(f"{endpoint} cannot be reached: {exc.reason}") from None
    except ValueError as exc:  # not an http(s) URL
        raise LoadError(f"{endpoint} is not a SPARQL endpoint URL ({exc})") from None


def insert(endpoint: str, verb: str, graph: str, lines: list[str]) -> None:
    """Insert ``lines`` into ``graph``; a batch the store refuses (Virtuoso's SPARQL compiler runs out of
    memory on large ones) is split in halves and retried, down to 100 triples."""
    where = " WHERE {}" if verb == "INSERT" else ""
    try:
        update(endpoint, f"{verb} {{ GRAPH <{graph}> {{\n" + "\n".join(lines) + f"\n}} }}{where}")
    except LoadError:
        if len(lines) <= 100 or verb == "INSERT":  # blank-node batches must stay whole
            raise
        half = len(lines) // 2
        insert(endpoint, verb, graph, lines[:half])
        insert(endpoint, verb, graph, lines[half:])


def load(dataset: Path, endpoint: str, batch: int = 1000, out=sys.stderr) -> dict[str, int]:
    """Replace each named graph of the built dataset in the store; return triples loaded per graph."""
    graphs: dict[str, list[str]] = defaultdict(list)
    blank: dict[str, list[str]] = defaultdict(list)
    for quad in ox.parse(path=str(dataset / "natoasia.nq"), format=ox.RdfFormat.N_QUADS):
        line = f"{quad.subject} {quad.predicate} {quad.object} ."
        has_blank = isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        (blank if has_blank else graphs)[quad.graph_name.value].append(line)
    loaded = {}
    started = time.monotonic()
    for graph in sorted(set(graphs) | set(blank)):
        lines = graphs[graph]
        # Blank nodes are scoped to one request: the triples that share them go in one batch.
        # INSERT DATA may not hold blank nodes in some stores (Virtuoso): those go as an INSERT template.
        batches = [("INSERT DATA", lines[i:i + batch]) for i in range(0, len(lines), batch)]
        if blank[graph]:
            batches.append(("INSERT", blank[graph]))
        update(endpoint, f"DROP SILENT GRAPH <{graph}>")
        done = 0
        for verb, chunk in batches:
            insert(endpoint, verb, graph, chunk)
            done += len(chunk)
            print(f"\rloading <{graph}>: {done}/{len(lines) + len(blank[graph])} triples "
                  f"({time.monotonic() - started:.1f} s)", end="", file=out, flush=True)
        print(file=out)
        loaded[graph] = done
    return loaded
