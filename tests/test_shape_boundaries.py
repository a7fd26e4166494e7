"""Every SHACL constraint at its boundary: the value just inside passes, the near miss just outside fails.

``test_shapes.py`` breaks each constraint far from its edge (no values at all, a value that fits no
pattern); a constraint that was loosened or tightened by one (``sh:maxCount 2`` for 1, a pattern
without its ``^`` anchor, ``sh:class`` naming another class, ``sh:lessThanOrEquals`` …) would still
pass there. Here each property constraint gets a copy of a real node of its target class holding
exactly the boundary value(s), and one holding the near miss; the report must name the shape for
the near miss only, as a Violation. Each case runs through both SHACL engines (``tests/engines.py``:
pySHACL, the reference, and our SPARQL-compiled engine), which must also give exactly the same results.
``tools/mutate_shapes.py`` checks that these tests and ``test_shapes.py`` together fail for every mutant
of the shapes file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from natoasia.namespaces import qname

from .engines import ENGINES, by_focus_and_shape, difference
from .test_shapes import FIXTURE, instances_of, property_constraints

RDF_LANG_STRING = RDF.langString
SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = "https://w3id.org/natoasia/shapes#"
#: Values a pattern must accept, and near misses it must refuse, per pattern shape.
PATTERN_CASES = {
    "State-isoCode-pattern": (["JP", "US", "AZ"], ["JPN", "jp", "jp-JP", " JP", "JP ", "J", "xJP", "JPx", "J1", "J-"]),
    "Sentence-sentenceId-pattern": (["s001", "s999", "s450"], ["s01", "s0001", "S001", "xs001", "s001x", "s 001",
                                                              "s00a", "001", "ss001", "s-01"]),
    "Instant-inXSDgYear-pattern": (["1900", "1949", "1999", "2000", "2008", "2029"],
                                   ["1899", "2030", "2100", "20291", "12000", "199", "19a0", "199a", "20a9", "200a", " 1999",
                                    "1999 ", "2o08"]),
}
#: A value of each datatype used by the shapes, and near misses with the same text and another datatype.
DATATYPE_CASES = {
    RDF_LANG_STRING: (Literal("Japan", lang="en"), [Literal("Japan"), Literal("Japan", datatype=XSD.token)]),
    XSD.string: (Literal("Japan"), [Literal("Japan", lang="en"), Literal("Japan", datatype=XSD.token)]),
    XSD.boolean: (Literal("true", datatype=XSD.boolean), [Literal("true"), Literal("1", datatype=XSD.integer)]),
    XSD.integer: (Literal("160", datatype=XSD.integer),
                  [Literal("160"), Literal("160", datatype=XSD.nonNegativeInteger),
                   Literal("160", datatype=XSD.decimal)]),
    XSD.nonNegativeInteger: (Literal("160", datatype=XSD.nonNegativeInteger),
                             [Literal("160", datatype=XSD.integer), Literal("160")]),
    XSD.gYear: (Literal("2001", datatype=XSD.gYear), [Literal("2001"), Literal("2001", datatype=XSD.integer),
                                                      Literal("2001-01-01", datatype=XSD.date)]),
}


class Cases:
    """Copies of real nodes with boundary values, collected into one small data graph."""

    def __init__(self, data: Graph, ontology: Graph):
        self.data, self.graph = data, Graph()
        self.graph += ontology
        self.valid: list[tuple[URIRef, URIRef, str]] = []
        self.invalid: list[tuple[URIRef, URIRef, str]] = []

    def add(self, prop, original, path, values, expect_valid: bool, label: str) -> None:
        copy = URIRef(f"{FIXTURE}boundary/{prop.split('#')[-1]}/{len(self.valid) + len(self.invalid)}")
        for p, o in self.data.predicate_objects(original):
            if p != path:
                self.graph.add((copy, p, o))
        for value in values:
            self.graph.add((copy, path, value))
            for t in self.data.objects(value, RDF.type):  # what sh:class looks at
                self.graph.add((value, RDF.type, t))
        (self.valid if expect_valid else self.invalid).append((copy, prop, label))


def other_typed_node(data: Graph, cls) -> URIRef:
    """A typed node of the graph that is not an instance of ``cls`` (a near miss for ``sh:class``)."""
    members = set(instances_of(data, cls))
    for candidate in sorted({s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)
                             and str(s).startswith("https://w3id.org/natoasia/id/")}):
        if candidate not in members:
            return candidate
    raise AssertionError(f"every typed node is a {cls}")


def cases_for(cases: Cases, data: Graph, shapes: Graph, prop, target, path, constraint, value) -> None:
    original = instances_of(data, target)[0]
    values = sorted(data.objects(original, path))
    add = lambda vals, ok, label: cases.add(prop, original, path, vals, ok, label)  # noqa: E731
    name = prop.split("#")[-1]
    if constraint == SH.minCount:
        n = int(value)
        add(values[:n], True, f"exactly {n} value(s)")
        add(values[:n - 1], False, f"{n - 1} value(s)")
    elif constraint == SH.maxCount:
        n = int(value)
        padded = values[:n] + [URIRef(f"{FIXTURE}extra{i}") for i in range(n + 1)]
        add(padded[:n], True, f"exactly {n} value(s)")
        add(padded[:n + 1], False, f"{n + 1} values")
    elif constraint == SH["class"]:
        add([instances_of(data, value)[0]], True, f"an instance of {value}")
        add([other_typed_node(data, value)], False, f"a typed node that is not a {value}")
    elif constraint == SH.datatype:
        good, near_misses = DATATYPE_CASES[value]
        add([good], True, f"a {value} literal")
        for miss in near_misses:
            add([miss], False, f"{miss.n3()} for {value}")
    elif constraint == SH.pattern:
        matching, near_misses = PATTERN_CASES[name]
        for text in matching:
            add([Literal(text)], True, f"{text!r} matches")
        for text in near_misses:
            add([Literal(text)], False, f"{text!r} does not match")
    elif constraint == SH["in"]:
        members = list(shapes.items(value))
        for member in members:
            add([member], True, f"{member} is listed")
        add([URIRef(f"{FIXTURE}not-in-list")], False, "an unlisted value")
    elif constraint == SH.minInclusive:
        add([Literal(value.toPython(), datatype=value.datatype)], True, f"the bound {value}")
        add([Literal(value.toPython() - 1, datatype=XSD.integer)], False, "one below the bound")
    elif constraint == SH.lessThan:
        end = data.value(original, value)
        start = values[0]
        add([Literal(end.toPython() - 1, datatype=start.datatype)], True, "one less than the end")
        add([Literal(end.toPython(), datatype=start.datatype)], False, "equal to the end")
    elif constraint == SH.minLength:
        n = int(value)
        add([Literal("x" * n)], True, f"{n} character(s)")
        add([Literal("x" * (n - 1))], False, f"{n - 1} character(s)")
    elif constraint == SH.uniqueLang:
        add([Literal("one", lang="en"), Literal("un", lang="fr")], True, "one value per language")
        add([Literal("one", lang="en"), Literal("two", lang="en")], False, "two English values")
    else:
        raise AssertionError(f"{prop}: no boundary cases for {constraint}")


def test_every_property_shape_states_exactly_one_constraint(shapes):
    """One property shape per constraint: a shape with none checks nothing and would go unnoticed."""
    structural = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description}
    for prop in sorted(set(shapes.subjects(RDF.type, SH.PropertyShape))):
        constraints = sorted(p.split("#")[-1] for p in set(shapes.predicates(prop)) if p not in structural)
        assert len(constraints) == 1, f"{prop} states {constraints or 'no constraint'}"


def test_every_constraint_is_a_violation(shapes):
    """A broken constraint fails ``validate`` (exit 1): no shape here is advisory (Warning or Info)."""
    severities = {s: set(shapes.objects(s, SH.severity)) for s in set(shapes.subjects(RDF.type, SH.PropertyShape))}
    severities |= {s: set(shapes.objects(s, SH.severity)) for s in set(shapes.subjects(RDF.type, SH.NodeShape))
                   if (s, SH.severity, None) in shapes}  # node shapes that state constraints of their own
    assert {str(s): v for s, v in severities.items() if v != {SH.Violation}} == {}


NUMBER_WORDS = {"one": 1, "once": 1, "two": 2, "three": 3}
#: How messages name a few classes in words rather than by their qualified name.
CLASS_WORDS = {"nat:Content": "content node", "time:TemporalEntity": "temporal entity",
               "time:ProperInterval": "interval"}


def disagreement(shapes: Graph, constraint, value, message: str) -> str | None:
    """What the constraint says that its ``sh:message`` does not, or None if they agree."""
    if constraint == SH.maxCount:
        said = re.search(r"\b(?:exactly|at most) (one|two|three)\b|\bat most (once)\b", message)
        if not said or NUMBER_WORDS[said.group(1) or said.group(2)] != int(value):
            return f"sh:maxCount {value}"
    elif constraint in (SH["class"], SH.datatype):
        name = qname(value)
        words = "language tag" if value == RDF_LANG_STRING else CLASS_WORDS.get(name, name)
        if words not in message and name not in message:
            return f"{constraint.split('#')[-1]} {name}"
    elif constraint == SH.minInclusive:
        said = re.search(r"\b(?:from|at least) (\d+)\b", message)
        bound = int(said.group(1)) if said else 0 if "negative" in message else None
        if bound != int(value):
            return f"sh:minInclusive {value}"
    elif constraint == SH.minLength:
        said = re.search(r"at least (\d+) characters?", message)
        if (int(said.group(1)) if said else 1 if "not empty" in message else None) != int(value):
            return f"sh:minLength {value}"
    return None


def test_every_constraint_agrees_with_its_message(shapes):
    """The message is the constraint's intent in words; a number, class or datatype it does not state
    (``sh:maxCount 2`` for "at most one") is a constraint loosened or tightened by mistake."""
    problems = []
    for _node_shape, prop, _target, _path, constraint, value in property_constraints(shapes):
        problem = disagreement(shapes, constraint, value, str(shapes.value(prop, SH.message)))
        if problem:
            problems.append(f"{prop.split('#')[-1]}: {problem}, but its message says {str(shapes.value(prop, SH.message))!r}")
    assert problems == []


#: The property shapes that require more than one value: a sentence has a quote and a position selector.
MIN_COUNTS = {"Sentence-hasSelector-minCount": 2}


def test_required_means_at_least_one(shapes):
    """``sh:minCount`` is 1 (the value is required) except where listed: a shape that asks for two areas
    of cooperation would reject a commission the article describes with one."""
    counts = {str(prop).split("#")[-1]: int(value) for prop, value in shapes.subject_objects(SH.minCount)
              if (prop, RDF.type, SH.PropertyShape) in shapes}
    assert {name: n for name, n in counts.items() if n != MIN_COUNTS.get(name, 1)} == {}
    assert set(MIN_COUNTS) <= set(counts)


def test_every_pattern_has_near_misses(shapes):
    patterns = {str(prop).split("#")[-1] for prop in shapes.subjects(SH.pattern, None)}
    assert patterns == set(PATTERN_CASES)


class _Boundary:
    """The boundary cases of one shapes graph and each engine's results on them, computed once."""

    shapes: Graph | None = None
    cases: Cases | None = None
    results: dict = {}

    @classmethod
    def of(cls, engine: str, data: Graph, shapes: Graph, sources) -> tuple[Cases, object]:
        if cls.shapes is not shapes:
            cases = Cases(data, sources.union("ontology"))
            for _node_shape, prop, target, path, constraint, value in property_constraints(shapes):
                cases_for(cases, data, shapes, prop, target, path, constraint, value)
            cls.shapes, cls.cases, cls.results = shapes, cases, {}
        if engine not in cls.results:
            cls.results[engine] = ENGINES[engine](cls.cases.graph, shapes)
        return cls.cases, cls.results[engine]


