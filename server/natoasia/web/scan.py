"""A lexical scan of SPARQL text, done before a query reaches the store.

It finds what must be refused or treated specially without evaluating anything: SERVICE
(federated queries would make the store fetch any URL), FROM / FROM NAMED (the query brings
its own dataset), update operations, and bracket nesting depth. It follows the SPARQL 1.1
grammar's lexical rules: codepoint escapes are decoded first, then strings, IRIs and comments
are skipped, so a keyword inside a literal or an IRI does not count and one spelt with
escapes does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<short>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[A-Za-z][\w\-.]*)?:[\w\-.%:\\]*)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>.)
""", re.X | re.S)
UPDATE_VERBS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass
class Scan:
    """What the lexical scan found."""

    keywords: list[str] = field(default_factory=list)
    max_depth: int = 0
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or an update verb

    @property
    def uses_service(self) -> bool:
        return "SERVICE" in self.keywords

    @property
    def has_dataset_clause(self) -> bool:
        return "FROM" in self.keywords

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_VERBS


def decode_escapes(text: str) -> str:
    """Replace SPARQL codepoint escapes (``\\u0053``, ``\\U00000053``) as the grammar does before parsing."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def scan(text: str) -> Scan:
    """Scan SPARQL text: bare keywords in order, maximum bracket depth, the query form."""
    result = Scan()
    depth = 0
    for match in _TOKEN.finditer(decode_escapes(text)):
        kind = match.lastgroup
        if kind == "name":
            word = match.group().upper()
            result.keywords.append(word)
            if result.form is None and (word in QUERY_FORMS or word in UPDATE_VERBS):
                result.form = word
        elif kind == "open":
            depth += 1
            result.max_depth = max(result.max_depth, depth)
        elif kind == "close":
            depth -= 1
    return result
