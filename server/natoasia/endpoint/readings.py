"""The other readings a parser may give a SPARQL text, followed from where they depart from the grammar's own.

The query check (:mod:`natoasia.endpoint.querycheck`) reads a text the grammar's way, token by token,
and at each token a parser may read otherwise it queues a *fork*: where that other reading goes on,
and in which state of the SERVICE pattern. :meth:`Readings.follow` then follows each fork token by
token until it meets a position already read in the same state (from there on it reads as that reading
did) and reports whether any reading spells SERVICE, optional SILENT, a variable or IRI, then ``{``.

The forks (:meth:`Readings.fork`):

- an IRI read as ``<`` (less-than): only a quote, a comment or SERVICE inside the IRI can matter, so
  the reading goes on from the first of them (a comment: from the end of its line);
- ``<`` read as an IRI up to the next ``>`` (pyoxigraph accepts any character there, then backtracks
  if the IRI is invalid);
- a prefixed name read as the bare ``ex:``, or with pyoxigraph's shorter local part (one run of dots).

Bounded: a reading stops at a (position, state) already visited, so with five states there are at most
five steps per character, and the lexer reads each token once whichever reading asks. The total is
also capped (:data:`WORK_PER_CHARACTER`): past it :class:`TooManyReadings` is raised rather than
following on. The readings that pyoxigraph itself may take (an IRI's ``<`` read as less-than after an
operand) are measured for their nesting too (see :mod:`natoasia.endpoint.nesting`).
"""

from __future__ import annotations

import bisect
import re

from natoasia.endpoint.lexer import Lexer, Token
from natoasia.endpoint.nesting import BRACKETS, Meter, inside_iri

IDLE, AFTER_SERVICE, AFTER_SILENT, AFTER_TARGET, FOUND = range(5)
#: Work (characters the lexer reads, steps of readings) allowed per character of the text, plus
#: :data:`WORK_FLOOR`; the attack shapes of issue 17 take at most 5 (``tests/test_query_check_linear.py``).
WORK_PER_CHARACTER, WORK_FLOOR = 12, 4096
_TARGETS = ("var", "iri", "pname")
_FORKING = ("iri", "lt", "pname")


class _Unmeasured:
    """The meter of a reading pyoxigraph never takes: its nesting does not matter."""

    @staticmethod
    def after_operand() -> bool:
        return False

    @staticmethod
    def token(kind: str, start: int, end: int) -> None:
        pass


_UNMEASURED = _Unmeasured()


class TooManyReadings(Exception):
    """The text can be read in more ways than the work bound allows; ``pos`` is where the reading was."""

    def __init__(self, pos: int):
        super().__init__(pos)
        self.pos = pos


