"""`fixer report` and `fixer check --format markdown`: the seed audit's shape, pinned on the
seed fleet by a golden file, with its findings; -o, --after, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixer.report.text import inline
from support import REPO, SEED_FLEET, copy_tree, run_cli

GOLDEN_REPORT = REPO / "tests" / "data" / "report" / "seed-fleet.md"
REGENERATE = "fixer report examples/seed-fleet -o tests/data/report/seed-fleet.md"
SEED_SERVICES = ["gateway_service", "notification_service", "ai_modeling_service",
                 "auth_service", "usage_service", "billing_service", "invoice_service"]
PORT_MISMATCHES = {"gateway_service": 8080, "auth_service": 8001, "ai_modeling_service": 8002,
                   "billing_service": 8010, "invoice_service": 8011}


def sections(markdown: str, level: str) -> dict[str, str]:
    """Heading text -> the body under it, for headings of one level (`##` or `###`)."""
    parts = re.split(rf"^{level} (.+)$", markdown, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


def issue_section(markdown: str, heading: str) -> str:
    critical = sections(markdown, "##")["Critical Issues Found"]
    found = [body for title, body in sections(critical, "###").items() if heading in title]
    assert len(found) == 1, f"no single issue section {heading!r}"
    return found[0]


@pytest.fixture(scope="module")
def seed_report() -> str:
    code, out, err = run_cli("report", SEED_FLEET)
    assert code == 0, err
    return out


def test_the_seed_fleet_report_is_the_golden_file(seed_report: str) -> None:
    expected = GOLDEN_REPORT.read_text(encoding="utf-8")
    assert seed_report == expected, f"report changed; if that is intended: {REGENERATE}"


def test_it_has_the_seed_report_sections_in_order(seed_report: str) -> None:
    titles = re.findall(r"^## (.+)$", seed_report, flags=re.M)
    assert titles == ["Executive Summary", "Target Services Audited", "Stack Diagram",
                      "Critical Issues Found", "Detailed Findings by Service",
                      "Recommendations", "Compliance Score"]
    assert seed_report.startswith("# FastAPI Microservices Audit Report\n")
    assert str(SEED_FLEET) not in seed_report and str(REPO) not in seed_report


def test_it_names_the_seven_services_of_the_seed_audit(seed_report: str) -> None:
    audited = sections(seed_report, "##")["Target Services Audited"]
    listed = re.findall(r"^\d+\. (✅|❌) \*\*(\w+)\*\* - ", audited, flags=re.M)
    assert [name for _mark, name in listed] == SEED_SERVICES
    assert all(mark == "❌" for mark, _name in listed)  # every service has a stray Dockerfile
    details = sections(seed_report, "###")
    for service in SEED_SERVICES:
        body = details[f"❌ {service}"]
        for field in ("Structure", "Dockerfile", "Imports", "Health Endpoints",
                      "Port Configuration", "Docker Compose", "Issues"):
            assert f"- **{field}**:" in body


def test_it_lists_the_seed_port_mismatches(seed_report: str) -> None:
    body = issue_section(seed_report, "Port Mismatches in Docker Compose")
    affected = re.findall(r"^- `(\w+)`: compose expects container port (\d+)\b.*\b8000\b", body,
                          flags=re.M)
    assert {name: int(port) for name, port in affected} == PORT_MISMATCHES
    assert "**Impact**:" in body and "**Issue**:" in body


def test_it_lists_the_seed_duplicate_dockerfiles(seed_report: str) -> None:
    body = issue_section(seed_report, "Duplicate Dockerfiles")
    paths = re.findall(r"\(`(\w+/app/Dockerfile):1`\)", body)
    assert sorted(paths) == sorted(f"{s}/app/Dockerfile" for s in SEED_SERVICES)


def test_it_reports_the_missing_database_service(seed_report: str) -> None:
    body = issue_section(seed_report, "Missing Database Service")
    assert "`db`" in body
    for user in ("auth_service", "billing_service", "invoice_service", "usage_service"):
        assert user in body
    assert 'db_db[("db<br/>PostgreSQL<br/>missing: no service")]:::missing' in seed_report


def test_recommendations_separate_safe_unsafe_and_manual(seed_report: str) -> None:
    body = sections(seed_report, "##")["Recommendations"]
    parts = sections(body, "###")
    assert list(parts) == ["Fixed by `fixer fix` (safe)",
                           "Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)",
                           "Needs a Person"]
    safe = parts["Fixed by `fixer fix` (safe)"]
    assert "- `gateway_service`: Make gateway_service listen on 8080" in safe
    assert "**Missing Database Service** (C001)" in safe
    assert parts["Needs a Person"].strip() == "None."


def test_compliance_scores_every_category_and_overall(seed_report: str) -> None:
    body = sections(seed_report, "##")["Compliance Score"]
    scored = re.findall(r"^- \*\*(.+?)\*\*: (\d+)% ", body, flags=re.M)
    assert [c for c, _ in scored] == ["Structure", "Dockerfile", "Imports", "Health Endpoints",
                                      "Port Configuration", "Docker Compose"]
    # 6/7, 0/7, 7/7, 7/7, 2/7, 5/7 services pass; their mean is 27/42 = 64.3%
    assert [int(p) for _, p in scored] == [86, 0, 100, 100, 29, 71]
    assert "**Overall Compliance**: 64% - Requires fixes before production deployment" in body


def test_check_format_markdown_is_the_same_report(seed_report: str) -> None:
    code, out, _ = run_cli("check", SEED_FLEET, "--format", "markdown")
    assert code == 1  # check keeps its exit codes: there are findings
    assert out == seed_report


def test_output_file_and_exit_0_even_with_findings(tmp_path: Path, seed_report: str) -> None:
    target = tmp_path / "audit.md"
    code, out, err = run_cli("report", SEED_FLEET, "-o", target)
    assert (code, out) == (0, ""), err
    assert target.read_text(encoding="utf-8") == seed_report


def test_report_reads_the_configuration_file_as_check_does(tmp_path: Path) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "fleet")
    (fleet / "fixer.toml").write_text('select = ["P001"]\n')
    code, out, err = run_cli("report", fleet)
    assert code == 0, err
    assert run_cli("check", fleet, "--format", "markdown")[1] == out
    assert re.findall(r"^### \d+\. \*\*(.+?)\*\*", out, flags=re.M) == [
        "Port Mismatches in Docker Compose"]
    assert "- **Dockerfile**: not checked" in out


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("report", tmp_path / "nope")[0] == 2


def test_after_reports_the_fixed_tree_and_writes_nothing(tmp_path: Path) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "fleet")
    before = {p: p.read_bytes() for p in fleet.rglob("*") if p.is_file()}
    code, out, err = run_cli("report", fleet, "--after")
    assert code == 0, err
    assert {p: p.read_bytes() for p in fleet.rglob("*") if p.is_file()} == before
    assert out.startswith("# FastAPI Microservices Audit Report (after `fixer fix`)\n")
    applied = sections(out, "##")["Fixes Applied"]
    assert "C001 `auth_service`: Add a `db` postgres service" in applied
    assert "P001 `gateway_service`: Make gateway_service listen on 8080" in applied
    assert sections(out, "##")["Critical Issues Found"].strip() == "None: no rule found anything."
    assert "**Overall Compliance**: 100% - No finding in what fixer checks" in out
    assert 'svc_db[("db<br/>image postgres:17-alpine")]:::database' in out


UNSAFE_AND_MANUAL = {
    "compose.yaml": "services:\n  web:\n    build: ./web\n    depends_on: [ghost]\n",
    "web/Dockerfile": 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app"]\n',
    "web/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "web/app/Dockerfile": "FROM python:3.11-slim\n",  # differs from the built one: unsafe
}


def test_unsafe_and_display_only_findings_are_recommended_apart(tmp_path: Path) -> None:
    for path, text in UNSAFE_AND_MANUAL.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    code, out, err = run_cli("report", tmp_path, "--select", "D001,C002")
    assert code == 0, err
    parts = sections(sections(out, "##")["Recommendations"], "###")
    assert parts["Fixed by `fixer fix` (safe)"].strip() == "None."
    unsafe = parts["Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)"]
    assert "**Duplicate Dockerfiles** (D001)" in unsafe and "- `web`: " in unsafe
    manual = parts["Needs a Person"]
    assert "**Unknown Dependencies** (C002)" in manual and "ghost" in manual
    assert "web/app/Dockerfile" in sections(out, "###")["❌ web"]


def test_a_service_whose_dockerfile_is_missing_is_audited(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build: ./api\n")
    (tmp_path / "api").mkdir()
    code, out, _ = run_cli("report", tmp_path, "--select", "S001")
    assert code == 0
    assert re.search(r"^1\. ❌ \*\*api\*\* - 1 finding \(Structure\)$", out, flags=re.M)
    assert "- **Structure**: 0% ❌ (0 of 1 service)" in out


def test_an_empty_tree_is_not_scored(tmp_path: Path) -> None:
    code, out, _ = run_cli("report", tmp_path)
    assert code == 0
    assert "- **Structure**: no service to score\n" in out
    assert "**Overall Compliance**: not scored" in out


def test_unreadable_files_are_listed_and_the_verdict_says_incomplete(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "compose.yaml").write_text("services:\n  api:\n    build: ./api\n")
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "compose.yaml").write_text("services:\n  api: [\n")
    code, out, err = run_cli("report", tmp_path, "--select", "C002")
    assert code == 0, err
    assert "- `two/compose.yaml:3`: " in sections(out, "##")["Input Errors"]
    assert "**Overall Compliance**: 100% - Incomplete: some files could not be read" in out


def test_rule_text_is_escaped_but_code_spans_are_kept() -> None:
    assert inline("app/ has no __init__.py, see `__init__.py`") == \
        "app/ has no \\_\\_init\\_\\_.py, see `__init__.py`"
    assert inline("gateway_service <b>*x*</b> [y]") == \
        "gateway_service \\<b\\>\\*x\\*\\</b\\> \\[y\\]"


PROBE = """
import contextlib, io, sys
from fixer.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", sys.argv[1], "--format", "markdown"])
print(code, ",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "git"))))
"""


def test_check_format_markdown_imports_neither_libcst_nor_gitpython() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, str(SEED_FLEET)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_after_lists_a_safe_finding_whose_fix_failed_as_needing_a_person() -> None:
    """In the report of the tree after `fixer fix`, a safe finding still there is one whose
    fix failed verification: it is not "fixable with fixer fix", and the reason is shown."""
    from fixer.registry import discover
    from fixer.report.model import Audit, FixLine, FixSummary
    from fixer.rule import Finding, Report, Safety

    p001 = next(rule for rule in discover() if rule.code == "P001")
    finding = Finding(p001, Report("compose expects 8001", "compose.yaml", 4, service="api",
                                   safety=Safety.SAFE, fix_title="Make api listen on 8001"))
    reason = "breaks the stack check (reference): nginx.conf:3 no longer reaches api"
    failed = FixSummary(failed=(FixLine("P001", "api", reason),))
    after = Audit((), (), (finding,), (p001,), (), after=failed)
    assert after.safety_of(finding) is Safety.DISPLAY and after.failure_of(finding) == reason
    assert after.with_safety(Safety.SAFE) == []
    before = Audit((), (), (finding,), (p001,), ())
    assert before.safety_of(finding) is Safety.SAFE and before.failure_of(finding) is None
