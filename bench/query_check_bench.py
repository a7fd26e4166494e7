"""Query check benchmark: CPU time of :func:`natoasia.endpoint.querycheck.scan` on 100 kB queries.

Usage:  .venv/bin/python bench/query_check_bench.py [--repeat 5]

The target is well under 100 ms for a 100 kB query (the endpoint's largest). Typical large queries
(a VALUES block, thousands of triple patterns, comparisons) come first; then texts built to make
the check follow many readings (IRIs full of quotes or comments, less-than without an IRI end,
prefixed names that spell SERVICE over and over), which it follows within a bounded amount of
work or refuses as too ambiguous. Prints the best CPU time of ``--repeat`` runs and the verdict.
"""

from __future__ import annotations

import argparse
import time

from natoasia.endpoint.querycheck import scan

SIZE = 100_000


def queries() -> dict[str, str]:
    rows = " ".join(f'(<https://w3id.org/natoasia/id/country/c{i}> "label {i}"@en {i} ex:x{i})' for i in range(1350))
    return {
        "VALUES block": f"PREFIX ex: <http://x/> SELECT * WHERE {{ VALUES (?c ?l ?n ?x) {{ {rows} }} }}",
        "triple patterns": "SELECT * WHERE { " + " ".join(f"?s{i} <http://example.org/p{i}> ?o{i} ." for i in range(2400)) + " }",
        "rdf:type IRIs": "SELECT * WHERE { " + "\n".join(f"?s{i} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?t ."
                                                         for i in range(1600)) + " }",
        "comparisons": "SELECT * WHERE { ?s ?p ?o " + " ".join(f"FILTER(?o < {i} || ?o > <http://x/{i}>)" for i in range(2400)) + "}",
        "long string": 'SELECT * { ?s ?p "' + "a" * (SIZE - 30) + '" }',
        "IRIs with #, one line": "SELECT * WHERE { ?s ?p ?o " + "<#>" * (SIZE // 3 - 10) + "}",
        "IRIs with ', one line": "SELECT * WHERE { ?s ?p ?o " + "<'>" * (SIZE // 3 - 10) + "}",
        "less-than, no >": "SELECT * WHERE { FILTER(" + "?a < " * (SIZE // 5 - 10) + "1) }",
        "less-than, one > at the end": "ASK { FILTER(" + "1 <" * (SIZE // 3 - 10) + " 2) } #>",
        "ex:service:service:…": "SELECT * { ?s ?p ex:" + "service:" * (SIZE // 8 - 5) + " }",
        "\\u escapes in strings": "SELECT * { ?s ?p " + "'\\u0041'" * (SIZE // 8 - 5) + " }",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'query':32s} {'chars':>7s} {'best ms':>8s}  verdict")
    for name, text in queries().items():
        best = float("inf")
        for _ in range(args.repeat):
            started = time.process_time()
            result = scan(text)
            best = min(best, time.process_time() - started)
        verdict = ("refused: " + result.error.problem[:50]) if result.error else \
            ("SERVICE" if result.uses_service else "passes")
        print(f"{name:32s} {len(text):7d} {best * 1000:8.1f}  {verdict}")


if __name__ == "__main__":
    main()
