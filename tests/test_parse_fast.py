"""The first start parses the Turtle with pyoxigraph (``parse_turtle_fast``): the same rdflib graphs as
rdflib's parser gives, so the same findings and the same built bytes; rdflib's errors where it fails."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from natoasia.dataset.sources import (SOURCE_DIRS, SourceError, list_sources, load_sources, parse_turtle,
                                     parse_turtle_fast)

from .conftest import ROOT


def _same(fast: Graph, reference: Graph) -> None:
    ground = lambda g: {t for t in g if not any(isinstance(n, BNode) for n in t)}  # noqa: E731
    assert ground(fast) == ground(reference)  # literals equal as terms: lexical form, datatype, language
    assert len(fast) == len(reference) and isomorphic(fast, reference)


@pytest.mark.parametrize("path", [p for kind in SOURCE_DIRS for p in list_sources(ROOT).files[kind]],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_source_file_parses_to_rdflibs_graph(path):
    _same(parse_turtle_fast(path), parse_turtle(path))


EDGES = '''@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p 1e3, 01, -0.0E0, 1.50, +7, true, false, "007"^^xsd:integer, "1.0"^^xsd:nonNegativeInteger,
        "bad"^^xsd:integer, "2008"^^xsd:gYear, "x"^^<relative>, "\\u00e9\\t\\"q\\"", """long
string with "quotes" and a line""", 'single', "x"@en-gb, "日本"@ja ;
    ex:q ( 1 "two" ex:three ), _:b, [ ex:r _:b ; ex:s [ ex:t () ] ] ;
    ex:u <relative>, <#fragment>, <http://example.org/%C3%A9> .
<> ex:v ex:a .
'''


def test_literals_blank_nodes_lists_and_relative_iris_as_rdflib_reads_them(tmp_path):
    path = tmp_path / "edges.ttl"
    path.write_text(EDGES, encoding="utf-8")
    _same(parse_turtle_fast(path), parse_turtle(path))


@pytest.mark.parametrize("literal", ['"a"^^xsd:string', '"a"^^<http://www.w3.org/2001/XMLSchema#string>',
                                     '"a"@EN', '"a"@en-GB'])
def test_what_pyoxigraph_would_not_keep_as_written_is_read_by_rdflib(tmp_path, literal):
    """pyoxigraph makes ``"a"^^xsd:string`` a plain literal and ``@EN`` ``@en``; rdflib keeps both."""
    path = tmp_path / "written.ttl"
    path.write_text(f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<http://example.org/a> "
                    f"<http://example.org/p> {literal}, \"b\" .\n", encoding="utf-8")
    fast, reference = parse_turtle_fast(path), parse_turtle(path)
    assert set(fast) == set(reference)


def test_a_blank_node_label_is_one_node_per_file(tmp_path):
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    for path in (one, two):
        path.write_text("_:b <http://example.org/p> <http://example.org/o> .\n", encoding="utf-8")
    union = parse_turtle_fast(one) + parse_turtle_fast(two)
    assert len(set(union.subjects())) == 2


@pytest.mark.parametrize("text", ["<http://example.org/a> <http://example.org/p> .\n",
                                  "@prefix ex: <http://example.org/> .\nex:a ex:p undeclared:x .\n",
                                  "<http://example.org/a> <http://example.org/p> \"open .\n"])
def test_a_broken_file_is_rdflibs_error_with_its_line_and_column(tmp_path, text):
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as reference:
        parse_turtle(path)
    with pytest.raises(SourceError) as fast:
        parse_turtle_fast(path)
    assert str(fast.value) == str(reference.value)


def test_a_file_that_is_not_utf8_is_rdflibs_error(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<http://example.org/a> <http://example.org/p> "é" .\n'.encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8") as fast:
        parse_turtle_fast(path)
    assert fast.value.line == 1


def test_the_unions_made_while_parsing_are_each_kinds_union_and_handed_out_once():
    fast, reference = load_sources(ROOT, fast=True), load_sources(ROOT)
    made = fast.kind_unions()
    assert set(made) == set(SOURCE_DIRS)
    for kind in SOURCE_DIRS:
        _same(made[kind], reference.union(kind))
    again = fast.kind_unions()  # a second caller gets graphs of its own, not the first one's
    assert all(again[kind] is not made[kind] and len(again[kind]) == len(made[kind]) for kind in SOURCE_DIRS)
