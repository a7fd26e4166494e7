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
