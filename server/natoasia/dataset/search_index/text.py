"""A reader's search text as FTS5 queries, and the word-level helpers the index and its reader share.

The text is split into words (letters and digits); words joined by punctuation ("9/11", "Asia-Pacific") stay
together as a phrase. A word matches every word with the same Porter stem ("troops" finds "troop"); a word
that is not a whole word of the index matches as a beginning ("singap" finds Singapore) when its stem has four
or more letters (the index decides, see :class:`~natoasia.dataset.search_index.read.SearchIndex`): "police"
must not find "policy", nor "ties" ("ti") "time". Common English words are left out when other words remain.
Nothing the reader types is ever read as FTS5 syntax: each word is quoted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
#: A word whose stem has at least this many letters may match as the beginning of longer words.
MIN_PREFIX_STEM = 4
#: The index's tokenizer: Porter stems over Unicode words without diacritics.
TOKENIZER = "porter unicode61 remove_diacritics 2"
WORD = re.compile(r"[^\W_]+")
#: Words too common to search for when others are given (they would match most of the index).
STOP_WORDS = frozenset("""a about after an and are as at be been by can could did do does for from had has have how
in into is it its of on or that the their there these they this those to was were what when where which who why will
with would""".split())


class SearchError(ValueError):
    """A search request that cannot be answered as asked (HTTP 400)."""


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """A word as the index's tokenizer compares it: without diacritics, case-folded."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` as written (letters and digits; everything else separates them)."""
    return WORD.findall(text)


@dataclass(frozen=True)
class Query:
    """A reader's search text, read: its phrases (each a tuple of words) and the common words left out."""

    text: str
    phrases: tuple[tuple[str, ...], ...]
    dropped: tuple[str, ...]
    prefix: Callable[[str], bool] = field(default=lambda word: long_enough(fold(word), word), compare=False,
                                          repr=False)
    missing: tuple[str, ...] = ()  # phrases left out because nothing has them

    @classmethod
    def read(cls, text: str, prefix: Callable[[str], bool] | None = None) -> "Query":
        """Read ``text``, with ``prefix`` telling which words match as beginnings of longer words; raises
        :class:`SearchError` for text too long, without words, or with too many."""
        if len(text) > MAX_QUERY_CHARS:
            raise SearchError(f"the search text is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
        chunks = [tuple(words(chunk)) for chunk in text.split()]
        chunks = [chunk for chunk in chunks if chunk]
        count = sum(len(chunk) for chunk in chunks)
        if not count:
            raise SearchError("the search text has no letters or digits to look for")
        if count > MAX_TERMS:
            raise SearchError(f"the search text has {count} words; at most {MAX_TERMS} are looked for")
        kept = [chunk for chunk in chunks if len(chunk) > 1 or fold(chunk[0]) not in STOP_WORDS]
        if not kept:  # only common words: look for them after all
            kept = chunks
        dropped = tuple(chunk[0] for chunk in chunks if chunk not in kept)
        distinct = tuple(dict.fromkeys(kept, None))  # a word said twice is looked for once
        return cls(text, distinct, dropped, *([prefix] if prefix else []))

    def replaced(self, corrections: dict[str, str]) -> "Query":
        """The same query with some words (folded) replaced by others."""
        phrases = tuple(tuple(corrections.get(fold(w), w) for w in phrase) for phrase in self.phrases)
        return Query(" ".join(" ".join(phrase) for phrase in phrases), phrases, self.dropped, self.prefix, self.missing)

    def without(self, unmatched: set[tuple[str, ...]]) -> "Query":
        """The same query without some of its phrases (those nothing has), which it remembers as missing."""
        phrases = tuple(p for p in self.phrases if p not in unmatched)
        return Query(" ".join(" ".join(phrase) for phrase in phrases), phrases, self.dropped, self.prefix,
                     self.missing + tuple(" ".join(p) for p in self.phrases if p in unmatched))

    @property
    def shown(self) -> str:
        """The words searched for, as the reader would write them."""
        return " ".join("-".join(phrase) if len(phrase) > 1 else phrase[0] for phrase in self.phrases)

    def phrase(self, phrase: tuple[str, ...]) -> str:
        """One phrase as FTS5 syntax: each word quoted, and a prefix where it is to match as a beginning."""
        return " + ".join(f'"{word}"' + ("*" if self.prefix(word) else "") for word in phrase)

    def phrase_queries(self) -> list[str]:
        return [self.phrase(phrase) for phrase in self.phrases]

    def all_words(self) -> str:
        """The FTS5 query matching rows that have every phrase."""
        return " AND ".join(self.phrase_queries())

    def any_word(self) -> str:
        """The FTS5 query matching rows that have at least one phrase."""
        return " OR ".join(self.phrase_queries())


def long_enough(stem: str, word: str) -> bool:
    """Whether a word may match as a beginning: its stem is long enough and it is not a number."""
    return len(stem) >= MIN_PREFIX_STEM and not word.isdigit()


def edit_distance(a: str, b: str, bound: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b`` (a transposition counts one), or ``bound + 1``
    as soon as it must exceed ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        before, row = row, current
    return row[-1]


def allowed_distance(word: str) -> int:
    """How many edits a near miss of ``word`` may be away (as Elasticsearch's AUTO fuzziness): 1 for four or
    five letters, 2 from six."""
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def trigrams(word: str) -> list[str]:
    """The trigrams of a folded word, with its start and end marked (``^pi``, ``pir``, …, ``cy$``)."""
    padded = f"^{word}$"
    return sorted({padded[i:i + 3] for i in range(len(padded) - 2)})
