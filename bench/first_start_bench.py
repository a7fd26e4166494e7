"""First start: ``natoasia serve`` on a fresh clone, from launch to the first answer of a competency query.

    .venv/bin/python bench/first_start_bench.py [--rounds 3] [--query queries/CQ02.rq]

A fresh clone is a copy of this checkout's sources (``ontology/``, ``graph/``, ``background/``,
``shapes/``, ``queries/``) in a temporary folder without ``build/``; ``natoasia serve`` runs there
(``NATOASIA_DATA`` and the working directory point at the copy; the code is this checkout's, the
virtual environment's editable install) and validates and builds the dataset before it serves. Each
round times, in this order, in the same run:

* **fresh, fast**: the default first start (``shacl_sparql`` and ``rules_sparql``);
* **fresh, reference**: the same with ``NATOASIA_ENGINES=reference`` (pySHACL and owlrl, what
  ``natoasia validate`` and ``natoasia build`` run) — the baseline;
* **warm**: the start with the build of the first run already present.

Each time is from ``Popen`` to the first 200 answer to the query, POSTed as ``application/sparql-query``
and retried every 10 ms. The table gives the median of the rounds, each start's ratio to the reference
start, the CPU seconds of the server's processes (what a shared machine's load inflates less), and the
load average before and after.
"""

from __future__ import annotations

import argparse
import os
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

from bench.harness import free_port, say, stop  # noqa: E402

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
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, data=query, headers={"Content-Type": "application/sparql-query",
                                                               "Accept": "text/csv"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(request, timeout=max(1.0, deadline - time.monotonic())) as response:
                response.read()
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.01)
    return False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_once(copy: Path, query: bytes, environment: dict, log: Path, seconds: float) -> tuple[float, float]:
    """Seconds from launching ``natoasia serve`` in ``copy`` to the first answer to ``query``, and the CPU
    seconds of the server's processes until it is stopped right after (which load on the machine inflates
    less than the wall-clock time)."""
    port = free_port()
    env = dict(os.environ, NATOASIA_DATA=str(copy), **environment)
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
    return elapsed, _children_cpu() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", default=str(ROOT / "queries" / "CQ02.rq"))
    parser.add_argument("--timeout", type=float, default=900, help="give up on a start after this many seconds")
    args = parser.parse_args(argv)
    query = Path(args.query).read_bytes()
    times: dict[str, list[float]] = {name: [] for name, _fresh, _env in STARTS}
    cpus: dict[str, list[float]] = {name: [] for name, _fresh, _env in STARTS}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="natoasia-first-start-") as tmp:
        copy = fresh_copy(Path(tmp) / "clone")
        for round_ in range(1, args.rounds + 1):
            for name, fresh, environment in STARTS:
                if fresh:
                    shutil.rmtree(copy / "build", ignore_errors=True)
                seconds, cpu = start_once(copy, query, environment, Path(tmp) / "serve.log", args.timeout)
                times[name].append(seconds)
                cpus[name].append(cpu)
                say(f"round {round_}: {name}: {seconds:.2f} s, CPU {cpu:.2f} s (load average {os.getloadavg()[0]:.1f})")
    load_after = os.getloadavg()
    reference = statistics.median(times["fresh, reference"])
    reference_cpu = statistics.median(cpus["fresh, reference"])
    print(f"{'start':<18} | {'median s':>8} | {'runs s':<24} | {'vs reference':>12} | {'CPU s':>6} | CPU vs reference")
    print("-" * 96)
    for name, values in times.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        median, cpu = statistics.median(values), statistics.median(cpus[name])
        print(f"{name:<18} | {median:8.2f} | {runs:<24} | {median / reference:11.2f}× | {cpu:6.2f} | "
              f"{cpu / reference_cpu:.2f}×")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.1f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.1f}' for x in load_after)}; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
