"""How much of the article is held as structure, per range of sentences.

Usage: python tools/argument_coverage.py

For each range: the sentences, the fact nodes and events citing them, the author's assessments and
the attributed positions (with and without content nodes), the content nodes, and the argument
links (reasons, purposes, conditions, exceptions, limits, causes, consequences, evidence, conflicts,
answers) whose subject cites a sentence of the range. It counts nodes, not statements: the
statement-by-statement walk through the article is done by reading, and this table is its check
that nothing said is held only as text (an assessment or position without content would show).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from natoasia.dataset.build import ensure_built  # noqa: E402
from natoasia.stores.embedded import open_store, run_query  # noqa: E402

RANGES = [(1, 47, "s001-s047: introduction, Cold War, post-Cold War, early Asia, 9/11"),
          (48, 88, "s048-s088: contributions, involvement, Contact Countries, Pakistan, India, Korea, Singapore, China"),
          (89, 100, "s089-s100: the network, its problems, decision-making proposals"),
          (101, 129, "s101-s129: the nascent relationship and its future")]
PREFIXES = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
LINKS = ("hasReason", "hasPurpose", "hasCondition", "hasException", "hasLimit", "causedBy", "hasConsequence",
         "supports", "conflictsWith", "answers")


def count(store, pattern: str, low: int, high: int) -> int:
    query = PREFIXES + f"""SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{
      {pattern}
      ?node prov:wasDerivedFrom ?sentence .
      BIND (xsd:integer(SUBSTR(STRAFTER(STR(?sentence), "/sentence/s"), 1)) AS ?number)
      FILTER (?number >= {low} && ?number <= {high})
    }}"""
    return int(next(iter(run_query(store, "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query)))["n"].value)


def main() -> int:
    store = open_store(ensure_built(ROOT / "build" / "dataset"))
    links = " ".join(f"nat:{name}" for name in LINKS)
    columns = {
        "facts and events": "{ ?node a/rdfs:subClassOf* nat:Fact } UNION { ?node a/rdfs:subClassOf* nat:Event } "
                            "FILTER NOT EXISTS { ?node a nat:Statement }",
        "assessments": "?node a/rdfs:subClassOf* nat:Assessment .",
        "assessments with content": "?node a/rdfs:subClassOf* nat:Assessment ; nat:hasContent ?c .",
        "positions": "?node a nat:Statement .",
        "positions with content": "?node a nat:Statement ; nat:hasContent ?c .",
        "content nodes": "?node a nat:Content .",
        "nodes with argument links": f"VALUES ?link {{ {links} }} ?node ?link ?target .",
    }
    print("| range | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for low, high, name in RANGES:
        cells = [str(count(store, pattern, low, high)) for pattern in columns.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
