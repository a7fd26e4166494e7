"""First start: ``natoasia serve`` on a fresh clone, from launch to the first answer of a competency query.

    .venv/bin/python bench/first_start_bench.py [--rounds 3] [--query queries/CQ02.rq]
        [--baseline OLDER_CHECKOUT/server] [--without-reference] [--stages]

A fresh clone is a copy of this checkout's sources (``ontology/``, ``graph/``, ``background/``,
``shapes/``, ``queries/``) in a temporary folder without ``build/``; ``natoasia serve`` runs there
(``NATOASIA_DATA`` and the working directory point at the copy; the code is this checkout's, the
virtual environment's editable install) and validates and builds the dataset before it serves. Each
round times, in this order, in the same run:

* **fresh, fast**: the default first start (``shacl_sparql`` and ``rules_sparql``);
* **fresh, reference**: the same with ``NATOASIA_ENGINES=reference`` (pySHACL and owlrl, what
  ``natoasia validate`` and ``natoasia build`` run) — the baseline;
* **warm**: the start with the build of the first run already present;
* with ``--baseline DIR``, **fresh, fast, baseline**: the default first start of older code (``DIR`` is an
  older checkout's ``server/`` folder, put first on ``PYTHONPATH``), for before and after in one run.

Each time is from ``Popen`` to the first 200 answer to the query, POSTed as ``application/sparql-query``
and retried every 10 ms. The table gives the median of the rounds, each start's ratio to the reference
start (or, ``--without-reference``, to the first start listed), the CPU seconds of the server's
processes (what a shared machine's load inflates less), the **critical path's CPU seconds** — the CPU
seconds less those the start ran beside a forked child (the start logs them: the build beside the web
stack's imports, the checks beside the reasoning, the search index beside the dumps), but never less than
half the CPU seconds, as two cores run at most two processes at once; an upper bound, as the server's two
HTTP processes also start side by side — and the load average before and after.

``--stages`` runs the first start's validation and build in one process, stage by stage, for this code
and the baseline's: the CPU seconds of each stage, and of the critical path, where a stage run beside
another (the checks beside the reasoning, the search index beside the dumps) counts for the longer of
the two.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import free_port, say, stop, wait_for  # noqa: E402

SOURCES = ("ontology", "graph", "background", "shapes", "queries")
#: The starts of one round, in order: name, whether the build is removed first, extra environment.
STARTS = (("fresh, fast", True, {}), ("fresh, reference", True, {"NATOASIA_ENGINES": "reference"}),
          ("warm", False, {}))


def fresh_copy(folder: Path) -> Path:
    """A copy of the checkout's sources, as a clone has them, without ``build/``."""
    for kind in SOURCES:
        if (ROOT / kind).is_dir():
            shutil.copytree(ROOT / kind, folder / kind)
    return folder


def article() -> str | None:
    """The article the quote check reads (``$NATOASIA_ARTICLE`` or ``../shared/source/article.txt``)."""
    found = os.environ.get("NATOASIA_ARTICLE") or ROOT.parent / "shared" / "source" / "article.txt"
    return str(found) if Path(found).is_file() else None


def first_answer(url: str, query: bytes, process: subprocess.Popen, seconds: float) -> bool:
    """POST ``query`` to ``url`` until it answers 200, ``process`` exits or ``seconds`` pass."""
    request = urllib.request.Request(url, data=query, headers={"Content-Type": "application/sparql-query",
                                                               "Accept": "text/csv"})
    return wait_for(request, process, seconds)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: What the start logs of the CPU seconds it ran beside a forked child: ``ensure_built`` for the checks beside
#: the reasoning and the search index beside the dumps, ``service.server`` for the build beside its imports.
BESIDE = re.compile(r"([0-9.]+) CPU s (?:of it )?beside a forked child")


def overlapped(log: str) -> float:
    """The CPU seconds the start ran beside a forked child (0 for code that logs none)."""
    return sum(float(found) for found in BESIDE.findall(log))


