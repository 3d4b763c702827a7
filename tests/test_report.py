"""`fixer report` and `fixer check --format markdown`: the seed audit's shape, pinned on the
seed fleet by a golden file, with its findings; -o, --after, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixer import engine
from fixer.core.config import Config
from fixer.app.registry import choose, discover
from fixer.formats.report.impact import Facts, impact_text, without_waiters
from fixer.formats.report.text import inline
from fixer.model.rule import Severity
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
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


CRITICAL, MINOR = "Critical Issues Found", "Minor Issues"
ISSUE_HEADING = re.compile(r"^### \d+\. \*\*(.+?)\*\* \((\w+) [\w-]+\): (?:breaks|in) "
                           r"(\d+) services?(?: \(\d+ with the finding, \d+ it stops too: see "
                           r"Impact\))?$", re.M)


def issue_section(markdown: str, heading: str, part: str = CRITICAL) -> str:
    issues = sections(markdown, "##")[part]
    found = [body for title, body in sections(issues, "###").items() if heading in title]
    assert len(found) == 1, f"no single issue section {heading!r} under {part}"
    return found[0]


def issue_headings(markdown: str, part: str) -> list[tuple[str, str, int]]:
    """(heading, code, services) of each finding type under `part`, in order."""
    body = sections(markdown, "##").get(part, "")
    return [(title, code, int(count)) for title, code, count in ISSUE_HEADING.findall(body)]


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
                      "Critical Issues Found", "Minor Issues", "Detailed Findings by Service",
                      "Recommendations", "Compliance Score"]
    assert seed_report.startswith("# FastAPI Microservices Audit Report\n")
    assert str(SEED_FLEET) not in seed_report and str(REPO) not in seed_report


def test_it_names_the_seven_services_of_the_seed_audit(seed_report: str) -> None:
    audited = sections(seed_report, "##")["Target Services Audited"]
    listed = re.findall(r"^\d+\. (✅|❌) \*\*(\w+)\*\* - ", audited, flags=re.M)
    assert [name for _mark, name in listed] == SEED_SERVICES
    # every service's healthcheck runs curl, which its slim image lacks: an error (D003)
    assert all(mark == "❌" for mark, _name in listed)
    details = sections(seed_report, "###")
    for service in SEED_SERVICES:
        body = details[f"❌ {service}"]
        for field in ("Structure", "Dockerfile", "Imports", "Health Endpoints",
                      "Port Configuration", "Docker Compose", "Issues"):
            assert f"- **{field}**:" in body


def test_it_lists_the_seed_port_mismatches_as_critical(seed_report: str) -> None:
    body = issue_section(seed_report, "Port Mismatches in Docker Compose")
    affected = re.findall(r"^- `(\w+)`: compose expects container port (\d+)\b.*\b8000\b", body,
                          flags=re.M)
    assert {name: int(port) for name, port in affected} == PORT_MISMATCHES
    assert "**Impact**:" in body and "**Issue**:" in body


def test_it_lists_the_seed_duplicate_dockerfiles_as_minor(seed_report: str) -> None:
    body = issue_section(seed_report, "Duplicate Dockerfiles", MINOR)
    paths = re.findall(r"\(`(\w+/app/Dockerfile):1`\)", body)
    assert sorted(paths) == sorted(f"{s}/app/Dockerfile" for s in SEED_SERVICES)


def test_it_reports_the_missing_database_service_as_critical(seed_report: str) -> None:
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
    # 6/7, 0/7, 7/7, 7/7, 2/7, 5/7 services pass
    assert [int(p) for _, p in scored] == [86, 0, 100, 100, 29, 71]
    # error-free 7/7, 0/7, 7/7, 7/7, 2/7, 6/7 (C001 on auth_service; S002, D001 and C003 are
    # warnings): (3 × 29/7 + 27/7) / (4 × 6) = 114/168 = 67.9%
    assert "**Overall Compliance**: 68% - Requires fixes before production deployment" in body


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
    assert re.search(r"^1\. ❌ \*\*api\*\* - 1 critical issue \(Structure\)$", out, flags=re.M)
    assert "- **Structure**: 0% ❌ (0 of 1 service; 1 with errors)" in out


def test_a_stack_with_no_built_service_is_not_scored(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  cache:\n    image: redis:7\n")
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
    assert code == 2, err   # the report is written, and the exit code says it is incomplete
    assert "- `two/compose.yaml:3`: " in sections(out, "##")["Input Errors"]
    assert "**Overall Compliance**: 100% - Incomplete: some files could not be used" in out


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


@pytest.mark.slow  # a fresh interpreter
def test_check_format_markdown_imports_neither_libcst_nor_gitpython() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, str(SEED_FLEET)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_after_lists_a_safe_finding_whose_fix_failed_as_needing_a_person() -> None:
    """In the report of the tree after `fixer fix`, a safe finding still there is one whose
    fix failed verification: it is not "fixable with fixer fix", and the reason is shown."""
    from fixer.app.registry import discover
    from fixer.formats.report.fixrun import FixLine, FixSummary
    from fixer.formats.report.model import Audit
    from fixer.model.rule import Finding, Fix, Safety, Violation

    p001 = next(rule for rule in discover() if rule.code == "P001")
    fix = Fix("Make api listen on 8001", Safety.SAFE, lambda: [])
    finding = Finding(p001, Violation("compose expects 8001", "compose.yaml", 4, service="api",
                                      fix=fix))
    reason = "breaks the stack check (reference): nginx.conf:3 no longer reaches api"
    failed = FixSummary(failed=(FixLine("P001", "api", reason),))
    after = Audit((), (), (finding,), (p001,), (), after=failed)
    assert after.safety_of(finding) is Safety.DISPLAY and after.failure_of(finding) == reason
    assert after.with_safety(Safety.SAFE) == []
    before = Audit((), (), (finding,), (p001,), ())
    assert before.safety_of(finding) is Safety.SAFE and before.failure_of(finding) is None
    # before the fixes, a fix the run could not make is not counted as fixable either
    from fixer.formats.report.fixrun import FixRun
    failing = Audit((), (), (finding,), (p001,), (), run=FixRun(failed=failed.failed))
    assert failing.safety_of(finding) is Safety.DISPLAY and failing.failure_of(finding) == reason


# -- ranked by impact ------------------------------------------------------------------------

def severity_of(code: str) -> Severity:
    return next(rule.severity for rule in discover() if rule.code == code)


def test_critical_issues_are_the_errors_those_that_break_most_services_first(
        seed_report: str) -> None:
    critical = issue_headings(seed_report, CRITICAL)
    # D003: every service's healthcheck; P001: five ports; C001: the four DATABASE_URL users
    assert [(code, count) for _title, code, count in critical] == [
        ("D003", 7), ("P001", 5), ("C001", 4)]
    minor = issue_headings(seed_report, MINOR)
    assert [(code, count) for _title, code, count in minor] == [
        ("D001", 7), ("S002", 1), ("C003", 1)]
    assert {severity_of(code) for _t, code, _c in critical} == {Severity.ERROR}
    assert {severity_of(code) for _t, code, _c in minor} == {Severity.WARNING}


def test_the_report_counts_the_fixes_the_diff_makes(seed_report: str) -> None:
    result = engine.fix(Tree(FolderSource(SEED_FLEET)), choose(discover(), None, None), Config())
    made = len(result.applied)
    assert f"`fixer fix` makes {made} fixes" in sections(seed_report, "##")["Executive Summary"]
    safe = sections(sections(seed_report, "##")["Recommendations"], "###")[
        "Fixed by `fixer fix` (safe)"]
    # the two C003 entries of gateway_service are one fix: one line, as one commit
    assert len(re.findall(r"^   - ", safe, flags=re.M)) == made


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


HEALTH_APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
              'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')
NO_DOCKERFILE = {
    "compose.yaml": ("services:\n  api:\n    build: ./api\n    ports:\n      - \"8080:8080\"\n"
                     "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
                     "\"http://localhost:8080/health\"]\n      interval: 10s\n"),
    "api/requirements.txt": "fastapi\nuvicorn\n",
    "api/app/__init__.py": "",
    "api/app/main.py": HEALTH_APP,
}


def test_a_revealed_finding_is_shown_with_the_fix_that_reveals_it(tmp_path: Path) -> None:
    """S001 writes a python-slim Dockerfile (unsafe); only then can D003 see that the
    healthcheck's curl is missing from it. The same run fixes it: the report says so and
    counts both fixes, as the diff makes both."""
    root = write_tree(tmp_path / "repo", NO_DOCKERFILE)
    code, out, err = run_cli("report", root, "--unsafe-fixes")
    assert code == 0, err
    result = engine.fix(Tree(FolderSource(root)), choose(discover(), None, None),
                        Config(unsafe_fixes=True))
    made, revealed = len(result.applied), len(result.applied) - 1
    assert made >= 2 and [a.finding.code for a in result.applied][0] == "S001"
    assert (f"`fixer fix --unsafe-fixes` makes {made} fixes, {revealed} of them for findings "
            "that appear only once another fix is in") in out
    unsafe = sections(sections(out, "##")["Recommendations"], "###")[
        "Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)"]
    assert re.search(r"^   - `api`: Write a standard FastAPI Dockerfile at api/Dockerfile\n"
                     r"(     - then, revealed once the S001 fix of `api` is in: .*\n)*"
                     r"     - then, revealed once the S001 fix of `api` is in: D003 `api`: the "
                     r"healthcheck .* runs curl.*Fixed in the same run: Install curl", unsafe,
                     flags=re.M), unsafe
    assert len(re.findall(r"^ *- (`api`: Write|then, revealed)", unsafe, flags=re.M)) == made
    # and the diff of `fixer fix` makes that fix
    diff = run_cli("fix", root, "--unsafe-fixes")[1]
    assert "+++ b/api/Dockerfile" in diff and "curl" in diff
    after = run_cli("report", root, "--unsafe-fixes", "--after")[1]
    assert re.search(r"^\d+\. D003 `api`: Install curl in the final stage \(revealed by the "
                     r"S001 fix of `api`\)$", sections(after, "##")["Fixes Applied"], flags=re.M)


SLIM = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\n"
        'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


def api_service(dockerfile: str = "", main: str = HEALTH_APP) -> dict[str, str]:
    """`api/`: a FastAPI app built by `dockerfile` (python slim's, CMD on 8000, by default)."""
    return {"api/Dockerfile": dockerfile or SLIM, "api/requirements.txt": "fastapi\nuvicorn\n",
            "api/app/__init__.py": "", "api/app/main.py": main}
FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"


def curl_on_slim(wait: str) -> dict[str, str]:
    """`api` probes itself with curl, which its slim image lacks (D003); `web`, a Flask
    frontend, depends on it as `wait` says."""
    compose = ("services:\n"
               "  api:\n    build: ./api\n    ports:\n      - \"8000:8000\"\n"
               "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
               "\"http://localhost:8000/health\"]\n"
               f"  web:\n    build: ./web\n    depends_on:\n{wait}")
    return {"compose.yaml": compose, "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\n",
            "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP,
            "web/Dockerfile": "FROM python:3.12-slim\nCMD [\"flask\", \"run\"]\n",
            "web/app.py": FLASK}


def test_waiting_services_are_named_only_where_some_wait(tmp_path: Path) -> None:
    healthy = "      api:\n        condition: service_healthy\n"
    code, out, err = run_cli("report", write_tree(tmp_path / "a", curl_on_slim(healthy)),
                             "--select", "D003")
    assert code == 0, err
    impact = issue_section(out, "Healthcheck Tools Missing")
    assert ("Here every service that waits for it to be healthy never starts: `web` (waits "
            "for `api`).") in impact
    # web never starts either: two services broken
    assert issue_headings(out, CRITICAL) == [
        ("Healthcheck Tools Missing from Images", "D003", 2)]
    code, out, err = run_cli("report", write_tree(tmp_path / "b", curl_on_slim("      - api\n")),
                             "--select", "D003")
    assert code == 0, err
    assert "waits for it" not in out
    assert issue_headings(out, CRITICAL) == [
        ("Healthcheck Tools Missing from Images", "D003", 1)]


def test_no_rule_claims_waiting_services_in_a_repository_without_them(tmp_path: Path) -> None:
    facts = Facts.of(Workspace.load(Tree(FolderSource(write_tree(tmp_path, NO_DOCKERFILE)))))
    for rule in discover():
        assert "waits for it" not in impact_text(rule, [], facts), rule.code


def test_health_impact_claims_a_failing_probe_only_where_one_exists(tmp_path: Path) -> None:
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\n",
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "H001")
    assert code == 0, err
    impact = issue_section(out, "Missing Health Endpoints", MINOR)
    assert "decide that a container is healthy by calling it" in impact
    assert "404" not in impact and "waits for it" not in impact


