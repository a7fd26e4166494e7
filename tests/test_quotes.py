"""Every sentence resource quotes the article verbatim at its offsets."""

from __future__ import annotations

from rdflib import RDF, Literal

from natoasia.article import paragraph_of, paragraph_spans, quote_findings
from natoasia.namespaces import NAT, OA


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
