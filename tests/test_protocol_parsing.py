"""Reading SPARQL 1.1 Protocol requests: each malformed request gets its own status and message.

These call ``read_query_request`` on requests built by Flask's test machinery, with no store and no
workers, so they are the fast tests that kill ``endpoint/protocol.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import pytest
from flask import Flask, request

from natoasia.endpoint.protocol import LIMITS, READ_ONLY, Limits, ProtocolError, read_query_request, shown

MAX_BODY, MAX_QUERY = 200, 100
FORM = "application/x-www-form-urlencoded"
APP = Flask(__name__)


def read(path="/sparql", method="GET", limits=LIMITS, **kwargs):
    with APP.test_request_context(path, method=method, **kwargs):
        return read_query_request(request, MAX_BODY, MAX_QUERY, limits)


def refused(path="/sparql", method="GET", limits=LIMITS, **kwargs) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        read(path, method, limits, **kwargs)
    return caught.value


def test_get_query_with_its_dataset():
    q = read("/sparql?query=ASK%7B%7D&default-graph-uri=urn:a&default-graph-uri=urn:b&named-graph-uri=urn:c"
             "&x-unknown=1")
    assert (q.query, q.default_graphs, q.named_graphs, q.timeout) == ("ASK{}", ["urn:a", "urn:b"], ["urn:c"], None)
    assert (q.solution_format, q.graph_format) == ("application/sparql-results+json", "text/turtle")


def test_get_without_query_is_not_an_error():
    q = read("/sparql")
    assert q.query is None and q.default_graphs == [] and q.named_graphs == []


def test_form_post_reads_url_and_body_parameters():
    q = read("/sparql?default-graph-uri=urn:a", "POST", data="query=ASK%7B%7D&named-graph-uri=urn:n",
             content_type=FORM)
    assert (q.query, q.default_graphs, q.named_graphs) == ("ASK{}", ["urn:a"], ["urn:n"])


def test_a_get_never_reads_its_body():
    q = read("/sparql", "GET", data="query=ASK%7B%7D", content_type=FORM)
    assert q.query is None


def test_form_post_charset_must_be_utf8():
    for charset in ("utf-8", "UTF-8", "utf8", "utf_8"):
        assert read("/sparql", "POST", data="query=ASK%7B%7D", content_type=f"{FORM}; charset={charset}").query == "ASK{}"
    error = refused("/sparql", "POST", data="query=ASK%7B%7D", content_type=f"{FORM}; charset=latin-1")
    assert error.status == 400 and "charset=latin-1 is not supported" in error.message


def test_direct_post_body_is_the_query():
    assert read("/sparql", "POST", data="ASK {}".encode(), content_type="application/sparql-query").query == "ASK {}"
    error = refused("/sparql", "POST", data=b"ASK {}", content_type="application/sparql-query; charset=iso-8859-1")
    assert error.status == 400 and "charset=iso-8859-1" in error.message


def test_direct_post_body_not_utf8():
    error = refused("/sparql", "POST", data=b"ASK {\xff}", content_type="application/sparql-query")
    assert error.status == 400 and error.message.startswith("the request body is not valid UTF-8 (byte 5)")


def test_form_body_not_utf8():
    error = refused("/sparql", "POST", data=b"query=\xff", content_type=FORM)
    assert error.status == 400 and "the request body is not valid UTF-8 (byte 6)" in error.message
    error = refused("/sparql", "POST", data=b"query=%FF", content_type=FORM)
    assert error.status == 400 and error.message == "the form data is not valid UTF-8 once percent-decoded"


def test_url_not_utf8():
    error = refused("/sparql", environ_overrides={"QUERY_STRING": "query=\xff"})
    assert error.status == 400 and "the URL query string is not valid UTF-8 (byte 6)" in error.message
    error = refused("/sparql?query=%FF")
    assert error.status == 400 and error.message == "the URL query string is not valid UTF-8 once percent-decoded"


def test_post_media_types():
    error = refused("/sparql", "POST", data=b"ASK {}")
    assert error.status == 400 and "needs a Content-Type" in error.message
    error = refused("/sparql", "POST", data=b"INSERT DATA {}", content_type="application/sparql-update")
    assert (error.status, error.message) == (403, READ_ONLY)
    error = refused("/sparql", "POST", data=b"{}", content_type="application/json")
    assert error.status == 415 and "unsupported media type application/json" in error.message


def test_updates_are_refused_as_read_only():
    for parameter in ("update", "using-graph-uri", "using-named-graph-uri"):
        error = refused(f"/sparql?{parameter}=x")
        assert (error.status, error.message) == (403, READ_ONLY), parameter
        error = refused("/sparql", "POST", data=f"{parameter}=x", content_type=FORM)
        assert (error.status, error.message) == (403, READ_ONLY), parameter
    error = refused("/sparql?query=ASK%7B%7D&update=x")
    assert error.status == 400 and "either a query or an update" in error.message
    error = refused("/sparql?update=x", "POST", data=b"ASK {}", content_type="application/sparql-query")
    assert error.status == 400 and "either a query or an update" in error.message


def test_one_query_only():
    error = refused("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert (error.status, error.message) == (400, "the request carries 2 queries; send exactly one")
    error = refused("/sparql?query=ASK%7B%7D", "POST", data=b"ASK {}", content_type="application/sparql-query")
    assert (error.status, error.message) == (400, "the request carries 2 queries; send exactly one")


def test_query_size_limit_counts_utf8_bytes():
    assert read("/sparql", "POST", data=("#" * MAX_QUERY).encode(), content_type="application/sparql-query").query
    error = refused("/sparql", "POST", data=("#" * (MAX_QUERY + 1)).encode(), content_type="application/sparql-query")
    assert error.status == 413 and f"longer than {MAX_QUERY} bytes" in error.message
    two_bytes = "é" * (MAX_QUERY // 2 + 1)  # fewer characters than the limit, more bytes
    assert refused("/sparql", "POST", data=two_bytes.encode(), content_type="application/sparql-query").status == 413


def test_body_size_limit():
    exactly = "query=" + "#" * (MAX_BODY - 6)
    assert len(exactly) == MAX_BODY
    with pytest.raises(ProtocolError) as caught:  # fits the body limit, not the query limit
        read("/sparql", "POST", data=exactly, content_type=FORM)
    assert caught.value.status == 413 and "the query is longer" in caught.value.message
    error = refused("/sparql", "POST", data=exactly + "#", content_type=FORM)
    assert error.status == 413 and f"body is larger than {MAX_BODY} bytes" in error.message


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    import io

    stream = io.BytesIO(b"ASK {}")  # the client claims more than it sends: nothing is read
    error = refused("/sparql", "POST", content_type="application/sparql-query",
                    environ_overrides={"wsgi.input": stream, "CONTENT_LENGTH": str(MAX_BODY + 1)})
    assert error.status == 413 and "body is larger" in error.message and stream.tell() == 0


def test_blank_parameters_are_kept():
    assert read("/sparql", "POST", data="query=&x=1", content_type=FORM).query == ""
    assert read("/sparql?query=&x=1").query == ""


def test_body_size_limit_without_content_length():
    """A chunked body has no Content-Length: the limit is enforced on what is read."""
    import io

    def chunked(size: int):
        body = b"#" * size
        return {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True, "CONTENT_LENGTH": ""}

    assert read("/sparql", "POST", content_type="application/sparql-query", environ_overrides=chunked(MAX_QUERY)).query
    error = refused("/sparql", "POST", content_type="application/sparql-query", environ_overrides=chunked(MAX_BODY + 1))
    assert error.status == 413 and "body is larger" in error.message
    assert refused("/sparql", "POST", content_type="application/sparql-query",
                   environ_overrides=chunked(MAX_BODY)).message.startswith("the query is longer")


def test_timeout_parameter():
    assert read("/sparql?query=ASK%7B%7D&timeout=2.5").timeout == 2.5
    assert read("/sparql?query=ASK%7B%7D&timeout=9&timeout=0.5").timeout == 0.5
    for bad in ("abc", ""):
        error = refused(f"/sparql?query=ASK%7B%7D&timeout={bad}")
        assert (error.status, error.message) == (400, f"timeout={bad!r} is not a number of seconds")
    error = refused("/sparql?query=ASK%7B%7D&timeout=3&timeout=soon")
    assert error.message == "timeout='soon' is not a number of seconds"
    for bad in ("0", "-1", "nan"):
        error = refused(f"/sparql?query=ASK%7B%7D&timeout={bad}")
        assert (error.status, error.message) == (400, "timeout must be a positive number of seconds"), bad


def test_graph_parameters_are_absolute_iris():
    for parameter in ("default-graph-uri", "named-graph-uri"):
        error = refused(f"/sparql?query=ASK%7B%7D&{parameter}=relative")
        assert error.status == 400 and error.message.startswith(f"{parameter}='relative' is not an absolute IRI")


def test_format_overrides_accept_for_its_kind_only():
    q = read("/sparql?query=ASK%7B%7D&format=csv", headers={"Accept": "application/sparql-results+xml, text/turtle"})
    assert (q.solution_format, q.graph_format) == ("text/csv", "text/turtle")
    q = read("/sparql?query=ASK%7B%7D&format=json&format=ntriples",
             headers={"Accept": "application/rdf+xml, text/tab-separated-values"})
    assert (q.solution_format, q.graph_format) == ("text/tab-separated-values", "application/n-triples")
    error = refused("/sparql?query=ASK%7B%7D&format=png")
    assert error.status == 400 and error.message.startswith("format='png' is unknown")
    error = refused("/sparql?query=ASK%7B%7D&format=json&format=png")  # the last one counts, and is named
    assert error.status == 400 and error.message.startswith("format='png' is unknown")
    q = read("/sparql?query=ASK%7B%7D&format=png&format=tsv")
    assert q.solution_format == "text/tab-separated-values"


def test_accept_decides_without_format():
    q = read("/sparql?query=ASK%7B%7D", headers={"Accept": "image/png"})
    assert (q.solution_format, q.graph_format) == (None, None)
    q = read("/sparql?query=ASK%7B%7D", headers={"Accept": "application/rdf+xml, text/csv;q=0.5"})
    assert (q.solution_format, q.graph_format) == ("text/csv", "application/rdf+xml")


def test_a_long_url_is_414_before_it_is_parsed():
    limits = Limits(url=40)
    exactly = "query=ASK%7B%7D&" + "x" * 24
    assert len(exactly) == 40 and read("/sparql?" + exactly, limits=limits).query == "ASK{}"
    error = refused("/sparql?" + exactly + "%FF", limits=limits)  # not decoded: refused for its length
    assert (error.status, error.message) == (414, "the URL's query string is longer than 40 bytes, the limit of "
                                                  "this endpoint; send the query by POST")


def test_parameters_are_counted_over_the_url_and_the_form_body():
    """Jetty caps Fuseki's form keys (maxFormKeys); here the URL's and the body's parameters count together."""
    limits = Limits(parameters=4)
    assert read("/sparql?a=1&b=2", "POST", limits, data="query=ASK%7B%7D&c=3", content_type=FORM).query == "ASK{}"
    assert read("/sparql", "POST", limits, data="query=ASK%7B%7D&a&b&c", content_type=FORM).query == "ASK{}"
    assert read("/sparql?query=ASK%7B%7D&a&b&c", limits=limits).query == "ASK{}"
    for target, body in (("/sparql?a=1&b=2", "query=ASK%7B%7D&c=3&d"), ("/sparql?a&b&c&d&e", "")):
        error = refused(target, "POST", limits, data=body, content_type=FORM)
        assert (error.status, error.message) == (413, "the request has more than 4 parameters, the limit of this "
                                                      "endpoint")
    assert refused("/sparql?query=ASK%7B%7D&a&b&c&d", limits=limits).status == 413


