"""`--format json` against its published JSON Schema (docs/schema/check.schema.json), and
`--format github` workflow commands with GitHub's escaping; each finding at its rule's severity."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fixer.formats.github import command, escape_data, escape_property
from fixer.app.registry import discover
from support import REPO, SEED_FLEET, copy_tree, git, init_repo, run_cli
from test_cli import crash_rule
from test_config import web_tree

SCHEMA_PATH = REPO / "docs" / "schema" / "check.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check_json(root: Path, *args: str) -> dict[str, Any]:
    _, out, _ = run_cli("check", root, "--format", "json", *args)
    document: dict[str, Any] = json.loads(out)
    return document


def test_seed_fleet_json_matches_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    document = check_json(SEED_FLEET, "--select", "ALL")
    validator.validate(document)
    fixes = {f["fix"]["safety"] if f["fix"] else None for f in document["findings"]}
    assert len(document["findings"]) >= 10 and "safe" in fixes


def test_json_severity_is_the_rules_severity() -> None:
    severity = {rule.code: rule.severity.value for rule in discover()}
    findings = check_json(SEED_FLEET, "--select", "ALL")["findings"]
    assert {(f["code"], f["severity"]) for f in findings} == \
        {(f["code"], severity[f["code"]]) for f in findings}
    assert {f["severity"] for f in findings} == {"error", "warning"}
    errors_only = check_json(SEED_FLEET, "--select", "ALL", "--severity", "error")["findings"]
    assert errors_only == [f for f in findings if f["severity"] == "error"]


def test_json_with_errors_and_display_only_findings_matches_the_schema(
        tmp_path: Path, validator: jsonschema.Draft202012Validator) -> None:
    web_tree(tmp_path, **{"compose.yaml": "services:\n  web:\n    build: ./web\n"
                                          "    depends_on: [nowhere]\n",
                          "broken/compose.yaml": "services:\n  a: [\n"})
    document = check_json(tmp_path)
    validator.validate(document)
    assert document["errors"] and any(f["fix"] is None for f in document["findings"])


def test_json_says_which_findings_without_a_fix_are_fixed_later(
        tmp_path: Path, validator: jsonschema.Draft202012Validator) -> None:
    """db's C005 probe waits for api's healthcheck (C004), which web's long form needs too:
    `fixer fix` makes it once that is in, and the JSON says so, as `check` counts it."""
    app = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD [\"uvicorn\", "
           "\"app.main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n")
    main = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n' \
        'def health():\n    return {"status": "ok"}\n'
    files = {"compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
                             "      POSTGRES_PASSWORD: pw\n  api:\n    build: ./api\n"
                             "    depends_on:\n      - db\n  web:\n    build: ./api\n"
                             "    depends_on:\n      - db\n      - api\n",
             "api/Dockerfile": app, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/app/__init__.py": "", "api/app/main.py": main}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    document = check_json(tmp_path)
    validator.validate(document)
    later = {(f["code"], f["service"]): f["fixed_later"] for f in document["findings"]}
    assert later == {("C005", "db"): "safe", ("C004", "api"): None, ("C004", "web"): None}
    _, _, err = run_cli("check", tmp_path)
    assert err.rstrip().endswith("(2 fixable with `fixer fix`, 1 once the fixes they wait on "
                                 "are in)."), err


def test_json_says_which_findings_another_fix_settles(
        validator: jsonschema.Draft202012Validator) -> None:
    """C004's healthcheck probes the app's /heartbeat, which then counts as its health route:
    H001's second route beside it is left to that fix (settled), as `check` counts it."""
    case = REPO / "golden" / "C004-missing-healthcheck" / \
        "probes-the-heartbeat-route-the-app-serves" / "before"
    document = check_json(case, "--select", "C004,H001")
    validator.validate(document)
    assert [(f["code"], f["fixed_later"]) for f in document["findings"]] == \
        [("C004", None), ("H001", "settled")]


def test_a_rule_crash_is_an_error_of_kind_crash_beside_input_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        validator: jsonschema.Draft202012Validator) -> None:
    crash_rule(monkeypatch, "D001")
    web_tree(tmp_path, **{"broken/compose.yaml": "services:\n  a: [\n"})
    code, out, _ = run_cli("check", tmp_path, "--format", "json", "--select", "P001,D001")
    document = json.loads(out)
    validator.validate(document)
    assert code == 2 and [f["code"] for f in document["findings"]] == ["P001"]
    crash, bad_input = sorted(document["errors"], key=lambda e: str(e["kind"]))
    assert crash == {"kind": "crash", "rule": "D001", "stage": "detect",
                     "exception": "KeyError: 'x'",
                     "message": "internal error in rule D001 (detect): KeyError: 'x'"}
    assert bad_input["kind"] == "input" and bad_input["path"] == "broken/compose.yaml"
    for wrong in ({**crash, "path": "compose.yaml"}, {**crash, "kind": "input"},
                  {**bad_input, "kind": "crash"}):
        assert not validator.is_valid({**document, "errors": [wrong]})


