"""Literals as written, kept by a pyoxigraph store for the SPARQL-compiled SHACL engine.

pyoxigraph stores a literal by its value where it knows the datatype: ``"160"^^xsd:nonNegativeInteger``
and ``"160"^^xsd:int`` become ``"160"^^xsd:integer``, ``"7.50"^^xsd:decimal`` becomes ``"7.5"``,
``"x"@EN`` becomes ``"x"@en``. SHACL judges the term as written (``sh:datatype`` compares the datatype's
IRI; ``sh:pattern`` and ``sh:minLength`` read the lexical form; ``sh:in`` and the counts compare terms),
so the validation store holds each literal of another datatype than ``xsd:string``, and each one whose
language tag is not in lower case, as an opaque literal that pyoxigraph keeps byte for byte:

* ``"lexical"^^<urn:natoasia:written:ok:DATATYPE>`` — well-typed, as pySHACL judges it (the literal is
  not ill-typed for rdflib, and its value is of the Python type pySHACL expects for the XSD types it knows;
  any other datatype passes, as in pySHACL and as SHACL says of types SPARQL 1.1 does not support);
* ``"lexical"^^<urn:natoasia:written:ill:DATATYPE>`` — ill-typed;
* ``"lexical"^^<urn:natoasia:written:lang:TAG>`` — a language-tagged string whose tag has capitals.

The SPARQL expressions below read them back: :func:`datatype_matches`, :func:`value_of` (the literal as a
typed value, for comparisons) and :func:`lang_of`. The encoding is a bijection on terms, so counts and
``sh:in`` see exactly the distinct terms of the validated graph.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal
from rdflib.namespace import XSD

from natoasia.rdfio import to_ox

WRITTEN = "urn:natoasia:written:"
OK, ILL, LANG = WRITTEN + "ok:", WRITTEN + "ill:", WRITTEN + "lang:"
_STRING = str(XSD.string)
#: The Python type of a well-typed value, for the datatypes pySHACL checks beyond rdflib's ``ill_typed``.
_VALUE_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def well_typed(literal: Literal) -> bool:
    """Whether ``literal`` matches its own datatype as pySHACL's ``sh:datatype`` judges it."""
    if literal.ill_typed is True:
        return False
    expected = _VALUE_TYPES.get(literal.datatype)
    return expected is None or isinstance(literal.value, expected)


def encode(literal: Literal, lexical: str | None = None):
    """The pyoxigraph term that keeps ``literal`` as written (see the module's docstring); ``lexical``
    replaces rdflib's normalised lexical form by the one read from a file."""
    text = str(literal) if lexical is None else lexical
    if literal.language:
        if literal.language == literal.language.lower():
            return ox.Literal(text, language=literal.language)
        return ox.Literal(text, datatype=ox.NamedNode(LANG + literal.language))
    if literal.datatype is None or str(literal.datatype) == _STRING:
        return ox.Literal(text)
    prefix = OK if well_typed(literal) else ILL
    return ox.Literal(text, datatype=ox.NamedNode(prefix + str(literal.datatype)))


def written(term):
    """Any rdflib term as the validation store holds it."""
    return encode(term) if isinstance(term, Literal) else to_ox(term)


@lru_cache(maxsize=65536)
def _encode_parsed(lexical: str, datatype: str):
    return encode(Literal(lexical, datatype=datatype), lexical)


def written_parsed(term):
    """A term pyoxigraph's parser gave (lexical forms as in the file) as the validation store holds it."""
    if not isinstance(term, ox.Literal):
        return term
    if term.language or term.datatype.value == _STRING:
        return term
    return _encode_parsed(term.value, term.datatype.value)


def load_graph(store: ox.Store, graph: Graph, to_graph=None) -> None:
    """Add an rdflib graph to ``store`` (its default graph, or ``to_graph``), literals as written."""
    name = to_graph if to_graph is not None else ox.DefaultGraph()
    store.extend(ox.Quad(to_ox(s), to_ox(p), written(o), name) for s, p, o in graph)


