"""Search finds what a reader means (issue 18): recall@10 and MRR of ``/search`` on the reader queries of
``tests/search_queries.tsv``, written from the article's words, each with the resources a reader expects among
the first results.

Run ``.venv/bin/python -m pytest tests/test_search_recall.py -s`` to see the figures query by query.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from natoasia import ID_NS

QUERIES = Path(__file__).with_name("search_queries.tsv")
#: How many results count as the first page a reader looks at.
FIRST = 10
#: The floors this search reaches (measured: see the README's search paragraph and bench/README.md).
RECALL_FLOOR = 0.9
MRR_FLOOR = 0.75


def reader_queries() -> list[tuple[str, list[str]]]:
    """(query, expected IRIs) for every line of the file that is neither a comment nor the header."""
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("query\t"):
            continue
        query, expected, _where = line.split("\t")
        rows.append((query, [ID_NS + path for path in expected.split()]))
    return rows


def first_results(client, query: str) -> list[str]:
    """The IRIs of the first :data:`FIRST` results ``/search`` gives a reader for ``query``, in order."""
    response = client.get("/search?" + urlencode({"q": query, "format": "json", "limit": FIRST}))
    assert response.status_code == 200, (query, response.get_data(as_text=True))
    return [result["iri"] for result in response.json["results"]][:FIRST]


def measure(client) -> tuple[float, float, list[tuple[str, float, int | None, list[str]]]]:
    """Mean recall@10, mean reciprocal rank, and per query (query, recall, rank of the first hit, missed IRIs)."""
    rows = []
    for query, expected in reader_queries():
        found = first_results(client, query)
        recall = sum(iri in found for iri in expected) / len(expected)
        ranks = [found.index(iri) + 1 for iri in expected if iri in found]
        rows.append((query, recall, min(ranks, default=None), [iri for iri in expected if iri not in found]))
    recall = sum(r[1] for r in rows) / len(rows)
    mrr = sum(1 / r[2] for r in rows if r[2]) / len(rows)
    return recall, mrr, rows


def test_the_reader_queries_are_enough_and_name_resources_the_graph_has(store):
    queries = reader_queries()
    assert len(queries) >= 40
    assert len({q for q, _ in queries}) == len(queries), "a query is listed twice"
    known = {row["s"].value for row in store.query(
        "SELECT DISTINCT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
        use_default_graph_as_union=True)}
    missing = sorted({iri for _, expected in queries for iri in expected} - known)
    assert missing == [], f"tests/search_queries.tsv names resources the graph no longer has: {missing}"


def test_search_finds_what_readers_expect_among_the_first_ten_results(client):
    recall, mrr, rows = measure(client)
    report = "\n".join(f"  {r:4.2f}  rank {rank or '-':>2}  {q}" + (f"  (missed {', '.join(m.removeprefix(ID_NS) for m in missed)})"
                                                                     if missed else "")
                       for q, r, rank, missed in rows)
    print(f"\nrecall@{FIRST} {recall:.3f}, MRR {mrr:.3f} over {len(rows)} reader queries\n{report}")
    assert recall >= RECALL_FLOOR and mrr >= MRR_FLOOR, (
        f"recall@{FIRST} {recall:.3f} (floor {RECALL_FLOOR}), MRR {mrr:.3f} (floor {MRR_FLOOR})\n{report}")


@pytest.mark.parametrize("query, iri", [("pirate", "concept/threat/maritime-piracy"),
                                        ("Afganistan", "country/afghanistan"),
                                        ("Singapur", "country/singapore")])
def test_a_misspelt_search_still_finds_what_was_meant(client, query, iri):
    assert ID_NS + iri in first_results(client, query)