class Readings:
    """The other readings of one text, queued while the first reading goes on, then followed."""

    def __init__(self, text: str, folded: str, lexer: Lexer, meter: Meter, starts: bytearray):
        self.text, self.folded, self.lexer, self.meter, self.starts = text, folded, lexer, meter, starts
        self.services = [m.start() for m in re.finditer("SERVICE", folded)]
        self.forks: list[tuple[int, int, int]] = []  # (position, state, the IRI whose `<` it reads as less-than, or -1)
        self.closes: list[int] = []  # where the first reading closes a bracket
        self.skipped: list[tuple[int, int]] = []  # text of the first reading that another reading may skip
        self.budget = WORK_PER_CHARACTER * len(text) + WORK_FLOOR
        self.steps = 0

    def spells_service(self, start: int, end: int) -> bool:
        """Whether SERVICE (in any case) is spelt within ``text[start:end]``."""
        i = bisect.bisect_left(self.services, start)
        return i < len(self.services) and self.services[i] + 7 <= end

    def step(self, state: int, kind: str, start: int, end: int) -> int:
        """The SERVICE pattern as an automaton over significant tokens (``kind`` at ``text[start:end]``)."""
        if state == AFTER_TARGET and kind == "open" and self.text[start] == "{":
            return FOUND
        if state in (AFTER_SERVICE, AFTER_SILENT) and kind in _TARGETS:
            return AFTER_TARGET
        if state == AFTER_SERVICE and kind == "word" and self.folded.startswith("SILENT", start):
            return AFTER_SILENT
        if kind == "word" and self.spells_service(start, end):
            return AFTER_SERVICE
        if kind == "pname" and self.spells_service(start, self.text.index(":", start)):
            return AFTER_TARGET
        return IDLE

    def fork(self, token: Token, state: int, meter: Meter) -> None:
        """Queue the other readings of ``token``, to be followed from ``state``; ``meter`` has read what comes
        before it. A reading that takes an IRI's ``<`` as less-than, which pyoxigraph does after an operand
        in an expression, is measured for its nesting."""
        kind, start, end = token
        text = self.text
        if kind == "iri":
            cuts = [i for i in (text.find("'", start, end), text.find("#", start, end)) if i >= 0]
            i = bisect.bisect_left(self.services, start)
            if i < len(self.services) and self.services[i] + 7 <= end:  # from the start of the name spelling it
                cut = self.services[i]
                while cut > start + 1 and (text[cut - 1].isalnum() or text[cut - 1] in "_-.:"):
                    cut -= 1
                cuts.append(cut)
            cut, origin = min(cuts, default=end), start if meter.after_operand() else -1
            self.lexer.work += end - start
            if origin >= 0:
                self.meter.aside(inside_iri(text, start + 1, cut))
            if cut < end and text[cut] == "#":  # a comment up to the end of the line, then on from there
                self.forks.append((self.lexer.line_end(cut), IDLE, origin))
            elif cut < end:  # and the tokens before that point are all read the same way
                self.forks.append((cut, IDLE, origin))
        elif kind == "lt":  # pyoxigraph reads no IRI here: a character no IRI holds comes before the `>`
            gt = self.lexer.next_in("closers", ">", start)
            if gt is not None:
                self.forks.append((gt + 1, self.step(state, "iri", start, gt + 1), -1))
        elif kind == "pname":  # a local part holds no bracket: these readings nest no deeper
            colon = text.index(":", start)
            short = self.lexer.short_local_end(colon)
            if self.spells_service(colon + 1, end):
                self.forks.append((colon + 1, self.step(state, "pname", start, colon + 1), -1))
            if short < end and self.spells_service(short, end):
                self.forks.append((short, self.step(state, "pname", start, short), -1))

    def follow(self) -> bool:
        """Follow every queued reading until it meets one already read; whether one spells SERVICE.

        Raises :class:`TooManyReadings` past the work bound."""
        seen: set[tuple[int, int]] = set()
        starts, lexer = self.starts, self.lexer
        while self.forks:
            pos, state, origin = self.forks.pop()
            meter, continues = self.meter.other() if origin >= 0 else _UNMEASURED, True
            while (state != IDLE or not starts[pos]) and (pos, state) not in seen:
                seen.add((pos, state))
                self.steps += 1
                if self.steps + lexer.work > self.budget:
                    raise TooManyReadings(pos)
                token = lexer.token(pos)
                if token is None or token[0] == "end":
                    continues = False
                    break
                kind, start, end = token
                if kind in _FORKING:
                    self.fork(token, state, meter)
                meter.token(kind, start, end)
                if kind != "comment":
                    state = self.step(state, kind, start, end)
                if state == FOUND:
                    return True
                pos = end
            if origin >= 0:  # a reading pyoxigraph may take: how deep it nests, what it skips
                self.meter.aside(meter.segment(), continues)
                if continues:
                    self.skipped.append((origin, pos))
        self.meter.aside(self.skipped_closes())
        return False

    def skipped_closes(self) -> tuple[int, int, str]:
        """The brackets the first reading closes in text another reading may skip (a comment, a string):
        left open there, they deepen what follows. Counted once however many readings skip them."""
        count, reach = 0, -1
        for start, end in sorted(self.skipped):
            start = max(start, reach)
            if end > start:
                count += bisect.bisect_left(self.closes, end) - bisect.bisect_left(self.closes, start)
                reach = end
        carried = count * max(BRACKETS.values())
        return 0, carried, f"{count} brackets closed in text another reading takes as a comment or string"
