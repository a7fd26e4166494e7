"""Write queries/CQnn.expected.tsv from the current answers, for review before committing.

Usage: python tools/write_expected.py [CQnn ...]   (all competency questions if none given)
Read every changed file against the article: the expected results are the test's oracle.
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from natoasia.dataset.build import ensure_built  # noqa: E402
from natoasia.results import term_text  # noqa: E402
from natoasia.stores.embedded import open_store, run_query  # noqa: E402


def main(names: list[str]) -> int:
    store = open_store(ensure_built(ROOT / "build" / "dataset"))
    for path in sorted((ROOT / "queries").glob("CQ*.rq")):
        if names and path.stem not in names:
            continue
        result = run_query(store, path.read_text(encoding="utf-8"))
        variables = [v.value for v in result.variables]
        with path.with_suffix(".expected.tsv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(variables)
            for solution in result:
                writer.writerow([term_text(solution[v]) for v in variables])
        print(path.with_suffix(".expected.tsv").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
