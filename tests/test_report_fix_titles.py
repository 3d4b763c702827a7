"""`fixer report` names, for each finding, the fix `fixer fix` makes for that very finding:
never the fix of a finding of the same rule and service in another compose file."""

from __future__ import annotations

from pathlib import Path

from fixer.app.registry import discover
from fixer.formats.report.fixrun import FixLine, FixRun, FixSummary
from fixer.formats.report.model import Audit
from fixer.model.rule import Finding, Fix, Safety, Violation
from support import run_cli, write_tree

DOCKERFILE = ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
              "RUN pip install -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
APP = ('from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/health")\n'
       'def health():\n    return {"ok": True}\n')
CURL = '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n'


def _service(name: str) -> dict[str, str]:
    return {f"{name}/Dockerfile": DOCKERFILE, f"{name}/requirements.txt": "fastapi\nuvicorn\n",
            f"{name}/app/__init__.py": "", f"{name}/app/main.py": APP}


def test_a_finding_settled_in_one_compose_file_names_that_files_fix(tmp_path: Path) -> None:
    """Both files list `a` (no healthcheck yet) under gateway's `depends_on`; the test file
    also lists `b`, which has one. The C003 finding on `b` waits for C004's healthcheck of
    `a`; the fix of the test file's list then waits for both. The report names that fix,
    not the one of docker-compose.yml's list (`Wait for a to be healthy`)."""
    files = {
        "docker-compose.yml": ("services:\n  a:\n    build: ./a\n  gateway:\n"
                               "    build: ./gateway\n" + CURL +
                               "    depends_on:\n      - a\n"),
        "docker-compose.test.yml": ("services:\n  a:\n    build: ./a\n  b:\n    build: ./b\n" +
                                    CURL + "  gateway:\n    build: ./gateway\n" + CURL +
                                    "    depends_on:\n      - a\n      - b\n"),
        **_service("a"), **_service("b"), **_service("gateway"),
    }
    code, out, err = run_cli("report", write_tree(tmp_path, files))
    assert code == 0, err
    finding = next(line for line in out.splitlines()
                   if line.startswith("  - ⚠️ C003 `docker-compose.test.yml:14`"))
    assert "Fix (safe, once the fixes it waits on are in): Wait for a and b to be healthy;" \
        in finding, finding
    assert "   - `gateway`: Wait for a and b to be healthy (once the fixes it waits on are in)" \
        in out, out
    assert "`gateway`: Wait for a to be healthy (once" not in out, out


def test_a_failed_fix_is_the_failure_of_its_own_finding_only() -> None:
    """Two `api` services of one name in two stacks, each with a P001 finding: only the fix
    of `one/`'s failed verification, and `two/`'s finding is not said to have failed."""
    p001 = next(rule for rule in discover() if rule.code == "P001")
    fix = Fix("Make api listen on 8001", Safety.SAFE, lambda: [])
    one, two = (Finding(p001, Violation("compose expects 8001", f"{folder}/compose.yaml", 4,
                                        service="api", fix=fix)) for folder in ("one", "two"))
    reason = "breaks the stack check (reference): one/nginx.conf:3 no longer reaches api"
    failed = (FixLine("P001", "api", reason, fingerprint=one.fingerprint),)
    for audit in (Audit((), (), (one, two), (p001,), (), run=FixRun(failed=failed)),
                  Audit((), (), (one, two), (p001,), (), after=FixSummary(failed=failed))):
        assert audit.failure_of(one) == reason
        assert audit.failure_of(two) is None
        assert audit.safety_of(two) is (Safety.SAFE if audit.after is None else Safety.DISPLAY)
