"""Store scale benchmark (issues 5 and 11): the endpoint on 10^4…10^6 synthetic triples, side by side
with the Oxigraph server (and optionally in front of Virtuoso).

    .venv/bin/python bench/store_scale_bench.py --sizes 10000,100000 --seconds 5 --rounds 2 --no-virtuoso
    .venv/bin/python bench/store_scale_bench.py --sizes 1000000 --rounds 2 --no-virtuoso --reuse /tmp/natoasia-data

Per size: a dataset folder is built from natoasia.dataset.synth N-Triples (graph ``facts``), the natoasia.dataset.reasoning.rules_sparql
entailments (graph ``entailments``) and the ontology (graph ``ontology``), with a manifest.json and a
void.ttl as ``natoasia serve`` expects, and the persisted store ``natoasia build`` writes
(``natoasia.stores.embedded.persist``: ``store/`` and ``store.json``). ``--reuse DIR`` keeps the folders in DIR
and builds a size only once. Then, all on 127.0.0.1, each server in turn (``--rounds 2``: two
alternating rounds, A B C A B C):

- ``persisted``: ``natoasia serve --cache-mb 0`` opening the persisted store read-only;
- ``in-memory``: ``natoasia serve --cache-mb 0 --in-memory`` parsing the N-Quads once in its parent;
- ``oxigraph``: the Oxigraph server (``oxigraph serve-read-only --union-default-graph``, from the
  ``oxigraph`` PyPI package installed into ``bench/.venv-oxigraph``) on a store loaded once with
  ``oxigraph load`` (timed). Its mix is the same queries at ``/query``; resource pages become the
  DESCRIBE of the same IRI;
- optionally (without ``--no-virtuoso``) ``natoasia serve --store`` in front of a throw-away Virtuoso.

For each: start (process start → first SPARQL answer, from a built dataset), the mix with wrk at
concurrency 1 and 8 and, at 8, the mix without its one GROUP BY query (req/s, p50, p99); the peak of
the sum of PSS (and of RSS) over all the server's processes, sampled every 0.25 s; for natoasia the
time to replace a query worker killed at its time limit (three runaway queries with ``timeout=1``;
the server logs ``replaced a query worker in X ms``). "One copy of the store" is measured by
``bench/one_copy.py``: the PSS growth of one process that opens (or loads) the store and runs the
mix twice, beside the store's size on disk. The table goes to stdout at the end; progress to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench.procmem import MemorySampler  # noqa: E402
from bench.harness import check_mix, free_port, oxigraph_command, say, stop, wait_for, wrk  # noqa: E402
from natoasia import ENTAILMENTS_GRAPH, FACTS_GRAPH, ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_NS, __version__  # noqa: E402
from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.reasoning.rules_sparql import rule_closure_ntriples  # noqa: E402
from natoasia.dataset.search_index import write_index  # noqa: E402
from natoasia.dataset.sources import load_sources  # noqa: E402
from natoasia.dataset.synth import _block, _prelude, write_file  # noqa: E402
from natoasia.stores.embedded import persist  # noqa: E402
from natoasia.stores.virtuoso import ThrowawayVirtuoso  # noqa: E402

RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"


def label(size: int) -> str:
    exponent = math.log10(size)
    return f"10^{exponent:g}" if exponent == int(exponent) else f"{size:,}"


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# --------------------------------------------------------------------------- dataset

def build_dataset(size: int, seed: int, out: Path, ontology) -> dict:
    """Write natoasia.nq, manifest.json, void.ttl and the persisted store for ``size`` synthetic
    triples into ``out``; reuse them if ``out/bench.json`` says they were built with this seed."""
    record = out / "bench.json"
    if record.exists():
        data = json.loads(record.read_text())
        if data.get("seed") == seed and (out / "store.json").exists():
            refresh_sources_digest(out)
            data["reused"] = True
            return data
    out.mkdir(parents=True, exist_ok=True)
    nt, inferred = out / "synth.nt", out / "entailments.nt"
    written = write_file(nt, size, seed)
    stats = rule_closure_ntriples(ontology, nt, out=inferred)
    graphs = {}
    with open(out / "natoasia.nq", "w", encoding="utf-8", buffering=1 << 20) as nq:
        onto_lines = [q.rstrip() for q in ox.serialize(
            (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ONTOLOGY_GRAPH))
             for t in ox.parse(ontology.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)),
            format=ox.RdfFormat.N_QUADS).decode().splitlines() if q.strip()]
        nq.write("\n".join(onto_lines) + "\n")
        graphs[ONTOLOGY_GRAPH] = len(onto_lines)
        for graph, path in ((FACTS_GRAPH, nt), (ENTAILMENTS_GRAPH, inferred)):
            count = 0
            with open(path, encoding="utf-8") as src:
                for line in src:
                    line = line.rstrip()
                    if line:  # every line ends with " ."
                        nq.write(f"{line[:-1]}<{graph}> .\n")
                        count += 1
            graphs[graph] = count
    nt.unlink()
    inferred.unlink()
    (out / "void.ttl").write_text(f"<{ID_NS}> a <http://rdfs.org/ns/void#Dataset> .\n", encoding="utf-8")
    nq_bytes = (out / "natoasia.nq").stat().st_size
    digest = hashlib.sha256()
    with open(out / "natoasia.nq", "rb") as nq:
        for chunk in iter(lambda: nq.read(1 << 20), b""):
            digest.update(chunk)
    manifest = {"version": __version__, "sources": load_sources().digest(),
                "files": {"natoasia.nq": {"media_type": "application/n-quads", "bytes": nq_bytes,
                                          "sha256": digest.hexdigest(), "triples": sum(graphs.values())}},
                "graphs": graphs}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # the search index natoasia.dataset.build writes: without it serve takes the folder for a stale build
    write_index(out / SEARCH_INDEX, ox.parse(path=str(out / "natoasia.nq"), format=ox.RdfFormat.N_QUADS))
    started = time.monotonic()
    persist(out)
    persist_s = time.monotonic() - started
    import random
    blocks = (written - len(list(_prelude()))) // len(_block(0, random.Random(0), 0)[0])
    data = {"synthetic": written, "entailments": graphs[ENTAILMENTS_GRAPH], "total": sum(graphs.values()),
            "blocks": blocks, "rounds": stats["rounds"], "mb": nq_bytes / 2**20, "persist_s": persist_s,
            "store_mb": folder_mb(out / "store"), "seed": seed}
    record.write_text(json.dumps(data) + "\n")
    return data


def query_mix(blocks: int) -> list[str]:
    """~20 request paths that make sense on the synthetic data of ``blocks`` blocks."""
    pick = [0, blocks // 3, (2 * blocks) // 3, blocks - 1]
    nat, idn = ONTOLOGY_NS, ID_NS
    queries = []
    for i in pick:
        queries.append(f"SELECT ?label WHERE {{ <{idn}country/synth-{i}> {RDFS_LABEL} ?label }}")
    queries.append(f"SELECT ?label WHERE {{ <{idn}framework/synth-{pick[1]}> {RDFS_LABEL} ?label }}")
    queries.append(f"SELECT ?label WHERE {{ <{idn}event/synth-{pick[2]}> {RDFS_LABEL} ?label }}")
    for kind, i in (("country", pick[1]), ("framework", pick[2]), ("contribution", pick[3]), ("membership", pick[0])):
        queries.append(f"DESCRIBE <{idn}{kind}/synth-{i}>")
    queries += [
        # contributions per contributor (an aggregate over every contribution)
        f"SELECT ?state (COUNT(?c) AS ?n) WHERE {{ ?c a <{nat}Contribution> ; <{nat}contributor> ?state }} "
        f"GROUP BY ?state ORDER BY DESC(?n) ?state LIMIT 10",
        # memberships of one framework
        f"SELECT ?m ?member WHERE {{ ?m <{nat}organisation> <{idn}framework/synth-{pick[0]}> ; "
        f"<{nat}member> ?member }} ORDER BY ?m LIMIT 100",
        # summits in a year range
        f"SELECT ?e ?year WHERE {{ ?e a <{nat}Summit> ; <{nat}hasTime> ?t . "
        f"?t <http://www.w3.org/2006/time#inXSDgYear> ?year "
        f"FILTER(STR(?year) >= \"1990\" && STR(?year) <= \"1992\") }} LIMIT 100",
        # relationships of a programme
        f"SELECT ?r ?partner ?kind WHERE {{ ?r <{nat}actor> <{idn}framework/synth-{pick[1]}> ; "
        f"<{nat}partner> ?partner ; <{nat}relationshipKind> ?kind }}",
        # contributions to a programme with amounts
        f"SELECT ?c ?amount WHERE {{ ?c <{nat}recipient> <{idn}framework/synth-{pick[0]}> ; <{nat}amount> ?amount }} "
        f"ORDER BY DESC(?amount) LIMIT 20",
        f"ASK {{ <{idn}country/synth-{pick[2]}> a <{nat}State> }}",
        # the sentence a fact cites
        f"SELECT ?text WHERE {{ <{idn}contribution/synth-{pick[1]}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?s . "
        f"?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?text }}",
        # number of summits (a count over a class)
        f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a <{nat}Summit> }}",
    ]
    paths = ["/sparql?query=" + quote(q, safe="") for q in queries]
    paths += [f"/id/country/synth-{pick[1]}", f"/id/framework/synth-{pick[2]}"]
    return paths


def without_aggregate(paths: list[str]) -> list[str]:
    """The mix without its one GROUP BY query (the query on which the store designs differ most)."""
    return [p for p in paths if "GROUP%20BY" not in p]


def oxigraph_paths(paths: list[str]) -> list[str]:
    """The same requests for the Oxigraph server: its endpoint is /query; a resource page becomes
    the DESCRIBE of the same IRI."""
    out = []
    for path in paths:
        if path.startswith("/id/"):
            out.append("/query?query=" + quote(f"DESCRIBE <{ID_NS}{path[4:]}>", safe=""))
        else:
            out.append(path.replace("/sparql?", "/query?", 1))
    return out


# --------------------------------------------------------------------------- Oxigraph

def oxigraph_store(dataset: Path) -> dict:
    """Load the dataset's N-Quads into an Oxigraph store once (``oxigraph load``), timed."""
    location, record = dataset / "oxigraph", dataset / "oxigraph.json"
    if record.exists() and location.is_dir():
        return json.loads(record.read_text())
    shutil.rmtree(location, ignore_errors=True)
    started = time.monotonic()
    subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file", str(dataset / "natoasia.nq")],
                   check=True, capture_output=True)
    info = {"load_s": time.monotonic() - started, "store_mb": folder_mb(location)}
    record.write_text(json.dumps(info) + "\n")
    return info


