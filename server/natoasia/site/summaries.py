"""The one-paragraph summary at the top of a resource page, generated from the structure: what the resource is,
the facts it takes part in (one sentence each, or a count when there are many), the positions and judgements
about it, and where the article names it. Every sentence is filled from triples; a sentence whose required parts
the graph does not hold is left out, never guessed."""

from __future__ import annotations

import re
from collections import Counter

from natoasia import ONTOLOGY_NS
from natoasia.site import groups as g
from natoasia.site.descriptions import ATTESTED_BY, CONTENT, LEADS, Describer, Page
from natoasia.site.values import prose_list, sentence_case, sentence_number, time_phrase, with_article

TIME = "http://www.w3.org/2006/time#hasTime"
#: One sentence per kind of node: ``{name}`` is the node's ``nat:name`` (or a computed part below), required;
#: ``[a|b]`` is the first alternative whose parts the graph holds, else nothing; ``{a:name}`` adds "a"/"an".
SENTENCES = {
    "Relationship": "{actor} and {partner}: {relationshipKind}[ ({formality})][, begun {startTime}]"
                    "[, ended {endTime}][, announced at {announcedAt}][; status: {status}].",
    "Contribution": "{contributor} contributed[ {quantity}] {contributionKind}[ to {recipient}][ in {deployedIn}]"
                    "[ through {throughUnit}][ in conjunction with {inConjunctionWith}][, {startTime}]"
                    "[, until {endTime}][; status: {status}].",
    "Membership": "{member} [joined {organisation} {startTime}|is a member of {organisation}].",
    "GroupMembership": "The article counts {groupMember} among the {group}.",
    "Involvement": "{involvedParty} [take part through {throughBody}|take part][ by {mechanism}]"
                   "[, guided by {guidedBy}].",
    "Motivation": "{motivates}: driven by {driver}.",
    "Statement": "{statedBy} [states in {statedIn}|states]: “{description}”",
    "ResearchQuestion": "{assessedBy} asks: “{description}”",
    "Assessment": "In this {kind}, {assessedBy} writes[, as {a:modality}]: “{description}”",
    "Event": "{label}: {a:kind}[ {hasTime}][ in {eventLocation}].",
    "Sentence": "Sentence {number} of the article[, in paragraph {paragraph}].",
    "Location": "{label} is {a:kind}[ in {locatedIn}].",
    "Content": "",
    "Thing": "{label} is {a:kind}.",
}
MANY = 2
MAX_FACT_SENTENCES = 5
SHOWN_COUNTERPARTS = 3


class Filler:
    """Fills the sentences of :data:`SENTENCES` from a describer's triples."""

    def __init__(self, describer: Describer, page: Page):
        self.d, self.page = describer, page

    def parts(self, node: str, name: str) -> list[str]:
        """The texts of one part of a node."""
        out = self.d.out.get(node, {})
        if name == "label":
            return [self.d.label(node)]
        if name == "kind":
            return [self.d.kind(node)]
        if name == "number":
            return [sentence_number(v.value) for v in out.get(ONTOLOGY_NS + "sentenceId", [])][:1]
        if name == "description":
            return [v.value.rstrip() for key in LEADS[1:2] for v in out.get(key, [])][:1]
        if name == "quantity":
            amounts = [self.d.value(v, node).text for v in out.get(ONTOLOGY_NS + "amount", [])]
            sizes = [with_article(self.d.label(v.value)) + " of" for v in out.get(ONTOLOGY_NS + "sizeQualifier", [])]
            return (amounts or sizes)[:1]
        prop = ONTOLOGY_NS + name
        timed = TIME in self.d.vocabulary.property_ancestors(prop)
        texts = []
        for v in sorted(out.get(prop, []), key=str):
            text = self.d.value(v, node).text
            texts.append(time_phrase(text) if timed else text)
        return texts

    def fill(self, template: str, node: str) -> str | None:
        """The template filled for ``node``, or None when a required part is missing."""
        out = []
        for optional, required in re.findall(r"\[([^\]]*)\]|([^\[]+)", template):
            if optional:
                out.append(next((t for t in map(lambda a: self._segment(a, node), optional.split("|")) if t), ""))
            else:
                text = self._segment(required, node)
                if text is None:
                    return None
                out.append(text)
        return sentence_case("".join(out))

    def _segment(self, text: str, node: str) -> str | None:
        values = {}
        for article, name in re.findall(r"\{(a:)?(\w+)\}", text):
            found = self.parts(node, name)
            if not found:
                return None
            joined = prose_list(found)
            values[article + name] = with_article(joined) if article else joined
        return re.sub(r"\{(a:)?(\w+)\}", lambda m: values[(m.group(1) or "") + m.group(2)], text)

    def template(self, node: str) -> tuple[str, str] | None:
        """The sentence template of the nearest class of ``node`` that has one, with that class's name."""
        frontier, seen = list(self.d.classes(node)), set()
        while frontier:
            for cls in frontier:
                name = cls.rsplit("#", 1)[-1]
                if cls.startswith(ONTOLOGY_NS) and name in SENTENCES:
                    return name, SENTENCES[name]
            seen.update(frontier)
            frontier = [p for c in frontier for p in self.d.vocabulary.superclasses.get(c, ()) if p not in seen]
        return ("Thing", SENTENCES["Thing"]) if self.d.out.get(node) else None