def test_probe_impact_keeps_its_claims_when_nobody_waits(tmp_path: Path) -> None:
    """Only the waiters clause goes: the 404 said before it in the same sentence stays."""
    files = {"compose.yaml": ("services:\n  api:\n    build: ./api\n    healthcheck:\n"
                              "      test: [\"CMD\", \"python\", \"-c\", \"import urllib.request;"
                              " urllib.request.urlopen('http://localhost:8000/health')\"]\n"),
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\n",
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "H002")
    assert code == 0, err
    impact = issue_section(out, "Health Probe Not Served")
    assert ("**Impact**: The probe asks for a path the app does not serve: each try that "
            "reaches the app gets 404, the container never becomes healthy, and `docker "
            "compose up --wait` fails.") in impact
    assert "waits for it" not in impact


@pytest.mark.parametrize("text, kept", [
    ("The probe fails, and every service that waits for it never starts.", "The probe fails."),
    ("The probe fails: the container is down, every service that waits for it with "
     "`condition: service_healthy` never starts, and `up --wait` fails. Logs say why.",
     "The probe fails: the container is down, and `up --wait` fails. Logs say why."),
    ("Every service that waits for it never starts. Logs say why.", "Logs say why."),
    ("The app is fine. So every service that waits for it (`service_healthy`) never starts.",
     "The app is fine."),
])
def test_impact_drops_the_waiters_clause_and_nothing_before_it(text: str, kept: str) -> None:
    assert without_waiters(text) == kept


def test_port_impact_names_only_the_claims_that_miss(tmp_path: Path) -> None:
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n    expose:\n      - \"8080\"\n",
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\n",
             "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "P001")
    assert code == 0, err
    impact = issue_section(out, "Port Mismatches")
    assert "The exposed port reaches nothing" in impact
    assert "Published ports" not in impact and "healthcheck" not in impact


def test_image_services_are_drawn_but_not_scored(tmp_path: Path) -> None:
    compose = ("services:\n"
               "  api:\n    build: ./api\n    environment:\n"
               "      DATABASE_URL: postgresql://app:secret@db:5432/app\n"
               "  db:\n    image: postgres:16\n"
               "  cache:\n    image: redis:7-alpine\n"
               "  prometheus:\n    image: prom/prometheus:v2.53.0\n    depends_on: [grafana]\n")
    files = {"compose.yaml": compose, "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\n",
             "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C002,D001")
    assert code == 0, err
    summary = sections(out, "##")["Executive Summary"]
    assert "Audited 1 service that fixer builds" in summary
    assert "not scored: `db`, `cache`, `prometheus`." in summary
    assert re.findall(r"^\d+\. .+$", sections(out, "##")["Target Services Audited"],
                      flags=re.M) == ["1. ✅ **api** - Compliant: no findings"]
    for node in ("svc_db", "svc_cache", "svc_prometheus"):
        assert f"  {node}[" in out
    # the finding on the image service is reported, and breaks the stack compose refuses
    assert "- `prometheus`: " in issue_section(out, "Unknown Dependencies")
    assert "- **Docker Compose**: 100% ✅ (1 of 1 service)" in out


def test_a_database_url_in_the_databases_own_env_file_draws_no_edge(tmp_path: Path) -> None:
    # db.env gives postgres its user and api its DATABASE_URL: postgres calls nothing
    env = "POSTGRES_PASSWORD=app\nDATABASE_URL=postgresql://postgres:app@db:5432/postgres\n"
    compose = ("services:\n  db:\n    image: postgres:16\n    env_file: [./db.env]\n"
               "  api:\n    build: ./api\n    env_file: [./db.env]\n")
    files = {"compose.yaml": compose, "db.env": env, "api/Dockerfile": SLIM,
             "api/requirements.txt": "fastapi\n", "api/app/__init__.py": "",
             "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C002")
    assert code == 0, err
    assert re.findall(r"^  (\w+) -->\|\"DATABASE_URL\"\| (\w+)$", out, flags=re.M) == [
        ("svc_api", "svc_db")]


