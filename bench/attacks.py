"""The attack classes of issue 17, as a client sends them over HTTP: shared by the live attack suite
(``tests/test_attacks.py``) and the soak (``bench/attack_soak.py``).

Each attack comes from addresses of its own (127.0.x.y: every 127/8 address is this machine), so that
the server counts it against the attacker, not against the clients it must keep serving. Each returns
what every hostile request got: (status or None, seconds to the answer, the answer's text), or counts.
:class:`HealthProbe` polls ``/healthz`` meanwhile and keeps the worst latency.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

#: Query-check inputs that took tens of seconds in the check before it was made linear (issue 17).
DOTTED_NAMES = "SELECT * { ?s ?p " + "a." * 12_000 + " }"
#: Unbracketed chains that overflowed a query worker's stack (issue 17).
CHAINS = {
    "sum": "SELECT (" + "+".join(["1"] * 13_000) + " AS ?x) {}",
    "path": "SELECT * { ?s " + "/".join(["<urn:p>"] * 5_000) + " ?o }",
    "objects": "SELECT * { ?s <urn:p> " + ", ".join(["<urn:o>"] * 5_000) + " }",
    "or": "ASK { FILTER(" + " || ".join(["true"] * 8_000) + ") }",
    "union": "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 3_000) + " }",
    "optional": "SELECT * { ?s ?p ?o " + " ".join(["OPTIONAL { ?s ?p ?o }"] * 2_000) + " }",
}
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"
QUICK = "ASK { <https://w3id.org/natoasia/id/country/japan> ?p ?o }"
LARGE = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 20000"  # ~10 MB of JSON, under the 16 MiB cap


def source(i: int, block: int = 10) -> str:
    """The i-th attacker address, in 127.<block>.0.0/16."""
    return f"127.{block + i // 250}.{i // 250 % 250}.{i % 250 + 1}"


def hostport(base: str) -> tuple[str, int]:
    """(host, port) of ``http://host:port``."""
    host, port = base.rsplit("//", 1)[1].split(":")
    return host, int(port)


def connect(host: str, port: int, source_address: str, timeout: float = 15) -> socket.socket:
    """A connection from ``source_address``."""
    sock = socket.socket()
    sock.settimeout(timeout)
    sock.bind((source_address, 0))
    sock.connect((host, port))
    return sock


def answer(sock: socket.socket, started: float) -> tuple[int | None, float, str]:
    """The status, the seconds since ``started`` and the text of the answer on ``sock`` (None: closed
    without an answer or no answer in the socket's timeout)."""
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data) < data.find(b"\r\n\r\n") + 4 + _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    seconds = time.monotonic() - started
    if not data.startswith(b"HTTP/1."):
        return None, seconds, data[:200].decode("latin-1")
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), seconds, body.decode("utf-8", "replace")


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def fetch(base: str, path: str, source_address: str = "127.0.0.1", timeout: float = 30, method: str = "GET",
          body: bytes | None = None, content_type: str | None = None) -> tuple[int | None, float, str]:
    """One request on its own connection from ``source_address``: (status, seconds, text)."""
    host, port = hostport(base)
    started = time.monotonic()
    with connect(host, port, source_address, timeout) as sock:
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Length: {len(body)}\r\nContent-Type: {content_type}\r\n"
        sock.sendall(head.encode() + b"\r\n" + (body or b""))
        return answer(sock, started)


def query_path(query: str) -> str:
    """``/sparql?query=…``."""
    return "/sparql?query=" + quote(query, safe="")


def in_parallel(calls) -> list:
    """Run the zero-argument ``calls`` in threads at once; their results in order."""
    results = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except OSError as exc:
            results[i] = (None, 0.0, f"{type(exc).__name__}: {exc}")
    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


PROBE = """
import json, select, socket, sys, time
host, port, every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
worst, count, failures = 0.0, 0, []
while not select.select([sys.stdin], [], [], every)[0]:
    started = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=20) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        if not reply.startswith(b"HTTP/1.1 200"):
            failures.append(reply[:80].decode("latin-1"))
    except OSError as exc:
        failures.append(repr(exc))
    worst, count = max(worst, time.monotonic() - started), count + 1
print(json.dumps({"worst": worst, "count": count, "failures": failures[:5]}))
"""


