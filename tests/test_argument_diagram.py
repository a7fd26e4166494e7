"""The argument diagram on a node's page (issue 18/19): the picture agrees with the data — its steps are exactly the
argument relations and support links a SPARQL query finds around the node — and it follows the data when a support
link is taken out."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from natoasia import ONTOLOGY_NS
from natoasia.site.argument_diagram import build
from natoasia.site.argument_relations import read_relations
from natoasia.stores.embedded import run_query

NAT = ONTOLOGY_NS
PREFIXES = f"PREFIX nat: <{NAT}>\n"
#: The relations of tools/MODELLING.md's AIF table ("Argument relations and AIF"), written out here so that the
#: test does not share the module's way of finding them in the ontology.
MODELLED = ("hasReason", "hasPurpose", "conflictsWith", "preferredTo", "elaborates", "contrastsWith", "causedBy",
            "hasConsequence", "hasCondition", "hasLimit", "hasException")
VOICE = "https://w3id.org/natoasia/id/proposal/special-high-level-arenas"


def selecting(store):
    """A ``select`` over ``store`` that answers like the engine: rows of plain values."""
    def select(query):
        solutions = run_query(store, query)
        names = [v.value for v in solutions.variables]
        return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]
    return select


def expected_steps(store, node: str) -> set[tuple[str, bool]]:
    """(the other node, whether it leads into the node) for every argument relation and support link around the
    node or what it says, a content node owned by a proposition standing for that proposition."""
    values = " ".join(f"nat:{p}" for p in MODELLED)
    found = set()
    for row in run_query(store, PREFIXES + f"""SELECT DISTINCT ?p ?other ?out WHERE {{
        VALUES ?p {{ {values} }}
        {{ BIND(<{node}> AS ?at) }} UNION {{ <{node}> nat:hasContent ?at }}
        {{ ?at ?p ?o BIND(true AS ?out) }} UNION {{ ?o ?p ?at BIND(false AS ?out) }}
        OPTIONAL {{ ?owner nat:hasContent ?o }} BIND(COALESCE(?owner, ?o) AS ?other) FILTER(?other != <{node}>) }}"""):
        upstream = str(row["p"].value).endswith(("hasReason", "hasPurpose", "hasCondition", "hasLimit",
                                                 "hasException", "causedBy"))
        found.add((str(row["other"].value), upstream == (row["out"].value == "true")))
    for row in run_query(store, PREFIXES + f"""SELECT DISTINCT ?other ?in WHERE {{
        {{ BIND(<{node}> AS ?at) }} UNION {{ <{node}> nat:hasContent ?at }}
        ?l a nat:Support ; nat:evidence ?e ; nat:supported ?c . FILTER(?e = ?at || ?c = ?at)
        BIND(IF(?c = ?at, ?e, ?c) AS ?o) BIND(?c = ?at AS ?in)
        OPTIONAL {{ ?owner nat:hasContent ?o }} BIND(COALESCE(?owner, ?o) AS ?other) }}"""):
        found.add((str(row["other"].value), row["in"].value == "true"))
    return found


def drawn_steps(select, node: str) -> set[tuple[str, bool]]:
    d = build(select, node, read_relations(select))
    return set() if d is None else {(s.other.iri, s.into) for s in d.steps}


def nodes_to_check(store) -> list[str]:
    """The voice proposal, the proposition with the most evidence, and one with a conflict."""
    most = next(iter(run_query(store, PREFIXES + """SELECT ?c (COUNT(?l) AS ?n) WHERE {
        ?l a nat:Support ; nat:supported ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1""")))["c"].value
    conflict = next(iter(run_query(store, PREFIXES + """SELECT ?a WHERE { ?a nat:conflictsWith ?b ;
        nat:modality ?m } ORDER BY ?a LIMIT 1""")))["a"].value
    return [VOICE, str(most), str(conflict)]


def test_the_diagram_draws_exactly_the_argument_links_a_query_finds_for_three_nodes(app, store):
    select = selecting(store)
    with app.app_context():
        for node in nodes_to_check(store):
            expected = expected_steps(store, node)
            assert expected, node
            assert drawn_steps(select, node) == expected, node


def test_the_ontology_gives_every_modelled_argument_relation_and_its_aif_kind(app, store):
    known = read_relations(selecting(store))
    assert {NAT + p for p in MODELLED} <= set(known)
    kinds = {iri[len(NAT):]: r.kind for iri, r in known.items()}
    assert (kinds["hasReason"], kinds["conflictsWith"], kinds["preferredTo"], kinds["elaborates"],
            kinds["contrastsWith"]) == ("inference", "conflict", "preference", "rephrase", "link")
    assert NAT + "supports" not in known and NAT + "concerns" not in known and NAT + "answers" not in known


def test_removing_a_support_link_from_the_data_removes_it_from_the_diagram(app, store):
    link, evidence, claim = next(iter(run_query(store, PREFIXES + """SELECT ?l ?e ?c WHERE {
        ?l a nat:Support ; nat:evidence ?e ; nat:supported ?c } ORDER BY ?l LIMIT 1""")))
    link = ox.NamedNode(link.value)
    copy = ox.Store()
    copy.extend(q for q in store.quads_for_pattern(None, None, None, None) if q.subject != link and q.object != link)
    with app.app_context():
        assert (evidence.value, True) in drawn_steps(selecting(store), claim.value)
        assert (evidence.value, True) not in drawn_steps(selecting(copy), claim.value)


def test_the_voice_proposal_shows_its_purpose_and_modality_in_words_on_its_page(client):
    html = client.get("/id/proposal/special-high-level-arenas").get_data(as_text=True)
    figure = html.split('<section class="argument-diagram"', 1)[1].split("</section>", 1)[0]
    assert "in order that" in figure and "/id/content/voice-over-nato-decisions" in figure
    assert "“might” (possibility)" in figure
    assert not re.search(r"\bas has \w+|hasPurpose|hasReason|nat:", figure)


@pytest.mark.parametrize("path", ["/id/country/japan", "/id/sentence/s001"])
def test_a_node_outside_the_argument_has_no_diagram(client, path):
    assert 'class="argument-diagram"' not in client.get(path).get_data(as_text=True)


def test_the_voice_proposal_shows_the_reasons_of_the_proposal_it_makes_concrete(app, store, client):
    """s099's "voice" proposal makes s098's proposal concrete (``nat:elaborates``); the graph gives s098 its reasons
    (s097's "since", s096) and the diagram draws them one level further, said in words, in the drawing and the list."""
    select = selecting(store)
    with app.app_context():
        d = build(select, VOICE, read_relations(select))
    concrete = [s for s in d.out if s.kind == "rephrase" and s.inherited]
    assert concrete and concrete[0].other.iri.endswith("/open-decision-making-bodies")
    reasons = {r.other.sentence.rsplit("/", 1)[-1] for r in concrete[0].inherited}
    assert "s097" in reasons and VOICE not in {r.other.iri for r in concrete[0].inherited}
    html = client.get("/id/proposal/special-high-level-arenas").get_data(as_text=True)
    section = html.split('<section class="argument-diagram"', 1)[1].split("</section>", 1)[0]
    drawing, listed = section.split("</svg>", 1)
    words = "Reasons for the proposal it makes concrete"
    assert words in drawing and words in listed
    s097 = re.search(r"<a href=\"(/id/[^\"]+)\">[^<]*</a> \(<a href=\"/article#s097\"", listed)
    assert s097 and f'href="{s097.group(1)}"' in drawing  # not a step of the voice proposal's own
