"""Writing the index: an SQLite file holding an FTS5 table of rows per group of results, the groups, and the
vocabulary of indexed words with their trigrams (for "did you mean").

The file is written in memory from the sorted rows and copied out with ``VACUUM INTO``, so the same sources
give a byte-identical file.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from natoasia.dataset.search_index.rows import GROUP_KEYS, GROUPS, Row, index_rows
from natoasia.dataset.search_index.text import TOKENIZER, fold, trigrams, words

#: One FTS5 table per group of results (``search_places``, ``search_facts`` …): each group's matches are counted,
#: and ranked by BM25 — whose document frequencies FTS5 counts over the whole table for every statement —,
#: within its own table, so the work of a search grows with its matches once, not once per group. Porter stems
#: over Unicode words without diacritics; prefix indexes for 1 to 10 characters, so that a prefix reads one
#: posting list instead of merging every token that starts with it.
TABLE = """CREATE VIRTUAL TABLE {table} USING fts5(
  iri UNINDEXED, cls UNINDEXED, type UNINDEXED, cites UNINDEXED, label, alt, about, body, names,
  tokenize = '{tokenizer}', prefix = '1 2 3 4 5 6 7 8 9 10'
)"""
SCHEMA = """CREATE TABLE groups (key TEXT PRIMARY KEY, title TEXT NOT NULL, rows INTEGER NOT NULL);
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, shown TEXT NOT NULL, rows INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE trigrams (gram TEXT, length INTEGER, word TEXT, PRIMARY KEY (gram, length, word)) WITHOUT ROWID;
"""
#: The columns of each group's table in order (the weights of the reader's BM25 follow it).
COLUMNS = ("iri", "cls", "type", "cites", "label", "alt", "about", "body", "names")


def table(group: str) -> str:
    """The FTS5 table of a group (one of :data:`~natoasia.dataset.search_index.rows.GROUP_KEYS`)."""
    assert group in GROUP_KEYS, group
    return f"search_{group}"


#: Shortest word the vocabulary keeps for "did you mean".
MIN_WORD = 3


def vocabulary(rows: list[Row]) -> dict[str, tuple[str, int]]:
    """Every word of the rows' own text (not numbers): folded word → (its most frequent spelling, names first;
    how many rows have it)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    rows_with: Counter = Counter()
    for row in rows:
        seen = set()
        for text, weight in ((row.label, 1000), (row.alt, 1000), (row.about, 1), (row.body, 1)):
            for word in words(text):
                folded = fold(word)
                if len(folded) >= MIN_WORD and folded.isalpha():
                    spellings[folded][word] += weight
                    seen.add(folded)
        rows_with.update(seen)
    return {w: (max(sorted(spellings[w]), key=lambda s: spellings[w][s]), rows_with[w]) for w in sorted(spellings)}


def write_index(path: Path, triples: Iterable) -> int:
    """Write the search index of ``triples`` to ``path`` (byte-reproducible); return the number of rows."""
    rows = index_rows(triples)
    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(SCHEMA)
        for group in GROUPS:
            members = [row for row in rows if row.group == group.key]
            if not members:
                continue
            memory.execute(TABLE.format(table=table(group.key), tokenizer=TOKENIZER))
            memory.executemany(
                f"INSERT INTO {table(group.key)} (rowid, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                [(n, row.iri, row.cls, row.type, row.cites, row.label, row.alt, row.about, row.body, row.names)
                 for n, row in enumerate(members, start=1)])  # rowid order: most referred to first
            memory.execute(f"INSERT INTO {table(group.key)} ({table(group.key)}) VALUES ('optimize')")
            memory.execute("INSERT INTO groups VALUES (?, ?, ?)", (group.key, group.title, len(members)))
        words_ = vocabulary(rows)
        memory.executemany("INSERT INTO vocabulary VALUES (?, ?, ?)", [(w, s, n) for w, (s, n) in words_.items()])
        memory.executemany("INSERT INTO trigrams VALUES (?, ?, ?)",
                           sorted((gram, len(w), w) for w in words_ for gram in trigrams(w)))
        memory.commit()
        temporary = path.with_name(path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        memory.execute("VACUUM INTO ?", (str(temporary),))
    finally:
        memory.close()
    temporary.replace(path)
    return len(rows)