VIOLATION = "Violation"


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_boundary_values_pass_and_near_misses_fail_as_violations(engine, data, shapes, sources):
    cases, results = _Boundary.of(engine, data, shapes, sources)
    reported = by_focus_and_shape(results)
    key = lambda copy, prop: (str(copy), str(prop))  # noqa: E731
    problems = [f"{prop.split('#')[-1]}: {label} is reported" for copy, prop, label in cases.valid
                if key(copy, prop) in reported]
    problems += [f"{prop.split('#')[-1]}: {label} is not reported" for copy, prop, label in cases.invalid
                 if key(copy, prop) not in reported]
    problems += [f"{prop.split('#')[-1]}: {label} is reported as {sorted(reported[key(copy, prop)])}, not a Violation"
                 for copy, prop, label in cases.invalid if reported.get(key(copy, prop), {VIOLATION}) != {VIOLATION}]
    assert problems == []
    assert len(cases.valid) > 150 and len(cases.invalid) > 150


def test_both_engines_give_the_same_results_on_every_boundary_case(data, shapes, sources):
    """Not only the same shapes fail: the same focus, path, value, shape and severity, as often."""
    _cases, reference = _Boundary.of("pyshacl", data, shapes, sources)
    _cases, fast = _Boundary.of("sparql", data, shapes, sources)
    assert difference(reference, fast) == []
    assert sum(reference.values()) > 150


def _fixture_graph(sources, fixture: Path) -> tuple[Graph, URIRef]:
    text = fixture.read_text(encoding="utf-8")
    graph = sources.union("ontology")
    graph.parse(data=text, format="turtle")
    return graph, URIRef(re.search(r"^# expect: (\S+)", text, re.M).group(1))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_node_shape_fixtures_fail_as_violations(engine, sources, shapes):
    for fixture in sorted(SHAPE_FIXTURES.glob("*.ttl")):
        graph, expected = _fixture_graph(sources, fixture)
        results = ENGINES[engine](graph, shapes)
        severities = {severity for _focus, _path, _value, shape, severity in results if shape == str(expected)}
        assert severities == {VIOLATION}, fixture.name


def test_both_engines_give_the_same_results_on_every_node_shape_fixture(sources, shapes):
    for fixture in sorted(SHAPE_FIXTURES.glob("*.ttl")):
        graph, _expected = _fixture_graph(sources, fixture)
        assert difference(ENGINES["pyshacl"](graph, shapes), ENGINES["sparql"](graph, shapes)) == [], fixture.name