# --------------------------------------------------------------------------- processes

def status_of(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:
        return type(exc).__name__


def replacements(base: str, log: Path, times: int = 3) -> dict:
    """Send ``times`` runaway queries with ``timeout=1``; the replacement times the server logged."""
    statuses = [status_of(base + "/sparql?timeout=1&query=" + quote(RUNAWAY, safe="")) for _ in range(times)]
    time.sleep(0.5)
    found = [float(m) for m in re.findall(r"replaced a query worker in ([\d.]+) ms", log.read_text(errors="replace"))]
    return {"statuses": statuses, "replace_ms": found}


def measure(name: str, command: list[str], base: str, prefix: str, paths: list[str], tmp: Path, args,
            log: Path, runaway: bool) -> dict:
    """Start a server, time process start → first SPARQL answer, run the mix at c1 and c8 (and c8
    without the GROUP BY), sample the memory of all its processes, then stop it."""
    mixes = {"all": tmp / f"mix-{name}.txt", "noagg": tmp / f"mix-{name}-noagg.txt"}
    mixes["all"].write_text("\n".join(paths) + "\n")
    mixes["noagg"].write_text("\n".join(without_aggregate(paths)) + "\n")
    result: dict = {}
    process, sampler = None, None
    with open(log, "w") as out:
        try:
            started = time.monotonic()
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
            sampler = MemorySampler(process.pid)
            first = base + prefix + "?query=" + quote("ASK { ?s ?p ?o }", safe="")
            if not wait_for(first, process, args.start_timeout):
                raise RuntimeError(f"{name} did not answer a query within {args.start_timeout} s (see {log})")
            result["first_query_s"] = time.monotonic() - started
            served = re.search(r"serving (\d+) triples", log.read_text(errors="replace"))
            if served and int(served.group(1)) != args.expected_quads:
                raise RuntimeError(f"{name} serves {served.group(1)} quads, not the {args.expected_quads} "
                                   "of the synthetic dataset (did it rebuild the folder?)")
            result["ok"] = check_mix(base, paths)
            say(f"  {name}: first answer after {result['first_query_s']:.2f} s; "
                f"{result['ok']}/{len(paths)} requests of the mix answer 200")
            for key, connections, mix in (("c1", 1, "all"), ("c8", 8, "all"), ("c8_noagg", 8, "noagg")):
                run = wrk(base, mixes[mix], connections, args.seconds)
                result[key] = run
                say(f"  {name} {key}: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.2f} ms, "
                    f"p99 {run['p99_ms']:.2f} ms, {run['errors']} errors")
            if runaway:  # the runaways' own memory is measured apart from the mix's
                result["memory"], sampler = sampler.stop(), MemorySampler(process.pid)
                result["replace"] = replacements(base, log)
                say(f"  {name}: runaway queries answered {result['replace']['statuses']}, workers replaced in "
                    f"{result['replace']['replace_ms']} ms")
        finally:
            if sampler:
                result["memory_runaway" if "memory" in result else "memory"] = sampler.stop()
            stop(process)
    say(f"  {name}: peak PSS {result.get('memory', {}).get('pss_mb', 0):.0f} MB, "
        f"RSS {result.get('memory', {}).get('rss_mb', 0):.0f} MB, {result.get('memory', {}).get('processes')} processes"
        + (f"; while the runaways ran: peak PSS {result['memory_runaway']['pss_mb']:.0f} MB"
           if "memory_runaway" in result else ""))
    return result


def one_copy(mode: str, dataset: Path, paths: list[str], tmp: Path) -> dict:
    mix = tmp / "one-copy-mix.txt"
    mix.write_text("\n".join(paths) + "\n")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "one_copy.py"), mode, str(dataset), str(mix)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


