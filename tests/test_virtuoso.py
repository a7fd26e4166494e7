"""The same interface in front of an external store: Virtuoso Open Source, loaded by ``natoasia load``."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from .test_competency_questions import CQ_FILES, expected_rows


def solution_rows(body: bytes) -> tuple[list[str], list[list[str]]]:
    """A JSON result as the competency tests compare it (compact IRIs, literal values)."""
    from natoasia.results import term_text
    from natoasia.stores.external import term as _term

    data = json.loads(body)
    variables = data["head"]["vars"]
    return variables, [[term_text(_term(b[v])) if v in b else "" for v in variables] for b in data["results"]["bindings"]]


@pytest.mark.parametrize("query_file", CQ_FILES, ids=lambda p: p.stem)
def test_competency_question_through_virtuoso(query_file, external_client):
    query = query_file.read_text(encoding="utf-8")
    response = external_client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    header, expected = expected_rows(query_file.with_suffix(".expected.tsv"))
    variables, actual = solution_rows(response.data)
    assert variables == header
    assert sorted(actual) == sorted(expected)


def test_service_is_refused_in_front_of_the_store(external_client):
    response = external_client.get("/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))
    assert response.status_code == 400 and "SERVICE" in response.get_data(as_text=True)


def test_row_cap_holds_in_front_of_the_store(external_client):
    # One row more than the cap (500 in the fixture): the store answers at once, the cap refuses it.
    response = external_client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 501"))
    assert response.status_code == 422, response.get_data(as_text=True)


def test_resource_pages_through_the_store(external_client):
    turtle = external_client.get("/id/country/japan", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    triples = list(ox.parse(turtle.data, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value.endswith("/sentence/s051") for t in triples)
    html = external_client.get("/id/country/japan", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Tokyo has supported peace" in html


def test_time_limit_holds_in_front_of_the_store(external_client):
    import time

    started = time.monotonic()
    response = external_client.get("/sparql?query=" + quote(
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"))
    assert response.status_code == 503 and time.monotonic() - started < 3 + 1
