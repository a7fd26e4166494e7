"""What a resource's page needs beyond its description, asked of the engine: the content nodes an assessment
says (shown inline), what the content nodes that point here belong to (an assessment, or a fact whose purpose
they are), and which statements come from the background graph rather than from the article."""

from __future__ import annotations

import pyoxigraph as ox

from natoasia import BACKGROUND_GRAPH, ONTOLOGY_NS
from natoasia.endpoint.protocol import ProtocolError
from natoasia.site.links import engine

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HAS_CONTENT = ONTOLOGY_NS + "hasContent"
CONTENT = ONTOLOGY_NS + "Content"
#: At most this many content nodes are looked up for one page.
MAX_LOOKUPS = 400
#: What each content node belongs to: the nearest node that is not content and points at it, directly or through
#: one content node (an assessment by ``nat:hasContent``, a fact or event by a purpose or consequence …).
OWNERS = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?content ?owner ?via ?part ?link ?type ?label WHERE {{
  VALUES ?content {{ %s }}
  {{ ?owner ?via ?content . }}
  UNION {{ ?part ?link ?content . ?part a nat:Content . ?owner ?via ?part . }}
  FILTER NOT EXISTS {{ ?owner a nat:Content }}
  ?owner a ?type .
  OPTIONAL {{ ?owner rdfs:label ?label }}
}}"""
BACKGROUND = f"""SELECT ?s ?p ?o WHERE {{
  GRAPH <{BACKGROUND_GRAPH}> {{ {{ <%s> ?p ?o . BIND(<%s> AS ?s) }} UNION {{ ?s ?p <%s> . BIND(<%s> AS ?o) }} }}
}}"""


def said(iri: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The descriptions of what an assessment or position says (its content nodes), shown inline on its page."""
    contents = {t.object.value for t in triples if t.subject.value == iri and t.predicate.value == HAS_CONTENT}
    found = []
    for content in sorted(contents):
        outcome = engine().describe(content, "application/n-triples")
        if outcome.status == 200:
            found += list(ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES))
    return found


def owners(iri: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    """Which assessment or position each content node here belongs to (directly or through a part of its content),
    as triples, so that a content node pointing here is shown under what it is the content of."""
    typed = {t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object.value == CONTENT}
    pointing = {t.subject.value for t in triples if t.object == ox.NamedNode(iri)} | {iri}
    contents = sorted(typed & pointing)[:MAX_LOOKUPS]
    if not contents:
        return []
    rows = engine().select(OWNERS % " ".join(f"<{c}>" for c in contents))
    found = []
    for row in rows:
        owner, content, via = ox.NamedNode(row["owner"]), ox.NamedNode(row["content"]), ox.NamedNode(row["via"])
        found.append(ox.Triple(owner, ox.NamedNode(RDF_TYPE), ox.NamedNode(row["type"])))
        if "label" in row:
            found.append(ox.Triple(owner, ox.NamedNode(LABEL), ox.Literal(row["label"], language="en")))
        if "part" in row:
            part = ox.NamedNode(row["part"])
            found += [ox.Triple(owner, via, part), ox.Triple(part, ox.NamedNode(RDF_TYPE), ox.NamedNode(CONTENT)),
                      ox.Triple(part, ox.NamedNode(row["link"]), content)]
        else:
            found.append(ox.Triple(owner, via, content))
    return found


def background(iri: str) -> set[tuple[str, str, str]]:
    """The resource's statements (both ways) that come from the background graph, not from the article."""
    try:
        rows = engine().select(BACKGROUND % (iri, iri, iri, iri))
    except ProtocolError:  # a store that cannot say which graph a statement is in: nothing is marked
        return set()
    return {(r["s"], r["p"], r["o"]) for r in rows if {"s", "p", "o"} <= r.keys()}
