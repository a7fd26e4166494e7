"""Where terms are written in a Turtle file, so that a finding can name the line to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from natoasia import BASE

_TOKEN = re.compile(r'''
    (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<number>[+-]?(?:\d+\.\d*[eE][+-]?\d+|(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?))
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<word>@?[^\W\d][\w-]*)
  | (?P<punct>\S)
    ''', re.X)


@dataclass(frozen=True)
class Lines:
    """Where IRIs are written in one Turtle file: the line each first starts a subject block, is first written."""

    subjects: dict[str, int]
    uses: dict[str, int]


def turtle_lines(text: str, base: str = BASE) -> Lines:
    """Scan Turtle ``text`` for the line of each IRI's first subject block and of its first mention.

    A light tokenizer (strings, comments, IRIs, prefixed names, brackets, statement ends) that keeps
    the prefix table as it goes, so ``<…>`` and prefixed forms both resolve to full IRIs. The text is
    assumed to parse (rdflib has read it already).
    """
    prefixes: dict[str, str] = {}
    subjects: dict[str, int] = {}
    uses: dict[str, int] = {}
    line, last, depth, at_start, directive = 1, 0, 0, True, []
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        line += text.count("\n", last, match.start())
        last = match.start()
        if kind == "comment":
            continue
        if directive:
            directive.append(token)
            if kind == "iri":
                keyword = directive[0].lower()
                if keyword.endswith("prefix") and len(directive) == 3:
                    prefixes[directive[1][:-1]] = _resolve(base, token[1:-1])
                elif keyword.endswith("base"):
                    base = _resolve(base, token[1:-1])
                directive, at_start = [], not keyword.startswith("@")  # SPARQL-style PREFIX has no "."
            continue
        if kind == "word" and at_start and token.lower() in ("@prefix", "prefix", "@base", "base"):
            directive = [token]
            continue
        iri = None
        if kind == "iri":
            iri = _resolve(base, token[1:-1])
        elif kind == "pname":
            prefix, local = token.split(":", 1)
            if prefix in prefixes:
                iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        if iri is not None:
            uses.setdefault(iri, line)
            if at_start and depth == 0:
                subjects.setdefault(iri, line)
        if kind == "punct":
            depth += (token in "[(") - (token in "])")
            at_start = token == "." and depth == 0
        else:
            at_start = False
        line += token.count("\n")
        last = match.end()
    return Lines(subjects, uses)


def _resolve(base: str, reference: str) -> str:
    """An IRI reference made absolute (``urljoin`` alone would drop an empty ``#`` fragment)."""
    return reference if re.match(r"[A-Za-z][\w+.-]*:", reference) else urljoin(base, reference)
