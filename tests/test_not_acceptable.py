"""406 wherever nothing the client accepts can be served, caps on every query form, and pages that
show every section (templates are strict under test: ``NATOASIA_STRICT_TEMPLATES``, set in conftest).

Regression tests for the survivors of issue 12's mutation audit.
"""

from __future__ import annotations

from markupsafe import escape
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask import render_template_string
from jinja2 import UndefinedError

from natoasia.site.descriptions import Describer

JAPAN = "https://w3id.org/natoasia/id/country/japan"
STATES = "SELECT ?s WHERE { ?s a <https://w3id.org/natoasia/ontology#State> } ORDER BY ?s"


def get(client, query: str, accept: str | None = None, params: str = ""):
    return client.get(f"/sparql?query={quote(query)}{params}", headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize("query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
                                   f"DESCRIBE <{JAPAN}>"])
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv, image/png",
                                    "text/turtle;q=0, application/*;q=0, */*;q=0"])
def test_graph_query_with_no_acceptable_rdf_type_is_406(client, query, accept):
    response = get(client, query, accept)
    assert response.status_code == 406, response.get_data(as_text=True)[:200]
    assert response.mimetype == "text/plain" and "text/turtle" in response.get_data(as_text=True)


def test_graph_query_follows_the_most_specific_range(client):
    response = get(client, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
                   "text/turtle;q=0, */*;q=0.5")
    assert response.status_code == 200 and response.mimetype == "application/n-triples"


def test_solutions_follow_the_most_specific_range_issue_12(client):
    response = get(client, STATES, "application/sparql-results+json;q=0, */*;q=0.5")
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+xml"


def test_graph_row_cap(client, endpoint_settings):
    cap = endpoint_settings.max_rows
    triples = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT %d"
    at_cap = get(client, triples % cap, "application/n-triples")
    assert at_cap.status_code == 200
    assert len(list(ox.parse(at_cap.get_data(), format=ox.RdfFormat.N_TRIPLES))) == cap
    over = get(client, triples % (cap + 1), "application/n-triples")
    assert over.status_code == 422 and f"more than {cap} triples" in over.get_data(as_text=True)
    describe = get(client, "DESCRIBE ?s WHERE { ?s ?p ?o }", "text/turtle")
    assert describe.status_code == 422 and "triples" in describe.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "image/png", "text/turtle;q=0, */*;q=0"])
def test_service_description_with_no_acceptable_type_is_406(client, accept):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 406 and response.mimetype == "text/plain"
    assert "text/turtle" in response.get_data(as_text=True)


def test_service_description_follows_the_most_specific_range(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle;q=0, */*;q=0.5"})
    assert response.status_code == 200 and response.mimetype == "application/n-triples"


@pytest.mark.parametrize("path", ["/id/country/japan", "/ontology"])
@pytest.mark.parametrize("accept", ["application/json", "image/png", "text/html;q=0, text/turtle;q=0, */*;q=0"])
def test_documents_with_no_acceptable_type_are_406(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406 and response.mimetype == "text/plain"


def test_resource_follows_the_most_specific_range(client):
    response = client.get("/id/country/japan", headers={"Accept": "text/html;q=0, */*;q=0.5"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"


def test_templates_are_strict_under_test(app):
    """A name the template does not know is an error, not an empty string."""
    with app.test_request_context("/"):
        assert render_template_string("{{ known }}", known="x") == "x"
        with pytest.raises(UndefinedError):
            render_template_string("{% if page.incominng %}x{% endif %}", page=object())


@pytest.mark.parametrize("path", ["/organisation/nato", "/country/japan", "/place/asia-pacific"])
def test_resource_page_shows_every_incoming_relation(client, app, path):
    """The "Referred to by" section lists each node that points at the resource and is not a fact."""
    iri = "https://w3id.org/natoasia/id" + path
    outcome = app.extensions["natoasia"].describe(iri, "application/n-triples")
    from natoasia.site.links import local

    with app.test_request_context("/"):
        page = Describer(list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)), local).page(iri)
    body = client.get("/id" + path, headers={"Accept": "text/html"}).get_data(as_text=True)
    if page.incoming:
        assert "Referred to by" in body
    for node, predicate in page.incoming:
        assert f'<a href="{escape(node.href)}">{escape(node.text)}</a> — {escape(predicate)}' in body
    for fact in page.facts:
        assert f'<a href="{escape(fact.node.href)}">{escape(fact.node.text)}</a>' in body


def test_some_resource_has_incoming_relations(client, app):
    """Keeps the test above from passing vacuously."""
    from natoasia.site.links import local

    found = 0
    with app.test_request_context("/"):
        for path in ["/organisation/nato", "/country/japan", "/place/asia-pacific"]:
            iri = "https://w3id.org/natoasia/id" + path
            outcome = app.extensions["natoasia"].describe(iri, "application/n-triples")
            found += len(Describer(list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)), local).page(iri).incoming)
    assert found > 0
