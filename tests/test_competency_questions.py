"""Every competency question (queries/CQnn.rq) returns the article's answer (CQnn.expected.tsv)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from natoasia.results import term_text
from natoasia.stores.embedded import run_query

QUERIES = Path(__file__).resolve().parents[1] / "queries"
CQ_FILES = sorted(QUERIES.glob("CQ*.rq"))
QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "competency-questions.md"
#: The questions the project added beyond the shared list (CQ36 on), in the same table format.
OWN_QUESTIONS = QUERIES / "competency-questions.md"


def rows_of(result) -> list[list[str]]:
    """A SELECT result as rows of cell texts (compact IRIs, literal values)."""
    variables = [v.value for v in result.variables]
    return [[term_text(solution[v]) for v in variables] for solution in result]


def expected_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader)
        return header, [row + [""] * (len(header) - len(row)) for row in reader]


def test_competency_questions_are_cq01_to_cq20_and_numbered_questions_after_them():
    """CQ01-CQ20 are all there; the argument's questions CQ21-CQ35 and the project's own from CQ36 are added one
    file pair at a time, each of the project's own with its question in queries/competency-questions.md."""
    stems = [p.stem for p in CQ_FILES]
    assert [f"CQ{n:02d}" for n in range(1, 21)] == stems[:20]
    assert all(re.fullmatch(r"CQ(\d\d)", s) and 1 <= int(s[2:]) for s in stems)
    assert all(p.with_suffix(".expected.tsv").is_file() for p in CQ_FILES)
    own = set(re.findall(r"^\| (CQ\d\d) \|", OWN_QUESTIONS.read_text(encoding="utf-8"), re.M))
    assert {s for s in stems if int(s[2:]) > 35} == own


@pytest.mark.parametrize("query_file", CQ_FILES, ids=lambda p: p.stem)
def test_competency_question_answer(query_file, store):
    """The query's rows equal the expected rows (in order where the query sorts)."""
    query = query_file.read_text(encoding="utf-8")
    result = run_query(store, query)
    header, expected = expected_rows(query_file.with_suffix(".expected.tsv"))
    assert [v.value for v in result.variables] == header
    actual = rows_of(result)
    if "ORDER BY" in query.upper():
        assert actual == expected
    else:
        assert sorted(actual) == sorted(expected)
    assert actual, "a competency question must have an answer"


@pytest.mark.parametrize("query_file", CQ_FILES, ids=lambda p: p.stem)
def test_competency_query_states_its_question_and_is_structured(query_file):
    """Each query starts with its question as a comment and never searches text."""
    query = query_file.read_text(encoding="utf-8")
    assert re.match(rf"# {query_file.stem}: \S", query)
    assert not re.search(r"\b(REGEX|CONTAINS)\s*\(", query, re.I)


@pytest.mark.skipif(not QUESTIONS.is_file(), reason="../shared/competency-questions.md is not present")
@pytest.mark.parametrize("query_file", CQ_FILES, ids=lambda p: p.stem)
def test_competency_query_matches_the_shared_question(query_file):
    """The comment repeats the question of ../shared/competency-questions.md (or, from CQ36 on, of the project's
    own queries/competency-questions.md)."""
    table = QUESTIONS.read_text(encoding="utf-8") + OWN_QUESTIONS.read_text(encoding="utf-8")
    question = re.search(rf"^\| {query_file.stem} \| ([^|]+) \|", table, re.M).group(1).strip()
    first_line = query_file.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(f"# {query_file.stem}: {question.split('?')[0].split(',')[0]}")
