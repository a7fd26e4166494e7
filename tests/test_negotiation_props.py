"""Content negotiation (RFC 9110 §12.5.1): the most specific matching range gives a type its q-value,
the highest q wins, ties go to the server's order, and nothing acceptable means 406.

Property-based: Accept headers are drawn from every combination of exact, ``type/*`` and ``*/*``
ranges with q-values from 0 to 1, and each answer is checked against what the RFC says, not only
against "no error". These are the fast tests that kill ``endpoint/negotiation.py``'s mutants
(``tools/mutation.py``).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from natoasia.endpoint.negotiation import (FORMAT_ALIASES, GRAPH_TYPES, SOLUTION_TYPES, MediaRange, choose,
                                           parse_accept, quality, resolve_format)

OFFERS = {"solutions": SOLUTION_TYPES, "graph": GRAPH_TYPES, "documents": ["text/html", *GRAPH_TYPES]}
OTHER_TYPES = ["image/png", "application/json", "text/plain", "application/xml"]
Q_VALUES = [0.0, 0.001, 0.1, 0.5, 0.8, 0.9, 1.0]


def q_text(q: float) -> str:
    return f"{q:g}"


@st.composite
def accept_headers(draw, offered: list[str]):
    """An Accept header of exact, ``type/*`` and ``*/*`` ranges with their q-values, and the ranges."""
    types = offered + OTHER_TYPES
    candidates = types + sorted({t.split("/")[0] + "/*" for t in types}) + ["*/*"]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=6, unique=True))
    ranges = []
    for media_range in chosen:
        q = draw(st.one_of(st.none(), st.sampled_from(Q_VALUES)))
        spelt = draw(st.sampled_from([media_range, media_range.upper()]))
        ranges.append((media_range, 1.0 if q is None else q, spelt if q is None else f"{spelt};q={q_text(q)}"))
    header = draw(st.sampled_from([", ", ",", " , "])).join(text for *_, text in ranges)
    return header, [(r, q) for r, q, _ in ranges]


def expected_quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q of the most specific range that matches ``media_type`` (exact, then type/*, then */*), or 0."""
    main = media_type.split("/")[0]
    for candidate in (media_type, main + "/*", "*/*"):
        for media_range, q in ranges:
            if media_range == candidate:
                return q
    return 0.0


@settings(max_examples=400, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(OFFERS)))
def test_the_chosen_type_has_the_highest_q_of_its_most_specific_range(data, kind):
    offered = OFFERS[kind]
    header, ranges = data.draw(accept_headers(offered))
    scores = [expected_quality(ranges, m) for m in offered]
    chosen = choose(header, offered)
    if max(scores) == 0:
        assert chosen is None, f"{header!r} refuses every offered type, yet {chosen} was chosen"
        return
    assert chosen is not None, f"{header!r} accepts {offered[scores.index(max(scores))]}, yet 406"
    # The highest q wins; among equals the server's order decides.
    assert chosen == offered[scores.index(max(scores))], (header, dict(zip(offered, scores)))
    for media_type, score in zip(offered, scores):
        assert quality(parse_accept(header), media_type) == score


@settings(max_examples=200, deadline=None)
@given(refused=st.sampled_from(SOLUTION_TYPES), wildcard=st.sampled_from(["*/*", "application/*", "text/*"]),
       q=st.sampled_from(Q_VALUES[1:]))
def test_a_type_refused_by_name_is_never_chosen_through_a_wildcard(refused, wildcard, q):
    for header in (f"{refused};q=0, {wildcard};q={q_text(q)}", f"{wildcard};q={q_text(q)}, {refused};q=0"):
        assert choose(header, SOLUTION_TYPES) != refused, header


def test_specificity_beats_q_issue_12():
    """The survivor of the issue: json refused by name, everything else at 0.5 → the next type, not json."""
    header = "application/sparql-results+json;q=0, */*;q=0.5"
    assert choose(header, SOLUTION_TYPES) == "application/sparql-results+xml"
    assert choose("text/*;q=0.2, text/csv;q=0.9, */*;q=0.1", SOLUTION_TYPES) == "text/csv"
    assert choose("text/*;q=0.9, text/csv;q=0.1", SOLUTION_TYPES) == "text/tab-separated-values"
    assert choose("application/*;q=0.9, */*;q=1", ["text/turtle", "application/ld+json"]) == "text/turtle"


@settings(max_examples=200, deadline=None)
@given(ranges=st.lists(st.sampled_from(["*/*", "text/*", "application/*", *SOLUTION_TYPES, *GRAPH_TYPES]),
                       min_size=1, max_size=5))
