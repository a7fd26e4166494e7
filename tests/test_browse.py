"""Faceted browsing (issue 10): ``/browse`` narrows the facts by kind, actor, framework, year and section."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from natoasia import ID_NS
from natoasia.site.browse import FACETS, PAGE_SIZE, facet_query
from natoasia.site.sections import SECTIONS
from natoasia.stores.embedded import run_query

PREFIXES = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


def fact_links(html: str) -> list[str]:
    return re.findall(r'<li class="fact-hit"><a href="(/id/[^"]+)">', html)


def facet_counts(html: str, facet: str) -> dict[str, int]:
    block = html.split(f'id="facet-{facet}"', 1)[1].split("</section>", 1)[0]
    return {parse_qs(urlparse(unescape(href)).query)[facet][0]: int(count)
            for href, count in re.findall(r'<a href="([^"]+)"[^>]*>[^<]*</a> <span class="count">(\d+)</span>', block)}


def test_contributions_in_afghanistan_are_found_through_isaf_the_operation_there(client, store):
    page = client.get("/browse?kind=Contribution&framework=operation/isaf")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    expected = {str(row["c"].value)[len(ID_NS) - 4:] for row in run_query(store, PREFIXES + """
        SELECT ?c WHERE { ?c a nat:Contribution ; nat:deployedIn <https://w3id.org/natoasia/id/country/afghanistan> }""")}
    assert len(expected) >= 5
    assert expected <= set(fact_links(html))
    sentences = {row["s"].value.rsplit("/", 1)[-1] for row in run_query(store, PREFIXES + """
        SELECT ?s WHERE { ?c a nat:Contribution ; nat:deployedIn <https://w3id.org/natoasia/id/country/afghanistan> ;
                             prov:wasDerivedFrom ?s }""")}
    shown = re.findall(r'<a href="/article#(s\d+)">Sentence', html)
    assert sentences <= set(shown) and len(shown) == len(set(shown))  # every sentence shown, and only once
    assert "Australia, for example, has approximately 1,000 troops deployed with NATO in Afghanistan." in html


def test_facet_counts_are_those_of_the_current_selection(client):
    everything = client.get("/browse").get_data(as_text=True)
    of_japan = client.get("/browse?actor=country/japan").get_data(as_text=True)
    all_kinds, japan_kinds = facet_counts(everything, "kind"), facet_counts(of_japan, "kind")
    assert japan_kinds["Contribution"] < all_kinds["Contribution"]
    for kind, count in japan_kinds.items():
        narrowed = client.get(f"/browse?actor=country/japan&kind={kind}").get_data(as_text=True)
        assert len(fact_links(narrowed)) == count, kind
    total = int(re.search(r'<h2 id="results-title">(\d+) facts', everything).group(1))
    assert len(fact_links(everything)) == min(total, PAGE_SIZE) and max(all_kinds.values()) <= total
    pages = [fact_links(client.get(f"/browse?page={n}").get_data(as_text=True)) for n in range(1, -(-total // PAGE_SIZE) + 1)]
    assert len({link for page in pages for link in page}) == total


def test_years_and_sections_narrow_the_facts(client, store):
    html = client.get("/browse?year=2007").get_data(as_text=True)
    assert "/id/contribution/south-korea-troops-afghanistan" in fact_links(html)
    sections = facet_counts(client.get("/browse").get_data(as_text=True), "section")
    assert set(sections) == {str(n) for n in range(1, len(SECTIONS) + 1)}
    conclusion = fact_links(client.get(f"/browse?section={len(SECTIONS)}").get_data(as_text=True))
    assert conclusion
    for link in conclusion:  # each cites at least one sentence of the last section (it may cite earlier ones too)
        paragraphs = [int(row["p"].value) for row in run_query(store, PREFIXES + f"""
            SELECT ?p WHERE {{ <{ID_NS}{link[4:]}> prov:wasDerivedFrom/nat:paragraph ?p }}""")]
        assert max(paragraphs) >= SECTIONS[-1][0], link


def test_sections_start_at_the_article_headings(store, article_text):
    """The section table is checked against the four upper-case headings of article.txt."""
    headings = [m.start() for m in re.finditer(r"(?m)^ ?[A-Z][A-Z ,’'?:-]{5,}$", article_text)]
    assert len(headings) == len(SECTIONS)
    rows = run_query(store, PREFIXES + """SELECT ?p ?start WHERE {
        ?s a nat:Sentence ; nat:paragraph ?p ; oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?start }
        ORDER BY ?start""")
    starts = [(int(r["start"].value), int(r["p"].value)) for r in rows]
    for heading, (first_paragraph, title) in zip(headings, SECTIONS):
        assert next(p for start, p in starts if start > heading) == first_paragraph, title


def test_the_selection_is_the_url_and_one_click_from_its_sparql(client):
    html = client.get("/browse?kind=Contribution&actor=country/japan").get_data(as_text=True)
    assert 'href="/browse?actor=country%2Fjapan"' in html  # removing one filter keeps the other
    href = unescape(re.search(r'<a id="as-sparql" href="([^"]+)"', html).group(1))
    assert href.startswith("/query?query=")
    query = parse_qs(urlparse(href).query)["query"][0]
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    facts = {b["fact"]["value"][len(ID_NS) - 4:] for b in answer.json["results"]["bindings"]}
    assert facts == set(fact_links(html))


@pytest.mark.parametrize("query", [
    "kind=Nope", "kind=Contribution%3E%20%7D", "actor=country/atlantis", "actor=%3Cscript%3E",
    "framework=country/japan", "year=19x9", "year=1000", "section=9", "page=0", "page=abc",
    "actor=country/japan%3E%20%7D%20UNION%20%7B%20%3Fx%20%3Fy%20%3Fz",
])
def test_unknown_facet_values_are_refused_with_a_message(client, query):
    response = client.get("/browse?" + query)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'role="alert"' in text and ("is not a value of this facet" in text or "page must be" in text)
    assert "<script>" not in text


def test_facet_queries_only_contain_known_values():
    """The query text is built from the facet table and checked values, never from the URL."""
    query = facet_query(FACETS[0], {"actor": "country/japan", "year": "2006", "section": "2"})
    assert f"<{ID_NS}country/japan>" in query and "= 2006)" in query and "= 2)" in query


ISAF = "https://w3id.org/natoasia/id/operation/isaf"


def test_the_operation_facet_follows_every_route_to_isaf_troop_contributions(client, store):
    """Troops deployed where ISAF operates (Afghanistan, or a province in it), with no recipient outside ISAF,
    and the contributions naming ISAF, are ISAF's; counted here by SPARQL from the data, not from a list."""
    html = client.get("/browse?framework=operation/isaf&kind=Contribution").get_data(as_text=True)
    expected = {str(row["c"].value)[len(ID_NS) - 4:] for row in run_query(store, PREFIXES + f"""
        PREFIX schema: <https://schema.org/>
        SELECT DISTINCT ?c WHERE {{ ?c a nat:Contribution .
          {{ ?c ?p <{ISAF}> }} UNION {{ <{ISAF}> schema:location ?area . ?c nat:deployedIn/nat:locatedIn* ?area .
            FILTER NOT EXISTS {{ ?c nat:recipient ?r FILTER(?r != <{ISAF}>)
              FILTER NOT EXISTS {{ <{ISAF}> nat:ledBy ?r }} FILTER NOT EXISTS {{ ?r nat:basedIn/nat:locatedIn* ?area }} }} }} }}""")}
    troops = {str(row["c"].value)[len(ID_NS) - 4:] for row in run_query(store, PREFIXES + """
        SELECT ?c WHERE { ?c a nat:Contribution ; nat:contributionKind ?k ; nat:deployedIn/nat:locatedIn* ?where .
          FILTER(STRENDS(STR(?k), "/troops")) }""")}
    assert len(troops) >= 4 and troops <= expected
    assert set(fact_links(html)) == expected
    assert "/id/contribution/japan-refuelling-us-forces" not in expected  # US forces are not ISAF


def test_the_actor_facet_lists_those_who_act_not_places_or_the_author(client, store):
    actors = facet_counts(client.get("/browse").get_data(as_text=True), "actor")
    author = {str(row["a"].value)[len(ID_NS):] for row in run_query(store, PREFIXES + """
        SELECT DISTINCT ?a WHERE { ?x nat:assessedBy ?a }""")}
    assert author and not author & set(actors)
    assert {"country/australia", "country/japan", "organisation/nato"} <= set(actors)
    # Afghanistan is where troops are deployed (a place), not who deploys them: only a fact where it acts counts
    assert actors.get("country/afghanistan", 0) <= 2
    kinds = client.get("/browse").get_data(as_text=True).split('id="facet-kind"', 1)[1].split("</section>", 1)[0]
    assert "Claim (the author&#39;s)" in kinds and "Proposal (the author&#39;s)" in kinds


def test_a_page_past_the_end_is_a_404_in_words(client):
    response = client.get("/browse?page=99")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "There is no page 99" in text and 'role="alert"' in text
    assert client.get("/browse?kind=Contribution&page=2").status_code == 404


def test_each_sentence_is_shown_once_with_the_facts_taken_from_it(client):
    html = client.get("/browse").get_data(as_text=True)
    quotes = re.findall(r'<blockquote class="quote"><p>([^<]*)</p>', html)
    assert quotes and len(quotes) == len(set(quotes))
    assert len(fact_links(html)) == PAGE_SIZE > len(quotes)
    assert re.search(r'<a href="/article#s\d{3}">Sentence \d+ in the article</a>', html)