def test_graph_iris_are_counted_for_each_parameter():
    limits = Limits(graphs=2)
    q = read("/sparql?query=ASK%7B%7D&default-graph-uri=urn:a&default-graph-uri=urn:b&named-graph-uri=urn:c"
             "&named-graph-uri=urn:d", limits=limits)
    assert (q.default_graphs, q.named_graphs) == (["urn:a", "urn:b"], ["urn:c", "urn:d"])
    for parameter in ("default-graph-uri", "named-graph-uri"):
        error = refused(f"/sparql?query=ASK%7B%7D&{parameter}=urn:a&{parameter}=urn:b&{parameter}=urn:c", limits=limits)
        assert (error.status, error.message) == (400, f"the request names 3 graphs by {parameter}; the limit of this "
                                                      "endpoint is 2")


def test_a_graph_iri_is_measured_in_utf8_bytes():
    limits = Limits(graph_iri=20)
    assert read("/sparql?query=ASK%7B%7D&named-graph-uri=urn:" + "x" * 16, limits=limits).named_graphs
    for parameter in ("default-graph-uri", "named-graph-uri"):
        for iri in ("urn:" + "x" * 17, "urn:" + "é" * 9):  # 21 bytes; 13 characters, 22 bytes
            error = refused(f"/sparql?query=ASK%7B%7D&{parameter}={iri}", limits=limits)
            assert (error.status, error.message) == (400, f"{parameter}={iri!r} is longer than 20 bytes, the limit "
                                                          "of this endpoint")