def test_everything_at_q_zero_is_not_acceptable(ranges):
    header = ", ".join(f"{r};q=0" for r in ranges)
    for offered in OFFERS.values():
        assert choose(header, offered) is None, header


def test_no_preference_gives_the_servers_first_type():
    for header in (None, "", "   ", "garbage", ";;;", "text"):
        assert choose(header, SOLUTION_TYPES) == SOLUTION_TYPES[0], repr(header)
        assert choose(header, GRAPH_TYPES) == GRAPH_TYPES[0], repr(header)


def test_malformed_entries_are_skipped_not_fatal():
    assert choose("garbage, text/csv", SOLUTION_TYPES) == "text/csv"
    assert choose("text/csv;q=abc, text/tab-separated-values;q=0.1", SOLUTION_TYPES) == "text/tab-separated-values"
    assert parse_accept("a, text/csv ;  Q = 0.3 ; charset=utf-8, ,") == [MediaRange("text", "csv", 0.3)]
    assert parse_accept("TEXT/CSV") == [MediaRange("text", "csv", 1.0)]
    assert parse_accept("text/csv;q=abc") == [MediaRange("text", "csv", 0.0)]
    assert parse_accept("text/csv;v=0.2;version=0") == [MediaRange("text", "csv", 1.0)]  # only q is a q-value
    assert parse_accept("q=0/x") == [MediaRange("q=0", "x", 1.0)]  # the range itself is not a parameter
    assert choose("text/csv/x, text/tab-separated-values", SOLUTION_TYPES) == "text/tab-separated-values"


def test_q_values_are_clamped_to_0_and_1():
    assert parse_accept("text/csv;q=2") == [MediaRange("text", "csv", 1.0)]
    assert parse_accept("text/csv;q=-1") == [MediaRange("text", "csv", 0.0)]
    assert parse_accept("text/csv;level=1;q=0.25") == [MediaRange("text", "csv", 0.25)]
    assert choose("text/csv;q=-1", SOLUTION_TYPES) is None


def test_specificity_of_a_match():
    assert MediaRange("text", "csv", 1).matches("text/csv") == 3
    assert MediaRange("text", "*", 1).matches("text/csv") == 2
    assert MediaRange("*", "*", 1).matches("text/csv") == 1
    assert MediaRange("text", "csv", 1).matches("text/plain") == 0
    assert MediaRange("*", "csv", 1).matches("text/csv") == 0
    assert MediaRange("application", "*", 1).matches("text/csv") == 0
    assert MediaRange("text", "csv", 1).matches("application/csv") == 0
    # Malformed ranges ("text/", "/*", "*/") match nothing.
    for main, sub in (("text", ""), ("text", "!"), ("", "*"), ("!", "*"), ("*", ""), ("*", "!")):
        assert MediaRange(main, sub, 1).matches("text/csv") == 0, (main, sub)
    assert choose("text/, */;q=1, application/sparql-results+xml;q=0.5", SOLUTION_TYPES) == \
        "application/sparql-results+xml"


def test_ties_go_to_the_servers_order():
    assert choose("text/tab-separated-values, text/csv", SOLUTION_TYPES) == "text/csv"
    assert choose("*/*", GRAPH_TYPES) == "text/turtle"
    assert choose("application/*", GRAPH_TYPES) == "application/n-triples"


def test_the_offered_types_are_the_documented_ones():
    assert SOLUTION_TYPES == ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                              "text/tab-separated-values"]
    assert GRAPH_TYPES == ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@given(value=st.sampled_from(sorted(FORMAT_ALIASES)), padding=st.sampled_from(["", " ", "\t"]),
       upper=st.booleans())
def test_format_names_resolve_whatever_their_case_and_padding(value, padding, upper):
    spelt = padding + (value.upper() if upper else value) + padding
    assert resolve_format(spelt) == FORMAT_ALIASES[value]


def test_format_values():
    assert resolve_format("ttl") == "text/turtle"
    assert resolve_format("json") == "application/sparql-results+json"
    assert resolve_format("srx") == "application/sparql-results+xml"
    assert resolve_format("rdf") == "application/rdf+xml"
    assert resolve_format("json-ld") == "application/ld+json"
    assert resolve_format("nt") == "application/n-triples"
    assert resolve_format(" Text/CSV ") == "text/csv"
    assert resolve_format("application/rdf+xml") == "application/rdf+xml"
    for unknown in ("text/html", "png", "", "text/*", "*/*"):
        assert resolve_format(unknown) is None, unknown
    assert resolve_format("table") == "text/plain"  # the CLI's name; the endpoint then offers no such type
