"""Reads SPARQL text token by token, as the grammar's terminals do, before a query reaches any store.

The check finds what must be refused or treated specially without evaluating anything: SERVICE
(a federated query makes the store fetch any URL), update operations, FROM / FROM NAMED (the
query brings its own dataset) and how deep the query nests as the grammar nests (brackets and
chains, see :mod:`natoasia.endpoint.nesting`). It tokenizes with the terminals of the SPARQL 1.1
grammar (section 19.8, :mod:`natoasia.endpoint.lexer`) and fails closed: text that is not a sequence
of valid tokens is a syntax error, never passed on.

Parsers do not all read the same text the same way, so the check reads it every way a parser
could and refuses SERVICE if any reading shows it:

- the text as written (pyoxigraph does not decode ``\\u`` escapes outside strings and IRIs), with
  the escapes decoded first as section 19.2 asks, and decoded the way Java parsers do
  (``\\uu0053``, backslash parity);
- at every ``<``: an IRI up to the next ``>`` (pyoxigraph accepts any character there, then
  backtracks if the IRI is invalid) and the less-than operator;
- in a prefixed name: pyoxigraph's shorter local part (``ex:a.b`` + ``.c``), and the bare
  ``ex:`` that pyoxigraph falls back to when ``ex:local`` is not a valid IRI;
- keywords glued to what follows (pyoxigraph matches ``SERVICE`` in ``servicesilent<…>{``).

The first reading is the grammar's longest-match tokenization (here); any word or prefix containing
SERVICE in it is refused outright. The other readings are followed from where they depart until
they meet one already read (:mod:`natoasia.endpoint.readings`), and the query is refused if one spells
the SERVICE pattern: SERVICE, optional SILENT, a variable or IRI, then ``{``. So are Virtuoso's
``DEFINE`` pragmas and ``bif:`` / ``sql:`` functions, which may fetch URLs on an external store and
are not SPARQL.

The work is linear in the length of the text, with a small constant: the lexer reads each token
once, whichever reading asks for it, and never reads far past it; each reading stops where it meets
a (position, state) already visited. A text that could still be read in more ways than
``WORK_PER_CHARACTER`` allows is refused as a syntax error rather than followed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from natoasia.endpoint.lexer import Lexer
from natoasia.endpoint.nesting import Meter
from natoasia.endpoint.readings import IDLE, Readings, TooManyReadings
from natoasia.endpoint.terminals import ESCAPE, FOLD, JAVA_ESCAPE, decode

UPDATE_VERBS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
PROLOGUE = ("BASE", "PREFIX", "VERSION")
_EXTENSION = "<(?:BIF|SQL):"  # in the folded (upper-case) text
_FORKING = ("iri", "lt")


class QuerySyntaxError(ValueError):
    """Text that is not a sequence of SPARQL tokens; ``str()`` names line and column."""

    def __init__(self, line: int, column: int, problem: str):
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {problem}")
        self.line, self.column, self.problem = line, column, problem


@dataclass
class Scan:
    """What the check found; ``error`` is set (and nothing else is reliable) when the text is not SPARQL."""

    keywords: list[str] = field(default_factory=list)
    max_depth: int = 0  # as the grammar nests: brackets and chains (see natoasia.endpoint.nesting)
    deepest: str = ""  # what makes it that deep, in words
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or an update verb
    service: bool = False
    dataset: bool = False
    update: bool = False
    error: QuerySyntaxError | None = None
    work: int = 0  # characters read and reading steps taken, for the tests of the work bound

    @property
    def uses_service(self) -> bool:
        return self.service

    @property
    def has_dataset_clause(self) -> bool:
        return self.dataset

    @property
    def is_update(self) -> bool:
        return self.update or self.form in UPDATE_VERBS

    def too_deep(self, limit: int) -> str | None:
        """The refusal when the query nests deeper than ``limit``, in words; None when it does not."""
        if self.max_depth <= limit:
            return None
        return f"the query nests {self.max_depth} deep ({self.deepest}); the limit of this endpoint is {limit}"


class _Reading:
    """One text (as written, or decoded): its first reading, and the other readings that depart from it."""

    def __init__(self, text: str, anchors: list[tuple[int, int]], raw_text: str):
        self.text, self.anchors, self.raw_text = text, anchors, raw_text
        self.lexer = Lexer(text)
        self.folded = text.translate(FOLD)
        self.extensions = bool(re.search(_EXTENSION, self.folded))
        self.starts = bytearray(len(text) + 1)  # where the first reading's tokens (and the space before them) start
        self.meter = Meter(self.folded)
        self.others = Readings(text, self.folded, self.lexer, self.meter, self.starts)
        self.scan = Scan()

    def read(self) -> None:
        """Read the text every way (see module doc); raise :class:`QuerySyntaxError` if it is not SPARQL."""
        self.first()
        try:
            self.scan.service |= self.others.follow()
        except TooManyReadings as exc:
            self.fail(exc.pos, "this text can be read in too many ways to be checked; write it more plainly")
        self.scan.max_depth, self.scan.deepest = self.meter.total()
        self.scan.work = self.lexer.work + self.others.steps

    def first(self) -> None:
        """The grammar's own (longest-match) reading: keywords, form, nesting; fail closed on bad text."""
        scan, starts, lexer, meter, others = self.scan, self.starts, self.lexer, self.meter, self.others
        pos, previous, read = 0, None, lexer.read
        while True:
            token = read(pos)
            if token is None:
                self.fail(pos)
            kind, start, end = token
            starts[pos] = starts[start] = 1
            if kind == "end":
                return
            if kind in _FORKING or (kind == "pname" and others.services):
                if kind == "iri" and self.extensions:
                    self.refuse_extension(start)
                others.fork(token, IDLE, meter)
            meter.token(kind, start, end)
            if kind == "close":
                others.closes.append(start)
            elif kind == "word":
                word = self.folded[start:end]
                self.refuse_extension(start, word)
                self.keyword(word, previous)
            elif kind == "pname":
                prefix = self.folded[start:self.text.index(":", start)]
                self.refuse_extension(start, prefix)
                self.keyword(prefix, previous, prefixed=meter.brackets + 1)
            if kind != "comment":
                previous = scan.keywords[-1] if kind == "word" else None
            pos = end

    def refuse_extension(self, pos: int, word: str = "") -> None:
        """Virtuoso's ``DEFINE`` pragmas and ``bif:`` / ``sql:`` functions can fetch URLs: they are not SPARQL."""
        if word in ("DEFINE", "BIF", "SQL") or (not word and self.folded.startswith(("<BIF:", "<SQL:"), pos)):
            name = word or self.folded[pos + 1:pos + 4]
            self.fail(pos, f"{name} (a store's own extension, which may fetch URLs) is not SPARQL and not accepted")

    def keyword(self, word: str, previous: str | None, prefixed: int = 0) -> None:
        """Record what a bare word, or the prefix of a prefixed name (``prefixed``: its depth + 1), may be.

        A dataset clause stands outside all brackets, so only there may ``from:g`` be one.
        """
        scan = self.scan
        if "SERVICE" in word:
            scan.service = True
        if not prefixed:
            scan.keywords.append(word)
            if scan.form is None and not word.startswith(PROLOGUE):
                scan.form = next((f for f in QUERY_FORMS + UPDATE_VERBS if word.startswith(f)), word)
        elif previous == "PREFIX":
            return
        if word.startswith("FROM") and prefixed < 2:
            scan.dataset = True
        if word in UPDATE_VERBS or (not prefixed and word.startswith(UPDATE_VERBS)):
            scan.update = True

    def fail(self, pos: int, problem: str | None = None) -> None:
        """Raise :class:`QuerySyntaxError` for ``pos``, counted in lines and columns of the text as sent."""
        text = self.text
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        raw, source = self.raw_position(pos), self.raw_text
        line = source.count("\n", 0, raw) + 1
        column = raw - (source.rfind("\n", 0, raw) + 1) + 1
        problem = problem or _problem(text, pos)
        if text is not source:
            problem += " (reading the \\u escapes as the characters they stand for)"
        raise QuerySyntaxError(line, column, problem)

    def raw_position(self, pos: int) -> int:
        i = bisect.bisect_right(self.anchors, (pos, float("inf"))) - 1
        return self.anchors[i][1] + pos - self.anchors[i][0]


