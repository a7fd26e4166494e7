"""The read deadline of the gunicorn worker: a whole request within REQUEST_SECONDS, however it trickles.

A slowloris client does not go silent: it sends a byte now and then so that no single read ever
waits long. The deadline is therefore one per request, shared by every read, not restarted by each
read. These drive ``DeadlineSocket`` and ``NatoasiaWorker.handle`` over a local socket pair (no
server), and are the fast tests that kill ``service/http_worker.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import pytest
from gunicorn.workers.gthread import ThreadWorker

from natoasia.service.http_worker import REQUEST_SECONDS, SEND_SECONDS, DeadlineSocket, NatoasiaWorker


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    yield server, client
    server.close()
    client.close()


def trickle(client: socket.socket, every: float, stop: threading.Event) -> threading.Thread:
    """A client that sends one byte every ``every`` seconds until ``stop`` is set or the peer is gone."""
    def run():
        while not stop.wait(every):
            try:
                client.sendall(b"x")
            except OSError:
                return
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def read_until_cut_off(sock, give_up: float, into: bool = False) -> tuple[float, int]:
    """Read byte by byte until the deadline cuts the client off; (seconds taken, bytes read)."""
    started, received = time.monotonic(), 0
    buffer = bytearray(1)
    while time.monotonic() - started < give_up:
        try:
            received += sock.recv_into(buffer) if into else len(sock.recv(1))
        except TimeoutError:
            return time.monotonic() - started, received
    pytest.fail(f"a client trickling bytes was still being read after {give_up} s")


@pytest.mark.parametrize("into", [False, True], ids=["recv", "recv_into"])
def test_a_trickling_client_is_cut_off_at_the_deadline(pair, into):
    server, client = pair
    stop = threading.Event()
    trickle(client, 0.2, stop)
    try:
        elapsed, received = read_until_cut_off(DeadlineSocket(server, 1.0), give_up=3.0, into=into)
    finally:
        stop.set()
    assert 0.9 <= elapsed < 1.5
    assert received >= 3  # it was reading all along: the reads themselves never waited long


def test_a_prompt_client_is_read_whole(pair):
    server, client = pair
    sock = DeadlineSocket(server, 2.0)
    client.sendall(b"GET / HTTP/1.1\r\n\r\n")
    assert sock.recv(100) == b"GET / HTTP/1.1\r\n\r\n"
    assert 1.5 < sock.gettimeout() <= 2.0  # each read may wait only for what is left of the deadline


def test_an_expired_deadline_refuses_even_data_that_is_waiting(pair):
    server, client = pair
    sock = DeadlineSocket(server, 0.05)
    client.sendall(b"late")
    time.sleep(0.1)
    with pytest.raises(TimeoutError, match="did not arrive in time"):
        sock.recv(4)
    with pytest.raises(TimeoutError):
        sock.recv_into(bytearray(4))
    sock.restart(1.0)  # the next request on the connection gets a deadline of its own
    assert sock.recv(4) == b"late"


def test_sending_has_its_own_longer_timeout(pair):
    server, client = pair
    sock = DeadlineSocket(server, 0.05)
    time.sleep(0.1)
    sock.sendall(b"HTTP/1.1 200 OK\r\n\r\n")  # the read deadline has passed; the answer still goes out
    assert client.recv(100) == b"HTTP/1.1 200 OK\r\n\r\n"
    assert sock.gettimeout() == SEND_SECONDS
    assert SEND_SECONDS > REQUEST_SECONDS


def test_other_socket_methods_are_the_wrapped_sockets(pair):
    server, _client = pair
    sock = DeadlineSocket(server, 1.0)
    assert sock.fileno() == server.fileno()
    assert sock.family == server.family


@pytest.fixture
def handled(monkeypatch):
    """The connections NatoasiaWorker.handle passed on to gunicorn's gthread handler."""
    seen = []
    monkeypatch.setattr(ThreadWorker, "handle", lambda self, conn: seen.append(conn) or "handled")
    return seen


def test_the_worker_gives_each_request_the_documented_deadline(pair, handled):
    """A client that trickles a byte every second is cut off at REQUEST_SECONDS (4 s), not kept forever."""
    server, client = pair
    worker = object.__new__(NatoasiaWorker)
    conn = SimpleNamespace(sock=server)
    assert worker.handle(conn) == "handled" and handled == [conn]
    assert isinstance(conn.sock, DeadlineSocket)
    stop = threading.Event()
    trickle(client, 1.0, stop)
    try:
        elapsed, received = read_until_cut_off(conn.sock, give_up=REQUEST_SECONDS + 3)
    finally:
        stop.set()
    assert REQUEST_SECONDS == 4.0  # the bound README and test_hostile state
    assert REQUEST_SECONDS - 0.1 <= elapsed < REQUEST_SECONDS + 0.6
    assert received >= 3


def test_a_kept_alive_connection_gets_a_new_deadline_not_a_second_wrapper(pair, handled):
    server, client = pair
    worker = object.__new__(NatoasiaWorker)
    conn = SimpleNamespace(sock=DeadlineSocket(server, 0.05))
    wrapper = conn.sock
    time.sleep(0.1)
    worker.handle(conn)
    assert conn.sock is wrapper and handled == [conn]
    client.sendall(b"next request")
    assert conn.sock.recv(100) == b"next request"
    assert REQUEST_SECONDS - 0.5 < conn.sock.gettimeout() <= REQUEST_SECONDS


def test_at_the_deadline_itself_the_read_is_refused(pair, monkeypatch):
    """No time left is no time: the socket is not switched to non-blocking reads (a timeout of 0)."""
    import natoasia.service.http_worker as module

    server, client = pair
    now = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    sock = DeadlineSocket(server, 2.0)
    client.sendall(b"x")
    now[0] = 102.0
    with pytest.raises(TimeoutError, match="did not arrive in time"):
        sock.recv(1)
