"""SHACL validation at scale: the SHACL core components our shapes use, compiled to SPARQL on pyoxigraph.

pySHACL (:mod:`natoasia.dataset.checks.shacl`) walks every focus node in Python over an rdflib graph and does not scale
to 10^6 triples (issue 5). Here each constraint of each property shape becomes one SPARQL ``SELECT`` that
returns the violating (focus node, value) pairs, run on a pyoxigraph store.

Supported, with SHACL core semantics:

* targets: ``sh:targetClass`` only — the SHACL instances of the class, i.e. ``rdf:type/rdfs:subClassOf*``
  over the ``rdfs:subClassOf`` triples of the validated graph (closure computed once in Python);
* paths: an IRI, or ``[ sh:inversePath IRI ]``;
* property-shape components: ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``,
  ``sh:pattern`` (+ ``sh:flags``), ``sh:minInclusive`` / ``sh:maxInclusive`` / ``sh:minExclusive`` /
  ``sh:maxExclusive``, ``sh:minLength`` / ``sh:maxLength``, ``sh:uniqueLang``, ``sh:in``, ``sh:lessThan``;
* node-shape components: ``sh:property`` and ``sh:or`` (the focus node must conform to at least one member;
  members may be property shapes or node shapes built from the components above);
* ``sh:deactivated true``; ``sh:message`` / ``sh:severity``; non-validating ``sh:name``, ``sh:description``,
  ``sh:order``, ``sh:group``.

Anything else in the ``sh:`` namespace on a shape (other targets, ``sh:node``, ``sh:and``, ``sh:not``,
``sh:xone``, ``sh:closed``, ``sh:hasValue``, SPARQL constraints, complex paths, ``sh:or`` on a property
shape, implicit class targets…) raises :class:`UnsupportedShape` when the shapes are compiled, so a new
kind of constraint cannot be silently ignored.

The validated store must hold its literals as written (:mod:`natoasia.dataset.checks.written`: pyoxigraph
would store ``"160"^^xsd:nonNegativeInteger`` as ``"160"^^xsd:integer``); :func:`validate_graph` loads them
so. ``sh:datatype`` then compares the datatype as written and whether the literal is well-typed as pySHACL
judges it; comparisons (``sh:minInclusive``…, ``sh:lessThan``) read each literal back as its typed value.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from natoasia.dataset.checks.findings import VIOLATION, Finding
from natoasia.dataset.checks.written import datatype_matches, lang_of, load_graph, value_of, written

#: Predicates allowed on a shape that do not constrain anything (besides the constraints themselves).
_COMMON = {RDF.type, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.deactivated}
_NODE_ONLY = {SH.targetClass, SH.property, SH["or"]}
_PROPERTY_COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH.flags,
                        SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
                        SH.minLength, SH.maxLength, SH.uniqueLang, SH["in"], SH.lessThan}

class UnsupportedShape(ValueError):
    """The shapes graph uses SHACL features this validator does not implement."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("unsupported SHACL feature(s):\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------
# Compiling the shapes
# ---------------------------------------------------------------------------

@dataclass
class PropertyShape:
    node: Node
    path: URIRef
    inverse: bool
    constraints: list  # (component IRI, value)
    flags: str | None
    message: str
    severity: str

    @property
    def sparql_path(self) -> str:
        return ("^" if self.inverse else "") + self.path.n3()

    @property
    def path_text(self) -> str:
        return ("^" if self.inverse else "") + str(self.path)


@dataclass
class NodeShape:
    node: Node
    targets: list
    properties: list = field(default_factory=list)
    #: each sh:or: a list of member shapes (PropertyShape or NodeShape)
    ors: list = field(default_factory=list)
    message: str = ""
    severity: str = VIOLATION


