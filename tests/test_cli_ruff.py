"""`fixer check` as ruff users expect it: --extend-select, --statistics, -q, --output-file,
several PATHs and the fingerprint in JSON. Every run is the real command line, in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support import SEED_FLEET, copy_tree, run_cli, write_tree
from test_cli import FINDING_LINE
from test_config import APP, web_tree

RELATIVE_APP = ('from fastapi import FastAPI\n\nfrom . import helpers\n\napp = FastAPI()\n\n\n'
                '@app.get("/health")\ndef health() -> dict[str, str]:\n'
                '    return {"status": helpers.OK}\n')


def codes(*argv: str | Path) -> list[str]:
    code, out, err = run_cli("check", "--format", "json", *argv)
    assert code in (0, 1), err
    return sorted(f["code"] for f in json.loads(out)["findings"])


@pytest.fixture
def relative(tmp_path: Path) -> Path:
    """web_tree (P001, C004) whose app imports a sibling relatively (I002, off by default)."""
    return web_tree(tmp_path, **{"web/app/main.py": RELATIVE_APP,
                                 "web/app/helpers.py": 'OK = "ok"\n'})


# -- --extend-select ----------------------------------------------------------------------------

def test_extend_select_adds_to_the_default_selection(relative: Path) -> None:
    assert codes(relative) == ["C004", "P001"]
    assert codes(relative, "--extend-select", "I002") == ["C004", "I002", "P001"]
    # --select replaces the defaults; --extend-select keeps them
    assert codes(relative, "--select", "I002") == ["I002"]


def test_extend_select_adds_to_the_configured_selection(relative: Path) -> None:
    (relative / "fixer.toml").write_text('select = ["P001"]\n')
    assert codes(relative) == ["P001"]
    assert codes(relative, "--extend-select", "C004") == ["C004", "P001"]
    assert codes(relative, "--extend-select", "C004", "--extend-select", "I002") == \
        ["C004", "I002", "P001"]
    assert codes(relative, "--extend-select", "C004,I002") == ["C004", "I002", "P001"]


def test_an_extended_prefix_does_not_turn_on_a_rule_that_is_off_by_default(
        relative: Path) -> None:
    assert codes(relative, "--select", "P001", "--extend-select", "I") == ["P001"]


def test_the_more_specific_of_extend_select_and_ignore_wins(relative: Path) -> None:
    assert codes(relative, "--select", "C", "--extend-select", "P001", "--ignore", "P") == \
        ["C004", "P001"]
    assert codes(relative, "--extend-select", "P", "--ignore", "P001") == ["C004"]


def test_extend_select_with_an_unknown_code_is_a_usage_error(relative: Path) -> None:
    code, out, err = run_cli("check", relative, "--extend-select", "X999")
    assert code == 2 and out == ""
    assert "unknown rule code: X999" in err


def test_fix_extend_select_fixes_the_added_rules_too(relative: Path) -> None:
    (relative / "fixer.toml").write_text('select = ["P001"]\n')
    _, alone, err = run_cli("fix", relative)
    assert "Would apply 1 fix." in err and "+++ b/web/app/main.py" not in alone
    code, extended, err = run_cli("fix", relative, "--extend-select", "I002")
    assert code == 1 and "Would apply 2 fixes." in err, err
    assert "+from app import helpers" in extended


# -- --statistics -------------------------------------------------------------------------------

def test_statistics_count_each_rule_most_frequent_first() -> None:
    code, out, err = run_cli("check", SEED_FLEET, "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "7 D001 duplicate-dockerfile [*]",
        "7 D003 healthcheck-tool-missing [*]",
        "5 P001 port-mismatch [*]",
        "2 C003 dependency-not-healthy",
        "1 C001 missing-database-service [*]",
        "1 S002 missing-package-init [*]",
    ]
    assert "Found 23 findings" in err   # the summary still says what the counts add up to


TWO_APPS = {"compose.yaml": 'services:\n  web:\n    build: ./web\n    ports:\n      - "8000:8000"\n'
                            '  api:\n    build: ./api\n    ports:\n      - "8000:8000"\n'}


def two_apps(root: Path) -> Path:
    """Two apps on 8000, no healthcheck (C004 twice); web EXPOSEs two ports (P002, with no
    fix: which one is the app's?), api EXPOSEs 7000 (P002, fixed)."""
    files = dict(TWO_APPS)
    for name, expose in (("web", "9000 9001"), ("api", "7000")):
        files.update({f"{name}/app/__init__.py": "", f"{name}/app/main.py": APP,
                      f"{name}/requirements.txt": "fastapi\nuvicorn\n",
                      f"{name}/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                      f'EXPOSE {expose}\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", '
                      '"--port", "8000"]\n'})
    return write_tree(root, files)


def test_statistics_say_how_many_are_fixable(tmp_path: Path) -> None:
    code, out, _ = run_cli("check", two_apps(tmp_path), "--statistics")
    assert code == 1
    assert out.splitlines() == ["2 C004 missing-healthcheck [*]",
                                "2 P002 expose-mismatch [1 fixable]"]


def test_statistics_right_align_the_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for copy in range(5):
        two_apps(tmp_path / f"r{copy}")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli("check", SEED_FLEET, *(f"r{copy}" for copy in range(5)), "--statistics")
    assert out.splitlines()[:4] == ["10 C004 missing-healthcheck [*]",
                                    "10 P002 expose-mismatch [5 fixable]",
                                    " 7 D001 duplicate-dockerfile [*]",
                                    " 7 D003 healthcheck-tool-missing [*]"]


def test_statistics_as_json_match_the_findings() -> None:
    _, out, _ = run_cli("check", SEED_FLEET, "--statistics", "--format", "json")
    stats = json.loads(out)
    _, full, _ = run_cli("check", SEED_FLEET, "--format", "json")
    findings = json.loads(full)["findings"]
    assert sum(row["count"] for row in stats) == len(findings) == 23
    for row in stats:
        mine = [f for f in findings if f["code"] == row["code"]]
        assert row["count"] == len(mine) and row["name"] == mine[0]["name"]
        assert row["fixable"] == sum(1 for f in mine if f["fix"] and f["fix"]["safety"] == "safe")


def test_statistics_in_another_format_is_a_usage_error() -> None:
    code, out, err = run_cli("check", SEED_FLEET, "--statistics", "--format", "sarif")
    assert code == 2 and out == "" and "--statistics prints text or json" in err


# -- -q / --quiet -------------------------------------------------------------------------------

def test_quiet_prints_the_findings_and_no_summary(tmp_path: Path) -> None:
    root = web_tree(tmp_path)
    code, out, err = run_cli("check", root, "-q")
    _, loud_out, loud_err = run_cli("check", root)
    assert code == 1 and out == loud_out and len(out.splitlines()) == 2
    assert all(FINDING_LINE.match(line) for line in out.splitlines())
    assert "Found 2 findings" in loud_err and err == ""


def test_quiet_still_reports_input_errors(tmp_path: Path) -> None:
    root = web_tree(tmp_path, **{"broken/compose.yaml": "services:\n  a: [\n"})
    code, _, err = run_cli("check", root, "--quiet")
    assert code == 2 and "broken/compose.yaml:" in err and "Found" not in err


# -- --output-file ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "junit"])
def test_output_file_holds_what_stdout_would_and_stdout_stays_empty(
        tmp_path: Path, fmt: str) -> None:
    _, expected, _ = run_cli("check", SEED_FLEET, "--format", fmt)
    target = tmp_path / "out" / f"report.{fmt}"
    target.parent.mkdir()
    code, out, err = run_cli("check", SEED_FLEET, "--format", fmt, "--output-file", target)
    assert code == 1 and out == "" and expected
    assert target.read_text(encoding="utf-8") == expected
    assert ("Found 23 findings" in err) == (fmt == "text")


def test_output_file_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report that is much longer than nothing " * 1000)
    run_cli("check", web_tree(tmp_path / "repo"), "--format", "json", "--output-file", target)
    assert len(json.loads(target.read_text())["findings"]) == 2


def test_output_file_in_a_missing_folder_is_a_usage_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("check", SEED_FLEET, "--output-file", "nowhere/report.txt")
    assert code == 2 and out == ""
    assert err == "fixer: nowhere/report.txt: no such folder\n"
    assert not (tmp_path / "nowhere").exists()


# -- several PATHs ------------------------------------------------------------------------------

@pytest.fixture
def two_repos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """`a` has P001 and C004; `b` is clean: both as a user types them, from their parent."""
    web_tree(tmp_path / "a")
    web_tree(tmp_path / "b", compose='services:\n  web:\n    build: ./web\n    ports:\n'
                                     '      - "8000:8000"\n    healthcheck:\n      test: '
                                     '["CMD", "python", "-c", "print(1)"]\n')
    monkeypatch.chdir(tmp_path)
    return "a", "b"


def test_several_paths_are_checked_each_as_its_root_and_merged(
        tmp_path: Path, two_repos: tuple[str, str]) -> None:
    assert codes("b") == []
    copy_tree(tmp_path / "a", tmp_path / "c")
    code, out, err = run_cli("check", "a", "b", "c")
    assert code == 1
    places = sorted(line.split(":")[0] for line in out.splitlines())
    assert places == ["a/compose.yaml", "a/compose.yaml", "c/compose.yaml", "c/compose.yaml"]
    assert "Found 4 findings" in err


def test_several_paths_exit_with_the_worst_code(tmp_path: Path,
                                                two_repos: tuple[str, str]) -> None:
    assert run_cli("check", "b")[0] == 0
    assert run_cli("check", "b", "a")[0] == 1
    write_tree(tmp_path / "broken", {"compose.yaml": "services:\n  a: [\n"})
    code, _, err = run_cli("check", "b", "broken", "a")
    assert code == 2 and "broken/compose.yaml:" in err


def test_several_paths_in_json_carry_the_paths_as_typed(two_repos: tuple[str, str]) -> None:
    _, out, _ = run_cli("check", "a", "./b", "--format", "json")
    _, alone, _ = run_cli("check", "a", "--format", "json")
    merged, single = json.loads(out)["findings"], json.loads(alone)["findings"]
    assert [f["path"] for f in merged] == ["a/compose.yaml", "a/compose.yaml"]
    assert [f["path"] for f in single] == ["compose.yaml", "compose.yaml"]


def test_several_paths_in_sarif_are_one_run_each(two_repos: tuple[str, str]) -> None:
    _, out, _ = run_cli("check", "a", "b", "--format", "sarif")
    runs = json.loads(out)["runs"]
    assert len(runs) == 2 and [len(r["results"]) for r in runs] == [2, 0]


def test_several_paths_refuse_a_one_repository_format(two_repos: tuple[str, str]) -> None:
    code, out, err = run_cli("check", "a", "b", "--format", "markdown")
    assert code == 2 and out == "" and "--format markdown takes one PATH" in err


def test_a_missing_one_of_several_paths_is_a_usage_error(two_repos: tuple[str, str]) -> None:
    code, out, err = run_cli("check", "a", "nowhere")
    assert code == 2 and out == "" and "nowhere: does not exist" in err


def test_fix_takes_one_path(two_repos: tuple[str, str]) -> None:
    code, _, err = run_cli("fix", "a", "b")
    assert code == 2 and "unexpected extra argument" in err.lower()


# -- the fingerprint in JSON --------------------------------------------------------------------

def json_findings(root: Path, *argv: str) -> list[dict[str, Any]]:
    _, out, _ = run_cli("check", root, "--format", "json", *argv)
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def test_json_fingerprints_are_stable_across_line_shifts_and_unique(tmp_path: Path) -> None:
    root = copy_tree(SEED_FLEET, tmp_path / "fleet")
    before = json_findings(root)
    prints = [f["fingerprint"] for f in before]
    assert len(set(prints)) == len(prints) == 23
    assert all(len(p) == 16 and int(p, 16) >= 0 for p in prints)
    compose = root / "docker-compose.yml"
    compose.write_text("# a comment that moves every line down\n" + compose.read_text())
    after = json_findings(root)
    assert [f["line"] for f in after] != [f["line"] for f in before]
    assert sorted(f["fingerprint"] for f in after) == sorted(prints)


def test_json_fingerprint_is_the_one_sarif_shows(tmp_path: Path) -> None:
    prints = sorted(f["fingerprint"] for f in json_findings(SEED_FLEET))
    _, out, _ = run_cli("check", SEED_FLEET, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert sorted(r["partialFingerprints"]["fixerFingerprint/v1"] for r in results) == prints


def test_gitlab_fingerprints_stay_unique_over_copies_of_one_repository(
        tmp_path: Path, two_repos: tuple[str, str]) -> None:
    copy_tree(tmp_path / "a", tmp_path / "c")
    _, out, _ = run_cli("check", "a", "c", "--format", "gitlab")
    issues = json.loads(out)
    assert sorted(i["location"]["path"] for i in issues) == \
        ["a/compose.yaml", "a/compose.yaml", "c/compose.yaml", "c/compose.yaml"]
    assert len({i["fingerprint"] for i in issues}) == 4


def test_quiet_still_says_a_folder_had_no_compose_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli("check", tmp_path / "empty", web_tree(tmp_path / "repo"), "-q")
    assert code == 2 and len(out.splitlines()) == 2   # the worst: a folder not checked
    assert err.startswith(f"No compose file found in {tmp_path / 'empty'}: nothing was checked. ")
    assert err.count("\n") == 1   # one line
