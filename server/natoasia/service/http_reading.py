"""Reading one HTTP/1.1 request from the bytes a connection delivers, under deadlines, without a thread.

The front's event loop feeds a :class:`RequestReader` whatever ``recv`` returned and learns either that
more is needed, or that a whole request (head and body, buffered) is ready for the application, or the
4xx that answers a client that is too slow, too large or malformed. h11 parses (strictly: one
Content-Length, only ``chunked`` as transfer coding, a Host header, field names that are tokens); this
module adds the limits and the deadlines:

- the head (request line and headers) within ``HEAD_SECONDS`` of its first byte, and at most ``MAX_HEAD``
  bytes, ``MAX_TARGET`` of them for the target (a connection that sends nothing is closed quietly once
  it has been silent for as long as its caller allows: ``HEAD_SECONDS`` for a new one);
- the body within ``BODY_SECONDS``, or longer for a body larger than ``BODY_RATE`` bytes a second can
  bring in that time; at most ``max_body`` bytes, in at most ``MAX_CHUNKS`` chunks.

Each step is linear in the bytes fed: h11 looks for the end of the head from where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

import h11

HEAD_SECONDS = 4.0
BODY_SECONDS = 4.0
BODY_RATE = 256 * 1024
MAX_HEAD = 64 * 1024
MAX_TARGET = 8190
MAX_FIELDS = 100
MAX_CHUNKS = 4096


class RequestError(Exception):
    """A request answered by the front itself, with ``status`` and a message in words; the connection
    is closed after the answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(slots=True)
class Request:
    """A whole request: the head as h11 read it (names in lower case) and the body."""

    method: str
    target: str
    http_version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    keep_alive: bool


#: h11's error hints → the status this front answers (never a 5xx: a malformed request is the client's).
STATUS_OF_HINT = {431: 431}
MESSAGE_OF_STATUS = {431: f"the request line and headers are larger than {MAX_HEAD // 1024} KiB, the limit of "
                          "this endpoint"}


def body_seconds(length: int) -> float:
    """How long a body of ``length`` bytes may take to arrive."""
    return max(BODY_SECONDS, length / BODY_RATE)


