"""What a resource page's statements are about: the groups, in the order the page shows them, and which group a
statement belongs to — decided by the ontology's class hierarchy and property domains, so a class or property
added to the ontology lands in the group of its superclass or domain."""

from __future__ import annotations

import re
from dataclasses import dataclass

from natoasia import ONTOLOGY_NS
from natoasia.site.vocabulary import Vocabulary


@dataclass(frozen=True)
class GroupKind:
    """A group of statements: its anchor on the page and its heading."""

    key: str
    title: str


IDENTITY = GroupKind("identity", "Identity")
STATEMENTS = GroupKind("statements", "Statements")
RELATIONS = GroupKind("relations", "Relationships and memberships")
EVENTS = GroupKind("events", "Contributions and events")
POSITIONS = GroupKind("positions", "Positions in the article")
CLAIMS = GroupKind("claims", "What the author says about it")
ARGUMENT = GroupKind("argument", "In the argument")
INCOMING = GroupKind("incoming", "Referred to by")
ORDER = (IDENTITY, STATEMENTS, RELATIONS, EVENTS, POSITIONS, CLAIMS, ARGUMENT, INCOMING)

#: The ontology's umbrella classes and the group of a node below each; a node goes by the nearest of them
#: above its own classes (a position is a fact and a proposition: ``Statement`` is nearer than both).
CLASS_GROUPS = {
    ONTOLOGY_NS + "Statement": POSITIONS,
    ONTOLOGY_NS + "Assessment": CLAIMS,
    ONTOLOGY_NS + "Proposition": CLAIMS,
    ONTOLOGY_NS + "Content": CLAIMS,
    ONTOLOGY_NS + "Contribution": EVENTS,
    ONTOLOGY_NS + "Event": EVENTS,
    ONTOLOGY_NS + "Fact": RELATIONS,
    ONTOLOGY_NS + "Actor": RELATIONS,
}
#: Classes whose members are n-ary nodes (facts, events, what is said), shown as statements in their own right.
NODE_CLASSES = {ONTOLOGY_NS + c for c in ("Fact", "Event", "Assessment", "Content", "Sentence")}


def nearest_group(vocabulary: Vocabulary, classes: list[str], prop: str | None = None) -> GroupKind:
    """The group of a node with these classes (reached by ``prop``): the nearest umbrella class above them,
    then the domain of the property; anything else points here."""
    frontier, seen = list(classes), set(classes)
    while frontier:
        for cls in frontier:
            if cls in CLASS_GROUPS:
                return CLASS_GROUPS[cls]
        frontier = [p for c in frontier for p in vocabulary.superclasses.get(c, ()) if p not in seen]
        seen.update(frontier)
    for cls in vocabulary.domain_classes(prop) if prop else ():
        if cls in CLASS_GROUPS:
            return CLASS_GROUPS[cls]
    return INCOMING


def is_node(vocabulary: Vocabulary, classes: list[str]) -> bool:
    """Whether a resource of these classes is an n-ary node (a fact, event, assessment, content or sentence)."""
    return any(vocabulary.ancestors(c) & NODE_CLASSES for c in classes)


def reader_label(label: str) -> str:
    """A property's label as a row heading: "has purpose" → "purpose", "has actor" → "actor"."""
    return re.sub(r"^has ", "", label)


PREPOSITIONS = ("in", "at", "of", "by", "to", "with", "for", "on", "from", "into")


def role(label: str, target: str) -> str:
    """How a node that points here by a property of this label relates to the page's resource, in words:
    "as contributor", "as its purpose", "deployed in Afghanistan", "elaborates this proposal"."""
    words = label.split()
    if not words:
        return target
    if words[0] == "has" and len(words) > 1:
        return f"with {target} as its {' '.join(words[1:])}"
    if words[-1] in PREPOSITIONS or _is_verb(words[0]):
        return f"{label} {target}"
    if words[0] in PREPOSITIONS:
        return f"{words[0]} {target}"
    return f"{target} as {label}"


def _is_verb(word: str) -> bool:
    """A verb in the third person ("supports", "elaborates", "includes"), as property labels are written."""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))
