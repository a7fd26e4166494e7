"""The full-text index of the graph for readers: an SQLite FTS5 file written by ``natoasia build``
(:func:`write_index`) and read by the site's search (:class:`SearchIndex`).

``text`` reads a reader's words (stems, prefixes, phrases, common words, near misses); ``rows`` turns the
triples into one row per resource, grouped by kind; ``write`` writes the file, byte-reproducibly; ``read``
answers searches. The HTTP process opens the file once, read-only, when the app is created; requests never
open files.
"""

from natoasia.dataset.search_index.read import (CLOSE, OPEN, PAGE_SIZE, PER_GROUP, WINDOW, Answer, Group, Hit,
                                                SearchIndex)
from natoasia.dataset.search_index.rows import GROUP_KEYS, GROUPS, index_rows
from natoasia.dataset.search_index.text import MAX_QUERY_CHARS, MAX_TERMS, Query, SearchError
from natoasia.dataset.search_index.write import write_index

__all__ = ["CLOSE", "GROUPS", "GROUP_KEYS", "MAX_QUERY_CHARS", "MAX_TERMS", "OPEN", "PAGE_SIZE", "PER_GROUP",
           "WINDOW", "Answer", "Group", "Hit", "Query", "SearchError", "SearchIndex", "index_rows", "write_index"]
