"""Mutation testing of the SHACL shapes: one small break per constraint, and the shape tests must fail.

mutmut and cosmic-ray mutate Python, not Turtle, so this does it for ``shapes/natoasia-shapes.ttl``:
for every constraint it writes mutants — a pattern that loses an anchor, widens a character class,
loosens a repetition or drops an alternative; ``sh:datatype`` or ``sh:class`` naming another;
``sh:minCount``/``sh:maxCount``/``sh:minInclusive``/``sh:minLength`` ± 1; ``sh:in`` without one of
its members; ``sh:lessThan`` → ``sh:lessThanOrEquals``; ``sh:uniqueLang false``; ``sh:or`` without
one alternative; ``sh:severity`` Warning or Info; and every constraint removed — and runs the shape
tests (``SHAPE_TESTS``) against each, in this process, stopping at the first failure. A mutant no
test fails is a survivor; the target is none.

    .venv/bin/python tools/mutate_shapes.py                    # every mutant
    .venv/bin/python tools/mutate_shapes.py --only isoCode     # mutants of shapes whose name contains it
    .venv/bin/python tools/mutate_shapes.py --list             # the mutants, run nothing

The tests are called as pytest would, with the fixtures they name (``shapes`` is the mutant,
``sources`` answers ``union("shapes")`` with it, ``validation`` is ``natoasia.dataset.validate.validate`` on
those sources without the reasoner and quote check, which do not read the shapes).
Exit code 0 when no mutant survives, 1 otherwise, 2 on error.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
SHAPES_FILE = ROOT / "shapes" / "natoasia-shapes.ttl"
#: The test modules whose tests must catch a broken shape.
SHAPE_TESTS = ("tests.test_shapes", "tests.test_shape_boundaries", "tests.test_argument_shapes")
#: What a datatype is mutated into: a near type a careless edit would write.
OTHER_DATATYPE = {"rdf:langString": "xsd:string", "xsd:string": "rdf:langString", "xsd:integer": "xsd:decimal",
                  "xsd:nonNegativeInteger": "xsd:integer", "xsd:positiveInteger": "xsd:nonNegativeInteger",
                  "xsd:boolean": "xsd:string", "xsd:gYear": "xsd:date", "xsd:date": "xsd:dateTime"}
CONSTRAINT = re.compile(r"^(\s+)sh:(minCount|maxCount|class|datatype|pattern|in|minInclusive|lessThan|minLength|"
                        r"uniqueLang|or|severity) (.*?)\s*([;.])\s*$")


@dataclass
class Mutant:
    """One edited line of the shapes file."""

    shape: str
    line: int
    what: str
    text: str  # the whole mutated file


def _regex_mutants(pattern: str) -> list[tuple[str, str]]:
    """(description, mutated pattern) for a regular expression."""
    found = []
    if pattern.startswith("^"):
        found.append(("pattern loses ^", pattern[1:]))
    if pattern.endswith("$"):
        found.append(("pattern loses $", pattern[:-1]))
    for m in re.finditer(r"\[([^\]]+)\]", pattern):
        body = m.group(1)
        wider = body + ("a-z" if "a-z" not in body else "A-Z") if not body[0].isdigit() else body + "a-z"
        at = f"class [{body}] at {m.start()}"
        found.append((f"{at} widened to [{wider}]", pattern[:m.start()] + f"[{wider}]" + pattern[m.end():]))
        found.append((f"{at} becomes .", pattern[:m.start()] + "." + pattern[m.end():]))
        digits = re.fullmatch(r"(\d)-(\d)", body)
        if digits and digits.group(2) != "9":
            bumped = f"[{digits.group(1)}-{int(digits.group(2)) + 1}]"
            found.append((f"{at} becomes {bumped}", pattern[:m.start()] + bumped + pattern[m.end():]))
    for m in re.finditer(r"\{(\d+)\}", pattern):
        n = int(m.group(1))
        for repl in (f"{{{n},}}", f"{{{max(n - 1, 0)},{n}}}"):
            found.append((f"{{{n}}} becomes {repl}", pattern[:m.start()] + repl + pattern[m.end():]))
    group = re.search(r"\(([^()]*\|[^()]*)\)", pattern)
    if group:
        branches = group.group(1).split("|")
        for i, branch in enumerate(branches):
            kept = "|".join(b for j, b in enumerate(branches) if j != i)
            found.append((f"alternative {branch} dropped", pattern[:group.start(1)] + kept + pattern[group.end(1):]))
    return found


def _list_items(text: str) -> list[str]:
    """The members of a Turtle collection ``( a b [ … ] )``, each as written (one level of nested brackets)."""
    inner = text.strip()[1:-1]
    return re.findall(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]|\S+", inner)


def mutants(text: str) -> list[Mutant]:
    """Every mutant of the shapes file, one per broken constraint."""
    lines = text.splitlines(keepends=True)
    classes = sorted(set(re.findall(r"sh:(?:class|targetClass) (\w+:\w+)", text)))
    found: list[Mutant] = []
    shape = "?"
    for number, line in enumerate(lines):
        head = re.match(r"^shape:(\S+)", line)
        if head:
            shape = head.group(1)
            continue
        m = CONSTRAINT.match(line)
        if not m:
            continue
        indent, kind, value, end = m.groups()

        def replaced(what: str, new_value: str | None, new_kind: str | None = None) -> None:
            if new_value is None:  # remove the statement; keep the line count and the ; or .
                new_line = f"{indent}# removed by mutation{' .' if end == '.' else ''}\n"
                if end == ".":  # the previous statement must now end the subject
                    previous = lines[number - 1].rstrip()
                    edited = lines[:number - 1] + [previous[:-1].rstrip() + " .\n", f"{indent}# removed by mutation\n"]
                    found.append(Mutant(shape, number + 1, what, "".join(edited + lines[number + 1:])))
                    return
            else:
                new_line = f"{indent}sh:{new_kind or kind} {new_value} {end}\n"
            found.append(Mutant(shape, number + 1, what, "".join(lines[:number] + [new_line] + lines[number + 1:])))

        if kind == "severity":
            for other in ("sh:Warning", "sh:Info"):
                if value != other:
                    replaced(f"severity {value} → {other}", other)
        elif kind in ("minCount", "maxCount", "minLength"):
            n = int(value)
            replaced(f"{kind} {n} → {n + 1}", str(n + 1))
            if n > 0:
                replaced(f"{kind} {n} → {n - 1}", str(n - 1))
        elif kind == "minInclusive":
            bound = re.search(r"-?\d+", value).group(0)  # 0, or "0"^^xsd:nonNegativeInteger
            for delta in (1, -1):
                changed = value.replace(bound, str(int(bound) + delta), 1)
                replaced(f"minInclusive {value} → {changed}", changed)
        elif kind == "class":
            other = next((c for c in classes if c > value), classes[0])
            replaced(f"class {value} → {other}", other)
        elif kind == "datatype":
            other = OTHER_DATATYPE.get(value, "xsd:string")
            replaced(f"datatype {value} → {other}", other)
        elif kind == "pattern":
            regex = value[1:-1]
            for what, mutated in _regex_mutants(regex):
                replaced(what, f'"{mutated}"')
        elif kind in ("in", "or"):
            members = _list_items(value)
            for i, member in enumerate(members):
                kept = [x for j, x in enumerate(members) if j != i]
                replaced(f"{kind} loses {member}", "( " + " ".join(kept) + " )")
        elif kind == "lessThan":
            replaced("lessThan → lessThanOrEquals", value, "lessThanOrEquals")
        elif kind == "uniqueLang":
            replaced("uniqueLang true → false", "false")
        replaced(f"{kind} removed", None)
    return found


class Reparser:
    """The mutant's shapes graph, built fast: the unmutated graph with only the edited subject's block
    parsed again (a block with blank nodes, a list or ``sh:or``, is parsed whole, with the file)."""

    def __init__(self, text: str):
        from rdflib import Graph

        self.lines = text.splitlines(keepends=True)
        self.header = "".join(line for line in self.lines if line.startswith("@prefix"))
        self.graph = Graph().parse(data=text, format="turtle")

    def block(self, lines: list[str], line: int) -> tuple[int, int]:
        """The first and last line index of the statement block holding 1-based ``line``."""
        start = line - 1
        while start > 0 and lines[start - 1].strip() and not lines[start].startswith(("shape:", "@prefix")):
            start -= 1
        end = line - 1
        while end + 1 < len(lines) and not lines[end].rstrip().endswith(" ."):
            end += 1
        return start, end

    def shapes(self, mutant: Mutant):
        from rdflib import Graph

        start, end = self.block(self.lines, mutant.line)
        before = "".join(self.lines[start:end + 1])
        after = "".join(mutant.text.splitlines(keepends=True)[start:end + 1])
        if "[" in before or "(" in before or len(mutant.text.splitlines()) != len(self.lines):
            return Graph().parse(data=mutant.text, format="turtle")
        graph = Graph()
        graph += self.graph
        graph -= Graph().parse(data=self.header + before, format="turtle")
        graph += Graph().parse(data=self.header + after, format="turtle")
        return graph


class MutantSources:
    """The checkout's sources, with the mutant in place of the shapes."""

    def __init__(self, sources, shapes):
        self._sources, self._shapes = sources, shapes

    def union(self, *kinds):
        from rdflib import Graph

        if "shapes" not in kinds:
            return self._sources.union(*kinds)
        merged = Graph()
        merged += self._shapes
        others = [k for k in kinds if k != "shapes"]
        if others:
            merged += self._sources.union(*others)
        return merged

    def __getattr__(self, name):
        return getattr(self._sources, name)


