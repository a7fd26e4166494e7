"""Store scale benchmark (issue 5): the endpoint on 10^4…10^6 synthetic triples, embedded store and Virtuoso.

    .venv/bin/python bench/store_scale_bench.py --sizes 10000,100000,1000000 --seconds 5

Per size: a dataset folder is built from natoasia.synth N-Triples (graph ``facts``), the natoasia.rules
entailments (graph ``entailments``) and the ontology (graph ``ontology``), with a manifest.json and a
void.ttl as ``natoasia serve`` expects. Then, all on 127.0.0.1:

1. ``natoasia serve --cache-mb 0`` on the embedded store: start time (process start → /healthz answers,
   and → the first SPARQL answer), the query mix with wrk at concurrency 1 and 8 (req/s, p50, p99).
2. ``natoasia load`` into a throw-away Virtuoso Open Source (time, bounded by --load-timeout).
3. ``natoasia serve --cache-mb 0 --store <virtuoso>``: start time and the same query mix.
4. Peak RSS of each server's process tree (HTTP processes + query workers), sampled from /proc while it
   starts and runs; Virtuoso's own peak RSS separately.

The result cache is disabled (--cache-mb 0) in both servers, so every request reaches the store.
The table goes to stdout at the end, with the ratio of each number per 10x data; progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench.run_bench import free_port, wrk  # noqa: E402
from bench.soak import rss_kb  # noqa: E402
from natoasia import ENTAILMENTS_GRAPH, FACTS_GRAPH, ID_NS, ONTOLOGY_GRAPH, ONTOLOGY_NS, __version__  # noqa: E402
from natoasia.rules import rule_closure_ntriples  # noqa: E402
from natoasia.sources import load_sources  # noqa: E402
from natoasia.synth import _block, _prelude, write_file  # noqa: E402
from natoasia.virtuoso import ThrowawayVirtuoso  # noqa: E402

RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def label(size: int) -> str:
    exponent = math.log10(size)
    return f"10^{exponent:g}" if exponent == int(exponent) else f"{size:,}"


# --------------------------------------------------------------------------- dataset

def build_dataset(size: int, seed: int, out: Path, ontology) -> dict:
    """Write natoasia.nq, manifest.json and void.ttl for ``size`` synthetic triples into ``out``."""
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
    manifest = {"version": __version__, "sources": load_sources().digest(),
                "files": {"natoasia.nq": {"media_type": "application/n-quads", "bytes": nq_bytes,
                                          "sha256": "", "triples": sum(graphs.values())}},
                "graphs": graphs}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    import random
    blocks = (written - len(list(_prelude()))) // len(_block(0, random.Random(0), 0)[0])
    return {"synthetic": written, "entailments": graphs[ENTAILMENTS_GRAPH], "total": sum(graphs.values()),
            "blocks": blocks, "rounds": stats["rounds"], "mb": nq_bytes / 2**20}


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


# --------------------------------------------------------------------------- processes

class RssSampler:
    """Samples the RSS of a process tree every 0.2 s in a thread; ``peak_mb`` is the maximum seen."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb = pid, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, rss_kb(self.pid))
            self.done.wait(0.2)

    def stop(self) -> float:
        self.done.set()
        self.thread.join(timeout=5)
        return self.peak_kb / 1024


