"""Mutation testing of the modules where a silent bug is a security or correctness fault.

Runs cosmic-ray on one module at a time, in a scratch copy of the checkout (cosmic-ray edits the
module on disk, so the working tree is never touched), with the fast test subset that should kill
that module's mutants (``MODULES``). Survivors are printed with their diff; those explained as
equivalent in ``tools/mutation-equivalents.md`` are not counted. The score is
killed ÷ (all mutants − equivalent ones).

    .venv/bin/python tools/mutation.py                      # every module in MODULES
    .venv/bin/python tools/mutation.py endpoint/negotiation.py   # one module
    .venv/bin/python tools/mutation.py --list               # the modules and their tests

Exit code 0 when every module reaches ``--target`` (default 90 %), 1 when one does not, 2 on error.
The shapes file is mutated by ``tools/mutate_shapes.py``.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "server/natoasia/"
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.md"

QUERY_CHECK_TESTS = ["tests/test_query_check_mutants.py", "tests/test_nesting.py", "tests/test_query_check.py",
                     "tests/test_query_check_linear.py", "-k", "not the_endpoint and not stack and not worker and not answered"]

#: module (relative to server/natoasia/) → the fast tests that should kill its mutants, and the
#: functions left out of its score (each with the reason, printed with the score).
MODULES = {
    "endpoint/negotiation.py": {"tests": ["tests/test_negotiation_props.py"]},
    "endpoint/protocol.py": {"tests": ["tests/test_protocol_parsing.py"]},
    "endpoint/cache.py": {"tests": ["tests/test_result_cache.py"]},
    "site/params.py": {"tests": ["tests/test_site_params.py"]},
    # The HTTP front: each module with the fast tests that drive it in this process (no server, no dataset).
    "service/http_reading.py": {"tests": ["tests/test_slow_clients.py"]},
    "service/admission.py": {"tests": ["tests/test_fairness.py"]},
    "service/query_slots.py": {"tests": ["tests/test_fairness.py"]},
    "service/sending.py": {"tests": ["tests/test_http_front.py"]},
    "service/wsgi_bridge.py": {"tests": ["tests/test_http_front.py"]},
    "service/answering.py": {"tests": ["tests/test_http_front.py"]},
    "service/front.py": {"tests": ["tests/test_http_front.py", "tests/test_slow_clients.py", "tests/test_fairness.py"]},
    "service/http_worker.py": {"tests": ["tests/test_http_front.py", "-k", "worker"]},
    "endpoint/worker.py": {"tests": ["tests/test_worker_caps.py", "tests/test_pool_limits.py", "tests/test_worker_stack.py"],
                      "skip": {"serve": "the process loop: tested through the pool (test_safety, test_hostile)",
                               "main": "the process entry point: tested through the pool",
                               "load_store": "tested through the pool and test_endpoint's --load graphs"}},
    "cli.py": {"tests": ["tests/test_cli_exit_codes.py"],
               "skip": {"cmd_query": "evaluates on a built dataset in the sandbox: test_cli.py, test_sandbox.py",
                        "_default_format": "needs a query result: test_cli.py",
                        "_confine": "the sandbox itself: test_sandbox.py"}},
    "dataset/build.py": {"tests": ["tests/test_void.py", "tests/test_first_start.py"]},
    # The query check (SERVICE refusal, linear work, nesting): its own example, property and work-counting
    # tests, less those that need the app (conftest's dataset) or run pyoxigraph in a process per construct.
    **{module: {"tests": QUERY_CHECK_TESTS} for module in (
        "endpoint/querycheck.py", "endpoint/readings.py", "endpoint/lexer.py", "endpoint/terminals.py")},
    "endpoint/nesting.py": {"tests": ["tests/test_nesting.py", "tests/test_query_check_mutants.py",
                                      "tests/test_query_check.py", "-k", QUERY_CHECK_TESTS[-1]]},
    # The worker pool on a tiny N-Quads file (test_store.py and test_sandbox.py need conftest's dataset).
    "endpoint/pool.py": {"tests": ["tests/test_pool.py", "tests/test_pool_limits.py"]},
    "dataset/checks/quotes.py": {"tests": ["tests/test_quote_check.py"]},
}

#: The operators run: cosmic-ray's core set, reduced to a sufficient one (selective mutation, after
#: Offutt et al.): a comparison is replaced by its boundary and negated forms (``<`` → ``<=``, ``>=``;
#: ``==`` ↔ ``!=``; ``in`` ↔ ``not in``), an arithmetic operator by its inverse (``+`` ↔ ``-``,
#: ``*`` ↔ ``/``). The other replacements (``==`` → ``>``, ``+`` → ``**`` …) are killed by the same
#: tests or fail on any input, and would triple the run time. The random variable inserter and
#: replacer are left out: their mutants are not reproducible.
COMPARISONS = ("Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn")
KEPT_COMPARISONS = {("Eq", "NotEq"), ("NotEq", "Eq"), ("Lt", "LtE"), ("LtE", "Lt"), ("Gt", "GtE"), ("GtE", "Gt"),
                    ("Lt", "GtE"), ("GtE", "Lt"), ("Gt", "LtE"), ("LtE", "Gt"), ("Is", "IsNot"), ("IsNot", "Is"),
                    ("In", "NotIn"), ("NotIn", "In")}
ARITHMETIC = ("Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow", "RShift", "LShift", "BitOr", "BitAnd", "BitXor")
KEPT_ARITHMETIC = {("Add", "Sub"), ("Sub", "Add"), ("Mul", "Div"), ("Div", "Mul")}
EXCLUDED_OPERATORS = [
    *(f"core/ReplaceComparisonOperator_{a}_{b}$" for a in COMPARISONS for b in COMPARISONS
      if a != b and (a, b) not in KEPT_COMPARISONS),
    *(f"core/ReplaceBinaryOperator_{a}_{b}$" for a in ARITHMETIC for b in ARITHMETIC
      if a != b and (a, b) not in KEPT_ARITHMETIC),
    r"core/VariableInserter",
    r"core/VariableReplacer",
]

COPIED = ("server", "tests", "ontology", "graph", "background", "shapes", "queries", "tools", "pyproject.toml",
          "README.md")


def scratch_copy(work: Path) -> Path:
    """A copy of the checkout's sources and tests in ``work`` (no venv, no build, no git)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, work / name)
    return work


