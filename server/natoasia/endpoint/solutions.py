"""Writers for the SPARQL 1.1 query results formats (JSON, XML, CSV, TSV) and for graph results.

:func:`write_native` has pyoxigraph write JSON, XML and TSV results itself (no Python object per
term), counting rows and bytes as they stream out so that the caps stop it early; the Python
writers below serve CSV, boolean answers and callers that hold rows already.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: CONSTRUCT and DESCRIBE results: the media types pyoxigraph writes, and its format for each.
GRAPH_WRITERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def write_json(variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """application/sparql-results+json"""
    if boolean is not None:
        return json.dumps({"head": {}, "boolean": boolean}).encode()
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def write_xml(variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """application/sparql-results+xml"""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>")
    if boolean is not None:
        out.append(f"<boolean>{'true' if boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                             for v, t in zip(variables, row) if t is not None) + "</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "\n".join(out).encode("utf-8")


def _csv_cell(term) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value if hasattr(term, "value") else str(term)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def write_csv(variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """text/csv (lexical values, RFC 4180 quoting, CRLF)"""
    if boolean is not None:
        return b"true\r\n" if boolean else b"false\r\n"
    lines = [",".join(variables)] + [",".join(_csv_cell(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write_tsv(variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """text/tab-separated-values (terms in Turtle/N-Triples syntax)"""
    if boolean is not None:
        return b"true\n" if boolean else b"false\n"
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS = {
    "application/sparql-results+json": write_json,
    "application/sparql-results+xml": write_xml,
    "text/csv": write_csv,
    "text/tab-separated-values": write_tsv,
}


class ResultTooLarge(Exception):
    """A result over the row or byte cap; ``what`` says which ("rows" or "bytes")."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


#: media type → (pyoxigraph format, markers of which each row writes exactly one, header lines).
#: In compact JSON ``{"`` never occurs inside a string (a quote there is ``\"``), so ``[{"`` and
#: ``,{"`` start rows and nothing else; in XML ``<`` is escaped in text; in TSV a newline in a
#: literal is ``\n``. A row with no binding (``{}``) writes no JSON marker: then rows are counted
#: by parsing the body again.
NATIVE = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, (b'[{"', b',{"'), 0),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, (b"<result>",), 0),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, (b"\n",), 1),
}


class _CappedSink:
    """The output pyoxigraph's serializer writes into: keeps the bytes, counts the rows, and
    raises :class:`ResultTooLarge` as soon as either cap is passed."""

    def __init__(self, markers: tuple[bytes, ...], header: int, max_rows: int, max_bytes: int):
        self.markers, self.max_rows, self.max_bytes = markers, max_rows, max_bytes
        self.keep = len(markers[0]) - 1  # markers of one format have one length
        self.parts: list[bytes] = []
        self.size, self.rows, self.tail = 0, -header, b""

    def write(self, data) -> int:
        data = bytes(data)
        self.size += len(data)
        if self.size > self.max_bytes:
            raise ResultTooLarge("bytes")
        window = self.tail + data  # a marker split between two writes is counted once
        self.rows += sum(window.count(m) for m in self.markers)
        if self.rows > self.max_rows:
            raise ResultTooLarge("rows")
        self.tail = window[-self.keep:] if self.keep else b""
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def write_native(result, media_type: str, max_rows: int, max_bytes: int) -> tuple[bytes, int]:
    """Serialize ``result`` (pyoxigraph solutions) as ``media_type`` (a key of :data:`NATIVE`);
    return the body and its number of rows, or raise :class:`ResultTooLarge`."""
    fmt, markers, header = NATIVE[media_type]
    sink = _CappedSink(markers, header, max_rows, max_bytes)
    result.serialize(sink, format=fmt)
    body = b"".join(sink.parts)
    rows = sink.rows
    if fmt == ox.QueryResultsFormat.JSON and b"{}" in body:  # rows without bindings have no marker
        rows = sum(1 for _ in ox.parse_query_results(body, format=fmt))
        if rows > max_rows:
            raise ResultTooLarge("rows")
    return body, rows