def wait_for(url: str, process: subprocess.Popen, seconds: float, ok_status: bool = True) -> bool:
    """Poll ``url`` until it answers 200 or ``seconds`` pass or ``process`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, deadline - time.monotonic())) as response:
                response.read()
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen | None, seconds: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def check_mix(base: str, paths: list[str]) -> int:
    ok = 0
    for path in paths:
        try:
            with urllib.request.urlopen(urllib.request.Request(base + path, headers={"Accept": "*/*"}),
                                        timeout=30) as response:
                response.read()
                ok += response.status == 200
        except OSError:
            pass
    return ok


def measure_server(name: str, size: int, dataset: Path, paths: list[str], mix: Path, args, log: Path,
                   store: str | None = None) -> dict:
    """Start ``natoasia serve`` (cache off), time its start, run the mix at c1 and c8, sample its RSS."""
    port = free_port()
    command = [sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data", str(dataset),
               "--cache-mb", "0", "--timeout", str(args.query_timeout)]
    if store:
        command += ["--store", store]
    base = f"http://127.0.0.1:{port}"
    result: dict = {}
    process, sampler = None, None
    with open(log, "w") as out:
        try:
            started = time.monotonic()
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
            sampler = RssSampler(process.pid)
            if not wait_for(base + "/healthz", process, args.start_timeout):
                raise RuntimeError(f"{name} did not answer /healthz within {args.start_timeout} s (see {log})")
            result["start_s"] = time.monotonic() - started
            first = base + "/sparql?query=" + quote("ASK { ?s ?p ?o }", safe="")
            if not wait_for(first, process, args.start_timeout):
                raise RuntimeError(f"{name} did not answer a query within {args.start_timeout} s")
            result["first_query_s"] = time.monotonic() - started
            say(f"[{label(size)}] {name}: /healthz after {result['start_s']:.2f} s, "
                f"first query after {result['first_query_s']:.2f} s")
            result["ok"] = check_mix(base, paths)
            say(f"[{label(size)}] {name}: {result['ok']}/{len(paths)} requests of the mix answer 200")
            for connections in (1, 8):
                run = wrk(base, mix, connections, args.seconds)
                result[f"c{connections}"] = run
                say(f"[{label(size)}] {name} c{connections}: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.2f} ms, "
                    f"p99 {run['p99_ms']:.2f} ms, {run['errors']} errors")
        finally:
            if sampler:
                result["rss_mb"] = sampler.stop()
            stop(process)
    return result


class Virtuoso:
    """A throw-away Virtuoso (natoasia.virtuoso) with its peak memory sampled while it runs."""

    def __init__(self, folder: Path, start_timeout: float):
        self.store = ThrowawayVirtuoso(folder, buffers=170_000, max_seconds=30, start_timeout=start_timeout)
        self.endpoint, self.start_s = self.store.endpoint, self.store.start_seconds
        self.sampler = RssSampler(self.store.process.pid)

    def close(self) -> float:
        peak = self.sampler.stop() if self.sampler else 0.0
        self.store.close()
        return peak


# --------------------------------------------------------------------------- main

def run_size(size: int, args, ontology, tmp: Path) -> dict:
    row: dict = {"size": size}
    dataset = tmp / f"dataset-{size}"
    started = time.monotonic()
    say(f"[{label(size)}] building the dataset…")
    row["data"] = build_dataset(size, args.seed, dataset, ontology)
    row["build_s"] = time.monotonic() - started
    say(f"[{label(size)}] dataset: {row['data']} in {row['build_s']:.1f} s")
    paths = query_mix(row["data"]["blocks"])
    mix = tmp / f"mix-{size}.txt"
    mix.write_text("\n".join(paths) + "\n")
    row["mix"] = len(paths)
    try:
        row["embedded"] = measure_server("embedded", size, dataset, paths, mix, args, tmp / f"serve-{size}.log")
    except Exception as exc:  # noqa: BLE001 - report and go on with Virtuoso
        row["embedded_error"] = str(exc)
        say(f"[{label(size)}] embedded: {exc}")
    if args.no_virtuoso:
        return row
    virtuoso = None
    try:
        virtuoso = Virtuoso(tmp / f"virtuoso-{size}", args.start_timeout)
        say(f"[{label(size)}] Virtuoso started in {virtuoso.start_s:.1f} s; natoasia load…")
        started = time.monotonic()
        try:
            loaded = subprocess.run([sys.executable, "-m", "natoasia", "load", "--into", virtuoso.endpoint,
                                     "--data", str(dataset), "--batch", str(args.load_batch)], capture_output=True, text=True, cwd=ROOT,
                                    timeout=args.load_timeout)
        except subprocess.TimeoutExpired:
            row["load_error"] = f"not done within --load-timeout {args.load_timeout:.0f} s"
            say(f"[{label(size)}] load: {row['load_error']}")
            return row
        row["load_s"] = time.monotonic() - started
        if loaded.returncode != 0:
            row["load_error"] = loaded.stderr.strip()[-300:]
            say(f"[{label(size)}] load failed: {row['load_error']}")
            return row
        say(f"[{label(size)}] load: {loaded.stdout.strip()} in {row['load_s']:.1f} s")
        row["virtuoso"] = measure_server("virtuoso", size, dataset, paths, mix, args, tmp / f"serve-v-{size}.log",
                                         store=virtuoso.endpoint)
    except Exception as exc:  # noqa: BLE001
        row["virtuoso_error"] = str(exc)
        say(f"[{label(size)}] virtuoso: {exc}")
    finally:
        if virtuoso:
            row["virtuoso_rss_mb"] = virtuoso.close()
        shutil.rmtree(tmp / f"virtuoso-{size}", ignore_errors=True)
        if not args.keep:
            shutil.rmtree(dataset, ignore_errors=True)
    return row


def measurements(row: dict) -> list[tuple[str, float | None, str]]:
    """(name, value, unit) per measurement of one size; lower is better for all but req/s."""
    out = [("build dataset (gen+reason+nq)", row.get("build_s"), "s")]
    for key, name in (("embedded", "embedded"), ("virtuoso", "via Virtuoso")):
        if key == "virtuoso":
            out.append(("natoasia load into Virtuoso", row.get("load_s"), "s"))
        r = row.get(key, {})
        out.append((f"{name}: start → /healthz", r.get("start_s"), "s"))
        out.append((f"{name}: start → first query", r.get("first_query_s"), "s"))
        for c in (1, 8):
            run = r.get(f"c{c}", {})
            out.append((f"{name}: c{c} throughput", run.get("rps"), "req/s"))
            out.append((f"{name}: c{c} p50", run.get("p50_ms"), "ms"))
            out.append((f"{name}: c{c} p99", run.get("p99_ms"), "ms"))
            out.append((f"{name}: c{c} errors", run.get("errors"), "n"))
        out.append((f"{name}: server peak RSS", r.get("rss_mb"), "MB"))
    out.append(("Virtuoso peak RSS", row.get("virtuoso_rss_mb"), "MB"))
    return out


def print_table(rows: list[dict], seconds: int, batch: int) -> None:
    print("\nStore scale benchmark — both servers run with --cache-mb 0 (result cache off: every request "
          f"reaches the store); wrk {seconds} s per run, all on 127.0.0.1; natoasia load --batch {batch}")
    for row in rows:
        d = row.get("data", {})
        print(f"  {label(row['size'])}: {d.get('synthetic')} synthetic + {d.get('entailments')} entailed + ontology "
              f"= {d.get('total')} quads ({d.get('mb', 0):.0f} MB N-Quads), {d.get('blocks')} blocks, "
              f"mix of {row.get('mix')} requests; 200s: embedded {row.get('embedded', {}).get('ok')}, "
              f"via Virtuoso {row.get('virtuoso', {}).get('ok')}")
        for key in ("embedded_error", "load_error", "virtuoso_error"):
            if key in row:
                print(f"    {key}: {row[key]}")
    sizes = [row["size"] for row in rows]
    table = {row["size"]: measurements(row) for row in rows}
    names = [(n, u) for n, _v, u in measurements(rows[0])]
    head = f"{'measurement':<36} {'unit':>5} | " + " | ".join(f"{label(s):>10}" for s in sizes)
    if len(sizes) > 1:
        head += " | " + " | ".join(f"{'x ' + label(b) + '/' + label(a):>14}" for a, b in zip(sizes, sizes[1:]))
    print("\n" + head)
    print("-" * len(head))
    for index, (name, unit) in enumerate(names):
        values = [table[s][index][1] for s in sizes]
        cells = [f"{v:>10.2f}" if isinstance(v, float) else f"{v:>10}" if v is not None else f"{'-':>10}"
                 for v in values]
        line = f"{name:<36} {unit:>5} | " + " | ".join(cells)
        if len(sizes) > 1:
            ratios = []
            for (a, va), (b, vb) in zip(zip(sizes, values), zip(sizes[1:], values[1:])):
                if va and vb and unit != "n":
                    # per 10x data: the ratio normalised to one decade when sizes are not 10x apart
                    ratios.append(f"{(vb / va) ** (1 / math.log10(b / a)):>14.2f}")
                else:
                    ratios.append(f"{'-':>14}")
            line += " | " + " | ".join(ratios)
        print(line)
    print("\n(ratio columns: value at the larger size / value at the smaller, per 10x data; "
          "for req/s below 1 means slower)")


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # so that the finally blocks stop the servers and Virtuoso
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic triples, comma-separated")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-timeout", type=float, default=180, help="bound on each server start, seconds")
    parser.add_argument("--load-timeout", type=float, default=900, help="bound on natoasia load, seconds")
    parser.add_argument("--load-batch", type=int, default=1000,
                        help="natoasia load --batch (its default 5000 overflows Virtuoso's SPARQL parser here)")
    parser.add_argument("--query-timeout", type=float, default=10, help="natoasia serve --timeout")
    parser.add_argument("--no-virtuoso", action="store_true", help="embedded store only")
    parser.add_argument("--keep", action="store_true", help="keep the dataset folders (prints where)")
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    for tool in ("wrk",) + (() if args.no_virtuoso else ("virtuoso-t", "isql-vt")):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed")
    ontology = load_sources().union("ontology")
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="natoasia-store-scale-"))
    try:
        for size in sizes:
            rows.append(run_size(size, args, ontology, tmp))
    except KeyboardInterrupt:
        say("interrupted; printing what was measured")
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if rows:
        print_table(rows, args.seconds, args.load_batch)
        if args.json:
            print(json.dumps(rows, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
