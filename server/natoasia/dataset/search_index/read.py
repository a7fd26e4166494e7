"""Reading the index: :class:`SearchIndex` answers a reader's text with results grouped by kind.

A search looks for every word first. When no resource has them all, it corrects the words that match nothing
("Afganistan" → "Afghanistan") and looks again; then it leaves out the words nothing has; then it looks for
any of the words. When only a few resources have every word, those come first and the results with some of
the words follow. Within a group, a resource named exactly as searched comes first, then those with more of
the words, then by BM25 (names weigh most). Groups are ordered by their best hit; the ontology's terms come
last.

Each group has its own FTS5 table, whose rows are stored most referred to first; a group's matches are counted
there, and only the first :data:`WINDOW` of them in row order are ranked: the ranking of one search is bounded
by the number of groups times the window, whatever the size of the index, and counting (and BM25's document
frequencies) reads each match once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from natoasia.dataset.search_index.rows import GROUP_KEYS
from natoasia.dataset.search_index.spelling import Speller, Stemmer
from natoasia.dataset.search_index.text import STOP_WORDS, Query, SearchError, fold, long_enough, words
from natoasia.dataset.search_index.write import COLUMNS, table

PAGE_SIZE = 20
#: How many answers a process keeps (each a few kilobytes).
CACHED = 256
#: How many of a group's hits a search shows before the reader asks for the group (more for the first group).
PER_GROUP, FIRST_GROUP = 3, 5
#: Fewer results than this with every word, and results with some of the words follow them.
FEW = 10
#: How many matches of one group, in row order (most referred to first), are ranked by BM25 (about 15 µs
#: each); a search matching more is too broad for finer ranking to matter. The results with only some of the
#: words, shown after those with every word, are ranked within a shorter window.
WINDOW, SOME_WINDOW = 100, 50
#: How many words of the sentences a fact or claim was taken from are shown around the matches.
SNIPPET_WORDS = 32
#: BM25 weights per column of :data:`~natoasia.dataset.search_index.write.COLUMNS`: names weigh most, then
#: other names, what the graph says about the resource, the text of the sentence (or of the sentences a fact
#: was taken from), and the names brought in from what it names.
WEIGHTS = {"label": 10.0, "alt": 6.0, "about": 2.0, "body": 1.5, "names": 1.0}
_BM25 = "bm25({table}, " + ", ".join(str(WEIGHTS.get(c, 0.0)) for c in COLUMNS) + ")"
#: Groups shown after all others whatever their score: the ontology's terms are for modellers.
LAST = ("terms", "other")
#: How much a group's best hit counts when groups are ordered: the sentences say again, in the article's
#: words, what the facts and claims found with them say.
GROUP_PRIOR = {"sentences": 0.6}
#: Markers put around matches (the site escapes the text, then turns them into marks); control characters,
#: so they never occur in the data.
OPEN, CLOSE = "\x02", "\x03"
_COLUMN = {c: n for n, c in enumerate(COLUMNS)}


@dataclass
class Hit:
    """One result: the resource, its group and type in words, and its text with the matches marked."""

    rowid: int
    group: str
    score: float
    matched: int  # how many of the words (phrases) searched for it has
    complete: bool  # it has every one
    iri: str = ""
    cls: str = ""
    type: str = ""
    cites: str = ""
    label: str = ""
    alt: str = ""
    text: str = ""
    snippet: str = ""
    about: str = ""
    exact: bool = False  # it is named exactly as searched

    def rank(self) -> tuple:
        """Where the hit stands in its group: named exactly as searched, then by how many of the words it has,
        then by BM25 (within the group's own table)."""
        return not self.exact, -self.matched, self.score

    def standing(self) -> tuple:
        """Where the hit stands among the best hits of other groups. BM25 scores of different tables do not
        compare (each counts its words' frequencies in its own table), so the share of each text that the
        matches make up, weighted as BM25 weighs the columns, takes their place."""
        share = sum(WEIGHTS[column] * _marked_share(text) for column, text in
                    (("label", self.label), ("alt", self.alt), ("about", self.about), ("body", self.text or self.snippet)))
        return not self.exact, -self.matched, -share * GROUP_PRIOR.get(self.group, 1.0)


@dataclass
class Group:
    """The hits of one group, best first, and how many resources of the group match."""

    key: str
    title: str
    count: int
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Answer:
    """What a search found: the query as read, the one searched for (corrected words), how the words matched
    (``all``: every result has every word; ``some``: the few that do are in ``groups``, those with some of
    the words in ``partial``; ``any``: none has them all; ``none``), the groups in the order they are shown,
    and the corrected text, if words were corrected."""

    query: Query
    searched: Query
    match: str
    groups: list[Group]
    partial: list[Group] = field(default_factory=list)
    suggestion: str | None = None

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups + self.partial)

    @property
    def hits(self) -> list[Hit]:
        return [hit for group in self.groups + self.partial for hit in group.hits]


