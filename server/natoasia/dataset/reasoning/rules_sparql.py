"""OWL 2 RL reasoning as SPARQL rules on pyoxigraph: the part of OWL RL this ontology needs, to a fixpoint.

owlrl evaluates every OWL RL rule in Python over an rdflib graph and does not scale (issue 5: 152 s at
300k triples). Here the ontology's axioms are compiled once into SPARQL ``INSERT … WHERE`` updates, one
per axiom, with the schema-level closures (rdfs:subClassOf, rdfs:subPropertyOf, domains and ranges)
precomputed in Python, and the updates are run on a pyoxigraph store until no new triple appears.

Rules implemented (names of the OWL 2 RL profile, table 4–9):

* data level, as SPARQL updates: cax-sco (+ cax-eqc1/2 folded into the subclass closure), prp-spo1
  (+ prp-eqp1/2 folded in), prp-inv1/2, prp-spo2 for property chains of any length, prp-dom, prp-rng;
* schema level, in Python on the ontology: scm-cls, scm-sco, scm-eqc1/2, scm-op, scm-dp, scm-spo,
  scm-eqp1/2, scm-dom1/2, scm-rng1/2;
* consistency: cls-nothing2, cax-dw, cax-adc, and prp-fp restricted to two distinct IRIs of the
  project (reported like :func:`natoasia.dataset.reasoning.owlrl_closure.consistency_findings` reports owlrl's owl:sameAs).

Not implemented (the ontology does not use them): restrictions (cls-svf/avf/hv/maxc…), intersections
and unions, keys, transitive / symmetric / inverse-functional properties, owl:sameAs replacement
(eq-rep-*), and the datatype re-typing of literals. :attr:`CompiledRules.unsupported` lists any such
axiom found in the ontology, so a later ontology change cannot silently go unreasoned.

The entailments kept are those that :func:`natoasia.dataset.reasoning.owlrl_closure.is_kept_entailment` keeps — the filter is
imported, not copied.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from natoasia import BASE
from natoasia.dataset.checks.findings import Finding
from natoasia.dataset.reasoning.owlrl_closure import is_kept_entailment
from natoasia.namespaces import qname
from natoasia.rdfio import to_ox, to_rdflib

#: The named graph holding a copy of the asserted triples (the default graph holds the closure).
ASSERTED = ox.NamedNode(BASE + "graph/rules-asserted")

#: OWL vocabulary this module does not reason with; found in the ontology it is listed as unsupported.
_UNSUPPORTED = (
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality,
    OWL.cardinality, OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.hasKey,
    OWL.propertyDisjointWith, OWL.sameAs, OWL.differentFrom, OWL.hasSelf,
)
_UNSUPPORTED_TYPES = (
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty,
    OWL.InverseFunctionalProperty, OWL.AllDifferent, OWL.AllDisjointProperties, OWL.NegativePropertyAssertion,
)


# ---------------------------------------------------------------------------
# Compiling the ontology
# ---------------------------------------------------------------------------

@dataclass
class CompiledRules:
    """The ontology compiled: schema entailments, data rules as SPARQL updates, consistency axioms."""

    schema_entailments: set = field(default_factory=set)
    #: (rule name, SPARQL update), run in this order each round.
    updates: list = field(default_factory=list)
    disjoint_pairs: set = field(default_factory=set)
    functional: list = field(default_factory=list)
    unsupported: list = field(default_factory=list)


def _closure(edges: dict) -> dict:
    """Reflexive-transitive closure of a relation given as ``{node: {successors}}``."""
    result = {}
    for start in edges:
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        result[start] = seen
    return result


def _add_edge(edges: dict, a, b) -> None:
    edges.setdefault(a, set()).add(b)
    edges.setdefault(b, set())


def _hierarchy(ontology: Graph, schema: set, edges: dict, sub, equivalent) -> dict:
    """Close a class (or property) hierarchy: asserted ``sub`` and ``equivalent`` edges added to
    ``edges``, the reflexive-transitive closure returned, its statements added to ``schema``."""
    for a, b in ontology.subject_objects(sub):
        _add_edge(edges, a, b)
    for a, b in ontology.subject_objects(equivalent):
        _add_edge(edges, a, b)
        _add_edge(edges, b, a)
    star = _closure(edges)
    for a, sups in star.items():
        for b in sups:
            schema.add((a, sub, b))
            if a != b and a in star.get(b, ()):
                schema.add((a, equivalent, b))
    return star


def _nt(term: Node) -> str:
    return term.n3()


def compile_rules(ontology: Graph) -> CompiledRules:
    """Compile the axioms of ``ontology`` into schema entailments and SPARQL rules."""
    rules = CompiledRules()
    schema = rules.schema_entailments

    # scm-cls, scm-sco, scm-eqc1/2: the subclass closure.
    sco: dict = {}
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for c in classes:
        _add_edge(sco, c, OWL.Thing)
        _add_edge(sco, OWL.Nothing, c)
        schema.add((c, OWL.equivalentClass, c))
    sco_star = _hierarchy(ontology, schema, sco, RDFS.subClassOf, OWL.equivalentClass)

    # scm-op, scm-dp, scm-spo, scm-eqp1/2: the subproperty closure.
    spo: dict = {}
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    for p in properties:
        spo.setdefault(p, set())
        schema.add((p, OWL.equivalentProperty, p))
    spo_star = _hierarchy(ontology, schema, spo, RDFS.subPropertyOf, OWL.equivalentProperty)

    # scm-dom1/2, scm-rng1/2: the domains (ranges) of a property are the superclasses of the domains
    # (ranges) of its superproperties.
    def closed(axiom) -> dict:
        direct: dict = {}
        for p, c in ontology.subject_objects(axiom):
            direct.setdefault(p, set()).add(c)
        result = {}
        for p in set(direct) | set(spo_star):
            classes_ = set()
            for sup in spo_star.get(p, {p}):
                for c in direct.get(sup, ()):
                    classes_ |= sco_star.get(c, {c})
            if classes_:
                result[p] = classes_
        return result

    domains, ranges = closed(RDFS.domain), closed(RDFS.range)
    for p, cs in domains.items():
        schema.update((p, RDFS.domain, c) for c in cs)
    for p, cs in ranges.items():
        schema.update((p, RDFS.range, c) for c in cs)

    # Data rules. A class's types never include owl:Thing in the kept entailments (owl: is vocabulary),
    # and nothing follows from being an owl:Thing in this ontology, so owl:Thing is not derived.
    def targets(cs):
        return sorted(_nt(c) for c in cs if c != OWL.Thing and not isinstance(c, BNode))

    inverses = []
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverses += [(p, q), (q, p)]
    updates = rules.updates
    if inverses:  # prp-inv1/2
        updates.append(("prp-inv", " ;\n".join(
            f"INSERT {{ ?y {_nt(q)} ?x }} WHERE {{ ?x {_nt(p)} ?y FILTER(!isLiteral(?y)) }}"
            for p, q in sorted(set(inverses)))))
    chains = []
    for p, head in ontology.subject_objects(OWL.propertyChainAxiom):  # prp-spo2
        steps = list(Collection(ontology, head))
        pattern = " . ".join(f"?v{i} {_nt(step)} ?v{i + 1}" for i, step in enumerate(steps))
        chains.append(f"INSERT {{ ?v0 {_nt(p)} ?v{len(steps)} }} WHERE {{ {pattern} }}")
    if chains:
        updates.append(("prp-spo2", " ;\n".join(sorted(chains))))
    spo_rules = [f"INSERT {{ ?x {_nt(b)} ?y }} WHERE {{ ?x {_nt(a)} ?y }}"  # prp-spo1
                 for a, sups in sorted(spo_star.items()) for b in sorted(sups) if a != b]
    if spo_rules:
        updates.append(("prp-spo1", " ;\n".join(spo_rules)))
    dom_rules = [f"INSERT {{ ?x a ?c }} WHERE {{ ?x {_nt(p)} ?y VALUES ?c {{ {' '.join(targets(cs))} }} }}"
                 for p, cs in sorted(domains.items()) if targets(cs)]  # prp-dom
    if dom_rules:
        updates.append(("prp-dom", " ;\n".join(dom_rules)))
    rng_rules = [f"INSERT {{ ?y a ?c }} WHERE {{ ?x {_nt(p)} ?y FILTER(!isLiteral(?y)) "
                 f"VALUES ?c {{ {' '.join(targets(cs))} }} }}"
                 for p, cs in sorted(ranges.items()) if targets(cs)]  # prp-rng
    if rng_rules:
        updates.append(("prp-rng", " ;\n".join(rng_rules)))
    sco_rules = [f"INSERT {{ ?x a ?c }} WHERE {{ ?x a {_nt(a)} VALUES ?c {{ {' '.join(targets(sups - {a}))} }} }}"
                 for a, sups in sorted(sco_star.items())
                 if a not in (OWL.Nothing, OWL.Thing) and not isinstance(a, BNode) and targets(sups - {a})]
    if sco_rules:  # cax-sco
        updates.append(("cax-sco", " ;\n".join(sco_rules)))

    # cax-dw, cax-adc: pairs of disjoint classes.
    for a, b in ontology.subject_objects(OWL.disjointWith):
        rules.disjoint_pairs.add(tuple(sorted((a, b))))
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(ontology, ontology.value(node, OWL.members)))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                rules.disjoint_pairs.add(tuple(sorted((a, b))))
    rules.functional = sorted(ontology.subjects(RDF.type, OWL.FunctionalProperty))

    for p in _UNSUPPORTED:
        rules.unsupported += [f"{qname(str(s)) if isinstance(s, URIRef) else s} {qname(str(p))}"
                              for s in ontology.subjects(p, None)]
    for t in _UNSUPPORTED_TYPES:
        rules.unsupported += [f"{qname(str(s))} a {qname(str(t))}" for s in ontology.subjects(RDF.type, t)]
    return rules


# ---------------------------------------------------------------------------
# Running the rules on a store
# ---------------------------------------------------------------------------

def load_graph(store: ox.Store, graph: Graph) -> None:
    """Add ``graph`` to the default graph (the closure) and to :data:`ASSERTED` (the copy)."""
    triples = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph]
    store.extend(ox.Quad(s, p, o) for s, p, o in triples)
    store.extend(ox.Quad(s, p, o, ASSERTED) for s, p, o in triples)


def load_ntriples(store: ox.Store, path: Path | str) -> None:
    """Bulk-load an N-Triples file into the default graph and into :data:`ASSERTED`."""
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ASSERTED)


def run_rules(store: ox.Store, rules: CompiledRules, max_rounds: int = 50) -> dict:
    """Add the schema entailments, then run the data rules on the default graph until nothing is new.

    Returns statistics: rounds, triples before and after, seconds per rule.
    """
    before = len(store) - _asserted_count(store)
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in rules.schema_entailments)
    seconds: dict = {}
    size, rounds = None, 0
    for rounds in range(1, max_rounds + 1):
        for name, update in rules.updates:
            start = time.perf_counter()
            store.update(update)
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        new_size = len(store)
        if new_size == size:
            break
        size = new_size
    else:
        raise RuntimeError(f"no fixpoint after {max_rounds} rounds")
    return {"rounds": rounds, "asserted": before, "closure": size - _asserted_count(store), "seconds": seconds}


def _asserted_count(store: ox.Store) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ASSERTED} {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


class _AssertedView:
    """The asserted copy in the store, seen through the one rdflib method the entailment filter uses."""

    def __init__(self, store: ox.Store):
        self.store = store

    def objects(self, subject, predicate):
        for quad in self.store.quads_for_pattern(to_ox(subject), to_ox(predicate), None, ASSERTED):
            yield to_rdflib(quad.object)


def new_triples(store: ox.Store):
    """Triples of the closure about project IRIs that were not asserted (before the entailment filter)."""
    query = f"""SELECT ?s ?p ?o WHERE {{
        ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"))
        FILTER NOT EXISTS {{ GRAPH {ASSERTED} {{ ?s ?p ?o }} }} }}"""
    for row in store.query(query):
        yield to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])


def kept_entailments(store: ox.Store, asserted=None):
    """The new triples that :func:`natoasia.dataset.reasoning.owlrl_closure.is_kept_entailment` keeps.

    ``asserted`` is anything with rdflib's ``objects(s, p)``; by default the asserted copy in the store.
    """
    asserted = asserted if asserted is not None else _AssertedView(store)
    for triple in new_triples(store):
        if is_kept_entailment(triple, asserted):
            yield triple


def consistency_findings(store: ox.Store, rules: CompiledRules) -> list[Finding]:
    """cls-nothing2, cax-dw/cax-adc over the closed types, and functional properties with two project IRIs."""
    findings = []
    nothing = f"SELECT ?x WHERE {{ ?x a {_nt(OWL.Nothing)} }} ORDER BY ?x"
    for row in store.query(nothing):
        findings.append(Finding(check="owl-rl", focus=str(to_rdflib(row["x"])), message="is a member of owl:Nothing"))
    pairs = [(a, b) for a, b in sorted(rules.disjoint_pairs)
             if not isinstance(a, BNode) and not isinstance(b, BNode)]
    if pairs:
        values = " ".join(f"({_nt(a)} {_nt(b)})" for a, b in pairs)
        query = f"SELECT ?x ?a ?b WHERE {{ VALUES (?a ?b) {{ {values} }} ?x a ?a . ?x a ?b }} ORDER BY ?x ?a ?b"
        for row in store.query(query):
            a, b = row["a"].value, row["b"].value
            findings.append(Finding(
                check="owl-rl", focus=str(to_rdflib(row["x"])), path=str(RDF.type), value=b,
                message=f"is an instance of the disjoint classes {qname(a)} and {qname(b)}"))
    same = set()
    for p in rules.functional:
        query = f"""SELECT DISTINCT ?y1 ?y2 WHERE {{ ?x {_nt(p)} ?y1 , ?y2
            FILTER(isIRI(?y1) && isIRI(?y2) && STR(?y1) < STR(?y2)
                   && STRSTARTS(STR(?y1), "{BASE}") && STRSTARTS(STR(?y2), "{BASE}")) }}"""
        same.update((row["y1"].value, row["y2"].value) for row in store.query(query))
    for s, o in sorted(same):
        findings.append(Finding(
            check="owl-rl", focus=s, path=str(OWL.sameAs), value=o,
            message=f"{qname(s)} and {qname(o)} are entailed to be the same individual "
                    "(a functional property with two values?)"))
    return findings


class _Union:
    """``objects(s, p)`` over several rdflib graphs, without copying them into one."""

    def __init__(self, *graphs: Graph):
        self.graphs = graphs

    def objects(self, subject, predicate):
        for graph in self.graphs:
            yield from graph.objects(subject, predicate)


def rule_closure(ontology: Graph, data: Graph, rules: CompiledRules | None = None) -> tuple[Graph, list[Finding]]:
    """The kept entailments of ``ontology`` + ``data`` and the consistency findings, like
    :func:`natoasia.dataset.reasoning.owlrl_closure.entailments` but with the compiled rules on pyoxigraph.

    The schema axioms are read from ``ontology`` only; ``data`` may hold any facts. ``rules`` is what
    :func:`compile_rules` gave for ``ontology``, where the caller has it.
    """
    rules = rules if rules is not None else compile_rules(ontology)
    store = ox.Store()
    load_graph(store, ontology)
    load_graph(store, data)
    run_rules(store, rules)
    inferred = Graph()
    for triple in kept_entailments(store, _Union(ontology, data)):
        inferred.add(triple)
    return inferred, consistency_findings(store, rules)


def rule_closure_ntriples(ontology: Graph, path: Path | str, out: Path | str | None = None) -> dict:
    """Reason over a large N-Triples file without building rdflib graphs of it.

    Writes the kept entailments as N-Triples to ``out`` if given. Returns statistics, the number of
    kept entailments (``"kept"``) and the findings (``"findings"``).
    """
    rules = compile_rules(ontology)
    store = ox.Store()
    load_graph(store, ontology)
    load_ntriples(store, path)
    stats = run_rules(store, rules)
    kept = 0
    handle = open(out, "w", encoding="utf-8") if out else None
    try:
        for s, p, o in kept_entailments(store):
            kept += 1
            if handle:
                handle.write(f"{s.n3()} {p.n3()} {o.n3()} .\n")
    finally:
        if handle:
            handle.close()
    stats.update(kept=kept, findings=consistency_findings(store, rules))
    return stats