class Virtuoso:
    """A throw-away Virtuoso (natoasia.stores.virtuoso) with its peak memory sampled while it runs."""

    def __init__(self, folder: Path, start_timeout: float):
        self.store = ThrowawayVirtuoso(folder, buffers=170_000, max_seconds=30, start_timeout=start_timeout)
        self.endpoint, self.start_s = self.store.endpoint, self.store.start_seconds
        self.sampler = MemorySampler(self.store.process.pid)

    def close(self) -> dict:
        peak = self.sampler.stop()
        self.store.close()
        return peak


# --------------------------------------------------------------------------- main

SERVERS = ("persisted", "in-memory", "oxigraph")


def server_command(name: str, dataset: Path, port: int, args) -> tuple[list[str], str]:
    """The command line of server ``name`` on ``port`` and the path of its SPARQL endpoint."""
    if name == "oxigraph":
        return [oxigraph_command(), "serve-read-only", "--location", str(dataset / "oxigraph"),
                "--bind", f"127.0.0.1:{port}", "--union-default-graph",
                "--timeout-s", str(int(args.query_timeout))], "/query"
    command = [sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data", str(dataset),
               "--cache-mb", "0", "--timeout", str(args.query_timeout)]
    return command + (["--in-memory"] if name == "in-memory" else []), "/sparql"


