"""The terminals of the SPARQL 1.1 grammar (section 19.8) as regular expressions, and codepoint escapes.

``TOKEN`` reads one token (after white space) and names its kind; ties are broken in the order of
``TERMINALS``, which gives the grammar's longest match. It is a superset where parsers differ:
``\\u`` escapes inside strings and IRIs (pyoxigraph and SPARQL 1.0), language tags with a base
direction (``@ar--rtl``, SPARQL 1.2).
"""

from __future__ import annotations

import re

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# Dots inside names but not at their end: runs of dots only where a name character follows.
_PREFIX = f"[{_BASE}](?:[{_CHARS}]++|\\.++(?=[{_CHARS}]))*+"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]++|{_PLX}|\\.++(?=[{_CHARS}:]|{_PLX}))*+"
# pyoxigraph's PN_LOCAL takes one run of dots at most: ``ex:a.b.c`` is ``ex:a.b`` and ``.c`` there.
LOCAL_OXIGRAPH = re.compile(f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]++|{_PLX})*+(?:\\.++(?:[{_CHARS}:]++|{_PLX})++)?")
_UCHAR = (r"\\u(?![dD][89a-fA-F])[0-9A-Fa-f]{4}"
          r"|\\U(?!0000[dD][89a-fA-F])(?:000[0-9A-Fa-f]|0010)[0-9A-Fa-f]{4}")
_ECHAR = r"""\\[tbnrf"'\\]"""
_IRI = "[^<>\"{}|^`\\\\\x00-\x20]"
TERMINALS = [  # in the order ties are broken, which gives the grammar's longest match
    ("comment", r"\#[^\r\n]*+"),
    ("iri", f"<(?:{_IRI}++|{_UCHAR})*+>"),
    ("lt", "<=?"),
    ("string", "|".join((
        f"'''(?:[^'\\\\]++|{_ECHAR}|{_UCHAR}|'{{1,2}}(?!'))*+'''",
        f'"""(?:[^"\\\\]++|{_ECHAR}|{_UCHAR}|"{{1,2}}(?!"))*+"""',
        f"'(?:[^'\\\\\\n\\r]++|{_ECHAR}|{_UCHAR})*+'",
        f'"(?:[^"\\\\\\n\\r]++|{_ECHAR}|{_UCHAR})*+"'))),
    ("var", f"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+"),
    ("bnode", f"_:[{_U}0-9](?:[{_CHARS}]++|\\.++(?=[{_CHARS}]))*+"),
    ("langtag", "@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("number", r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"),
    ("pname", f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("word", "[A-Za-z][A-Za-z0-9_]*+"),
    ("open", r"[({\[]"),
    ("close", r"[)}\]]"),
    ("punct", r"\^\^|\|\||&&|!=|>=|[;,.*/|^!=>+\-?~]"),
    ("end", r"\Z"),
]
_ALTERNATIVES = "|".join(f"(?P<{name}>{pattern})" for name, pattern in TERMINALS)
TOKEN = re.compile(f"[ \\t\\r\\n]*+(?:{_ALTERNATIVES})")
ALT_TOKEN = re.compile(TOKEN.pattern.replace(r"\#[^\r\n]*+", r"\#", 1))  # there comment ends are bisected
# The first reading takes in one match the run of tokens that need no attention and the next one that does.
_DULL = ("comment", "iri", "string", "var", "bnode", "langtag", "number", "punct")
_PLAIN_IRI = f"<(?:{_IRI[:-1]}'#(\\[]++|{_UCHAR})*+>"
_SKIP = "|".join(_PLAIN_IRI if name == "iri" else pattern for name, pattern in TERMINALS if name in _DULL)
RUN = re.compile(f"(?P<skip>(?:[ \\t\\r\\n]++|{_SKIP})*+)(?:{_ALTERNATIVES})")
RUN_KINDS = ("", "skip") + tuple(name for name, _ in TERMINALS)
FOLD = str.maketrans("abcdefghijklmnopqrstuvwxyz\u0131\u017f", "ABCDEFGHIJKLMNOPQRSTUVWXYZIS")
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # section 19.2, as spargebra decodes them
# JavaCC's reading (Jena): several u's allowed, and a backslash after an odd run of backslashes escapes nothing.
JAVA_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9A-Fa-f]{4})")


def decode_escapes(text: str) -> str:
    """Replace SPARQL codepoint escapes (``\\u0053``, ``\\U00000053``) as the grammar does before parsing."""
    return decode(text, ESCAPE)[0]


def decode(text: str, pattern: re.Pattern) -> tuple[str, list[tuple[int, int]]]:
    """Decode escapes; also return anchors (position in the result, position in ``text``) for errors."""
    java = pattern is JAVA_ESCAPE
    anchors, parts, last, shift = [(0, 0)], [], 0, 0
    for m in pattern.finditer(text):
        lead = m.group(1) if java else ""
        code = int(m.group(2) if java else m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or (0xD800 <= code <= 0xDFFF and not java):
            continue  # left as written, as pyoxigraph does; Java pairs surrogates below
        parts.append(text[last:m.start()] + lead + chr(code))
        shift += m.end() - m.start() - len(lead) - 1
        anchors.append((m.end() - shift, m.end()))
        last = m.end()
    decoded = "".join(parts) + text[last:]
    if java and any("\ud800" <= c <= "\udfff" for c in decoded):
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded, anchors
