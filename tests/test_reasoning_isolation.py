"""owlrl changes rdflib's lexical conversions for the whole process; the closure puts them back, so a literal is
judged the same before and after a reasoning run (pySHACL and the fast SHACL engine read ``ill_typed``)."""

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from natoasia.dataset.reasoning.owlrl_closure import owl_rl_closure


def test_a_reasoning_run_leaves_rdflib_judging_literals_as_before():
    two_digit_year = Literal("99", datatype=XSD.gYear)
    before = two_digit_year.ill_typed
    owl_rl_closure(Graph())
    assert Literal("99", datatype=XSD.gYear).ill_typed == before
