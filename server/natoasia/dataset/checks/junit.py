"""Validation findings as JUnit XML, the test report format GitLab, Jenkins and most CI systems read.

One ``<testsuite>`` per check, in the order the checks run; one ``<testcase>`` per thing a check
tests: each source file for syntax, each shape for SHACL, the check itself for the others. A test
case with violations has one ``<failure>`` listing them all, one ``file:line: …`` line each (the XSD
Jenkins ships allows several ``<failure>`` elements, but Jenkins, Azure and junitparser show or
accept only the first, and readers disagree on how to count them); warnings and notes go to the
test case's ``<system-out>``, so they show without failing the build.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from natoasia.dataset.checks.findings import CHECKS, VIOLATION, Finding, short_term
from natoasia.dataset.sources import SOURCE_DIRS, Sources


def test_cases(sources: Sources | None, shapes: list[str] = ()) -> dict[str, list[str]]:
    """The test case names of every check: each parsed source file (syntax), each of ``shapes`` (shacl),
    and the check's own name for the others."""
    cases = {check: [check] for check in CHECKS}
    files = [path for kind in SOURCE_DIRS for path in sources.files.get(kind, {})] if sources else []
    cases["syntax"] = [sources.relative(path) for path in files]
    cases["shacl"] = [shape_case(shape) for shape in shapes]
    return cases


def case_of(finding: Finding) -> str:
    """The name of the test case a finding belongs to."""
    if finding.check == "syntax":
        return finding.file or "syntax"
    if finding.check == "shacl":
        return shape_case(finding.shape) if finding.shape else "shacl"
    return finding.check


def shape_case(shape: str) -> str:
    """A shape's test case name: its local name after ``#`` (``Contribution-amount-datatype``), else the term."""
    return shape.rsplit("#", 1)[1] if "#" in shape else short_term(shape)


def as_junit(findings: list[Finding], cases: dict[str, list[str]]) -> str:
    """The JUnit XML report: ``cases`` (from :func:`test_cases`) all appear, passing unless a finding
    fails them; a finding whose case or check is not listed gets its own."""
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_case.setdefault((finding.check, case_of(finding)), []).append(finding)
    checks = list(cases) + sorted({check for check, _ in by_case} - set(cases))
    root = ET.Element("testsuites", name="natoasia validate")
    for check in checks:
        names = list(dict.fromkeys([*cases.get(check, []), *(name for c, name in by_case if c == check)]))
        suite = ET.SubElement(root, "testsuite", name=check)
        failed = 0
        for name in names:
            case = ET.SubElement(suite, "testcase", name=name, classname=f"natoasia.{check}")
            found = by_case.get((check, name), [])
            violations = [f for f in found if f.severity == VIOLATION]
            if violations:
                more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
                failure = ET.SubElement(case, "failure", message=violations[0].detail() + more, type=VIOLATION)
                failure.text = "\n".join(f.text() for f in violations)
                failed += 1
            notes = [f.text() for f in found if f.severity != VIOLATION]
            if notes:
                ET.SubElement(case, "system-out").text = "\n".join(notes)
        suite.attrib.update(tests=str(len(names)), failures=str(failed), errors="0", skipped="0")
    root.attrib.update(
        tests=str(sum(int(s.get("tests")) for s in root)), failures=str(sum(int(s.get("failures")) for s in root)),
        errors="0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
