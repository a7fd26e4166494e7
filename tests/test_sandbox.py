"""Defence in depth: the processes that evaluate user queries cannot reach the network or the file
system, whatever the query check lets through (these tests switch the check off or go around it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from natoasia import cli
from natoasia.endpoint import sandbox
from natoasia.endpoint import engine as engine_module
from natoasia.endpoint.jobs import Job
from natoasia.endpoint.pool import QueryPool
from natoasia.endpoint.querycheck import Scan

SERVICE = "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


@contextmanager
def listener(wait: float = 1.0):
    """A loopback listener that accepts (and at once closes) every connection in a thread; yields
    its port and a function that tells, after waiting up to ``wait`` seconds, whether anything came."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.1)
    accepted = threading.Event()
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                sock.accept()[0].close()
                accepted.set()
            except socket.timeout:
                continue
            except OSError:
                return
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], lambda: accepted.wait(wait)
    finally:
        stop.set()
        thread.join()
        sock.close()


CONFINED = """
import os, socket, sys
from natoasia.endpoint.sandbox import confine
confine()
import decimal, email.utils  # imported after confinement: Python's own directories stay readable
results = []
for attempt in (lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM),
                lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM),
                lambda: socket.socketpair(),
                lambda: open(sys.argv[1]).read(),
                lambda: open(sys.argv[2], "w")):
    try:
        attempt()
        results.append("allowed")
    except PermissionError:
        results.append("denied")
print(" ".join(results))
"""


def test_a_confined_process_opens_no_socket_and_no_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for queries")
    result = subprocess.run([sys.executable, "-c", CONFINED, str(secret), str(tmp_path / "written.txt")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["denied"] * 5
    assert not (tmp_path / "written.txt").exists()


def test_the_probe_finds_the_sandbox_working():
    assert sandbox.probe() is None


@pytest.mark.parametrize("confined", [True, False], ids=["confined", "unconfined-control"])
def test_service_in_a_query_worker_reaches_nothing(built, confined):
    """The pool evaluates what it is given: no query check stands in front of it here. The
    unconfined control shows that the listener does see pyoxigraph's connection otherwise."""
    pool = QueryPool(str(built / "natoasia.nq"), size=1, sandbox=confined)
    pool.start()
    try:
        with listener() as (port, connected):
            outcome = pool.run(Job(query=SERVICE.format(port=port),
                                   solution_format="application/sparql-results+json"), 10)
            reached = connected()
    finally:
        pool.close()
    if confined:
        assert outcome.status == 400 and b"not permitted" in outcome.body.lower(), outcome.body
        assert not reached, "a confined worker connected to the SERVICE address"
    else:
        assert reached, "control: the unconfined worker should have connected"


def test_with_the_query_check_switched_off_the_endpoint_still_connects_nowhere(client, monkeypatch):
    monkeypatch.setattr(engine_module, "scan", lambda text: Scan(form="SELECT"))
    with listener() as (port, connected):
        response = client.get("/sparql", query_string={"query": SERVICE.format(port=port)})
        reached = connected()
    assert response.status_code == 400, response.data
    assert not reached, "the endpoint's query worker connected to the SERVICE address"


def test_natoasia_query_is_confined(built):
    with listener() as (port, connected):
        result = subprocess.run([sys.executable, "-m", "natoasia", "query", SERVICE.format(port=port),
                                 "--data", str(built)], capture_output=True, text=True, timeout=120)
        reached = connected()
    assert result.returncode == 2 and "not permitted" in result.stderr, result.stderr
    assert not reached


def _ancestors_cmdlines(pid: str) -> list[bytes]:
    found = []
    while pid not in ("0", "1"):
        try:
            found.append((Path("/proc") / pid / "cmdline").read_bytes())
            pid = next(l.split()[1] for l in (Path("/proc") / pid / "status").read_text().splitlines()
                       if l.startswith("PPid:"))
        except (OSError, StopIteration):
            break
    return found


def test_running_query_workers_are_confined(live_server):
    """Every query worker of this ``natoasia serve`` runs under a seccomp filter with no_new_privs."""
    port = live_server.rsplit(":", 1)[1].encode()
    workers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            name = (status.parent / "comm").read_text().strip()
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if name != "natoasia-query" or fields.get("State", "").startswith("Z"):  # a zombie has no filters left
            continue
        if any(b"--port\0" + port + b"\0" in cmdline for cmdline in _ancestors_cmdlines(status.parent.name)):
            workers.append(fields)
    assert len(workers) >= 2, "the server's query workers were not found"
    for fields in workers:
        assert fields["Seccomp"].strip() == "2" and fields["NoNewPrivs"].strip() == "1", fields


def test_serve_refuses_to_start_without_the_sandbox(built, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "probe", lambda: "Landlock is not available (test)")
    assert cli.main(["serve", "--data", str(built), "--port", "0"]) == cli.EXIT_ERROR
    error = capsys.readouterr().err
    assert "cannot be confined" in error and "Landlock is not available" in error and "--allow-unsandboxed" in error


def test_query_refuses_without_the_sandbox_unless_allowed(built, monkeypatch, capsys):
    def unavailable(*args, **kwargs):
        raise sandbox.SandboxUnavailable(38, "seccomp is not available (test)")

    monkeypatch.setattr(sandbox, "confine", unavailable)
    assert cli.main(["query", "ASK { ?s ?p ?o }", "--data", str(built)]) == cli.EXIT_ERROR
    assert "--allow-unsandboxed" in capsys.readouterr().err
    assert cli.main(["query", "ASK { ?s ?p ?o }", "--data", str(built), "--allow-unsandboxed"]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert "true" in captured.out.lower() and "unconfined" in captured.err
