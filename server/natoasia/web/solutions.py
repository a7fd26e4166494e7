"""Writers for the SPARQL 1.1 query results formats (JSON, XML, CSV, TSV) over collected rows.

The rows are collected first so that the endpoint can cap their number before writing.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
