"""Example-based tests of the query check written from the mutants that survived its property tests.

Each case pins one decision of :func:`natoasia.endpoint.querycheck.scan` exactly: refused or not, the form,
the bracket depth, the dataset and update flags, the error's message and position. The hidden-reading
cases put a SERVICE clause in a long string of the grammar's reading which a parser reading the IRI
``<#>`` as less-than would see after a comment (``<`` then ``#>'''`` up to the end of the line).
"""

from __future__ import annotations

import pytest

from natoasia.endpoint import readings
from natoasia.endpoint.querycheck import scan

# The text of the next line is inside a long string for the grammar, outside it when <#> is read as `<` + comment.
HIDDEN = "ASK { ?s ?p <#>'''\n%s\n''' }"


@pytest.mark.parametrize("query, service, update, dataset, form, depth", [
    # other readings: the comment inside an IRI read as less-than
    (HIDDEN % "SERVICE <urn:x> {}", True, False, False, "ASK", 6),
    ("<#>'''\nSERVICE <urn:x> {}\n'''", True, False, False, None, 0),  # the IRI at the very start of the text
    (HIDDEN % "SERVICE SILENT ?x {}", True, False, False, "ASK", 6),
    (HIDDEN % "SERVICE < x >{}", True, False, False, "ASK", 6),  # less-than there, then `>` and `{`
    (HIDDEN % "SERVICE . ?x {}", False, False, False, "ASK", 6),  # not the SERVICE pattern
    (HIDDEN % "SERVICE x ?y {}", False, False, False, "ASK", 6),
    (HIDDEN % "?s ex:service {}", False, False, False, "ASK", 6),  # SERVICE in a local part is a name
    ("ASK { ?s ?p <#'>'''\n( ( ( ) ) ( ( (\n''' }", False, False, False, "ASK", 6),  # no operand before `<`
    # an IRI read as less-than from the start of the name that spells SERVICE
    ("ASK { ?s ?p <urn:aSERVICE#>\n?x {} }", True, False, False, "ASK", 12),
    ("ASK { ?s ?p <?SERVICE#>\n?x {} }", True, False, False, "ASK", 12),
    ("ASK { ?s ?p <_SERVICE#>\n?x {} }", False, False, False, "ASK", 12),  # `_SERVICE` is no token: no reading
    ("ASK { FILTER(?a < ?b) ?s ?p ?o >SERVICE ?x {} }", True, False, False, "ASK", 19),
    # pyoxigraph's shorter local part, where reading on from the colon stops at an escape
    ("ASK { ?s ?p ex:%41.a.SERVICE?x{} }", True, False, False, "ASK", 12),
    ("ASK { ?s ?p ex:\\.a.b.SERVICE?x{} }", True, False, False, "ASK", 12),
    ("ASK { ?s ?p e-:\\.a.b.SERVICE?x{} }", True, False, False, "ASK", 12),
    # keywords: dataset clauses, updates, prefix declarations
    ("SELECT * FROM:g { ?s ?p ?o }", False, False, True, "SELECT", 7),
    ("BASE <urn:> PREFIX from: <urn:f> SELECT * { ?s from:p ?o }", False, False, False, "SELECT", 7),
    ("SELECT * {} INSERTDATA { }", False, True, False, "SELECT", 10),
    ("SELECT * { ?s insert:p ?o }", False, True, False, "SELECT", 7),
    ("SELECT * { ?s insertx:p ?o }", False, False, False, "SELECT", 7),
    # depth, including brackets inside an IRI that a parser may read as less-than
    ("DESCRIBE <urn:x>", False, False, False, "DESCRIBE", 0),
    ("ASK { { } { } }", False, False, False, "ASK", 15),
    ("ASK { ( ) ( ( ) ) }", False, False, False, "ASK", 22),
    ("SELECT * { FILTER(?o < <((((>) }", False, False, False, "SELECT", 16),  # after an operator: an IRI
    # after an operand: a collection's next element (6), or `<` and what follows as code (4 brackets × 8 open)
    ("SELECT * { FILTER(?o <((((>) }", False, False, False, "SELECT", 54),
    ("ASK { FILTER(?o <()((>) }", False, False, False, "ASK", 37),
    ("ASK { FILTER(?o <()(>) }", False, False, False, "ASK", 29),
    ("ASK { FILTER(?o <)(>) }", False, False, False, "ASK", 29),  # a `)` closes nothing of the IRI's
    ("ASK { FILTER(?o <a#>)\n}", False, False, False, "ASK", 29),  # the `)` in the comment stays open
    ("ASK { FILTER(?o <a#>\n) }", False, False, False, "ASK", 21),
])
def test_each_reading_decides_exactly(query, service, update, dataset, form, depth):
    checked = scan(query)
    assert checked.error is None, checked.error
    assert (checked.uses_service, checked.is_update, checked.has_dataset_clause, checked.form, checked.max_depth) == \
        (service, update, dataset, form, depth)


