"""pyrudof, a third SHACL engine from another code base, fails the same boundary cases as pySHACL.

Kept out of ``test_shape_boundaries.py`` so that ``tools/mutate_shapes.py`` does not run it per mutant:
it compares two engines, it proves no constraint. pyrudof's SPARQL mode agrees with pySHACL here but
took 188 s and 11 GB at 10^6 triples (issue 16), so it is an opinion in tests, not an engine of ours.
"""

from __future__ import annotations

from .engines import by_focus_and_shape, pyrudof_results
from .test_shape_boundaries import _Boundary


def test_pyrudof_fails_the_same_boundary_cases_as_pyshacl(data, shapes, sources):
    """The same (focus, shape) pairs fail, each with the same severity; values are not compared (pyrudof
    writes them in several notations)."""
    cases, reference = _Boundary.of("pyshacl", data, shapes, sources)
    reference = by_focus_and_shape(reference)
    rudof = by_focus_and_shape(pyrudof_results(cases.graph, shapes))
    assert sorted(set(rudof) ^ set(reference)) == []
    assert {k: (v, reference[k]) for k, v in rudof.items() if v != reference[k]} == {}
    assert len(rudof) > 150
