"""Search (issues 10 and 18): the FTS5 index written by ``natoasia build`` and the ``/search`` page — stems and
prefixes, every word then any word, other names as synonyms, results grouped by kind, "did you mean"."""

from __future__ import annotations

import re
import shutil
from html import unescape

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.dataset.files import SEARCH_INDEX
from natoasia.dataset.search_index import WINDOW, Query, SearchError, SearchIndex, index_rows, write_index
from natoasia.site.search import int_arg, marked

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
VALUE, TYPE = ox.NamedNode(RDF + "value"), ox.NamedNode(RDF + "type")
CITES = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
PAGES = ["/", "/downloads", "/ontology", "/query", "/browse", "/argument", "/pictures", "/id/country/japan", "/search?q=japan"]


def _iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID_NS + path)


def _nat(name: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY_NS + name)


def _t(s, p, o) -> ox.Triple:
    return ox.Triple(s, p, ox.Literal(o, language="en") if isinstance(o, str) else o)


def _index(tmp_path, triples) -> SearchIndex:
    path = tmp_path / SEARCH_INDEX
    write_index(path, triples)
    return SearchIndex(path)


def _iris(answer) -> list[str]:
    return [hit.iri.removeprefix(ID_NS) for hit in answer.hits]


def _with_every_word(answer) -> list[str]:
    return [hit.iri.removeprefix(ID_NS) for group in answer.groups for hit in group.hits]


#: A small graph with the shape of the real one: classes and their labels, entities with other names, facts citing
#: sentences, a claim saying something through a content node.
SAMPLE = [
    *[_t(_nat(c), SUBCLASS, _nat(parent)) for c, parent in (
        ("State", "Location"), ("State", "Actor"), ("Operation", "Event"), ("Contribution", "Fact"),
        ("Claim", "Assessment"))],
    *[_t(_nat(c), LABEL, c.lower()) for c in ("State", "Operation", "Contribution", "Claim", "Sentence", "Content")],
    _t(_iri("country/quebec"), TYPE, _nat("State")),
    _t(_iri("country/quebec"), LABEL, "Québec City"),
    _t(_iri("country/quebec"), ALT, "Kébèk"),
    _t(_iri("country/singapore"), TYPE, _nat("State")),
    _t(_iri("country/singapore"), LABEL, "Singapore"),
    _t(_iri("country/seoul-state"), TYPE, _nat("State")),
    _t(_iri("country/seoul-state"), LABEL, "South Korea"),
    _t(_iri("country/usa"), TYPE, _nat("State")),
    _t(_iri("country/usa"), LABEL, "United States"),
    _t(_iri("country/usa"), ALT, "US"),
    _t(_iri("operation/isaf"), TYPE, _nat("Operation")),
    _t(_iri("operation/isaf"), LABEL, "International Security Assistance Force"),
    _t(_iri("operation/isaf"), ALT, "ISAF"),
    _t(_iri("concept/troops"), LABEL, "troops"),
    _t(_iri("concept/police"), LABEL, "police activities"),
    _t(_iri("group/makers"), LABEL, "policy makers"),
    _t(_iri("contribution/singapore"), TYPE, _nat("Contribution")),
    _t(_iri("contribution/singapore"), LABEL, "Singapore: very small contingent deployed in Afghanistan"),
    _t(_iri("contribution/singapore"), _nat("contributionKind"), _iri("concept/troops")),
    _t(_iri("contribution/singapore"), _nat("contributor"), _iri("country/singapore")),
    _t(_iri("contribution/singapore"), CITES, _iri("sentence/s001")),
    _t(_iri("contribution/korea"), TYPE, _nat("Contribution")),
    _t(_iri("contribution/korea"), LABEL, "A contribution withdrawn in 2007"),
    _t(_iri("contribution/korea"), _nat("contributor"), _iri("country/seoul-state")),
    _t(_iri("contribution/korea"), CITES, _iri("sentence/s002")),
    _t(_iri("claim/summit"), TYPE, _nat("Claim")),
    _t(_iri("claim/summit"), LABEL, "A summit in Quebec mattered"),
    _t(_iri("claim/summit"), _nat("hasContent"), _iri("content/pirates")),
    _t(_iri("claim/summit"), CITES, _iri("sentence/s001")),
    _t(_iri("content/pirates"), TYPE, _nat("Content")),
    _t(_iri("content/pirates"), LABEL, "fighting maritime piracy near the refuelling missions"),
    _t(_iri("content/pirates"), CITES, _iri("sentence/s001")),
    *[_t(_iri(f"sentence/{s}"), TYPE, _nat("Sentence")) for s in ("s001", "s002", "s003")],
    *[_t(_iri(f"sentence/{s}"), LABEL, f"Sentence {s}") for s in ("s001", "s002", "s003")],
    _t(_iri("sentence/s001"), VALUE, "Leaders met in QUEBEC & <elsewhere>; the troops supported ISAF for us."),
    _t(_iri("sentence/s002"), VALUE, "Seoul withdrew its contingent in 2007, just in time."),
    _t(_iri("sentence/s003"), VALUE, "The International Security Assistance Force has ties to the US."),
    _t(_iri("sentence/s001#quote"), LABEL, "Quote of Quebec"),
    ox.Triple(ox.BlankNode("b0"), LABEL, ox.Literal("Quebec blank", language="en")),
]