@pytest.mark.parametrize("query, message", [
    ("ASK `", "line 1, column 5: unexpected character '`' (U+0060)"),
    ("\nASK `", "line 2, column 5: unexpected character '`' (U+0060)"),
    ("ASK { 'abc", "line 1, column 7: a string opened with ' is not closed on its line or has a bad escape"),
    ("ASK { ?s ?p \\x }", "line 1, column 13: a backslash escape outside a string"),
    # an error only in the decoded reading: its position counted in the text as sent, past an earlier escape
    ("ASK { ?s ?p '\\u0041' . 'a\\u000Ab' }", "line 1, column 24: a string opened with ' is not closed on its line "
     "or has a bad escape (reading the \\u escapes as the characters they stand for)"),
    ("ASK { ?s ?p <bif:a(> }", "line 1, column 13: BIF (a store's own extension, which may fetch URLs) is not SPARQL "
     "and not accepted"),
    ("ASK { ?s ?p <SQL:a> }", "line 1, column 13: SQL (a store's own extension, which may fetch URLs) is not SPARQL "
     "and not accepted"),
])
def test_errors_name_their_position_and_problem_exactly(query, message):
    error = scan(query).error
    assert error is not None and str(error) == f"SPARQL syntax error at {message}"


# Texts with one other reading per statement, each rejoining the first reading at once: the work bound
# is linear in the text, so none of these reaches it.
MANY_READINGS = {
    "less-than comparisons": "FILTER(?a < 1 && ?b > 2) ",
    "short local parts": "?s ?p ex:a.bservice . ",  # two readings each: 1500 of them fit
    "quotes in IRIs": "?s ?p <a'> . ",
    "comments in IRIs": "?s ?p <a#> .\n",
    "quotes in IRIs spelling SERVICE": "?s ?p <service'> . ",
}


@pytest.mark.parametrize("statement", list(MANY_READINGS.values()), ids=list(MANY_READINGS))
def test_a_long_query_with_many_other_readings_is_within_the_work_bound(statement):
    checked = scan("SELECT * { " + statement * (1500 if "ex:" in statement else 3000) + "}")
    assert checked.error is None and not checked.uses_service and checked.form == "SELECT"


@pytest.mark.parametrize("statement", ["?s ?p <a'> . '''", "?s ?p <a'" + "z" * 200 + "> . '''"],
                         ids=["tokens", "characters"])
def test_a_text_read_in_many_ways_is_read_within_the_bound(statement):
    """Regression: each quote in an IRI starts a reading that never meets the first one again. The old check
    followed each anew and refused these valid queries as read in too many ways; a reading now stops where
    another has been, so they are read in work linear in the text."""
    text = "SELECT * { " + statement * 3000 + "}"
    checked = scan(text)
    assert checked.error is None and not checked.uses_service and checked.form == "SELECT"
    assert checked.work < 6 * len(text)


def test_a_text_read_in_more_ways_than_the_bound_allows_is_refused(monkeypatch):
    """The bound itself, lowered until an ordinary text reaches it: refused where the reading was, not followed."""
    monkeypatch.setattr(readings, "WORK_PER_CHARACTER", 1)
    monkeypatch.setattr(readings, "WORK_FLOOR", 0)
    error = scan("SELECT * { " + "?s ?p <a'> . '''" * 20 + "}").error  # the last reading queued is the first followed:
    assert error is not None and str(error) == ("SPARQL syntax error at line 1, column 308: this text can be read in "
                                                "too many ways to be checked; write it more plainly")
