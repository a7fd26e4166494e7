"""Every route of the app, fuzzed: whatever the path, parameters, headers, method and body, the answer is
no 500, an error is said in words (plain text or a page), and what is served as RDF or as SPARQL results
parses as what it claims to be.

Hypothesis walks ``app.url_map`` through Flask's test client: each rule's variables are filled with
segments that may be percent-escapes of any byte (``%FF``), characters no IRI allows, Unicode digits
(``"²".isdigit()`` is true and ``int("²")`` fails) or long runs; each route gets its own parameters and
random ones. The bugs this found each have their regression test in ``tests/test_no_500.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: JSON-LD contexts our answers name by URL, read from their copies in tests/fixtures (no fetch from the net).
CONTEXTS = {"http://www.w3.org/ns/anno.jsonld": Path(__file__).parent / "fixtures" / "anno.jsonld"}

#: The parameters each route reads (the rest get random names too).
PARAMETERS = {
    "/sparql": ["query", "update", "default-graph-uri", "named-graph-uri", "format", "timeout", "using-graph-uri"],
    "/search": ["q", "limit", "offset", "format"],
    "/browse": ["kind", "actor", "framework", "year", "section", "page"],
    "/argument": ["section"],
    "/query": ["query"],
}
#: Values that have broken a parser somewhere: Unicode and fullwidth digits, signs, exponents, spaces,
#: long runs, characters no IRI allows, known-good values.
TRICKY = ["²", "٣", "１２", "𝟙", "-1", "+1", "1e3", " 1", "1 ", "0", "00000000000000000000001", "9" * 5000,
          "", "nan", "inf", "country/japan", "Contribution", "2008", "3", "json", "html", "ttl", "csv", "a b",
          "<>", '"', "{}", "|", "^", "`", "\\", "\x00", "\x7f", "\ufffd", "\ud7ff", "é" * 300, "ASK {}",
          "SELECT (<http://ex/f>(1) AS ?x) {}", "DESCRIBE <https://w3id.org/natoasia/id/country/japan>",
          "urn:x", "http://a b", "SELECT * { ?s ?p ?o } LIMIT 3"]
values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40))
percent_escapes = st.binary(min_size=1, max_size=4).map(lambda b: "".join(f"%{c:02X}" for c in b))
segment = st.one_of(st.sampled_from(["country", "japan", "s048", "facts", "ontology", "natoasia.ttl", "void.ttl",
                                     "a.ttl", "x.jsonld", ".nt", "0.1.0", "html", "rdf", "sentence"]),
                    st.text(max_size=12).map(lambda t: quote(t, safe="")), percent_escapes,
                    st.sampled_from(["%20", "%3C", "%3E", "%22", "%7B", "%7D", "%7C", "%5E", "%60", "%5C", "%00",
                                     "%0A", "%C2%B2", "..", ".", "%2F"]))
ACCEPTS = ["*/*", "text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
           "application/json", "text/csv", "application/sparql-results+xml", "text/tab-separated-values",
           "image/png", "text/*;q=0.1", "application/*;q=0", ";;;", "text/turtle;q=x", "*/*;q=0.0001"]
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                 "application/x-www-form-urlencoded; charset=latin-1", "multipart/form-data", "text/plain"]
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "text/tab-separated-values": ox.QueryResultsFormat.TSV}


def rules(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules())


@st.composite
def requests(draw, rule_names):
    """A request to one of the app's rules: its path filled, parameters, headers, method and body."""
    rule = draw(st.sampled_from(rule_names))
    path = re.sub(r"<(?:(path):)?[^>]+>", lambda m: "/".join(draw(st.lists(segment, min_size=1, max_size=4 if m.group(1)
                                                                                else 1))), rule)
    names = st.one_of(st.sampled_from(PARAMETERS.get(rule.rstrip("/"), ["q"])), st.text(max_size=8))
    pairs = draw(st.lists(st.tuples(names, values), max_size=5))
    query_string = "&".join(quote(n, safe="") + "=" + draw(st.one_of(st.just(quote(v, safe="")), percent_escapes))
                            for n, v in pairs)
    headers = {}
    if draw(st.booleans()):
        headers["Accept"] = draw(st.one_of(st.sampled_from(ACCEPTS), header_text))
    if draw(st.booleans()):
        headers["If-None-Match"] = draw(st.one_of(st.just("*"), header_text.map(lambda t: f'"{t}"'), header_text))
    method = draw(st.sampled_from(["GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE"]))
    body = None
    if method in ("POST", "PUT"):
        headers["Content-Type"] = draw(st.one_of(st.sampled_from(CONTENT_TYPES), header_text))
        body = draw(st.one_of(st.binary(max_size=200), values.map(lambda v: ("query=" + quote(v)).encode()),
                              values.map(str.encode)))
    return method, path + ("?" + query_string if query_string else ""), headers, body


def check(response, method: str, target: str) -> None:
    """What every answer must be: no 500, errors in words, data that parses as its media type."""
    status, mimetype, body = response.status_code, response.mimetype, response.get_data()
    where = f"{method} {target}"
    assert status < 500 or status == 503, f"{where}: {status} {body[:300]!r}"
    if status >= 400:
        assert mimetype in ("text/plain", "text/html"), f"{where}: an error served as {mimetype}"
        if method != "HEAD":
            text = body.decode("utf-8")
            assert len(text.split()) >= 3 and "Traceback" not in text, f"{where}: {text[:300]!r}"
    elif status == 200 and method != "HEAD" and mimetype in RDF_TYPES:
        list(ox.parse(with_local_context(body) if mimetype == "application/ld+json" else body,
                      format=RDF_TYPES[mimetype], base_iri="https://w3id.org/natoasia/"))
    elif status == 200 and method != "HEAD" and mimetype in RESULT_TYPES:
        ox.parse_query_results(body, format=RESULT_TYPES[mimetype])


def with_local_context(body: bytes) -> bytes:
    """A JSON-LD document whose ``@context`` names a context of :data:`CONTEXTS`, with that context inlined."""
    document = json.loads(body)
    if isinstance(document, dict) and document.get("@context") in CONTEXTS:
        context = json.loads(CONTEXTS[document["@context"]].read_text(encoding="utf-8"))["@context"]
        return json.dumps(dict(document, **{"@context": context})).encode()
    return body


@pytest.fixture(scope="module")
def rule_names(app):
    return rules(app)


def test_the_fuzzer_walks_every_route(app, rule_names):
    """The walk covers the app's whole URL map, the site's pages and the endpoint alike."""
    assert {"/sparql", "/id/<path:rest>", "/search", "/browse", "/argument", "/graph/<name>",
            "/dumps/<name>", "/ontology.<extension>"} <= set(rule_names)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_route_answers_500_or_serves_an_error_as_data(client, rule_names, data):
    method, target, headers, body = data.draw(requests(rule_names))
    response = client.open(target, method=method, headers=headers, data=body)
    try:
        check(response, method, target)
    finally:
        response.close()