@pytest.mark.parametrize("break_it", [
    lambda d: d["findings"][0].pop("fix"),
    lambda d: d["findings"][0].update(extra=1),
    lambda d: d["findings"][0].update(line=0),
    lambda d: d["findings"][0].update(path="/abs/compose.yaml"),
    lambda d: d["findings"][0].update(fix={"safety": "display-only", "title": "x"}),
    lambda d: d.update(version=2),
    lambda d: d["findings"][0].update(severity="info"),
], ids=["missing-key", "extra-key", "line-0", "absolute-path", "bad-safety", "version",
        "bad-severity"])
def test_the_schema_rejects_other_shapes(validator: jsonschema.Draft202012Validator,
                                         break_it: Any) -> None:
    document = copy.deepcopy(check_json(SEED_FLEET))
    break_it(document)
    assert not validator.is_valid(document)


# -- github ------------------------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(?P<kind>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),"
                        r"col=(?P<col>\d+),title=(?P<title>[A-Z]\d{3})::(?P<message>.+)$")


def test_github_annotations_match_the_findings(tmp_path: Path) -> None:
    web_tree(tmp_path)
    code, out, _ = run_cli("check", tmp_path, "--format", "github")
    assert code == 1
    findings = check_json(tmp_path)["findings"]
    lines = out.splitlines()
    assert len(lines) == len(findings) == 2
    for line, finding in zip(lines, findings):
        match = ANNOTATION.match(line)
        assert match, line
        assert match["file"] == f"{tmp_path}/{finding['path']}"
        assert (int(match["line"]), int(match["col"])) == (finding["line"], finding["column"])
        assert match["title"] == finding["code"] and match["message"] == finding["message"]
        assert match["kind"] == finding["severity"]
    assert {line.split(" ", 1)[0] for line in lines} == {"::error", "::warning"}


def test_github_annotations_are_relative_to_where_fixer_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli("check", "repo", "--format", "github", "--select", "P001")
    assert out.startswith("::error file=repo/compose.yaml,line=5,col=15,title=P001::")


@pytest.fixture
def stack_in_repo(tmp_path: Path) -> Path:
    """A git repository with one stack in deploy/stack (P001 and C004); the stack's folder."""
    stack = web_tree(tmp_path / "repo" / "deploy" / "stack")
    init_repo(tmp_path / "repo")
    return stack


@pytest.mark.parametrize("where", ["stack", "repository", "outside"])
def test_github_and_junit_paths_are_from_the_repository_root(
        stack_in_repo: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """GitHub resolves an annotation's `file=` from the repository's root, wherever the job's
    `working-directory` is, as it does SARIF's paths."""
    repo = stack_in_repo.parents[1]
    cwd, typed = {"stack": (stack_in_repo, "."), "repository": (repo, "./deploy/stack"),
                  "outside": (repo.parent, str(stack_in_repo))}[where]
    monkeypatch.chdir(cwd)
    _, out, _ = run_cli("check", typed, "--format", "github", "--select", "P001")
    assert out.startswith("::error file=deploy/stack/compose.yaml,line=5,col=15,title=P001::")
    _, root = junit_root(typed, "--select", "P001")
    [case] = root.iter("testcase")
    assert (case.get("name"), case.get("classname")) == \
        ("deploy/stack/compose.yaml web: port", "deploy/stack/compose.yaml")
    assert (case.findtext("failure") or "").startswith("deploy/stack/compose.yaml:5:15: ")


def test_github_input_errors_are_annotations_too(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"broken/compose.yaml": "services:\n  a: [\n"})
    code, out, _ = run_cli("check", tmp_path, "--format", "github", "--select", "P001")
    assert code == 2
    assert f"::error file={tmp_path}/broken/compose.yaml,line=" in out


def test_github_a_rule_crash_is_an_error_at_no_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    crash_rule(monkeypatch, "D001")
    web_tree(tmp_path)
    code, out, _ = run_cli("check", tmp_path, "--format", "github", "--select", "P001,D001")
    assert code == 2
    *annotations, crash = out.splitlines()
    matches = [ANNOTATION.match(line) for line in annotations]
    assert all(matches) and [m["title"] for m in matches if m] == ["P001"]
    assert crash == ("::error title=fixer%3A internal error in rule D001::fixer: internal error "
                     "in rule D001 (detect): KeyError: 'x' — please report it")


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    line = command("error", {"file": "odd,dir:x/compose.yaml", "line": 3, "col": 1,
                             "title": "P001"}, "50% of\nports")
    assert line == ("::error file=odd%2Cdir%3Ax/compose.yaml,line=3,col=1,title=P001"
                    "::50%25 of%0Aports")


