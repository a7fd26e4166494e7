"""Reads SPARQL text into the grammar's tokens from any position, in work linear in the text.

:class:`Lexer` gives the token that starts at a position (after white space): its kind and where it
starts and ends, with the grammar's longest match. The query check reads the first reading's tokens in
order (:meth:`Lexer.read`) and those of other readings from wherever they depart (:meth:`Lexer.token`,
see :mod:`natoasia.endpoint.readings`), so a lexer must answer for any position, and many readings must
not make it read the text many times. Three rules keep its work linear:

- for other readings a token is read once: every answer is kept, by position;
- a read goes no further than its token but for a bounded look beyond it (one character; a run of dots;
  an escape: see :mod:`natoasia.endpoint.terminals`), except where a longer token was tried and not
  found, and what it read is then read at most once more: an IRI without its ``>`` (then ``<`` is
  less-than; no IRI holds a ``<``, so no two such tries read the same text), a long string without its
  end (then ``''``), a name without a colon after it (then a word; the name's end is kept, so that the
  next name inside it, after a dot or a hyphen, is known at once), a local part (its end is kept for
  every colon inside it, where other readings start);
- what a reading looks up far ahead (where a line or a comment ends, the next ``>``) comes from an index
  of the text built once, by bisection.

The commonest tokens come from one call of :data:`~natoasia.endpoint.terminals.FAST`; the others from
a reader chosen by their first character. ``work`` counts the characters the readers read (a failed
fast try reads no more than the careful reader after it), for the check's bound and the tests of it.
"""

from __future__ import annotations

import bisect
import re

from natoasia.endpoint.terminals import (BNODE, CLOSE, FAST, IRI_BODY, LANGTAG, LOCAL, LOCAL_OXIGRAPH, LOCAL_START,
                                         NAME_START, NUMBER, OPEN, PREFIX, PUNCT, SHORT_BODY, LONG_BODY, VAR, WHITE,
                                         WORD)

#: A token: its kind (``comment``, ``iri``, ``lt``, ``string``, ``var``, ``bnode``, ``langtag``, ``number``,
#: ``pname``, ``word``, ``open``, ``close``, ``punct``, ``end``), where it starts and where it ends.
Token = tuple[str, int, int]
_UNREAD = object()


