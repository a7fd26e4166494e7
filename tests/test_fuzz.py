"""Property-based fuzzing of the protocol parameters: whatever arrives, no unexpected 5xx."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMETERS = ["query", "update", "default-graph-uri", "named-graph-uri", "format", "timeout",
              "using-graph-uri", "x-unknown"]
QUERY_PIECES = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", ".", "(", ")",
                "SERVICE", "FROM", "<urn:x>", "<https://w3id.org/natoasia/id/country/japan>", "LIMIT 3", "FILTER",
                "\"lit\"", "'x'", "#", "\\u0053", "a", "*", "GRAPH", "OPTIONAL", "UNION", "ORDER BY", "PREFIX p: <urn:p#>"]
queries = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(QUERY_PIECES), max_size=20).map(" ".join))
params = st.lists(st.tuples(st.sampled_from(PARAMETERS), st.one_of(queries, st.text(max_size=30))), max_size=6)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
content_types = st.one_of(st.none(), st.sampled_from([
    "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
    "application/sparql-query; charset=utf-16", "text/plain", "multipart/form-data", "application/json"]),
    header_text)
accepts = st.one_of(st.none(), st.sampled_from(["*/*", "text/csv", "image/png", "application/*;q=0.1",
                                                "text/turtle;q=0,*/*;q=0.5", ";;;", "text/html"]), header_text)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]),
       query_params=params, body=st.one_of(st.binary(max_size=300), queries.map(str.encode)),
       content_type=content_types, accept=accepts)
def test_no_unexpected_server_errors(client, method, query_params, body, content_type, accept):
    headers = {"Accept": accept} if accept is not None else {}
    if content_type:
        headers["Content-Type"] = content_type
    response = client.open("/sparql?" + urlencode(query_params), method=method,
                           data=body if method in ("POST", "PUT", "PATCH") else None, headers=headers)
    assert response.status_code < 500 or response.status_code == 503, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.mimetype == "text/plain"


# -- raw HTTP against a live server ------------------------------------------------------------------------

METHODS = ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "CONNECT", "TRACE", "PRI", "G\x00T", ""]
VERSIONS = ["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra", "http/1.1", "HTTP/9.9", ""]
FIELDS = st.sampled_from([
    ("Host", "x"), ("Host", ""), ("Content-Type", "application/sparql-query"),
    ("Content-Type", "application/x-www-form-urlencoded"), ("Transfer-Encoding", "chunked"),
    ("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "chunked, chunked"), ("Content-Length", "5"),
    ("Content-Length", "-1"), ("Content-Length", "0x10"), ("Content-Length", "99999999999999999999"),
    ("Content-Length", "\u00b2"), ("Expect", "100-continue"), ("Connection", "close"), ("Connection", "upgrade"),
    ("Upgrade", "h2c"), ("Accept", "text/csv"), ("X_Under_Score", "1"), ("Bad Name", "v"), ("X", "a\x00b"),
])
CHUNKS = st.lists(st.one_of(st.binary(max_size=40), st.sampled_from([b"zz\r\n", b"-1\r\n", b"fffffffffff\r\n",
                                                                    b"3;ext=1\r\nabc\r\n", b"0\r\n\r\n"])), max_size=6)
http_requests = st.builds(
    lambda method, target, version, fields, extra, body, pieces: (method, target, version, fields, extra, body, pieces),
    st.sampled_from(METHODS), st.one_of(params.map(lambda p: "/sparql?" + urlencode(p)),
                                        st.sampled_from(["/", "*", "sparql", "/id/%FF", "/healthz", "http://x/sparql"]),
                                        st.text(max_size=30).map(lambda t: "/" + t)),
    st.sampled_from(VERSIONS), st.lists(FIELDS, max_size=6),
    st.lists(st.tuples(header_text, header_text), max_size=3),
    st.one_of(queries.map(str.encode), st.binary(max_size=200), CHUNKS.map(b"".join)),
    st.integers(min_value=1, max_value=4))


def _send_raw(base: str, data: bytes, pieces: int) -> tuple[bytes, float]:
    import socket
    import time

    host, port = base.rsplit("//", 1)[1].split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        step = max(1, len(data) // pieces)
        for i in range(0, len(data), step):
            sock.sendall(data[i:i + step])
        sock.shutdown(socket.SHUT_WR)  # whatever is incomplete now is answered at once, not at a deadline
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    return reply, time.monotonic() - started


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=http_requests)
def test_any_bytes_on_the_wire_get_a_4xx_or_an_answer_in_time(live_server, request):
    """Whatever arrives as a request — methods, versions, framings, headers, chunks, bodies, in pieces —
    the server answers within its time limit (2 s) + 2 s, never with a 5xx but 503, and a refusal
    says why in words."""
    method, target, version, fields, extra, body, pieces = request
    head = f"{method} {target} {version}\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields + extra) + "\r\n"
    reply, seconds = _send_raw(live_server, head.encode("utf-8", "surrogatepass") + body, pieces)
    assert seconds < 2 + 2, (seconds, head)
    if not reply:  # nothing of a request arrived whole: closed without an answer
        return
    if reply.startswith(b"HTTP/1.1 100 "):  # the interim answer to Expect: 100-continue
        reply = reply.split(b"\r\n\r\n", 1)[1]
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 "), reply[:200]
    status = int(status_line.split()[1])
    assert status < 500 or status == 503, (status, head, reply[:300])
    if status >= 400 and method != "HEAD":
        assert any(c.isalpha() for c in rest.partition(b"\r\n\r\n")[2][:200].decode("latin-1")), reply[:300]