def test_command(tests: list[str]) -> list[str]:
    """The pytest command that runs ``tests``, stopping at the first failure (the fast subsets use no
    fixture of conftest.py, whose imports would double the time of every run), with Hypothesis's ``ci``
    profile: derandomized and without an example database, so that an example saved while one mutant
    failed is not replayed on every later one (a property that the original fails on that example then
    killed them all) and the same mutant meets the same examples in every run."""
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--noconftest",
            "--hypothesis-profile=ci", *tests]


def config_text(module: str, tests: list[str], timeout: float) -> str:
    """The cosmic-ray configuration for one module."""
    command = shlex.join(test_command(tests))
    excluded = ", ".join(json.dumps(op) for op in EXCLUDED_OPERATORS)
    return (f'[cosmic-ray]\nmodule-path = "{PACKAGE}{module}"\ntimeout = {timeout}\nexcluded-modules = []\n'
            f'test-command = "{command}"\n\n[cosmic-ray.distributor]\nname = "local"\n\n'
            f'[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n')


def equivalents() -> dict[tuple[str, str, str], str]:
    """(module, operator pattern, stripped source line) → why such a mutant is equivalent, from the
    Markdown table in ``tools/mutation-equivalents.md`` (the operator may hold ``*``)."""
    found = {}
    if not EQUIVALENTS.is_file():
        return found
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".py") and cells[1].startswith("core/"):
            found[(cells[0], cells[1], cells[2].strip("`"))] = cells[3]
    return found


def is_equivalent(known: dict, module: str, operator: str, text: str) -> bool:
    """Whether a mutant is listed as equivalent."""
    return any(m == module and fnmatch.fnmatchcase(operator, op) and line == text for m, op, line in known)


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the annotations are, when the module postpones their evaluation (PEP 563): a mutant
    there (``str | None`` → ``str + None``) changes nothing at run time."""
    tree = ast.parse(source)
    if not any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
               any(a.name == "annotations" for a in n.names) for n in tree.body):
        return []
    nodes = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nodes.append(node.returns)
            a = node.args
            nodes += [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg] if x]
        elif isinstance(node, ast.AnnAssign):
            nodes.append(node.annotation)
    return [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in nodes if n is not None]


ANNOTATION = "equivalent: in an annotation, which is never evaluated (PEP 563)"


OUT_OF_SCOPE = "not scored: in a function left out of this module's score"


def _skip_unrun(session: Path, annotations, left_out: dict[int, str]) -> None:
    """Mark the mutants inside annotations (equivalent) and inside the functions left out of the
    score as done, without running their tests."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            position = tuple(item.mutations[0].start_pos)
            if any(start <= position < end for start, end in annotations):
                db.set_result(item.job_id, WorkResult(output=ANNOTATION, worker_outcome=WorkerOutcome.SKIPPED))
            elif position[0] in left_out:
                db.set_result(item.job_id, WorkResult(output=OUT_OF_SCOPE, worker_outcome=WorkerOutcome.SKIPPED))


def skipped_function(source: str, skip: dict[str, str]) -> dict[int, str]:
    """Line → function name, for the lines of the functions left out of the score."""
    lines = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in skip:
            for row in range(node.lineno - len(node.decorator_list), node.end_lineno + 1):
                lines[row] = node.name
    return lines