@pytest.fixture
def sample(tmp_path) -> SearchIndex:
    return _index(tmp_path, SAMPLE)


def test_user_text_becomes_quoted_words_never_fts5_syntax():
    assert Query.read("Korea").all_words() == '"Korea"*'
    assert Query.read('" OR NEAR(a b) label:x* -y ^z').all_words() == (  # "OR" is a common word, left out
        '"NEAR"* + "a" AND "b" AND "label"* + "x" AND "y" AND "z"')
    assert Query.read("lessons of 9/11 Asia-Pacific").any_word() == '"lessons"* OR "9" + "11" OR "Asia"* + "Pacific"*'
    for bad in ("", "   ", '"*():^', "x" * 201, " ".join(["w"] * 13)):
        with pytest.raises(SearchError):
            Query.read(bad)


def test_common_words_are_left_out_unless_there_is_nothing_else():
    query = Query.read("who pays for police in Afghanistan")
    assert [p[0] for p in query.phrases] == ["pays", "police", "Afghanistan"] and query.dropped == ("who", "for", "in")
    assert Query.read("who is it").phrases == (("who",), ("is",), ("it",))


def test_search_ignores_accents_and_case_and_matches_prefixes(sample):
    for text in ("quebec", "QUÉBEC", "québ", "kebek", "Kébèk"):
        assert _iris(sample.search(text))[0] == "country/quebec", text
    assert _with_every_word(sample.search("city quebec")) == ["country/quebec"]
    assert sample.search("quebex").suggestion == "Quebec"  # as the names spell it, not the sentence


def test_words_match_whatever_their_ending_and_short_stems_match_whole(sample):
    assert "contribution/singapore" in _iris(sample.search("troop"))  # its kind of contribution, troops
    assert "claim/summit" in _iris(sample.search("refueling"))  # one l: the same stem as "refuelling"
    assert "country/singapore" in _iris(sample.search("singap"))  # a beginning
    assert "sentence/s003" in _iris(sample.search("ties"))
    assert "sentence/s002" not in _iris(sample.search("ties"))  # "ties" is "ti", which must not find "time"
    assert _iris(sample.search("police")) == ["concept/police"]  # a whole word: not "policy"
    assert set(_iris(sample.search("polici"))) == {"group/makers"}  # "policy" and "policies" are "polici"


def test_results_are_grouped_by_kind_from_the_classes_and_typed_in_words(sample):
    answer = sample.search("quebec")
    assert [g.key for g in answer.groups] == ["places", "argument", "facts", "sentences"]
    assert [g.title for g in answer.groups][0] == "Countries and places"
    assert [(h.iri.removeprefix(ID_NS), h.type) for h in answer.hits] == [
        ("country/quebec", "state"), ("claim/summit", "claim"), ("contribution/singapore", "contribution"),
        ("sentence/s001", "sentence")]
    assert answer.total == 4 and answer.hits[1].cites == ID_NS + "sentence/s001"


