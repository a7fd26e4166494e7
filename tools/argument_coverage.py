"""The article's statements, each with the node that holds it, checked on the built dataset.

Usage: python tools/argument_coverage.py [--data DIR] [--rows]

``tests/statements.tsv`` lists every statement of the article, sentence by sentence (a sentence may hold
several): what kind it is (a fact, the author's claim, prediction, proposal, research question or plan for his
text, an actor's position, or an evidence link the article draws in words), the node that holds it, and the
property path from that node that holds what the statement says (``holds``), with the value it must reach
(``value``: a node, a number, or ``count=N`` for N distinct values). ``held`` says whether the statement is held
as structure or only as text (a label, definition or quote holds it). This script checks each row on the
built dataset and prints the count per part of the article: statements, held as structure, as text only,
missing (no such node, or it does not cite the sentence) and failing (held as structure in the list, but the
check fails). ``tests/test_statement_coverage.py`` runs the same checks as a test.

A row held as structure passes when its node exists, cites the sentence (``prov:wasDerivedFrom``, or
``nat:attestedBy`` for an entity), is of the row's kind, reaches through ``holds`` a node or a typed value (and
the row's ``value`` if given), and, for a claim, prediction, proposal, question, plan or position, has a
``nat:modality`` and a content node with at least one content property pointing at a node.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from natoasia.dataset.build import ensure_built  # noqa: E402
from natoasia.stores.embedded import open_store, run_query  # noqa: E402

STATEMENTS = ROOT / "tests" / "statements.tsv"
COLUMNS = ["sentence", "kind", "node", "holds", "value", "held", "statement"]
#: The class a node of each kind must have ("fact": any fact, event or entity; "evidence": the supported claim).
KINDS = {"fact": None, "evidence": None, "claim": "nat:Claim", "prediction": "nat:Prediction",
         "proposal": "nat:Proposal", "question": "nat:ResearchQuestion", "plan": "nat:ArticlePlan",
         "position": "nat:Statement"}
SAID = {"claim", "prediction", "proposal", "question", "plan", "position"}
RANGES = [(1, 11, "s001-s011 introduction and questions"), (12, 27, "s012-s027 after the Cold War"),
          (28, 47, "s028-s047 early Asia, 9/11, Afghanistan"), (48, 58, "s048-s058 contributions, involvement"),
          (59, 72, "s059-s072 deeper ties, Contact Countries"), (73, 88, "s073-s088 Pakistan to China"),
          (89, 100, "s089-s100 the network, its problems"), (101, 129, "s101-s129 nascent relationship, future")]


def sparql_prefixes() -> str:
    """The project's prefixes (tools/prefixes.ttl) as SPARQL PREFIX lines."""
    text = (ROOT / "tools" / "prefixes.ttl").read_text(encoding="utf-8")
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in re.findall(r"^@prefix\s+(\w*):\s+<([^>]+)>", text, re.M))


PREFIXES = sparql_prefixes()


@dataclass
class Row:
    """One statement of the article and the node that holds it."""

    sentence: str
    kind: str
    node: str
    holds: str
    value: str
    held: str
    statement: str


def load(path: Path = STATEMENTS) -> list[Row]:
    """The rows of the statement list (comment lines start with #)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    if reader.fieldnames != COLUMNS:
        raise ValueError(f"{path.name}: columns must be {COLUMNS}, not {reader.fieldnames}")
    return [Row(**{k: (v or "").strip() for k, v in record.items()}) for record in reader]


def ask(store, pattern: str) -> bool:
    return bool(run_query(store, PREFIXES + f"ASK {{ {pattern} }}"))


def problems(store, row: Row) -> list[str]:
    """What is wrong with ``row`` on ``store``: empty when the statement is held as the row says."""
    if row.kind not in KINDS:
        return [f"unknown kind {row.kind!r}"]
    if row.held not in ("structure", "text"):
        return [f"held must be structure or text, not {row.held!r}"]
    node, sentence = row.node, f"sent:{row.sentence}"
    if not ask(store, f"{node} a ?type"):
        return ["missing: the node is not in the graph"]
    if not ask(store, f"{node} prov:wasDerivedFrom|nat:attestedBy {sentence}"):
        return [f"missing: the node does not cite {row.sentence}"]
    found = []
    if KINDS[row.kind] and not ask(store, f"{node} a {KINDS[row.kind]}"):
        found.append(f"not a {KINDS[row.kind]}")
    if row.kind == "claim" and ask(store, f"{node} a nat:Prediction"):
        found.append("a prediction, not a claim")
    if row.kind == "fact" and ask(store, f"{node} a/rdfs:subClassOf* ?said . VALUES ?said {{ nat:Proposition nat:Content }}"):
        found.append("a claim, position or content node, not a fact")
    if row.held == "text":
        return found
    if row.kind in SAID:
        if not ask(store, f"{node} nat:modality ?modality . ?modality a nat:Modality"):
            found.append("no nat:modality")
        if not ask(store, f"{node} nat:hasContent ?content . ?content a nat:Content ; ?part ?target . "
                          f"?part rdfs:domain nat:Content . FILTER (isIRI(?target))"):
            found.append("no content node with a content property pointing at a node")
    if not row.holds:
        return found + ["no property path in holds"]
    values = list(run_query(store, PREFIXES + f"SELECT DISTINCT ?v WHERE {{ {node} {row.holds} ?v }}"))
    structured = [s["v"] for s in values if not (hasattr(s["v"], "datatype") and s["v"].datatype.value in (
        "http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))]
    if not structured:
        found.append(f"{row.holds} reaches no node or typed value")
    elif row.value.startswith("count="):
        if len(structured) != int(row.value[len("count="):]):
            found.append(f"{row.holds} reaches {len(structured)} values, not {row.value[len('count='):]}")
    elif row.value and not ask(store, f"{node} {row.holds} ?v . FILTER (?v = {row.value})"):
        found.append(f"{row.holds} does not reach {row.value}")
    return found


def check(store, rows: list[Row]) -> dict[int, list[str]]:
    """The problems of every row, by row index (rows without problems left out)."""
    return {i: p for i, row in enumerate(rows) if (p := problems(store, row))}


def table(rows: list[Row], failures: dict[int, list[str]]) -> str:
    """The count per part of the article, as a Markdown table."""
    out = ["| part | statements | held as structure | text only | missing | failing |", "|---|---|---|---|---|---|"]
    for low, high, name in RANGES + [(1, 129, "**all**")]:
        part = [i for i, r in enumerate(rows) if low <= int(r.sentence[1:]) <= high]
        missing = [i for i in part if any(p.startswith("missing") for p in failures.get(i, []))]
        failing = [i for i in part if i in failures and i not in missing]
        text = [i for i in part if rows[i].held == "text" and i not in failures]
        structure = [i for i in part if rows[i].held == "structure" and i not in failures]
        out.append(f"| {name} | {len(part)} | {len(structure)} | {len(text)} | {len(missing)} | {len(failing)} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "dataset", help="the built dataset")
    parser.add_argument("--rows", action="store_true", help="also print every row with its node")
    args = parser.parse_args(argv)
    store = open_store(ensure_built(args.data))
    rows = load()
    failures = check(store, rows)
    print(table(rows, failures))
    for i, row in enumerate(rows):
        if args.rows or i in failures:
            print(f"{row.sentence} {row.kind:10} {row.held:9} {row.node} {row.holds} {row.value}  "
                  f"{'; '.join(failures.get(i, [])) or 'ok'}  ({row.statement})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
