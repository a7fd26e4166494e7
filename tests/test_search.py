"""Search (issue 10): the FTS5 index written by ``natoasia build`` and the ``/search`` page."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.search_index import WINDOW, SearchError, SearchIndex, fts_query, write_index
from natoasia.site.search import marked

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
VALUE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CITES = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
PAGES = ["/", "/downloads", "/ontology", "/query", "/browse", "/argument", "/pictures", "/id/country/japan", "/search?q=japan"]


def _iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID_NS + path)


def _index(tmp_path, triples) -> SearchIndex:
    path = tmp_path / SEARCH_INDEX
    write_index(path, triples)
    return SearchIndex(path)


SAMPLE = [
    ox.Triple(_iri("place/quebec"), LABEL, ox.Literal("Québec City", language="en")),
    ox.Triple(_iri("place/quebec"), ALT, ox.Literal("Kébèk", language="fr")),
    ox.Triple(_iri("fact/quebec-summit"), LABEL, ox.Literal("A summit in Quebec", language="en")),
    ox.Triple(_iri("fact/quebec-summit"), CITES, _iri("sentence/s001")),
    ox.Triple(_iri("sentence/s001"), TYPE, ox.NamedNode(ONTOLOGY_NS + "Sentence")),
    ox.Triple(_iri("sentence/s001"), LABEL, ox.Literal("Sentence s001", language="en")),
    ox.Triple(_iri("sentence/s001"), VALUE, ox.Literal("Leaders met in QUEBEC & <elsewhere>.", language="en")),
    ox.Triple(_iri("sentence/s001#quote"), LABEL, ox.Literal("Quote of Quebec", language="en")),
    ox.Triple(ox.BlankNode("b0"), LABEL, ox.Literal("Quebec blank", language="en")),
]


def test_user_text_becomes_quoted_prefix_terms_never_fts5_syntax():
    assert fts_query('Korea') == '"Korea"*'
    assert fts_query('" OR NEAR(a b) label:x* -y ^z') == '"OR"* "NEAR"* "a"* "b"* "label"* "x"* "y"* "z"*'
    for bad in ("", "   ", '"*():^', "x" * 201, " ".join(["w"] * 13)):
        with pytest.raises(SearchError):
            fts_query(bad)


def test_search_ignores_accents_and_case_and_matches_prefixes(tmp_path):
    index = _index(tmp_path, SAMPLE)
    for text in ("quebec", "QUÉBEC", "québ", "kebek", "Kébèk"):
        total, hits = index.search(text)
        assert total >= 1 and hits[0]["iri"] == ID_NS + "place/quebec", text
    assert index.search("city quebec")[0] == 1  # every word is required, in any order
    assert index.search("quebex")[0] == 0


def test_resources_rank_before_facts_before_sentences_and_selectors_are_not_indexed(tmp_path):
    total, hits = _index(tmp_path, SAMPLE).search("quebec")
    assert [h["kind"] for h in hits] == ["resource", "fact", "sentence"] and total == 3
    assert hits[1]["cites"] == ID_NS + "sentence/s001"


def test_matches_are_highlighted_and_everything_else_escaped(tmp_path):
    _, hits = _index(tmp_path, SAMPLE).search("quebec")
    html = str(marked(hits[2]["text"]))
    assert html == "Leaders met in <mark>QUEBEC</mark> &amp; &lt;elsewhere&gt;."


def test_a_search_matching_most_of_a_large_index_ranks_the_best_kinds_first_and_counts_all(tmp_path):
    triples = [ox.Triple(_iri(f"fact/f{i}"), LABEL, ox.Literal(f"State fact {i}")) for i in range(WINDOW + 100)]
    triples += [ox.Triple(_iri(f"fact/f{i}"), CITES, _iri("sentence/s1")) for i in range(WINDOW + 100)]
    triples += [ox.Triple(_iri(f"country/c{i}"), LABEL, ox.Literal(f"State {i}")) for i in range(30)]
    index = _index(tmp_path, triples)
    total, hits = index.search("state", limit=40)
    assert total == WINDOW + 130
    assert [h["kind"] for h in hits] == ["resource"] * 30 + ["fact"] * 10
    assert index.search("state 7")[0] == sum(str(i).startswith("7") for i in [*range(WINDOW + 100), *range(30)])
    with pytest.raises(SearchError):
        index.search("state", limit=20, offset=WINDOW - 10)


def test_the_index_file_is_byte_reproducible(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    write_index(tmp_path / "a" / SEARCH_INDEX, SAMPLE)
    write_index(tmp_path / "b" / SEARCH_INDEX, list(reversed(SAMPLE)))
    assert (tmp_path / "a" / SEARCH_INDEX).read_bytes() == (tmp_path / "b" / SEARCH_INDEX).read_bytes()


def test_build_writes_the_index_and_singapore_is_found_first(built):
    index = SearchIndex(built / SEARCH_INDEX)
    total, hits = index.search("singap")
    assert hits[0]["iri"] == ID_NS + "country/singapore" and hits[0]["kind"] == "resource"
    kinds = [h["kind"] for h in hits]
    assert "fact" in kinds and "sentence" in kinds
    assert kinds == sorted(kinds, key=["resource", "term", "fact", "sentence"].index)
    assert total >= len(hits)


def test_the_index_is_opened_when_the_app_starts_not_per_request(built, tmp_path):
    """The serving process may lose file access after start-up: searches must not open files."""
    from natoasia.service.app import create_app
    from natoasia.endpoint.settings import Settings

    copy = tmp_path / "dataset"
    shutil.copytree(built, copy)
    app = create_app(Settings(dataset=copy, workers=1), start=False)
    (copy / SEARCH_INDEX).unlink()
    response = app.test_client().get("/search?q=singapore&format=json")
    assert response.status_code == 200 and response.json["results"][0]["label"] == "Singapore"


def test_search_page_in_html_and_json(client):
    page = client.get("/search?q=Singapore")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert '<a href="/id/country/singapore"><mark>Singapore</mark></a>' in text
    assert "<mark>Singapore</mark> has deployed a very small contingent" in text
    by_accept = client.get("/search?q=singapore", headers={"Accept": "application/json"})
    by_format = client.get("/search?q=singapore&format=json")
    assert by_accept.mimetype == by_format.mimetype == "application/json"
    assert by_accept.json == by_format.json
    first = by_format.json["results"][0]
    assert first == {"iri": ID_NS + "country/singapore", "kind": "resource", "label": "Singapore", "altLabel": None,
                     "text": None, "source": None, "page": "/id/country/singapore"}


def test_search_pages_through_results(client):
    whole = client.get("/search?q=nato&format=json&limit=100").json
    first = client.get("/search?q=nato&format=json&limit=5").json
    second = client.get("/search?q=nato&format=json&limit=5&offset=5").json
    assert whole["total"] > 10
    assert [r["iri"] for r in first["results"] + second["results"]] == [r["iri"] for r in whole["results"][:10]]


@pytest.mark.parametrize("query, message", [
    ("q=%22%2A%28%29", "no letters or digits"),
    ("q=" + "a%20" * 13, "at most 12"),
    ("q=" + "a" * 201, "the limit is 200"),
    ("q=nato&limit=0", "limit must be a whole number from 1 to 100"),
    ("q=nato&offset=-1", "offset must be a whole number"),
    ("q=nato&format=xml", "format must be json or html"),
])
def test_bad_search_input_is_a_400_with_a_message(client, query, message):
    as_json = client.get("/search?" + query, headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and message in as_json.get_data(as_text=True)
    if "format=" not in query:
        as_html = client.get("/search?" + query)
        assert as_html.status_code == 400 and message in as_html.get_data(as_text=True)


def test_search_text_is_escaped_on_the_page(client):
    text = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_every_page_has_the_search_box(client):
    for path in PAGES:
        text = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert '<form class="search-box" role="search" action="/search" method="get">' in text, path
        assert 'name="q"' in text, path