def test_graph_iris_are_counted_and_measured_before_any_is_validated():
    error = refused("/sparql?query=ASK%7B%7D&default-graph-uri=a&default-graph-uri=b", limits=Limits(graphs=1))
    assert error.message.startswith("the request names 2 graphs")
    error = refused("/sparql?query=ASK%7B%7D&named-graph-uri=relative&named-graph-uri=" + "y" * 30,
                    limits=Limits(graph_iri=20))
    assert "is longer than 20 bytes" in error.message


def test_the_format_and_timeout_values_read_are_bounded():
    limits = Limits(value=10)
    error = refused("/sparql?query=ASK%7B%7D&format=" + "x" * 11, limits=limits)
    assert (error.status, error.message) == (400, f"format={'x' * 11!r} is longer than 10 characters")
    assert refused("/sparql?query=ASK%7B%7D&format=" + "x" * 10, limits=limits).message.startswith(
        f"format={'x' * 10!r} is unknown")
    error = refused("/sparql?query=ASK%7B%7D&timeout=" + "1" * 11, limits=limits)
    assert (error.status, error.message) == (400, f"timeout={'1' * 11!r} is longer than 10 characters")
    assert read("/sparql?query=ASK%7B%7D&timeout=" + "0" * 9 + "2", limits=limits).timeout == 2.0
    q = read("/sparql?query=ASK%7B%7D&format=" + "x" * 50 + "&format=csv&timeout=" + "9" * 50 + "&timeout=1",
             limits=limits)  # only the last value of each counts, and is measured
    assert (q.solution_format, q.timeout) == ("text/csv", 1.0)
    for name in ("format", "timeout"):  # the last value is the one measured, and quoted
        error = refused(f"/sparql?query=ASK%7B%7D&{name}=1&{name}=" + "y" * 11, limits=limits)
        assert error.message == f"{name}={'y' * 11!r} is longer than 10 characters"


