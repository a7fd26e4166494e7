"""The timeline: every node the graph dates (``time:hasTime`` and its sub-properties — events' ``nat:hasTime``,
facts' ``nat:startTime`` / ``nat:endTime``, contents' ``nat:contentTime``), once, at the article's precision.

A time is a year (``time:inXSDgYear``), or an interval whose beginning and end are found through
``time:hasBeginning`` / ``time:intervalStartedBy`` and ``time:hasEnd`` / ``time:intervalFinishedBy`` (so that
"1949 to 1989/90", finished by the interval 1989/90, ends in 1990). A node with a beginning and a later end is
drawn as a bar; a node dated by one year as a dot. Labels never repeat the year the axis shows; a time the
article gives in words ("beginning of the 90s") is added to the label. Nodes whose time the article gives only
in words ("recently", "in the future") have no place on an axis: :func:`timeline` lists them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from natoasia import ONTOLOGY_NS
from natoasia.site.pictures import short

QUERY = f"""PREFIX nat: <{ONTOLOGY_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?node ?label ?time ?when ?year ?begin ?end (MIN(STR(?cited)) AS ?source) WHERE {{
  ?node time:hasTime ?time ; rdfs:label ?label .
  ?time rdfs:label ?when .
  OPTIONAL {{ ?node prov:wasDerivedFrom|nat:attestedBy ?cited }}
  OPTIONAL {{ ?time time:inXSDgYear ?year }}
  OPTIONAL {{ ?time (time:hasBeginning|time:intervalStartedBy)+/time:inXSDgYear ?begin }}
  OPTIONAL {{ ?time (time:hasEnd|time:intervalFinishedBy)+/time:inXSDgYear ?end }}
}} GROUP BY ?node ?label ?time ?when ?year ?begin ?end"""

#: A year (or "1989/90") in a label, with the word that introduces it: the axis already shows it.
YEAR_IN_LABEL = re.compile(r"[,:;]?\s*\(?\b(?:in|by|since|from|of|until|to)?\s*\b(?:1[6-9]|20)\d\d(?:/\d\d)?\b\)?")


@dataclass
class Item:
    """One dated node: where it begins and ends (years), what it is called, and the sentence behind it."""

    iri: str
    label: str
    begin: int | None = None
    end: int | None = None
    when: list[str] = field(default_factory=list)
    source: str | None = None

    @property
    def dated(self) -> bool:
        return self.begin is not None or self.end is not None

    @property
    def first(self) -> int:
        return self.begin if self.begin is not None else self.end

    @property
    def last(self) -> int:
        return self.end if self.end is not None else self.begin

    @property
    def is_span(self) -> bool:
        return self.dated and self.last > self.first

    @property
    def years(self) -> str:
        """The years as a reader says them: "1992", "1949–1990"."""
        return f"{self.first}–{self.last}" if self.is_span else str(self.first)

    @property
    def short(self) -> str:
        """The label without the years the axis shows, with a time given in words added."""
        text = YEAR_IN_LABEL.sub("", self.label).strip(" ,:;-–") or self.label
        words = [w for w in self.when if not re.search(r"\d{4}", w) and w.lower() not in text.lower()]
        return text + (f" ({', '.join(words)})" if words else "")

    @property
    def said(self) -> str:
        """The time as the article says it ("1949 to 1989/90", "beginning of the 90s")."""
        return " to ".join(self.when)

    @property
    def sentence_id(self) -> str | None:
        return self.source.rsplit("/", 1)[-1] if self.source else None


def _year(value) -> int | None:
    match = re.match(r"-?\d+", str(value or ""))
    return int(match.group()) if match else None


def items(rows: list[dict]) -> list[Item]:
    """Every node with a time, once (rows of :data:`QUERY`), in the order of its first year then label;
    the undated ones last."""
    found: dict[str, Item] = {}
    for row in rows:
        item = found.setdefault(row["node"], Item(row["node"], row["label"]))
        if row["when"] not in item.when:
            item.when.append(row["when"])
        starts = [y for y in (_year(row.get("year")), _year(row.get("begin"))) if y is not None]
        ends = [y for y in (_year(row.get("year")), _year(row.get("end"))) if y is not None]
        if starts:
            item.begin = min(starts + ([item.begin] if item.begin is not None else []))
        if ends:
            item.end = max(ends + ([item.end] if item.end is not None else []))
        if row.get("source") and (item.source is None or row["source"] < item.source):
            item.source = row["source"]
    for item in found.values():
        item.when.sort()
    return sorted(found.values(), key=lambda i: (not i.dated, i.first if i.dated else 0, i.short.lower(), i.iri))


#: The label's font size and a generous width per character at that size (the browser test measures).
LABEL_SIZE, CHAR_WIDTH, ROW = 13, 7.0, 38


def svg(dated: list[Item], local, width: int = 1000) -> str:
    """The dated items on a horizontal axis of years: bars for spans, dots for single years, each linking to
    its page and to its sentence in the article; items are packed into rows where their labels fit."""
    first = min(i.first for i in dated) // 5 * 5 - 5 if dated else 1945
    last = (max(i.last for i in dated) // 5 + 1) * 5 + 5 if dated else 2010
    left, right = 30, width - 30
    x = lambda year: left + (year - first) / (last - first) * (right - left)
    rows: list[float] = []  # the right edge taken in each row so far
    placed = []
    for item in dated:
        x0, x1 = x(item.first), x(item.last)
        room_right, room_left = width - 4 - (x1 + 12), x0 - 12 - 4
        fits = lambda room: int(room // CHAR_WIDTH)
        text = item.short
        inside = item.is_span and CHAR_WIDTH * len(text) + 20 <= x1 - x0
        if inside:
            anchor_end = False
        elif CHAR_WIDTH * len(text) <= room_right:
            anchor_end = False
        elif CHAR_WIDTH * len(text) <= room_left:
            anchor_end = True
        else:  # too long for either side: cut on the roomier side (the whole label is in the tooltip and the list)
            anchor_end = room_left > room_right
            text = short(text, fits(max(room_left, room_right)))
        text_width = CHAR_WIDTH * max(len(text), 12)
        start = (x0 - 12 - text_width) if anchor_end else x0 - 8
        stop = x1 + 8 if anchor_end or inside else x1 + 12 + text_width
        row = next((n for n, taken in enumerate(rows) if taken + 12 < start), None)
        if row is None:
            rows.append(0.0)
            row = len(rows) - 1
        rows[row] = stop
        placed.append((item, text, row, x0, x1, anchor_end, inside))
    height = 90 + ROW * max(len(rows), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'aria-labelledby="timeline-title" class="picture" id="timeline-picture">',
           '<title id="timeline-title">Timeline of the dated events and facts the article mentions</title>',
           f'<line x1="{left}" y1="50" x2="{right}" y2="50" stroke="#444" stroke-width="2"/>']
    for year in range(first, last + 1):
        if year % 5 == 0:
            major = year % 10 == 0
            out.append(f'<g font-size="12"><line x1="{x(year):.1f}" y1="{44 if major else 47}" x2="{x(year):.1f}" '
                       f'y2="{56 if major else 53}" stroke="#444"/>'
                       + (f'<text x="{x(year):.1f}" y="36" text-anchor="middle">{year}</text>' if major else "")
                       + "</g>")
    for item, text, row, x0, x1, anchor_end, inside in placed:
        cy = 80 + row * ROW
        out.append(f'<line class="guide" x1="{x0:.1f}" y1="50" x2="{x0:.1f}" y2="{cy:.1f}" stroke="#bbb" '
                   'stroke-dasharray="2,3"/>')
        if item.is_span:
            out.append(f'<line class="guide" x1="{x1:.1f}" y1="50" x2="{x1:.1f}" y2="{cy:.1f}" stroke="#bbb" '
                       'stroke-dasharray="2,3"/>')
            mark = (f'<rect class="span" x="{x0:.1f}" y="{cy - 10:.1f}" width="{max(x1 - x0, 4):.1f}" height="20" '
                    f'rx="6" fill="#1f4e79"/>')
        else:
            mark = f'<circle cx="{x0:.1f}" cy="{cy:.1f}" r="7" fill="#1f4e79"/>'
        tx, anchor = (x0 - 12, "end") if anchor_end else ((x0 + 10) if inside else (x1 + 12), "start")
        fill = ' fill="#fff" class="inside"' if inside else ""
        out.append(f'<a href={quoteattr(local(item.iri))} class="event" data-years="{item.years}">'
                   f'<title>{escape(item.said)}: {escape(item.label)}</title>{mark}'
                   f'<text x="{tx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" font-size="{LABEL_SIZE}"{fill}>'
                   f'{escape(text)}</text></a>')
        if item.sentence_id:
            out.append(f'<a href="/article#{escape(item.sentence_id)}" class="source"><title>the sentence behind it, '
                       f'in the article</title><text x="{tx:.1f}" y="{cy + (23 if inside else 17):.1f}" text-anchor="{anchor}" '
                       f'font-size="10" fill="#4d4d4d">sentence {int(item.sentence_id[1:])}</text></a>')
    out.append("</svg>")
    return "\n".join(out)


def timeline(select, local) -> dict:
    """The timeline's SVG, its items as a list (for the list view and the tests), and the nodes the article
    dates only in words."""
    every = items(select(QUERY))
    dated = [i for i in every if i.dated]
    return {"svg": svg(dated, local), "dated": dated, "in_words": [i for i in every if not i.dated]}