def test_a_command_module_the_image_lacks_is_why_the_app_code_was_not_checked(
        tmp_path: Path) -> None:
    dockerfile = SLIM.replace('"app.main:app"', '"main:app"')
    assert dockerfile != SLIM
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n", "api/Dockerfile": dockerfile,
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
             "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "- **Health Endpoints**: Not checked (the command serves `main:app`, and fixer " \
        "finds no main.py in /app, where it runs, nor on the image's import path, so the app " \
        "may stop at start-up)" in out


def test_a_build_target_that_is_no_stage_leaves_the_service_unchecked(tmp_path: Path) -> None:
    # the compose file was read: the build fails, the Dockerfile is there, nothing is passed
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
             "worker/compose.yaml": "services:\n  worker:\n    build:\n      context: .\n"
                                    "      target: final\n",
             "worker/Dockerfile": "FROM alpine:3.20\nCMD [\"echo\", \"hi\"]\n", **api_service()}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 2, err
    assert "fixer could not use these files as written; the findings below leave out what " \
        "they define." in out
    assert 'svc_worker["worker<br/>Dockerfile not read"]' in out
    assert "2. ➖ **worker** - Not checked: worker/compose.yaml:5: build target `final` of " \
        "worker is no stage of worker/Dockerfile" in out
    assert "Compliant: no findings" not in sections(out, "##")["Target Services Audited"] \
        .split("**worker**")[1]


def test_a_finding_fixed_after_unsafe_fixes_is_not_said_to_have_no_fix(tmp_path: Path) -> None:
    # users' base image is unknown: its C004 fix is unsafe, and C005's rewrite of orders'
    # list waits for it; `--unsafe-fixes` makes both
    mirror = SLIM.replace("FROM python:3.12-slim", "FROM mirror.example.com/python:3.12-slim")
    files = {"compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
                             "      POSTGRES_PASSWORD: example\n  users:\n    build: ./users\n"
                             "  orders:\n    build: ./orders\n    depends_on:\n      - db\n"
                             "      - users\n"}
    for name in ("users", "orders"):
        files |= {f"{name}/{path.split('/', 1)[1]}": text
                  for path, text in api_service(mirror).items()}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    [line] = [ln for ln in out.splitlines() if ln.startswith("  - ⚠️ C005")]
    assert "Fix (with `--unsafe-fixes`, after the unsafe fixes it waits on): " in line, line
    assert "No automatic fix" not in line


def test_a_rule_crash_is_listed_apart_from_input_errors() -> None:
    """A crashing rule is a bug in fixer: the report says so, apart from the files that could
    not be read, and names no file of the repository for it."""
    from fixer.core.errors import InputError, RuleCrash
    from fixer.formats.report import markdown
    from fixer.formats.report.model import Audit

    crash = RuleCrash("D001", "detect", KeyError("x"))
    unreadable = InputError("compose.yaml", 3, "mapping values are not allowed here")
    out = "\n".join(markdown._errors(Audit((), (), (), (), (), errors=(unreadable, crash))))
    inputs, crashes = out.split("## Rules That Crashed")
    assert "- `compose.yaml:3`: mapping values" in inputs and "D001" not in inputs
    assert "- D001 (detect): KeyError: 'x'" in crashes and "compose.yaml" not in crashes


@pytest.mark.parametrize(("run", "said"), [
    pytest.param('import os\n\nos.execvp("uvicorn", ["uvicorn", "app.main:app"])\n',
                 "Not checked (its build context imports fastapi, but fixer cannot tell that what "
                 "the container runs serves it)", id="launcher-not-read"),
    # a script that imports no framework or server, nor anything fixer does not follow
    pytest.param("print('a job')\n", "Not applicable (it runs `python run.py`, which imports "
                 "no web framework or server, not a FastAPI server)", id="job"),
    pytest.param("from tasks import work\n\nwork()\n", "Not checked (its build context "
                 "imports fastapi", id="job-importing-a-module-that-runs-a-subprocess"),
    pytest.param('import uvicorn\n\nuvicorn.run("app.main:app", host="0.0.0.0")\n', "✅ No "
                 "findings", id="app-service")])
def test_a_service_fixer_finds_no_server_in_is_not_called_one_without_an_app(
        tmp_path: Path, run: str, said: str) -> None:
    """`python run.py` that execs uvicorn serves the FastAPI app of its build context: fixer
    does not read how, so the app-only categories are "not checked", never "not applicable
    (no FastAPI app)"; and the compose file that only holds an image service is named as
    read, not as one the audited services are built from."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
             "db/compose.yaml": "services:\n  db:\n    image: postgres:16\n",
             "api/Dockerfile": SLIM.replace("COPY app ./app", "COPY . .").rsplit("CMD", 1)[0]
             + 'CMD ["python", "run.py"]\n',
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/run.py": run,
             "api/tasks.py": "import subprocess\n\n\ndef work():\n"
                             "    subprocess.run(['serve'], check=True)\n",
             "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "H001")
    assert code == 0, err
    assert f"- **Health Endpoints**: {said}" in out, out
    assert "no FastAPI app" not in out, out
    assert "builds from `compose.yaml` (also read: `db/compose.yaml`)" in out, out
    # the summary's "nothing to fix" and its compliance speak of the rules that ran only
    untold = "App checks not run on `api` (see below): its imports, health routes and app " \
        "ports are not scored."
    assert (untold in out) is said.startswith("Not checked"), out


@pytest.mark.parametrize(("package", "said"), [
    pytest.param("", "Not applicable (it runs `python -m app.worker`, which imports no web "
                 "framework or server, not a FastAPI server)", id="worker-module"),
    # importing the package runs its __init__, which builds the app: fixer cannot tell more
    pytest.param("from .main import app  # noqa: F401\n", "Not checked (its build context "
                 "imports fastapi", id="package-that-imports-the-app")])
def test_a_worker_run_as_a_module_is_no_app_service(tmp_path: Path, package: str,
                                                     said: str) -> None:
    """`python -m app.worker` runs app/__init__.py, then app/worker.py: where neither
    imports a framework or server, the app-only categories do not apply, as they do not to
    `python worker.py`."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n  worker:\n"
                             "    build: ./api\n    command: python -m app.worker\n",
             **api_service(main=HEALTH_APP), "api/app/__init__.py": package,
             "api/app/worker.py": "import time\n\nwhile True:\n    time.sleep(5)\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    worker = out.split("### ✅ worker", 1)[1].split("### ", 1)[0]
    assert f"- **Health Endpoints**: {said}" in worker, out


def test_d003_impact_where_compose_replaces_the_images_healthcheck(tmp_path: Path) -> None:
    """The image's HEALTHCHECK runs curl, which the slim image lacks, but compose gives the
    service a healthcheck of its own that passes: under compose the container becomes
    healthy and `web`, which waits for it, starts. The Impact says where it fails."""
    compose = ("services:\n  api:\n    build: ./api\n    healthcheck:\n      test: [\"CMD\", "
               "\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen("
               "'http://localhost:8000/health')\"]\n  web:\n    image: nginx:1.27-alpine\n"
               "    depends_on:\n      api:\n        condition: service_healthy\n")
    dockerfile = SLIM.replace("EXPOSE 8000\n", "EXPOSE 8000\nHEALTHCHECK CMD curl -f "
                              "http://localhost:8000/health || exit 1\n")
    files = {"compose.yaml": compose, **api_service(dockerfile)}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "D003")
    assert code == 0, err
    [impact] = re.findall(r"^\*\*Impact\*\*: (.+)$", out, flags=re.M)
    assert impact.startswith("The image's own HEALTHCHECK fails on every run, its tool not "
                             "found, wherever the image runs without compose's healthcheck"), \
        impact
    assert "never starts" not in impact and "however well the app runs" not in impact, impact
    assert "(D003 healthcheck-tool-missing): breaks 1 service" in out, out


