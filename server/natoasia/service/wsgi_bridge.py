"""The WSGI side of the front: the environ of a whole, buffered request; the application's answer,
collected; the response head that frames it.

The application runs in a thread of the front's pool and never touches the network: ``wsgi.input`` is
the body the front has already read, and the answer is collected into memory (or, for a file the
application hands to ``wsgi.file_wrapper``, kept open for the event loop to stream) so that a slow
reader holds no thread.
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import unquote_to_bytes

from natoasia.service.http_reading import Request, RequestError

#: Headers that frame the message: the front writes its own.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade",
                        "proxy-connection", "te", "trailer"})
NO_BODY = frozenset({204, 304})
SERVER = "natoasia"


class FileBody:
    """``wsgi.file_wrapper``: a file the event loop reads block by block as the client takes it."""

    def __init__(self, filelike, block_size: int = 64 * 1024):
        self.filelike, self.block_size = filelike, block_size

    def read(self) -> bytes:
        """The next block; ``b""`` at the end."""
        return self.filelike.read(self.block_size)

    def __iter__(self):
        """Every block (for a file whose length the application did not declare: read whole)."""
        return iter(self.read, b"")

    def close(self) -> None:
        """Close the file (the end of a WSGI response)."""
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


@dataclass(slots=True)
class Answer:
    """The application's answer: status, headers, and a body as bytes chunks or a file."""

    status: str
    headers: list[tuple[str, str]]
    chunks: list[bytes]
    file: FileBody | None = None

    @property
    def code(self) -> int:
        """The status as a number."""
        return int(self.status[:3])


def plain(status: str, message: str, extra: tuple[tuple[str, str], ...] = ()) -> Answer:
    """A ``text/plain`` answer with ``message``, never stored by caches."""
    return Answer(status, [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"), *extra],
                  [message.rstrip().encode("utf-8") + b"\n"])


def environ(request: Request, client: tuple, server: tuple, sock, client_key: str) -> dict:
    """The WSGI environ of ``request`` (PEP 3333); ``client_key`` is who the front counts it against."""
    target = request.target
    if target.startswith(("http://", "https://")):  # absolute form: keep the path and query
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    elif not target.startswith("/") and not (target == "*" and request.method == "OPTIONS"):
        raise RequestError(400, "the request target must be a path starting with /")
    path, _, query = target.partition("?")
    env = {
        "REQUEST_METHOD": request.method, "SCRIPT_NAME": "", "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query, "RAW_URI": request.target, "SERVER_PROTOCOL": f"HTTP/{request.http_version}",
        "SERVER_NAME": str(server[0]), "SERVER_PORT": str(server[1]), "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]), "SERVER_SOFTWARE": SERVER,
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "wsgi.input_terminated": True, "wsgi.file_wrapper": FileBody,
        "gunicorn.socket": sock, "natoasia.client": client_key,
    }
    for name, value in request.headers:
        key = name.decode("latin-1")
        if "_" in key:  # X-Forwarded_For would pass for X-Forwarded-For: such names are dropped
            continue
        if key in ("content-type", "content-length", "transfer-encoding"):
            if key == "content-type":
                env["CONTENT_TYPE"] = value.decode("latin-1")
            continue
        key = "HTTP_" + key.upper().replace("-", "_")
        text = value.decode("latin-1")
        env[key] = f"{env[key]},{text}" if key in env else text
    if request.body or request.method in ("POST", "PUT", "PATCH"):
        env["CONTENT_LENGTH"] = str(len(request.body))  # the body as read, chunked or not
    return env


def call(app, env: dict) -> Answer:
    """Run the WSGI application on ``env`` and collect its answer."""
    started: list = []
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        if exc_info is not None and started and chunks:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return chunks.append

    result = app(env, start_response)
    if isinstance(result, FileBody) and _declared_length(started[1]) is not None:
        return Answer(started[0], started[1], chunks, result)
    try:
        for chunk in result:
            if chunk:
                chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Answer(started[0], started[1], chunks)


_date = [0, ""]


def http_date() -> str:
    """The Date header's value, formatted once a second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, formatdate(now, usegmt=True)]
    return _date[1]


def _declared_length(headers: list[tuple[str, str]]) -> int | None:
    """The Content-Length the application declared, if it is a number."""
    for name, value in headers:
        if name.lower() == "content-length" and value.isascii() and value.isdigit():
            return int(value)
    return None


def head(answer: Answer, method: str, keep_alive: bool) -> tuple[bytes, int]:
    """The response head for ``answer`` and the number of body bytes that follow it (a HEAD answer
    declares the length of the body it leaves out, if the application said it)."""
    lines = [f"HTTP/1.1 {answer.status}\r\n"]
    lines += [f"{name}: {value}\r\n" for name, value in answer.headers if name.lower() not in HOP_BY_HOP]
    if answer.code in NO_BODY:
        length = 0
    elif answer.file is not None or method == "HEAD":
        length = _declared_length(answer.headers)
        if length is not None:
            lines.append(f"Content-Length: {length}\r\n")
    else:
        length = sum(map(len, answer.chunks))
        lines.append(f"Content-Length: {length}\r\n")
    if not any(name.lower() == "date" for name, _ in answer.headers):
        lines.append(f"Date: {http_date()}\r\n")
    lines.append(f"Server: {SERVER}\r\n")
    lines.append("\r\n" if keep_alive else "Connection: close\r\n\r\n")
    return "".join(lines).encode("latin-1"), 0 if method == "HEAD" or length is None else length
