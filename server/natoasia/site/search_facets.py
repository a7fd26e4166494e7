"""Links from search results to the facets of ``/browse``: a fact's kind ("all 11 contributions"), and the
facts an actor, framework or operation takes part in.

A link is made only to a value the facet lists, read once per process from ``/browse``'s own facet queries
(the dataset never changes while it is served), so a search never links to a selection ``/browse`` refuses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

from natoasia import ID_NS, ONTOLOGY_NS
from natoasia.endpoint.protocol import ProtocolError
from natoasia.site.browse import FACETS, facet_query
from natoasia.site.links import engine

_CACHE = "natoasia.search.facets"
#: The facets a resource itself is a value of, in the order they are offered.
RESOURCE_FACETS = ("framework", "actor")


def facet_values() -> dict[str, dict[str, int]]:
    """Every facet's values over all facts, as ``/browse`` writes them in its URLs, with their counts; empty
    when the engine cannot answer now (then nothing is cached and links are left out)."""
    cached = current_app.extensions.get(_CACHE)
    if cached is None:
        try:
            select = engine().select
            cached = {facet.name: {facet.to_url(row["value"]): int(row["count"])
                                   for row in select(facet_query(facet, {}))} for facet in FACETS}
        except ProtocolError:
            return {}
        current_app.extensions[_CACHE] = cached
    return cached


def plural(words: str) -> str:
    """An English plural of a type in words ("contribution" → "contributions", "body" → "bodies")."""
    if words.endswith("y") and not words.endswith(("ay", "ey", "oy", "uy")):
        return words[:-1] + "ies"
    return words + ("es" if words.endswith(("s", "x", "ch", "sh")) else "s")


def kind_link(cls: str, type_words: str) -> dict | None:
    """The ``/browse`` link to every fact of class ``cls``, if that is one of the facet's kinds."""
    if not cls.startswith(ONTOLOGY_NS):
        return None
    value = cls[len(ONTOLOGY_NS):]
    count = facet_values().get("kind", {}).get(value)
    if not count:
        return None
    return {"label": f"all {count} {plural(type_words)}" if count != 1 else f"the one {type_words}",
            "href": "/browse?" + urlencode({"kind": value}), "count": count}


def resource_link(iri: str) -> dict | None:
    """The ``/browse`` link to the facts a resource takes part in, if it is a value of a facet."""
    if not iri.startswith(ID_NS):
        return None
    value = iri[len(ID_NS):]
    for name in RESOURCE_FACETS:
        count = facet_values().get(name, {}).get(value)
        if count:
            return {"label": f"{count} fact{'s' if count != 1 else ''}", "href": "/browse?" + urlencode({name: value}),
                    "count": count}
    return None
