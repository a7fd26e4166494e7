"""The pieces of the SPARQL 1.1 grammar's terminals (section 19.8) as small regular expressions, each
linear in the text it reads, and the decoding of codepoint escapes.

Every pattern here is applied with ``match`` at a position the lexer chose, never with ``search``
over a text (a search retries at every later position, which made the old single-pattern lexer
quadratic), and it always succeeds or fails within what it reads: each repetition is possessive
(``*+``, ``++``: nothing is given back, so nothing is read twice), each alternative inside one
starts with a different character or reads at most ten characters before failing (an escape), and
each lookahead reads one unit. So a call reads the characters of the token it returns plus at most
a run of dots (or one escape) beyond it.

The terminals are a superset where parsers differ: ``\\u`` escapes inside strings and IRIs
(pyoxigraph and SPARQL 1.0), language tags with a base direction (``@ar--rtl``, SPARQL 1.2).
"""

from __future__ import annotations

import re

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_UCHAR = (r"\\u(?![dD][89a-fA-F])[0-9A-Fa-f]{4}"
          r"|\\U(?!0000[dD][89a-fA-F])(?:000[0-9A-Fa-f]|0010)[0-9A-Fa-f]{4}")
_ECHAR = r"""\\[tbnrf"'\\]"""

#: One character that may start a prefix (PN_CHARS_BASE), for the lexer's dispatch on non-ASCII text.
NAME_START = re.compile(f"[{_BASE}]")
WHITE = re.compile(r"[ \t\r\n]*+")
#: After ``<``: the characters of an IRI (``>`` must follow for an IRI; else ``<`` is less-than).
IRI_BODY = re.compile(f"(?:[^<>\"{{}}|^`\\\\\x00-\x20]++|{_UCHAR})*+")
#: After the opening quote(s): the body of a string, up to where it ends or cannot go on.
SHORT_BODY = {q: re.compile(f"(?:[^{q}\\\\\\n\\r]++|{_ECHAR}|{_UCHAR})*+") for q in "'\""}
LONG_BODY = {q: re.compile(f"(?:[^{q}\\\\]++|{_ECHAR}|{_UCHAR}|{q}{{1,2}}+(?!{q}))*+") for q in "'\""}
VAR = re.compile(f"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+")
BNODE = re.compile(f"_:[{_U}0-9](?:[{_CHARS}]++|\\.++(?=[{_CHARS}]))*+")
LANGTAG = re.compile("@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?+")
# The grammar's numbers, longest first; each alternative reads one run of digits at most twice.
NUMBER = re.compile(r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+"
                    r"|[0-9]+")
#: A prefix (PN_PREFIX) from its first character: dots inside, never at its end.
PREFIX = re.compile(f"[{_BASE}](?:[{_CHARS}]++|\\.++(?=[{_CHARS}]))*+")
#: A local part (PN_LOCAL) after the colon.
LOCAL = re.compile(f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]++|{_PLX}|\\.++(?=[{_CHARS}:]|{_PLX}))*+")
#: pyoxigraph's PN_LOCAL takes one run of dots at most: ``ex:a.b.c`` is ``ex:a.b`` and ``.c`` there.
LOCAL_OXIGRAPH = re.compile(f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]++|{_PLX})*+(?P<tail>\\.++(?:[{_CHARS}:]++|{_PLX})++)?+")
#: The first character (or escape) of a local part.
LOCAL_START = re.compile(f"[{_U}:0-9]|{_PLX}")
WORD = re.compile("[A-Za-z][A-Za-z0-9_]*+")
#: Punctuation of two characters, then of one (``<`` and ``<=`` are read with IRIs).
PUNCT = {"^": ("^^", "^"), "|": ("||", "|"), "&": ("&&",), "!": ("!=", "!"), ">": (">=", ">"),
         **{c: (c,) for c in ";,.*/=+-?~"}}
OPEN, CLOSE = "({[", ")}]"

#: The commonest tokens in one call, after white space: each alternative reads its token and at most one
#: character past it (a lookahead), or fails within a line (an unterminated string, which the careful
#: readers then refuse). A word or prefixed name is taken here only when nothing could make it longer (no
#: dot, colon, escape or other name character follows), and a prefix here holds no hyphen (or ``a-a-a-…``
#: would be read to its end from every ``a``); everything else is left to the careful readers.
_STRING1 = "|".join(f"{q}(?!{q}{q})(?:[^{q}\\\\\\n\\r]++|{_ECHAR}|{_UCHAR})*+{q}" for q in "'\"")
FAST = re.compile("[ \\t\\r\\n]*+(?:" + "|".join((
    f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+)",
    f"(?P<word>[A-Za-z][A-Za-z0-9_]*+(?![{_CHARS}.:]))",
    f"(?P<pname>[A-Za-z][A-Za-z0-9_]*+:(?:[A-Za-z0-9_][A-Za-z0-9_\\-]*+)?+(?![{_CHARS}.:%\\\\]))",
    "(?P<iri><[^<>\"{}|^`\\\\\x00-\x20]*+>)",
    f"(?P<string>{_STRING1})",
    f"(?P<number>{NUMBER.pattern})",
    r"(?P<open>[({\[])", r"(?P<close>[)}\]])",
    r"(?P<punct>\^\^|\|\||&&|!=|>=|[;,.*/|^!=>+\-?~])",
    r"(?P<langtag>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?+)")) + ")")

FOLD = str.maketrans("abcdefghijklmnopqrstuvwxyz\u0131\u017f", "ABCDEFGHIJKLMNOPQRSTUVWXYZIS")
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # section 19.2, as spargebra decodes them
# JavaCC's reading (Jena): several u's allowed, and a backslash after an odd run of backslashes escapes nothing.
JAVA_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*+)\\u++([0-9A-Fa-f]{4})")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    if java and _SURROGATE.search(decoded):
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded, anchors