def collect(modules=SHAPE_TESTS) -> list[tuple[str, object, dict]]:
    """(test id, function, parameters) for every test and parametrization in ``modules``."""
    sys.path.insert(0, str(ROOT))
    tests = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_") or function.__module__ != module.__name__:
                continue
            params = [{}]
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "parametrize":
                    argname, values = mark.args[0], mark.args[1]
                    params = [{**p, argname: v} for p in params for v in values]
            for p in params:
                tests.append((f"{module_name.split('.')[-1]}::{name}{list(p.values()) or ''}", function, p))
    return tests


class Fixtures:
    """The fixtures the shape tests use, for one shapes graph; each computed when first asked for."""

    def __init__(self, sources, data, shapes):
        self.values = {"shapes": shapes, "data": data, "sources": MutantSources(sources, shapes)}

    def get(self, name: str):
        if name not in self.values:
            if name != "validation":
                raise KeyError(f"the shape tests ask for a fixture this driver does not provide: {name}")
            from rdflib import Graph

            from natoasia.dataset import validate as validation_module

            with mock.patch.object(validation_module, "entailments", lambda graph: (Graph(), [])), \
                    mock.patch.object(validation_module, "quote_findings", lambda *args, **kwargs: []):
                self.values[name] = validation_module.validate(sources=self.values["sources"])
        return self.values[name]