def summarise(describer: Describer, page: Page) -> str:
    """The page's summary paragraph."""
    filler = Filler(describer, page)
    sentences = []
    if page.content_of:
        before, owner, after = page.content_of[0]
        more = len(page.content_of) - 1
        others = f", and of {number(more)} more listed below" if more else ""
        sentences.append(f"{before} “{owner.text}”{' ' + after if after else ''}{others}.")
    own = filler.template(page.iri)
    if own and SENTENCES[own[0]] and (first := filler.fill(own[1], page.iri)):
        sentences.append(first)
    sentences += _facts(filler, page)
    sentences += _judgements(describer, page)
    named = describer.sources(page.iri, ATTESTED_BY)
    if named:
        count = "one sentence" if len(named) == 1 else f"{number(len(named))} sentences"
        sentences.append(f"The article names {page.label} in {count}.")
    return " ".join(sentences)


def _facts(filler: Filler, page: Page) -> list[str]:
    """A sentence for each fact or event that points here, or one count for a kind with many."""
    by_kind: dict[str, list[str]] = {}
    for group in page.groups:
        if group.key not in (g.RELATIONS.key, g.EVENTS.key):
            continue
        for row in group.all_rows:
            found = filler.template(row.iri) if row.iri else None
            if found and found[0] not in ("Thing", "Location"):
                by_kind.setdefault(found[0], []).append(row.iri)
    sentences, told = [], 0
    for name, nodes in by_kind.items():
        restates = SENTENCES[name].startswith("{label}")  # its sentence would only repeat the node's name
        if len(nodes) <= MANY and told + len(nodes) <= MAX_FACT_SENTENCES and not restates:
            filled = [s for s in (filler.fill(SENTENCES[name], n) for n in nodes) if s]
            if len(filled) == len(nodes):
                sentences += filled
                told += len(filled)
                continue
        counterparts = Counter(t for n in nodes for t in _counterparts(filler, name, n))
        names = [t for t, _ in counterparts.most_common()]
        kinds = {filler.d.kind(n) for n in nodes}
        kind = kinds.pop() if len(kinds) == 1 else name_words(name)
        shown = prose_list(names[:SHOWN_COUNTERPARTS] + ([f"{len(names) - SHOWN_COUNTERPARTS} more"]
                                                         if len(names) > SHOWN_COUNTERPARTS else []))
        count = f"{sentence_case(number(len(nodes)))} {plural(kind) if len(nodes) > 1 else kind}"
        verb = "involve" if len(nodes) > 1 else "involves"
        sentences.append(f"{count} {verb} {filler.d.target(page.iri)}" + (f", with {shown}." if shown else "."))
    return sentences


def _counterparts(filler: Filler, name: str, node: str) -> list[str]:
    """Who else takes part in a fact: the first required part of its sentence that does not name the page's
    resource."""
    required = "".join(re.sub(r"\[[^\]]*\]", "", SENTENCES[name]))
    for part in re.findall(r"\{(?:a:)?(\w+)\}", required):
        texts = filler.parts(node, part) if part not in ("label", "kind", "quantity", "number") else []
        if texts and filler.page.label not in texts:
            return texts
    return []


def _judgements(describer: Describer, page: Page) -> list[str]:
    """How many positions and judgements concern the resource."""
    sentences = []
    for key, says in ((g.POSITIONS.key, "The article reports {n} mentioning {label}."),
                      (g.CLAIMS.key, "The author makes {n} mentioning {label}.")):
        rows = [r for group in page.groups if group.key == key for r in group.all_rows
                if r.iri and CONTENT not in describer.classes(r.iri)]
        if rows:
            kinds = Counter(r.label for r in rows)
            n = prose_list([f"{number(c)} {plural(k) if c > 1 else k}" for k, c in sorted(kinds.items())])
            sentences.append(says.format(n=n, label=describer.target(page.iri)))
    return sentences


def number(n: int) -> str:
    """A count as prose writes it: words up to ten, digits beyond."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else f"{n:,}"


def plural(kind: str) -> str:
    """The plural of a kind's label ("claims", "research questions", "memberships")."""
    return kind[:-1] + "ies" if kind.endswith("y") and kind[-2:-1] not in "aeiou" else kind + "s"


def name_words(name: str) -> str:
    """A class name in words ("GroupMembership" → "group membership")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
