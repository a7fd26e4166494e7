"""How deep a query nests as the grammar nests: brackets, and chains, which pyoxigraph recurses on too.

pyoxigraph's parser (spargebra, a recursive-descent PEG parser) calls itself once per bracket, and
once per element of a chain of ``+``, ``-``, ``*``, ``/`` and ``!``; the chains it reads in a loop
(``||``, ``&&``, property paths, object and predicate lists, a group's elements: ``UNION``,
``OPTIONAL``, ``MINUS``, ``FILTER``, ``BIND``, groups in a row) it folds into trees as deep as they
are long, which its optimizer and evaluator then walk by recursion. Each level costs stack; a
query that nests deep enough overflows the query worker's stack and kills it. ``bench/parser_depth.py``
measures, per construct, how long a chain pyoxigraph survives on a given stack.

:class:`Meter` reads the tokens of a reading and computes, bottom-up, the depth of the tree a parser
builds from them: a bracketed level is as deep as its bracket's weight, plus every chain operator
read at that level (all chains of a level are counted as one, which over-counts and never
under-counts), plus its deepest sub-level. Weights are in the unit of the cheapest chain element
(:data:`BRACKETS`, :data:`OPERATORS`, :data:`KEYWORDS`), from the measurements in ``bench/README.md``.

Other readings of the text (see :mod:`natoasia.endpoint.querycheck`) may nest deeper than the first
one: an IRI read as ``<`` and what follows (inside the IRI: brackets and operators that are code in
that reading), and code of the first reading that another reading skips (inside a comment or a
string): brackets it closes then stay open. Each such segment is measured on its own
(:meth:`Meter.other`, :func:`inside_iri`) and added to the first reading's depth: its own depth to
the deepest of them, the levels it leaves open to all of them (:meth:`Meter.aside`).
"""

from __future__ import annotations

import re

#: The stack one level stands for: about what one element of a ``+`` chain takes (1.19 KiB).
LEVEL_BYTES = 1280
#: What one level of each bracket costs, in levels of 1.25 KiB of stack (a ``(`` is as dear as the
#: deepest call it may open, a function's; a group ``{`` also adds one element to its group's chain).
BRACKETS = {"(": 8, "[": 3, "{": 3}
#: Chain operators and what one element of their chain costs.
OPERATORS = {"+": 1, "-": 1, "*": 1, "/": 3, "||": 1, "&&": 1, "!": 1, "|": 1, ",": 1, ";": 1, ".": 1}
#: Keywords that add an element to a group's chain; pyoxigraph reads them glued to what follows
#: (``FILTERregex(…)``), so a word that starts with one counts.
KEYWORDS = {"UNION": 1, "OPTIONAL": 2, "MINUS": 2, "FILTER": 1, "BIND": 3, "GRAPH": 1, "SERVICE": 1,
            "VALUES": 1, "LATERAL": 1}
#: An element of a collection, ``(1 2 3)``: a term right after another inside round brackets.
ITEM = 6
_KEYWORD_STARTS = tuple(KEYWORDS)
_GROUP_ELEMENT = 1  # a ``{`` in a group: one more element of its chain (a join)
#: Tokens after which pyoxigraph, in an expression, reads ``<`` as less-than (an operand ends there).
_OPERANDS = {"var", "string", "number", "iri", "pname", "langtag", "bnode", "close"}
#: Tokens that start a term (a collection's element).
_TERMS = {"var", "string", "number", "iri", "pname", "bnode", "open"}


class _Level:
    """One open bracket: its weight, the chain elements read in it, its deepest closed sub-level."""

    __slots__ = ("bracket", "ops", "counts", "child", "deepest")

    def __init__(self, bracket: str):
        self.bracket, self.ops, self.counts, self.child, self.deepest = bracket, 0, None, 0, None

    def add(self, label: str, weight: int) -> None:
        self.ops += weight
        if self.counts is None:
            self.counts = {}
        self.counts[label] = self.counts.get(label, 0) + 1

    def depth(self) -> int:
        return BRACKETS.get(self.bracket, 0) + self.ops + self.child


