"""`--format json` against its published JSON Schema (docs/schema/check.schema.json), and
`--format github` workflow commands with GitHub's escaping; each finding at its rule's severity."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fixer.formats.github import command, escape_data, escape_property
from fixer.app.registry import discover
from support import REPO, SEED_FLEET, run_cli
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
