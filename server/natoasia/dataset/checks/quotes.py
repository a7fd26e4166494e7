"""The source article: where to find it, its paragraphs, and the check of every quote against it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from rdflib import RDF, Graph

from natoasia.dataset.checks.findings import WARNING, Finding
from natoasia.dataset.sources import data_root
from natoasia.namespaces import NAT, OA, qname

ARTICLE_ENV = "NATOASIA_ARTICLE"


def find_article(explicit: str | os.PathLike | None = None) -> Path | None:
    """The article text: the given path, ``$NATOASIA_ARTICLE``, or ``../shared/source/article.txt``
    beside the source checkout or the working directory. ``None`` when there is none."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ARTICLE_ENV):
        return Path(os.environ[ARTICLE_ENV])
    for base in (data_root(), Path.cwd()):
        candidate = base.parent / "shared" / "source" / "article.txt"
        if candidate.is_file():
            return candidate
    return None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the article's paragraphs.

    Blocks are separated by blank lines; all-upper-case one-line blocks are headings and left out;
    a block following one that ends mid-sentence (a PDF page break) continues that paragraph.
    """
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", text, flags=re.S):
        block = match.group(0)
        if block.upper() == block and len(block.split("\n")) == 1:
            continue
        if spans and not re.search(r"[.?!:\"\u201d]$", text[spans[-1][0]:spans[-1][1]]):
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append(match.span())
    return spans


def paragraph_of(offset: int, spans: list[tuple[int, int]]) -> int | None:
    """1-based number of the paragraph containing ``offset``."""
    for number, (start, end) in enumerate(spans, 1):
        if start <= offset < end:
            return number
    return None


def quote_findings(graph: Graph, article: Path | None, sources=None) -> list[Finding]:
    """Every sentence's quote must equal ``article[start:end]`` and its paragraph must match."""
    if article is None or not article.is_file():
        return [Finding(check="quote", severity=WARNING,
                        message=f"article.txt not found: quotes not checked (set {ARTICLE_ENV} or pass --article)")]
    text = article.read_text(encoding="utf-8")
    spans = paragraph_spans(text)
    findings = []
    for sentence in sorted(graph.subjects(RDF.type, NAT.Sentence)):
        where = (sources.files_with_subject(sentence) or [None])[0] if sources else None
        exact = start = end = None
        for selector in graph.objects(sentence, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = graph.value(selector, OA.exact)
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        if exact is None or start is None or end is None:
            findings.append(Finding(check="quote", file=where, focus=str(sentence),
                                    message="sentence lacks a text-quote or text-position selector"))
            continue
        span = _span(start, end, len(text))
        if span is None:
            findings.append(Finding(
                check="quote", file=where, focus=str(sentence), path=str(OA.start), value=f"{start}:{end}",
                message=f"oa:start {start} and oa:end {end} are not a span of article.txt ({len(text)} characters)"))
            continue
        start, end = span
        if text[start:end] != str(exact):
            findings.append(Finding(
                check="quote", file=where, focus=str(sentence), path=str(OA.exact), value=str(exact)[:60],
                message=f"quote differs from article.txt[{start}:{end}] = {text[start:end][:60]!r}"))
        folded = graph.value(sentence, RDF.value)
        if folded is not None and str(folded) != " ".join(str(exact).split()):
            findings.append(Finding(
                check="quote", file=where, focus=str(sentence), path=str(RDF.value), value=str(folded)[:60],
                message="rdf:value is not the quote with its white space folded"))
        paragraph = graph.value(sentence, NAT.paragraph)
        if paragraph is not None and _integer(paragraph) != paragraph_of(start, spans):
            findings.append(Finding(
                check="quote", file=where, focus=str(sentence), path=str(NAT.paragraph), value=str(paragraph),
                message=f"{qname(str(sentence))} stands in paragraph {paragraph_of(start, spans)}, not {paragraph}"))
    return findings


def _integer(value) -> int | None:
    """An integer literal's value, ``None`` for an ill-typed one (``"15x"^^xsd:integer``): the SHACL
    datatype shapes report that, and this check must not crash before they are shown."""
    try:
        return int(str(value))
    except ValueError:
        return None


def _span(start, end, length: int) -> tuple[int, int] | None:
    """The offsets as integers where they select some of a text of ``length`` characters, else ``None``.

    Slicing would read a negative offset from the end and an offset past the end or before the start
    as an empty quote: a wrong offset could pass, or be reported as a changed quote.
    """
    start, end = _integer(start), _integer(end)
    if start is None or end is None:
        return None
    return (start, end) if 0 <= start < end <= length else None