class Meter:
    """The nesting depth of one reading's tokens, fed one by one (see module doc)."""

    def __init__(self, folded: str, root: str = ""):
        self.folded = folded  # the text in upper case
        self.levels = [_Level(root)]
        self.carried, self.deepest_aside, self.aside_detail = 0, 0, ""
        self.operand = False  # whether the last token read ends an operand

    def after_operand(self) -> bool:
        """Whether an expression may go on here with an operator: an operand was just read, inside
        round brackets (or, in another reading's segment, where the brackets are not known)."""
        return self.operand and self.levels[-1].bracket in ("(", "?")

    @property
    def brackets(self) -> int:
        """How many brackets are open now."""
        return len(self.levels) - 1

    def token(self, kind: str, start: int, end: int) -> None:
        """Read one token (``kind``, ``start``, ``end`` as the lexer gives them)."""
        if kind == "comment":
            return
        if self.operand and kind in _TERMS and self.levels[-1].bracket == "(":
            self.levels[-1].add("collection element", ITEM)
        self.operand = kind in _OPERANDS or (kind == "word" and self.folded[start:end] in ("TRUE", "FALSE"))
        if kind == "punct":
            weight = OPERATORS.get(self.folded[start:end])
            if weight:
                self.levels[-1].add(self.folded[start:end], weight)
        elif kind == "open":
            bracket = self.folded[start]
            if bracket == "{":
                self.levels[-1].add("{", _GROUP_ELEMENT)
            self.levels.append(_Level(bracket))
        elif kind == "close":
            if len(self.levels) > 1:
                self._close()
        elif kind == "word" and self.folded.startswith(_KEYWORD_STARTS, start, end):
            word = next(k for k in _KEYWORD_STARTS if self.folded.startswith(k, start, end))
            self.levels[-1].add(word, KEYWORDS[word])

    def _close(self) -> None:
        level = self.levels.pop()
        depth, parent = level.depth(), self.levels[-1]
        if depth > parent.child:
            parent.child, parent.deepest = depth, level

    def open_weight(self) -> int:
        """The depth of the levels open now (their brackets and chains so far): what a reading that
        stops here leaves to what follows it."""
        return sum(BRACKETS.get(level.bracket, 0) + level.ops for level in self.levels)

    def segment(self) -> tuple[int, int, str]:
        """For another reading's segment: (its depth, the depth it leaves open, what makes it deep)."""
        carried = self.open_weight()
        depth, detail = self.total()
        return depth, carried, detail

    def other(self) -> Meter:
        """A meter for another reading's segment of the same text (whose brackets around it are unknown)."""
        return Meter(self.folded, "?")

    def aside(self, segment: tuple[int, int, str], continues: bool = True) -> None:
        """Add another reading's segment: its depth to the deepest of them, and (if the reading
        ``continues`` past it) the levels it leaves open to every later one."""
        depth, carried, detail = segment
        if not continues:
            carried = 0
        self.carried += carried
        if depth - carried > self.deepest_aside:
            self.deepest_aside, self.aside_detail = depth - carried, detail

    def total(self) -> tuple[int, str]:
        """The depth of everything read (open levels closed at the end), and in words what makes it so."""
        while len(self.levels) > 1:
            self._close()
        root = self.levels[0]
        depth = root.ops + root.child
        detail = _describe(root)
        extra = self.carried + self.deepest_aside
        if extra:
            depth += extra
            detail += f", and {extra} more if some brackets and operators are read another way" \
                if self.aside_detail else ""
        return depth, detail


def _describe(root: _Level) -> str:
    """The brackets and chains on the deepest path, in words: ``a chain of 212 `+` inside 3 brackets``."""
    brackets, counts, level = 0, {}, root
    while level is not None:
        brackets += level.bracket != ""
        for label, count in (level.counts or {}).items():
            if count > 1:  # a chain; a single operator is noise beside it
                counts[label] = counts.get(label, 0) + count
        level = level.deepest
    chains = sorted(counts.items(), key=lambda item: -item[1])
    words = [f"a chain of {count} `{label}`" if label in OPERATORS or label in KEYWORDS or label == "{"
             else f"{count} {label}s" for label, count in chains[:2]]
    if brackets:
        words.append(f"{brackets} bracket{'s' if brackets > 1 else ''}")
    return " inside ".join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words) or "no nesting"


def inside_iri(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The segment of a reading that takes the ``<`` of an IRI as less-than, for ``text[start:end]``
    (what follows the ``<``, up to the ``>`` or a quote or comment inside): brackets and operators
    that are code in that reading. No IRI holds white space, so its tokens are its characters'."""
    if start >= end:
        return 0, 0, ""
    part = text[start:end]
    ops = sum(part.count(c) * weight for c, weight in _IRI_OPERATORS)
    depth = deepest = 0
    for c in _IRI_BRACKETS.findall(part):
        if c in BRACKETS:
            depth += BRACKETS[c]
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - BRACKETS["("])
    if not deepest + ops:
        return 0, 0, ""
    return deepest + ops, depth + ops if depth else 0, "brackets and operators inside an IRI, read as code"


#: What of an IRI is code when its ``<`` is read as less-than (an IRI holds no ``{``, ``|`` or white space).
_IRI_OPERATORS = tuple((c, weight) for c, weight in OPERATORS.items() if len(c) == 1 and c != "|") + (("&", 1),)
_IRI_BRACKETS = re.compile(r"[()\[\]]")