#: The test most likely to kill each kind of mutant, tried first: an ordering, not a selection (a
#: mutant that it does not kill still meets every other test).
LIKELY_KILLERS = (("minCount", "→ 2", "conforms"), ("minCount", "→ 0", "fails_on_its_fixture"),
                  ("or loses", "", "conforms"), ("uniqueLang", "", "fails_on_its_fixture"),
                  ("pattern", "", "boundary"), ("class [", "", "boundary"), ("{", "", "boundary"),
                  ("alternative", "", "boundary"), ("in loses", "", "boundary"), ("minInclusive", "", "boundary"),
                  ("minLength", "", "boundary"), ("lessThan", "", "boundary"))


def ordered_for(mutant: Mutant, tests: list) -> list:
    """``tests`` (cheapest first) with the likely killer of ``mutant`` moved to the front."""
    if "removed" in mutant.what or "severity" in mutant.what:  # the structural tests see these at once
        return tests
    hints = [test for kind, detail, test in LIKELY_KILLERS if kind in mutant.what and detail in mutant.what]
    return sorted(tests, key=lambda t: not any(h in t[0] for h in hints[:1]))


def first_failure(tests, sources, data, shapes) -> str | None:
    """The id of the first test that fails on ``shapes`` (with its error), or None if all pass."""
    fixtures = Fixtures(sources, data, shapes)
    for test_id, function, params in tests:
        wanted = [p for p in inspect.signature(function).parameters if p not in params]
        try:
            function(**params, **{name: fixtures.get(name) for name in wanted})
        except KeyError:
            raise
        except Exception as exc:  # an assertion, or an error the broken shape causes: the test fails
            return f"{test_id}: {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run every mutant (or those of ``--only``) and print the survivors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="mutate only shapes whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--verbose", action="store_true", help="print which test killed each mutant")
    args = parser.parse_args(argv)
    from rdflib import Graph

    from natoasia.dataset.sources import load_sources

    found = [m for m in mutants(SHAPES_FILE.read_text(encoding="utf-8")) if not args.only or args.only in m.shape]
    if args.list:
        for m in found:
            print(f"{SHAPES_FILE.name}:{m.line} {m.shape}: {m.what}")
        return 0
    sources = load_sources(ROOT)
    data = sources.union("ontology", "graph")
    tests = collect()
    baseline = first_failure(tests, sources, data, sources.union("shapes"))
    if baseline:
        print(f"mutate_shapes: error: the shape tests fail on the unmutated shapes: {baseline}", file=sys.stderr)
        return 2
    # Cheap tests first: a mutant is usually killed by the first one that can see it.
    timings = {}
    for test in tests:
        started = time.process_time()
        first_failure([test], sources, data, sources.union("shapes"))
        timings[test[0]] = time.process_time() - started
    tests.sort(key=lambda t: timings[t[0]])
    survivors, incompetent, started = [], 0, time.monotonic()
    reparser = Reparser(SHAPES_FILE.read_text(encoding="utf-8"))
    for i, m in enumerate(found, 1):
        try:
            shapes = reparser.shapes(m)
        except Exception as exc:  # noqa: BLE001 — a mutant that is not Turtle tells nothing
            incompetent += 1
            print(f"  not Turtle: {m.shape}: {m.what}: {exc}", file=sys.stderr)
            continue
        failure = first_failure(ordered_for(m, tests), sources, data, shapes)
        if failure is None:
            survivors.append(m)
            print(f"  survived {SHAPES_FILE.name}:{m.line} {m.shape}: {m.what}", flush=True)
        elif args.verbose:
            print(f"  killed {m.shape}: {m.what} — {failure}", flush=True)
        if i % 50 == 0:
            print(f"  … {i}/{len(found)} mutants, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    run = len(found) - incompetent
    killed = run - len(survivors)
    print(f"shapes/{SHAPES_FILE.name}: {killed / run if run else 1:.1%} killed ({killed} killed, {len(survivors)} "
          f"survived, {incompetent} not Turtle) in {time.monotonic() - started:.0f} s")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
