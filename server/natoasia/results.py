"""Writing query results in the formats of :mod:`natoasia.formats`."""

from __future__ import annotations

import pyoxigraph as ox

from natoasia.formats import BY_NAME
from natoasia.namespaces import qname
from natoasia.rdfio import used_prefixes


class FormatMismatch(ValueError):
    """The requested format cannot express this kind of result."""


def term_text(term) -> str:
    """A term as a table cell: compact IRIs, plain literal values, ``_:`` blank nodes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return qname(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table with a header rule and a row count."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = lambda cells: " | ".join(c.replace("\n", " ").ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def write_results(result, fmt_name: str) -> bytes:
    """Serialize a pyoxigraph query result in the named format."""
    fmt = BY_NAME[fmt_name]
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        if fmt.name == "table":
            return table(["subject", "predicate", "object"],
                         [[term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in triples]).encode()
        if fmt.kind != "graph":
            raise FormatMismatch(f"format {fmt_name} is for SELECT/ASK results; CONSTRUCT/DESCRIBE give a graph (use turtle)")
        prefixes = used_prefixes(triples) if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
    if fmt.kind == "graph":
        raise FormatMismatch(f"format {fmt_name} is for CONSTRUCT/DESCRIBE results; SELECT/ASK give solutions")
    if isinstance(result, ox.QueryBoolean):
        if fmt.name == "table":
            return (("true" if bool(result) else "false") + "\n").encode()
        return result.serialize(format=fmt.oxigraph)
    if fmt.name == "table":
        variables = [v.value for v in result.variables]
        rows = [[term_text(solution[v]) for v in variables] for solution in result]
        return table(variables, rows).encode()
    return result.serialize(format=fmt.oxigraph)