def run_size(size: int, args, ontology, tmp: Path, data_root: Path) -> dict:
    row: dict = {"size": size, "servers": {name: [] for name in SERVERS}}
    dataset = data_root / f"dataset-{size}"
    started = time.monotonic()
    say(f"[{label(size)}] building the dataset (or reusing {dataset})…")
    row["data"] = build_dataset(size, args.seed, dataset, ontology)
    row["build_s"] = time.monotonic() - started
    row["oxigraph_store"] = oxigraph_store(dataset)
    say(f"[{label(size)}] dataset: {row['data']}; oxigraph load: {row['oxigraph_store']}")
    paths = query_mix(row["data"]["blocks"])
    row["mix"] = len(paths)
    args.expected_quads = row["data"]["total"]
    for mode in ("persisted", "in-memory"):
        row[f"one_copy_{mode}"] = one_copy(mode, dataset, paths, tmp)
        say(f"[{label(size)}] one copy, {mode}: {row[f'one_copy_{mode}']}")
    for round_ in range(args.rounds):
        for name in SERVERS:
            say(f"[{label(size)}] round {round_ + 1}, {name}")
            port = free_port()
            command, prefix = server_command(name, dataset, port, args)
            ox_paths = oxigraph_paths(paths) if name == "oxigraph" else paths
            try:
                row["servers"][name].append(measure(name, command, f"http://127.0.0.1:{port}", prefix, ox_paths, tmp,
                                                    args, tmp / f"{name}-{size}-{round_}.log",
                                                    runaway=name != "oxigraph"))
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                row.setdefault("errors", []).append(f"{name}: {exc}")
                say(f"[{label(size)}] {name}: {exc}")
    if not args.no_virtuoso:
        run_virtuoso(row, size, dataset, paths, tmp, args)
    return row


