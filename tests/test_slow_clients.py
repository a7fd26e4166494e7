"""Slow, short and malformed requests: each is answered by the front with a 4xx and a message, within its
deadline, and none holds a thread while it trickles.

The first half drives :class:`~natoasia.service.http_reading.RequestReader` with a clock of its own (no
socket, no waiting); the second runs the front in this process (``tests/front_server.py``) against raw
sockets. These are the fast tests that kill ``service/http_reading.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from natoasia.service import http_reading
from natoasia.service.http_reading import (BODY_RATE, BODY_SECONDS, HEAD_SECONDS, MAX_CHUNKS, MAX_FIELDS, MAX_HEAD,
                                           MAX_TARGET, RequestError, RequestReader, body_seconds)

from .front_server import connect, read_response, serving, timed

GET = b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n\r\n"


def post(body: bytes, *headers: str, length: int | None = None) -> bytes:
    fields = "".join(f"{h}\r\n" for h in headers)
    if length is not None or not any(h.lower().startswith("transfer-encoding") for h in headers):
        fields += f"Content-Length: {len(body) if length is None else length}\r\n"
    return f"POST /sparql HTTP/1.1\r\nHost: x\r\n{fields}\r\n".encode() + body


def refusal(reader: RequestReader, data: bytes, now: float = 0.0) -> RequestError:
    with pytest.raises(RequestError) as caught:
        reader.feed(data, now)
    return caught.value


# -- the reader, on its own clock --------------------------------------------------------------------------

def test_the_documented_limits():
    """The bounds README states: 4 s for the head, 4 s (or 256 KiB/s) for the body, 64 KiB of head."""
    assert (HEAD_SECONDS, BODY_SECONDS, BODY_RATE) == (4.0, 4.0, 256 * 1024)
    assert (MAX_HEAD, MAX_TARGET, MAX_FIELDS, MAX_CHUNKS) == (64 * 1024, 8190, 100, 4096)


def test_a_request_arriving_byte_by_byte_is_read_whole():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    data = post(b"ASK {}", "Content-Type: application/sparql-query", "X-Twice: a", "x-twice: b")
    for i, byte in enumerate(data[:-1]):
        assert reader.feed(bytes([byte]), i / 1000) is None
    request = reader.feed(data[-1:], 1.0)
    assert (request.method, request.target, request.http_version, request.body) == ("POST", "/sparql", "1.1", b"ASK {}")
    assert (b"content-type", b"application/sparql-query") in request.headers
    assert [v for n, v in request.headers if n == b"x-twice"] == [b"a", b"b"] and request.keep_alive


def test_a_new_connection_may_stay_silent_4_s_then_has_4_s_for_its_head():
    reader = RequestReader(1000, 10.0, HEAD_SECONDS)
    assert reader.deadline == 14.0 and not reader.started
    reader.feed(b"GET / HTTP/1.1\r\n", 13.0)  # the head's clock starts at its first byte
    assert reader.started and reader.deadline == 17.0
    assert reader.expired(16.99) is None
    late = reader.expired(17.0)
    assert late.status == 408 and late.message == "the request line and headers did not arrive within 4 s"


def test_a_kept_alive_connection_may_wait_then_has_the_head_deadline_from_its_first_byte():
    reader = RequestReader(1000, 10.0, 5.0)
    assert reader.deadline == 15.0
    reader.feed(b"G", 12.0)
    assert reader.started and reader.deadline == 16.0  # min(15, 12 + 4) is not it: the head has 4 s
    assert reader.expired(15.5) is None and reader.expired(16.0).status == 408


def test_a_connection_that_never_sent_a_byte_is_closed_without_an_answer():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.expired(100.0) is None and reader.deadline == HEAD_SECONDS


def test_a_trickling_head_is_cut_off_at_its_deadline_however_often_bytes_come():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    now = 0.0
    for byte in b"GET /sparql?query=" + b"a" * 200:
        now += 0.05
        assert reader.feed(bytes([byte]), now) is None
        if reader.expired(now):
            break
    assert reader.expired(now).status == 408 and 4.0 <= now < 4.1


@pytest.mark.parametrize(("length", "seconds"), [(0, 4.0), (1000, 4.0), (BODY_RATE * 4, 4.0),
                                                  (BODY_RATE * 5, 5.0), (BODY_RATE * 6 + BODY_RATE // 2, 6.5)])
def test_the_body_deadline_is_a_floor_or_its_length_at_the_minimum_rate(length, seconds):
    assert body_seconds(length) == seconds
    reader = RequestReader(10**7, 0.0, HEAD_SECONDS)
    assert reader.feed(post(b"", length=length)[:-0 or None], 1.0) is None or length == 0
    if length:
        assert reader.deadline == 1.0 + seconds


def test_a_body_shorter_than_its_length_is_a_408_naming_what_arrived():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(post(b"12345", length=10), 1.0) is None
    assert reader.expired(4.99) is None
    short = reader.expired(5.0)
    assert short.status == 408
    assert short.message == "the request body did not arrive within its deadline of 4 s (got 5 of 10 bytes)"


def test_a_chunked_body_too_slow_is_a_408_naming_what_arrived():
    reader = RequestReader(2 * BODY_RATE * 4, 0.0, HEAD_SECONDS)
    reader.feed(post(b"3\r\nabc\r\n", "Transfer-Encoding: chunked"), 1.0)
    assert reader.deadline == 1.0 + 8.0  # no announced length: the deadline of the largest body allowed
    late = reader.expired(9.0)
    assert late.status == 408 and late.message.endswith("deadline of 8 s (got 3 bytes)")


def test_a_client_that_closes_mid_body_gets_a_400():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    reader.feed(post(b"12345", length=10), 1.0)
    closed = refusal(reader, b"")
    assert closed.status == 400 and closed.message == ("the client closed the connection after 5 of 10 bytes of "
                                                       "the request body")


def test_a_client_that_closes_mid_chunked_body_gets_a_400():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    reader.feed(post(b"3\r\nabc\r\n", "Transfer-Encoding: chunked"), 1.0)
    assert refusal(reader, b"").message == "the client closed the connection after 3 bytes of the request body"


def test_a_client_that_closes_mid_head_gets_a_400():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    reader.feed(b"GET / HTTP/1.1\r\nHo", 1.0)
    closed = refusal(reader, b"")
    assert closed.status == 400 and "before the end of the request's headers" in closed.message


def test_a_client_that_leaves_between_requests_is_not_answered():
    with pytest.raises(EOFError):
        RequestReader(1000, 0.0, HEAD_SECONDS).feed(b"", 1.0)


@pytest.mark.parametrize(("data", "status", "says"), [
    (post(b"", "Transfer-Encoding: chunked", length=3), 400, "both Content-Length and Transfer-Encoding"),
    (post(b"", "Transfer-Encoding: gzip"), 400, "malformed request: Only Transfer-Encoding: chunked is supported"),
    (post(b"zz\r\nab\r\n", "Transfer-Encoding: chunked"), 400, "malformed request: illegal chunk header"),
    (post(b"3\r\nabcXY", "Transfer-Encoding: chunked"), 400, "malformed request"),
    (post(b"", "Content-Length: 5", length=6), 400, "malformed request"),
    (post(b"", length=1001), 413, "larger than 1000 bytes, the limit of this endpoint"),
    (post(b"", "Transfer-Encoding: chunked") + b"3e9\r\n" + b"x" * 1001, 413, "larger than 1000 bytes"),
    (b"GET / HTTP/1.1\r\n\r\n", 400, "malformed request: Missing mandatory Host: header"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "malformed request"),
    (b"GET /" + b"a" * MAX_TARGET + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "longer than 8190 bytes"),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"F%d: v\r\n" % i for i in range(MAX_FIELDS)) + b"\r\n", 431,
     "more than 100 header fields"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * MAX_HEAD, 431, "larger than 64 KiB, the limit of this endpoint"),
], ids=["cl-and-te", "gzip", "bad-chunk-size", "bad-chunk-end", "two-lengths", "too-long", "chunked-too-long",
        "no-host", "bad-name", "long-target", "many-fields", "long-head"])
def test_malformed_or_oversized_requests_are_4xx_with_a_message(data, status, says):
    problem = refusal(RequestReader(1000, 0.0, HEAD_SECONDS), data)
    assert problem.status == status and says in problem.message
    assert len(problem.message) < 300  # a message, not an echo of the request


def test_a_head_longer_than_the_limit_is_a_431_however_it_arrives():
    whole = b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * MAX_HEAD + b"\r\n\r\n"
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(whole[:MAX_HEAD], 0.0) is None
    assert refusal(reader, whole[MAX_HEAD:]).status == 431
    at_limit = b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * (MAX_HEAD - 32) + b"\r\n\r\n"
    assert len(at_limit) == MAX_HEAD
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(at_limit[:40_000], 0.0) is None and reader.feed(at_limit[40_000:] + b"GET", 0.0).method == "GET"
    follows = RequestReader(1000, 0.0, HEAD_SECONDS, at_limit + GET)
    assert follows.pending(0.0) is not None and follows.leftover() == GET


def test_a_target_and_fields_at_their_limits_are_read():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    fields = b"".join(b"F%d: v\r\n" % i for i in range(MAX_FIELDS - 1))
    request = reader.feed(b"GET /" + b"a" * (MAX_TARGET - 1) + b" HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n", 0.0)
    assert len(request.target) == MAX_TARGET and len(request.headers) == MAX_FIELDS


def test_a_body_of_exactly_the_limit_in_the_most_chunks_allowed_is_read():
    reader = RequestReader(MAX_CHUNKS, 0.0, HEAD_SECONDS)
    body = b"1\r\nx\r\n" * MAX_CHUNKS + b"0\r\n\r\n"
    assert reader.feed(post(body, "Transfer-Encoding: chunked"), 0.0).body == b"x" * MAX_CHUNKS
    one_more = RequestReader(MAX_CHUNKS + 1, 0.0, HEAD_SECONDS)
    too_many = refusal(one_more, post(body.replace(b"0\r\n\r\n", b"1\r\nx\r\n0\r\n\r\n"), "Transfer-Encoding: chunked"))
    assert too_many.status == 400 and "more than 4096 chunks" in too_many.message


def test_a_body_of_exactly_the_limit_is_read():
    reader = RequestReader(10, 0.0, HEAD_SECONDS)
    assert reader.feed(post(b"x" * 10), 0.0).body == b"x" * 10


@pytest.mark.parametrize(("head", "keep"), [("HTTP/1.1", True), ("HTTP/1.0", False),
                                            ("HTTP/1.1\r\nConnection: close", False),
                                            ("HTTP/1.1\r\nConnection: Keep-Alive, CLOSE", False)])
def test_keep_alive_follows_the_version_and_the_connection_header(head, keep):
    request = RequestReader(1000, 0.0, HEAD_SECONDS).feed(f"GET / {head}\r\nHost: x\r\n\r\n".encode(), 0.0)
    assert request.keep_alive is keep


def test_a_pipelined_request_waits_for_the_next_reader():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(GET + GET[:10], 0.0).target == "/sparql?query=ASK"
    assert reader.leftover() == GET[:10]
    following = RequestReader(1000, 5.0, 5.0, reader.leftover())
    assert following.started and following.deadline == 9.0  # its head started arriving: 4 s
    assert following.pending(5.0) is None
    assert following.feed(GET[10:], 6.0).target == "/sparql?query=ASK"
    whole = RequestReader(1000, 5.0, 5.0, GET)
    assert whole.pending(5.0).method == "GET"
    assert RequestReader(1000, 5.0, 5.0).pending(5.0) is None


def test_a_client_expecting_100_continue_is_told_to_send_its_body():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(post(b"", "Expect: 100-continue", length=3), 0.0) is None and reader.wants_continue
    chunked = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert chunked.feed(post(b"", "Expect: 100-continue", "Transfer-Encoding: chunked"), 0.0) is None
    assert chunked.wants_continue
    unasked = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert unasked.feed(post(b"", length=3), 0.0) is None and not unasked.wants_continue


@pytest.mark.parametrize("data", [b"GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n",
                                  post(b"", "Expect: 100-continue", length=0)], ids=["get", "empty-post"])
def test_a_request_without_a_body_is_not_told_to_continue(data):
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert reader.feed(data, 0.0) is not None and not reader.wants_continue


# -- the front, live in this process -----------------------------------------------------------------------

@pytest.fixture
def quick(monkeypatch):
    """The front with a 0.5 s head deadline (the 4 s one is pinned above)."""
    monkeypatch.setattr(http_reading, "HEAD_SECONDS", 0.5)
    monkeypatch.setattr(http_reading, "BODY_SECONDS", 0.5)
    from natoasia.service import front
    monkeypatch.setattr(front, "HEAD_SECONDS", 0.5)
    with serving(threads=2) as running:
        yield running


def test_a_trickling_client_is_cut_off_with_a_408_and_holds_no_thread(quick):
    front, port = quick
    sock = connect(port)
    stop = threading.Event()

    def trickle():
        for byte in b"GET /sparql?query=" + b"a" * 1000:
            if stop.wait(0.05):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return
    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        (status, _, body), seconds = timed(read_response, sock)
        assert status == 408 and b"did not arrive within 0.5 s" in body
        assert 0.4 <= seconds < 1.5
        assert front.admission.busy == 0
    finally:
        stop.set()
        sock.close()


def test_a_short_body_is_answered_408_at_its_deadline(quick):
    _, port = quick
    with connect(port) as sock:
        sock.sendall(post(b"12345", length=10))
        (status, headers, body), seconds = timed(read_response, sock)
    assert status == 408 and body == b"the request body did not arrive within its deadline of 0.5 s (got 5 of 10 bytes)\n"
    assert headers["connection"] == "close" and 0.4 <= seconds < 1.5


def test_a_silent_connection_is_closed_quietly_at_the_deadline(quick):
    _, port = quick
    with connect(port) as sock:
        started = time.monotonic()
        assert sock.recv(100) == b""
        assert 0.4 <= time.monotonic() - started < 1.5


def test_an_invalid_chunk_is_a_400_and_the_connection_closes(quick):
    _, port = quick
    with connect(port) as sock:
        sock.sendall(post(b"zz\r\n", "Transfer-Encoding: chunked"))
        status, headers, body = read_response(sock)
        assert status == 400 and body.startswith(b"malformed request: illegal chunk header")
        assert headers["content-type"] == "text/plain; charset=utf-8" and sock.recv(10) == b""


def test_an_oversized_body_is_refused_before_it_is_read_and_the_client_reads_the_413(quick):
    _, port = quick
    with connect(port) as sock:
        sock.sendall(post(b"", length=10**7) + b"x" * 200_000)  # more than the socket buffers take in one go
        status, _, body = read_response(sock)
    assert status == 413 and body == b"the request body is larger than 1000 bytes, the limit of this endpoint\n"


def test_a_client_that_hangs_up_mid_body_frees_everything(quick):
    front, port = quick
    sock = connect(port)
    sock.sendall(post(b"123", length=10))
    sock.shutdown(socket.SHUT_WR)
    status, _, body = read_response(sock)
    sock.close()
    assert status == 400 and b"after 3 of 10 bytes" in body
    deadline = time.monotonic() + 3
    while front.conns and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not front.conns and not front.admission.connections


def test_a_refusal_quotes_at_most_200_characters_of_what_h11_said():
    problem = refusal(RequestReader(1000, 0.0, HEAD_SECONDS),
                      post(b"z" * 500 + b"\r\n", "Transfer-Encoding: chunked"))
    assert problem.status == 400 and problem.message.startswith("malformed request: illegal chunk header")
    assert len(problem.message) == len("malformed request: ") + 200


def test_nothing_is_asked_to_continue_before_the_head_is_read():
    reader = RequestReader(1000, 0.0, HEAD_SECONDS)
    assert not reader.wants_continue
    reader.feed(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\n", 0.0)
    assert not reader.wants_continue
    assert not RequestReader(1000, 0.0, HEAD_SECONDS, b"POST / HTTP/1.1\r\n").wants_continue


def test_a_request_costs_no_instance_dictionary():
    """The front holds a request per connection that waits: slots, not a dict per request."""
    request = RequestReader(1000, 0.0, HEAD_SECONDS).feed(GET, 0.0)
    assert not hasattr(request, "__dict__") and not hasattr(RequestReader(1000, 0.0, 1.0), "__dict__")
