"""The article as a reader's edition (issue 18): ``/article`` assembled from the sentence resources, each sentence
marked by what the graph took from it; the sentence pages that list it; the same links as W3C Web Annotations."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.site.article_model import KINDS, mark_of, most_specific, reading_texts
from natoasia.site.sections import SECTIONS, section_of
from natoasia.stores.embedded import run_query

from .test_offline_pages import EXTERNAL, Loads

NAT = ONTOLOGY_NS
OA = "http://www.w3.org/ns/oa#"
PREFIXES = f"""PREFIX nat: <{NAT}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
#: The W3C Web Annotation JSON-LD context (w3c/web-annotation, jsonld/anno.jsonld, with its licence notice), so
#: that the annotations are read as JSON-LD without fetching http://www.w3.org/ns/anno.jsonld.
ANNO_CONTEXT = Path(__file__).parent / "fixtures" / "anno.jsonld"
SENTENCE_SPAN = re.compile(r'<span class="s[^"]*" id="(s\d+)" data-kinds="([^"]*)"><span class="t">([^<]*)</span>')


def sentences(store) -> list[dict]:
    """The graph's sentence resources in reading order: id, paragraph, offsets and quote."""
    rows = run_query(store, PREFIXES + """SELECT ?s ?id ?paragraph ?start ?end ?exact WHERE {
      ?s a nat:Sentence ; nat:sentenceId ?id ; nat:paragraph ?paragraph ; oa:hasSelector ?q, ?p .
      ?q a oa:TextQuoteSelector ; oa:exact ?exact . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    found = [{"iri": r["s"].value, "id": r["id"].value, "paragraph": int(r["paragraph"].value),
              "start": int(r["start"].value), "end": int(r["end"].value), "exact": r["exact"].value} for r in rows]
    return sorted(found, key=lambda s: s["start"])


def derived(store) -> dict[str, set[str]]:
    """Every sentence IRI with the nodes citing it (prov:wasDerivedFrom), content nodes included."""
    found: dict[str, set[str]] = {}
    for row in run_query(store, PREFIXES + "SELECT ?n ?s { ?n prov:wasDerivedFrom ?s . ?s a nat:Sentence }"):
        found.setdefault(row["s"].value, set()).add(row["n"].value)
    return found


def own_marks(store) -> dict[str, set[str]]:
    """Each sentence's marks computed here from the class hierarchy: for every non-content node citing it, the
    first of the marks (most specific first) whose class the node falls under by rdfs:subClassOf*."""
    tops = " ".join(f"(nat:{k.top} {i})" for i, k in enumerate(KINDS))
    rows = run_query(store, PREFIXES + f"""SELECT ?s ?n (MIN(?rank) AS ?first) WHERE {{
      VALUES (?top ?rank) {{ {tops} }}
      ?n prov:wasDerivedFrom ?s ; a ?class . ?s a nat:Sentence . ?class rdfs:subClassOf* ?top .
      FILTER NOT EXISTS {{ ?n a nat:Content }}
    }} GROUP BY ?s ?n""")
    marks: dict[str, set[str]] = {}
    for row in rows:
        marks.setdefault(row["s"].value.rsplit("/", 1)[-1], set()).add(KINDS[int(row["first"].value)].key)
    return marks


def visible_text(html: str) -> str:
    """The text a reader sees (without JavaScript): no tags, scripts or visually hidden labels."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def taken_section(html: str) -> str:
    return html.split('<section id="taken"', 1)[1].split('<section id="where"', 1)[0]


@pytest.fixture(scope="module")
def article_html(app) -> str:
    response = app.test_client().get("/article")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_article_is_every_sentence_of_the_graph_in_reading_order_under_its_four_headings(article_html, store):
    expected = sentences(store)
    assert len(expected) > 100
    assert [m.group(1) for m in SENTENCE_SPAN.finditer(article_html)] == [s["id"] for s in expected]
    headings = re.findall(r'<h2 id="(section-\d)-title">([^<]+)</h2>', article_html)
    assert [unescape(title) for _, title in headings] == [title for _, title in SECTIONS]
    for number, (section, _) in enumerate(headings, start=1):
        block = article_html.split(f'<section id="{section}"', 1)[1].split("</section>", 1)[0]
        ids = {m.group(1) for m in SENTENCE_SPAN.finditer(block)}
        assert ids == {s["id"] for s in expected if section_of(s["paragraph"]) == number}
    toc = article_html.split('class="reader-toc"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#(section-\d)"', toc) == [section for section, _ in headings]


def test_paragraphs_hold_the_sentences_the_graph_places_in_them(article_html, store):
    for paragraph in sorted({s["paragraph"] for s in sentences(store)}):
        block = article_html.split(f'<p id="p{paragraph}" ', 1)[1].split("</p>", 1)[0]
        assert {m.group(1) for m in SENTENCE_SPAN.finditer(block)} == \
               {s["id"] for s in sentences(store) if s["paragraph"] == paragraph}


def test_the_reading_text_is_the_quote_with_the_extractions_breaks_and_splits_joined(article_html, store):
    shown = {m.group(1): unescape(m.group(3)) for m in SENTENCE_SPAN.finditer(article_html)}
    for sentence in sentences(store):
        text = shown[sentence["id"]]
        assert "\n" not in text and "  " not in text and text == text.strip()
        # the same letters in the same order: only white space, and hyphens at line ends, may differ
        assert re.sub(r"[\s-]", "", text) == re.sub(r"[\s-]", "", sentence["exact"]), sentence["id"]


def test_line_end_hyphens_and_stray_spaces_are_joined_only_where_the_article_spells_the_word_whole():
    texts = reading_texts({
        "a": "historical and geo-\ngraphical differences", "b": "its geographical reach",
        "c": "The Asia-\nPacific is", "d": "NATO-\n led operations", "e": "who are con tributing \nto",
        "f": "countries contributing troops", "g": "in direct support of ISAF", "h": "indirect effects in it",
        "i": "mili-\ntary matters"})
    assert texts["a"] == "historical and geographical differences"
    assert texts["c"] == "The Asia-Pacific is" and texts["d"] == "NATO-led operations"
    assert texts["e"] == "who are contributing to"
    assert texts["g"] == "in direct support of ISAF"  # "in" and "direct" are words of their own
    assert texts["i"] == "mili-tary matters"  # "military" is spelt nowhere else: the hyphen stays


def test_a_node_is_marked_by_the_first_kind_its_classes_fall_under():
    supers = {NAT + "Prediction": {NAT + "Claim", NAT + "Assessment"}, NAT + "Claim": {NAT + "Assessment"},
              NAT + "Statement": {NAT + "Fact", NAT + "Proposition"}, NAT + "Summit": {NAT + "Event"},
              NAT + "Plan": {NAT + "Proposal", NAT + "Assessment"}}
    assert mark_of({NAT + "Prediction"}, supers).key == "prediction"
    assert mark_of({NAT + "Statement"}, supers).key == "position"
    assert mark_of({NAT + "Summit"}, supers).key == "event"
    assert mark_of({NAT + "Plan"}, supers).key == "proposal"  # a class added later is read from the hierarchy
    assert mark_of({NAT + "Content"}, supers) is None
    assert most_specific({NAT + "Prediction", NAT + "Claim", NAT + "Assessment"}, supers) == [NAT + "Prediction"]


def test_each_sentence_is_marked_by_what_the_graph_took_from_it(article_html, client, store):
    marks = own_marks(store)
    assert {k for ks in marks.values() for k in ks} == {k.key for k in KINDS}
    for match in SENTENCE_SPAN.finditer(article_html):
        sid, shown = match.group(1), set(match.group(2).split())
        assert marks.get(sid, set()) <= shown, sid
        if shown - marks.get(sid, set()):  # a mark beyond its own nodes comes from content it says for another
            assert "Said here, part of the argument" in client.get(f"/id/sentence/{sid}").get_data(as_text=True)


def test_every_mark_has_its_glyph_and_words_not_only_its_colour(article_html):
    legend = article_html.split('class="kinds-legend"', 1)[1].split("</ul>", 1)[0]
    for kind in KINDS:
        assert f'data-kind="{kind.key}"' in legend and kind.glyph in legend and kind.plural.capitalize() in legend
    marks = re.findall(r'<a class="m" href="/id/sentence/(s\d+)" aria-label="Sentence (\d+): ([^"]+)">(.*?)</a>',
                       article_html)
    assert len(marks) == len(SENTENCE_SPAN.findall(article_html))
    for sid, number, words, glyphs in marks:
        assert int(number) == int(sid[1:]) and words
        assert glyphs.count('aria-hidden="true"') >= 1


def test_the_legend_counts_the_sentences_of_each_kind_and_marks_only_one_kind(article_html, client):
    counts = dict(re.findall(r'data-kind="(\w+)"[^>]*>.*?<span class="count">(\d+)<', article_html))
    spans = SENTENCE_SPAN.findall(article_html)
    for kind in KINDS:
        assert int(counts[kind.key]) == sum(kind.key in kinds.split() for _, kinds, _ in spans)
    only = client.get("/article?only=proposal").get_data(as_text=True)
    assert 'class="reader only-proposal"' in only
    assert re.search(r'data-kind="proposal"[^>]*aria-current="true"', only)


@pytest.mark.parametrize("value", ["bogus", "²", "proposal" * 100, "<script>"])
def test_a_kind_the_legend_does_not_know_is_a_400_in_words(client, value):
    response = client.get("/article", query_string={"only": value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "names a kind of mark" in html and "<script>" not in html.split("<main", 1)[1]


def test_the_page_is_about_as_long_as_the_article(article_html, store):
    article = sum(len(" ".join(s["exact"].split())) for s in sentences(store))
    page = len(visible_text(article_html.split("<main", 1)[1].split("</main>", 1)[0]))
    assert article < page < 1.1 * article + 2500


def test_the_article_links_its_web_annotations_and_loads_nothing_from_another_host(article_html, client):
    assert re.search(r'<link rel="alternate" type="application/ld\+json" href="/article/annotations"', article_html)
    for html in (article_html, client.get("/id/sentence/s045", headers={"Accept": "text/html"}).get_data(as_text=True)):
        parser = Loads()
        parser.feed(html)
        assert parser.urls and [u for u in parser.urls if EXTERNAL.match(u)] == []


def test_the_article_is_first_in_the_menu(client):
    nav = client.get("/").get_data(as_text=True).split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', nav)[:2] == ["/", "/article"]


def test_a_sentence_page_lists_every_node_taken_from_it_and_every_entity_it_names(client, store):
    named: dict[str, set[str]] = {}
    for row in run_query(store, PREFIXES + "SELECT ?n ?s { ?n nat:attestedBy ?s . ?s a nat:Sentence }"):
        named.setdefault(row["s"].value, set()).add(row["n"].value)
    content = {r["c"].value for r in run_query(store, PREFIXES + "SELECT ?c { ?c a nat:Content }")}
    for sentence, nodes in derived(store).items():
        html = client.get("/id/sentence/" + sentence.rsplit("/", 1)[-1], headers={"Accept": "text/html"})
        assert html.status_code == 200
        links = set(re.findall(r'href="(/id/[^"#]+)"', taken_section(html.get_data(as_text=True))))
        wanted = {"/id/" + n[len(ID_NS):] for n in (nodes - content) | named.get(sentence, set())}
        assert wanted <= links, sentence


def test_a_sentence_page_leads_back_into_the_article_and_on_to_its_neighbours(client, store):
    order = sentences(store)
    for index in (0, 44, len(order) - 1):
        sentence = order[index]
        html = client.get(f"/id/sentence/{sentence['id']}", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert f'<a class="read-in-article" href="/article#{sentence["id"]}">Read it in the article</a>' in html
        previous = re.search(r'<a rel="prev" href="/id/sentence/(s\d+)"', html)
        following = re.search(r'<a rel="next" href="/id/sentence/(s\d+)"', html)
        assert (previous.group(1) if previous else None) == (order[index - 1]["id"] if index else None)
        assert (following.group(1) if following else None) == \
               (order[index + 1]["id"] if index + 1 < len(order) else None)
        section = section_of(sentence["paragraph"])
        assert f'href="/article#section-{section}">{section}. {SECTIONS[section - 1][1]}</a>' in unescape(html)


def test_values_read_as_a_reader_says_them(client, store):
    rows = list(run_query(store, PREFIXES + """SELECT ?s ?amount WHERE {
      ?c nat:amount ?amount ; nat:isApproximate true ; prov:wasDerivedFrom ?s }"""))
    assert rows
    for row in rows:
        html = client.get("/id/sentence/" + row["s"].value.rsplit("/", 1)[-1],
                          headers={"Accept": "text/html"}).get_data(as_text=True)
        taken = taken_section(html)
        assert f"<dd>about {int(row['amount'].value):,}</dd>" in taken
        assert not re.search(r"\^\^|xsd:|@en\b|<dt>[^<]*[a-z][A-Z]", taken)
        assert "is approximate" not in taken


def test_what_an_assessment_says_is_shown_with_its_parts_under_it(client, store):
    rows = list(run_query(store, PREFIXES + """SELECT ?s ?content ?action ?label WHERE {
      ?x a nat:Assessment ; nat:hasContent ?content ; prov:wasDerivedFrom ?s .
      ?content nat:action ?action . ?action rdfs:label ?label } ORDER BY ?s LIMIT 12"""))
    assert rows
    for row in rows:
        html = taken_section(client.get("/id/sentence/" + row["s"].value.rsplit("/", 1)[-1],
                                        headers={"Accept": "text/html"}).get_data(as_text=True))
        content = "/id/" + row["content"].value[len(ID_NS):]
        block = html.split(f'<span class="taken-kind">says</span> <a href="{content}">', 1)[1].split("</div>", 1)[0]
        assert f'href="/id/{row["action"].value[len(ID_NS):]}">{row["label"].value}</a>' in unescape(block)


def test_a_sentence_keeps_its_rdf_formats(client):
    turtle = client.get("/id/sentence/s045", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert "exact" in turtle.get_data(as_text=True)
    assert client.get("/id/sentence/s045.nt").mimetype == "application/n-triples"
    page = client.get("/id/sentence/s045.html")
    assert page.mimetype == "text/html" and 'class="read-in-article"' in page.get_data(as_text=True)
    assert page.headers["Content-Location"] == "/id/sentence/s045.html" and "s045.ttl" in page.headers["Link"]


def test_an_unknown_sentence_is_a_helpful_404(client):
    response = client.get("/id/sentence/s999", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "Nothing here" in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def annotations(app) -> dict:
    response = app.test_client().get("/article/annotations")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Content-Type"].endswith('profile="http://www.w3.org/ns/anno.jsonld"')
    return json.loads(response.get_data(as_text=True))


def test_the_annotations_are_a_web_annotation_collection(annotations, store):
    assert annotations["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotations["type"] == "AnnotationCollection"
    items = annotations["first"]["items"]
    assert annotations["first"]["type"] == "AnnotationPage" and annotations["total"] == len(items)
    assert len({item["id"] for item in items}) == len(items)
    document = next(iter(run_query(store, PREFIXES + "SELECT ?d { ?s a nat:Sentence ; oa:hasSource ?d } LIMIT 1")))
    for item in items:
        assert item["type"] == "Annotation" and item["motivation"] in ("describing", "identifying", "tagging")
        assert item["target"]["source"] == document["d"].value
        node, text = item["body"]
        assert node.startswith(ID_NS) and text["type"] == "TextualBody" and text["value"]


def test_the_annotations_parse_as_json_ld_into_the_graphs_own_selectors(annotations, store):
    document = dict(annotations, **{"@context": json.loads(ANNO_CONTEXT.read_text(encoding="utf-8"))["@context"]})
    graph: dict[tuple[str, str], set] = {}
    for quad in ox.parse(json.dumps(document).encode("utf-8"), format=ox.RdfFormat.JSON_LD):
        value = quad.object.value if not isinstance(quad.object, ox.Literal) else quad.object
        graph.setdefault((quad.subject.value, quad.predicate.value), set()).add(value)

    def one(subject: str, predicate: str):
        (value,) = graph[(subject, OA + predicate)]
        return value

    for sentence in sentences(store):
        selectors = graph[(sentence["iri"], OA + "hasSelector")]
        quote = next(s for s in selectors if (s, OA + "exact") in graph)
        position = next(s for s in selectors if (s, OA + "start") in graph)
        assert one(quote, "exact").value == sentence["exact"]
        start, end = one(position, "start"), one(position, "end")
        assert (int(start.value), int(end.value)) == (sentence["start"], sentence["end"])
        assert start.datatype.value.endswith("#integer")  # as the graph has it
    annotated = {a for (a, p), types in graph.items() if p.endswith("#type") and OA + "Annotation" in types}
    pairs = {(body, target) for a in annotated for body in graph[(a, OA + "hasBody")] for target in
             graph[(a, OA + "hasTarget")] if isinstance(body, str) and body.startswith(ID_NS)}
    expected = {(n, s) for s, nodes in derived(store).items() for n in nodes}
    expected |= {(r["n"].value, r["s"].value) for r in run_query(
        store, PREFIXES + "SELECT ?n ?s { ?n nat:attestedBy ?s . ?s a nat:Sentence }")}
    assert pairs == expected
    motivations = {OA + m for m in ("describing", "identifying", "tagging")}
    assert {m for a in annotated for m in graph[(a, OA + "motivatedBy")]} == motivations


def test_a_graph_that_cannot_be_read_is_an_error_in_words_never_a_500(app, monkeypatch):
    from natoasia.endpoint.protocol import ProtocolError

    def overrun(query):
        raise ProtocolError(503, "the query ran over its time limit of 3 s")

    monkeypatch.setitem(app.extensions, "natoasia.article", {})
    monkeypatch.setattr(app.extensions["natoasia"], "select", overrun)
    client = app.test_client()
    for path in ("/article", "/article/annotations"):
        response = client.get(path)
        assert response.status_code == 503 and "time limit" in response.get_data(as_text=True)
    response = client.get("/id/sentence/s045", headers={"Accept": "text/html"})  # the resource page asks too
    assert response.status_code == 503 and "time limit" in response.get_data(as_text=True)
