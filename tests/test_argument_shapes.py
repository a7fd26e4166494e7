"""The shapes of issue 19, each with a valid and an invalid fixture: the report names the shape for the invalid one only.

Issue 19 added constraints so that its faults cannot come back: a position without modality
(``Statement-modality-*``), an evidence link without the sentence that draws it or the flag that the modeller
inferred it (``Support``), an unnumbered or wrongly put research question (``ResearchQuestion-*``), counts,
frequencies, comparisons, roles and durations that are not what the ontology says (``*-count-*``,
``*-frequency-class``, ``Content-comparedWith-class``, ``Duration-*`` …). Each case copies a real node of the
graph twice, gives one copy values the constraint accepts and the other values it refuses, and validates the
copies in one small graph (the ontology, the copies and the types of their values); ``sh:sourceShape`` must
name the shape for the refused copy and must not for the accepted one. ``tools/mutate_shapes.py`` runs these
tests with every mutant of the shapes file.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, XSD

from natoasia.namespaces import NAT
from natoasia.dataset.checks.shacl import shacl_results

ID = Namespace("https://w3id.org/natoasia/id/")
SHAPES = Namespace("https://w3id.org/natoasia/shapes#")
TIME = Namespace("http://www.w3.org/2006/time#")
FIXTURE = "urn:natoasia:fixture:argument-shapes:"

STATEMENT = ID["statement/south-korea-prefers-limited-contribution"]
COUNCIL = ID["body/north-atlantic-council"]
COMMANDS = ID["body/strategic-commands"]
FORUM = ID["forum/tripartite-commission"]
INDIA = ID["country/india"]
PLANNING = ID["event/allied-planning-for-hypothetical-situation"]
US_RELATIONS = ID["relationship/united-states-asian-countries"]
ATTENDANCE = ID["relationship/nato-singapore-meeting-attendance"]
LEAST_ACCESS = ID["content/contributors-least-access"]
PARAMOUNT = ID["content/paramount-issues"]
QUESTION = ID["question/drivers-of-nato-asia-pacific-engagement"]
CUED = ID["support/intensive-network--nato-japan"]
INFERRED = ID["support/interest-finite--nato-japan-1992"]
FORTY_YEARS = ID["time/more-than-forty-years"]

VOLITION, ASSERTION, QUESTION_MODALITY = (ID[f"concept/modality/{m}"] for m in ("volition", "assertion", "question"))
REGULARLY = ID["concept/frequency/regularly"]
PRINCIPAL = ID["concept/role/principal-decision-making-body"]
JAPAN, AFGHANISTAN, NATO = ID["country/japan"], ID["country/afghanistan"], ID["organisation/nato"]
ASIA = ID["place/asia"]
S089 = ID["sentence/s089"]
CLAIM = ID["claim/nato-intensive-network-asia-pacific"]
RELATIONSHIP = ID["relationship/nato-japan"]


def integer(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def decimal(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.decimal)


#: (shape, real node to copy, path, values the constraint accepts, values it refuses)
CASES = [
    ("Statement-modality-minCount", STATEMENT, NAT.modality, [VOLITION], []),
    ("Statement-modality-maxCount", STATEMENT, NAT.modality, [VOLITION], [VOLITION, ASSERTION]),
    ("Statement-modality-class", STATEMENT, NAT.modality, [VOLITION], [JAPAN]),
    ("Organisation-hasRole-class", COUNCIL, NAT.hasRole, [PRINCIPAL], [JAPAN]),
    ("Organisation-frequency-class", FORUM, NAT.frequency, [REGULARLY], [PRINCIPAL]),
    ("Organisation-count-maxCount", COMMANDS, NAT["count"], [integer(2)], [integer(2), integer(3)]),
    ("Organisation-count-datatype", COMMANDS, NAT["count"], [integer(2)], [decimal(2)]),
    ("Organisation-count-minInclusive", COMMANDS, NAT["count"], [integer(0)], [integer(-1)]),
    ("State-locatedCloseTo-class", INDIA, NAT.locatedCloseTo, [AFGHANISTAN], [NATO]),
    ("Event-duration-maxCount", PLANNING, NAT.duration, [FORTY_YEARS], [FORTY_YEARS, ID["time/other-duration"]]),
    ("Event-duration-class", PLANNING, NAT.duration, [FORTY_YEARS], [ID["time/1992"]]),
    ("Event-involvesThreat-class", PLANNING, NAT.involvesThreat, [ID["concept/threat/wmd-proliferation"]], [JAPAN]),
    ("Relationship-excludes-class", US_RELATIONS, NAT.excludes, [NATO], [ASIA]),
    ("Fact-frequency-class", ATTENDANCE, NAT.frequency, [REGULARLY], [PRINCIPAL]),
    ("Content-comparedWith-class", LEAST_ACCESS, NAT.comparedWith, [PARAMOUNT], [JAPAN]),
    ("Content-count-maxCount", PARAMOUNT, NAT["count"], [integer(2)], [integer(2), integer(1)]),
    ("Content-count-datatype", PARAMOUNT, NAT["count"], [integer(2)], [Literal("2")]),
    ("Content-count-minInclusive", PARAMOUNT, NAT["count"], [integer(0)], [integer(-1)]),
    ("ResearchQuestion-questionNumber-minCount", QUESTION, NAT.questionNumber, [integer(1)], []),
    ("ResearchQuestion-questionNumber-maxCount", QUESTION, NAT.questionNumber, [integer(1)], [integer(1), integer(4)]),
    ("ResearchQuestion-questionNumber-datatype", QUESTION, NAT.questionNumber, [integer(1)], [Literal("1")]),
    ("ResearchQuestion-questionNumber-minInclusive", QUESTION, NAT.questionNumber, [integer(1)], [integer(0)]),
    ("ResearchQuestion-modality-in", QUESTION, NAT.modality, [QUESTION_MODALITY], [ASSERTION]),
    ("Support-label-minCount", CUED, RDFS.label,
     [Literal("a link", lang="en")], []),
    ("Support-label-maxCount", CUED, RDFS.label,
     [Literal("a link", lang="en")], [Literal("a link", lang="en"), Literal("another", lang="en")]),
    ("Support-label-datatype", CUED, RDFS.label,
     [Literal("a link", lang="en")], [Literal("a link")]),
    ("Support-evidence-minCount", CUED, NAT.evidence, [RELATIONSHIP], []),
    ("Support-evidence-maxCount", CUED, NAT.evidence, [RELATIONSHIP], [RELATIONSHIP, ID["relationship/nato-china"]]),
    ("Support-supported-minCount", CUED, NAT.supported, [CLAIM], []),
    ("Support-supported-maxCount", CUED, NAT.supported, [CLAIM], [CLAIM, ID["claim/nato-asia-nascent"]]),
    ("Support-supported-class", CUED, NAT.supported, [STATEMENT], [RELATIONSHIP]),
    ("Support-cue-maxCount", CUED, NAT.cue, [S089], [S089, ID["sentence/s101"]]),
    ("Support-cue-class", CUED, NAT.cue, [S089], [CLAIM]),
    ("Support-cueWords-maxCount", CUED, NAT.cueWords, [Literal("To sum up")], [Literal("To sum up"), Literal("as has been")]),
    ("Support-cueWords-datatype", CUED, NAT.cueWords, [Literal("To sum up")], [Literal("To sum up", lang="en")]),
    ("Support-cueWords-minLength", CUED, NAT.cueWords, [Literal("T")], [Literal("")]),
    ("Support-isInference-maxCount", INFERRED, NAT.isInference, [Literal(True)], [Literal(True), Literal(False)]),
    ("Support-isInference-datatype", INFERRED, NAT.isInference, [Literal(True)], [Literal("true")]),
    ("Support-isInference-in", INFERRED, NAT.isInference, [Literal(True)], [Literal(False)]),
    ("Duration-label-minCount", FORTY_YEARS, RDFS.label,
     [Literal("more than 40 years", lang="en")], []),
    ("Duration-numericDuration-minCount", FORTY_YEARS, TIME.numericDuration, [decimal(40)], []),
    ("Duration-numericDuration-maxCount", FORTY_YEARS, TIME.numericDuration, [decimal(40)], [decimal(40), decimal(41)]),
    ("Duration-numericDuration-minInclusive", FORTY_YEARS, TIME.numericDuration, [decimal(0)], [decimal(-1)]),
    ("Duration-unitType-minCount", FORTY_YEARS, TIME.unitType, [TIME.unitYear], []),
    ("Duration-unitType-maxCount", FORTY_YEARS, TIME.unitType, [TIME.unitYear], [TIME.unitYear, ID["time/other-unit"]]),
    ("Duration-unitType-class", FORTY_YEARS, TIME.unitType, [TIME.unitYear], [ID["time/1992"]]),
    ("Duration-isLowerBound-maxCount", FORTY_YEARS, NAT.isLowerBound, [Literal(True)], [Literal(True), Literal(False)]),
    ("Duration-isLowerBound-datatype", FORTY_YEARS, NAT.isLowerBound, [Literal(True)], [Literal("true")]),
]

#: Node-level constraints: (shape, real node to copy, triples to drop from the accepted copy, from the refused one).
NODE_CASES = [
    # a link the article draws: a cue and no inference flag is enough …
    ("Support", CUED, [(NAT.cueWords, None)], [(NAT.cue, None), (NAT.cueWords, None)]),
    # … and so is the modeller's flag without a cue; a link with neither is refused
    ("Support", INFERRED, [], [(NAT.isInference, None)]),
]


def copy_of(graph: Graph, data: Graph, original, name: str, without) -> URIRef:
    """A copy of ``original``'s triples under a fixture IRI, minus the (property, value) pairs ``without``."""
    copy = URIRef(FIXTURE + name)
    for p, o in data.predicate_objects(original):
        if not any(p == dp and (dv is None or o == dv) for dp, dv in without):
            graph.add((copy, p, o))
    return copy


