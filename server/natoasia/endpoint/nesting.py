"""How deep a query nests as the grammar nests: brackets, and chains, which pyoxigraph recurses on too.

pyoxigraph's parser (spargebra, a recursive-descent PEG parser) calls itself once per bracket, and
once per element of a chain of ``+``, ``-``, ``*``, ``/`` and ``!``; the chains it reads in a loop
(``||``, ``&&``, property paths, triples, predicate and object lists, collections, a group's elements:
``UNION``, ``OPTIONAL``, ``MINUS``, ``FILTER``, ``BIND``, groups in a row) it folds into trees as deep as
they are long, which its optimizer and evaluator then walk by recursion. Every level takes stack; a
query that nests deep enough overflows the query worker's stack and kills it.

:class:`Meter` reads the tokens of a reading and computes, bottom-up, the depth of the tree a parser
builds from them: a bracketed level is as deep as its bracket's weight, plus every chain element read
at that level (all chains of a level count as one, which over-counts and never under-counts), plus its
deepest sub-level. A weight is the stack one element takes, in levels of :data:`LEVEL_BYTES`, rounded
up: ``bench/parser_depth.py`` measures the stack per element of each construct, and
``tests/test_nesting.py`` checks that every weight covers it (the figures are in ``bench/README.md``).

Other readings of the text (see :mod:`natoasia.endpoint.readings`) may nest deeper than the first:
pyoxigraph reads an IRI's ``<`` as less-than after an operand in an expression, and then what the
IRI holds is code (:func:`inside_iri`), and so may be text the first reading took for a string or a
comment, while code it read may be skipped, leaving open the brackets it closed. Each such segment is
measured on its own (:meth:`Meter.other`) and added to the first reading's depth (:meth:`Meter.aside`):
the levels it leaves open to every later segment, its own depth to the deepest of them.
"""

from __future__ import annotations

import re

#: The stack one level stands for: about what one element of a ``+`` chain takes (1.19 KiB).
LEVEL_BYTES = 1280
#: What one level of each bracket costs, in levels of 1.25 KiB of stack (a ``(`` is as dear as the
#: deepest call it may open, a function's; a group ``{`` also adds one element to its group's chain).
BRACKETS = {"(": 8, "[": 3, "{": 3}
#: Chain operators and what one element of their chain costs.
OPERATORS = {"+": 1, "-": 1, "*": 1, "/": 3, "||": 1, "&&": 1, "!": 1, "|": 1}
#: Separators of lists pyoxigraph folds into trees (triples, predicate and object lists) outside round
#: brackets; inside them they separate arguments, which it reads in a loop.
SEPARATORS = {".": 3, ";": 3, ",": 3}
#: Keywords that add an element to a group's chain; pyoxigraph reads them glued to what follows
#: (``FILTERregex(…)``), so a word that starts with one counts.
KEYWORDS = {"UNION": 1, "OPTIONAL": 1, "MINUS": 1, "FILTER": 1, "BIND": 3, "GRAPH": 1, "SERVICE": 1,
            "VALUES": 1, "LATERAL": 1}
#: An element of a collection, ``(1 2 3)``: a term right after another inside round brackets.
ITEM, ITEM_LABEL = 6, "collection element"
_KEYWORD_STARTS = tuple(KEYWORDS)
_GROUP_ELEMENT = 3  # a ``{`` in a group: one more element of its chain (a join)
#: Tokens that are a term (a collection's element). After one, and after a ``)``, ``]``, ``}``, a language tag,
#: ``true`` or ``false``, an operand has ended: pyoxigraph, in an expression, reads ``<`` as less-than there.
_TERMS = {"var", "string", "number", "iri", "pname", "bnode"}


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
        levels = self.levels
        if kind in _TERMS:  # the commonest: a term, which may be a collection's next element
            if self.operand and levels[-1].bracket == "(":
                levels[-1].add(ITEM_LABEL, ITEM)
            self.operand = True
        elif kind == "punct":
            self.operand = False
            spelling = self.folded[start:end]
            weight = OPERATORS.get(spelling) or (levels[-1].bracket != "(" and SEPARATORS.get(spelling))
            if weight:
                levels[-1].add(spelling, weight)
        elif kind == "open":
            bracket = self.folded[start]
            if self.operand and levels[-1].bracket == "(":
                levels[-1].add(ITEM_LABEL, ITEM)
            elif bracket == "{":
                levels[-1].add("{", _GROUP_ELEMENT)
            levels.append(_Level(bracket))
            self.operand = False
        elif kind == "close":
            if len(levels) > 1:
                self._close()
            self.operand = True
        elif kind == "word":
            word = self.folded[start:end]
            self.operand = word in ("TRUE", "FALSE")
            if word.startswith(_KEYWORD_STARTS):
                keyword = next(k for k in _KEYWORD_STARTS if word.startswith(k))
                levels[-1].add(keyword, KEYWORDS[keyword])
        elif kind != "comment":
            self.operand = kind == "langtag"

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
            detail += f", and {extra} more where another reading takes brackets or operators for code"
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
    chains = ", ".join(f"{count} {label}s" if label == ITEM_LABEL else f"a chain of {count} `{label}`"
                       for label, count in sorted(counts.items(), key=lambda item: -item[1])[:2])
    nested = f"{brackets} bracket{'s' if brackets > 1 else ''}" if brackets else ""
    return (f"{chains} inside {nested}" if chains and nested else chains or nested) or "no nesting"


def inside_iri(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The segment of a reading that takes the ``<`` of an IRI as less-than, for ``text[start:end]``
    (what follows the ``<``, up to the ``>`` or a quote or comment inside): brackets and operators
    that are code in that reading. No IRI holds white space, so its tokens are its characters'."""
    if start >= end:
        return 0, 0, ""
    part = text[start:end]
    ops = sum(part.count(c) * weight for c, weight in _IRI_OPERATORS)
    opened: list[int] = []
    deepest = 0
    for c in _IRI_BRACKETS.findall(part):
        if c in BRACKETS:
            opened.append(BRACKETS[c])
            deepest = max(deepest, sum(opened))
        elif opened:
            opened.pop()
    if not deepest + ops:
        return 0, 0, ""
    return deepest + ops, sum(opened) + ops if opened else 0, "brackets and operators inside an IRI, read as code"


#: What of an IRI is code when its ``<`` is read as less-than (an IRI holds no ``{``, ``|`` or white space).
_IRI_OPERATORS = tuple((c, weight) for c, weight in OPERATORS.items() if len(c) == 1 and c != "|") + (("&", 1),)
_IRI_BRACKETS = re.compile(r"[()\[\]]")
