"""SPARQL pieces for property tests and fuzzing: grammar-aware Hypothesis strategies, and the attack
shapes of issue 17 at any size.

Two kinds of text:

- :func:`queries` (and its parts: :func:`prologues`, :func:`terms`, :func:`paths`, :func:`expressions`,
  :func:`groups`) draws queries from the grammar — IRIs, prefixed names, literals of every form,
  variables, property paths, filters with operator chains, UNION / OPTIONAL / MINUS, nesting — that
  pyoxigraph parses (the tests that use them check that it did). Nothing in them names a host but
  127.0.0.1 and ``urn:``.
- :data:`ATTACKS` builds, for a size in characters, each text an attacker sent against the endpoint
  (unterminated strings and escapes, dot-separated names, long ``1+1+…`` chains, ``<`` runs, comments,
  deep brackets, every chain the parser recurses on); :func:`attacks` draws one at a size up to a limit.

Import them from other tests (``from tests.sparql_strategies import queries, ATTACKS``); they hold no
fixture and start nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

PREFIXES = {"ex": "http://127.0.0.1:9/ex#", "p": "http://127.0.0.1:9/p/", "": "http://127.0.0.1:9/"}
PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """``head`` + ``unit`` repeated to make about ``size`` characters + ``tail``."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _chain(head: str, unit: str, tail: str) -> Callable[[int], str]:
    return lambda size: _repeat(unit, size, head, tail)


def _nested(head: str, opening: str, middle: str, closing: str, tail: str) -> Callable[[int], str]:
    return lambda k: head + opening * k + middle + closing * k + tail


#: Construct → the query with a chain (or a nesting) of ``k`` of it: what pyoxigraph recurses on. Each
#: query is valid SPARQL and names only ``urn:`` IRIs; ``bench/parser_depth.py`` measures where each dies.
CHAINS: dict[str, Callable[[int], str]] = {
    "plus": lambda k: "SELECT * { BIND(1" + "+1" * k + " AS ?x) }",
    "minus": lambda k: "SELECT * { BIND(1" + "-1" * k + " AS ?x) }",
    "times": lambda k: "SELECT * { BIND(1" + "*1" * k + " AS ?x) }",
    "divide": lambda k: "SELECT * { BIND(1" + "/1" * k + " AS ?x) }",
    "or": lambda k: "SELECT * { FILTER(true" + "||true" * k + ") }",
    "and": lambda k: "SELECT * { FILTER(true" + "&&true" * k + ") }",
    "not": lambda k: "SELECT * { FILTER(" + "!" * k + "true) }",
    "in list": lambda k: "SELECT * { FILTER(1 IN (1" + ",1" * k + ")) }",
    "concat args": lambda k: "SELECT * { BIND(CONCAT('a'" + ",'a'" * k + ") AS ?x) }",
    "path sequence": lambda k: "SELECT * { ?s <urn:p>" + "/<urn:p>" * k + " ?o }",
    "path alternative": lambda k: "SELECT * { ?s <urn:p>" + "|<urn:p>" * k + " ?o }",
    "inverse path sequence": lambda k: "SELECT * { ?s ^<urn:p>" + "/^<urn:p>" * k + " ?o }",
    "object list": lambda k: "SELECT * { ?s <urn:p> <urn:o>" + ",<urn:o>" * k + " }",
    "predicate list": lambda k: "SELECT * { ?s <urn:p> <urn:o>" + ";<urn:p> <urn:o>" * k + " }",
    "triples": lambda k: "SELECT * { ?s <urn:p> <urn:o>" + ".?s <urn:p> <urn:o>" * k + " }",
    "union": lambda k: "SELECT * { {?s ?p ?o}" + "UNION{?s ?p ?o}" * k + " }",
    "optional": lambda k: "SELECT * { ?s ?p ?o " + "OPTIONAL{?s ?p ?o}" * k + " }",
    "minus pattern": lambda k: "SELECT * { ?s ?p ?o " + "MINUS{?s ?p ?o}" * k + " }",
    "filters": lambda k: "SELECT * { ?s ?p ?o " + "FILTER(true)" * k + " }",
    "binds": lambda k: "SELECT * { ?s ?p ?o " + "".join(f"BIND(1 AS ?x{i})" for i in range(k)) + " }",
    "groups": lambda k: "SELECT * { ?s ?p ?o " + "{?s ?p ?o}" * k + " }",
    "collection items": lambda k: "SELECT * { ?s <urn:p> (1" + " 1" * k + ") }",
    "values rows": lambda k: "SELECT * { VALUES ?x { 1" + " 1" * k + " } }",
    "order conditions": lambda k: "SELECT * { ?s ?p ?o } ORDER BY ?s" + " ?o" * k,
    "brackets": _nested("SELECT * { BIND(", "(", "1", ")", " AS ?x) }"),
    "braces": _nested("SELECT * ", "{", "", "}", ""),
    "functions": _nested("SELECT * { BIND(", "STR(", "1", ")", " AS ?x) }"),
    "blank node lists": _nested("SELECT * { ?s <urn:p> ", "[<urn:p> ", "<urn:o>", "]", " }"),
    "collections": _nested("SELECT * { ?s <urn:p> ", "(", "", ")", " }"),
    "path brackets": _nested("SELECT * { ?s ", "(", "<urn:p>", ")", " ?o }"),
    "subqueries": _nested("SELECT * ", "{SELECT * ", "{}", "}", ""),
    "exists": _nested("SELECT * { FILTER(", "EXISTS{FILTER(", "true", ")}", ") }"),
}