def _problem(text: str, pos: int) -> str:
    if pos >= len(text):
        return "the text ends in the middle of a token"
    c = text[pos]
    if c in "'\"":
        return f"a string opened with {c} is not closed on its line or has a bad escape"
    if c == "\\":
        return "a backslash escape outside a string"
    return f"unexpected character {c!r} (U+{ord(c):04X})"


def scan(text: str) -> Scan:
    """Check SPARQL text: what it asks for, under every reading a parser may give it (see module doc)."""
    texts = [(text, [(0, 0)])]
    for pattern in (ESCAPE, JAVA_ESCAPE):
        if "\\u" in text or "\\U" in text:
            decoded = decode(text, pattern)
            if all(decoded[0] != t for t, _ in texts):
                texts.append(decoded)
    result, work = None, 0
    for reading_text, anchors in texts:
        reading = _Reading(reading_text, anchors, text)
        try:
            reading.read()
        except QuerySyntaxError as exc:
            return Scan(error=exc, work=work + reading.lexer.work + reading.others.steps)
        work += reading.scan.work
        if result is None:
            result = reading.scan
        else:
            result.service |= reading.scan.service
            result.dataset |= reading.scan.dataset
            result.update |= reading.scan.update
            if reading.scan.max_depth > result.max_depth:
                result.max_depth, result.deepest = reading.scan.max_depth, reading.scan.deepest
    result.work = work
    return result
