"""What the benchmarks share: starting and stopping servers, waiting for them, load from wrk, the
Oxigraph server (installed into the bench's own virtual environment on first use)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
OXIGRAPH_VENV = ROOT / "bench" / ".venv-oxigraph"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def wait_for(url, process: subprocess.Popen, seconds: float) -> bool:
    """Poll ``url`` (a URL, or a ``urllib.request.Request``, e.g. a POST) until it answers 200 or ``seconds`` pass or ``process`` exits."""
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
            time.sleep(0.01)
    return False


def start(command: list[str], health: str, log: Path | None = None) -> subprocess.Popen:
    started = time.monotonic()
    out = open(log, "w") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    process.log = log
    wait_up(health)
    process.startup_seconds = time.monotonic() - started
    return process


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
                                        timeout=60) as response:
                response.read()
                ok += response.status == 200
        except OSError:
            pass
    return ok


def wrk(base: str, mix_file: Path, connections: int, seconds: int) -> dict:
    """One wrk run; returns requests/s, p50 and p99 in ms, errors."""
    env = dict(os.environ, MIX=str(mix_file))
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "-s", str(ROOT / "bench" / "mix.lua"), base], capture_output=True, text=True, env=env,
                         check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    fields = dict(item.split("=") for item in line.split()[1:])
    duration = int(fields["duration_us"]) / 1e6
    return {"rps": int(fields["requests"]) / duration, "p50_ms": int(fields["p50_us"]) / 1000,
            "p99_ms": int(fields["p99_us"]) / 1000, "errors": int(fields["errors"]) + int(fields["non2xx"]),
            "requests": int(fields["requests"])}


def oxigraph_command() -> str:
    """The ``oxigraph`` CLI of the bench's own virtual environment (created on first use)."""
    binary = OXIGRAPH_VENV / "bin" / "oxigraph"
    if not binary.exists():
        say(f"installing the Oxigraph server into {OXIGRAPH_VENV}…")
        subprocess.run([sys.executable, "-m", "venv", str(OXIGRAPH_VENV)], check=True)
        subprocess.run([str(OXIGRAPH_VENV / "bin" / "pip"), "install", "-q", f"oxigraph=={ox.__version__}"],
                       check=True)
    return str(binary)


def oxigraph_server(dataset: Path, tmp: Path, port: int) -> subprocess.Popen:
    """The Oxigraph server (``oxigraph serve-read-only --union-default-graph``, from the bench's own
    virtual environment) on a store loaded from the same N-Quads dump."""
    location = tmp / "oxigraph"
    subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file", str(dataset / "natoasia.nq")],
                   check=True, capture_output=True)
    return start([oxigraph_command(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                  "--union-default-graph"], f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