class Lexer:
    """The tokens of one text, each read at most once, from any position."""

    def __init__(self, text: str):
        self.text, self.size = text, len(text)
        self.work = 0
        self._tokens: dict[int, Token | None] = {}
        self._run = (0, 0)  # the last prefix read with no colon after it: a name starting inside ends there too
        self._local_ends: dict[int, int] = {}  # after a colon: where the local part from there ends
        self._short_ends: dict[int, int] = {}  # the same for pyoxigraph's shorter local part
        self._indexes: dict[str, list[int]] = {}

    def token(self, pos: int) -> Token | None:
        """The token at ``pos`` (after white space), or None where no token starts; read once, then kept."""
        found = self._tokens.get(pos, _UNREAD)
        if found is _UNREAD:
            found = self._tokens[pos] = self.read(pos)
        return found

    def read(self, pos: int) -> Token | None:
        """The token at ``pos``, read now (the first reading asks for each position once: nothing kept)."""
        text = self.text
        m = FAST.match(text, pos)
        if m is not None:
            kind = m.lastgroup
            self.work += m.end() - pos
            return kind, m.start(kind), m.end()
        start = WHITE.match(text, pos).end()
        self.work += start - pos + 1
        if start >= self.size:
            return "end", self.size, self.size
        return _READERS.get(text[start], Lexer._name)(self, start)

    def index(self, name: str, pattern: str) -> list[int]:
        """Where ``pattern`` matches in the text, in order: built once per ``name``, with a read of the text."""
        found = self._indexes.get(name)
        if found is None:
            found = self._indexes[name] = [m.start() for m in re.finditer(pattern, self.text)]
            self.work += self.size
        return found

    def next_in(self, name: str, pattern: str, pos: int) -> int | None:
        """The first position at or after ``pos`` where ``pattern`` matches (see :meth:`index`)."""
        found = self.index(name, pattern)
        i = bisect.bisect_left(found, pos)
        return found[i] if i < len(found) else None

    def line_end(self, pos: int) -> int:
        """Where the line holding ``pos`` ends (the text's end if it is the last line)."""
        end = self.next_in("line ends", "[\\r\\n]", pos)
        return self.size if end is None else end

    def short_local_end(self, colon: int) -> int:
        """Where pyoxigraph's local part after the ``:`` at ``colon`` ends: one run of dots at most
        (``ex:a.b.c`` is ``ex:a.b`` and ``.c`` there)."""
        known = self._short_ends.get(colon + 1)
        if known is None:
            m = LOCAL_OXIGRAPH.match(self.text, colon + 1)
            if m is None:
                return colon + 1
            known = m.end()
            self.work += known - colon
            self._remember(self._short_ends, colon, m.start("tail") if m.start("tail") >= 0 else known, known)
        return known

    def _remember(self, memo: dict[int, int], colon: int, until: int, end: int) -> None:
        """Keep ``end`` for the local part after the ``:`` at ``colon`` and after every later ``:`` before
        ``until``: a local part read from there ends where this one does (a name after many colons,
        ``ex:service:service:…``, is then read once, not once per colon)."""
        text = self.text
        memo[colon + 1] = end
        inner = text.find(":", colon + 1, until)
        while inner >= 0:
            if LOCAL_START.match(text, inner + 1):
                memo[inner + 1] = end
            inner = text.find(":", inner + 1, until)

    # The readers, by the token's first character.

    def _comment(self, start: int) -> Token:
        return "comment", start, self.line_end(start)

    def _angle(self, start: int) -> Token:
        text = self.text
        end = IRI_BODY.match(text, start + 1).end()
        self.work += end - start
        if end < self.size and text[end] == ">":
            return "iri", start, end + 1
        return "lt", start, start + 2 if text.startswith("=", start + 1) else start + 1

    def _string(self, start: int) -> Token | None:
        text, quote = self.text, self.text[start]
        if text.startswith(quote * 3, start):
            end = LONG_BODY[quote].match(text, start + 3).end()
            self.work += end - start
            if text.startswith(quote * 3, end):
                return "string", start, end + 3
        end = SHORT_BODY[quote].match(text, start + 1).end()
        self.work += end - start
        if end < self.size and text[end] == quote:
            return "string", start, end + 1
        return None

    def _variable(self, start: int) -> Token | None:
        m = VAR.match(self.text, start)
        if m:
            self.work += m.end() - start
            return "var", start, m.end()
        return ("punct", start, start + 1) if self.text[start] == "?" else None

    def _pattern(self, start: int, kind: str, pattern: re.Pattern) -> Token | None:
        m = pattern.match(self.text, start)
        if m is None:
            return None
        self.work += m.end() - start
        return kind, start, m.end()

    def _dot(self, start: int) -> Token:
        return self._pattern(start, "number", NUMBER) or ("punct", start, start + 1)

    def _name(self, start: int) -> Token | None:
        """A prefixed name (if a colon follows the longest prefix from here) or a word."""
        text = self.text
        if not NAME_START.match(text, start):
            return None
        run_start, end = self._run
        if not run_start <= start < end:
            end = PREFIX.match(text, start).end()
            self.work += end - start
        if end < self.size and text[end] == ":":
            return self._prefixed(start, end)
        self._run = (start, end)
        return self._pattern(start, "word", WORD)

    def _prefixed(self, start: int, colon: int) -> Token:
        """The prefixed name whose ``:`` is at ``colon``, with its local part if any."""
        end = colon + 1
        if LOCAL_START.match(self.text, end):
            known = self._local_ends.get(end)
            if known is None:
                known = LOCAL.match(self.text, end).end()
                self.work += known - colon
                self._remember(self._local_ends, colon, known, known)
            end = known
        return "pname", start, end

    def _punct(self, start: int) -> Token | None:
        for spelling in PUNCT[self.text[start]]:
            if self.text.startswith(spelling, start):
                return "punct", start, start + len(spelling)
        return None


_READERS = {
    "#": Lexer._comment, "<": Lexer._angle, "'": Lexer._string, '"': Lexer._string,
    "?": Lexer._variable, "$": Lexer._variable, ".": Lexer._dot, ":": lambda lexer, start: lexer._prefixed(start, start),
    "_": lambda lexer, start: lexer._pattern(start, "bnode", BNODE),
    "@": lambda lexer, start: lexer._pattern(start, "langtag", LANGTAG),
    **{c: lambda lexer, start: ("open", start, start + 1) for c in OPEN},
    **{c: lambda lexer, start: ("close", start, start + 1) for c in CLOSE},
    **{c: lambda lexer, start: lexer._pattern(start, "number", NUMBER) for c in "0123456789"},
    **{c: Lexer._punct for c in PUNCT if c not in ".?"},
}