def test_what_a_claim_says_is_found_with_the_claim_not_as_a_result_of_its_own(sample):
    found = _iris(sample.search("maritime piracy"))
    assert "claim/summit" in found and "content/pirates" not in found


def test_a_fact_is_found_by_the_words_of_its_sentence_and_a_sentence_by_what_was_taken_from_it(sample):
    assert _iris(sample.search("Seoul withdrew"))[:2] == ["contribution/korea", "sentence/s002"]
    assert "sentence/s002" in _iris(sample.search("South Korea 2007"))  # the sentence says "Seoul"


def test_other_names_are_synonyms_both_ways_and_acronyms_count_only_in_capitals(sample):
    assert "sentence/s003" in _iris(sample.search("ISAF"))  # the sentence spells the name out
    assert "sentence/s001" in _iris(sample.search("International Security Assistance Force"))  # it says "ISAF"
    assert "sentence/s003" in _iris(sample.search("United States"))  # "the US"
    assert "sentence/s001" not in _iris(sample.search("United States"))  # "for us" is not the US


def test_every_word_first_then_any_word(sample):
    answer = sample.search("Singapore Kébèk")
    assert answer.match == "any" and answer.groups and set(_iris(answer)) >= {"country/quebec", "country/singapore"}
    assert _with_every_word(sample.search("Singapore contingent")) == ["contribution/singapore"]


def test_words_nothing_has_are_left_out_and_named(sample):
    answer = sample.search("Singapore zzzz contingent")
    assert answer.searched.missing == ("zzzz",) and answer.suggestion is None
    assert _with_every_word(answer) == ["contribution/singapore"]


def test_when_few_results_have_every_word_results_with_some_of_them_follow(sample):
    answer = sample.search("Singapore troops")
    assert answer.match == "some"
    assert _iris(answer)[0] == "contribution/singapore" and all(h.complete for g in answer.groups for h in g.hits)
    assert "country/singapore" in [h.iri.removeprefix(ID_NS) for g in answer.partial for h in g.hits]
    assert not any(h.complete for g in answer.partial for h in g.hits)


def test_a_misspelt_word_is_corrected_to_the_nearest_indexed_word(sample):
    answer = sample.search("Singapur")
    assert answer.suggestion == "Singapore" and _iris(answer)[0] == "country/singapore"
    assert sample.search("pirate").suggestion == "piracy"
    assert sample.search("zzzz").suggestion is None and sample.search("zzzz").match == "none"


def test_matches_are_highlighted_as_they_matched_and_everything_else_escaped(sample):
    sentence = [h for h in sample.search("quebec").hits if h.group == "sentences"][0]
    assert str(marked(sentence.text)) == ("Leaders met in <mark>QUEBEC</mark> &amp; &lt;elsewhere&gt;; the troops "
                                          "supported ISAF for us.")
    assert "<mark>refuelling</mark>" in str(marked(sample.search("refueling").hits[0].about))


def test_selectors_blank_nodes_and_ontology_terms_are_indexed_as_they_should_be(sample):
    rows = {row.iri.removeprefix(ID_NS): row for row in index_rows(SAMPLE)}
    assert "sentence/s001#quote" not in rows and not any("blank" in row.label for row in rows.values())
    assert rows[ONTOLOGY_NS + "State"].group == "terms"


def test_a_search_matching_most_of_a_large_index_counts_all_and_ranks_a_bounded_window(tmp_path):
    triples = [_t(_nat("State"), SUBCLASS, _nat("Location"))]
    for i in range(WINDOW + 100):
        triples += [_t(_iri(f"fact/f{i}"), LABEL, f"State fact {i}"), _t(_iri(f"fact/f{i}"), CITES, _iri("sentence/s1"))]
    triples += [_t(_iri(f"country/c{i}"), TYPE, _nat("State")) for i in range(30)]
    triples += [_t(_iri(f"country/c{i}"), LABEL, f"State {i}") for i in range(30)]
    index = _index(tmp_path, triples)
    answer = index.search("state")
    assert answer.total == WINDOW + 130 and [(g.key, g.count) for g in answer.groups] == [("places", 30), ("facts", WINDOW + 100)]
    page = index.search("state", group="facts", limit=40, offset=WINDOW - 40)
    assert len(page.hits) == 40 and all(h.group == "facts" for h in page.hits)
    assert _with_every_word(index.search("state 7")) == ["country/c7", "fact/f7"]
    with pytest.raises(SearchError):
        index.search("state", group="facts", limit=20, offset=WINDOW - 10)