def run_virtuoso(row: dict, size: int, dataset: Path, paths: list[str], tmp: Path, args) -> None:
    virtuoso = None
    try:
        virtuoso = Virtuoso(tmp / f"virtuoso-{size}", args.start_timeout)
        say(f"[{label(size)}] Virtuoso started in {virtuoso.start_s:.1f} s; natoasia load…")
        started = time.monotonic()
        loaded = subprocess.run([sys.executable, "-m", "natoasia", "load", "--into", virtuoso.endpoint,
                                 "--data", str(dataset), "--batch", str(args.load_batch)], capture_output=True,
                                text=True, cwd=ROOT, timeout=args.load_timeout)
        row["load_s"] = time.monotonic() - started
        if loaded.returncode != 0:
            row.setdefault("errors", []).append("virtuoso load: " + loaded.stderr.strip()[-300:])
            return
        port = free_port()
        command, prefix = server_command("persisted", dataset, port, args)
        row["servers"]["via-virtuoso"] = [measure("via-virtuoso", command + ["--store", virtuoso.endpoint],
                                                  f"http://127.0.0.1:{port}", prefix, paths, tmp, args,
                                                  tmp / f"virtuoso-{size}.log", runaway=False)]
    except Exception as exc:  # noqa: BLE001
        row.setdefault("errors", []).append(f"virtuoso: {exc}")
    finally:
        if virtuoso:
            row["virtuoso_memory"] = virtuoso.close()
        shutil.rmtree(tmp / f"virtuoso-{size}", ignore_errors=True)


def _cell(values: list[float | None], digits: int = 1) -> str:
    shown = [f"{v:.{digits}f}" if isinstance(v, (int, float)) else "-" for v in values]
    return " / ".join(shown) if shown else "-"


def _mean(values: list) -> float | None:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return statistics.mean(numbers) if numbers else None


METRICS = [  # (name, getter, digits, higher is better)
    ("start → first answer, s", lambda r: r.get("first_query_s"), 2, False),
    ("c1 req/s", lambda r: r.get("c1", {}).get("rps"), 0, True),
    ("c1 p50 ms", lambda r: r.get("c1", {}).get("p50_ms"), 1, False),
    ("c1 p99 ms", lambda r: r.get("c1", {}).get("p99_ms"), 1, False),
    ("c8 req/s", lambda r: r.get("c8", {}).get("rps"), 0, True),
    ("c8 p50 ms", lambda r: r.get("c8", {}).get("p50_ms"), 1, False),
    ("c8 p99 ms", lambda r: r.get("c8", {}).get("p99_ms"), 1, False),
    ("c8 req/s, no GROUP BY", lambda r: r.get("c8_noagg", {}).get("rps"), 0, True),
    ("c8 p99 ms, no GROUP BY", lambda r: r.get("c8_noagg", {}).get("p99_ms"), 1, False),
    ("errors/non-2xx (c1+c8)", lambda r: (r.get("c1", {}).get("errors", 0) + r.get("c8", {}).get("errors", 0))
     if "c8" in r else None, 0, False),
    ("peak PSS, all processes, MB", lambda r: r.get("memory", {}).get("pss_mb"), 0, False),
    ("peak RSS sum, MB", lambda r: r.get("memory", {}).get("rss_mb"), 0, False),
    ("processes", lambda r: r.get("memory", {}).get("processes"), 0, False),
    ("peak PSS with 3 runaways, MB", lambda r: r.get("memory_runaway", {}).get("pss_mb"), 0, False),
    ("worker replaced in, ms (max)", lambda r: max(r["replace"]["replace_ms"]) if r.get("replace", {}).get("replace_ms")
     else None, 1, False),
]


