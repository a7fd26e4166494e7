"""The quote check on an invented text and a graph built here, so that it runs where the article is
absent (and without conftest.py: ``pytest --noconftest``, as the mutation runs do)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from natoasia import ID_NS
from natoasia.dataset.checks.findings import Finding
from natoasia.dataset.checks.quotes import find_article, paragraph_of, paragraph_spans, quote_findings
from natoasia.dataset.sources import SOURCE_DIRS, Sources
from natoasia.namespaces import NAT, OA

SENT = Namespace(ID_NS + "sentence/")

# Laid out as pdftotext writes a PDF: a heading line with a stray leading space, blanks before line
# ends, words split by a space, a word hyphenated across a line, a paragraph cut by a page break, and
# a two-line paragraph in capitals (a quoted signal, not a heading).
TEXT = (" LIGHTHOUSE KEEPING\n"
        "\n"
        "The first keepers of the northern light lived on the rock for six \n"
        "months at a time. Their log books record storms, pass ing ships and the \n"
        "price of lamp oil. \n"
        "\n"
        "Later the light was auto mated, and the keepers left the is-\n"
        "land for good. Who reads their logs now? \n"
        "\n"
        "SIGNALS AT SEA\n"
        "\n"
        "The museum in the har bour keeps them in a glass case beside the \n"
        "\n"
        "great lens, which still turns once a minute.\n"
        "\n"
        'A LOG ENTRY READ ALOUD: "FOG.\n'
        'NO SHIPS."\n')

#: sentence id → (its quote, its paragraph).
SENTENCES = {
    "s001": ("The first keepers of the northern light lived on the rock for six \nmonths at a time.", 1),
    "s002": ("Their log books record storms, pass ing ships and the \nprice of lamp oil.", 1),
    "s003": ("Later the light was auto mated, and the keepers left the is-\nland for good.", 2),
    "s004": ("Who reads their logs now?", 2),
    "s005": ("The museum in the har bour keeps them in a glass case beside the \n\n"
             "great lens, which still turns once a minute.", 3),
    "s006": ('A LOG ENTRY READ ALOUD: "FOG.\nNO SHIPS."', 4),
}
FILE = "graph/sentences.ttl"


def sentence_graph(**changes: dict) -> Graph:
    """The sentences of ``TEXT``, each quoted where it stands, with its paragraph and folded value;
    ``changes`` maps a sentence id to the values that differ (``exact``, ``start``, ``end``,
    ``paragraph``, ``value``), ``None`` leaving a value out (``quote``/``position``: the selector)."""
    graph = Graph()
    for name, (exact, paragraph) in SENTENCES.items():
        start = TEXT.index(exact)
        values = {"exact": exact, "start": start, "end": start + len(exact), "paragraph": paragraph,
                  "quote": True, "position": True, **changes.get(name, {})}
        values.setdefault("value", " ".join((values["exact"] or exact).split()))
        sentence, quote, position = SENT[name], URIRef(SENT[name] + "#quote"), URIRef(SENT[name] + "#position")
        graph.add((sentence, RDF.type, NAT.Sentence))
        selectors = ((quote, "quote", OA.TextQuoteSelector, {OA.exact: values["exact"]}),
                     (position, "position", OA.TextPositionSelector,
                      {OA.start: values["start"], OA.end: values["end"]}))
        for selector, key, kind, facts in selectors:
            if values[key] is None:
                continue
            graph.add((sentence, OA.hasSelector, selector))
            graph.add((selector, RDF.type, kind))
            for predicate, value in facts.items():
                if value is not None:
                    graph.add((selector, predicate, _literal(value)))
        for predicate, key in ((NAT.paragraph, "paragraph"), (RDF.value, "value")):
            if values[key] is not None:
                graph.add((sentence, predicate, _literal(values[key])))
    return graph


def _literal(value) -> Literal:
    return value if isinstance(value, Literal) else Literal(value)


def check(tmp_path: Path, graph: Graph, text: str = TEXT) -> list[Finding]:
    """The quote check on ``graph`` against ``text``, with the graph as the one source file ``FILE``."""
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    sources = Sources(root=tmp_path, files={kind: {} for kind in SOURCE_DIRS})
    sources.files["graph"][tmp_path / FILE] = graph
    return quote_findings(graph, article, sources)


def offsets(name: str) -> tuple[int, int]:
    exact = SENTENCES[name][0]
    return TEXT.index(exact), TEXT.index(exact) + len(exact)


def differs(name: str, start: int, end: int, exact: str | None = None) -> Finding:
    """The finding for a quote that is not ``TEXT[start:end]``, spelt out as the report shows it."""
    exact = SENTENCES[name][0] if exact is None else exact
    return Finding(check="quote", file=FILE, focus=str(SENT[name]), path=str(OA.exact), value=exact[:60],
                   message=f"quote differs from article.txt[{start}:{end}] = {TEXT[start:end][:60]!r}")


def not_a_span(name: str, start, end) -> Finding:
    return Finding(check="quote", file=FILE, focus=str(SENT[name]), path=str(OA.start), value=f"{start}:{end}",
                   message=f"oa:start {start} and oa:end {end} are not a span of article.txt ({len(TEXT)} characters)")


def lacks_selector(name: str) -> Finding:
    return Finding(check="quote", file=FILE, focus=str(SENT[name]),
                   message="sentence lacks a text-quote or text-position selector")


# --- paragraphs ---------------------------------------------------------------------------------------


def test_paragraphs_are_blank_line_blocks_without_headings_joined_across_a_page_break():
    spans = paragraph_spans(TEXT)
    assert [TEXT[start:end] for start, end in spans] == [
        "The first keepers of the northern light lived on the rock for six \nmonths at a time. Their log books "
        "record storms, pass ing ships and the \nprice of lamp oil.",
        "Later the light was auto mated, and the keepers left the is-\nland for good. Who reads their logs now?",
        "The museum in the har bour keeps them in a glass case beside the \n\n"
        "great lens, which still turns once a minute.",
        'A LOG ENTRY READ ALOUD: "FOG.\nNO SHIPS."']


def test_a_one_line_paragraph_in_lower_case_is_kept_and_a_page_break_after_a_full_stop_is_not_joined():
    text = "TITLE\n\nShort.\n\nNext one.\n\nAnd a third that runs on over the\n\npage.\n\nLast.\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Short.", "Next one.", "And a third that runs on over the\n\npage.", "Last."]


def test_paragraph_of_numbers_from_one_and_places_gaps_and_headings_in_none():
    spans = paragraph_spans(TEXT)
    assert paragraph_of(0, spans) is None  # the heading
    assert paragraph_of(TEXT.index("The first"), spans) == 1
    assert paragraph_of(spans[0][1] - 1, spans) == 1
    assert paragraph_of(spans[0][1], spans) is None  # the blank after paragraph 1
    assert paragraph_of(TEXT.index("Who reads"), spans) == 2
    assert paragraph_of(TEXT.index("SIGNALS"), spans) is None
    assert paragraph_of(TEXT.index("great lens"), spans) == 3  # after the page break
    assert paragraph_of(TEXT.index("NO SHIPS"), spans) == 4
    assert paragraph_of(len(TEXT), spans) is None


# --- quotes -------------------------------------------------------------------------------------------


def test_every_sentence_quoted_where_it_stands_gives_no_finding(tmp_path):
    assert check(tmp_path, sentence_graph()) == []


def test_a_quote_at_the_very_start_and_one_at_the_very_end_of_the_text_are_spans(tmp_path):
    text = SENTENCES["s001"][0] + " " + SENTENCES["s002"][0]
    graph = sentence_graph(s001={"start": 0, "end": len(SENTENCES["s001"][0]), "paragraph": None},
                           s002={"start": len(text) - len(SENTENCES["s002"][0]), "end": len(text), "paragraph": None})
    for name in ("s003", "s004", "s005", "s006"):
        graph.remove((SENT[name], None, None))
    assert check(tmp_path, graph, text) == []


def test_offsets_shifted_by_one_give_the_changed_text_at_those_offsets(tmp_path):
    start, end = offsets("s001")
    findings = check(tmp_path, sentence_graph(s001={"start": start + 1, "end": end + 1}))
    assert findings == [differs("s001", start + 1, end + 1)]
    assert findings[0].message == ("quote differs from article.txt[22:106] = 'he first keepers of the northern "
                                   "light lived on the rock for'")
    assert findings[0].value == "The first keepers of the northern light lived on the rock fo"


def test_a_changed_quote_is_reported_with_the_text_at_its_offsets(tmp_path):
    changed = "The first keepers of the southern light lived on the rock for six \nmonths at a time."
    start, end = offsets("s001")
    assert check(tmp_path, sentence_graph(s001={"exact": changed})) == [differs("s001", start, end, changed)]


@pytest.mark.parametrize("start, end", [(len(TEXT) - 5, len(TEXT) + 80), (len(TEXT) + 10, len(TEXT) + 95),
                                        (-85, 0), (-86, -1), (-1, len(TEXT))])
def test_offsets_beyond_the_text_are_not_a_span(tmp_path, start, end):
    assert check(tmp_path, sentence_graph(s002={"start": start, "end": end})) == [not_a_span("s002", start, end)]


def test_a_quote_read_from_the_end_by_a_negative_offset_is_not_accepted(tmp_path):
    """Python's slicing reads ``text[-10:len(text)]`` as the last ten characters: a quote of them
    would pass at a start that is no offset at all."""
    exact = SENTENCES["s006"][0]
    findings = check(tmp_path, sentence_graph(s006={"start": -len(exact) - 1, "end": len(TEXT)}))
    assert findings == [not_a_span("s006", -len(exact) - 1, len(TEXT))]


@pytest.mark.parametrize("shift", [0, 5])
def test_a_start_at_or_after_the_end_is_not_a_span(tmp_path, shift):
    start, end = offsets("s004")
    assert check(tmp_path, sentence_graph(s004={"start": end + shift, "end": end})) == [
        not_a_span("s004", end + shift, end)]


def test_ill_typed_offsets_and_paragraph_are_findings_not_a_crash(tmp_path):
    start, end = offsets("s003")
    findings = check(tmp_path, sentence_graph(s003={"start": Literal(f"{start}x", datatype=XSD.integer)},
                                              s004={"end": Literal("3.5", datatype=XSD.decimal)},
                                              s005={"paragraph": Literal("three", datatype=XSD.integer)}))
    four = offsets("s004")
    assert findings[:2] == [not_a_span("s003", f"{start}x", end), not_a_span("s004", four[0], "3.5")]
    assert [(f.focus, f.message) for f in findings[2:]] == [
        (str(SENT.s005), "sent:s005 stands in paragraph 3, not three")]


@pytest.mark.parametrize("missing", [{"quote": None}, {"position": None}, {"exact": None}, {"start": None},
                                     {"end": None}])
def test_a_missing_selector_or_selector_value_is_named_on_its_sentence(tmp_path, missing):
    assert check(tmp_path, sentence_graph(s005=missing)) == [lacks_selector("s005")]


def test_findings_come_in_sentence_order_and_name_each_sentence(tmp_path):
    graph = sentence_graph(s006={"exact": "A LOG ENTRY."}, s002={"position": None}, s004={"paragraph": 3})
    start, end = offsets("s006")
    assert check(tmp_path, graph) == [
        lacks_selector("s002"),
        Finding(check="quote", file=FILE, focus=str(SENT.s004), path=str(NAT.paragraph), value="3",
                message="sent:s004 stands in paragraph 2, not 3"),
        differs("s006", start, end, "A LOG ENTRY.")]


def test_a_value_that_is_not_the_folded_quote_is_reported(tmp_path):
    """Joining the hyphenated word is an edit of the quote, not a folding of its white space."""
    joined = "Later the light was auto mated, and the keepers left the island for good."
    assert check(tmp_path, sentence_graph(s003={"value": joined})) == [Finding(
        check="quote", file=FILE, focus=str(SENT.s003), path=str(RDF.value), value=joined[:60],
        message="rdf:value is not the quote with its white space folded")]


def test_no_value_and_no_paragraph_are_not_checked(tmp_path):
    assert check(tmp_path, sentence_graph(s003={"value": None, "paragraph": None})) == []


def test_a_wrong_paragraph_names_the_right_one(tmp_path):
    assert check(tmp_path, sentence_graph(s004={"paragraph": 1})) == [Finding(
        check="quote", file=FILE, focus=str(SENT.s004), path=str(NAT.paragraph), value="1",
        message="sent:s004 stands in paragraph 2, not 1")]


def test_the_paragraph_is_that_of_the_quote_start_across_a_page_break(tmp_path):
    """s005 starts in the block cut by the page break; the block after it is the same paragraph."""
    assert check(tmp_path, sentence_graph(s005={"paragraph": 4}))[0].message == "sent:s005 stands in paragraph 3, not 4"


def test_a_finding_names_the_first_file_that_describes_its_sentence(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    graph = sentence_graph(s004={"paragraph": 1})
    sources = Sources(root=tmp_path, files={kind: {} for kind in SOURCE_DIRS})
    sources.files["graph"][tmp_path / "graph" / "a-sentences.ttl"] = graph
    sources.files["graph"][tmp_path / "graph" / "b-notes.ttl"] = Graph().add((SENT.s004, NAT.paragraph, Literal(1)))
    assert [f.file for f in quote_findings(graph, article, sources)] == ["graph/a-sentences.ttl"]


def test_a_finding_names_no_file_without_sources_or_outside_them(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    graph = sentence_graph(s004={"paragraph": 1})
    assert [f.file for f in quote_findings(graph, article)] == [None]
    elsewhere = Sources(root=tmp_path, files={kind: {} for kind in SOURCE_DIRS})
    elsewhere.files["graph"][tmp_path / "graph" / "other.ttl"] = Graph()
    assert [f.file for f in quote_findings(graph, article, elsewhere)] == [None]


@pytest.mark.parametrize("article", [None, "absent.txt"])
def test_without_the_article_there_is_one_warning_and_no_pass(tmp_path, article):
    findings = quote_findings(sentence_graph(), tmp_path / article if article else None)
    assert [(f.severity, f.check) for f in findings] == [("Warning", "quote")]
    assert "article.txt not found" in findings[0].message and "NATOASIA_ARTICLE" in findings[0].message


# --- where the article is found -----------------------------------------------------------------------


def shared_article(base: Path) -> Path:
    """``base/shared/source/article.txt``, written."""
    article = base / "shared" / "source" / "article.txt"
    article.parent.mkdir(parents=True)
    article.write_text(TEXT, encoding="utf-8")
    return article


def test_find_article_prefers_the_path_given_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NATOASIA_ARTICLE", str(tmp_path / "from-env.txt"))
    assert find_article(tmp_path / "given.txt") == tmp_path / "given.txt"
    assert find_article() == tmp_path / "from-env.txt"


def test_find_article_looks_beside_the_sources_then_beside_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("NATOASIA_ARTICLE", raising=False)
    (tmp_path / "a" / "data").mkdir(parents=True)
    (tmp_path / "b" / "work").mkdir(parents=True)
    monkeypatch.setenv("NATOASIA_DATA", str(tmp_path / "a" / "data"))
    monkeypatch.chdir(tmp_path / "b" / "work")
    assert find_article() is None
    beside_cwd = shared_article(tmp_path / "b")
    assert find_article() == beside_cwd
    beside_sources = shared_article(tmp_path / "a")
    assert find_article() == beside_sources
