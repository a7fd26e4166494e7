"""Writers for the SPARQL 1.1 query results formats (JSON, XML, CSV, TSV) and for graph results.

:func:`write_solutions`, :func:`write_rows` and :func:`write_graph` write a result while it streams —
out of the store, or out of an external store's answer as it is parsed — counting rows (or triples)
and bytes, and stop as soon as a cap is passed (:class:`ResultTooLarge`): a result far over the caps
costs the caps' memory, never its own. pyoxigraph writes JSON, XML and TSV results itself
(:func:`write_native`, no Python object per term) and every graph format; CSV, and rows that come from
elsewhere, are written here a row at a time (:data:`ROW_FORMATS`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
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


def _csv_cell(term) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value if hasattr(term, "value") else str(term)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def _xml_head(variables: list[str]) -> str:
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS}">', "<head>",
                      *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>\n"])


@dataclass(frozen=True)
class RowFormat:
    """A results format written a row at a time: the text before the rows, each row, the text between
    two rows and after the last, and a boolean answer."""

    head: Callable[[list[str]], str]
    row: Callable[[list[str], list], str]
    separator: str
    tail: str
    boolean: Callable[[list[str], bool], str]


#: media type → how its rows are written.
ROW_FORMATS = {
    "application/sparql-results+json": RowFormat(
        head=lambda variables: json.dumps({"head": {"vars": variables}}, separators=(",", ":"))[:-1]
        + ',"results":{"bindings":[',
        row=lambda variables, row: json.dumps({v: _json_term(t) for v, t in zip(variables, row) if t is not None},
                                              ensure_ascii=False, separators=(",", ":")),
        separator=",", tail="]}}",
        boolean=lambda variables, answer: json.dumps({"head": {}, "boolean": answer})),
    "application/sparql-results+xml": RowFormat(
        head=lambda variables: _xml_head(variables) + "<results>\n",
        row=lambda variables, row: "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                                        for v, t in zip(variables, row) if t is not None)
        + "</result>\n",
        separator="", tail="</results>\n</sparql>\n",
        boolean=lambda variables, answer: _xml_head(variables)
        + f"<boolean>{'true' if answer else 'false'}</boolean>\n</sparql>\n"),
    "text/csv": RowFormat(
        head=lambda variables: ",".join(variables) + "\r\n",
        row=lambda variables, row: ",".join(_csv_cell(t) for t in row) + "\r\n",
        separator="", tail="",
        boolean=lambda variables, answer: "true\r\n" if answer else "false\r\n"),
    "text/tab-separated-values": RowFormat(
        head=lambda variables: "\t".join("?" + v for v in variables) + "\n",
        row=lambda variables, row: "\t".join("" if t is None else str(t) for t in row) + "\n",
        separator="", tail="",
        boolean=lambda variables, answer: "true\n" if answer else "false\n"),
}


def write(media_type: str, variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """Rows (lists of pyoxigraph terms or None, in the order of ``variables``), or a boolean answer,
    in ``media_type`` (a key of :data:`ROW_FORMATS`), with no cap."""
    fmt = ROW_FORMATS[media_type]
    if boolean is not None:
        return fmt.boolean(variables, boolean).encode("utf-8")
    body = fmt.head(variables) + fmt.separator.join(fmt.row(variables, row) for row in rows) + fmt.tail
    return body.encode("utf-8")


#: media type → ``writer(variables, rows, boolean=None) -> bytes`` (see :func:`write`).
WRITERS = {media_type: partial(write, media_type) for media_type in ROW_FORMATS}


class ResultTooLarge(Exception):
    """A result over the row or byte cap; ``what`` says which ("rows" or "bytes")."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what

    def explain(self, max_rows: int, max_bytes: int, rows: str = "rows") -> str:
        """The refusal's message: the cap that was passed, and what to do (``rows`` names the unit of
        the row cap: "triples" for a graph)."""
        if self.what == "rows":
            return f"the result has more than {max_rows} {rows}, the limit of this endpoint; add a LIMIT"
        return f"the response would exceed {max_bytes} bytes, the limit of this endpoint; add a LIMIT"


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
    """The output a serializer writes into: keeps the bytes, counts the rows (by the format's
    ``markers``, or by :func:`_count` when there are none), and raises :class:`ResultTooLarge` as
    soon as either cap is passed."""

    def __init__(self, markers: tuple[bytes, ...], header: int, max_rows: int, max_bytes: int):
        self.markers, self.max_rows, self.max_bytes = markers, max_rows, max_bytes
        self.keep = len(markers[0]) - 1 if markers else 0  # markers of one format have one length
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


def _count(items, sink: _CappedSink):
    """``items`` one by one, counted in ``sink.rows``; :class:`ResultTooLarge` as soon as there are more
    than its cap."""
    for item in items:
        sink.rows += 1
        if sink.rows > sink.max_rows:
            raise ResultTooLarge("rows")
        yield item


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


def write_rows(variables: list[str], rows, media_type: str, max_rows: int, max_bytes: int) -> tuple[bytes, int]:
    """Serialize ``rows`` (any iterable of lists of terms or None, in the order of ``variables``) as
    ``media_type`` (a key of :data:`ROW_FORMATS`) a row at a time; return the body and its number of
    rows, or raise :class:`ResultTooLarge` as soon as a cap is passed."""
    fmt = ROW_FORMATS[media_type]
    sink = _CappedSink((), 0, max_rows, max_bytes)
    sink.write(fmt.head(variables).encode("utf-8"))
    separator = fmt.separator.encode("utf-8")
    for row in _count(rows, sink):
        sink.write((separator if sink.rows > 1 else b"") + fmt.row(variables, row).encode("utf-8"))
    sink.write(fmt.tail.encode("utf-8"))
    return b"".join(sink.parts), sink.rows


def write_solutions(result, media_type: str, max_rows: int, max_bytes: int) -> tuple[bytes, int]:
    """Serialize pyoxigraph solutions as ``media_type``, within the caps: by pyoxigraph where it can
    (:func:`write_native`), else a row at a time (:func:`write_rows`); return the body and its number of
    rows, or raise :class:`ResultTooLarge`."""
    if media_type in NATIVE:
        return write_native(result, media_type, max_rows, max_bytes)
    variables = [v.value for v in result.variables]
    rows = (list(solution) for solution in result)  # a solution's terms, in the order of the variables
    return write_rows(variables, rows, media_type, max_rows, max_bytes)


def write_graph(triples, media_type: str, max_rows: int, max_bytes: int) -> tuple[bytes, int]:
    """Serialize ``triples`` (any iterable: a CONSTRUCT result, a parsed answer) as ``media_type`` (a key
    of :data:`GRAPH_WRITERS`) while they stream, counting triples and bytes; return the body and its
    number of triples, or raise :class:`ResultTooLarge` as soon as a cap is passed."""
    sink = _CappedSink((), 0, max_rows, max_bytes)
    ox.serialize(_count(triples, sink), sink, GRAPH_WRITERS[media_type])
    return b"".join(sink.parts), sink.rows