class SearchIndex:
    """A read-only connection to the index, opened once and shared by the request threads."""

    def __init__(self, path: Path, cache: int = CACHED):
        self.path = path
        self._answers: OrderedDict = OrderedDict()  # the dataset never changes while served: answers are kept
        self._cache = cache
        self._lock = threading.Lock()
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        present = {key: title for key, title in self._db.execute("SELECT key, title FROM groups")}
        self.titles = {key: present[key] for key in GROUP_KEYS if key in present}
        self._stems = Stemmer()
        self._speller = Speller(self._db, self._has)
        self._whole = lru_cache(maxsize=4096)(lambda word: self._has(f'"{word}"'))

    def search(self, text: str, group: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> Answer:
        """The answer to ``text``: every group with its best :data:`PER_GROUP` hits (:data:`FIRST_GROUP` for the
        first), the groups ordered by their best hit; or, with ``group``, one page (``limit`` hits from
        ``offset``) of that group's hits, those with every word first. The last :data:`CACHED` answers are
        kept."""
        key = (text, group, limit if group else None, offset if group else None)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = self._search(text, group, limit, offset)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self._cache:
                self._answers.popitem(last=False)
        return answer

    def _search(self, text: str, group: str | None, limit: int, offset: int) -> Answer:
        if group is not None and group not in GROUP_KEYS:
            raise SearchError(f"group must be one of {', '.join(GROUP_KEYS)}, not {group!r}")
        if offset + limit > WINDOW:
            raise SearchError(f"only the first {WINDOW} results of a group can be paged through; "
                              "search for more words")
        with self._lock:
            query = Query.read(text, self._prefix)
            searched, match, sections, corrected = self._match(query)
            if group is not None:
                whole = dict(sections[0][0]) if match in ("all", "some") else {}
                some = sections[-1][0] if match in ("some", "any") else {}
                n = whole.get(group, 0) + some.get(group, 0)
                groups = [[Group(group, self.titles[group], n,
                                 self._page(searched, group, whole.get(group, 0), some.get(group, 0), limit, offset))]
                          if n else []]
            else:
                groups = [[Group(k, self.titles[k], counts[k], self._ranked(
                    searched, fts, k, counts[k], FIRST_GROUP, 0, SOME_WINDOW if (match, n) == ("some", 1) else WINDOW))
                           for k in self.titles if counts.get(k)] for n, (counts, fts) in enumerate(sections)]
            for section in groups:
                for g in section:
                    self._fill(searched, g)
        for n, section in enumerate(groups):
            for g in section:
                g.hits.sort(key=Hit.rank)
            if group is None:
                section.sort(key=lambda g: (g.key in LAST, g.hits[0].standing(), GROUP_KEYS.index(g.key)))
                for m, g in enumerate(section):
                    del g.hits[FIRST_GROUP if n == m == 0 else PER_GROUP:]
        return Answer(query, searched, match, groups[0] if groups else [], groups[1] if len(groups) > 1 else [],
                      searched.text if corrected else None)

    def _has(self, fts: str) -> bool:
        """Whether any resource matches ``fts``."""
        return any(self._db.execute(f"SELECT 1 FROM {table(key)} WHERE {table(key)} MATCH ? LIMIT 1",
                                    (fts,)).fetchone() for key in self.titles)

    def _prefix(self, word: str) -> bool:
        """Whether ``word`` matches as the beginning of longer words: only when it is not a whole word of the
        index ("police" must not find "policy"; "singap" finds Singapore) and its stem is long enough."""
        return long_enough(self._stems(word), word) and not self._whole(word)

    def _match(self, query: Query) -> tuple[Query, str, list[tuple[dict[str, int], str]], bool]:
        """How to search: the query searched (with misspelt words corrected, when that finds resources with every
        word; without the words nothing has), how its words match, the sections of the answer, each as its counts
        per group and its FTS5 query (every word; every word, then some of them; any of them; or nothing), and
        whether words were corrected."""
        complete, corrected = self._counts(query.all_words()), False
        if not complete:
            corrections = self._speller.corrections(query)
            if corrections:
                complete = self._counts(query.replaced(corrections).all_words())
                corrected = bool(complete)
                query = query.replaced(corrections) if corrected else query
        if not complete and len(query.phrases) > 1:  # leave out what nothing has ("Missing: …")
            unmatched = {p for p in query.phrases if not self._has(query.phrase(p))}
            if unmatched and len(unmatched) < len(set(query.phrases)):
                query = query.without(unmatched)
                complete = self._counts(query.all_words())
        if sum(complete.values()) >= FEW or (complete and (len(query.phrases) == 1 or self._named(query, complete))):
            return query, "all", [(complete, query.all_words())], corrected
        partial = self._counts(self._partial(query)) if len(query.phrases) > 1 else {}
        if complete:
            return query, "some", [(complete, query.all_words()), (partial, self._partial(query))], corrected
        if partial:
            return query, "any", [(partial, query.any_word())], corrected
        return query, "none", [], corrected

    def _named(self, query: Query, complete: dict[str, int]) -> bool:
        """Whether a resource with every word (there are fewer than :data:`FEW`) is named exactly as searched:
        then what has only some of the words is not what the reader is looking for."""
        wanted = _name_words(query.text)
        return any(_name_words(name) == wanted for key in complete
                   for label, alt in self._db.execute(f"SELECT label, alt FROM {table(key)} WHERE {table(key)} MATCH ?",
                                                      (query.all_words(),))
                   for name in [label, *alt.split(" · ")] if name)

    @staticmethod
    def _partial(searched: Query) -> str:
        """The FTS5 query of the rows with some but not all of the words."""
        return f"({searched.any_word()}) NOT ({searched.all_words()})"

    def _counts(self, fts: str) -> dict[str, int]:
        """How many rows of each group match ``fts`` (groups without a match left out)."""
        counts = {}
        for key in self.titles:
            n = self._db.execute(f"SELECT count(*) FROM {table(key)} WHERE {table(key)} MATCH ?", (fts,)).fetchone()[0]
            if n:
                counts[key] = n
        return counts

    def _page(self, searched: Query, key: str, complete: int, partial: int, limit: int, offset: int) -> list[Hit]:
        """One page of a group: its resources with every word, then those with some of them."""
        hits = []
        if offset < complete:
            hits = self._ranked(searched, searched.all_words(), key, complete, min(limit, complete - offset), offset)
        if partial and len(hits) < limit:
            hits += self._ranked(searched, self._partial(searched), key, partial, limit - len(hits),
                                 max(0, offset - complete))
        return hits

    def _ranked(self, searched: Query, fts: str, key: str, count: int, limit: int, offset: int,
                window: int = WINDOW) -> list[Hit]:
        """One page of a group's matches of ``fts``, best first, among the first ``window`` in row order: those
        with more of the words first, then by BM25."""
        name, last = table(key), 2**62
        if count > window:
            last = self._db.execute(f"SELECT rowid FROM {name} WHERE {name} MATCH ? ORDER BY rowid LIMIT 1 OFFSET ?",
                                    (fts, window)).fetchone()[0] - 1
        phrases = searched.phrase_queries()
        matched, parameters = str(len(phrases) if fts == searched.all_words() else 1), []
        if len(phrases) > 2 and fts != searched.all_words():  # how many of the words each row has (of two: one)
            matched = " + ".join([f"(rowid IN (SELECT rowid FROM {name} WHERE {name} MATCH ? AND rowid <= ?))"]
                                 * len(phrases))
            parameters = [value for phrase in phrases for value in (phrase, last)]
        rows = self._db.execute(
            f"SELECT rowid, {_BM25.format(table=name)} AS score, {matched} AS matched FROM {name} WHERE {name} MATCH ?"
            " AND rowid <= ? ORDER BY matched DESC, score, rowid LIMIT ? OFFSET ?",
            (*parameters, fts, last, limit, offset)).fetchall()
        return [Hit(rowid, key, score, n, fts == searched.all_words()) for rowid, score, n in rows]

    def _fill(self, searched: Query, group: Group) -> None:
        """Fill in a group's hits' columns, with the matches marked (FTS5's own highlighting, so that stems and
        prefixes are marked as they matched), and find those named exactly as searched."""
        if not group.hits:
            return
        name, by_rowid = table(group.key), {hit.rowid: hit for hit in group.hits}
        marks = ", ".join(f"highlight({name}, {_COLUMN[c]}, '{OPEN}', '{CLOSE}')" for c in ("label", "alt", "body"))
        snippets = ", ".join(f"snippet({name}, {_COLUMN[c]}, '{OPEN}', '{CLOSE}', '…', {n})"
                             for c, n in (("body", SNIPPET_WORDS), ("about", 12)))
        rows = self._db.execute(
            f"SELECT rowid, iri, cls, type, cites, {marks}, {snippets} FROM {name} WHERE {name} MATCH ?"
            f" AND rowid IN ({', '.join('?' * len(by_rowid))})", (searched.any_word(), *by_rowid)).fetchall()
        wanted = _name_words(searched.text)
        for rowid, iri, cls, type_, cites, label, alt, body, body_part, about in rows:
            hit = by_rowid[rowid]
            hit.iri, hit.cls, hit.type, hit.cites = iri, cls, type_, cites
            hit.label, hit.alt, hit.about = label, alt, about if OPEN in about else ""
            hit.text = body if group.key == "sentences" else ""  # a sentence's text, whole
            hit.snippet = body_part  # the part of a sentence, or of a fact's sentences, where the words match
            hit.exact = any(_name_words(name) == wanted for name in [label, *alt.split(" · ")] if name)

    def close(self) -> None:
        self._db.close()
        self._stems.close()


def _marked_share(text: str) -> float:
    """The share of the words of a highlighted text that are marked as matches."""
    every = len(words(text))
    return len(words("".join(part.split(CLOSE, 1)[0] for part in text.split(OPEN)[1:]))) / every if every else 0.0


def _name_words(text: str) -> tuple[str, ...]:
    """The words of a name or a search that tell it apart: folded, common words left out."""
    return tuple(w for w in (fold(w) for w in words(text)) if w not in STOP_WORDS)
