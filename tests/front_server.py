"""A :class:`~natoasia.service.front.Front` serving a small WSGI app in this process, on a loopback port,
and raw-socket clients for it: what the front's tests (``test_slow_clients``, ``test_http_front``,
``test_fairness``) share. No gunicorn, no dataset: each test starts in milliseconds."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref

from natoasia.service.front import Front


def hello(environ, start_response):
    """A WSGI app: ``/slow?s`` sleeps s seconds, ``/big?n`` answers n bytes, ``/echo`` returns the body,
    ``/boom`` fails; anything else says hello with the path."""
    path, query = environ["PATH_INFO"], environ["QUERY_STRING"]
    if path == "/slow":
        time.sleep(float(query or 1))
    if path == "/boom":
        raise RuntimeError("a bug in the application")
    if path == "/big":
        body = b"x" * int(query)
    elif path == "/echo":
        body = environ["wsgi.input"].read()
    else:
        body = f"hello {path}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@contextlib.contextmanager
def serving(app=hello, threads: int = 4, max_body: int = 1000, time_limit: float = 1.0, **options):
    """A running front; yields (front, port)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    front = Front([listener], app, threads=threads, max_body=max_body, time_limit=time_limit, **options)
    stop = threading.Event()
    front.halt = stop.set  # what gunicorn's SIGTERM does: alive() turns false
    thread = threading.Thread(target=front.serve, args=(lambda: not stop.is_set(),),
                              kwargs={"graceful_seconds": 1.0}, daemon=True)
    thread.start()
    try:
        yield front, listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.close()


def connect(port: int, source: str = "127.0.0.1", timeout: float = 10) -> socket.socket:
    """A client connection from ``source`` (any 127.x.y.z address is this machine's)."""
    sock = socket.socket()
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


#: Bytes a socket delivered past the end of the response read from it: the start of the next answer to
#: pipelined requests (the server may send them all before the client reads any, and one ``recv`` then
#: returns several), kept for the next :func:`read_response` on that socket.
_unread: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def read_response(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One response: status, headers (lower-case names), body (by Content-Length, else to the end). An
    interim 100 is skipped; bytes past the response are left for the next call on ``sock``."""
    data = _unread.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(f"closed after {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    if status == 100:
        _unread[sock] = rest
        return read_response(sock)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        if rest[length:]:
            _unread[sock] = rest[length:]
        rest = rest[:length]
    else:
        while chunk := sock.recv(65536):
            rest += chunk
    return status, headers, rest


def get(port: int, path: str = "/", source: str = "127.0.0.1", timeout: float = 10) -> tuple[int, dict, bytes]:
    """One GET on a new connection."""
    with connect(port, source, timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return read_response(sock)


def timed(call, *args, **kwargs):
    """(result, seconds) of one call."""
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started


def eventually(predicate, seconds: float = 3.0) -> bool:
    """Whether ``predicate()`` turns true within ``seconds`` (the loop catches up with a thread's answer)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