def reports(data: Graph, ontology: Graph, shapes: Graph):
    """Validate every case's two copies in one graph: (copy, expected shape, accepted?) and the reported pairs."""
    graph = Graph()
    graph += ontology
    expected = []
    for number, (shape, original, path, good, bad) in enumerate(CASES):
        assert (original, None, None) in data, f"{shape}: {original} is not in the graph any more"
        for accepted, values in ((True, good), (False, bad)):
            copy = copy_of(graph, data, original, f"{number}-{accepted}", [(path, None)])
            for value in values:
                graph.add((copy, path, value))
            expected.append((copy, SHAPES[shape], accepted))
    for number, (shape, original, good_without, bad_without) in enumerate(NODE_CASES):
        for accepted, without in ((True, good_without), (False, bad_without)):
            expected.append((copy_of(graph, data, original, f"node-{number}-{accepted}", without), SHAPES[shape], accepted))
    for value in {o for s, o in graph.subject_objects() if str(s).startswith(FIXTURE)}:  # what sh:class looks at
        for t in data.objects(value, RDF.type):
            graph.add((value, RDF.type, t))
    results = shacl_results(graph, shapes)
    reported = {(results.value(r, SH.focusNode), results.value(r, SH.sourceShape))
                for r in results.subjects(RDF.type, SH.ValidationResult)}
    return expected, reported


