"""`fixer check --format junit`: JUnit XML, for CI systems that show test reports.

One testsuite per rule that found something (named by its code and name), a testcase per
finding with a <failure> whose type is the code and whose message is the finding's, at its
place (`path:line:col`). A test case is named by what the finding's fingerprint is built
from (its file, service and subject), never by its line: CI keeps a test's history by its
name, and a line added above a finding must not turn it into a new failure and a fixed one.
Input errors and rule crashes are testcases with an <error> in a suite of their own. With
nothing found, one passing testcase, so the report says the check ran. Control
characters are escaped: XML 1.0 cannot carry them, and a file name may hold one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from itertools import groupby

from fixer.core.errors import InputError, RuleCrash
from fixer.formats.findings import display_path, printable
from fixer.model.rule import Finding


def _suite(name: str, cases: list[ET.Element], kind: str) -> ET.Element:
    suite = ET.Element("testsuite", name=name, tests=str(len(cases)),
                       failures=str(len(cases) if kind == "failure" else 0),
                       errors=str(len(cases) if kind == "error" else 0))
    suite.extend(cases)
    return suite


def _case(name: str, classname: str, kind: str, message: str, kind_type: str,
          body: str) -> ET.Element:
    case = ET.Element("testcase", name=printable(name), classname=printable(classname))
    outcome = ET.SubElement(case, kind, message=printable(message), type=kind_type)
    outcome.text = printable(body)
    return case


def _finding_case(finding: Finding, prefix: str, name: str) -> ET.Element:
    place = f"{display_path(prefix, finding.path)}:{finding.line}:{finding.column}"
    return _case(name, display_path(prefix, finding.path), "failure",
                 f"{place}: {finding.message}", finding.code,
                 f"{place}: {finding.code} [{finding.rule.severity.value}] {finding.message}")


def _stable_name(finding: Finding) -> str:
    """`docker-compose.yml gateway: depends_on auth`: the file, service and subject the
    fingerprint is built from (the subject left out where it only repeats the file)."""
    path, subject = finding.path, finding.subject
    named = f"{path} {finding.service}" if finding.service else path
    if not subject or path == subject or path.endswith("/" + subject):
        return named
    return f"{named}: {subject}"


def _unique_names(findings: Sequence[Finding]) -> list[str]:
    """Each finding's stable name, in order; a name that two findings of one rule share (one
    fingerprint, so no line tells them apart either) is numbered from its second on."""
    names = [_stable_name(f) for f in findings]
    repeated = Counter(names)
    seen: Counter[str] = Counter()
    numbered = []
    for name in names:
        seen[name] += 1
        numbered.append(f"{name} #{seen[name]}" if repeated[name] > 1 and seen[name] > 1
                        else name)
    return numbered


def _error_case(error: InputError, prefix: str) -> ET.Element:
    if isinstance(error, RuleCrash):
        return _case(f"rule {error.code}", "fixer", "error", error.report_line(), "crash",
                     error.exception)
    place = f"{display_path(prefix, error.path)}:{error.line}"
    return _case(place, display_path(prefix, error.path), "error", error.message, "input",
                 f"{place}: {error.message}")


def _suites(findings: Sequence[Finding], errors: Sequence[InputError],
            prefix: str) -> list[ET.Element]:
    suites = []
    ordered = sorted(findings, key=lambda f: (f.code, f.sort_key()))
    for code, group in groupby(ordered, key=lambda f: f.code):
        items = list(group)
        cases = [_finding_case(f, prefix, name) for f, name in zip(items, _unique_names(items))]
        suites.append(_suite(f"{code} {items[0].rule.name}", cases, "failure"))
    if errors:
        suites.append(_suite("errors", [_error_case(e, prefix) for e in errors], "error"))
    if not suites:
        passed = ET.Element("testcase", name="fixer check", classname="fixer")
        suites.append(_suite("fixer", [passed], "pass"))
    return suites


def document(findings: Sequence[Finding], errors: Sequence[InputError], prefix: str) -> str:
    suites = _suites(findings, errors, prefix)
    root = ET.Element("testsuites", name="fixer", tests=str(sum(len(s) for s in suites)),
                      failures=str(len(findings)), errors=str(len(errors)))
    root.extend(suites)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
