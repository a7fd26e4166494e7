"""No input is answered with a 500, and no error is served as data: one regression test for each case
the issue (and the route fuzzer, ``tests/test_route_fuzz.py``) found."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest

from natoasia.endpoint.cache import ResultCache
from natoasia.endpoint.jobs import PoolBusy, QueryMemory, WorkerLost, refusal
from natoasia.endpoint.worker import MEMORY_MESSAGE

RDF = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
EVERY_FORMAT = [{"Accept": t} for t in ["text/html", *RDF, "*/*"]] + [{}]
EXTENSIONS = ["", ".html", ".ttl", ".jsonld", ".nt", ".rdf"]


def refused_in_words(response, status: int) -> str:
    """The response is ``status`` with a message in plain text or a page, and the message."""
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.mimetype in ("text/plain", "text/html"), response.mimetype
    return response.get_data(as_text=True)


@pytest.mark.parametrize("headers", EVERY_FORMAT)
@pytest.mark.parametrize("extension", EXTENSIONS)
def test_an_iri_with_a_space_is_404_in_every_format(client, headers, extension):
    """The issue: ``/id/a%20b`` was a 500 as HTML and, as Turtle, a 200 with the error text as its body."""
    text = refused_in_words(client.get(f"/id/a%20b{extension}", headers=headers), 404)
    assert "not spell a valid IRI" in text and "Invalid IRI code point" in text


@pytest.mark.parametrize("headers", EVERY_FORMAT)
def test_an_iri_with_an_invalid_byte_is_404_in_every_format(client, headers):
    """The issue: ``/id/%FF`` as RDF (the byte is read as U+FFFD, which no IRI may hold)."""
    assert "not spell a valid IRI" in refused_in_words(client.get("/id/%FF", headers=headers), 404)
    assert "not spell a valid IRI" in refused_in_words(client.get("/id/%FF.ttl", headers=headers), 404)


@pytest.mark.parametrize("character", list('<>"{}|^`\\') + ["\x00", "\t", "\x1f", "\x7f", " "])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json"])
def test_characters_no_iri_allows_are_404(client, character, accept):
    response = client.get(f"/id/country/a{quote(character, safe='')}b", headers={"Accept": accept})
    assert "not spell a valid IRI" in refused_in_words(response, 404)


def test_a_valid_iri_the_graph_does_not_know_is_still_the_helpful_404(client):
    text = refused_in_words(client.get("/id/country/a%2520b", headers={"Accept": "text/turtle"}), 404)
    assert "says nothing about <https://w3id.org/natoasia/id/country/a%20b>" in text


@pytest.mark.parametrize("target", ["/search?q=nato&limit={}", "/search?q=nato&offset={}", "/search?format=json&q=nato&limit={}",
                                    "/browse?page={}", "/argument?section={}"])
@pytest.mark.parametrize("value", ["²", "٣", "１", "𝟙", "9" * 5000, " 1", "+1"])
def test_unicode_digits_and_long_runs_in_page_parameters_are_400(client, target, value):
    """The issue: ``"²".isdigit()`` is true and ``int("²")`` raises; ``int()`` of 5,000 digits raises too."""
    text = refused_in_words(client.get(target.format(quote(value))), 400)
    assert "must be a whole number from" in text


def test_an_unknown_extension_function_is_400_naming_it(client):
    """The issue: pyoxigraph raises RuntimeError for a function it does not know, which was a 500."""
    response = client.get("/sparql?query=" + quote("SELECT (<http://ex/f>(1) AS ?x) {}"))
    text = refused_in_words(response, 400)
    assert "<http://ex/f>" in text and "not supported" in text


@pytest.fixture
def failing_pool(app, monkeypatch):
    """The app's engine with no cache and a pool that fails as ``failing_pool(exception)`` says; what the pages
    drew once per process is forgotten too (every ``natoasia.*`` cache but the search index, opened at start)."""
    engine = app.extensions["natoasia"]
    monkeypatch.setattr(engine, "cache", ResultCache(max_bytes=0))
    for key in [key for key in app.extensions if key.startswith("natoasia.") and key not in ("natoasia.search",
                                                                                             "natoasia.metrics")]:
        monkeypatch.delitem(app.extensions, key)

    def fail_with(exception):
        def run(*args, **kwargs):
            raise exception
        monkeypatch.setattr(engine.pool, "run", run)
    return fail_with


def test_a_lost_worker_is_503_saying_it_was_replaced(client, failing_pool):
    """``WorkerLost`` was mapped to 500; the pool has replaced the worker, so the client may try again."""
    failing_pool(WorkerLost("the query worker died while evaluating the query"))
    text = refused_in_words(client.get("/sparql?query=" + quote("ASK {}")), 503)
    assert text == "the query worker died while evaluating the query; it has been replaced: try again\n"
    text = refused_in_words(client.get("/id/country/japan", headers={"Accept": "text/turtle"}), 503)
    assert "it has been replaced: try again" in text


@pytest.mark.parametrize("path", ["/browse", "/argument?section=1", "/", "/graph/facts", "/id/country/japan"])
def test_a_page_whose_query_is_refused_is_a_503_in_words(client, failing_pool, path):
    """Pages ask the engine too: a busy pool was an unhandled ProtocolError, a 500."""
    failing_pool(PoolBusy("no query worker became free within 3 s"))
    assert "no query worker became free" in refused_in_words(client.get(path), 503)


@pytest.mark.parametrize("accept", RDF + ["text/html"])
def test_a_refused_description_is_never_served_as_the_resources_rdf(app, client, monkeypatch, accept):
    """A worker answers a description it cannot give with a refusal (its memory budget): that was served
    with status 200 as the resource's Turtle."""
    engine = app.extensions["natoasia"]
    message = MEMORY_MESSAGE.format(mib=256)
    monkeypatch.setattr(engine, "describe", lambda iri, media_type: refusal(503, message))
    text = refused_in_words(client.get("/id/country/japan", headers={"Accept": accept}), 503)
    assert text == message + "\n"


def test_a_query_over_the_memory_budget_is_503_not_500(client, failing_pool):
    failing_pool(QueryMemory("the query needed more than the 256 MiB of memory a query worker may use"))
    assert "256 MiB" in refused_in_words(client.get("/sparql?query=" + quote("ASK {}")), 503)


def test_the_resource_rdf_still_parses_as_its_format(client):
    """The IRI check comes before the description; a valid IRI is described as before."""
    for media_type, fmt in zip(RDF, [ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES,
                                      ox.RdfFormat.RDF_XML]):
        response = client.get("/id/country/japan", headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == media_type
        assert len(list(ox.parse(response.data, format=fmt))) > 10
