"""Statement-level coverage (issue 19): every statement of the article is held by a node of the graph, as structure.

``tests/statements.tsv`` walks the article sentence by sentence and lists each statement with the node that holds
it and the property path from that node that holds what it says; ``tools/argument_coverage.py`` checks a row
(the node exists, cites the sentence, is of the statement's kind, reaches the value through the path, and a
claim, position or plan has its modality and a content node pointing at nodes) and prints the table by part
of the article. Here the same checks are the test: a statement dropped from the graph, moved to a label or
given a wrong value fails.
"""

from __future__ import annotations

import dataclasses

import pytest

from natoasia.stores.embedded import run_query
from tools.argument_coverage import PREFIXES, Row, check, load, main, problems


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load()


def test_every_sentence_of_the_article_has_its_statements_listed(rows, store):
    sentences = {str(r["id"].value) for r in run_query(store, PREFIXES + "SELECT ?id WHERE { ?s nat:sentenceId ?id }")}
    assert len(sentences) == 129
    assert {row.sentence for row in rows} == sentences
    assert [row.sentence for row in rows] == sorted(row.sentence for row in rows), "rows follow the article"


def test_every_listed_statement_is_held_as_the_list_says(rows, store):
    failures = check(store, rows)
    assert {f"{rows[i].sentence} {rows[i].node} {rows[i].holds}": p for i, p in failures.items()} == {}


def test_at_least_99_percent_of_the_statements_are_structure_and_none_is_missing(rows, store):
    """Issue 19's measure: an independent walk finds >= 99 % of the statements as structure and none missing."""
    assert len(rows) >= 214
    structure = [r for r in rows if r.held == "structure"]
    assert len(structure) / len(rows) >= 0.99
    assert all(r.node and r.node != "-" for r in rows)


def test_every_claim_position_question_and_plan_of_the_graph_holds_a_listed_statement(rows, store):
    """The list and the graph agree: nothing the author or an actor says is in the graph without its statement."""
    said = {str(r["x"].value) for r in run_query(store, PREFIXES + """SELECT ?x WHERE {
        ?x a/rdfs:subClassOf* nat:Proposition . FILTER (STRSTARTS(STR(?x), "https://w3id.org/natoasia/id/")) }""")}
    listed = {str(r["x"].value) for row in rows
              for r in run_query(store, PREFIXES + f"SELECT ?x WHERE {{ BIND ({row.node} AS ?x) }}")}
    assert sorted(said - listed) == []


def broken(row: Row, **change) -> Row:
    return dataclasses.replace(row, **change)


def test_the_check_fails_on_a_statement_that_is_not_held(rows, store):
    """A check that cannot fail is no check: each way a statement can be lost is reported."""
    by_node = {(r.node, r.holds): r for r in rows}
    count = by_node[("body:strategic-commands", "nat:count")]
    position = by_node[("stmt:nato-expand-and-formalise-asian-relations", "nat:modality")]
    cases = {
        "missing node": broken(count, node="body:no-such-body"),
        "sentence not cited": broken(count, sentence="s001"),
        "wrong value": broken(count, value="3"),
        "wrong count": broken(by_node[("framework:tailored-cooperation-programme", "^nat:organisation/nat:member")],
                              value="count=4"),
        "only a label": broken(count, holds="rdfs:label", value=""),
        "no such path": broken(count, holds="nat:amount", value=""),
        "wrong kind": broken(position, kind="claim"),
        "a fact that is said": broken(position, kind="fact"),
        "held as text is not a kind of holding": broken(count, held="label"),
        "no path": broken(count, holds="", value=""),
        "a content node is not a position": broken(position, node="content:nato-expand-asian-relations", kind="position"),
    }
    assert {name: bool(problems(store, row)) for name, row in cases.items()} == dict.fromkeys(cases, True)
    assert problems(store, count) == [] and problems(store, position) == []


def test_the_coverage_table_counts_the_statements(built, capsys):
    assert main(["--data", str(built)]) == 0
    out = capsys.readouterr().out
    total = next(line for line in out.splitlines() if line.startswith("| **all**"))
    assert total.split("|")[2].strip() == str(len(load()))