# -- gitlab ------------------------------------------------------------------------------------
# GitLab's Code Quality report, as its documentation describes it: a JSON array of issues,
# each with these keys (more are allowed and ignored); severity is one of five words.

GITLAB_SHAPE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?![/.])(?!.*\\\\)"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def gitlab_issues(*argv: str | Path) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run_cli("check", "--format", "gitlab", *argv)
    issues: list[dict[str, Any]] = json.loads(out)
    jsonschema.Draft202012Validator(GITLAB_SHAPE).validate(issues)
    return code, issues


def test_gitlab_code_quality_has_gitlabs_shape_one_issue_a_finding() -> None:
    code, issues = gitlab_issues(SEED_FLEET)
    findings = check_json(SEED_FLEET)["findings"]
    assert code == 1 and len(issues) == len(findings) == 23
    assert len({i["fingerprint"] for i in issues}) == 23
    for issue, finding in zip(issues, findings):
        assert issue["check_name"] == finding["code"]
        assert issue["fingerprint"] == finding["fingerprint"]
        assert issue["description"] == f"{finding['code']} {finding['message']}"
        assert issue["severity"] == {"error": "critical", "warning": "minor"}[finding["severity"]]
        assert issue["location"]["lines"]["begin"] == finding["line"]
    for wrong in ({"severity": "error"}, {"location": {"path": "x", "lines": {}}}):
        assert not jsonschema.Draft202012Validator(GITLAB_SHAPE).is_valid([{**issues[0], **wrong}])


def test_gitlab_paths_are_from_the_repository_root(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    web_tree(repo / "deploy" / "stack")
    git(repo, "init", "-q")
    monkeypatch.chdir(repo / "deploy")
    _, issues = gitlab_issues("stack", "--select", "P001")
    assert [i["location"]["path"] for i in issues] == ["deploy/stack/compose.yaml"]


def test_gitlab_fingerprints_of_several_folders_are_the_json_ones_in_any_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders of one repository share no fingerprint: nothing is re-hashed, so fixing a
    finding of one folder changes no fingerprint of the other."""
    web_tree(tmp_path / "a")
    copy_tree(tmp_path / "a", tmp_path / "b")
    init_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    prints = {(f["path"], f["fingerprint"]) for f in check_json(Path("a"), "b")["findings"]}
    for typed in (["a", "b"], ["b", "./a"]):
        _, issues = gitlab_issues(*typed)
        assert {(i["location"]["path"], i["fingerprint"]) for i in issues} == prints
    (tmp_path / "a/compose.yaml").write_text(
        (tmp_path / "a/compose.yaml").read_text().replace("8001", "8000"))   # P001 fixed
    _, issues = gitlab_issues("a", "b")
    assert {(i["location"]["path"], i["fingerprint"]) for i in issues} < prints


def test_gitlab_keeps_fingerprints_unique_whatever_the_order_of_the_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies outside a repository share fingerprints (paths from each folder): the first by
    place keeps its own, the other gets one of its place; a folder named twice is one."""
    web_tree(tmp_path / "a")
    copy_tree(tmp_path / "a", tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    _, forward = gitlab_issues("a", "c")
    _, backward = gitlab_issues("c", "a")
    places = sorted((i["location"]["path"], i["fingerprint"]) for i in forward)
    assert places == sorted((i["location"]["path"], i["fingerprint"]) for i in backward)
    assert len({p for _path, p in places}) == 4
    json_prints = {f["fingerprint"] for f in check_json(Path("a"))["findings"]}
    assert {p for path, p in places if path.startswith("a/")} == json_prints
    _, twice = gitlab_issues("a", "./a")
    assert sorted(i["fingerprint"] for i in twice) == sorted(json_prints)


def test_gitlab_lists_input_errors_and_nothing_found_is_an_empty_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path, **{"broken/compose.yaml": "services:\n  a: [\n"})
    monkeypatch.chdir(tmp_path)   # outside a git repository: paths as typed
    code, issues = gitlab_issues(".", "--select", "P001")
    assert code == 2 and [i["check_name"] for i in issues] == ["P001", "input-error"]
    assert issues[1]["location"]["path"] == "broken/compose.yaml"
    (tmp_path / "broken/compose.yaml").unlink()
    code, issues = gitlab_issues(".", "--select", "D001")
    assert code == 0 and issues == []


# -- junit -------------------------------------------------------------------------------------

def junit_root(*argv: str | Path) -> tuple[int, ET.Element]:
    code, out, _ = run_cli("check", "--format", "junit", *argv)
    assert out.startswith("<?xml")
    return code, ET.fromstring(out)


def test_junit_has_a_failure_per_finding_in_a_suite_per_rule(tmp_path: Path) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "fleet")   # outside a repository: paths as typed
    code, root = junit_root(fleet)
    findings = check_json(fleet)["findings"]
    assert code == 1 and root.tag == "testsuites"
    assert root.get("failures") == str(len(findings)) == "23"
    suites = root.findall("testsuite")
    assert {s.get("name", "").split()[0] for s in suites} == {f["code"] for f in findings}
    failures = root.findall("testsuite/testcase/failure")
    # the message says where, as the name no longer does
    assert sorted((f.get("type"), f.get("message")) for f in failures) == \
        sorted((f["code"], f"{fleet}/{f['path']}:{f['line']}:{f['column']}: {f['message']}")
               for f in findings)
    for suite in suites:
        assert suite.get("tests") == suite.get("failures") == str(len(suite.findall("testcase")))
        names = [c.get("name") for c in suite.iter("testcase")]
        assert len(set(names)) == len(names), names