@pytest.mark.parametrize(("assignment", "said"), [
    pytest.param("APP_MODULE=${APP_MODULE:-app.main:app}\n", "⚠️ H001 missing-health-endpoint",
                 id="script-default"),
    pytest.param('APP_MODULE=${APP_MODULE:-"app.main:app"}\n', "⚠️ H001 missing-health-endpoint",
                 id="quoted-script-default"),
    pytest.param("", "Not checked (fixer cannot find the app module its command serves)",
                 id="unset")])
def test_an_app_module_read_from_a_variable_of_the_start_script(
        tmp_path: Path, assignment: str, said: str) -> None:
    """`exec uvicorn "$APP_MODULE"` serves the module the script's default names; where
    nothing names it, the health rules read no app, and the report does not call them
    passed."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n"
                               "RUN pip install fastapi uvicorn\nEXPOSE 80\n"
                               'CMD ["/app/start.sh"]\n',
             "api/start.sh": f"#!/bin/sh\n{assignment}"
                             'exec uvicorn --host 0.0.0.0 --port 80 "$APP_MODULE"\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "H001")
    assert code == 0, err
    assert f"- **Health Endpoints**: {said}" in out, out
    # a service the health rules read nothing of is not scored as passing them
    score = "no service to score" if not assignment else "0% ❌ (0 of 1 service"
    assert f"- **Health Endpoints**: {score}" in out, out


def test_a_finding_another_fix_settles_is_not_given_a_fix_of_its_own(tmp_path: Path) -> None:
    """The app serves `GET /ping` only: C004 probes it, which settles H001, whose own rule
    adds nothing. The report names the C004 fix, never H001's summary as a fix."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/app/__init__.py": "",
             "api/app/main.py": HEALTH_APP.replace('"/health"', '"/ping"')}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "Settled by the C004 fix of api: Add a healthcheck on http://localhost:8000/ping" \
        in out, out
    assert "- `api`: settled by the C004 fix of api (Add a healthcheck" in out, out
    assert "The FastAPI app serves no health route. (once the fixes" not in out, out


def test_services_of_one_name_built_from_different_folders_are_audited_apart(
        tmp_path: Path) -> None:
    """`one/` and `two/` are separate stacks, each with an `api` built from its own folder:
    two services, one with findings and one without, shown with their folders."""
    files: dict[str, str] = {}
    for folder, extra in (("one", ""), ("two", "EXPOSE 8000\n")):
        files |= {f"{folder}/compose.yaml": "services:\n  api:\n    build: .\n",
                  f"{folder}/Dockerfile": SLIM.replace("EXPOSE 8000\n", extra),
                  f"{folder}/requirements.txt": "fastapi\nuvicorn\n",
                  f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "P002")
    assert code == 0, err
    assert "Audited 2 services" in out and "with none: 1." in out, out
    assert "1. ✅ **api (one/)** - Compliant with minor issues" in out, out
    assert "2. ✅ **api (two/)** - Compliant: no findings" in out, out
    assert "- **Port Configuration**: 50% ⚠️ (1 of 2 services" in out, out


def test_findings_of_services_of_one_name_are_counted_and_listed_apart(
        tmp_path: Path) -> None:
    """Both `api`s lack EXPOSE: the finding type is in 2 services, not 1, and the fix list
    has one line for each fix `fixer fix` makes, each naming its folder."""
    files: dict[str, str] = {}
    for folder in ("one", "two"):
        files |= {f"{folder}/compose.yaml": "services:\n  api:\n    build: .\n",
                  f"{folder}/Dockerfile": SLIM.replace("EXPOSE 8000\n", ""),
                  f"{folder}/requirements.txt": "fastapi\nuvicorn\n",
                  f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "P002")
    assert code == 0, err
    assert "(P002 expose-mismatch): in 2 services" in out, out
    safe = sections(sections(out, "##")["Recommendations"], "###")["Fixed by `fixer fix` (safe)"]
    assert "   - `api (one/)`: Add EXPOSE 8000\n   - `api (two/)`: Add EXPOSE 8000" in safe, safe
    assert "- `api (one/)`: final stage has no EXPOSE" in out, out


