"""The SPARQL-compiled SHACL validator (natoasia.dataset.checks.shacl_sparql) agrees with pySHACL on our shapes."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from natoasia.dataset.checks.shacl import shacl_results
from natoasia.dataset.checks.shacl_sparql import UnsupportedShape, compile_shapes, validate_graph, validate_store
from natoasia.dataset.checks.written import load_file, load_graph
from natoasia.rdfio import to_ox
from tests.test_shapes import FIXTURE, SHAPE_FIXTURES, mutated_copies

NAT = "https://w3id.org/natoasia/ontology#"
SHAPES = "https://w3id.org/natoasia/shapes#"


@pytest.fixture(scope="module")
def mutated(data, shapes):
    return mutated_copies(data, shapes)


def test_our_shapes_compile(shapes):
    compiled = compile_shapes(shapes)
    assert len(compiled) == len(set(shapes.subjects(SH.targetClass, None)))
    assert sum(len(s.properties) for s in compiled) == len(set(shapes.objects(None, SH.property)))
    assert sum(len(s.ors) for s in compiled) == len(list(shapes.subject_objects(SH["or"]))) >= 4


def test_the_article_graph_conforms(data, shapes):
    assert [f.text() for f in validate_graph(data, shapes)] == []


def test_mutated_copies_fail_with_the_same_shapes_as_pyshacl(mutated, shapes):
    graph, expected = mutated
    findings = validate_graph(graph, shapes)
    fast = {(f.focus, f.shape) for f in findings if f.focus.startswith(FIXTURE)}
    missing = [f"{shape} ({constraint.split('#')[-1]}) did not fail on {copy}"
               for copy, shape, constraint in expected if (str(copy), str(shape)) not in fast]
    assert missing == []
    results = shacl_results(graph, shapes)
    slow = {(str(results.value(r, SH.focusNode)), str(results.value(r, SH.sourceShape)))
            for r in results.subjects(RDF.type, SH.ValidationResult)
            if str(results.value(r, SH.focusNode)).startswith(FIXTURE)}
    assert sorted(fast - slow) == [] and sorted(slow - fast) == []
    # Nothing outside the mutated copies fails.
    assert [f.text() for f in findings if not f.focus.startswith(FIXTURE)] == []


def test_findings_carry_path_value_message_and_severity(mutated, shapes):
    graph, _expected = mutated
    by_shape = {f.shape: f for f in validate_graph(graph, shapes) if f.focus.startswith(FIXTURE)}
    pattern = by_shape[SHAPES + "Sentence-sentenceId-pattern"]
    assert pattern.path == NAT + "sentenceId"
    assert pattern.value == "!! does not match !!"
    assert pattern.message == "a sentence identifier is s followed by three digits"
    assert pattern.severity == "Violation"
    assert by_shape[SHAPES + "Sentence-hasSource-class"].value == FIXTURE + "untyped"
    assert by_shape[SHAPES + "Sentence-sentenceId-minCount"].value is None


@pytest.mark.parametrize("fixture", sorted(SHAPE_FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_node_shape_fixture_fails_with_its_shape(fixture, data, shapes):
    text = fixture.read_text(encoding="utf-8")
    expected_shape = re.search(r"^# expect: (\S+)", text, re.M).group(1)
    graph = Graph()
    graph += data
    graph.parse(data=text, format="turtle")
    failing = {(f.shape, f.focus) for f in validate_graph(graph, shapes)}
    focus = str(next(iter(Graph().parse(data=text, format="turtle").subjects(RDF.type, None))))
    assert (expected_shape, focus) in failing


def test_sh_or_passes_through_either_branch(data, shapes):
    """An actor not attested by a sentence but the creator of a document conforms (inverse path)."""
    graph = Graph()
    graph += data
    graph.parse(data="""
        @prefix nat: <https://w3id.org/natoasia/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <urn:x:author> a nat:State ; rdfs:label "Author"@en ; skos:prefLabel "Author"@en .
        <urn:x:doc> a nat:Document ; rdfs:label "Doc"@en ; dcterms:creator <urn:x:author> .
        """, format="turtle")
    assert [f.text() for f in validate_graph(graph, shapes) if f.focus in ("urn:x:author", "urn:x:doc")] == []


@pytest.mark.parametrize("constraint", [
    "sh:node [ sh:path rdfs:label ; sh:minCount 1 ]",
    "sh:closed true",
    "sh:property [ sh:path rdfs:label ; sh:hasValue \"x\" ]",
    "sh:property [ sh:path ( rdfs:label rdfs:label ) ; sh:minCount 1 ]",
    "sh:property [ sh:path rdfs:label ; sh:qualifiedMinCount 1 ]",
])
def test_an_unsupported_constraint_kind_raises(constraint):
    shapes = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:x:Shape> a sh:NodeShape ; sh:targetClass <urn:x:C> ; {constraint} .
        """, format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)
    with pytest.raises(UnsupportedShape):
        validate_graph(Graph(), shapes)


