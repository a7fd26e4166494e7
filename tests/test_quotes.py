"""Every sentence resource quotes the article verbatim at its offsets."""

from __future__ import annotations

import re

from rdflib import RDF, Literal

from natoasia.dataset.checks.quotes import paragraph_of, paragraph_spans, quote_findings
from natoasia.namespaces import NAT, OA, qname


def test_every_quote_is_the_article_text_at_its_offsets(sources, article_text):
    graph = sources.union("graph")
    sentences = list(graph.subjects(RDF.type, NAT.Sentence))
    assert len(sentences) >= 120
    spans = paragraph_spans(article_text)
    for sentence in sentences:
        selectors = list(graph.objects(sentence, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        assert article_text[start:end] == str(graph.value(quote, OA.exact)), sentence
        assert int(graph.value(sentence, NAT.paragraph)) == paragraph_of(start, spans)


def located(sources) -> list[tuple[int, int, int, int, str]]:
    """(number, start, end, paragraph, quote) of every sentence, in the order of their numbers."""
    graph = sources.union("graph")
    rows = []
    for sentence in graph.subjects(RDF.type, NAT.Sentence):
        number = str(graph.value(sentence, NAT.sentenceId))
        assert re.fullmatch(r"s\d{3}", number) and qname(str(sentence)) == f"sent:{number}", sentence
        selectors = list(graph.objects(sentence, OA.hasSelector))
        [quote] = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph]
        [position] = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph]
        rows.append((int(number[1:]), int(graph.value(position, OA.start)), int(graph.value(position, OA.end)),
                     int(graph.value(sentence, NAT.paragraph)), str(graph.value(quote, OA.exact))))
    return sorted(rows)


# These need no article: they catch a wrong offset where ../shared is absent (CI of a fork).


def test_every_offset_pair_is_as_long_as_its_quote(sources):
    rows = located(sources)
    assert len(rows) >= 120
    assert [(n, end - start) for n, start, end, _, _ in rows] == [(n, len(quote)) for n, _, _, _, quote in rows]


def test_sentences_are_numbered_from_one_without_gaps(sources):
    numbers = [row[0] for row in located(sources)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_spans_follow_the_sentence_numbers_without_overlapping(sources):
    rows = located(sources)
    assert all(0 <= start < end for _, start, end, _, _ in rows)
    overlapping = [(a[0], b[0]) for a, b in zip(rows, rows[1:]) if b[1] < a[2]]
    assert overlapping == []


def test_paragraph_numbers_start_at_one_and_never_decrease_or_skip_one(sources):
    paragraphs = [row[3] for row in located(sources)]
    assert paragraphs[0] == 1
    assert [(a, b) for a, b in zip(paragraphs, paragraphs[1:]) if not a <= b <= a + 1] == []


def test_pdf_spacing_stays_in_the_quote(sources):
    quotes = {str(q) for q in sources.union("graph").objects(None, OA.exact)}
    assert any("oper ational" in q for q in quotes)
    assert any("geo-\ngraphical" in q for q in quotes)


def test_a_changed_quote_is_reported(sources, article_text, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(article_text, encoding="utf-8")
    graph = sources.union("graph")
    quote = next(iter(graph.subjects(RDF.type, OA.TextQuoteSelector)))
    graph.set((quote, OA.exact, Literal("NATO and Asia are the same thing.")))
    findings = quote_findings(graph, article)
    assert any("differs from article.txt" in f.message for f in findings) and len(findings) <= 2


def test_missing_article_is_a_warning_not_a_pass(sources, tmp_path):
    findings = quote_findings(sources.union("graph"), tmp_path / "absent.txt")
    assert [f.severity for f in findings] == ["Warning"]