class HealthProbe:
    """Polls ``/healthz`` (a new connection each time, from 127.0.0.1) every ``every`` seconds, from a
    process of its own (so that the attackers' threads do not slow the measurement down); keeps the
    worst latency, the number of polls and the failures."""

    def __init__(self, base: str, every: float = 0.1):
        self.base, self.every = base, every
        self.worst, self.failures, self.count = 0.0, [], 0

    def __enter__(self):
        host, port = hostport(self.base)
        self._process = subprocess.Popen([sys.executable, "-c", PROBE, host, str(port), str(self.every)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc):
        out, _ = self._process.communicate(timeout=60)
        result = json.loads(out)
        self.worst, self.count, self.failures = result["worst"], result["count"], result["failures"]


def idle_connections(host: str, port: int, count: int, per_source: int, hold: float, quiet: float = 4.0,
                     rate: float | None = None) -> dict:
    """``count`` connections that send nothing, ``per_source`` from each address (opened ``rate`` a second,
    or as fast as they go), held until ``hold`` seconds after the last one opened: how many are still
    open, were closed quietly after ``quiet`` seconds of silence, closed sooner, or answered (a 429 or
    503 for a connection the server would not hold)."""
    socks = []
    started = time.monotonic()
    for i in range(count):
        if rate is not None:
            time.sleep(max(0.0, started + i / rate - time.monotonic()))
        try:
            socks.append((connect(host, port, source(i // per_source), timeout=0.5), time.monotonic()))
        except OSError:
            pass
    time.sleep(hold)
    outcome = {"opened": len(socks), "open": 0, "closed quietly": 0, "closed sooner": 0, "answered": 0}
    for sock, opened in socks:
        sock.setblocking(False)
        age = time.monotonic() - opened
        try:
            data = sock.recv(100)
            kind = "answered" if data.startswith(b"HTTP/1.1") else "closed quietly" if age >= quiet else "closed sooner"
        except BlockingIOError:
            kind = "open"
        except OSError:
            kind = "closed quietly" if age >= quiet else "closed sooner"
        outcome[kind] += 1
        sock.close()
    return outcome


def trickled(host: str, port: int, count: int, prefix: bytes, every: float, limit: float,
             block: int = 20) -> list:
    """``count`` clients that send ``prefix`` and then one byte every ``every`` seconds, for at most
    ``limit`` seconds: what each got and when (the answer is looked for before every byte)."""
    socks = [connect(host, port, source(i, block), timeout=limit) for i in range(count)]
    index = {sock.fileno(): i for i, sock in enumerate(socks)}
    poller = select.poll()
    for sock in socks:
        poller.register(sock, select.POLLIN)
    started = time.monotonic()
    for sock in socks:
        sock.sendall(prefix)
    results: dict[int, tuple] = {}
    next_byte = started + every
    while len(results) < count and time.monotonic() - started < limit:
        for fd, _ in poller.poll(max(0.0, next_byte - time.monotonic()) * 1000):
            results[index[fd]] = answer(socks[index[fd]], started)
            poller.unregister(fd)
        if time.monotonic() >= next_byte:
            next_byte += every
            for i, sock in enumerate(socks):
                if i not in results:
                    try:
                        sock.send(b"a")
                    except OSError:
                        results[i] = answer(sock, started)
                        poller.unregister(sock)
    for i, sock in enumerate(socks):
        if i not in results:
            results[i] = (None, time.monotonic() - started, "no answer")
        sock.close()
    return [results[i] for i in range(count)]


def framed(host: str, port: int, raw: bytes, source_address: str, timeout: float = 15) -> tuple:
    """Send ``raw`` (a whole malformed request) and read the answer."""
    started = time.monotonic()
    with connect(host, port, source_address, timeout) as sock:
        sock.sendall(raw)
        return answer(sock, started)


def slow_reader(host: str, port: int, path: str, source_address: str, limit: float,
                first_byte: threading.Event | None = None) -> tuple[int, float, float]:
    """Ask for ``path`` and read it at 1 KiB every 0.1 s: (bytes read, seconds until the first byte,
    seconds until the server cut it off). ``first_byte`` is set when the answer begins to arrive."""
    sock = connect(host, port, source_address, timeout=limit)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    started = time.monotonic()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    received, first = 0, None
    try:
        while time.monotonic() - started < limit:
            chunk = sock.recv(1024)
            if not chunk:
                break
            if first is None:
                first = time.monotonic() - started
                if first_byte is not None:
                    first_byte.set()
            received += len(chunk)
            time.sleep(0.1)
    except OSError:
        pass
    finally:
        sock.close()
    return received, first if first is not None else float("nan"), time.monotonic() - started


def http_processes(master: int) -> list[int]:
    """The HTTP processes of a ``natoasia serve`` whose gunicorn master is ``master`` (its children)."""
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def _kib(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB."""
    return _kib(f"/proc/{pid}/status", "VmRSS") / 1024


def pss_mib(pid: int) -> float:
    """Proportional memory of one process in MiB (shared pages divided among their processes)."""
    return _kib(f"/proc/{pid}/smaps_rollup", "Pss") / 1024