def test_an_unsupported_target_raises():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:Shape> a sh:NodeShape ; sh:targetNode <urn:x:n> ;
            sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .
        """, format="turtle")
    with pytest.raises(UnsupportedShape, match="targetNode"):
        compile_shapes(shapes)


def test_datatype_is_judged_on_the_literal_as_written_as_pyshacl_judges_it():
    """pyoxigraph stores ``"5"^^xsd:positiveInteger`` as ``xsd:integer``; the engine keeps the datatype as
    written, so ``"5"^^xsd:integer`` fails ``sh:datatype xsd:positiveInteger`` and the other way round, as in
    pySHACL. Ill-typed literals fail for the types SPARQL 1.1 supports; a gYear is not one of them, so
    ``"99"^^xsd:gYear`` passes (SHACL 4.2.1, and pySHACL)."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:x:S> a sh:NodeShape ; sh:targetClass <urn:x:C> ;
            sh:property [ sh:path <urn:x:n> ; sh:datatype xsd:positiveInteger ] ,
                        [ sh:path <urn:x:i> ; sh:datatype xsd:integer ] ,
                        [ sh:path <urn:x:y> ; sh:datatype xsd:gYear ] .
        """, format="turtle")
    data = Graph()
    c = URIRef("urn:x:C")
    cases = {"n": [("1", XSD.positiveInteger, True), ("5", XSD.integer, False),
                   ("abc", XSD.positiveInteger, False), ("x", None, False)],
             "i": [("160", XSD.integer, True), ("160", XSD.nonNegativeInteger, False), ("7", XSD.int, False),
                   ("1.0", XSD.integer, False), ("abc", XSD.integer, False), ("01", XSD.integer, True)],
             "y": [("2001", XSD.gYear, True), ("99", XSD.gYear, True), ("2001", XSD.string, False)]}
    expected_bad = set()
    for prop, values in cases.items():
        for i, (lexical, datatype, ok) in enumerate(values):
            node = URIRef(f"urn:x:{prop}{i}")
            data.add((node, RDF.type, c))
            data.add((node, URIRef(f"urn:x:{prop}"), Literal(lexical, datatype=datatype)))
            if not ok:
                expected_bad.add(str(node))
    assert {f.focus for f in validate_graph(data, shapes)} == expected_bad
    results = shacl_results(data, shapes)
    assert {str(results.value(r, SH.focusNode)) for r in results.subjects(RDF.type, SH.ValidationResult)} == expected_bad


def test_validate_store_on_a_named_graph(data, shapes):
    """A named graph of a larger store, loaded as written, validates the same as a store of its own."""
    store = ox.Store()
    graph = ox.NamedNode("urn:x:asserted")
    load_graph(store, data, to_graph=graph)
    store.add(ox.Quad(ox.NamedNode(NAT + "x"), to_ox(RDF.type), ox.NamedNode(NAT + "Sentence")))  # in the default graph only: not validated
    lines = []
    assert validate_store(store, shapes, graph=graph, progress=lines.append) == []
    assert len(lines) == len(compile_shapes(shapes))


def test_a_store_loaded_as_written_from_a_file_validates_like_the_graph(data, shapes, tmp_path):
    """``written.load_file`` (N-Triples, as the pipeline benchmark loads 10^6 triples) keeps datatypes too:
    the same findings as from the rdflib graph, derived integer types included."""
    broken = Graph()
    broken += data
    copy = URIRef(FIXTURE + "amount-as-written")
    original = next(data.subjects(URIRef(NAT + "amount"), None))
    for p, o in data.predicate_objects(original):
        broken.add((copy, p, Literal("160", datatype=XSD.nonNegativeInteger) if p == URIRef(NAT + "amount") else o))
    path = tmp_path / "data.nt"
    broken.serialize(path, format="nt", encoding="utf-8")
    store = ox.Store()
    load_file(store, path)
    from_file = {(f.focus, f.shape, f.value) for f in validate_store(store, shapes)}
    assert from_file == {(f.focus, f.shape, f.value) for f in validate_graph(broken, shapes)}
    assert from_file == {(str(copy), SHAPES + "Contribution-amount-datatype", "160")}


def test_ntriples_text_keeps_each_typed_literal_as_written():
    """Typed literals get their written datatype (well- or ill-typed); plain, tagged and xsd:string ones, IRIs
    and comment lines are left as they are; escapes are read before the literal is judged."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    text = (f'<urn:a> <urn:p> "160"^^<{xsd}nonNegativeInteger> .\n'
            f'<urn:a> <urn:p> "1.0"^^<{xsd}integer> .\n'
            f'<urn:a> <urn:p> "\\u0031"^^<{xsd}int> .\n'
            f'<urn:a> <urn:p> "a \\"b\\"^^<{xsd}int>" .\n'
            f'<urn:a> <urn:p> "s"^^<{xsd}string> .\n'
            f'<urn:a> <urn:p> "x"@EN .\n'
            f'# "2"^^<{xsd}int>\n')
    from natoasia.dataset.checks.written import ILL, OK, written_ntriples

    assert written_ntriples(text).splitlines() == [
        f'<urn:a> <urn:p> "160"^^<{OK}{xsd}nonNegativeInteger> .',
        f'<urn:a> <urn:p> "1.0"^^<{ILL}{xsd}integer> .',
        f'<urn:a> <urn:p> "\\u0031"^^<{OK}{xsd}int> .',
        f'<urn:a> <urn:p> "a \\"b\\"^^<{xsd}int>" .',
        f'<urn:a> <urn:p> "s"^^<{xsd}string> .',
        '<urn:a> <urn:p> "x"@EN .',
        f'# "2"^^<{xsd}int>']