def _elements(chain: Callable[[int], str], size: int) -> int:
    """How many elements make ``chain``'s query about ``size`` characters long."""
    unit = len(chain(2)) - len(chain(1))
    k = max(1, (size - len(chain(1)) + unit) // unit)
    while k > 1 and len(chain(k)) > size:  # elements that grow longer as they go (numbered variables)
        k = k * size // len(chain(k))
    return k


#: Attack shape → its text at about ``size`` characters.
ATTACKS: dict[str, Callable[[int], str]] = {
    # the query check: one regular-expression call that read on and on (issue 17, class 1)
    "unterminated strings and escapes": _chain("SELECT * { ", "'\\", ""),
    "unterminated long strings": _chain("SELECT * { ", "'''\\", ""),
    "unterminated double quotes": _chain("SELECT * { ", '"\\', ""),
    # the query check: quadratic over many calls (class 2)
    "dot-separated names": _chain("SELECT * { ?s ?p ", "a.", " }"),
    "hyphenated names": _chain("SELECT * { ?s ?p ", "a-", " }"),
    "dotted local parts": _chain("SELECT * { ?s ?p ex:", "a.", "a }"),
    "colons in a local part spelling SERVICE": _chain("SELECT * { ?s ?p ex:", "service:", " }"),
    "less-than runs": _chain("SELECT * { FILTER(1", " <1", ") }"),
    "less-than, one > at the end": _chain("ASK { FILTER(1", " <1", ") } #>"),
    "less-than glued to names": _chain("SELECT * { FILTER(", "<a", ") }"),
    "IRIs holding a quote": _chain("SELECT * { ?s ?p ?o ", "<'>", "}"),
    "IRIs holding a comment": _chain("SELECT * { ?s ?p ?o ", "<#>", "}"),
    "IRIs holding a quote, then a long string": _chain("SELECT * { ", "?s ?p <a'> . '''?s ?p <a'> . '''", "}"),
    "comments": _chain("SELECT * { ?s ?p ?o ", "# a comment <'\n", "}"),
    "escapes in strings": _chain("SELECT * { ?s ?p ", "'\\u0041'", " }"),
    "backslash runs": _chain("SELECT * { ?s ?p '\\u0041", "\\\\", "' }"),
    "white space": _chain("SELECT * {", " \n\t", "}"),
    # nesting: every chain the parser recurses on, and brackets (class 5), as long as the size allows
    **{f"{name} (nesting)": (lambda chain: lambda size: chain(_elements(chain, size)))(chain)
       for name, chain in CHAINS.items()},
    "unclosed brackets": _chain("ASK { FILTER(", "(", ""),
    "glued filter chain": _chain("SELECT * { ?s ?p ?o", "FILTERstr(1)", " }"),
    "chains in brackets in an IRI read as less-than": _chain("ASK { FILTER(?a", "<(1+1>", ") }"),
}


def attacks(max_size: int = 100_000, min_size: int = 1_000) -> st.SearchStrategy[tuple[str, str]]:
    """(shape, text): one of :data:`ATTACKS` at a size between ``min_size`` and ``max_size`` characters."""
    return st.tuples(st.sampled_from(sorted(ATTACKS)), st.integers(min_size, max_size)).map(
        lambda pair: (pair[0], ATTACKS[pair[0]](pair[1])))


# The grammar, piece by piece.

def _spelled(word: str) -> st.SearchStrategy[str]:
    """A keyword in any case."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda cases: "".join(c.lower() if lower else c for c, lower in zip(word, cases)))


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_", min_size=1, max_size=8).filter(
    lambda name: name[0].isalpha())
_GAP = st.sampled_from([" ", "\n", "\t", "\r\n", " # a comment with ' and \" and <\n", "  "])


def prologues() -> st.SearchStrategy[str]:
    """BASE and PREFIX declarations (always the three of :data:`PREFIXES`, which :func:`terms` use)."""
    return st.sampled_from(["", "BASE <http://127.0.0.1:9/base/>\n"]).map(lambda base: base + PROLOGUE)


def variables() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from("?$"), _NAME).map("".join)


def iris() -> st.SearchStrategy[str]:
    """Absolute IRIs on the loopback address, with fragments, queries, quotes, brackets and escapes."""
    path = st.text(alphabet="abcxyz019/#?=&'()[]._~-!$*+,;@%41", max_size=12).filter(
        lambda p: p.count("#") <= 1 and "%" not in p.replace("%41", ""))
    return path.map(lambda p: f"<http://127.0.0.1:9/{p}>") | st.just("<http://127.0.0.1:9/\\u0041>")


def prefixed_names() -> st.SearchStrategy[str]:
    local = st.text(alphabet="abcxyz019_-.:", max_size=8).filter(
        lambda name: not name.startswith(("-", ".")) and not name.endswith("."))
    escaped = st.sampled_from(["", "\\#b", "%41", "\\.x", "\\'"])
    return st.tuples(st.sampled_from(sorted(PREFIXES)), local, escaped).map(lambda t: f"{t[0]}:{t[1]}{t[2]}")


def literals() -> st.SearchStrategy[str]:
    """Strings of the four forms (with escapes, quotes inside, language tags, datatypes), numbers, booleans."""
    body = st.text(alphabet="ab SERVICE{}<>#'\"()", max_size=10)
    short1 = body.map(lambda b: "'" + b.replace("\\", "").replace("'", "\\'") + "'")
    short2 = body.map(lambda b: '"' + b.replace("\\", "").replace('"', '\\"') + '"')
    long1 = body.map(lambda b: "'''" + b.replace("'", "") + "\n" + b.replace("'", "") + "'''")
    long2 = body.map(lambda b: '"""' + b.replace('"', "") + '\\n"""')
    string = st.one_of(short1, short2, long1, long2, st.just("'\\u0041\\t'"))
    tagged = st.tuples(string, st.sampled_from(["", "@en", "@en-GB", "^^<http://www.w3.org/2001/XMLSchema#string>",
                                                "^^ex:t"])).map("".join)
    numbers = st.sampled_from(["1", "-2", "+3", "4.5", ".5", "6e7", "1.E-3", "true", "false"])
    return tagged | numbers


def terms() -> st.SearchStrategy[str]:
    return st.one_of(variables(), iris(), prefixed_names(), literals(), st.just("[]"), st.just("_:b1"))


def paths(depth: int = 2) -> st.SearchStrategy[str]:
    """Property paths: sequences, alternatives, inverses, modifiers, negated sets, brackets."""
    primary = st.one_of(iris(), prefixed_names(), st.just("a"), st.just("!(<http://127.0.0.1:9/x>|^a)"))
    element = st.tuples(st.sampled_from(["", "^"]), primary, st.sampled_from(["", "*", "+", "?"])).map("".join)
    if depth > 0:
        element = element | paths(depth - 1).map(lambda p: f"({p})")
    return st.lists(element, min_size=1, max_size=4).flatmap(
        lambda parts: st.lists(st.sampled_from("/|"), min_size=len(parts) - 1, max_size=len(parts) - 1).map(
            lambda ops: "".join(part + op for part, op in zip(parts, ops + [""]))))


def expressions(depth: int = 2) -> st.SearchStrategy[str]:
    """Expressions with chains of every operator, function calls, IN lists, brackets."""
    leaf = st.one_of(variables(), literals(), iris(), prefixed_names(),
                     st.sampled_from(["STR(?s)", "BOUND(?o)", "NOW()", "regex(str(?s), 'service', 'i')"]))
    if depth > 0:
        inner = expressions(depth - 1)
        leaf = leaf | inner.map(lambda e: f"({e})") | inner.map(lambda e: f"!({e})") | \
            st.tuples(inner, st.lists(literals(), max_size=3)).map(lambda t: f"{t[0]} IN ({', '.join(t[1])})")
    operators = st.sampled_from([" + ", " - ", " * ", " / ", " || ", " && ", " = ", " != ", " < ", " <= ", " > ",
                                 " >= ", "<", ">"])
    return st.lists(leaf, min_size=1, max_size=5).flatmap(
        lambda parts: st.lists(operators, min_size=len(parts) - 1, max_size=len(parts) - 1).map(
            lambda ops: "".join(part + op for part, op in zip(parts, ops + [""]))))


@st.composite
def triples(draw) -> str:
    """A subject with predicate and object lists (paths as predicates)."""
    subject = draw(st.one_of(variables(), iris(), prefixed_names(), st.just("[ a ex:C ]")))
    verbs = draw(st.lists(st.tuples(st.one_of(variables(), paths()), st.lists(terms(), min_size=1, max_size=3)),
                          min_size=1, max_size=3))
    gap = draw(_GAP)
    return subject + gap + f" ;{gap}".join(f"{verb} {' , '.join(objects)}" for verb, objects in verbs)


@st.composite
def groups(draw, depth: int = 2) -> str:
    """A group graph pattern: triples, FILTER, BIND, VALUES, and (nested) UNION, OPTIONAL, MINUS, GRAPH."""
    parts = draw(st.lists(triples(), max_size=3))
    parts += draw(st.lists(expressions().map(lambda e: f"FILTER({e})"), max_size=2))
    if draw(st.booleans()):
        parts.append(f"BIND({draw(expressions(1))} AS ?bound{draw(st.integers(0, 9))})")
    if draw(st.booleans()):
        parts.append(f"VALUES ?v {{ {' '.join(draw(st.lists(terms(), min_size=1, max_size=3)))} }}")
    if depth > 0:
        inner = groups(depth - 1)
        parts += draw(st.lists(st.one_of(
            st.tuples(inner, inner).map(lambda pair: f"{pair[0]} UNION {pair[1]}"),
            inner.map(lambda g: f"OPTIONAL {g}"), inner.map(lambda g: f"MINUS {g}"),
            st.tuples(st.one_of(variables(), iris()), inner).map(lambda pair: f"GRAPH {pair[0]} {pair[1]}"),
            inner), max_size=2))
    gap = draw(_GAP)
    return "{" + gap + f" .{gap}".join(parts) + gap + "}"


@st.composite
def queries(draw) -> str:
    """A whole query: prologue, form (any case), dataset clause, WHERE group, solution modifiers."""
    form = draw(st.sampled_from(["SELECT *", "SELECT DISTINCT ?s ?o", "ASK", "CONSTRUCT { ?s ?p ?o }",
                                 "DESCRIBE ?s", "SELECT (COUNT(*) AS ?n)"]))
    keyword = form.split()[0]
    form = draw(_spelled(keyword)) + form[len(keyword):]
    dataset = draw(st.sampled_from(["", " FROM <http://127.0.0.1:9/g>", " FROM NAMED <http://127.0.0.1:9/g>"]))
    where = draw(st.sampled_from([" WHERE ", " where ", " "]))
    modifiers = draw(st.sampled_from(["", " LIMIT 3", " ORDER BY ?s", " OFFSET 1 LIMIT 2"])) \
        if keyword in ("SELECT", "CONSTRUCT", "DESCRIBE") and "COUNT" not in form else ""
    return draw(prologues()) + form + dataset + where + draw(groups()) + modifiers
