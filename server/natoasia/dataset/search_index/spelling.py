"""Near misses and stems: the nearest indexed word to a word that matches nothing ("Afganistan" →
"Afghanistan"), from the vocabulary's trigrams and an edit distance; and what a word becomes in the index."""

from __future__ import annotations

import sqlite3
from collections import Counter
from functools import lru_cache
from typing import Callable

from natoasia.dataset.search_index.text import (STOP_WORDS, TOKENIZER, Query, allowed_distance, edit_distance, fold,
                                                trigrams)

#: How many words sharing trigrams with a misspelt word are read per trigram, and compared with it: the work
#: of a correction is bounded whatever the size of the vocabulary.
GRAM_ROWS, CANDIDATES = 400, 60


class Speller:
    """Corrections from the index's ``vocabulary`` and ``trigrams`` tables (on the caller's connection and
    under its lock); ``has`` tells whether anything matches an FTS5 query."""

    def __init__(self, db: sqlite3.Connection, has: Callable[[str], bool]):
        self._db, self._has = db, has

    def corrections(self, query: Query) -> dict[str, str]:
        """Folded word → the nearest indexed word, for each word of the query that matches nothing."""
        corrections = {}
        for phrase in query.phrases:
            for word in phrase:
                folded = fold(word)
                if (allowed_distance(folded) == 0 or not folded.isalpha() or folded in STOP_WORDS
                        or self._has(query.phrase((word,)))):
                    continue
                nearest = self.nearest(folded)
                if nearest:
                    corrections[folded] = nearest
        return corrections

    def nearest(self, word: str) -> str | None:
        """The indexed word nearest to ``word`` within :func:`allowed_distance` edits: fewest edits, then the
        longest common beginning, then the most rows; in its usual spelling."""
        bound = allowed_distance(word)
        shared: Counter = Counter()
        for gram in trigrams(word):
            shared.update(w for (w,) in self._db.execute(
                "SELECT word FROM trigrams WHERE gram = ? AND length BETWEEN ? AND ? LIMIT ?",
                (gram, len(word) - bound, len(word) + bound, GRAM_ROWS)))
        best = None
        for candidate, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES]:
            distance = edit_distance(word, candidate, bound)
            if distance > bound:
                continue
            shown, rows = self._db.execute("SELECT shown, rows FROM vocabulary WHERE word = ?", (candidate,)).fetchone()
            common = next((i for i, (a, b) in enumerate(zip(word, candidate)) if a != b), min(len(word), len(candidate)))
            key = (distance, -common, -rows, candidate)
            if best is None or key < best[0]:
                best = (key, shown)
        return best[1] if best else None


class Stemmer:
    """What a word becomes in the index: the index's own tokenizer, run on an in-memory table (no file is
    opened, so it works after the process has given up file access)."""

    def __init__(self):
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE word USING fts5(text, tokenize = '{TOKENIZER}')")
        self._db.execute("CREATE VIRTUAL TABLE term USING fts5vocab(word, 'instance')")
        self._stem = lru_cache(maxsize=4096)(self._tokenize)

    def __call__(self, word: str) -> str:
        return self._stem(word)

    def _tokenize(self, word: str) -> str:
        self._db.execute("DELETE FROM word")
        self._db.execute("INSERT INTO word (text) VALUES (?)", (word,))
        return " ".join(term for (term,) in self._db.execute("SELECT term FROM term ORDER BY offset"))

    def close(self) -> None:
        self._db.close()
