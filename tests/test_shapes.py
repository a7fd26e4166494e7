"""Every SHACL constraint is broken by a fixture, and the report names exactly that shape.

Property-shape constraints are broken by mutating a copy of a real node of the target class
(``mutations()`` knows how to break each constraint kind); node-level constraints (``sh:or``)
by the hand-written fixtures in ``tests/fixtures/shapes/``, each naming its shape in a comment.
A constraint that neither can break makes ``test_every_constraint_has_a_fixture`` fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from natoasia.dataset.checks.shacl import shacl_results

from .helpers import subclasses

SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
FIXTURE = "urn:natoasia:fixture:"
BREAKABLE = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH.minInclusive,
             SH.uniqueLang, SH["in"], SH.lessThan, SH.minLength}


def property_constraints(shapes: Graph):
    """(node shape, property shape, target class, path, constraint, value) for every property shape."""
    for node_shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        target = shapes.value(node_shape, SH.targetClass)
        for prop in sorted(shapes.objects(node_shape, SH.property)):
            path = shapes.value(prop, SH.path)
            for constraint, value in shapes.predicate_objects(prop):
                if constraint not in (RDF.type, SH.path, SH.message, SH.severity):
                    yield node_shape, prop, target, path, constraint, value


def node_constraints(shapes: Graph):
    """(node shape, constraint) for constraints stated on node shapes themselves."""
    for node_shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        for constraint in shapes.predicates(node_shape):
            if constraint not in (RDF.type, SH.targetClass, SH.property, SH.message, SH.severity):
                yield node_shape, constraint


def instances_of(data: Graph, cls) -> list:
    nodes = {s for c in subclasses(data, cls) for s in data.subjects(RDF.type, c)}
    return sorted(nodes, key=lambda n: (-len(list(data.predicate_objects(n))), str(n)))


def break_constraint(graph: Graph, node, shapes: Graph, path, constraint, value) -> bool:
    """Mutate ``node`` in ``graph`` so that it violates the constraint; False if not possible."""
    if constraint == SH.minCount:
        graph.remove((node, path, None))
    elif constraint == SH.maxCount:
        for i in range(int(value) + 1):
            graph.add((node, path, URIRef(f"{FIXTURE}extra{i}")))
    elif constraint == SH["class"]:
        graph.add((node, path, URIRef(f"{FIXTURE}untyped")))
    elif constraint == SH.datatype:
        graph.add((node, path, Literal(7) if value == XSD.string else Literal("not of the datatype")))
    elif constraint == SH.pattern:
        graph.add((node, path, Literal("!! does not match !!")))
    elif constraint == SH.minInclusive:
        graph.add((node, path, Literal(int(value) - 1, datatype=XSD.integer)))
    elif constraint == SH.uniqueLang:
        graph.add((node, path, Literal("first", lang="en")))
        graph.add((node, path, Literal("second", lang="en")))
    elif constraint == SH["in"]:
        graph.add((node, path, URIRef(f"{FIXTURE}not-in-list")))
    elif constraint == SH.lessThan:
        graph.remove((node, path, None))
        graph.add((node, path, Literal(10**9, datatype=XSD.integer)))
    elif constraint == SH.minLength:
        graph.add((node, path, Literal("")))
    else:
        return False
    return True


def mutated_copies(data: Graph, shapes: Graph):
    """One broken copy of a real node per property-shape constraint, all in one data graph."""
    mutated = Graph()
    mutated += data
    expected = []
    for node_shape, prop, target, path, constraint, value in property_constraints(shapes):
        originals = instances_of(data, target)
        assert originals, f"{node_shape} targets {target}, which has no instance to break"
        copy = URIRef(f"{FIXTURE}{prop.split('#')[-1]}-{constraint.split('#')[-1]}")
        for p, o in data.predicate_objects(originals[0]):
            mutated.add((copy, p, o))
        assert break_constraint(mutated, copy, shapes, path, constraint, value), f"cannot break {constraint}"
        expected.append((copy, prop, constraint))
    return mutated, expected


def test_the_graph_conforms_to_the_shapes(validation):
    assert [f.text() for f in validation.findings if f.check == "shacl"] == []


def test_every_property_constraint_fails_on_its_fixture(data, shapes):
    mutated, expected = mutated_copies(data, shapes)
    results = shacl_results(mutated, shapes)
    reported = {(r_focus, r_shape) for r in results.subjects(RDF.type, SH.ValidationResult)
                for r_focus in [results.value(r, SH.focusNode)] for r_shape in [results.value(r, SH.sourceShape)]}
    missing = [f"{shape} ({constraint.split('#')[-1]}) did not fail on {copy}"
               for copy, shape, constraint in expected if (copy, shape) not in reported]
    assert missing == []
    assert len(expected) > 150


def test_every_constraint_has_a_fixture(shapes):
    """Property constraints are of a kind the mutator can break; node constraints have a fixture file."""
    assert {c for *_, c, _ in property_constraints(shapes)} <= BREAKABLE
    with_fixture = {name for path in SHAPE_FIXTURES.glob("*.ttl")
                    for name in re.findall(r"^# expect: (\S+)", path.read_text(encoding="utf-8"), re.M)}
    for node_shape, constraint in node_constraints(shapes):
        assert str(node_shape) in with_fixture, f"no fixture breaks {constraint} of {node_shape}"


@pytest.mark.parametrize("fixture", sorted(SHAPE_FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_node_shape_fixture_fails_with_its_shape(fixture, sources, shapes):
    text = fixture.read_text(encoding="utf-8")
    expected_shape = URIRef(re.search(r"^# expect: (\S+)", text, re.M).group(1))
    data = sources.union("ontology", "graph")
    data.parse(data=text, format="turtle")
    results = shacl_results(data, shapes)
    failing = {results.value(r, SH.sourceShape) for r in results.subjects(RDF.type, SH.ValidationResult)}
    assert expected_shape in failing


def test_every_constraint_has_message_and_severity(shapes):
    for node_shape, prop, *_ in property_constraints(shapes):
        assert shapes.value(prop, SH.message) is not None, prop
        assert shapes.value(prop, SH.severity) is not None, prop
    for node_shape, _constraint in node_constraints(shapes):
        assert shapes.value(node_shape, SH.message) is not None, node_shape
        assert shapes.value(node_shape, SH.severity) is not None, node_shape


def test_every_class_used_in_the_graph_has_a_shape(data, shapes):
    """A shape targets each class used, directly or through one of its superclasses."""
    targets = set(shapes.objects(None, SH.targetClass))
    def covered(cls, seen=()):
        return cls in targets or any(covered(sup, seen + (cls,)) for sup in data.objects(cls, RDFS.subClassOf)
                                     if sup not in seen)
    used = {o for s, o in data.subject_objects(RDF.type) if str(s).startswith("https://w3id.org/natoasia/id/")}
    assert sorted(str(c) for c in used if not covered(c)) == []