def test_answers_are_kept_since_the_index_never_changes_while_served(tmp_path):
    kept, not_kept = _index(tmp_path, SAMPLE), SearchIndex(tmp_path / SEARCH_INDEX, cache=0)
    assert kept.search("quebec") is kept.search("quebec") and kept.search("quebec") is not kept.search("québec")
    assert not_kept.search("quebec") is not not_kept.search("quebec")
    assert not_kept.search("quebec") == not_kept.search("quebec")


def test_the_index_file_is_byte_reproducible(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    write_index(tmp_path / "a" / SEARCH_INDEX, SAMPLE)
    write_index(tmp_path / "b" / SEARCH_INDEX, list(reversed(SAMPLE)))
    assert (tmp_path / "a" / SEARCH_INDEX).read_bytes() == (tmp_path / "b" / SEARCH_INDEX).read_bytes()


def test_build_writes_the_index_and_singapore_is_found_first(built):
    answer = SearchIndex(built / SEARCH_INDEX).search("singapore")
    assert answer.hits[0].iri == ID_NS + "country/singapore" and answer.groups[0].key == "places"
    assert {"facts", "sentences"} <= {g.key for g in answer.groups}


@pytest.mark.parametrize("text, found", [
    ("ISAF", "operation/isaf"), ("pirate", "concept/threat/maritime-piracy"), ("Afganistan", "country/afghanistan"),
    ("Singapur", "country/singapore"), ("Japan refueling", "contribution/japan-refuelling-us-forces"),
    ("Seoul hostage crisis", "event/south-korea-hostage-crisis")])
def test_the_built_index_finds_what_a_reader_means(built, text, found):
    assert ID_NS + found in [h.iri for h in SearchIndex(built / SEARCH_INDEX).search(text).hits][:10]


def test_the_index_is_opened_when_the_app_starts_not_per_request(built, tmp_path):
    """The serving process may lose file access after start-up: searches must not open files."""
    from natoasia.endpoint.settings import Settings
    from natoasia.service.app import create_app

    copy = tmp_path / "dataset"
    shutil.copytree(built, copy)
    app = create_app(Settings(dataset=copy, workers=1))
    try:
        (copy / SEARCH_INDEX).unlink()
        response = app.test_client().get("/search?q=Singapur&format=json")
        assert response.status_code == 200 and response.json["results"][0]["label"] == "Singapore"
    finally:
        app.extensions["natoasia"].close()


def test_search_page_in_html_and_json(client):
    page = client.get("/search?q=Singapore")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert '<a class="hit-title" href="/id/country/singapore"><mark>Singapore</mark></a>' in text
    assert "<mark>Singapore</mark> has deployed a very small contingent" in text
    by_accept = client.get("/search?q=singapore", headers={"Accept": "application/json"})
    by_format = client.get("/search?q=singapore&format=json")
    assert by_accept.mimetype == by_format.mimetype == "application/json"
    assert by_accept.json == by_format.json
    first = by_format.json["results"][0]
    assert first == {"iri": ID_NS + "country/singapore", "kind": "resource", "group": "places", "type": "state",
                     "label": "Singapore", "altLabel": None, "text": None, "source": None,
                     "page": "/id/country/singapore", "browse": "/browse?actor=country%2Fsingapore", "everyWord": True}
    assert by_format.json["groups"][0]["key"] == "places" and by_format.json["match"] == "all"


def test_results_are_grouped_on_the_page_with_counts_and_links_to_browse_facets(client):
    html = client.get("/search?q=troops+Afghanistan").get_data(as_text=True)
    groups = re.findall(r'<details class="result-group[^"]*" id="group-(\w+)"', html)
    assert groups[0] == "facts" and len(groups) == len(set(groups)) >= 3
    facts = html.split('id="group-facts"', 1)[1].split("</details>", 1)[0]
    assert '/id/contribution/singapore-contingent-afghanistan"' in facts
    assert re.search(r'<span class="count">\(\d+\)</span>', facts)
    browse = re.search(r'<a href="(/browse\?kind=Contribution)">Browse all (\d+) contributions</a>', facts)
    assert browse and f"{int(browse.group(2))} facts" in client.get(browse.group(1)).get_data(as_text=True)
    for href in set(re.findall(r'href="(/browse\?[^"]+)"', html)):
        assert client.get(unescape(href)).status_code == 200, href  # only selections /browse accepts


def test_the_page_says_when_not_every_word_matched_and_what_was_corrected(client):
    html = unescape(client.get("/search?q=contributing+countries+say").get_data(as_text=True))
    assert "No result has all of “contributing countries say”; showing results with any of them." in html
    html = unescape(client.get("/search?q=Afganistan").get_data(as_text=True))
    assert 'Did you mean\n  <a href="/search?q=Afghanistan">Afghanistan</a>?' in html
    html = unescape(client.get("/search?q=who+pays+for+police+in+Afghanistan").get_data(as_text=True))
    assert "Left out as too common: who, for, in." in html and "Did you mean" not in html
    assert "No result has “pays”; showing results for “police Afghanistan”." in html
    assert html.index("/id/contribution/japan-law-and-order-trust-fund") < html.index('id="some-words"')


def test_search_pages_through_a_group(client):
    whole = client.get("/search?q=nato&group=facts&format=json&limit=100").json
    first = client.get("/search?q=nato&group=facts&format=json&limit=5").json
    second = client.get("/search?q=nato&group=facts&format=json&limit=5&offset=5").json
    assert whole["total"] > 10 and {r["group"] for r in whole["results"]} == {"facts"}
    assert [r["iri"] for r in first["results"] + second["results"]] == [r["iri"] for r in whole["results"][:10]]
    html = client.get("/search?q=nato&group=facts&limit=5").get_data(as_text=True)
    assert 'rel="next" href="/search?q=nato&amp;group=facts&amp;offset=5&amp;limit=5"' in html


@pytest.mark.parametrize("query, message", [
    ("q=%22%2A%28%29", "no letters or digits"),
    ("q=" + "a%20" * 13, "at most 12"),
    ("q=" + "a" * 201, "the limit is 200"),
    ("q=nato&limit=0", "limit must be a whole number from 1 to 100"),
    ("q=nato&limit=%C2%B2", "limit must be a whole number"),
    ("q=nato&offset=-1", "offset must be a whole number"),
    ("q=nato&format=xml", "format must be json or html"),
    ("q=nato&group=nowhere", "group must be one of"),
])
def test_bad_search_input_is_a_400_with_a_message(client, query, message):
    as_json = client.get("/search?" + query, headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and message in as_json.get_data(as_text=True)
    if "format=" not in query:
        as_html = client.get("/search?" + query)
        assert as_html.status_code == 400 and message in unescape(as_html.get_data(as_text=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.lists(st.sampled_from(['"', "*", "^", ":", "(", ")", "+", "-", "NEAR", "OR", "AND", "NOT", "quebec", "troops",
                                  "Singapur", "ISAF", "9/11", "zzzz"]), max_size=14).map(" ".join))
def test_any_search_text_is_an_answer_or_a_reason_never_an_error(sample, text):
    """FTS5 syntax, control characters, scripts of every kind: a search answers, or says why it cannot."""
    try:
        answer = sample.search(text)
    except SearchError as exc:
        assert str(exc)
    else:
        assert answer.match in ("all", "some", "any", "none") and answer.total >= len(answer.hits)


def test_whole_numbers_in_the_url_are_ascii_digits_only():
    assert int_arg({"n": "12"}, "n", 1, 1, 100) == 12 and int_arg({}, "n", 7, 1, 100) == 7
    for raw in ("²", "١٢", "1e3", " 1", "+1", "0x1", "9" * 30):
        with pytest.raises(SearchError):
            int_arg({"n": raw}, "n", 1, 1, 100)


def test_search_text_is_escaped_on_the_page(client):
    text = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_every_page_has_the_search_box(client):
    for path in PAGES:
        text = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert '<form class="search-box" role="search" action="/search" method="get">' in text, path
        assert 'name="q"' in text, path
