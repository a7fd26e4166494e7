"""Labels name the entity, not the article's wording: real names as preferred labels, no metonymy as
alternative names; the quote keeps what the article wrote. (The general rules — one preferred label,
equal to rdfs:label, unique, no alternative label naming another resource — are QC checks in tests/qc/.)"""

from __future__ import annotations

from rdflib import Literal, Namespace
from rdflib.namespace import RDFS, SKOS

ID = Namespace("https://w3id.org/natoasia/id/")
OA = Namespace("http://www.w3.org/ns/oa#")


def _quote(graph, sentence: str) -> str:
    return str(graph.value(ID[f"sentence/{sentence}#quote"], OA.exact))


def test_shape_carries_its_real_name_and_the_quote_keeps_the_articles(sources):
    graph = sources.union("graph")
    real = Literal("Supreme Headquarters Allied Powers Europe", lang="en")
    assert graph.value(ID["body/shape"], SKOS.prefLabel) == real == graph.value(ID["body/shape"], RDFS.label)
    assert "Supreme Allied Headquarters Europe (SHAPE)" in _quote(graph, "s055")
    names = {str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(None, p)}
    assert not any("Supreme Allied Headquarters" in name for name in names)


def test_capitals_are_not_alternative_names_of_their_states(sources):
    graph = sources.union("graph")
    for state, capital, sentence in (("japan", "Tokyo", "s051"), ("south-korea", "Seoul", "s082"),
                                     ("pakistan", "Islamabad", "s076")):
        assert capital not in {str(o) for o in graph.objects(ID[f"country/{state}"], SKOS.altLabel)}
        assert capital in _quote(graph, sentence), "the article's metonymy stays in its quote"
    background = sources.union("background")
    assert background.value(ID["place/seoul"], SKOS.prefLabel) == Literal("Seoul", lang="en")