def _message(shapes: Graph, node) -> str:
    messages = sorted(shapes.objects(node, SH.message), key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return str(messages[0]) if messages else "SHACL constraint violated"


def _severity(shapes: Graph, node) -> str:
    severity = shapes.value(node, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else VIOLATION


def _name(node) -> str:
    return str(node) if isinstance(node, URIRef) else f"_:{node}"


def _deactivated(shapes: Graph, node) -> bool:
    value = shapes.value(node, SH.deactivated)
    return value is not None and isinstance(value, Literal) and value.toPython() is True


class _Compiler:
    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.problems: list[str] = []

    def unknown(self, node, allowed) -> None:
        for p in sorted(set(self.shapes.predicates(node))):
            if str(p).startswith(str(SH)) and p not in allowed:
                self.problems.append(f"{_name(node)}: {p.n3(self.shapes.namespace_manager)}")

    def property_shape(self, node) -> PropertyShape | None:
        shapes = self.shapes
        self.unknown(node, _COMMON | {SH.path} | _PROPERTY_COMPONENTS)
        path = shapes.value(node, SH.path)
        inverse = False
        if isinstance(path, BNode):
            inner = shapes.value(path, SH.inversePath)
            if isinstance(inner, URIRef) and len(set(shapes.predicate_objects(path))) == 1:
                path, inverse = inner, True
            else:
                self.problems.append(f"{_name(node)}: complex sh:path (only IRIs and sh:inversePath IRI)")
                return None
        elif not isinstance(path, URIRef):
            self.problems.append(f"{_name(node)}: sh:path missing or not an IRI")
            return None
        constraints = []
        for p, o in shapes.predicate_objects(node):
            if p in _PROPERTY_COMPONENTS and p != SH.flags:
                if p == SH["in"]:
                    o = list(Collection(shapes, o))
                elif p in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
                    o = int(o)
                elif p == SH.uniqueLang:
                    o = bool(o.toPython())
                elif p == SH.datatype and not isinstance(o, URIRef):
                    self.problems.append(f"{_name(node)}: sh:datatype must be an IRI")
                    continue
                constraints.append((p, o))
        flags = shapes.value(node, SH.flags)
        return PropertyShape(node, path, inverse, sorted(constraints, key=lambda c: str(c[0])),
                             str(flags) if flags is not None else None,
                             _message(shapes, node), _severity(shapes, node))

    def node_shape(self, node, targets) -> NodeShape:
        shapes = self.shapes
        self.unknown(node, _COMMON | _NODE_ONLY)
        shape = NodeShape(node, targets, message=_message(shapes, node), severity=_severity(shapes, node))
        for prop in sorted(shapes.objects(node, SH.property), key=str):
            if not _deactivated(shapes, prop):
                compiled = self.property_shape(prop)
                if compiled is not None:
                    shape.properties.append(compiled)
        for head in shapes.objects(node, SH["or"]):
            members = []
            for member in Collection(shapes, head):
                if shapes.value(member, SH.path) is not None:
                    compiled = self.property_shape(member)
                else:
                    compiled = self.node_shape(member, [])
                if compiled is not None:
                    members.append(compiled)
            shape.ors.append(members)
        return shape


_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def compile_shapes(shapes: Graph) -> list[NodeShape]:
    """The node shapes with targets, compiled; :class:`UnsupportedShape` if anything is not supported."""
    compiler = _Compiler(shapes)
    result = []
    declared = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None))
    for node in sorted(declared, key=str):
        if (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in shapes:
            compiler.problems.append(f"{_name(node)}: implicit class target (shape that is also a class)")
        if _deactivated(shapes, node):
            continue
        targets = sorted(shapes.objects(node, SH.targetClass), key=str)
        if shapes.value(node, SH.path) is not None:
            compiler.problems.append(f"{_name(node)}: property shape with its own target")
            continue
        result.append(compiler.node_shape(node, targets))
    for predicate in _TARGETS:
        for node in shapes.subjects(predicate, None):
            compiler.problems.append(f"{_name(node)}: {predicate.n3(shapes.namespace_manager)}")
    if compiler.problems:
        raise UnsupportedShape(sorted(set(compiler.problems)))
    return result


# ---------------------------------------------------------------------------
# SPARQL for each constraint
# ---------------------------------------------------------------------------

def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _value_violation(component, value, shape: PropertyShape, classes: Callable) -> str | None:
    """A FILTER (on ?v) true for a value node that violates ``component``; None if not value-based."""
    if component == SH["class"]:
        subclasses = classes(value)
        if not subclasses:
            return "true"
        return f"NOT EXISTS {{ VALUES ?k {{ {' '.join(c.n3() for c in subclasses)} }} ?v a ?k }}"
    if component == SH.datatype:
        return f"!COALESCE({datatype_matches(str(value))}, false)"
    if component == SH.pattern:
        flags = f", {_string(shape.flags)}" if shape.flags else ""
        return f"isBlank(?v) || !COALESCE(REGEX(STR(?v), {_string(str(value))}{flags}), false)"
    comparisons = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
    if component in comparisons:
        return f"!COALESCE({value_of('?v')} {comparisons[component]} {value.n3()}, false)"
    if component == SH.minLength:
        return f"isBlank(?v) || !COALESCE(STRLEN(STR(?v)) >= {value}, false)"
    if component == SH.maxLength:
        return f"isBlank(?v) || !COALESCE(STRLEN(STR(?v)) <= {value}, false)"
    if component == SH["in"]:
        if not value:
            return "true"
        return "!(" + " || ".join(f"sameTerm(?v, {written(member)})" for member in value) + ")"
    return None


def constraint_query(focus: str, shape: PropertyShape, component, value, classes: Callable) -> str | None:
    """SELECT of the violations of one constraint: ?x (focus) and, where SHACL reports one, ?v (value)."""
    path = shape.sparql_path
    if component == SH.minCount:
        if value <= 0:
            return None
        if value == 1:
            return f"SELECT ?x WHERE {{ {focus} FILTER NOT EXISTS {{ ?x {path} ?v }} }}"
        return (f"SELECT ?x WHERE {{ {focus} OPTIONAL {{ ?x {path} ?v }} }} "
                f"GROUP BY ?x HAVING (COUNT(DISTINCT ?v) < {value})")
    if component == SH.maxCount:
        if value == 0:
            return f"SELECT DISTINCT ?x WHERE {{ {focus} ?x {path} ?v }}"
        return f"SELECT ?x WHERE {{ {focus} ?x {path} ?v }} GROUP BY ?x HAVING (COUNT(DISTINCT ?v) > {value})"
    if component == SH.uniqueLang:
        if not value:
            return None
        return (f"SELECT DISTINCT ?x ({lang_of('?v')} AS ?lang) WHERE {{ {focus} ?x {path} ?v . ?x {path} ?w "
                f'FILTER(!sameTerm(?v, ?w) && {lang_of("?v")} != "" && {lang_of("?v")} = {lang_of("?w")}) }}')
    if component == SH.lessThan:  # one result per pair of values that is not in order
        return (f"SELECT ?x ?v ?w WHERE {{ {focus} ?x {path} ?v . ?x {value.n3()} ?w "
                f"FILTER(!COALESCE({value_of('?v')} < {value_of('?w')}, false)) }}")
    condition = _value_violation(component, value, shape, classes)
    if condition is None:
        raise UnsupportedShape([f"{_name(shape.node)}: {component}"])
    return f"SELECT DISTINCT ?x ?v WHERE {{ {focus} ?x {path} ?v FILTER({condition}) }}"


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def _to_text(term) -> str:
    """A term of a finding as pySHACL's results give it: an IRI, a literal's lexical form, a blank node's
    label without ``_:`` (the label rdflib gave it, so that the finding can be placed in its file)."""
    return term.value


class _Classes:
    """rdfs:subClassOf* in the validated graph: the classes whose instances are SHACL instances of C."""

    def __init__(self, run):
        self.sub: dict = {}
        for row in run("SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o }"):
            self.sub.setdefault(row["o"], set()).add(row["s"])
        self.cache: dict = {}

    def __call__(self, cls) -> list:
        if cls not in self.cache:
            start = ox.NamedNode(str(cls))
            seen, todo = {start}, [start]
            while todo:
                for s in self.sub.get(todo.pop(), ()):
                    if s not in seen:
                        seen.add(s)
                        todo.append(s)
            self.cache[cls] = sorted(URIRef(c.value) for c in seen if isinstance(c, ox.NamedNode))
        return self.cache[cls]


def validate_store(store: ox.Store, shapes: Graph, graph=None,
                   progress: Callable[[str], None] | None = None, compiled: list | None = None) -> list[Finding]:
    """Validate the default graph of ``store`` (or the named graph ``graph``) against ``shapes``.

    The validated graph must hold the ontology too (its ``rdfs:subClassOf`` triples decide targets and
    ``sh:class``), as with pySHACL, and its literals as written (:mod:`natoasia.dataset.checks.written`). ``progress`` is called with a line per node shape.
    Raises :class:`UnsupportedShape` before running anything if the shapes use unsupported features.
    ``compiled`` is what :func:`compile_shapes` gave for ``shapes``, for callers that validate many graphs.
    """
    node_shapes = compiled if compiled is not None else compile_shapes(shapes)
    options = {"default_graph": graph} if graph is not None else {}

    def run(query: str):
        return store.query(query, **options)

    classes = _Classes(run)
    findings: list[Finding] = []
    for number, node_shape in enumerate(node_shapes, 1):
        start = time.perf_counter()
        subclasses = sorted({c for target in node_shape.targets for c in classes(target)}, key=str)
        if not subclasses:
            continue
        focus = f"{{ SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {' '.join(c.n3() for c in subclasses)} }} ?x a ?c }} }}"
        for prop in node_shape.properties:
            for component, value in prop.constraints:
                query = constraint_query(focus, prop, component, value, classes)
                if query is None:
                    continue
                reports_value = query.startswith(("SELECT ?x ?v", "SELECT DISTINCT ?x ?v"))
                for row in run(query):
                    v = row["v"] if reports_value else None
                    findings.append(Finding(
                        check="shacl", severity=prop.severity, focus=_to_text(row["x"]), path=prop.path_text,
                        value=_to_text(v) if v is not None else None, shape=str(prop.node),
                        message=prop.message))
        for members in node_shape.ors:
            failing = None
            for member in members:
                fails = _failing_focus(run, focus, member, classes)
                failing = fails if failing is None else failing & fails
            if failing is None:  # sh:or () — nothing to conform to
                failing = {row["x"] for row in run(f"SELECT ?x WHERE {{ {focus} }}")}
            for x in sorted(failing, key=str):
                findings.append(Finding(
                    check="shacl", severity=node_shape.severity, focus=_to_text(x), value=_to_text(x),
                    shape=str(node_shape.node), message=node_shape.message))
        if progress:
            progress(f"{number}/{len(node_shapes)} {_name(node_shape.node)}: "
                     f"{time.perf_counter() - start:.2f} s, {len(findings)} finding(s) so far")
    return sorted(findings, key=lambda f: (f.focus or "", f.shape or "", f.value or ""))


def _failing_focus(run, focus: str, shape, classes) -> set:
    """The focus nodes that do not conform to ``shape`` (a member of sh:or)."""
    failing = set()
    if isinstance(shape, PropertyShape):
        for component, value in shape.constraints:
            query = constraint_query(focus, shape, component, value, classes)
            if query is not None:
                failing |= {row["x"] for row in run(query)}
        return failing
    for prop in shape.properties:
        failing |= _failing_focus(run, focus, prop, classes)
    for members in shape.ors:
        all_fail = None
        for member in members:
            fails = _failing_focus(run, focus, member, classes)
            all_fail = fails if all_fail is None else all_fail & fails
        if all_fail is None:
            all_fail = {row["x"] for row in run(f"SELECT ?x WHERE {{ {focus} }}")}
        failing |= all_fail
    return failing


def validate_graph(data: Graph, shapes: Graph, compiled: list | None = None) -> list[Finding]:
    """Validate an rdflib graph (ontology and facts together) by copying it into an in-memory store."""
    return validate_graphs([data], shapes, compiled)


def validate_graphs(graphs: list[Graph], shapes: Graph, compiled: list | None = None) -> list[Finding]:
    """Validate the union of rdflib graphs (the ontology among them), copied into one in-memory store."""
    store = ox.Store()
    for graph in graphs:
        load_graph(store, graph)
    return validate_store(store, shapes, compiled=compiled)
