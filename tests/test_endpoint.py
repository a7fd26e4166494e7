"""The /sparql endpoint's protocol behaviour beyond the W3C suite: negotiation, errors, caching, caps."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
STATES = "SELECT ?c WHERE { ?c a <https://w3id.org/natoasia/ontology#State> } ORDER BY ?c"
DESCRIBE = "DESCRIBE <https://w3id.org/natoasia/id/country/japan>"


def get(client, query, **kwargs):
    params = kwargs.pop("params", "")
    return client.get(f"/sparql?query={quote(query)}{params}", **kwargs)


@pytest.mark.parametrize("accept,expected", [
    (None, "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/*;q=0.2, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
])
def test_select_negotiates_the_most_specific_preferred_type(client, accept, expected):
    response = get(client, STATES, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept,expected", [
    (None, "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
])
def test_describe_negotiates_rdf_formats(client, accept, expected):
    response = get(client, DESCRIBE, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == expected
    rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                     "application/rdf+xml": "xml"}[expected]
    if rdflib_format != "json-ld":
        assert len(Graph().parse(data=response.data, format=rdflib_format)) > 5


def test_nothing_acceptable_is_406(client):
    response = get(client, STATES, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "application/sparql-results+json" in response.get_data(as_text=True)
    assert get(client, STATES, headers={"Accept": "application/sparql-results+json;q=0"}).status_code == 406


def test_format_parameter_overrides_accept(client):
    response = get(client, STATES, params="&format=csv", headers={"Accept": "application/sparql-results+xml"})
    assert response.mimetype == "text/csv"
    assert get(client, STATES, params="&format=nonsense").status_code == 400


def test_union_default_graph_and_named_graphs(client):
    ask_fact = "ASK { <https://w3id.org/natoasia/id/organisation/nato> a <https://w3id.org/natoasia/ontology#Organisation> }"
    assert json.loads(get(client, ask_fact).data)["boolean"] is True  # from the entailments graph
    asserted_only = get(client, ask_fact, params="&default-graph-uri=" + quote("https://w3id.org/natoasia/graph/facts"))
    assert json.loads(asserted_only.data)["boolean"] is False
    missing = get(client, "ASK { ?s ?p ?o }", params="&default-graph-uri=" + quote("http://example.org/absent"))
    assert json.loads(missing.data)["boolean"] is False


def test_from_clause_is_honoured(client):
    query = "ASK FROM <https://w3id.org/natoasia/graph/ontology> { <https://w3id.org/natoasia/id/country/japan> ?p ?o }"
    assert json.loads(get(client, query).data)["boolean"] is False


def test_service_description_on_get_without_query(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    service = URIRef("http://localhost/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert "https://w3id.org/natoasia/graph/facts" in names and "http://kasei.us/2009/09/sparql/data/data1.rdf" in names
    assert client.get("/sparql", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"


@pytest.mark.parametrize("kwargs,status,words", [
    ({"method": "POST", "data": "ASK {}"}, 400, "Content-Type"),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415, "unsupported media type"),
    ({"method": "POST", "data": b"ASK { \xff }", "content_type": "application/sparql-query"}, 400, "UTF-8"),
    ({"method": "POST", "data": "update=CLEAR%20ALL", "content_type": "application/x-www-form-urlencoded"}, 403, "read-only"),
    ({"method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"}, 403, "read-only"),
    ({"method": "GET", "query_string": "query=ASK%7B%7D&update=CLEAR%20ALL"}, 400, "not both"),
    ({"method": "GET", "query_string": "query=INSERT%20DATA%20%7B%7D"}, 403, "read-only"),
    ({"method": "GET", "query_string": "query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%7D"}, 400, "at 1:"),
    ({"method": "DELETE"}, 405, "Method Not Allowed"),
])
def test_errors_are_plain_text_and_specific(client, kwargs, status, words):
    response = client.open("/sparql", **kwargs)
    assert response.status_code == status
    assert response.mimetype == "text/plain" and words in response.get_data(as_text=True)
    if status == 405:
        assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST", "OPTIONS"}


def test_unknown_parameters_are_ignored(client):
    assert get(client, STATES, params="&foo=bar&format=json").status_code == 200


def test_service_is_refused(client):
    response = get(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert response.status_code == 400 and "SERVICE" in response.get_data(as_text=True)
    escaped = get(client, "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert escaped.status_code == 400


def test_caps_on_query_length_body_rows_and_nesting(client, endpoint_settings):
    long_query = "ASK { " + "?s ?p ?o . " * 3000 + "}"
    assert client.post("/sparql", data=long_query, content_type="application/sparql-query").status_code == 413
    body = "query=" + "x" * (endpoint_settings.max_body_bytes + 10)
    assert client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded").status_code == 413
    rows = get(client, "SELECT * WHERE { ?s ?p ?o }")
    assert rows.status_code == 422 and "LIMIT" in rows.get_data(as_text=True)
    nested = "ASK { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }"
    response = get(client, nested)
    assert response.status_code == 400 and "deep" in response.get_data(as_text=True)


def test_cors_preflight_and_headers(client):
    response = client.options("/sparql", headers={"Origin": "http://example.org",
                                                  "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert get(client, STATES).headers["Access-Control-Allow-Origin"] == "*"


def test_etag_cache_control_and_conditional_get(client):
    first = get(client, STATES)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    again = get(client, STATES, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = get(client, STATES, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != etag


def test_head_has_headers_without_body(client):
    response = client.head(f"/sparql?query={quote(STATES)}")
    assert response.status_code == 200 and response.data == b""
    assert response.mimetype == "application/sparql-results+json"


def test_healthz_and_metrics(client):
    assert client.get("/healthz").status_code == 200
    get(client, STATES)
    text = client.get("/metrics").get_data(as_text=True)
    for name in ("natoasia_requests_total", "natoasia_request_duration_seconds_bucket",
                 "natoasia_query_timeouts_total", "natoasia_worker_restarts_total"):
        assert name in text
    assert 'route="/sparql",status="200"' in text


def test_access_log_line_per_query(client, caplog):
    with caplog.at_level(logging.INFO, logger="natoasia.access"):
        get(client, STATES)
    line = next(r.getMessage() for r in caplog.records if r.name == "natoasia.access")
    assert line.startswith("query=") and "status=200" in line and "rows=14" in line and "ms=" in line


def test_graph_parameter_that_is_not_an_iri_is_400(client):
    """Regression (found by tests/test_fuzz.py): an empty default-graph-uri used to crash the query worker."""
    response = client.get("/sparql?query=ASK%7B%7D&default-graph-uri=")
    assert response.status_code == 400 and "not an absolute IRI" in response.get_data(as_text=True)