def test_refusals_quote_long_values_shortly():
    assert shown("x" * 60) == repr("x" * 60) and shown("x" * 61) == repr("x" * 60) + "… (61 characters)"
    error = refused("/sparql?query=ASK%7B%7D&format=" + "x" * 200)
    assert error.message.startswith(f"format={'x' * 60!r}… (200 characters) is unknown")
    error = refused("/sparql?query=ASK%7B%7D&default-graph-uri=" + "r" * 100)
    assert error.message.startswith(f"default-graph-uri={'r' * 60!r}… (100 characters) is not an absolute IRI")


def test_default_limits_are_the_documented_ones():
    """README, "Errors": the limits a request meets, each with its status."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"more than ([\d ]+) parameters\), 414 \(a URL query string over (\d+) KiB[^)]*\)", readme)
    graphs = re.search(r"more than (\d+) `default-graph-uri` or `named-graph-uri` values, or one longer than "
                       r"([\d ]+) bytes; a\s+`format` or `timeout` longer than (\d+) characters", readme)
    assert documented and graphs
    assert LIMITS.value == int(graphs[3])
    assert (LIMITS.parameters, LIMITS.url) == (int(documented[1].replace(" ", "")), int(documented[2]) * 1024)
    assert (LIMITS.graphs, LIMITS.graph_iri) == (int(graphs[1]), int(graphs[2].replace(" ", "")))
