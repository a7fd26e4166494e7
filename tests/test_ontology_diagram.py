"""The ontology page's class diagram: every class a node linking to its entry, every object property
between two classes an arrow from its domain to its range, every subclass axiom a dashed arrow."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from natoasia.site.pictures import NAT, ontology_diagram

SVG = "{http://www.w3.org/2000/svg}"


def test_every_class_property_and_subclass_axiom_is_drawn(client):
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200
    svg = ET.fromstring(re.search(r"<svg .*?</svg>", page.get_data(as_text=True), re.S).group(0))
    ontology = Graph().parse(client.get("/ontology.ttl").data, format="turtle")
    classes = {str(c)[len(NAT):] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(NAT)}
    linked = {a.get("href")[1:] for a in svg.iter(SVG + "a")}
    assert linked == classes
    tooltips = " ".join(t.text for line in svg.iter(SVG + "line") for t in line.iter(SVG + "title"))
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        if str(prop).startswith(NAT) and {str(domain)[len(NAT):], str(range_)[len(NAT):]} <= classes and domain != range_:
            assert f"nat:{str(prop)[len(NAT):]}" in tooltips, prop
    for child, parent in ontology.subject_objects(RDFS.subClassOf):
        if {str(child)[len(NAT):], str(parent)[len(NAT):]} <= classes:
            assert f"{str(child)[len(NAT):]} is a subclass of {str(parent)[len(NAT):]}" in tooltips


def test_the_table_lists_what_the_diagram_draws():
    graph = Graph()
    a, b, p = URIRef(NAT + "A"), URIRef(NAT + "B"), URIRef(NAT + "links")
    graph.add((a, RDF.type, OWL.Class)); graph.add((b, RDF.type, OWL.Class))
    graph.add((p, RDF.type, OWL.ObjectProperty)); graph.add((p, RDFS.domain, a)); graph.add((p, RDFS.range, b))
    svg, rows = ontology_diagram(graph, width=400, height=300)
    assert rows == [("A", "links", "B")]
    assert "A → B: nat:links" in svg and 'href="#A"' in svg and 'href="#B"' in svg
