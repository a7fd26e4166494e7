"""Reads SPARQL text token by token, as the grammar's terminals do, before a query reaches any store.

The check finds what must be refused or treated specially without evaluating anything: SERVICE
(a federated query makes the store fetch any URL), update operations, FROM / FROM NAMED (the
query brings its own dataset) and bracket nesting depth. It tokenizes with the terminals of the
SPARQL 1.1 grammar (section 19.8) and fails closed: text that is not a sequence of valid tokens
is a syntax error, never passed on.

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

The first reading is the grammar's longest-match tokenization; any word or prefix containing
SERVICE in it is refused outright. Each other reading is followed from where it departs until it
meets the first one again, and refused if it spells the SERVICE pattern: SERVICE, optional SILENT,
a variable or IRI, then ``{``. That work is bounded; a text that can be read in more ways than that
is refused as a syntax error. So are Virtuoso's ``DEFINE`` pragmas and ``bif:`` / ``sql:`` functions,
which may fetch URLs on an external store and are not SPARQL.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from natoasia.endpoint.terminals import (ALT_TOKEN, ESCAPE, FOLD, JAVA_ESCAPE, LOCAL_OXIGRAPH, RUN, RUN_KINDS, TOKEN,
                                         decode)

UPDATE_VERBS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
PROLOGUE = ("BASE", "PREFIX", "VERSION")
IDLE, AFTER_SERVICE, AFTER_SILENT, AFTER_TARGET, FOUND = range(5)
_EXTENSION = re.compile("<(?:BIF|SQL):")  # in the folded (upper-case) text


class QuerySyntaxError(ValueError):
    """Text that is not a sequence of SPARQL tokens; ``str()`` names line and column."""

    def __init__(self, line: int, column: int, problem: str):
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {problem}")
        self.line, self.column, self.problem = line, column, problem


@dataclass
class Scan:
    """What the check found; ``error`` is set (and nothing else is reliable) when the text is not SPARQL."""

    keywords: list[str] = field(default_factory=list)
    max_depth: int = 0
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or an update verb
    service: bool = False
    dataset: bool = False
    update: bool = False
    error: QuerySyntaxError | None = None

    @property
    def uses_service(self) -> bool:
        return self.service

    @property
    def has_dataset_clause(self) -> bool:
        return self.dataset

    @property
    def is_update(self) -> bool:
        return self.update or self.form in UPDATE_VERBS


def _step(state: int, kind: str, folded: str) -> int:
    """The SERVICE pattern as an automaton over significant tokens (``folded``: the token in upper case)."""
    if state == AFTER_TARGET and folded == "{":
        return FOUND
    if state in (AFTER_SERVICE, AFTER_SILENT) and kind in ("var", "iri", "pname"):
        return AFTER_TARGET
    if state == AFTER_SERVICE and kind == "word" and folded.startswith("SILENT"):
        return AFTER_SILENT
    if kind == "word" and "SERVICE" in folded:
        return AFTER_SERVICE
    if kind == "pname" and "SERVICE" in folded.split(":", 1)[0]:
        return AFTER_TARGET
    return IDLE


class _Reading:
    """One text (as written, or decoded), its first reading and every other reading that departs from it."""

    def __init__(self, text: str, anchors: list[tuple[int, int]], raw_text: str):
        self.text, self.anchors, self.raw_text = text, anchors, raw_text
        self.folded = text.translate(FOLD)
        self.services = [m.start() for m in re.finditer("SERVICE", self.folded)]
        self.extensions = [m.start() for m in _EXTENSION.finditer(self.folded)]
        self.starts = bytearray(len(text) + 1)
        self.forks: list[tuple[int, int, int]] = []  # (position, automaton state, depth)
        self._closers: list[int] | None = None
        self._line_ends: list[int] | None = None
        self._comment_end = -1  # where the last comment read inside an IRI ends
        self.scan = Scan()

    def service_in(self, start: int, end: int) -> bool:
        """Whether SERVICE (in any case) is spelt within ``text[start:end]``."""
        i = bisect.bisect_left(self.services, start)
        return i < len(self.services) and self.services[i] + 7 <= end

    def next_of(self, attribute: str, pattern: str, pos: int) -> int | None:
        """The first position at or after ``pos`` of a character in ``pattern`` (a list built once)."""
        if getattr(self, attribute) is None:
            setattr(self, attribute, [m.start() for m in re.finditer(pattern, self.text)])
        found = getattr(self, attribute)
        i = bisect.bisect_left(found, pos)
        return found[i] if i < len(found) else None

    def forks_at(self, m: re.Match, kind: str, state: int, depth: int) -> None:
        """Queue the other readings of the token ``m`` (of ``kind``), to be followed from ``state``."""
        text, start, end = self.text, m.start(kind), m.end()
        if kind == "iri":  # read as less-than: only a quote, a comment or SERVICE in the IRI can matter,
            cuts = [i for i in (text.find("'", start, end), text.find("#", start, end)) if i >= 0]
            i = bisect.bisect_left(self.services, start)
            if i < len(self.services) and self.services[i] + 7 <= end:  # from the start of the name spelling it
                cut = self.services[i]
                while cut > start + 1 and (text[cut - 1].isalnum() or text[cut - 1] in "_-.:"):
                    cut -= 1
                cuts.append(cut)
            if cuts and text[min(cuts)] == "#":  # a comment up to the end of the line, then on from there
                if min(cuts) > self._comment_end:
                    line_end = self.next_of("_line_ends", "[\\r\\n]", min(cuts))
                    self._comment_end = len(text) if line_end is None else line_end
                    self.forks.append((self._comment_end, IDLE, depth))
            elif cuts:  # and the tokens before that point are all read the same way
                self.forks.append((min(cuts), IDLE, depth))
        elif kind == "lt":
            gt = self.next_of("_closers", ">", start)
            if gt is not None:
                self.forks.append((gt + 1, _step(state, "iri", ""), depth))
        elif kind == "pname":
            colon = text.index(":", start)
            if self.service_in(colon + 1, end):
                self.forks.append((colon + 1, _step(state, "pname", self.folded[start:colon + 1]), depth))
            short = LOCAL_OXIGRAPH.match(text, colon + 1)
            if short and short.end() < end and self.service_in(short.end(), end):
                self.forks.append((short.end(), _step(state, "pname", self.folded[start:short.end()]), depth))

    def first(self) -> None:
        """The grammar's own (longest-match) reading: keywords, form, depth; fail closed on bad text."""
        scan, starts, services, pos, depth, previous = self.scan, self.starts, self.services, 0, 0, None
        for m in RUN.finditer(self.text):
            if m.start() != pos:
                self.fail(self.bad_token(pos))
            starts[pos] = 1
            index = m.lastindex
            kind, (start, pos) = RUN_KINDS[index], m.span(index)
            if start > m.start() and (services or self.extensions) and (
                    self.service_in(m.start(), start) or self.extension_in(m.start(), start)):
                self.dull(m.start(), start, depth)
            starts[start] = 1
            if kind == "open":
                depth += 1
                scan.max_depth = max(scan.max_depth, depth)
            elif kind == "close":
                depth -= 1
            elif kind == "word":
                self.refuse_extension(start, self.folded[start:pos])
                self.keyword(self.folded[start:pos], previous)
            elif kind == "pname":
                self.refuse_extension(start, self.folded[start:pos].split(":", 1)[0])
                self.keyword(self.folded[start:pos].split(":", 1)[0], previous, prefixed=depth + 1)
                if services:
                    self.forks_at(m, kind, IDLE, depth)
            elif kind == "iri":
                if self.extensions:
                    self.refuse_extension(start)
                if "(" in m.group(index) or "[" in m.group(index):
                    scan.max_depth = max(scan.max_depth, depth + _nesting(m.group(index)))
                self.forks_at(m, kind, IDLE, depth)
            elif kind == "lt":
                self.forks_at(m, kind, IDLE, depth)
            elif kind == "end":
                return
            if kind != "comment":
                previous = scan.keywords[-1] if kind == "word" else None
        self.fail(self.bad_token(pos))

    def extension_in(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.extensions, start)
        return i < len(self.extensions) and self.extensions[i] < end

    def refuse_extension(self, pos: int, word: str = "") -> None:
        """Virtuoso's ``DEFINE`` pragmas and ``bif:`` / ``sql:`` functions can fetch URLs: they are not SPARQL."""
        if word in ("DEFINE", "BIF", "SQL") or (not word and _EXTENSION.match(self.folded, pos)):
            name = word or self.folded[pos + 1:pos + 4]
            self.fail(pos, f"{name} (a store's own extension, which may fetch URLs) is not SPARQL and not accepted")

    def bad_token(self, pos: int) -> int:
        """Where, from ``pos``, the first character that starts no token is."""
        while (m := TOKEN.match(self.text, pos)) is not None and m.lastgroup != "end":
            pos = m.end()
        return pos

    def dull(self, pos: int, end: int, depth: int) -> None:
        """Token by token, a run that spells SERVICE somewhere: an IRI spelling it may be read otherwise."""
        while pos < end:
            m = TOKEN.match(self.text, pos)
            self.starts[pos] = 1
            if m.lastgroup == "iri":
                self.refuse_extension(m.start("iri"))
                self.forks_at(m, "iri", IDLE, depth)
            pos = m.end()

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

    def others(self) -> None:
        """Follow every other reading until it meets one already read; set ``service`` if one spells SERVICE.

        The work is bounded: a text that can be read too many ways is refused as a syntax error.
        """
        seen: set[tuple[int, int]] = set()
        text, starts, match = self.text, self.starts, ALT_TOKEN.match
        chars, tokens = 2 * len(text) + 20_000, len(text) // 8 + 10_000
        while self.forks:
            pos, state, depth = self.forks.pop()
            if (pos, state) in seen:
                continue
            while (state != IDLE or not starts[pos]) and (pos, state) not in seen:
                seen.add((pos, state))
                m = match(text, pos)
                if m is None or m.lastgroup == "end":
                    break
                kind, end = m.lastgroup, m.end()
                chars, tokens = chars - (end - pos), tokens - 1
                if chars < 0 or tokens < 0:
                    self.fail(pos, "this text can be read in too many ways to be checked; write it more plainly")
                if kind == "comment":
                    line_end = self.next_of("_line_ends", "[\\r\\n]", end)
                    end = len(text) if line_end is None else line_end
                elif kind == "open":
                    depth += 1
                    self.scan.max_depth = max(self.scan.max_depth, depth)
                elif kind == "close":
                    depth -= 1
                elif kind in ("iri", "lt", "pname"):
                    self.forks_at(m, kind, state, depth)
                if kind != "comment":
                    state = _step(state, kind, self.folded[m.start(kind):end])
                if state == FOUND:
                    self.scan.service = True
                    return
                pos = end

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


def _nesting(iri: str) -> int:
    """How deep the brackets inside an IRI would nest if a parser read its ``<`` as less-than."""
    deepest = level = 0
    for c in iri:
        if c in "([{":
            level += 1
            deepest = max(deepest, level)
        elif c in ")]}":
            level -= 1
    return deepest


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
    result = None
    for reading_text, anchors in texts:
        reading = _Reading(reading_text, anchors, text)
        try:
            reading.first()
            reading.others()
        except QuerySyntaxError as exc:
            return Scan(error=exc)
        if result is None:
            result = reading.scan
        else:
            result.service |= reading.scan.service
            result.dataset |= reading.scan.dataset
            result.update |= reading.scan.update
            result.max_depth = max(result.max_depth, reading.scan.max_depth)
    return result