def junit_names(root: ET.Element) -> list[tuple[str | None, str | None]]:
    return [(s.get("name"), c.get("name")) for s in root.iter("testsuite")
            for c in s.iter("testcase")]


def test_junit_names_a_case_by_what_it_is_about_not_by_its_line(tmp_path: Path) -> None:
    """CI keeps a test's history by its name: a line added above a finding must not turn it
    into a new failure and a fixed one. The line is in the failure message."""
    compose = web_tree(tmp_path) / "compose.yaml"
    _, before = junit_root(tmp_path)
    # outside a repository, the folder as typed leads the file
    assert [name for _, name in junit_names(before)] == \
        [f"{tmp_path}/compose.yaml web: healthcheck", f"{tmp_path}/compose.yaml web: port"]
    compose.write_text("# the web stack\n" + compose.read_text())
    _, after = junit_root(tmp_path)
    assert junit_names(after) == junit_names(before)
    moved = [(f.get("message") or "").split(": ")[0] for f in after.iter("failure")]
    shown = [(f.get("message") or "").split(": ")[0] for f in before.iter("failure")]
    assert [m.rsplit(":", 2)[1] for m in moved] == [str(int(s.rsplit(":", 2)[1]) + 1)
                                                   for s in shown]


def test_junit_with_nothing_found_is_one_passing_case_and_errors_are_errors(
        tmp_path: Path) -> None:
    web_tree(tmp_path)
    code, root = junit_root(tmp_path, "--select", "D001")
    assert code == 0 and root.get("failures") == "0"
    [case] = root.iter("testcase")
    assert list(case) == []
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken/compose.yaml").write_text("services:\n  a: [\n")
    code, root = junit_root(tmp_path, "--select", "P001")
    assert code == 2 and root.get("errors") == "1" and root.get("failures") == "1"
    [error] = root.iter("error")
    assert error.get("type") == "input" and "broken/compose.yaml" in (error.text or "")


def test_unused_suppressions_match_the_schema(
        tmp_path: Path, validator: jsonschema.Draft202012Validator) -> None:
    compose = web_tree(tmp_path) / "compose.yaml"
    compose.write_text("# fixer: ignore[D001]\n" + compose.read_text())
    document = check_json(tmp_path, "--show-unused-suppressions")
    assert [u["code"] for u in document["unused_suppressions"]] == ["D001"]
    validator.validate(document)


def test_junit_numbers_the_cases_one_fingerprint_shares_within_a_suite() -> None:
    from fixer.formats import junit
    from fixer.model.rule import Category, Finding, Rule, Safety, Severity, Violation

    rule = Rule(code="D900", name="rule-d900", category=Category.DOCKERFILE,
                safety=(Safety.DISPLAY,), doc="Rule D900.", detect_fn=lambda ws: [],
                severity=Severity.WARNING)
    found = [Finding(rule, Violation("m", "web/Dockerfile", line, service="web",
                                     subject="cmd")) for line in (3, 9)]
    root = ET.fromstring(junit.document(found, [], "."))
    assert [c.get("name") for c in root.iter("testcase")] == ["web/Dockerfile web: cmd",
                                                             "web/Dockerfile web: cmd #2"]
