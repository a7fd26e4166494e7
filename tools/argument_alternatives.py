"""Checks behind the argument-model decision (tools/MODELLING.md, "The argument"): named graph vs RDF 1.2 triple term vs content node.

Usage: python tools/argument_alternatives.py   (prints one line per check)
"""
import io
import pyoxigraph as ox
import rdflib
import owlrl

P = """@prefix nat: <https://w3id.org/natoasia/ontology#> .
@prefix o: <https://w3id.org/natoasia/id/organisation/> .
@prefix g: <https://w3id.org/natoasia/id/group/> .
"""
# 1. nanopublication style: proposed triples in their own named graph
trig = P + """<urn:np:assertion> { o:nato nat:partner g:asian-countries . }
<urn:np:pubinfo> { <urn:np:assertion> nat:modality nat:x . }
"""
s = ox.Store()
s.load(trig.encode(), ox.RdfFormat.TRIG)
ask = "PREFIX nat: <https://w3id.org/natoasia/ontology#> ASK { ?x nat:partner ?p }"
print("1 named graph of proposed triples visible in union default graph:", s.query(ask, use_default_graph_as_union=True))

# 2. RDF 1.2 triple terms
ttl12 = P + """<urn:c> nat:says <<( o:nato <https://w3id.org/natoasia/ontology#partner> g:asian-countries )>> .\n"""
s2 = ox.Store()
try:
    s2.load(ttl12.encode(), ox.RdfFormat.TURTLE); print("2 pyoxigraph parses triple term: yes", len(s2))
except Exception as e:
    print("2 pyoxigraph parse:", e)
for fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
    try:
        out = s2.dump(format=fmt, from_graph=ox.DefaultGraph()) if fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else s2.dump(format=fmt)
        print("2 pyoxigraph dump", fmt, "ok:", out.decode()[:90].replace("\n", " "))
    except Exception as e:
        print("2 pyoxigraph dump", fmt, "FAILS:", str(e)[:100])
nt12 = s2.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode()
for fmt in ("nt", "turtle"):
    try:
        rdflib.Graph().parse(data=nt12 if fmt == "nt" else ttl12, format=fmt); print("2 rdflib parses", fmt, "with triple term: yes")
    except Exception as e:
        print("2 rdflib parses", fmt, "with triple term: NO -", type(e).__name__, str(e)[:80])

# 3. content node: ordinary triples
ttl3 = P + """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
nat:Fact a owl:Class . nat:Content a owl:Class . nat:Relationship rdfs:subClassOf nat:Fact .
[] a owl:AllDisjointClasses ; owl:members ( nat:Fact nat:Content ) .
nat:partner rdfs:domain nat:Relationship .
nat:actingParty rdfs:domain nat:Content .
<urn:content> a nat:Content ; nat:actingParty o:nato, g:asian-countries .
"""
g = rdflib.Graph().parse(data=ttl3, format="turtle")
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
FACT = rdflib.URIRef("https://w3id.org/natoasia/ontology#Fact")
print("3 owlrl: content node typed nat:Fact:", (rdflib.URIRef("urn:content"), rdflib.RDF.type, FACT) in g,
      "| inconsistency flagged:", any(True for _ in g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/2002/07/owl#Nothing"))))
for fmt in ("nt", "turtle", "json-ld", "xml", "trig"):
    out = g.serialize(format=fmt); rdflib.Dataset().parse(data=out, format=fmt); print("3 rdflib round trip", fmt, "ok")
# and the pitfall: a fact property on a content node
g2 = rdflib.Graph().parse(data=ttl3 + "<urn:content> nat:partner g:asian-countries .\n", format="turtle")
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g2)
print("3 fact property on a content node makes it a nat:Fact:", (rdflib.URIRef("urn:content"), rdflib.RDF.type, FACT) in g2)