def run(module: str, tests: list[str], base: Path, timeout: float, skip: dict[str, str] | None = None,
        rescore: bool = False) -> dict:
    """Mutate ``module`` in a scratch copy, run its tests per mutant, return the tally and survivors
    (``rescore``: only count again the finished session in ``base``, e.g. after listing equivalents)."""
    work = base / module.replace("/", "_").removesuffix(".py")
    if rescore:
        if not (work / "session.sqlite").is_file():
            raise RuntimeError(f"{module}: no session to rescore in {work}")
        return score(module, tests, work, skip)
    work = scratch_copy(work)  # the module as it is now
    env = {**os.environ, "PYTHONPATH": str(work / "server"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("NATOASIA_DATA", None)
    (work / "cosmic-ray.toml").write_text(config_text(module, tests, timeout), encoding="utf-8")
    bin_dir = Path(sys.executable).parent

    def cr(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=work, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return done

    baseline = subprocess.run(test_command(tests), cwd=work, env=env, capture_output=True, text=True)
    if baseline.returncode != 0:
        raise RuntimeError(f"{module}: its tests fail before any mutation:\n{baseline.stdout[-3000:]}")
    cr("cosmic-ray", "init", "cosmic-ray.toml", "session.sqlite")
    cr("cr-filter-operators", "session.sqlite", "cosmic-ray.toml")
    cr("cr-filter-pragma", "session.sqlite")
    module_text = (work / PACKAGE / module).read_text(encoding="utf-8")
    _skip_unrun(work / "session.sqlite", annotation_spans(module_text), skipped_function(module_text, skip or {}))
    cr("cosmic-ray", "exec", "cosmic-ray.toml", "session.sqlite")
    return score(module, tests, work, skip)


def score(module: str, tests: list[str], work: Path, skip: dict[str, str] | None) -> dict:
    """Count the outcomes of the session in ``work``."""
    dump = subprocess.run([str(Path(sys.executable).parent / "cosmic-ray"), "dump", "session.sqlite"], cwd=work,
                          capture_output=True, text=True, check=True).stdout
    text_of_module = (work / PACKAGE / module).read_text(encoding="utf-8")
    source = text_of_module.splitlines()
    left_out = skipped_function(text_of_module, skip or {})
    known = equivalents()
    tally = {"killed": 0, "survived": 0, "equivalent": 0, "skipped": 0, "incompetent": 0, "out of scope": 0}
    survivors = []
    for line in dump.splitlines():
        item, result = json.loads(line)
        mutation = item["mutations"][0]
        if result is not None and result.get("output") == ANNOTATION:
            tally["equivalent"] += 1
            continue
        if result is not None and result.get("output") == OUT_OF_SCOPE:
            tally["out of scope"] += 1
            continue
        if result is None or result["worker_outcome"] == "skipped":
            tally["skipped"] += 1
            continue
        row = mutation["start_pos"][0]
        text = source[row - 1].strip() if row <= len(source) else ""
        outcome = result["test_outcome"]
        if row in left_out:
            tally["out of scope"] += 1
        elif outcome == "killed":
            tally["killed"] += 1
        elif outcome == "incompetent":
            tally["incompetent"] += 1
        elif is_equivalent(known, module, mutation["operator_name"], text):
            tally["equivalent"] += 1
        else:
            tally["survived"] += 1
            survivors.append({"line": row, "operator": mutation["operator_name"],
                              "occurrence": mutation["occurrence"], "source": text, "diff": result.get("diff") or ""})
    counted = tally["killed"] + tally["incompetent"] + tally["survived"]
    tally["score"] = (tally["killed"] + tally["incompetent"]) / counted if counted else 1.0
    return {"module": module, "tests": tests, "tally": tally, "survivors": survivors}


def main(argv: list[str] | None = None) -> int:
    """Mutation-test the modules named (default: all in ``MODULES``) and print one score per module."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules relative to server/natoasia/ (default: all)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test run (default 60)")
    parser.add_argument("--target", type=float, default=0.9, help="score each module must reach (default 0.9)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, run nothing")
    parser.add_argument("--rescore", action="store_true",
                        help="count the finished sessions in --work again (after editing the equivalents)")
    args = parser.parse_args(argv)
    if args.list:
        for module, spec in MODULES.items():
            print(f"{module}: {' '.join(spec['tests'])}")
            for name, why in spec.get("skip", {}).items():
                print(f"  not scored: {name}(): {why}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        print(f"mutation: error: not configured: {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    base = args.work or Path(tempfile.mkdtemp(prefix="natoasia-mutation-"))
    results = []
    for module in args.modules or list(MODULES):
        try:
            spec = MODULES[module]
            result = run(module, spec["tests"], base, args.timeout, spec.get("skip"), args.rescore)
        except RuntimeError as exc:
            print(f"mutation: error: {exc}", file=sys.stderr)
            return 2
        results.append(result)
        t = result["tally"]
        print(f"{module}: {t['score']:.1%} killed ({t['killed']} killed, {t['incompetent']} incompetent, "
              f"{t['survived']} survived, {t['equivalent']} equivalent, {t['out of scope']} not scored, "
              f"{t['skipped']} filtered)", flush=True)
        for s in result["survivors"]:
            print(f"  survived {module}:{s['line']} {s['operator']} #{s['occurrence']}: {s['source']}")
            print(re.sub(r"^", "    ", s["diff"].strip(), flags=re.M))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["tally"]["score"] >= args.target for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
