"""Values as a reader says them: a literal without its datatype or language tag ("1,000", "2008", "yes"), an IRI by
its label, an outside identifier by its site ("Wikidata: Singapore (Q334)", linking out), a time as a phrase
("in 2008", "recently"), and lists joined as in prose ("A, B and C")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "decimal", "nonNegativeInteger",
                              "positiveInteger", "unsignedInt", "unsignedLong")}
#: Outside sites whose identifiers the graph links to: IRI prefix → (site name, page address prefix).
SITES = {
    "http://www.wikidata.org/entity/": ("Wikidata", "https://www.wikidata.org/wiki/"),
    "https://www.wikidata.org/wiki/": ("Wikidata", "https://www.wikidata.org/wiki/"),
    "http://dbpedia.org/resource/": ("DBpedia", "https://dbpedia.org/page/"),
    "https://www.geonames.org/": ("GeoNames", "https://www.geonames.org/"),
}


@dataclass(frozen=True)
class Value:
    """One value on a page: text, where it links to (a path on this server, or an outside address), and
    whether that address leads off this site; ``quote`` for the article's own words (shown as a quotation)."""

    text: str
    href: str | None = None
    external: bool = False
    quote: bool = False


def literal_text(literal: ox.Literal) -> str:
    """A literal as a reader writes it: no datatype, no language tag; numbers grouped, booleans in words."""
    datatype, text = literal.datatype.value, literal.value
    if datatype in NUMBERS and re.fullmatch(r"[+-]?\d+", text):
        return f"{int(text):,}"
    if datatype in NUMBERS and re.fullmatch(r"[+-]?\d*\.\d+", text):
        whole, _, part = text.partition(".")
        return f"{int(whole or 0):,}.{part}"
    if datatype == XSD + "boolean":
        return {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(text, text)
    if datatype == XSD + "gYear":
        return re.sub(r"(Z|[+-]\d\d:\d\d)$", "", text).lstrip("0") or text
    if datatype == XSD + "date":
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return text
        return f"{day.day} {day:%B} {day.year}"
    return text


def outside(iri: str, label: str | None) -> Value:
    """An IRI of another site, named by the site and its identifier, linking to its page there."""
    for prefix, (site, page) in SITES.items():
        if iri.startswith(prefix):
            ident = iri[len(prefix):]
            text = f"{site}: {label} ({ident})" if label else f"{site}: {ident}"
            return Value(text, page + ident, external=True)
    host = re.sub(r"^[a-z]+://", "", iri).split("/", 1)[0]
    return Value(f"{label} ({host})" if label else iri, iri, external=True)


def prose_list(texts: list[str], conjunction: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    texts = [t for t in texts if t]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + f" {conjunction} " + texts[-1]


def time_phrase(label: str) -> str:
    """A time's label as it reads in a sentence: "in 2008", "from 1949 to 1989/90", "at the beginning of the 90s",
    "recently"."""
    if re.fullmatch(r"\d{4}(/\d{2,4})?", label):
        return "in " + label
    if re.match(r"\d{4}(/\d{2,4})? to ", label):
        return "from " + label
    if re.match(r"(beginning|end|turn|middle|start) of ", label):
        return "at the " + label
    return label


def with_article(phrase: str) -> str:
    """``a formal …`` / ``an informal …``."""
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def sentence_case(text: str) -> str:
    """The first letter capitalised, the rest left as written (names keep their capitals)."""
    return text[:1].upper() + text[1:]


def sentence_number(identifier: str) -> str:
    """``s051`` → ``51``."""
    digits = identifier.lstrip("s").lstrip("0")
    return digits or identifier
