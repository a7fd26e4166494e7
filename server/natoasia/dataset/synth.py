"""Seeded synthetic data shaped like graph/*.ttl, valid against shapes/natoasia-shapes.ttl, for scale tests.

Each block of the generator adds a state, a partnership programme, a membership, a relationship, a
contribution (amount + isApproximate), a summit with an OWL-Time year, and the sentence (with its
TextQuote and TextPosition selectors into one synthetic text) that all of them cite. N-Triples lines are
written as strings, so 10^6 triples take seconds; :func:`generate` parses a small result into rdflib.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator, TextIO

from rdflib import Graph

from natoasia import ID_NS, ONTOLOGY_NS

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_OA = "http://www.w3.org/ns/oa#"
_TIME = "http://www.w3.org/2006/time#"
_DCT = "http://purl.org/dc/terms/"

TYPE, LABEL = f"<{_RDF}type>", f"<{_RDFS}label>"
DOC = f"<{ID_NS}document/synthetic-text>"
YEARS = range(1949, 2030)
RELATIONSHIP_KINDS = ("dialogue", "cooperation", "partnership", "rivalry")
CONTRIBUTION_KINDS = ("troops", "funding", "reconstruction", "training")


def _n(local: str) -> str:
    return f"<{ONTOLOGY_NS}{local}>"


def _id(path: str) -> str:
    return f"<{ID_NS}{path}>"


def _en(text: str) -> str:
    return f'"{text}"@en'


def _typed(value, datatype: str) -> str:
    return f'"{value}"^^<{_XSD}{datatype}>'


def _prelude() -> Iterator[str]:
    """The document, the years and the two concept schemes every block refers to."""
    yield f"{DOC} {TYPE} {_n('Document')} ."
    yield f"{DOC} {LABEL} {_en('Synthetic text')} ."
    yield f"{DOC} <{_DCT}title> {_en('Synthetic text')} ."
    for year in YEARS:
        tm = _id(f"time/synth-{year}")
        yield f"{tm} {TYPE} <{_TIME}Instant> ."
        yield f"{tm} {LABEL} {_en(year)} ."
        yield f"{tm} <{_TIME}inXSDgYear> {_typed(year, 'gYear')} ."
    for scheme, cls, kinds in (("relationship-kind", "RelationshipKind", RELATIONSHIP_KINDS),
                               ("contribution-kind", "ContributionKind", CONTRIBUTION_KINDS)):
        s = _id(f"scheme/synth-{scheme}")
        yield f"{s} {TYPE} <{_SKOS}ConceptScheme> ."
        yield f"{s} {LABEL} {_en('synthetic ' + scheme)} ."
        for kind in kinds:
            c = _id(f"concept/{scheme}/synth-{kind}")
            yield f"{s} <{_SKOS}hasTopConcept> {c} ."
            yield f"{c} {TYPE} {_n(cls)} ."
            yield f"{c} {LABEL} {_en(kind)} ."
            yield f"{c} <{_SKOS}prefLabel> {_en(kind)} ."
            yield f"{c} <{_SKOS}inScheme> {s} ."
            yield f"{c} {_n('attestedBy')} {_id('sentence/synth-0')} ."


def _sentence(i: int, offset: int) -> tuple[list[str], int]:
    sent = _id(f"sentence/synth-{i}")
    quote, position = _id(f"sentence/synth-{i}#quote"), _id(f"sentence/synth-{i}#position")
    text = f"Synthetic sentence {i} names state {i} and programme {i}."
    end = offset + len(text)
    return [
        f"{sent} {TYPE} {_n('Sentence')} .",
        f"{sent} {LABEL} {_en(f'Sentence synth-{i}')} .",
        f'{sent} {_n("sentenceId")} "s{i % 1000:03d}" .',
        f"{sent} {_n('paragraph')} {_typed(i // 10 + 1, 'integer')} .",
        f"{sent} <{_RDF}value> {_en(text)} .",
        f"{sent} <{_OA}hasSource> {DOC} .",
        f"{sent} <{_OA}hasSelector> {quote} .",
        f"{sent} <{_OA}hasSelector> {position} .",
        f"{quote} {TYPE} <{_OA}TextQuoteSelector> .",
        f'{quote} <{_OA}exact> "{text}" .',
        f"{position} {TYPE} <{_OA}TextPositionSelector> .",
        f"{position} <{_OA}start> {_typed(offset, 'integer')} .",
        f"{position} <{_OA}end> {_typed(end, 'integer')} .",
    ], end + 1


def _block(i: int, rng: random.Random, offset: int) -> tuple[list[str], int]:
    lines, offset = _sentence(i, offset)
    sent = _id(f"sentence/synth-{i}")
    state, programme = _id(f"country/synth-{i}"), _id(f"framework/synth-{i}")
    other_state = _id(f"country/synth-{rng.randrange(i + 1)}")
    other_programme = _id(f"framework/synth-{rng.randrange(i + 1)}")
    year = rng.choice(YEARS)
    tm = _id(f"time/synth-{year}")
    for node, cls, name in ((state, "State", f"State {i}"), (programme, "PartnershipProgramme", f"Programme {i}")):
        lines += [f"{node} {TYPE} {_n(cls)} .", f"{node} {LABEL} {_en(name)} .",
                  f"{node} <{_SKOS}prefLabel> {_en(name)} .", f"{node} {_n('attestedBy')} {sent} ."]

    def fact(node: str, cls: str, label: str, *statements: tuple[str, str]) -> None:
        lines.extend([f"{node} {TYPE} {_n(cls)} .", f"{node} {LABEL} {_en(label)} .",
                      f"{node} <{_PROV}wasDerivedFrom> {sent} ."])
        lines.extend(f"{node} {p} {o} ." for p, o in statements)

    fact(_id(f"membership/synth-{i}"), "Membership", f"State {i} joins a programme",
         (_n("member"), state), (_n("organisation"), other_programme), (_n("startTime"), tm))
    fact(_id(f"relationship/synth-{i}"), "Relationship", f"Programme {i} and a state",
         (_n("actor"), programme), (_n("partner"), other_state),
         (_n("relationshipKind"), _id(f"concept/relationship-kind/synth-{rng.choice(RELATIONSHIP_KINDS)}")),
         (_n("startTime"), tm))
    approximate = rng.random() < 0.5
    fact(_id(f"contribution/synth-{i}"), "Contribution", f"State {i} contributes to a programme",
         (_n("contributor"), state), (_n("recipient"), other_programme), (_n("deployedIn"), other_state),
         (_n("contributionKind"), _id(f"concept/contribution-kind/synth-{rng.choice(CONTRIBUTION_KINDS)}")),
         (_n("amount"), _typed(rng.randrange(10, 5000) * (100 if approximate else 1), "integer")),
         (_n("isApproximate"), '"true"^^<%sboolean>' % _XSD if approximate else '"false"^^<%sboolean>' % _XSD))
    fact(_id(f"event/synth-{i}"), "Summit", f"Summit {i} in {year}",
         (_n("hasTime"), tm), (_n("eventLocation"), other_state), (_n("agent"), programme))
    return lines, offset


def write_ntriples(out: TextIO, n_triples: int, seed: int) -> int:
    """Write at least ``n_triples`` (whole blocks) N-Triples lines to ``out``; returns how many."""
    rng = random.Random(seed)
    lines = list(_prelude())
    out.write("\n".join(lines) + "\n")
    count, offset, i = len(lines), 0, 0
    while count < n_triples:
        block, offset = _block(i, rng, offset)
        out.write("\n".join(block) + "\n")
        count += len(block)
        i += 1
    return count


def write_file(path: Path | str, n_triples: int, seed: int) -> int:
    """:func:`write_ntriples` into a file."""
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        return write_ntriples(out, n_triples, seed)


def generate(n_triples: int, seed: int) -> Graph:
    """A synthetic graph of about ``n_triples`` triples (for small sizes: it is an rdflib graph)."""
    import io

    buffer = io.StringIO()
    write_ntriples(buffer, n_triples, seed)
    return Graph().parse(data=buffer.getvalue(), format="nt")