def load_file(store: ox.Store, path: Path | str, to_graph=None, fmt=ox.RdfFormat.N_TRIPLES) -> None:
    """Add an RDF file to ``store`` (its default graph, or ``to_graph``), literals as written.

    Language tags come lower-cased from pyoxigraph's parser; every other literal keeps its form.
    N-Triples are rewritten as text (:func:`written_ntriples`) into a temporary file that is bulk-loaded
    whole (one load: pyoxigraph relabels blank nodes per load); other formats are added term by term.
    """
    name = to_graph if to_graph is not None else ox.DefaultGraph()
    if fmt == ox.RdfFormat.N_TRIPLES:
        with open(path, encoding="utf-8") as source, tempfile.NamedTemporaryFile("w", encoding="utf-8",
                                                                                  suffix=".nt") as rewritten:
            while chunk := source.readlines(1 << 24):
                rewritten.write(written_ntriples("".join(chunk)))
            rewritten.flush()
            store.bulk_load(path=rewritten.name, format=fmt, to_graph=name)
        return
    store.extend(ox.Quad(t.subject, t.predicate, written_parsed(t.object), name)
                 for t in ox.parse(path=str(path), format=fmt))


#: A typed literal of N-Triples (IRIs and blank nodes hold no ``"``; a line holds one triple, so a search that
#: starts at the closing quote of a plain literal finds no second quote before the line ends).
_NT_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"\^\^<([^>]*)>')


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return json.loads('"' + re.sub(r"\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1), 16)), text) + '"')


def _written_nt(match: re.Match) -> str:
    datatype = match.group(2)
    if datatype == _STRING or datatype.startswith(WRITTEN):
        return match.group(0)
    return f'"{match.group(1)}"^^<{_typed_prefix(match.group(1), datatype)}{datatype}>'


_INTEGER = str(XSD.integer)
#: An ``xsd:integer`` that rdflib reads as an int, so well-typed: decided without building the literal.
_INTEGER_FORM = re.compile(r"[+-]?[0-9]+")


@lru_cache(maxsize=65536)
def _typed_prefix(escaped: str, datatype: str) -> str:
    if datatype == _INTEGER and _INTEGER_FORM.fullmatch(escaped):
        return OK
    return OK if well_typed(Literal(_unescape(escaped), datatype=datatype)) else ILL


def written_ntriples(text: str) -> str:
    """N-Triples text with every typed literal (not ``xsd:string``) given its written datatype (comment
    lines are left as they are)."""
    if "#" not in text:
        return _NT_LITERAL.sub(_written_nt, text)
    return "".join(line if line.lstrip().startswith("#") else _NT_LITERAL.sub(_written_nt, line)
                   for line in text.splitlines(keepends=True))


# ---------------------------------------------------------------------------
# Reading them back in SPARQL
# ---------------------------------------------------------------------------

def datatype_matches(datatype: str, var: str = "?v") -> str:
    """A SPARQL boolean expression: ``var`` is a literal that matches ``sh:datatype <datatype>``."""
    if datatype == str(RDF.langString):
        return f'(LANG({var}) != "" || STRSTARTS(STR(DATATYPE({var})), "{LANG}"))'
    if datatype == _STRING:
        return f'(isLiteral({var}) && DATATYPE({var}) = <{_STRING}>)'
    return f"(isLiteral({var}) && DATATYPE({var}) = <{OK}{datatype}>)"


def value_of(var: str = "?v") -> str:
    """A SPARQL expression: ``var`` as the typed literal or term it was written as (for comparisons)."""
    dt = f"STR(DATATYPE({var}))"
    return (f'IF(isLiteral({var}) && STRSTARTS({dt}, "{WRITTEN}"), '
            f'IF(STRSTARTS({dt}, "{LANG}"), STRLANG(STR({var}), STRAFTER({dt}, "{LANG}")), '
            f'STRDT(STR({var}), IRI(STRAFTER(STRAFTER({dt}, "{WRITTEN}"), ":")))), {var})')


def lang_of(var: str = "?v") -> str:
    """A SPARQL expression: the lower-cased language tag of ``var`` ("" for none)."""
    dt = f"STR(DATATYPE({var}))"
    return f'LCASE(IF(isLiteral({var}) && STRSTARTS({dt}, "{LANG}"), STRAFTER({dt}, "{LANG}"), LANG({var})))'
