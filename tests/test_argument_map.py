"""The argument map (issue 10): research questions, the nodes that answer them, and the links between them."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from natoasia import ID_NS
from natoasia.site.sections import SECTIONS
from natoasia.stores.embedded import run_query

PREFIXES = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
ANSWER_HEAD = r'<p class="answer-head"><span class="node-kind">[^<]*</span> <a href="([^"]+)">'


def local(iri: str) -> str:
    return "/id/" + iri[len(ID_NS):]


def question_block(html: str, question: str) -> str:
    return html.split(f'<section class="question" id="{question}"', 1)[1].split("</section>", 1)[0]


def answers_in(block: str) -> set[str]:
    return set(re.findall(ANSWER_HEAD, block))


def answer_item(html: str, node: str) -> str:
    """The list item drawing ``node`` as an answer (not a link to it under another answer)."""
    return next(item for item in html.split('<li class="answer')[1:]
                if re.search(rf'<p class="answer-head"><span class="node-kind">[^<]*</span> <a href="{re.escape(node)}">', item))


def drawn_rows(html: str) -> list[tuple[str, ...]]:
    """Every row the map draws: (question,), (question, answer), (question, answer, heading) and
    (question, answer, heading, target)."""
    rows = []
    for question, block in re.findall(r'<section class="question" id="([^"]+)"(.*?)</section>', html, re.S):
        rows.append((question,))
        for item in block.split('<li class="answer')[1:]:
            answer = re.search(ANSWER_HEAD, item).group(1)
            rows.append((question, answer))
            for heading, targets in re.findall(r"<dt>([^<]*)</dt>(.*?)(?=<dt>|</dl>)", item, re.S):
                rows.append((question, answer, heading))
                rows += [(question, answer, heading, target) for target in re.findall(r'<dd><a href="([^"]+)">', targets)]
    return rows


def test_no_question_answer_heading_or_link_is_drawn_twice_in_the_map_or_a_section(client):
    """Regression: both directions of ``conflictsWith`` say "conflicts with", and every node with a conflict drew
    that heading and its targets once per direction."""
    drawn = {}
    for query in ["", *(f"?section={number}" for number in range(1, len(SECTIONS) + 1))]:
        rows = drawn[query] = drawn_rows(client.get(f"/argument{query}").get_data(as_text=True))
        assert sorted(row for row, count in Counter(rows).items() if count > 1) == [], query
    assert any(row[2:3] == ("conflicts with",) for row in drawn[""]), "the map draws conflicts"


def test_every_research_question_lists_exactly_the_nodes_that_answer_it(client, store):
    html = client.get("/argument").get_data(as_text=True)
    questions = [str(r["q"].value) for r in run_query(store, PREFIXES + "SELECT ?q WHERE { ?q a nat:ResearchQuestion }")]
    assert len(questions) >= 3
    for question in questions:
        expected = {local(str(r["n"].value)) for r in run_query(store, PREFIXES + f"""
            SELECT ?n WHERE {{ ?n nat:answers <{question}> }}""")}
        assert answers_in(question_block(html, question.rsplit("/", 1)[-1])) == expected, question


def test_evidence_and_reasons_are_drawn_under_the_claims_they_bear_on(client, store):
    html = client.get("/argument").get_data(as_text=True)
    rows = list(run_query(store, PREFIXES + """SELECT ?fact ?claim ?q WHERE {
        ?fact nat:supports ?claim . ?claim nat:answers ?q } ORDER BY ?fact ?claim ?q LIMIT 1"""))
    assert rows, "the graph has evidence for an answering claim"
    fact, claim, question = (str(rows[0][v].value) for v in ("fact", "claim", "q"))
    block = question_block(html, question.rsplit("/", 1)[-1])
    answer = answer_item(block, local(claim))
    assert re.search(rf'<dt>evidence</dt>\s*(<dd>.*?</dd>\s*)*?<dd><a href="{re.escape(local(fact))}">', answer, re.S)
    reasons = list(run_query(store, PREFIXES + """SELECT ?a ?r WHERE { ?a nat:hasReason ?r ; nat:answers ?q }
        ORDER BY ?a ?r LIMIT 1"""))
    assert reasons
    node, reason = str(reasons[0]["a"].value), str(reasons[0]["r"].value)
    answer = answer_item(html, local(node))
    assert "<dt>because</dt>" in answer and f'<a href="{local(reason)}">' in answer


def test_every_node_links_to_its_sentence(client):
    html = client.get("/argument").get_data(as_text=True)
    answers = html.split('<li class="answer')[1:]
    assert answers and all('class="sentence-link" href="/id/sentence/' in a for a in answers)


def test_a_section_shows_the_answers_stated_in_it(client, store):
    whole = client.get("/argument").get_data(as_text=True)
    seen = set()
    for number in range(1, len(SECTIONS) + 1):
        html = client.get(f"/argument?section={number}").get_data(as_text=True)
        shown = set(re.findall(r'<p class="answer-head"><span class="node-kind">[^<]*</span> <a href="(/id/[^"]+)">', html))
        last = SECTIONS[number][0] if number < len(SECTIONS) else 10**6
        for link in shown:
            paragraphs = [int(r["p"].value) for r in run_query(store, PREFIXES + f"""
                SELECT ?p WHERE {{ <{ID_NS}{link[4:]}> prov:wasDerivedFrom/nat:paragraph ?p }}""")]
            assert any(SECTIONS[number - 1][0] <= p < last for p in paragraphs), (number, link)
        seen |= shown
    assert seen == set(re.findall(r'<p class="answer-head"><span class="node-kind">[^<]*</span> <a href="(/id/[^"]+)">', whole))


@pytest.mark.parametrize("value", ["0", "9", "x", "1%20OR%201", "-1"])
def test_an_unknown_section_is_refused_with_a_message(client, value):
    response = client.get(f"/argument?section={value}")
    assert response.status_code == 400 and "section must be a whole number from 1 to" in response.get_data(as_text=True)


def further_drawn(html: str) -> set[str]:
    """The nodes the graph draws as linked to an answer without being one (a dashed box)."""
    return set(re.findall(r'<a class="map-node inode further" href="([^"]+)"', html))


def not_drawn(html: str) -> set[str]:
    block = re.search(r'<details class="more map-not-drawn">.*?</details>', html, re.S)
    return set(re.findall(r'<a href="([^"]+)">', block.group(0))) if block else set()


def test_the_graph_draws_the_linked_statements_that_answer_no_question_or_says_how_many_it_leaves_out(client, store):
    """Every node linked (an argument relation or a support link) to an answer that answers no research question
    is either drawn in the graph or named as not drawn, and each is drawn where the length budget allows: question 1
    has room for all its neighbours; the whole map not for all, and says how many it leaves out."""
    outside = {local(str(row["n"].value)) for row in run_query(store, PREFIXES + """SELECT DISTINCT ?n WHERE {
        ?a nat:answers ?q .
        { ?link a nat:Support ; nat:evidence ?n0 ; nat:supported ?a } UNION { ?link a nat:Support ; nat:evidence ?a ;
          nat:supported ?n0 } UNION { ?a nat:hasReason|nat:hasPurpose|nat:conflictsWith|nat:elaborates ?n0 }
        UNION { ?n0 nat:hasReason|nat:hasPurpose|nat:conflictsWith|nat:elaborates ?a }
        OPTIONAL { ?owner nat:hasContent ?n0 } BIND(COALESCE(?owner, ?n0) AS ?n)
        FILTER NOT EXISTS { ?n nat:answers ?any } }""")}
    assert outside
    whole = client.get("/argument").get_data(as_text=True)
    drawn, left = further_drawn(whole), not_drawn(whole)
    assert drawn and not drawn & left and outside <= drawn | left
    if left:
        assert f"{len(left)} further linked statements, not drawn" in whole
    height = int(re.search(r'class="map-svg" viewBox="0 0 \d+ (\d+)"', whole).group(1))
    assert height <= 1100
    first = client.get("/argument?question=1").get_data(as_text=True)
    assert further_drawn(first) and not not_drawn(first) and "map-not-drawn" not in first
