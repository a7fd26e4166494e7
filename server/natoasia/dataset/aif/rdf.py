"""The argument in AIF-RDF (Turtle): the nodes of the AIFdb document under our own namespace, typed and
linked in the AIF ontology's terms, each I-node, L-node and link node pointing back to the graph's own
resource with ``rdfs:seeAlso`` (tools/MODELLING.md, "The AIF export")."""

from __future__ import annotations

import pyoxigraph as ox

from natoasia import BASE
from natoasia.dataset.aif.aifdb import link_key, locution_key, node_id
from natoasia.dataset.aif.read import Argument
from natoasia.namespaces import PREFIXES
from natoasia.rdfio import used_prefixes

AIF = "http://www.arg.dundee.ac.uk/aif#"
#: Where the export's nodes live: one IRI per AIFdb node ID.
NODE_NS = BASE + "aif/node/"
#: The two edge properties the AIF ontology has no name for (an MA-node's and a YA-node's ends).
AIFX = BASE + "aif/vocabulary#"
#: Each node type's class, and the properties of its outgoing and incoming edges (None: AIFX's).
NODE_TYPES = {
    "I": ("I-node", None, None),
    "L": ("L-node", None, None),
    "YA": ("YA-node", AIFX + "anchors", AIFX + "locution"),
    "RA": ("RA-node", AIF + "Conclusion", AIF + "Premise"),
    "CA": ("CA-node", AIF + "Conflicted", AIF + "Conflicting"),
    "PA": ("PA-node", AIF + "Dispreferred", AIF + "Preferred"),
    "MA": ("MA-node", AIFX + "rephrased", AIFX + "rephrase"),
}
_RDF, _RDFS, _PROV = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["prov"]


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _node(identifier: str) -> ox.NamedNode:
    return ox.NamedNode(NODE_NS + identifier)


def aif_rdf(document: dict, argument: Argument) -> list[ox.Triple]:
    """The AIFdb ``document`` made of ``argument`` as AIF-RDF triples, sorted.

    Every edge becomes a property of the S-node at one of its ends (AIF-RDF has no edge resources).
    """
    triples = set()
    types = {}
    for node in document["nodes"]:
        types[node["nodeID"]] = node["type"]
        subject = _node(node["nodeID"])
        triples.add(ox.Triple(subject, _iri(_RDF + "type"), _iri(AIF + NODE_TYPES[node["type"]][0])))
        text = ox.Literal(node["text"], language="en") if node["type"] in ("I", "L") else ox.Literal(node["text"])
        prop = {"I": AIF + "claimText", "L": _RDF + "value"}.get(node["type"], _RDFS + "label")
        triples.add(ox.Triple(subject, _iri(prop), text))
    for edge in document["edges"]:
        start, end = edge["fromID"], edge["toID"]
        if types[start] in ("I", "L"):  # into an S-node: the S-node's premise, conflicting, preferred … node
            triples.add(ox.Triple(_node(end), _iri(NODE_TYPES[types[end]][2]), _node(start)))
        else:  # out of an S-node: its conclusion, conflicted, dispreferred … node
            triples.add(ox.Triple(_node(start), _iri(NODE_TYPES[types[start]][1]), _node(end)))
    triples |= _see_also(argument)
    return sorted(triples, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def _see_also(argument: Argument) -> set[ox.Triple]:
    """Each node of the export that stands for a resource of the graph points to it (never owl:sameAs)."""
    see_also, attributed, label = _iri(_RDFS + "seeAlso"), _iri(_PROV + "wasAttributedTo"), _iri(_RDFS + "label")
    triples = set()
    for info in argument.information.values():
        triples.add(ox.Triple(_node(node_id(info.iri)), see_also, _iri(info.iri)))
        for locution in info.locutions:
            said = _node(node_id(locution_key(locution)))
            triples |= {ox.Triple(said, see_also, _iri(locution.sentence)),
                        ox.Triple(said, attributed, _iri(locution.speaker))}
    for link in argument.links:
        if link.node:
            triples.add(ox.Triple(_node(node_id(link_key(link))), see_also, _iri(link.node)))
        if link.cue:
            said = _node(node_id(locution_key(link.cue)))
            triples |= {ox.Triple(said, see_also, _iri(link.cue.sentence)),
                        ox.Triple(said, attributed, _iri(link.cue.speaker))}
    for actor, (name, _person) in argument.speakers.items():
        triples.add(ox.Triple(_iri(actor), label, ox.Literal(name, language="en")))
    return triples


def aif_turtle(triples: list[ox.Triple]) -> bytes:
    """The triples as Turtle with the prefixes they use, the same bytes for the same triples."""
    prefixes = {"aif": AIF, "aifnode": NODE_NS, "aifx": AIFX, **used_prefixes(triples)}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
