"""The full-text index of labels, alternative labels and quoted sentences: an SQLite FTS5 file written by
``natoasia build`` (:func:`write_index`) and read by the site's search (:class:`SearchIndex`).

The index is written in memory from the sorted triples and copied out with ``VACUUM INTO``, so the same
sources give a byte-identical file. The HTTP process opens it once, read-only, when the app is created;
requests never open files.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from natoasia import ID_NS, ONTOLOGY_NS

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
PAGE_SIZE = 20
#: How many matches, in the order of their kinds, are ranked by BM25 (about 15 µs each); a search matching
#: more is too broad for finer ranking to matter.
WINDOW = 300
#: What each kind of hit is, in the order results are ranked.
TIERS = {"resource": 0, "term": 1, "fact": 2, "sentence": 3}

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
_LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
_CITES = "http://www.w3.org/ns/prov#wasDerivedFrom"
_SENTENCE = ONTOLOGY_NS + "Sentence"
#: Markers put around matches (the site escapes the text, then turns them into marks); control characters,
#: so they never occur in the data.
OPEN, CLOSE = "\x02", "\x03"

SCHEMA = """CREATE VIRTUAL TABLE search USING fts5(
  iri UNINDEXED, tier UNINDEXED, cites UNINDEXED, label, alt, body,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7 8 9 10'
)"""


class SearchError(ValueError):
    """A search request that cannot be answered as asked (HTTP 400)."""


def index_rows(triples: Iterable) -> list[tuple]:
    """One row per searchable resource: (iri, tier, cited sentence, label, alternative labels, sentence text).

    ``triples`` are pyoxigraph triples or quads; blank nodes and fragment IRIs under the instance
    namespace (quote selectors) are not searchable.
    """
    labels, alts, values, cites = defaultdict(set), defaultdict(set), {}, defaultdict(set)
    sentences = set()
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        subject = t.subject.value
        predicate = t.predicate.value
        if predicate in _LABELS:
            labels[subject].add(t.object.value)
        elif predicate == _ALT_LABEL:
            alts[subject].add(t.object.value)
        elif predicate == _RDF_VALUE:
            values[subject] = t.object.value
        elif predicate == _CITES:
            cites[subject].add(t.object.value)
        elif predicate == _RDF_TYPE and t.object.value == _SENTENCE:
            sentences.add(subject)
    rows = []
    for iri in sorted(set(labels) | set(alts)):
        if iri.startswith(ID_NS) and "#" not in iri:
            tier = "sentence" if iri in sentences else "fact" if iri in cites else "resource"
        elif iri.startswith(ONTOLOGY_NS):
            tier = "term"
        else:
            continue
        rows.append((iri, TIERS[tier], min(cites[iri], default=""), " · ".join(sorted(labels[iri])),
                     " · ".join(sorted(alts[iri])), values.get(iri, "") if tier == "sentence" else ""))
    return rows


def write_index(path: Path, triples: Iterable) -> int:
    """Write the search index of ``triples`` to ``path`` (byte-reproducible); return the number of rows."""
    rows = index_rows(triples)
    memory = sqlite3.connect(":memory:")
    try:
        memory.execute(SCHEMA)
        memory.executemany("INSERT INTO search (iri, tier, cites, label, alt, body) VALUES (?, ?, ?, ?, ?, ?)",
                           sorted(rows, key=lambda row: (row[1], row[0])))  # rowid order is rank order of kinds
        memory.execute("INSERT INTO search (search) VALUES ('optimize')")
        memory.commit()
        temporary = path.with_name(path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        memory.execute("VACUUM INTO ?", (str(temporary),))
    finally:
        memory.close()
    temporary.replace(path)
    return len(rows)


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word quoted and prefix-matched, all required.

    Raises :class:`SearchError` for text with no word or too many; FTS5 syntax in the text
    (``OR``, ``NEAR``, ``*``, ``"``, ``column:``) is only ever searched for as words.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"the search text is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    words = re.findall(r"[^\W_]+", text)
    if not words:
        raise SearchError("the search text has no letters or digits to look for")
    if len(words) > MAX_TERMS:
        raise SearchError(f"the search text has {len(words)} words; at most {MAX_TERMS} are looked for")
    return " ".join(f'"{word}"*' for word in words)


def _fold(word: str) -> str:
    """A word as the index's tokenizer compares it: without diacritics, case-folded."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


def _highlight(text: str, words: list[str]) -> str:
    """``text`` with the marker pair around every word that starts with one of the (folded) search ``words``."""
    return re.sub(r"[^\W_]+", lambda m: f"{OPEN}{m.group()}{CLOSE}" if _fold(m.group()).startswith(tuple(words))
                  else m.group(), text)


class SearchIndex:
    """A read-only connection to the index, opened once and shared by the request threads."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._db.execute("SELECT count(*) FROM search").fetchone()  # fails now, not on the first request

    def search(self, text: str, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[int, list[dict]]:
        """The number of hits and one page of them, best first: resources whose label matches, then ontology
        terms, facts and sentences; within each, by BM25 (the label weighs most).

        Rows are stored in the order of their kinds, so the first :data:`WINDOW` matches in row order are the
        best kinds'; only those are ranked (counting is cheap, BM25 is not), which keeps a search that
        matches most of a large index fast.
        """
        query = fts_query(text)
        if offset + limit > WINDOW:
            raise SearchError(f"only the first {WINDOW} results can be paged through; search for more words")
        with self._lock:
            total = self._db.execute("SELECT count(*) FROM search WHERE search MATCH ?", (query,)).fetchone()[0]
            edge = self._db.execute("SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid LIMIT 1 OFFSET ?",
                                    (query, WINDOW)).fetchone()
            rows = self._db.execute(
                "SELECT iri, tier, cites, label, alt, body FROM search WHERE search MATCH ? AND rowid < ?"
                " ORDER BY tier, bm25(search, 0, 0, 0, 10.0, 5.0, 1.0), rowid LIMIT ? OFFSET ?",
                (query, edge[0] if edge else 2**62, limit, offset)).fetchall()
        words = [_fold(w) for w in re.findall(r"[^\W_]+", text)]
        kinds = {v: k for k, v in TIERS.items()}
        return total, [{"iri": iri, "kind": kinds[tier], "cites": cites or None,
                        "label": _highlight(label, words), "alt": _highlight(alt, words),
                        "text": _highlight(body, words)} for iri, tier, cites, label, alt, body in rows]

    def close(self) -> None:
        self._db.close()
