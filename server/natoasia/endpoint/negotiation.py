"""HTTP content negotiation: Accept with q-values and wildcards, most specific range wins."""

from __future__ import annotations

from dataclasses import dataclass

from natoasia.formats import BY_NAME, GRAPH_FORMATS, SOLUTION_FORMATS

SOLUTION_TYPES = [f.media_type for f in SOLUTION_FORMATS if f.oxigraph is not None]
GRAPH_TYPES = [f.media_type for f in GRAPH_FORMATS]
#: ``format=`` values: our short names, and a few that other endpoints use.
FORMAT_ALIASES = {**{f.name: f.media_type for f in BY_NAME.values()},
                  "ttl": "text/turtle", "nt": "application/n-triples", "json-ld": "application/ld+json",
                  "rdf": "application/rdf+xml", "srj": "application/sparql-results+json",
                  "srx": "application/sparql-results+xml"}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 if none."""
        main, sub = media_type.split("/", 1)
        if self.type == main and self.subtype == sub:
            return 3
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped."""
    ranges = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if "/" not in pieces[0]:
            continue
        main, sub = (x.strip().lower() for x in pieces[0].split("/", 1))
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type``: that of the most specific range matching it."""
    best = (0, 0.0)
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best[0]:
            best = (specificity, r.q)
    return best[1]


def choose(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers (ties go to the server's order); None → 406."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    scored = [(quality(ranges, m), -i, m) for i, m in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None


def resolve_format(value: str) -> str | None:
    """The media type named by a ``format=`` parameter, or None if unknown."""
    value = value.strip().lower()
    if value in FORMAT_ALIASES:
        return FORMAT_ALIASES[value]
    return value if value in SOLUTION_TYPES + GRAPH_TYPES else None
