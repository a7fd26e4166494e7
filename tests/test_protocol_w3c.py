"""The W3C SPARQL 1.1 Protocol test suite (../shared/w3c-sparql11-protocol) against the app.

Every query test and every bad_* test applies to a read-only endpoint; the positive update_*
tests do not. Data files are loaded as the named graphs the manifest names, as ``--load`` does.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .conftest import W3C

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


def manifest() -> Graph:
    if not (W3C / "manifest.ttl").is_file():
        return Graph()
    return Graph().parse(W3C / "manifest.ttl", format="turtle")


MANIFEST = manifest()
TESTS = sorted(
    (str(t).rsplit("#", 1)[-1], t) for t in MANIFEST.subjects(RDF.type, MF.ProtocolTest)
    if not str(t).rsplit("#", 1)[-1].startswith("update_"))


def requests_of(test):
    action = MANIFEST.value(test, MF.action)
    return list(MANIFEST.items(MANIFEST.value(action, HT.requests)))


def send(client, request):
    method = str(MANIFEST.value(request, HT.methodName))
    path = str(MANIFEST.value(request, HT.absolutePath))
    headers = {str(MANIFEST.value(h, HT.fieldName)): str(MANIFEST.value(h, HT.fieldValue))
               for h in MANIFEST.items(MANIFEST.value(request, HT.headers))} if MANIFEST.value(request, HT.headers) else {}
    body = MANIFEST.value(request, HT.body)
    data = None
    if body is not None:
        encoding = str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(MANIFEST.value(body, CNT.chars)).encode("utf-16" if encoding.upper() == "UTF-16" else "utf-8")
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    others = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    return client.open(path, method=method, data=data, headers=others, content_type=content_type)


def status_ok(status: int, expected: set) -> bool:
    return any(str(e).endswith(f"StatusCode{status // 100}xx") for e in expected)


def boolean_of(response) -> bool:
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.data)["boolean"]
    root = ET.fromstring(response.data)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_suite_has_twenty_query_tests_and_seven_bad_update_tests():
    names = [name for name, _ in TESTS]
    assert len([n for n in names if n.startswith(("query_", "bad_query", "bad_multiple_queries"))]) == 20
    assert len([n for n in names if n.startswith(("bad_update", "bad_multiple_updates"))]) == 7


@pytest.mark.parametrize("name,test", TESTS, ids=[name for name, _ in TESTS])
def test_w3c_protocol(name, test, client):
    for request in requests_of(test):
        response = send(client, request)
        expected = MANIFEST.value(request, HT.resp)
        assert status_ok(response.status_code, set(MANIFEST.objects(expected, MF.expectedStatus))), \
            f"{name}: {response.status_code} {response.data[:200]!r}"
        fmt = MANIFEST.value(expected, MF.expectedFormat)
        if fmt is not None:
            allowed = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}[str(fmt)]
            assert response.mimetype in allowed, f"{name}: {response.mimetype}"
        boolean = MANIFEST.value(expected, MF.expectedBoolean)
        if boolean is not None:
            assert boolean_of(response) is boolean.toPython(), name
        if response.status_code >= 400:
            assert response.mimetype == "text/plain" and response.data.strip(), name