def print_table(rows: list[dict], args) -> None:
    print(f"\nStore scale benchmark — natoasia serve --cache-mb 0 (persisted store; --in-memory) and the Oxigraph "
          f"server (serve-read-only --union-default-graph); wrk {args.seconds} s per run, all on 127.0.0.1; "
          f"{args.rounds} alternating round(s), cells 'round 1 / round 2'; ratio = natoasia / Oxigraph of the means")
    for row in rows:
        d, o = row.get("data", {}), row.get("oxigraph_store", {})
        print(f"\n{label(row['size'])}: {d.get('total')} quads ({d.get('mb', 0):.0f} MB N-Quads), mix of "
              f"{row.get('mix')} requests; persisted store {d.get('store_mb', 0):.0f} MB on disk (written in "
              f"{d.get('persist_s', 0):.1f} s); Oxigraph store {o.get('store_mb', 0):.0f} MB (oxigraph load "
              f"{o.get('load_s', 0):.1f} s)")
        for mode in ("persisted", "in-memory"):
            c = row.get(f"one_copy_{mode}", {})
            print(f"  one copy of the store, {mode}: PSS growth {c.get('pss_mb', 0):.0f} MB after the mix "
                  f"({c.get('pss_loaded_mb', 0):.0f} MB once opened/loaded), RSS growth {c.get('rss_mb', 0):.0f} MB")
        for error in row.get("errors", []):
            print(f"  error: {error}")
        names = [n for n in row["servers"] if row["servers"][n]]
        head = f"  {'measurement':<30} | " + " | ".join(f"{n:>17}" for n in names)
        ratio_names = [n for n in names if n != "oxigraph" and "oxigraph" in names]
        head += "".join(f" | {n + '/oxi':>16}" for n in ratio_names)
        print(head)
        print("  " + "-" * (len(head) - 2))
        for metric, get, digits, _higher in METRICS:
            cells, means = [], {}
            for n in names:
                values = [get(r) for r in row["servers"][n]]
                cells.append(f"{_cell(values, digits):>17}")
                means[n] = _mean(values)
            line = f"  {metric:<30} | " + " | ".join(cells)
            for n in ratio_names:
                a, b = means.get(n), means.get("oxigraph")
                line += f" | {(f'{a / b:.2f}x' if a and b else '-'):>16}"
            print(line)
        for mode in ("persisted", "in-memory"):
            pss = _mean([r.get("memory", {}).get("pss_mb") for r in row["servers"].get(mode, [])])
            copy = row.get("one_copy_in-memory", {}).get("pss_mb")
            own = row.get(f"one_copy_{mode}", {}).get("pss_mb")
            if pss and copy and own:
                print(f"  {mode}: all processes' peak PSS / one in-memory copy = {pss / copy:.2f}x; "
                      f"/ one {mode} copy = {pss / own:.2f}x")
        if "virtuoso_memory" in row:
            print(f"  Virtuoso: load {row.get('load_s', 0):.1f} s, its own peak RSS "
                  f"{row['virtuoso_memory']['rss_mb']:.0f} MB")


def refresh_sources_digest(out: Path) -> None:
    """Record the current sources' digest in ``out``'s manifest, as a build would: ``natoasia serve``
    rebuilds a folder whose digest differs (the synthetic data does not depend on the sources)."""
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["sources"] = load_sources().digest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def pin_sources() -> Path:
    """Serve from a snapshot of the sources (``NATOASIA_DATA``, inherited by the servers): the
    synthetic folders record the sources' digest as a build does, and an edit of the checkout
    during a run must not make ``natoasia serve`` rebuild them from the article."""
    from natoasia.dataset.sources import data_root

    snapshot = Path(tempfile.mkdtemp(prefix="natoasia-sources-"))
    for folder in ("ontology", "graph", "shapes", "queries", "background"):
        if (data_root() / folder).is_dir():
            shutil.copytree(data_root() / folder, snapshot / folder)
    os.environ["NATOASIA_DATA"] = str(snapshot)
    return snapshot


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # so that the finally blocks stop the servers and Virtuoso
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic triples, comma-separated")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds over the servers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-timeout", type=float, default=180, help="bound on each server start, seconds")
    parser.add_argument("--load-timeout", type=float, default=900, help="bound on natoasia load, seconds")
    parser.add_argument("--load-batch", type=int, default=1000,
                        help="natoasia load --batch (its default 5000 overflows Virtuoso's SPARQL parser here)")
    parser.add_argument("--query-timeout", type=float, default=10, help="natoasia serve --timeout")
    parser.add_argument("--no-virtuoso", action="store_true", help="without the Virtuoso part")
    parser.add_argument("--reuse", metavar="DIR", help="build the datasets in DIR and reuse them in later runs")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results as JSON to FILE")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    for tool in ("wrk",) + (() if args.no_virtuoso else ("virtuoso-t", "isql-vt")):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed")
    oxigraph_command()
    snapshot = pin_sources()
    ontology = load_sources().union("ontology")
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-store-scale-"))
    data_root = Path(args.reuse) if args.reuse else tmp
    data_root.mkdir(parents=True, exist_ok=True)
    try:
        for size in sizes:
            rows.append(run_size(size, args, ontology, tmp, data_root))
    except KeyboardInterrupt:
        say("interrupted; printing what was measured")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(snapshot, ignore_errors=True)
    if rows:
        print_table(rows, args)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, default=str, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