def start_once(copy: Path, query: bytes, environment: dict, log: Path, seconds: float) -> tuple[float, float, float]:
    """Seconds from launching ``natoasia serve`` in ``copy`` to the first answer to ``query``, the CPU
    seconds of the server's processes until it is stopped right after (which load on the machine inflates
    less than the wall-clock time), and of those the CPU seconds that ran beside others in the build."""
    port = free_port()
    env = dict(os.environ, NATOASIA_DATA=str(copy))
    env.pop("PYTHONPATH", None)  # the code is this checkout's, or the baseline's when the start names it
    env.update(environment)
    if article():
        env["NATOASIA_ARTICLE"] = article()
    command = [sys.executable, "-m", "natoasia", "serve", "--port", str(port), "--data", str(copy / "build" / "dataset")]
    cpu = _children_cpu()
    with open(log, "w") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            answered = first_answer(f"http://127.0.0.1:{port}/sparql", query, process, seconds)
            elapsed = time.monotonic() - started
        finally:
            stop(process)
    if not answered:
        raise RuntimeError(f"natoasia serve gave no answer within {seconds:g} s; its log: {log.read_text()[-2000:]}")
    return elapsed, _children_cpu() - cpu, overlapped(log.read_text(errors="replace"))


STAGES = r"""
import inspect, json, os, resource, shutil, sys, tempfile, time
from pathlib import Path
import natoasia
from natoasia.dataset import build as build_module
from natoasia.dataset import validate as validate_module
from natoasia.dataset.checks import vocabulary
from natoasia.dataset.checks.quotes import find_article, quote_findings
from natoasia.dataset.sources import SOURCE_DIRS, load_sources

def children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

cpu, stages = 0.0, {}  # process_time counts from the interpreter start
def timed(name, function, *args):
    global cpu
    result = function(*args)
    now = time.process_time()
    stages[name], cpu = now - cpu, now
    return result

timed("imports", lambda: None)  # the imports above, from interpreter start
fast_parse = "fast" in inspect.signature(load_sources).parameters  # pyoxigraph's parser, where the code has it
sources = timed("parse the Turtle sources", lambda: load_sources(fast=True) if fast_parse else load_sources())
graphs = timed("unions of each kind", lambda: sources.kind_unions() if hasattr(sources, "kind_unions")
               else {kind: sources.union(kind) for kind in SOURCE_DIRS})  # newer code: made while parsing
reuse = "graphs" in inspect.signature(vocabulary.dangling_reference_findings).parameters
given = ((graphs["ontology"],), (graphs,)) if reuse else ((), ())  # newer code reuses the unions
timed("checks: vocabularies", lambda: (vocabulary.closed_namespace_findings(sources),
                                       vocabulary.undeclared_term_findings(sources, *given[0]),
                                       vocabulary.dangling_reference_findings(sources, *given[1])))
from natoasia.dataset.checks.shacl_sparql import validate_graphs
from natoasia.dataset.reasoning.rules_sparql import compile_rules, rule_closure
timed("checks: SHACL (shacl_sparql)",
      lambda: list(validate_graphs([graphs[k] for k in ("ontology", "graph", "background")], graphs["shapes"])))
timed("checks: quotes", quote_findings, graphs["graph"], find_article(), sources)
inferred, _ = timed("reasoning (rules_sparql)",
                    lambda: rule_closure(graphs["ontology"], graphs["graph"], rules=compile_rules(graphs["ontology"])))
dataset = timed("canonical blank nodes", build_module.assemble, sources, inferred, graphs)
out = Path(tempfile.mkdtemp()) / "dataset"
before = children()
timed("dumps, VoID, manifest (this process)", build_module.write_dataset, dataset, out, sources.digest())
stages["search index (forked child)"] = children() - before
if stages["search index (forked child)"] < 0.01:  # older code: written in this process, among the dumps
    del stages["search index (forked child)"]
shutil.rmtree(out.parent)
pairs = [("checks: vocabularies", "checks: SHACL (shacl_sparql)", "checks: quotes")]
forked_checks = "parallel" in inspect.signature(validate_module.validate).parameters
critical = sum(stages.values())
if forked_checks:
    checks = sum(stages[name] for name in pairs[0])
    critical -= min(checks, stages["reasoning (rules_sparql)"])
if "search index (forked child)" in stages:
    critical -= min(stages["search index (forked child)"], stages["dumps, VoID, manifest (this process)"])
print(json.dumps({"code": str(Path(natoasia.__file__).parents[1]), "stages": stages, "total": sum(stages.values()),
                  "critical": critical}))
"""


