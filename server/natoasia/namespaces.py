"""Namespaces and the prefix table shared by the Turtle sources, the dumps and the queries."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, VOID, XSD

from natoasia import ID_NS, ONTOLOGY_NS

NAT = Namespace(ONTOLOGY_NS)
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

#: Instance types, each with its own prefix (a prefixed name cannot contain "/").
INSTANCE_PREFIXES = {
    "organisation": "organisation/", "body": "body/", "country": "country/", "group": "group/",
    "person": "person/", "place": "place/", "framework": "framework/", "forum": "forum/",
    "unit": "unit/", "forces": "forces/", "fund": "fund/", "operation": "operation/",
    "event": "event/", "tm": "time/", "doc": "document/", "rel": "relationship/",
    "contrib": "contribution/", "mship": "membership/", "inv": "involvement/",
    "motive": "motivation/", "stmt": "statement/", "claim": "claim/", "proposal": "proposal/",
    "question": "question/", "sent": "sentence/", "scheme": "scheme/",
    "area": "concept/area/", "activity": "concept/activity/", "threat": "concept/threat/",
    "driver": "concept/driver/", "lesson": "concept/lesson/", "choice": "concept/choice/",
    "relkind": "concept/relationship-kind/", "formality": "concept/formality/",
    "status": "concept/status/", "contribkind": "concept/contribution-kind/",
    "size": "concept/size/", "mechanism": "concept/mechanism/", "modality": "concept/modality/",
    "content": "content/", "gmship": "group-membership/", "action": "concept/action/",
    "role": "concept/role/",
}

#: Every prefix the project writes, in one table.
PREFIXES = {
    "nat": ONTOLOGY_NS,
    "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "owl": str(OWL), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "prov": str(PROV), "time": str(TIME), "oa": str(OA),
    "org": str(ORG), "schema": str(SDO), "sh": str(SH), "void": str(VOID), "wd": str(WD),
    "spdx": "http://spdx.org/rdf/terms#",
    **{p: ID_NS + path for p, path in INSTANCE_PREFIXES.items()},
}

#: Vocabularies whose term lists are closed: an IRI in one of these namespaces that the
#: vocabulary does not define is an error (``rdfs:subClasOf``, ``sh:message:``).
CLOSED_NAMESPACES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "time": TIME, "org": ORG, "sh": SH, "void": VOID, "schema": SDO,
}

#: Terms the closed check accepts although rdflib's term lists lack them.
CLOSED_EXTRAS = {
    str(RDF) + "langString", str(RDF) + "JSON", str(RDF) + "HTML", str(RDF) + "PlainLiteral",
    str(XSD) + "gYear", str(XSD) + "gMonthDay",
}


def qname(iri: str) -> str:
    """Return ``prefix:local`` for an IRI under a known prefix, or ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns):]
            if local and "/" not in local and "#" not in local:
                best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return f"<{iri}>"