def test_s001_impact_where_the_build_context_folder_is_missing(tmp_path: Path) -> None:
    """Compose stops at a missing context folder before it reads any Dockerfile: the Impact
    does not quote the error of a folder that lacks only its Dockerfile."""
    files = {"compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "S001")
    assert code == 0, err
    [impact] = re.findall(r"^\*\*Impact\*\*: (.+)$", out, flags=re.M)
    assert "unable to prepare context" in impact, impact
    assert "failed to read dockerfile" not in impact, impact


# the Dockerfile of a service whose module is `main.py` at its build context's root
ROOT_MODULE = SLIM.replace("COPY app ./app", "COPY . .").replace("app.main:app", "main:app")


def test_a_database_finding_counts_against_the_app_that_cannot_wait_for_it(
        tmp_path: Path) -> None:
    """C005 is reported at the image of `mongo`, which fixer does not build: it is about
    `api`, whose `depends_on` cannot wait for it and which its fix gates. It counts against
    `api`, so the summary, the service's lines and the scores say one minor issue."""
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "    depends_on: [mongo]\n    healthcheck:\n      test: [\"CMD\",\"python\",\"-c\","
               "\"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\"]"
               "\n  mongo:\n    image: \"mongo:7.0\"\n")
    files = {"compose.yaml": compose, "api/Dockerfile": ROOT_MODULE,
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "Found 1 finding of 1 type: 0 critical issues and 1 minor. Services with critical " \
        "issues: 0 of 1; with minor issues only: 1; with none: 0." in out, out
    assert "1. ✅ **api** - Compliant with minor issues: 1 minor issue (Docker Compose)" in out
    assert "- **Docker Compose**: ⚠️ C005 database-not-healthchecked" in out, out
    assert "- ⚠️ C005 `compose.yaml:9`: mongo (mongo:7.0) has no healthcheck" in out, out
    assert "- **Docker Compose**: 0% ❌ (0 of 1 service; 1 with warnings)" in out, out
    assert "**Overall Compliance**: 96% - Compliant with minor issues" in out, out
    assert issue_headings(out, MINOR) == [("Database Not Healthchecked", "C005", 1)]


def celery_and_nginx(worker: str, frontend: str) -> dict[str, str]:
    """`backend` serves the FastAPI app of the root context; `worker` builds the same image
    and runs `worker`; `frontend` builds nginx from the same context."""
    compose = ("services:\n"
               "  backend:\n    build:\n      context: .\n      dockerfile: backend/Dockerfile\n"
               "    ports: [\"8000:8000\"]\n"
               "  worker:\n    build:\n      context: .\n      dockerfile: backend/Dockerfile\n"
               f"    command: {worker}\n"
               "  frontend:\n    build:\n      context: .\n      dockerfile: frontend/Dockerfile\n")
    return {"compose.yaml": compose, "backend/Dockerfile": ROOT_MODULE,
            "requirements.txt": "fastapi\nuvicorn\ncelery\n", "main.py": HEALTH_APP,
            "tasks.py": "from celery import Celery\n\napp = Celery(\"tasks\")\n",
            "manage.py": "import sys\n", "frontend/Dockerfile": frontend,
            "frontend/index.html": "<html></html>\n",
            "worker-start.sh": "#!/usr/bin/env bash\nset -e\n# wait for the broker\n"
                               "python pre_start.py\n\ncelery --app=tasks worker -l info\n"}


NGINX = ("FROM nginx:alpine\nCOPY frontend/index.html /usr/share/nginx/html/index.html\n"
         'CMD ["nginx","-g","daemon off;"]\n')


UNTOLD = ("Not checked (its build context imports fastapi, but fixer cannot tell that what the "
          "container runs serves it)")


@pytest.mark.parametrize(("worker", "frontend", "said"), [
    pytest.param("celery --app=tasks worker", NGINX, "it runs celery", id="celery"),
    pytest.param("poetry run celery -A tasks worker", NGINX.rsplit("CMD", 1)[0],
                 "it runs celery", id="poetry-run-and-the-nginx-image-cmd"),
    pytest.param("[\"python\", \"-m\", \"pytest\"]", NGINX, "it runs pytest", id="python-m"),
    pytest.param("sh -c 'alembic upgrade head && uv run flower'", NGINX, "it runs flower",
                 id="shell-script"),
    pytest.param("python manage.py runserver", NGINX, "it runs Django's manage.py",
                 id="django"),
    pytest.param("python consumer.py", NGINX, None, id="a-script-fixer-does-not-read"),
    pytest.param("bash worker-start.sh", NGINX, "it runs celery",
                 id="the-last-command-of-a-start-script"),
    pytest.param("watchfiles --filter python celery.__main__.main --args '-A tasks worker'",
                 NGINX, "it runs celery", id="watchfiles-restarting-celerys-entry-point"),
    pytest.param("watchfiles --filter=python 'celery -A tasks worker' /app", NGINX,
                 "it runs celery", id="watchfiles-restarting-a-command"),
    pytest.param("watchfiles tasks.main", NGINX, None, id="watchfiles-a-function-of-its-own"),
    pytest.param("[\"./entrypoint.sh\", \"./worker-start.sh\"]", NGINX, "it runs celery",
                 id="an-entrypoint-script-that-runs-its-arguments"),
    pytest.param("[\"./entrypoint.sh\", \"python\", \"consumer.py\"]", NGINX, None,
                 id="an-entrypoint-script-that-runs-a-script-fixer-does-not-read"),
])
def test_a_service_that_runs_no_fastapi_server_is_not_applicable(
        tmp_path: Path, worker: str, frontend: str, said: str | None) -> None:
    """Their build context imports fastapi, but what the containers run serves no FastAPI
    app: the report says what they run; "not checked" only where fixer cannot tell (a
    script it does not read may start the app's server). A start script that waits for the
    database, then runs its arguments (`exec "$@"`), runs what they run."""
    files = {**celery_and_nginx(worker, frontend),
             "entrypoint.sh": "#!/bin/sh\nset -e\npython wait_for_db.py\nexec \"$@\"\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    details = sections(out, "###")
    for name, state in (("worker", f"Not applicable ({said}, not a FastAPI server)"
                         if said else UNTOLD),
                        ("frontend", "Not applicable (it runs nginx, not a FastAPI server)")):
        for field in ("Imports", "Health Endpoints", "Port Configuration"):
            assert f"- **{field}**: {state}" in details[f"✅ {name}"], details[f"✅ {name}"]
        # the app's Structure rules (S002, S003, S004, S005 read the app's package and modules)
        # judged neither: not applicable, or not checked where fixer cannot tell
        structure = "- **Structure**: ✅ No findings (S001)" + (
            "; not checked: S002, S003, S004, S005" if state == UNTOLD else "")
        assert structure + "\n" in details[f"✅ {name}"], details
    assert "**frontend** - Compliant: no findings\n" in out, out


def test_a_manage_py_the_context_does_not_hold_runs_no_django(tmp_path: Path) -> None:
    """`python manage.py runserver` left over from another project, in a context with no
    manage.py: the container stops at once, and no Django app is there to call the service
    "not applicable"; it is one fixer did not check."""
    files = celery_and_nginx("python manage.py runserver 0.0.0.0:8002", NGINX)
    del files["manage.py"]
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert f"- **Health Endpoints**: {UNTOLD}" in sections(out, "###")["✅ worker"], out


def test_a_start_script_that_shifts_its_host_argument_runs_no_postgres(tmp_path: Path) -> None:
    """`wait-for-postgres.sh postgres uvicorn ...`, a script that takes the host, `shift`s it
    and runs the rest: the container runs uvicorn, not postgres, so the service is one fixer
    did not check, never "not applicable (it runs postgres)"."""
    files = {**celery_and_nginx('["./wait-for-postgres.sh", "postgres", "uvicorn", '
                                '"app.main:app"]', NGINX),
             "wait-for-postgres.sh": "#!/bin/sh\nset -e\nhost=\"$1\"\nshift\n"
                                     "until pg_isready -h \"$host\"; do sleep 1; done\n"
                                     "exec \"$@\"\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert f"- **Health Endpoints**: {UNTOLD}" in sections(out, "###")["✅ worker"], out


@pytest.mark.parametrize(("base", "command", "server"), [
    ("postgres:16", "", "postgres"),
    ("postgres:16", "    command: [\"postgres\", \"-c\", \"max_connections=100\"]\n", "postgres"),
    ("traefik:v3.1", "", "traefik"),
    ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "", "elasticsearch"),
    ("minio/minio:latest", "    command: minio server /data --console-address \":9001\"\n",
     "minio"),
], ids=["the-images-own-command", "the-server-given-options", "a-proxy", "a-search-engine",
        "its-server-run-by-compose"])
def test_a_server_built_on_its_image_from_the_apps_context_is_not_applicable(
        tmp_path: Path, base: str, command: str, server: str) -> None:
    """`db` builds `FROM postgres` (an init script added) from the root context, which also
    holds the FastAPI app: it runs postgres, so the report calls its app categories not
    applicable and a clean check does not name it among the apps it did not check; so
    does a proxy built on its image."""
    files = {"compose.yaml": "services:\n  db:\n    build:\n      context: .\n"
                             "      dockerfile: db.Dockerfile\n" + command,
             "db.Dockerfile": f"FROM {base}\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
             "init.sql": "CREATE TABLE t (id int);\n",
             "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    root = write_tree(tmp_path, files)
    code, out, err = run_cli("report", root)
    assert code == 0, err
    assert f"- **Imports**: Not applicable (it runs {server}, not a FastAPI server)" in \
        sections(out, "###")["✅ db"], out
    code, out, err = run_cli("check", root)
    assert (code, out, err.strip()) == (0, "", "All checks passed."), (out, err)


def test_a_binary_in_an_image_without_python_is_not_applicable(tmp_path: Path) -> None:
    """`api` builds a Go binary into distroless `static` from a context that also holds a
    FastAPI app: its image has no Python, so no app of that context runs there."""
    go = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
          "RUN go build -o /app/server ./go\n"
          "FROM gcr.io/distroless/static-debian12:nonroot\n"
          "COPY --from=build /app/server /app/server\nENTRYPOINT [\"/app/server\"]\n")
    files = {"compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
                             "      dockerfile: go/Dockerfile\n",
             "go/Dockerfile": go, "go/main.go": "package main\n\nfunc main() {}\n",
             "py/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert UNTOLD not in out, out
    assert "- **Imports**: Not applicable" in sections(out, "###")["✅ api"], out


def test_an_app_service_with_no_dockerfile_is_not_checked_rather_than_not_applicable(
        tmp_path: Path) -> None:
    """`api` runs `uvicorn main:app` from a context with no Dockerfile (S001): fixer read no
    image, so its app checks were not run; `worker` runs celery, which serves no app."""
    compose = ("services:\n  worker:\n    build: ./src\n    command: celery --app=tasks worker\n"
               "  api:\n    build: ./src\n    ports: [\"8000:8000\"]\n"
               "    command: uvicorn main:app --host 0.0.0.0 --port 8000\n")
    files = {"compose.yaml": compose, "src/main.py": HEALTH_APP,
             "src/tasks.py": "from celery import Celery\n\napp = Celery(\"tasks\")\n",
             "src/requirements.txt": "fastapi\nuvicorn\ncelery\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    details = sections(out, "###")
    for field in ("Imports", "Health Endpoints", "Port Configuration"):
        assert f"- **{field}**: Not checked (no Dockerfile to read: S001)" in details["❌ api"]
        assert f"- **{field}**: Not applicable (it runs celery, not a FastAPI server)" in \
            details["❌ worker"]
    assert "no FastAPI app" not in out, out
    # nor were the Dockerfile rules run: neither service is scored there
    for service in ("❌ api", "❌ worker"):
        assert "- **Dockerfile**: Not checked (no Dockerfile to read: S001)" in \
            details[service], details[service]
    assert "- **Dockerfile**: no service to score" in out, out
    # the app's rules judged neither: not found passing for the worker, not run for the api
    assert "- **Docker Compose**: ✅ No findings (C001, C002, C003, C006, C007, C008, C009, C010)\n" in \
        details["❌ worker"], details["❌ worker"]
    assert "- **Docker Compose**: ✅ No findings (C001, C002, C003, C006, C007, C008, C009, C010); not checked: C004, " \
        "C005" in details["❌ api"], details["❌ api"]


def test_a_build_context_in_a_template_folder_is_not_checked_nor_scored(tmp_path: Path) -> None:
    """S001 is silent on a Dockerfile in `{{cookiecutter.slug}}/`, which fixer does not read:
    the service was not checked, so it has neither "no Dockerfile" nor a score."""
    folder = "{{cookiecutter.slug}}"
    files = {"compose.yaml": f"services:\n  api:\n    build: \"{folder}\"\n"
                             "    ports: [\"8000:8000\"]\n",
             f"{folder}/Dockerfile": SLIM, f"{folder}/requirements.txt": "fastapi\nuvicorn\n",
             f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    why = f"its build context is in `{folder}/`, a template folder fixer does not read"
    assert f"1. ➖ **api** - Not checked: {why}\n" in out, out
    assert f"Built services not checked, and not scored: `api` ({why})." in out, out
    for field in ("Structure", "Dockerfile", "Imports", "Docker Compose"):
        assert f"- **{field}**: no service to score" in out, out
    for field in ("Structure", "Dockerfile", "Imports"):
        assert f"- **{field}**: Not checked ({why})" in out, out
    # compose's own rules judged its compose entries; the app's did not
    assert "- **Docker Compose**: ✅ No findings (C001, C002, C003, C006, C007, C008, C009, C010); not checked: C004, " \
        "C005" in out, out
    assert 'svc_api["api<br/>build not read"]' in out, out
    assert "Compliant: no findings" not in out and "no Dockerfile" not in out, out
    assert "**Overall Compliance**: not scored" in out, out


def test_builds_fixer_does_not_read_are_not_checked_nor_scored(tmp_path: Path) -> None:
    """A Dockerfile written in compose and a remote build context: fixer read no image, so
    neither service is "Compliant: no findings" nor scored; compose's own rules still ran."""
    compose = ("services:\n  api:\n    build:\n      context: .\n      dockerfile_inline: |\n"
               "        FROM python:3.12-slim\n        CMD [\"uvicorn\", \"main:app\"]\n"
               "  remote:\n    build: https://github.com/acme/api.git#main\n")
    files = {"compose.yaml": compose, "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "1. ➖ **api** - Not checked: its Dockerfile is written in compose " \
        "(`dockerfile_inline`), which fixer does not read" in out, out
    assert "2. ➖ **remote** - Not checked: its build context is a remote repository " \
        "(`https://github.com/acme/api.git#main`)" in out, out
    details = sections(out, "###")
    assert "- **Dockerfile**: Not checked (its Dockerfile is written in compose" in \
        details["➖ api"], details["➖ api"]
    assert "- **Docker Compose**: ✅ No findings (C001, C002, C003, C006, C007, C008, C009, C010); not checked: C004, " \
        "C005" in details["➖ api"], details["➖ api"]
    assert "Compliant: no findings" not in out and "no Dockerfile" not in out, out
    assert "**Overall Compliance**: not scored" in out, out


def test_an_unsafe_fix_another_unsafe_fix_settles_is_not_promised(tmp_path: Path) -> None:
    """The app serves `/db_health` only, whose handler takes a session from `Depends`: C004's
    healthcheck on it is unsafe, and so is H001's route. `fixer fix --unsafe-fixes` makes
    the C004 fix, which settles H001: no route is added, and the report says so."""
    main = ("from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n"
            "def get_session():\n    yield None\n\n\n@app.get(\"/db_health\")\n"
            "def db_health(session=Depends(get_session)) -> dict[str, str]:\n"
            "    return {\"status\": \"ok\"}\n")
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n",
             "api/Dockerfile": ROOT_MODULE, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/main.py": main}
    root = write_tree(tmp_path, files)
    code, out, err = run_cli("report", root)
    assert code == 0, err
    unsafe = sections(sections(out, "##")["Recommendations"], "###")[
        "Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)"]
    assert "- `api`: settled by the C004 fix of api (Add a healthcheck on " \
        "http://localhost:8000/db_health" in unsafe, unsafe
    assert "Add a GET /health route" not in out, out
    assert "Settled with `--unsafe-fixes` by the C004 fix of api: Add a healthcheck" in out, out
    # what that run does: the healthcheck, and no route
    diff = run_cli("fix", root, "--unsafe-fixes")[1]
    assert "+++ b/compose.yaml" in diff and "api/main.py" not in diff, diff
    # reported from that run, the settled finding is still no safe fix: plain `fixer fix`
    # makes neither
    code, out, err = run_cli("report", root, "--unsafe-fixes")
    assert code == 0, err
    fixes = sections(sections(out, "##")["Recommendations"], "###")
    assert fixes["Fixed by `fixer fix` (safe)"].strip() == "None.", out
    assert "- `api`: settled by the C004 fix of api" in \
        fixes["Fixed by `fixer fix --unsafe-fixes` (unsafe: review the diff)"], out
    assert "Fixable with `fixer fix`: 0; with `--unsafe-fixes`: 2 more" in out, out


def test_a_probe_fixer_cannot_judge_is_not_checked_rather_than_passed(tmp_path: Path) -> None:
    """The app's router is included under `settings.API_V1_STR`, a prefix fixer does not read,
    and the healthcheck probes `/health`: H002 cannot tell whether the app serves it, so the
    report says H002 was not checked there and leaves the service out of that score."""
    main = ("from fastapi import APIRouter, FastAPI\n\nfrom app.config import settings\n\n"
            "router = APIRouter()\n\n\n@router.get(\"/health\")\n"
            "def health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n\n\n"
            "app = FastAPI()\napp.include_router(router, prefix=settings.API_V1_STR)\n")
    probe = "http://localhost:8000/health"
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               f"    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"{probe}\"]\n")
    files = {"compose.yaml": compose, "api/Dockerfile": SLIM.replace("slim", "bookworm"),
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
             "api/app/config.py": "class Settings:\n    API_V1_STR: str = \"/api/v1\"\n\n\n"
                                  "settings = Settings()\n",
             "api/app/main.py": main}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "1. ✅ **api** - Compliant: no findings (not checked: H002; see below)\n" in out, out
    details = sections(out, "###")["✅ api"]
    assert "- **Health Endpoints**: ✅ No findings (H001); not checked: H002 (fixer sees no " \
        "route for GET /health, but some of the app's routes are unread (the prefix " \
        "`settings.API_V1_STR` is not a literal), and one may serve it)\n" in details, details
    assert "- **Health Endpoints**: no service to score\n" in out, out
    assert "- **Imports**: 100% ✅ (1 of 1 service)\n" in out, out


def test_a_finding_in_a_dockerfile_two_services_build_counts_against_both(
        tmp_path: Path) -> None:
    """`api-1` and `api-2` build one Dockerfile whose HEALTHCHECK calls a curl the slim image
    lacks: D003 reports it once, and the report charges it to both images."""
    dockerfile = SLIM.replace("EXPOSE 8000\n", "EXPOSE 8000\nHEALTHCHECK CMD curl -f "
                              "http://localhost:8000/health || exit 1\n")
    compose = "services:\n" + "".join(
        f"  api-{n}:\n    build: ./svc\n    ports: [\"800{n}:8000\"]\n" for n in (1, 2))
    files = {"compose.yaml": compose, "svc/Dockerfile": dockerfile,
             "svc/requirements.txt": "fastapi\nuvicorn\n", "svc/app/__init__.py": "",
             "svc/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    for number in (1, 2):
        assert f"{number}. ❌ **api-{number}** - 1 critical issue (Dockerfile)\n" in out, out
    assert "Services with critical issues: 2 of 2" in out, out
    assert "- **Dockerfile**: 0% ❌ (0 of 2 services; 2 with errors)\n" in out, out


def test_a_service_whose_dockerfile_cannot_be_read_is_not_checked(tmp_path: Path) -> None:
    """`api`'s CMD spreads a JSON array over lines with no `\\`: the build fails on the line
    after `CMD [`, and fixer reads nothing of the image. The report does not call it
    compliant, and says `fixer fix` writes its counted fixes only once the input is read."""
    broken = SLIM.replace('CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", '
                          '"8000"]\n', 'CMD [\n    "uvicorn",\n    "app.main:app"\n]\n')
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "  web:\n    build: ./web\n    ports: [\"8001:8000\"]\n")
    files = {"compose.yaml": compose, "api/Dockerfile": broken, "web/Dockerfile": SLIM}
    for folder in ("api", "web"):
        files |= {f"{folder}/requirements.txt": "fastapi\nuvicorn\n",
                  f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 2, err   # bad input: the report is written all the same
    why = 'its Dockerfile cannot be read: api/Dockerfile:8: unknown instruction "UVICORN",: ' \
        "the build fails"
    assert f"1. ➖ **api** - Not checked: {why}\n" in out, out
    assert f"- **Dockerfile**: Not checked ({why})\n" in sections(out, "###")["➖ api"], out
    assert "`fixer fix` makes 1 fix once the input errors are fixed (until then `--apply` " \
        "writes none)." in out, out
    assert "- **Dockerfile**: 100% ✅ (1 of 1 service)\n" in out, out


def test_a_revealed_fix_is_listed_under_the_service_of_its_own_stack(tmp_path: Path) -> None:
    """Two stacks each build a `web` (from `web/` and `sub/web/`); the root stack's C004 fix
    of `web` reveals `gw`'s C003. The revealed line goes under `web (web/)` alone."""
    full = SLIM.replace("slim", "bookworm")
    files = {"docker-compose.yml": "services:\n  gw:\n    build: ./gw\n    depends_on:\n"
                                   "      - web\n  web:\n    build: ./web\n",
             "sub/docker-compose.yml": "services:\n  web:\n    build: ./web\n",
             "gw/Dockerfile": full.replace("EXPOSE 8000\n", "EXPOSE 8000\nHEALTHCHECK CMD "
                                           "curl -f http://localhost:8000/health || exit 1\n")}
    for folder in ("gw", "web", "sub/web"):
        files |= {f"{folder}/requirements.txt": "fastapi\nuvicorn\n",
                  f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": HEALTH_APP}
        files.setdefault(f"{folder}/Dockerfile", full)
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    details = sections(out, "###")
    revealed = "revealed once the C004 fix of `web` is in: C003 `gw`"
    assert revealed in details["✅ web (web/)"], details
    assert revealed not in details["✅ web (sub/web/)"], details


def test_findings_about_services_fixer_does_not_build_are_listed_apart(tmp_path: Path) -> None:
    """C006 on `cache` (a redis image) and on the `api` of `deploy/` (an image of a stack of
    its own): neither is the `api` fixer builds, so neither counts against it, and both are
    listed under their services, not scored, so that the listed findings add up."""
    compose = ("services:\n  cache:\n    image: redis:7\n    environment:\n"
               "      - REDIS_PASSWORD=${REDIS_PASSWORD}\n  api:\n    build: ./api\n"
               "    ports: [\"8000:8000\"]\n")
    files = {"compose.yaml": compose, "api/Dockerfile": SLIM,
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
             "api/app/main.py": HEALTH_APP,
             "deploy/compose.yaml": "services:\n  api:\n    image: acme/api:${TAG}\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C006")
    assert code == 0, err
    assert "1. ✅ **api** - Compliant: no findings\n" in out, out
    details = sections(out, "###")
    for name, path, variable in (("cache", "compose.yaml", "REDIS_PASSWORD"),
                                 ("api", "deploy/compose.yaml", "TAG")):
        listed = details[f"➖ {name} (`{path}`: not built by fixer, not scored)"]
        assert f"C006 `{path}:" in listed and f"`${{{variable}}}`" in listed, listed


def test_an_overlay_entry_with_no_image_is_not_called_an_image_service(tmp_path: Path) -> None:
    """`extra` is defined only in an overlay, with ports and neither `image` nor `build`:
    no image service; the summary says what it is."""
    files = {"docker-compose.yml": "services:\n  broker:\n    image: rabbitmq:3-management\n"
                                   "  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n",
             "docker-compose.override.yml": "services:\n  extra:\n    ports:\n"
                                            "      - \"7000:7001\"\n",
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C006")
    assert code == 0, err
    assert "Image services, drawn in the diagram but not scored: `broker`." in out, out
    assert "Services with neither `image` nor `build` in the compose files fixer read, not " \
        "scored: `extra`." in out, out


def test_a_count_of_broken_services_beyond_the_list_says_where_the_rest_are(
        tmp_path: Path) -> None:
    """`orders` has no build context (S001); `api` waits for it to be healthy and so never
    starts: S001 breaks two services, and the heading says one is the finding's and the
    other one it stops, as the list below names `orders` alone."""
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "    depends_on:\n      orders:\n        condition: service_healthy\n"
               "  orders:\n    build: ./orders\n    healthcheck:\n"
               "      test: [\"CMD\", \"true\"]\n")
    files = {"compose.yaml": compose, **api_service()}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "S001")
    assert code == 0, err
    assert "(S001 missing-dockerfile): breaks 2 services (1 with the finding, 1 it stops too: " \
        "see Impact)\n" in out, out


def test_a_probe_of_a_route_the_app_serves_is_judged_by_h002(tmp_path: Path) -> None:
    """The healthcheck probes `/ready`, whose handler answers 503 until the app is ready:
    the app serves the path, so H002 judged it and found nothing; whether the probe passes
    is no question of H002's."""
    main = HEALTH_APP + ("\n\nREADY = False\n\n\n@app.get(\"/ready\")\ndef ready():\n"
                         "    if not READY:\n        raise HTTPException(status_code=503)\n"
                         "    return {\"ready\": True}\n")
    main = main.replace("from fastapi import FastAPI", "from fastapi import FastAPI, "
                        "HTTPException")
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
               "\"http://localhost:8000/ready\"]\n")
    files = {"compose.yaml": compose, **api_service(SLIM.replace("slim", "bookworm"), main)}
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    assert "- **Health Endpoints**: ✅ No findings (H001, H002)\n" in out, out
    assert "- **Health Endpoints**: 100% ✅ (1 of 1 service)\n" in out, out


def test_a_finding_in_the_code_two_replicas_build_counts_against_both(tmp_path: Path) -> None:
    """`api_1` and `api_2` build one folder whose app serves no health route and whose `app/`
    has no `__init__.py`: H001 and S002 report it once, against both replicas."""
    compose = "services:\n" + "".join(f"  api_{n}:\n    build: ./svc\n" for n in (1, 2))
    files = {"compose.yaml": compose, "svc/Dockerfile": SLIM,
             "svc/requirements.txt": "fastapi\nuvicorn\n",
             "svc/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                                "@app.get(\"/items\")\ndef items():\n    return []\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "S002,H001")
    assert code == 0, err
    details = sections(out, "###")
    for name in ("api_1", "api_2"):
        for field, code_name in (("Structure", "S002 missing-package-init"),
                                 ("Health Endpoints", "H001 missing-health-endpoint")):
            assert f"- **{field}**: ⚠️ {code_name}\n" in details[f"✅ {name}"], details
    assert "- **Health Endpoints**: 0% ❌ (0 of 2 services; 2 with warnings)\n" in out, out
    # the list under a finding type names the services its heading counts
    assert "in 2 services\n" in out and "- `api_1`, `api_2`: the app `app` in " in out, out


def test_a_finding_counts_against_the_images_that_hold_it_not_each_sharing_a_context(
        tmp_path: Path) -> None:
    """`a` and `b` build `services/Dockerfile.dev` (shell-form CMD) from `services/`, each
    with its own code mounted; the production `a` builds `Dockerfile.prod` from the root,
    whose context holds the other file. D002 is about the two images built from
    `Dockerfile.dev`, and S002 of `services/b/app/` about `b`, whose app it is."""
    app = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
           'def health():\n    return {"ok": True}\n')
    dev = "".join(f"  {name}:\n    build:\n      context: ./services\n      dockerfile: "
                  f"./Dockerfile.dev\n      args:\n        SERVICE_NAME: {name}\n    volumes:\n"
                  f"      - ./services/{name}/:/app\n" for name in ("a", "b"))
    prod = ("services:\n  a:\n    build:\n      context: ./\n      dockerfile: "
            "./services/Dockerfile.prod\n      args:\n        SERVICE_NAME: a\n")
    base = ("FROM python:3.11-slim\nARG SERVICE_NAME\nWORKDIR /app\nCOPY {src}${{SERVICE_NAME}}/"
            "requirements.txt /app/\nRUN pip install --no-cache-dir -r /app/requirements.txt\n"
            "{copy}EXPOSE 8000\n{cmd}\n")
    files = {"docker-compose.yml": "services:\n" + dev, "docker-compose.prod.yml": prod,
             "services/Dockerfile.dev": base.format(
                 src="./", copy="", cmd="CMD uvicorn app.main:app --host 0.0.0.0 --port 8000"),
             "services/Dockerfile.prod": base.format(
                 src="services/", copy="COPY services/${SERVICE_NAME}/ /app/\n",
                 cmd='CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]'),
             "services/a/app/__init__.py": "", "services/a/app/main.py": app,
             "services/b/app/main.py": app}
    for name in ("a", "b"):
        files[f"services/{name}/requirements.txt"] = "fastapi\nuvicorn\n"
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "S002,D002")
    assert code == 0, err
    assert "- `a (services/)`, `b`: CMD in shell form" in out, out
    assert "- `b`: services/b/app/ has no" in out, out
    assert "**a (./)** - Compliant: no findings" in out, out


def test_a_finding_in_an_env_file_counts_against_the_services_that_load_it(
        tmp_path: Path) -> None:
    """The root file's `auth-service` and `api/`'s own `api` build one image; only the
    latter loads `.env.docker`, whose URL names a database host no service provides
    (C001)."""
    files = {"docker-compose.yml": "services:\n  auth-service:\n    build: ./api\n",
             "api/docker-compose.yml": "services:\n  api:\n    build: .\n"
                                       "    env_file: .env.docker\n",
             "api/.env.docker": "DATABASE_URL=postgresql://app:${DB_PASSWORD}@dt-auth:5432/app\n",
             "api/Dockerfile": SLIM, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/app/__init__.py": "", "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C001")
    assert "(C001 missing-database-service): breaks 1 service\n" in out, out
    assert "- `api`: DATABASE_URL of api points at" in out, out


def test_the_same_fix_in_two_compose_files_is_listed_once_for_each(tmp_path: Path) -> None:
    """`api` is defined in the root compose file and in `api/`'s own, with no healthcheck in
    either: `fixer fix` adds one to each file, and Recommendations lists both."""
    files = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                                   "    ports: [\"8000:8000\"]\n",
             "api/docker-compose.yml": "services:\n  api:\n    build: .\n"
                                       "    ports: [\"8000:8000\"]\n",
             "api/Dockerfile": SLIM.replace("slim", "bookworm"),
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
             "api/app/main.py": HEALTH_APP}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "C004")
    assert code == 0, err
    safe = out.split("### Fixed by `fixer fix` (safe)")[1].split("###")[0]
    for path in ("api/docker-compose.yml", "docker-compose.yml"):
        assert f"   - `api`: Add a healthcheck on http://localhost:8000/health (in `{path}`)\n" \
            in safe, safe
    assert "`fixer fix` makes 2 fixes." in out, out


def test_a_test_runner_of_the_apps_image_is_not_charged_the_apps_findings(
        tmp_path: Path) -> None:
    """`api_tests` builds the app's folder and runs pytest: the app's H001 and P002 are the
    app service's alone, and the scores stay within 0 and 100."""
    compose = ("services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "  api_tests:\n    build: ./api\n    command: pytest -q /app/tests\n")
    files = {"compose.yaml": compose,
             "api/Dockerfile": SLIM.replace("EXPOSE 8000\n", "").replace("COPY app ./app",
                                                                           "COPY . ."),
             "api/requirements.txt": "fastapi\nuvicorn\npytest\n", "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "H001,P002")
    assert code == 0, err
    assert "2. ✅ **api_tests** - Compliant: no findings\n" in out, out
    for field in ("Health Endpoints", "Port Configuration"):
        assert f"- **{field}**: 0% ❌ (0 of 1 service; 1 with warnings)\n" in out, out
    assert "-100%" not in out, out


def test_a_finding_only_on_an_unscored_service_is_no_clean_verdict(tmp_path: Path) -> None:
    """An image's service is not scored, but its finding is one: the verdict does not say
    there is none, and no heading says that what was found cannot stop the stack."""
    root = write_tree(tmp_path / "repo", {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n    healthcheck:\n"
                              "      test: [\"CMD\", \"python\", \"-c\", \"import urllib.request; "
                              "urllib.request.urlopen('http://127.0.0.1:8000/health')\"]\n"
                              "  grafana:\n    image: grafana/grafana:11.2.0\n"
                              "    environment:\n"
                              "      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD}\n",
        "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt .\n"
                          "RUN pip install -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\n"
                          'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", '
                          '"8000"]\n',
        "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
        "api/app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                           '@app.get("/health")\ndef health():\n    return {"ok": True}\n'})
    code, out, err = run_cli("report", root)
    assert code == 0, err
    assert "**Overall Compliance**: 100% - Compliant with minor issues" in out
    assert sections(out, "##")["Critical Issues Found"].strip() == (
        "None: no finding is an error (see Minor Issues).")
    assert "do not stop the stack" not in out


MISSING_ENV_FILE = {
    "docker-compose.yml": ("services:\n  db:\n    image: postgres:16\n    env_file:\n"
                           "      - .env-non-dev\n  crm:\n    build: .\n    env_file:\n"
                           "      - .env-non-dev\n  celery:\n    build: .\n"
                           "    command: celery -A app.tasks worker\n    env_file:\n"
                           "      - .env-non-dev\n"),
    "Dockerfile": ("FROM python:3.12-slim\nCOPY . .\nRUN pip install fastapi uvicorn celery\n"
                   'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n'),
    "app/main.py": 'from fastapi import FastAPI\napp = FastAPI()\n',
}


def test_a_finding_that_names_several_services_breaks_each(tmp_path: Path) -> None:
    """C007 is reported once, at db's entry, and names db, crm and celery, which all load the
    missing env file: each built service is marked broken, not only the first (db is an
    image, not scored), and the heading counts every service Compose does not start."""
    for path, text in MISSING_ENV_FILE.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    code, out, err = run_cli("report", tmp_path)
    assert code == 0, err
    assert "(C007 missing-env-file): breaks 3 services" in out, out
    assert re.search(r"❌ \*\*crm\*\* - 1 critical issue", out), out
    assert re.search(r"❌ \*\*celery\*\* - 1 critical issue", out), out


def test_a_missing_env_file_breaks_every_service_of_the_project(tmp_path: Path) -> None:
    """Only db loads the missing file, but Compose refuses the whole project: web, which
    loads none, does not start either, and is not marked compliant; db neither: both count."""
    files = {**MISSING_ENV_FILE,
             "docker-compose.yml": ("services:\n  db:\n    image: postgres:16\n    env_file:\n"
                                    "      - .env-non-dev\n  web:\n    build: .\n")}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    code, out, err = run_cli("report", tmp_path)
    assert code == 0, err
    assert "(C007 missing-env-file): breaks 2 services" in out, out
    assert re.search(r"❌ \*\*web\*\* - 1 critical issue", out), out


def test_a_shell_form_cmd_counts_only_against_the_services_that_run_it(tmp_path: Path) -> None:
    """`api` runs the image's shell-form CMD; `worker` builds the same image with its own
    compose `command:`, which replaces the CMD: D002 is about `api`'s container only, and
    names it whichever service compose lists first."""
    compose = ("services:\n  worker:\n    build: ./svc\n    command: celery -A app.tasks worker\n"
               "  api:\n    build: ./svc\n")
    files = {"compose.yaml": compose, "svc/requirements.txt": "fastapi\nuvicorn\ncelery\n",
             "svc/Dockerfile": SLIM.replace('CMD ["uvicorn", "app.main:app", "--host", '
                                            '"0.0.0.0", "--port", "8000"]',
                                            "CMD uvicorn app.main:app --host 0.0.0.0"),
             "svc/app/__init__.py": "", "svc/app/tasks.py": "",
             "svc/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    code, out, err = run_cli("report", write_tree(tmp_path, files), "--select", "D002")
    assert code == 0, err
    assert "- `api`: CMD in shell form" in out and "`worker`, `api`" not in out, out
    assert "✅ **worker** - Compliant: no findings" in out, out
