"""The page model of a resource page: statements (rows) in groups, what an assessment says, and the page with
its type line and lead — everything already in words, for the template."""

from __future__ import annotations

from dataclasses import dataclass, field

from natoasia.site import groups as g
from natoasia.site.values import Value


@dataclass
class Row:
    """One statement: a heading (a property, or the kind of a node that points here), its values, qualifiers
    in words, the pointing node's other properties, and the sentences it was taken from."""

    label: str
    values: list[Value]
    qualifiers: list[str] = field(default_factory=list)
    details: list[tuple[str, list[Value]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    note: str = ""
    order: tuple = ()
    iri: str | None = None

    @property
    def node(self) -> Value | None:
        """The node that points here, as a link (None for the resource's own statements)."""
        return self.values[0] if self.iri else None


@dataclass
class Group:
    """Statements about one thing (identity, relationships, events …): all of them, and the first ``limit`` that
    the resource's page shows (the rest are on the group's own page)."""

    key: str
    title: str
    all_rows: list[Row]
    limit: int | None = None
    common: list[tuple[str, list[Value]]] = field(default_factory=list)
    common_qualifiers: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.common = _common_details(self.all_rows)
        if self.key != g.INCOMING.key:  # there each row says how it points here
            self.common_qualifiers = _common_qualifiers(self.all_rows)

    @property
    def rows(self) -> list[Row]:
        """The rows the page shows."""
        return self.all_rows if self.limit is None else self.all_rows[:self.limit]

    @property
    def total(self) -> int:
        """How many statements the group holds."""
        return len(self.all_rows)


@dataclass
class Said:
    """What an assessment or position says: a content node and its parts, in words."""

    node: Value
    parts: list[tuple[str, list[Value]]]


@dataclass
class Page:
    """Everything the resource page shows (the summary and references are added by the view)."""

    iri: str
    label: str
    classes: list[str]
    type_line: str
    lead: str | None
    content_of: list[tuple[str, Value, str]]
    says: list[Said]
    sources: list[str]
    groups: list[Group]
    summary: str = ""
    background: bool = False
    lead_is_quote: bool = False

    @property
    def incoming(self) -> list[tuple[Value, str]]:
        """What points here and is not a fact, event or judgement (the "Referred to by" group): each node with
        how it relates to this resource."""
        return [(row.node, "; ".join(row.qualifiers)) for group in self.groups if group.key == g.INCOMING.key
                for row in group.rows]

    @property
    def facts(self) -> list[Row]:
        """The facts, events, positions and judgements that point here, as the page shows them."""
        return [row for group in self.groups if group.key != g.INCOMING.key for row in group.rows if row.iri]


def _common_details(rows: list[Row]) -> list[tuple[str, list[Value]]]:
    """Details every row of a long group shares ("assessed by: Carlo Masala"): said once for the group, and
    taken out of the rows."""
    if len(rows) < 3:
        return []
    shared = [d for d in rows[0].details if all(d in r.details for r in rows[1:])]
    for row in rows:
        row.details = [d for d in row.details if d not in shared]
    return shared


def _common_qualifiers(rows: list[Row]) -> list[str]:
    """Qualifiers every row of a long group shares ("with NATO as its actor"): said once for the group."""
    if len(rows) < 3:
        return []
    shared = [q for q in rows[0].qualifiers if all(q in r.qualifiers for r in rows[1:])]
    for row in rows:
        row.qualifiers = [q for q in row.qualifiers if q not in shared]
    return shared