def test_each_issue_19_constraint_accepts_its_valid_fixture_and_refuses_its_invalid_one(data, sources, shapes):
    expected, reported = reports(data, sources.union("ontology"), shapes)
    wrong = [f"{shape.split('#')[-1]}: the {'valid' if accepted else 'invalid'} fixture is "
             f"{'reported' if accepted else 'not reported'}"
             for copy, shape, accepted in expected if ((copy, shape) in reported) == accepted]
    assert wrong == []


def test_every_issue_19_constraint_has_its_cases(shapes):
    """Each shape named here exists and states its constraint; no issue-19 shape goes without a case."""
    named = {name for name, *_ in CASES}
    for name in named:
        assert (SHAPES[name], RDF.type, SH.PropertyShape) in shapes, f"{name} is gone from the shapes"
    issue_19 = {str(s).split("#")[-1] for s in shapes.subjects(RDF.type, SH.PropertyShape)
                if str(s).split("#")[-1].startswith(("Statement-modality", "Support-", "ResearchQuestion-", "Duration-",
                                                     "Organisation-count", "Organisation-hasRole", "Organisation-frequency",
                                                     "Content-count", "Content-comparedWith", "Fact-frequency",
                                                     "State-locatedCloseTo", "Event-duration", "Event-involvesThreat",
                                                     "Relationship-excludes"))}
    assert issue_19 == named
    assert (SHAPES.Support, SH["or"], None) in shapes