def stages(copy: Path, pythonpath: str | None) -> dict:
    """The validation and build's CPU seconds per stage, in a fresh interpreter running the given code."""
    env = dict(os.environ, NATOASIA_DATA=str(copy))
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    if article():
        env["NATOASIA_ARTICLE"] = article()
    done = subprocess.run([sys.executable, "-c", STAGES], cwd=copy, env=env, capture_output=True, text=True,
                          check=True)
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def print_stages(copy: Path, baseline: str | None, rounds: int) -> None:
    """The ``--stages`` table: the median over ``rounds`` of each stage, baseline and this code."""
    codes = ([("baseline", baseline)] if baseline else []) + [("this code", None)]
    runs = {name: [] for name, _path in codes}
    for round_ in range(1, rounds + 1):
        for name, path in codes:
            runs[name].append(stages(copy, path))
            say(f"stages round {round_}: {name}: {runs[name][-1]['total']:.2f} CPU s, critical path "
                f"{runs[name][-1]['critical']:.2f} ({runs[name][-1]['code']})")
    names = list(dict.fromkeys(stage for name, _ in codes for run in runs[name] for stage in run["stages"]))
    print(f"{'stage (CPU s, median of ' + str(rounds) + ')':<40} | " + " | ".join(f"{n:>10}" for n, _ in codes))
    print("-" * (43 + 13 * len(codes)))
    for stage in names + ["total", "critical"]:
        cells = []
        for name, _path in codes:
            values = [run["stages"].get(stage, 0.0) if stage not in ("total", "critical") else run[stage]
                      for run in runs[name]]
            cells.append(f"{statistics.median(values):10.2f}")
        print(f"{stage:<40} | " + " | ".join(cells))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", default=str(ROOT / "queries" / "CQ02.rq"))
    parser.add_argument("--timeout", type=float, default=900, help="give up on a start after this many seconds")
    parser.add_argument("--baseline", metavar="DIR", help="an older checkout's server/ folder, started as well")
    parser.add_argument("--without-reference", action="store_true", help="leave out the start with pySHACL and owlrl")
    parser.add_argument("--stages", action="store_true", help="CPU seconds per stage of the validation and build")
    args = parser.parse_args(argv)
    query = Path(args.query).read_bytes()
    starts = [start for start in STARTS if not (args.without_reference and start[0] == "fresh, reference")]
    if args.baseline:
        starts.insert(0, ("fresh, fast, baseline", True, {"PYTHONPATH": str(Path(args.baseline).resolve())}))
    times: dict[str, list[float]] = {name: [] for name, _fresh, _env in starts}
    cpus: dict[str, list[float]] = {name: [] for name, _fresh, _env in starts}
    criticals: dict[str, list[float]] = {name: [] for name, _fresh, _env in starts}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="natoasia-first-start-") as tmp:
        copy = fresh_copy(Path(tmp) / "clone")
        if args.stages:
            print_stages(copy, args.baseline, args.rounds)
            print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.1f}' for x in load_before)}, "
                  f"after {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
            return 0
        for round_ in range(1, args.rounds + 1):
            for name, fresh, environment in starts:
                if fresh:
                    shutil.rmtree(copy / "build", ignore_errors=True)
                seconds, cpu, beside = start_once(copy, query, environment, Path(tmp) / "serve.log", args.timeout)
                times[name].append(seconds)
                cpus[name].append(cpu)
                criticals[name].append(max(cpu - beside, cpu / 2))  # two cores: never under half the CPU
                say(f"round {round_}: {name}: {seconds:.2f} s, CPU {cpu:.2f} s, of it beside another process "
                    f"{beside:.2f} s: critical path {criticals[name][-1]:.2f} CPU s "
                    f"(load average {os.getloadavg()[0]:.1f})")
    load_after = os.getloadavg()
    base = "fresh, reference" if "fresh, reference" in times else starts[0][0]
    reference, reference_cpu = statistics.median(times[base]), statistics.median(cpus[base])
    print(f"{'start':<22} | {'median s':>8} | {'runs s':<24} | {'vs ' + base[:9]:>12} | {'CPU s':>6} | "
          f"{'critical':>8} | CPU vs {base}")
    print("-" * 110)
    for name, values in times.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        median, cpu = statistics.median(values), statistics.median(cpus[name])
        print(f"{name:<22} | {median:8.2f} | {runs:<24} | {median / reference:11.2f}× | {cpu:6.2f} | "
              f"{statistics.median(criticals[name]):8.2f} | {cpu / reference_cpu:.2f}×")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.1f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.1f}' for x in load_after)}; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