class RequestReader:
    """One request of a connection, read incrementally: :meth:`feed` until it returns a :class:`Request`."""

    __slots__ = ("_h11", "_max_body", "_request", "_body", "_size", "_chunks", "_length", "_head_done",
                 "_received", "started", "deadline", "wants_continue")

    def __init__(self, max_body: int, now: float, idle_seconds: float, leftover: bytes = b""):
        """``idle_seconds``: how long the connection may stay silent before the request's first byte
        (for a new connection, the head deadline itself)."""
        self._h11: h11.Connection | None = None  # made at the first byte: an idle connection costs less
        self._max_body = max_body
        self._request: h11.Request | None = None
        self._body: list[bytes] = []
        self._size = self._chunks = 0
        self._length: int | None = None
        self._head_done = False
        self._received = len(leftover)
        self.started = False
        self.deadline = now + idle_seconds
        self.wants_continue = False
        if leftover:
            self._parser().receive_data(leftover)
            self.started = True
            self.deadline = min(self.deadline, now + HEAD_SECONDS)

    def feed(self, data: bytes, now: float) -> Request | None:
        """Take the bytes received (``b""``: the client closed its side); a whole request, or None while
        more is needed. Raises :class:`RequestError`, or ``EOFError`` for a client that left between
        requests."""
        if data and not self.started:
            self.started = True
            self.deadline = now + HEAD_SECONDS
        self._received += len(data)
        self._parser().receive_data(data)
        return self._advance(now)

    def _parser(self) -> h11.Connection:
        if self._h11 is None:
            self._h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        return self._h11

    def pending(self, now: float) -> Request | None:
        """A request already in the buffer (pipelined behind the previous one), without reading."""
        return self._advance(now) if self.started else None

    def leftover(self) -> bytes:
        """Bytes received after the request (the start of the next one)."""
        return self._h11.trailing_data[0] if self._h11 is not None else b""

    def expired(self, now: float) -> RequestError | None:
        """The 408 for a request past its deadline; None if it is not (or if nothing of it arrived:
        an idle connection is closed without an answer)."""
        if now < self.deadline or not self.started:
            return None
        if self._head_done:
            got = f"{self._size} of {self._length} bytes" if self._length is not None else f"{self._size} bytes"
            return RequestError(408, f"the request body did not arrive within its deadline of "
                                     f"{body_seconds(self._length or self._max_body):g} s (got {got})")
        return RequestError(408, f"the request line and headers did not arrive within {HEAD_SECONDS:g} s")

    def _advance(self, now: float) -> Request | None:
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                if not self.started:
                    raise EOFError("the client closed the connection") from None
                raise self._refusal(exc) from None
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return None
            kind = type(event)
            if kind is h11.Request:
                self._head(event, now)
                self._request = event
            elif kind is h11.Data:
                self._data(event)
            elif kind is h11.EndOfMessage:
                return self._whole()
            else:  # ConnectionClosed before any byte of a request
                raise EOFError("the client closed the connection")

    def _refusal(self, exc: h11.RemoteProtocolError) -> RequestError:
        if self._h11.their_state is h11.ERROR and self._h11.trailing_data[1]:  # the client closed its side
            if self._head_done:
                expected = f" of {self._length}" if self._length is not None else ""
                return RequestError(400, f"the client closed the connection after {self._size}{expected} bytes "
                                         "of the request body")
            return RequestError(400, "the client closed the connection before the end of the request's headers")
        status = STATUS_OF_HINT.get(exc.error_status_hint, 400)
        return RequestError(status, MESSAGE_OF_STATUS.get(status, f"malformed request: {str(exc)[:200]}"))

    def _head(self, event: h11.Request, now: float) -> None:
        if self._received - len(self._h11.trailing_data[0]) > MAX_HEAD:  # h11 checks only heads it waits for
            raise RequestError(431, MESSAGE_OF_STATUS[431])
        if len(event.target) > MAX_TARGET:
            raise RequestError(414, f"the request target is longer than {MAX_TARGET} bytes, the limit of this "
                                    "endpoint; send a long query by POST")
        if len(event.headers) > MAX_FIELDS:
            raise RequestError(431, f"the request has more than {MAX_FIELDS} header fields, the limit of this "
                                    "endpoint")
        names = {name for name, _ in event.headers}
        if b"transfer-encoding" in names and b"content-length" in names:
            raise RequestError(400, "a request may not carry both Content-Length and Transfer-Encoding")
        length = next((int(value) for name, value in event.headers if name == b"content-length"), None)
        if length is not None and length > self._max_body:
            raise RequestError(413, f"the request body is larger than {self._max_body} bytes, the limit of this "
                                    "endpoint")
        self._length = length
        self._head_done = True
        self.deadline = now + body_seconds(self._max_body if length is None else length)
        chunked = b"transfer-encoding" in names
        self.wants_continue = self._h11.client_is_waiting_for_100_continue and (chunked or bool(length))

    def _data(self, event: h11.Data) -> None:
        self._size += len(event.data)
        if self._size > self._max_body:
            raise RequestError(413, f"the request body is larger than {self._max_body} bytes, the limit of this "
                                    "endpoint")
        if event.chunk_start:
            self._chunks += 1
        if self._chunks > MAX_CHUNKS:
            raise RequestError(400, f"the request body comes in more than {MAX_CHUNKS} chunks, the limit of "
                                    "this endpoint")
        self._body.append(event.data)

    def _whole(self) -> Request:
        event = self._request
        version = event.http_version.decode("ascii")
        connection = b",".join(value for name, value in event.headers if name == b"connection").lower()
        keep_alive = version == "1.1" and b"close" not in connection
        return Request(event.method.decode("ascii"), event.target.decode("latin-1"), version,
                       list(event.headers), b"".join(self._body), keep_alive)
