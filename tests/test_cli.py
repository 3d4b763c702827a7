"""The CLI contract of DESIGN.md: check's text and JSON output, exit codes, rule selection,
and `fix --apply` (atomic writes, modes kept, deletions, unsafe fixes)."""

from __future__ import annotations

import dataclasses
import json
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from fixer.cli import shared
from fixer.app.registry import discover
from support import GOLDEN, SEED_FLEET, run_cli, service_files, write_tree
from test_report import NO_DOCKERFILE

COMPOSE = 'services:\n  web:\n    build: ./web\n    ports:\n      - "8001:8001"\n'
APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')


def dockerfile(port: int, expose: int | None = None) -> str:
    return ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
            f"EXPOSE {expose or port}\n"
            f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{port}"]\n')


def service_tree(root: Path, port: int = 8000, folder: str = "", **extra: str | bytes) -> Path:
    """A one-service stack; compose claims 8001, the app listens on `port`."""
    prefix = f"{folder}/" if folder else ""
    files: dict[str, str | bytes] = {
        f"{prefix}compose.yaml": COMPOSE, f"{prefix}web/Dockerfile": dockerfile(port),
        f"{prefix}web/app/__init__.py": "", f"{prefix}web/app/main.py": APP,
    }
    files.update({k.replace("__", "/"): v for k, v in extra.items()})
    return write_tree(root, files)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- check: text -------------------------------------------------------------------------------

FINDING_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) "
                          r"\[(?P<severity>error|warning)\] \S.*$")


def test_check_prints_one_line_per_finding_and_a_summary_on_stderr(tmp_path: Path) -> None:
    repo = service_tree(tmp_path)
    code, out, err = run_cli("check", repo, "--select", "P001")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1
    match = FINDING_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == f"{repo}/compose.yaml"
    assert (match["line"], match["code"]) == ("5", "P001")  # the `- "8001:8001"` line
    assert match["severity"] == "error"
    assert "8001" in lines[0] and "8000" in lines[0]
    assert "Found 1 finding" in err and "1 fixable" in err
    assert "Found" not in out


def test_check_path_is_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service_tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli("check", "repo", "--select", "P001")
    assert out.startswith("repo/compose.yaml:5:")
    monkeypatch.chdir(tmp_path / "repo")
    _, out, _ = run_cli("check", "--select", "P001")
    assert out.startswith("compose.yaml:5:")


def test_check_clean_tree_exits_0(tmp_path: Path) -> None:
    code, out, err = run_cli("check", service_tree(tmp_path, port=8001), "--select", "P,D")
    assert (code, out) == (0, "")
    assert "All checks passed" in err


@pytest.mark.parametrize(("files", "said"), [
    pytest.param({
        "compose.yaml": "services:\n  api:\n    build: ./api\n",
        "api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nCMD [\"/start-reload.sh\"]\n",
        "api/requirements.txt": "fastapi\n",
        "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }, "App checks not run on api: fixer cannot tell that what its container runs serves the "
       "FastAPI app the build context imports (`fixer report` says more).",
        id="a-launcher-fixer-does-not-read"),
    pytest.param({
        "compose.yaml": "services:\n  app:\n    build: ./{{cookiecutter.slug}}\n"
                        "  tool:\n    build:\n      context: .\n"
                        "      dockerfile_inline: |\n        FROM alpine:3.20\n",
        "{{cookiecutter.slug}}/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    }, "Not checked: app (its build context is in `{{cookiecutter.slug}}/`, a template folder "
       "fixer does not read); tool (its Dockerfile is written in compose "
       "(`dockerfile_inline`), which fixer does not read).", id="builds-fixer-does-not-read"),
    pytest.param({
        "compose.yaml": "services:\n  worker:\n    build: ./api\n"
                        "    command: [\"celery\", \"-A\", \"app.worker\", \"worker\"]\n",
        "api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "api/requirements.txt": "fastapi\ncelery\n",
        "api/app/__init__.py": "", "api/app/worker.py": "from celery import Celery\n",
        "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }, "", id="a-celery-worker-serves-no-app"),
    pytest.param({
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./$APP_PATH/\n"
                        "      dockerfile: ../$DOCKER_DIR/Dockerfile\n",
        ".env": "DOCKER_DIR=docker\n", ".env.example": "APP_PATH=app\nDOCKER_DIR=docker\n",
        "docker/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }, "Not checked: api (its build path reads `$APP_PATH`, which no .env of the stack sets: "
       "only the shell or an `--env-file` may).", id="a-build-path-from-a-variable-unset"),
    pytest.param({
        "docker/compose.yaml": "services:\n  api:\n    build:\n"
                               "      dockerfile: ./docker/Dockerfile\n",
        "docker/Dockerfile": "FROM python:3.12-slim\nCOPY ./src /app\n"
                             "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
        "Makefile": "up:\n\tdocker compose -f ./docker/compose.yaml --project-directory ./ up\n",
        "pyproject.toml": "[project]\nname = \"api\"\ndependencies = [\"fastapi\"]\n",
        "src/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }, "Not checked: api (its Dockerfile is not at docker/docker/Dockerfile, where fixer "
       "resolves it from the compose file's folder; Compose finds it from `./`, the project "
       "directory the repository runs it with, which fixer does not follow).",
        id="a-build-from-the-project-directory-a-script-gives"),
])
def test_a_clean_check_names_the_services_it_did_not_check(tmp_path: Path,
                                                            files: dict[str, str],
                                                            said: str) -> None:
    """"All checks passed" alone would say the app was checked: a base image's launcher
    fixer does not read may serve the app the build context imports; of a service built
    from a project template's folder, or from a Dockerfile written in compose, fixer read
    nothing at all, nor where a build path reads a variable only the shell may set, nor
    where Compose finds the Dockerfile only from the project directory a script gives it. A
    celery worker serves no app: nothing to say of it (`fixer report` says "not
    applicable")."""
    write_tree(tmp_path, files)
    code, _out, err = run_cli("check", tmp_path)
    assert code == 0
    assert err.strip() == f"All checks passed. {said}".strip()


def test_a_check_with_findings_names_the_services_it_did_not_check(tmp_path: Path) -> None:
    """A finding elsewhere (db's postgres 18 refusing its volume) says nothing of api, whose
    compose command runs `make prod`, a program fixer does not read: the summary names it
    after the count, as it does after "All checks passed"."""
    write_tree(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build: ./api\n    command: make prod\n"
                        "  db:\n    image: postgres:18\n    environment:\n"
                        "      POSTGRES_PASSWORD: example\n    volumes:\n"
                        "      - data:/var/lib/postgresql/data\nvolumes:\n  data:\n",
        "api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n"
                          "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
        "api/requirements.txt": "fastapi\nuvicorn\n",
        "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "api/Makefile": "prod:\n\tuvicorn main:app --host 0.0.0.0\n"})
    code, out, err = run_cli("check", tmp_path)
    assert code == 1 and " C010 " in out, (out, err)
    assert err.strip().endswith(
        "App checks not run on api: fixer cannot tell that what its container runs serves the "
        "FastAPI app the build context imports (`fixer report` says more)."), err


def test_a_service_named_as_another_stacks_is_named_with_its_file(tmp_path: Path) -> None:
    """Two stacks each run a `backend`: the dev file's app is checked (C004 reports it), the
    other's image has no CMD fixer reads. The note names that one with its compose file, so
    it does not seem to say the findings on the dev file's `backend` were never checked."""
    app = {"requirements.txt": "fastapi\nuvicorn\n",
           "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                      "@app.get(\"/health\")\ndef health() -> dict:\n    return {}\n"}
    write_tree(tmp_path, {
        "deploy/compose.yaml": "services:\n  backend:\n    build:\n      context: ..\n"
                               "      dockerfile: Dockerfile_prod\n",
        "deploy/compose-dev.yaml": "services:\n  backend:\n    build: ..\n",
        "Dockerfile_prod": "FROM python:3.12-slim\nCOPY . /app\n",
        "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                      "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
        **app})
    code, out, err = run_cli("check", tmp_path, "--select", "C004")
    assert code == 1 and "deploy/compose-dev.yaml:2:3: C004" in out, (out, err)
    assert "App checks not run on backend (deploy/compose.yaml): fixer cannot tell" in err, err


def test_check_bad_input_exits_2_and_reports_on_stderr(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "services:\n  web: [\n"})
    code, out, err = run_cli("check", tmp_path)
    assert code == 2
    assert out == ""
    assert re.search(r"compose\.yaml:\d+: invalid YAML", err)


def test_exit_zero_turns_findings_into_0_but_not_errors(tmp_path: Path) -> None:
    code, out, _ = run_cli("check", service_tree(tmp_path / "a"), "--exit-zero")
    assert code == 0 and "P001" in out
    write_tree(tmp_path / "b", {"compose.yaml": "- just\n- a list\n"})
    assert run_cli("check", tmp_path / "b", "--exit-zero")[0] == 2


def test_check_on_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli("check", tmp_path / "nowhere")
    assert code == 2 and f"{tmp_path / 'nowhere'}: does not exist" in err


@pytest.mark.parametrize("command", ["check", "fix", "report"])
def test_a_file_for_path_names_the_folder_that_holds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """`fixer check docker-compose.yml`: fixer reads a whole folder; the message says which
    one to pass, and nothing is written (not even the --output-file)."""
    service_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_cli(command, "compose.yaml") == (
        2, "", f"fixer: compose.yaml: a file, not a folder; pass the folder that holds it: "
               f"`fixer {command} .`\n")
    assert run_cli(command, "web/Dockerfile")[2] == (
        "fixer: web/Dockerfile: a file, not a folder; pass the folder that holds it: "
        f"`fixer {command} web`\n")
    code, out, err = run_cli("check", "compose.yaml", "--output-file", "out.txt")
    assert (code, out) == (2, "") and not (tmp_path / "out.txt").exists()


# -- check: severity ---------------------------------------------------------------------------

def severity_tree(root: Path, port: int = 8000) -> Path:
    """A P001 (error) unless `port` is 8001, and always a C004 (warning): no healthcheck."""
    return service_tree(root, port=port, **{"web__requirements.txt": "fastapi\nuvicorn\n"})


def check_lines(*args: str | Path) -> tuple[int, dict[str, str], str]:
    """(exit code, code -> severity of each text line, stderr) of `fixer check ARGS`."""
    code, out, err = run_cli("check", *args)
    matches = [FINDING_LINE.match(line) for line in out.splitlines()]
    assert all(matches), out
    return code, {m["code"]: m["severity"] for m in matches if m}, err


def test_check_text_shows_each_findings_severity(tmp_path: Path) -> None:
    code, severities, err = check_lines(severity_tree(tmp_path))
    assert code == 1
    assert severities == {"C004": "warning", "P001": "error"}
    assert "Found 2 findings: 1 error, 1 warning (" in err and "not shown" not in err


def test_severity_error_reports_only_errors(tmp_path: Path) -> None:
    repo = severity_tree(tmp_path)
    code, severities, err = check_lines(repo, "--severity", "error")
    assert (code, severities) == (1, {"P001": "error"})
    assert "Found 1 finding: 1 error (" in err
    assert "1 finding below --severity error not shown." in err
    _, out, _ = run_cli("check", repo, "--severity", "error", "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["P001"]
    assert check_lines(repo, "--severity", "warning")[1] == {"C004": "warning", "P001": "error"}


def test_warnings_below_the_chosen_severity_do_not_fail_the_check(tmp_path: Path) -> None:
    repo = severity_tree(tmp_path, port=8001)          # the port agrees: C004 alone
    assert check_lines(repo)[:2] == (1, {"C004": "warning"})
    code, out, err = run_cli("check", repo, "--severity", "error")
    assert (code, out) == (0, "")
    assert "All checks passed. 1 finding below --severity error not shown." in err
    for fmt in ("json", "sarif", "github"):
        assert run_cli("check", repo, "--severity", "error", "--format", fmt)[0] == 0, fmt


def test_an_unknown_severity_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run_cli("check", severity_tree(tmp_path), "--severity", "info")
    assert (code, out) == (2, "") and "'info' is not one of 'error', 'warning'" in err


# -- check: JSON -------------------------------------------------------------------------------

FINDING_KEYS = {"code", "name", "category", "severity", "service", "path", "line", "column",
                "message", "fix", "fixed_later", "reason", "fingerprint"}


def test_json_is_exactly_the_contract_object(tmp_path: Path) -> None:
    repo = service_tree(tmp_path, folder="deploy")
    code, out, _ = run_cli("check", repo, "--format", "json", "--select", "P001")
    assert code == 1
    document = json.loads(out)
    assert set(document) == {"version", "findings", "errors"}
    assert document["version"] == 1 and document["errors"] == []
    [finding] = document["findings"]
    assert set(finding) == FINDING_KEYS
    assert finding["code"] == "P001" and finding["name"] == "port-mismatch"
    assert finding["category"] == "Port Configuration"
    assert finding["service"] == "web"
    assert finding["path"] == "deploy/compose.yaml"  # relative to the root, POSIX form
    assert finding["line"] == 5 and finding["column"] >= 1
    assert finding["fix"] == {"safety": "safe", "title": finding["fix"]["title"]}
    assert finding["fix"]["title"] and finding["reason"] is None


def test_json_fix_is_null_for_display_only_and_errors_are_listed(tmp_path: Path) -> None:
    # Two different EXPOSE ports: P002 cannot tell which one is the app's.
    repo = service_tree(tmp_path, port=8001)
    text = (repo / "web/Dockerfile").read_text().replace("EXPOSE 8001", "EXPOSE 9000 9001")
    (repo / "web/Dockerfile").write_text(text)
    write_tree(repo, {"broken/compose.yaml": "services:\n  a:\n    image: x\n  b: [\n"})
    code, out, _ = run_cli("check", repo, "--format", "json", "--select", "P002")
    assert code == 2
    document = json.loads(out)
    [finding] = document["findings"]
    assert finding["code"] == "P002" and finding["fix"] is None
    assert finding["reason"] == "several ports are exposed; which one is the app's is unclear"
    [error] = document["errors"]
    assert error["path"] == "broken/compose.yaml" and error["line"] == 5
    assert set(error) == {"kind", "path", "line", "message"} and error["kind"] == "input"


# -- rule selection ----------------------------------------------------------------------------

def codes_found(repo: Path, *args: str) -> set[str]:
    code, out, err = run_cli("check", repo, "--format", "json", *args)
    assert code in (0, 1), err
    return {f["code"] for f in json.loads(out)["findings"]}


@pytest.fixture
def three_rule_tree(tmp_path: Path) -> Path:
    """P001 (compose 8001, CMD 8000), P002 (EXPOSE 9000) and D001 (a copy in app/)."""
    repo = service_tree(tmp_path)
    text = dockerfile(8000, expose=9000)
    return write_tree(repo, {"web/Dockerfile": text, "web/app/Dockerfile": text})


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("--select", "P"), {"P001", "P002"}, id="prefix"),
    pytest.param(("--select", "p001"), {"P001"}, id="lowercase-code"),
    pytest.param(("--select", "P002,D001"), {"P002", "D001"}, id="list"),
    pytest.param(("--select", "P,D", "--ignore", "P"), {"D001"}, id="ignore-prefix"),
    pytest.param(("--select", "P", "--ignore", "P001"), {"P002"}, id="select-minus-ignore"),
])
def test_select_and_ignore_take_codes_or_prefixes(three_rule_tree: Path, args: tuple[str, ...],
                                                  expected: set[str]) -> None:
    assert codes_found(three_rule_tree, *args) == expected


def test_default_and_all_run_every_rule(three_rule_tree: Path) -> None:
    assert {"P001", "P002", "D001"} <= codes_found(three_rule_tree)
    assert {"P001", "P002", "D001"} <= codes_found(three_rule_tree, "--select", "ALL")
    assert "P001" not in codes_found(three_rule_tree, "--ignore", "P001")


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_is_a_usage_error(tmp_path: Path, option: str) -> None:
    code, out, err = run_cli("check", service_tree(tmp_path), option, "P001,Z999")
    assert code == 2 and out == ""
    assert "Z999" in err and "P001" not in err.replace("P001,Z999", "")


def test_fix_also_rejects_unknown_codes(tmp_path: Path) -> None:
    assert run_cli("fix", service_tree(tmp_path), "--select", "Q")[0] == 2


# -- fix --apply -------------------------------------------------------------------------------

def test_apply_writes_atomically_and_keeps_the_mode(tmp_path: Path) -> None:
    repo = service_tree(tmp_path)
    target = repo / "web/Dockerfile"
    target.chmod(0o755)
    code, out, err = run_cli("fix", "--apply", repo, "--select", "P001")
    assert code == 1, err
    assert out == ""
    assert '"--port", "8001"' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert not [p for p in repo.rglob("*.fixer")], "temporary file left behind"
    assert "Applied 1 fix" in err


REBUILD = "Rebuild the images before starting the stack (`docker compose up --build`)"
REBUILD_LINE = (f"{REBUILD}: the fixes changed files they are built from, and `docker compose "
                "up` alone runs the images built before them.")


@pytest.mark.parametrize(("source", "changed", "hinted"), [
    pytest.param("compose", "web/Dockerfile", True, id="a-dockerfile-changed"),
    pytest.param("dockerfile", "compose.yaml", False, id="compose-alone-changed"),
])
def test_apply_says_to_rebuild_when_an_image_s_files_changed(
        tmp_path: Path, source: str, changed: str, hinted: bool) -> None:
    """`docker compose up` recreates a container whose compose entry changed, on the image it
    built before: a new healthcheck may probe a tool or route that image lacks."""
    repo = service_tree(tmp_path)
    before = snapshot(repo)
    code, _out, err = run_cli("fix", "--apply", repo, "--select", "P001", "--port-source",
                              source)
    assert code == 1 and "Applied 1 fix." in err, err
    assert [path for path, data in snapshot(repo).items() if before[path] != data] == [changed]
    assert (REBUILD in err) is hinted, err
    assert REBUILD not in run_cli("fix", service_tree(tmp_path / "dry"), "--select", "P001")[2]


def test_apply_deletes_files_and_a_second_run_is_clean(tmp_path: Path) -> None:
    repo = service_tree(tmp_path, port=8001)
    write_tree(repo, {"web/app/Dockerfile": dockerfile(8001)})
    assert run_cli("fix", "--apply", repo, "--select", "D001")[0] == 1
    assert not (repo / "web/app/Dockerfile").exists()
    assert (repo / "web/Dockerfile").exists()
    assert run_cli("fix", repo, "--select", "D001")[:2] == (0, "")


def test_unsafe_fixes_are_listed_but_applied_only_when_asked(tmp_path: Path) -> None:
    repo = service_tree(tmp_path, port=8001)
    write_tree(repo, {"web/app/Dockerfile": dockerfile(8001) + "# an edit someone meant\n"})
    before = snapshot(repo)
    code, out, err = run_cli("fix", "--apply", repo, "--select", "D001")
    assert code == 0 and out == ""
    assert snapshot(repo) == before
    assert re.search(r"web/app/Dockerfile:1: D001 unsafe fix available with --unsafe-fixes", err)
    assert "1 unsafe fix available" in err
    code, diff, err = run_cli("fix", repo, "--select", "D001", "--unsafe-fixes")
    assert code == 1 and "deleted file mode" in diff
    assert snapshot(repo) == before
    code, _, err = run_cli("fix", "--apply", repo, "--select", "D001", "--unsafe-fixes")
    assert code == 1, err
    assert not (repo / "web/app/Dockerfile").exists()


# -- fix: the summary --------------------------------------------------------------------------

REVEALED_LINE = re.compile(r"^\S*/api/Dockerfile:\d+: D003 fix for a revealed finding: "
                           r"Install curl in the final stage \(revealed by the S001 fix of api\)"
                           r"(?P<once_fixed> \(a line of the fixed file\))?$", re.M)
REVEALED_COUNT = "2 fixes (1 for a finding revealed by an earlier fix)."


def test_fix_summary_counts_and_names_the_fixes_of_revealed_findings(tmp_path: Path) -> None:
    """S001 (unsafe) writes a python-slim Dockerfile; only then does D003 see that the
    healthcheck's curl is missing from it. `fixer check` shows one finding, the diff makes
    two fixes: the summary says which fix is for a revealed finding, and what revealed it."""
    repo = write_tree(tmp_path, {**NO_DOCKERFILE})
    _, out, _ = run_cli("check", repo, "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["S001"]
    code, diff, err = run_cli("fix", repo, "--unsafe-fixes")
    assert code == 1 and "+++ b/api/Dockerfile" in diff and "curl" in diff, err
    dry = REVEALED_LINE.search(err)
    assert dry and dry["once_fixed"], err   # the Dockerfile has that line in the diff alone
    assert err.splitlines()[-1] == f"Would apply {REVEALED_COUNT}"
    code, out, err = run_cli("fix", "--apply", repo, "--unsafe-fixes")
    assert code == 1 and out == "", err
    applied = REVEALED_LINE.search(err)
    assert applied and not applied["once_fixed"], err
    assert err.splitlines()[-2:] == [f"Applied {REVEALED_COUNT}", REBUILD_LINE]
    assert "curl" in (repo / "api/Dockerfile").read_text()


SHIFTED = {
    "compose.yaml": ('services:\n  web:\n    build: ./web\n    healthcheck:\n'
                     '      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n'),
    "web/Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PORT=8000\n"
                       "EXPOSE 8000\nCMD uvicorn app.main:app --host 0.0.0.0 --port $PORT\n"),
    "web/requirements.txt": "fastapi\nuvicorn\n", "web/app/__init__.py": "",
    "web/app/main.py": APP,
}
UNSAFE_D002 = re.compile(r"^\S*/web/Dockerfile:(?P<line>\d+): D002 unsafe fix available", re.M)


def test_fix_names_a_remaining_finding_by_its_line_in_the_files_as_they_are(
        tmp_path: Path) -> None:
    """D003's fix installs curl (a pragma line, then the layer) above the shell-form CMD,
    whose D002 fix is unsafe. A dry run leaves the Dockerfile as it was: the CMD is on line 6
    there, not on line 8 of the fixed text. Once applied, line 8 is where it is."""
    repo = write_tree(tmp_path, SHIFTED)
    code, diff, err = run_cli("fix", repo)
    dry = UNSAFE_D002.search(err)
    assert code == 1 and "curl" in diff and dry, err
    assert dry["line"] == "6" and "a line of the fixed file" not in err, err
    code, _, err = run_cli("fix", "--apply", repo)
    applied = UNSAFE_D002.search(err)
    assert code == 1 and applied and applied["line"] == "8", err
    assert (repo / "web/Dockerfile").read_text().splitlines()[7].startswith("CMD uvicorn")


def test_a_revealed_finding_is_named_by_its_line_in_the_fixed_file(tmp_path: Path) -> None:
    """C004 gives `auth` a healthcheck; only then may `gateway` and `orders` wait for it
    healthy (C003). Both waits are fixed in one round, `gateway`'s above `orders`'s: the
    line named for `orders`'s is where its `auth:` entry is in the fixed file, dry run or
    applied, not where it was in the tree that round started from."""
    service = {"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install "
                             "fastapi uvicorn\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\", "
                             "\"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n",
               "app/__init__.py": "", "app/main.py": APP}
    compose = ("services:\n  gateway:\n    build: ./gateway\n    depends_on:\n      - auth\n"
               "      - orders\n  auth:\n    build: ./auth\n  orders:\n    build: ./orders\n"
               "    depends_on:\n      - auth\n")
    repo = write_tree(tmp_path, {"compose.yaml": compose, **{
        f"{name}/{path}": text for name in ("gateway", "auth", "orders")
        for path, text in service.items()}})
    pattern = re.compile(r"^\S*/compose\.yaml:(\d+): C003 fix for a revealed finding: Wait for "
                         r"auth to be healthy ", re.M)
    code, _, err = run_cli("fix", repo)
    assert code == 1 and pattern.search(err), err
    dry = int(pattern.findall(err)[-1])
    code, _, err = run_cli("fix", "--apply", repo)
    assert code == 1 and pattern.search(err), err
    lines = (repo / "compose.yaml").read_text().splitlines()
    entry = next(n for n, text in enumerate(lines, 1) if n > lines.index("  orders:")
                 and text == "      auth:")
    assert dry == int(pattern.findall(err)[-1]) == entry, (err, lines)


_INTERPOLATED_SERVICE = ("FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nEXPOSE 8000\n"
                         'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]\n')
INTERPOLATED_BELOW = {
    "docker-compose.yml": ('services:\n  a:\n    build: ./a\n    ports: ["8000:8080"]\n'
                           '  b:\n    build: ./b\n    ports:\n      - "${B_PORT}:${B_PORT}"\n'),
    ".env": "B_PORT=8000\n",
    **{f"{name}/{path}": text for name in ("a", "b") for path, text in (
        ("Dockerfile", _INTERPOLATED_SERVICE), ("requirements.txt", "fastapi\nuvicorn\n"),
        ("app/__init__.py", ""), ("app/main.py", APP))},
}
DISPLAY_P001 = re.compile(r"^\S*docker-compose\.yml:(?P<line>\d+): P001 no automatic fix "
                          r"\(.*\(docker-compose\.yml:(?P<named>\d+)\)\)", re.M)


def test_fix_names_the_lines_of_a_reason_as_the_files_on_disk_have_them(tmp_path: Path) -> None:
    """a's healthcheck goes in above b; b's P001 reason names the line of its interpolated
    port. A dry run writes nothing: the reason says line 8, where it is on disk, not the
    line it has in the fixed text."""
    repo = write_tree(tmp_path, INTERPOLATED_BELOW)
    code, diff, err = run_cli("fix", repo)
    dry = DISPLAY_P001.search(err)
    assert code == 1 and "healthcheck" in diff and dry, err
    assert (dry["line"], dry["named"]) == ("8", "8"), err
    code, _, err = run_cli("fix", "--apply", repo)
    applied = DISPLAY_P001.search(err)
    assert applied and applied["line"] == applied["named"] != "8", err


def test_fix_says_why_a_finding_has_no_fix_once() -> None:
    """D001's display-only finding: the message says what was found (a pipeline builds the
    copy), the reason what that means; the line `fixer fix` prints holds each once."""
    case = GOLDEN / "D001-duplicate-dockerfile" / "gitlab-ci-builds-a-differing-copy" / "before"
    code, _, err = run_cli("fix", case, "--select", "D001")
    [line] = [line for line in err.splitlines() if "no automatic fix" in line]
    assert code == 0 and line.endswith(
        "D001 no automatic fix (it may be an image of its own, not a stray copy): "
        "quotes/app/Dockerfile is a second Dockerfile beside quotes/Dockerfile, which compose "
        "builds (its content differs and .gitlab-ci.yml refers to it)"), err


FAILS_VERIFICATION = {
    "docker-compose.yml": ("services:\n  api:\n    build: .\n    command: uvicorn app.main:app "
                           "--host 0.0.0.0 --port 8000\n    depends_on:\n      rabbitmq:\n"
                           "        condition: service_started\n  rabbitmq:\n"
                           "    image: rabbitmq:3-management\n"),
    "requirements.txt": "fastapi\nuvicorn\n", "app/__init__.py": "", "app/main.py": APP,
}


def test_a_module_first_judged_by_a_fix_does_not_import_not_no_longer(tmp_path: Path) -> None:
    """S001's stock Dockerfile makes `api` an app service whose main module imports one the
    repository does not hold: the stack check refuses the fix, and says the module does not
    import, not that it no longer does (it never did)."""
    repo = write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: .\n",
        "requirements.txt": "fastapi\nuvicorn\n", "app/__init__.py": "",
        "app/main.py": APP.replace("\n", "\nfrom .settings import config\n", 1)})
    code, _, err = run_cli("fix", repo, "--unsafe-fixes")
    assert code == 2 and re.search(r"S001 fix failed: breaks the stack check \(import\): "
                                   r"app/main\.py:\d a module on api's import path does not "
                                   r"import: `from \.settings import config`", err), err


def test_an_unsafe_fix_that_failed_is_not_offered_again(tmp_path: Path) -> None:
    """S001's stock Dockerfile makes `api` an app service whose broker C005 cannot gate (an
    explicit `service_started`): the fix fails verification. With --unsafe-fixes given, the
    summary says so once, and offers no `--unsafe-fixes` it already has."""
    repo = write_tree(tmp_path, FAILS_VERIFICATION)
    code, _, err = run_cli("fix", repo, "--unsafe-fixes")
    assert code == 2 and re.search(r"S001 fix failed: the fix would introduce C005", err), err
    assert "available with --unsafe-fixes" not in err, err
    _, _, err = run_cli("fix", repo)
    assert "S001 unsafe fix available with --unsafe-fixes" in err, err


def test_fix_summary_without_revealed_findings_gives_the_count_alone(tmp_path: Path) -> None:
    code, _, err = run_cli("fix", severity_tree(tmp_path), "--select", "P001")
    assert code == 1 and "revealed" not in err, err
    assert err.splitlines()[-1] == "Would apply 1 fix."


def test_fix_summary_counts_findings_another_fix_settles(tmp_path: Path) -> None:
    """In the seed fleet one C003 fix rewrites both of gateway_service's `depends_on` entries:
    `fixer check` counts 23 findings, the diff makes 22 fixes, and the summary says where the
    23rd went (with `-v`, which one it is), so that the counts add up."""
    _, out, _ = run_cli("check", SEED_FLEET, "--format", "json")
    checked = len(json.loads(out)["findings"])
    code, _, err = run_cli("fix", SEED_FLEET)
    fixes = int(re.search(r"^Would apply (\d+) fixes\.", err.splitlines()[-1])[1])
    assert code == 1 and err.splitlines()[-1].endswith(
        f" {checked - fixes} finding is settled by another finding's fix."), err
    _, _, err = run_cli("fix", SEED_FLEET, "-v")
    assert re.search(r"docker-compose\.yml:17: C003 settled by another finding's fix: "
                     r"gateway_service depends on billing_service only for it to start", err), err


def test_fix_summary_names_no_settled_finding_when_each_has_its_own_fix(tmp_path: Path) -> None:
    code, _, err = run_cli("fix", "-v", severity_tree(tmp_path))
    assert code == 1 and "settled" not in err, err


def test_fix_counts_a_finding_that_waits_on_an_unsafe_fix_with_it(tmp_path: Path) -> None:
    """C005's fix for redis is unsafe here (its long form makes api wait for mq, whose
    healthcheck fixer cannot judge); C003's entry for mq waits on it. `fixer check` counts
    both with `--unsafe-fixes`: `fixer fix` says the same, not that C003 is a person's job."""
    files = {**WAITS_FILES, "docker-compose.yml": WAITS_API.format(deps="[mq, cache]") +
             "  mq:\n    image: bitnami/rabbitmq:3.12\n    healthcheck:\n"
             "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:15672\"]\n"
             "  cache:\n    image: redis:7\n"}
    case = write_tree(tmp_path / "repo", files)
    code, _, err = run_cli("check", case)
    assert err.rstrip().endswith("(2 more with `--unsafe-fixes`)."), err
    code, _, err = run_cli("fix", case)
    assert re.search(r"docker-compose\.yml:\d+: C003 fixed with --unsafe-fixes, after the "
                     r"unsafe fixes it waits on: api depends on mq", err), err
    assert "to fix by hand" not in err and "no automatic fix" not in err, err
    assert err.splitlines()[-1] == ("Would apply 0 fixes. 1 unsafe fix available with "
                                    "--unsafe-fixes (and 1 finding that waits on them)."), err
    code, _, err = run_cli("fix", case, "--unsafe-fixes", "--apply")
    assert code == 1 and run_cli("check", case)[0] == 0, err


def test_a_fix_held_for_a_safe_port_move_and_unsafe_itself_counts_with_the_unsafe_fixes(
        tmp_path: Path) -> None:
    """C004's healthcheck waits for P001's safe fix to settle the port, and is unsafe on its
    own (the app sleeps 15 s at import): `fixer fix` never makes it, so `check` counts it
    with `--unsafe-fixes`, as `fix` does, and its JSON does not call it safe later."""
    main = ("import time\n\nfrom fastapi import FastAPI\n\ntime.sleep(15)\n"
            "app = FastAPI()\n\n\n@app.get(\"/health\")\ndef health():\n"
            "    return {\"ok\": True}\n")
    case = write_tree(tmp_path / "repo", {
        "compose.yaml": "services:\n  users:\n    build: ./users\n    ports:\n"
                        "      - \"8001:8001\"\n",
        "users/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nEXPOSE 8002\n"
                            "CMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", "
                            "\"--port\", \"8002\"]\n",
        "users/requirements.txt": "fastapi\nuvicorn\n", "users/app/__init__.py": "",
        "users/app/main.py": main})
    _, _, err = run_cli("check", case)
    assert err.rstrip().endswith("(1 fixable with `fixer fix`, 1 more with `--unsafe-fixes`)."), \
        err
    _, out, _ = run_cli("check", case, "--format", "json")
    c004 = next(f for f in json.loads(out)["findings"] if f["code"] == "C004")
    assert c004["fixed_later"] == "unsafe" and "sleeps" in c004["reason"], c004
    _, _, err = run_cli("fix", case)
    assert err.splitlines()[-1] == "Would apply 1 fix. 1 unsafe fix available with " \
        "--unsafe-fixes.", err
    _, out, _ = run_cli("fix", case, "--unsafe-fixes")
    assert "healthcheck:" in out and "--port\", \"8001\"" in out, out


def _service_on(name: str, port: int) -> dict[str, str]:
    cmd = f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{port}"]\n'
    return {f"{name}/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n" + cmd,
            f"{name}/requirements.txt": "fastapi\nuvicorn\n", f"{name}/app/__init__.py": "",
            f"{name}/app/main.py": ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                                    "@app.get(\"/health\")\ndef health():\n"
                                    "    return {\"ok\": True}\n")}


def test_a_fix_held_by_an_unsafe_port_move_counts_with_the_unsafe_fixes(tmp_path: Path) -> None:
    """P001 can only move users unsafely (Python calls both its ports); users' C004 writes
    the port P001 settles, so it waits for that unsafe fix: `--unsafe-fixes` makes both.
    `check`, `fix` and the report count it with the unsafe fixes, not as a safe fix nor as
    a person's job."""
    files = {"docker-compose.yml": "services:\n  users:\n    build: ./users\n    ports:\n"
                                   "      - \"8000:8000\"\n    healthcheck:\n      test: "
                                   "[\"CMD\", \"true\"]\n  orders:\n    build: ./orders\n"
                                   "    healthcheck:\n      test: [\"CMD\", \"true\"]\n",
             "orders/app/config.py": 'USERS = "http://users:8080"\nOLD = "http://users:8000"\n',
             **_service_on("users", 8080), **_service_on("orders", 8000)}
    case = write_tree(tmp_path / "repo", files)
    code, _, err = run_cli("check", case, "--select", "P001,P002")
    # orders' P002 is safe; users' P001 is unsafe, and its P002 waits on it
    assert err.rstrip().endswith("(1 fixable with `fixer fix`, 2 more with `--unsafe-fixes`)."), err
    code, out, _ = run_cli("check", case, "--select", "P001,P002", "--format", "json")
    assert {(f["code"], f["service"]): f["fixed_later"] for f in json.loads(out)["findings"]} \
        == {("P001", "users"): None, ("P002", "users"): "unsafe", ("P002", "orders"): None}
    code, _, err = run_cli("fix", case, "--select", "P001,P002")
    assert "P002 fixed with --unsafe-fixes, after the unsafe fixes it waits on" in err, err
    assert "to fix by hand" not in err, err
    code, out, err = run_cli("report", case, "--select", "P001,P002", "--unsafe-fixes")
    assert "Fixable with `fixer fix`: 1; with `--unsafe-fixes`: 2 more; by hand: 0" in out, out
    # the report of plain `fixer fix` says what the held fix waits for, not the rule's summary
    code, out, err = run_cli("report", case, "--select", "P001,P002")
    unsafe = out.split("### Fixed by `fixer fix --unsafe-fixes`", 1)[1].split("###", 1)[0]
    assert re.search(r"- `users`: .+; fixed after the unsafe fix it waits on \(", unsafe), unsafe


def test_a_revealed_fix_names_only_the_services_its_revealer_is_the_fix_of(
        tmp_path: Path) -> None:
    """C005's fix of db rewrites web's list too (settling web's C003 finding); the C003 fix
    it reveals for the worker's list is revealed by "the C005 fix of db": web has no C005."""
    compose = ("services:\n  db:\n    image: postgres:16\n    environment:\n"
               "      POSTGRES_PASSWORD: pw\n  api:\n    build: ./api\n    environment:\n"
               "      DATABASE_URL: postgresql://postgres:pw@db:5432/postgres\n"
               "    depends_on:\n      - db\n  web:\n    build: ./api\n    depends_on:\n"
               "      - db\n      - api\n  worker:\n    build: ./worker\n    depends_on:\n"
               "      - db\n")
    files = {**WAITS_FILES, "docker-compose.yml": compose,
             "worker/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                                  'CMD ["python", "worker.py"]\n',
             "worker/worker.py": "print('hi')\n"}
    case = write_tree(tmp_path / "repo", files)
    code, _, err = run_cli("fix", case)
    assert "revealed by the C005 fix of db)" in err, err


def test_the_report_lists_a_finding_the_fixes_reveal_and_leave_to_a_person(
        tmp_path: Path) -> None:
    """auth's healthcheck (C004) reveals gateway's short `depends_on` entry for it (C003),
    whose long form waits for users' healthcheck, which waits for P001's unsafe fix:
    `fixer fix` leaves it to a person, and the report says so under Needs a Person."""
    files = {"docker-compose.yml": "services:\n  gateway:\n    build: ./gateway\n"
                                   "    depends_on:\n      - users\n      - auth\n"
                                   "  users:\n    build: ./users\n    ports:\n"
                                   "      - \"8002:8000\"\n  auth:\n    build: ./auth\n",
             "gateway/app/clients.py": 'USERS = "http://users:8001"\n'
                                       'REPORTS = "http://users:8000/reports"\n',
             **_service_on("gateway", 8080), **_service_on("users", 8001),
             **_service_on("auth", 8000)}
    case = write_tree(tmp_path / "repo", files)
    code, _, err = run_cli("fix", case, "--select", "C003,C004,P001")
    assert re.search(r"C003 no automatic fix \(waits until users has a healthcheck", err), err
    assert err.rstrip().endswith("1 finding to fix by hand."), err
    code, out, _ = run_cli("report", case, "--select", "C003,C004,P001")
    assert "its fixes reveal 1 finding they leave to a person (under Needs a Person)" in out
    person = out.split("### Needs a Person", 1)[1].split("## ", 1)[0]
    assert "   - C003 `gateway`, once the C004 fix of `auth` is in: gateway depends on auth " \
           "only for it to start" in person, person


# -- the catalogue commands --------------------------------------------------------------------

def test_rules_json_and_explain(tmp_path: Path) -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    assert code == 0
    catalogue = {r["code"]: r for r in json.loads(out)}
    assert {"P001", "P002", "D001"} <= set(catalogue)
    assert catalogue["D001"]["safety"] == ["safe", "unsafe", "display-only"]
    code, out, _ = run_cli("explain", "p001")
    assert code == 0 and out.startswith("# P001 port-mismatch") and "## Fix safety" in out
    assert run_cli("explain", "X123")[0] == 2


def test_check_summary_counts_findings_that_wait_for_other_fixes() -> None:
    """A `depends_on` list that waits for C004 to give an entry its healthcheck is display-only
    now, but `fixer fix` converts it once C004's fix is in: not a person's job."""
    case = GOLDEN / "C003-dependency-not-healthy" / "gateway-list-waits-for-c004" / "before"
    code, _, err = run_cli("check", case, "--select", "C003,C004")
    assert code == 1
    assert err.rstrip().endswith(
        "(2 fixable with `fixer fix`, 2 once the fixes they wait on are in).")


# a start-up that retries its database until it answers
RETRIES_THE_DATABASE = ("\n\nasync def wait_for_db():\n    while True:\n        try:\n"
                        "            await connect()\n            break\n"
                        "        except Exception:\n            await asyncio.sleep(5)\n\n\n"
                        "@app.on_event(\"startup\")\nasync def startup():\n"
                        "    await wait_for_db()\n")
# a healthy FastAPI `api` (python:3.12 has curl) and a stack around it (`{deps}`: its list)
WAITS_API = ("services:\n  api:\n    build: ./api\n    depends_on: {deps}\n    healthcheck:\n"
             "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n")
WAITS_FILES = {"api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n"
               'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
               "api/requirements.txt": "fastapi\nuvicorn\n",
               "api/app/__init__.py": "", "api/app/main.py": APP}
PG = ("  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_PASSWORD: pw\n"
      "    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]\n")
MOVED_REDIS = ("  cache:\n    image: redis:7-alpine\n    command: [\"redis-server\", \"--port\", "
               "\"6380\"]\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n")
KAFKA = ("  kafka:\n    image: apache/kafka:3.8.0\n    healthcheck:\n      test: [\"CMD-SHELL\", "
         "\"/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092\"]\n")
# a worker built from the api, which has no healthcheck: C004's fix is safe for a plain
# /health route, unsafe for one that takes a session from `Depends`
WORKER = ("  worker:\n    build: ./api\n    command: python -m app.worker\n"
          "    depends_on: [db, api]\n")
DEPENDS_ROUTE = APP.replace("from fastapi import FastAPI", "from fastapi import Depends, FastAPI\n"
                            "\n\ndef session() -> object:\n    return object()\n").replace(
    "def health()", "def health(db: object = Depends(session))")


@pytest.mark.parametrize(("files", "summary"), [
    pytest.param({"docker-compose.yml": WAITS_API.format(deps="[db, cache]") + PG + MOVED_REDIS},
                 "(2 to fix by hand).", id="probe-no-rule-repairs"),
    pytest.param({"docker-compose.yml": WAITS_API.format(deps="[kafka, cache]") + KAFKA +
                  "  cache:\n    image: redis:7-alpine\n"},
                 "(2 more with `--unsafe-fixes`).", id="unsafe-c005"),
    pytest.param({"docker-compose.yml": WAITS_API.format(deps="[db]").replace(
        "    depends_on: [db]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
        "\"http://localhost:8000/health\"]\n", "") + WORKER + PG, "api/app/main.py": DEPENDS_ROUTE,
        "api/app/worker.py": "import time\n\ntime.sleep(60)\n"},
                 "(2 more with `--unsafe-fixes`).", id="unsafe-c004"),
    pytest.param({"docker-compose.yml": WAITS_API.format(deps="[db]").replace(
        "    depends_on: [db]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
        "\"http://localhost:8000/health\"]\n", "") + WORKER + PG,
        "api/app/worker.py": "import time\n\ntime.sleep(60)\n"},
                 "(1 fixable with `fixer fix`, 1 once the fixes they wait on are in).",
                 id="safe-c004-still-waits"),
    # C004 unsafe for a start-up that retries the database until it answers, which ends at
    # once when C005's fix makes the app wait for it to be healthy: `fixer fix` makes both
    pytest.param({"docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                  "    depends_on: [db]\n  db:\n    image: postgres:16-alpine\n"
                  "    environment:\n      POSTGRES_PASSWORD: pw\n",
                  "api/app/main.py": APP.replace("from fastapi", "import asyncio\n\nfrom fastapi")
                  + RETRIES_THE_DATABASE},
                 "(1 fixable with `fixer fix`, 1 once the fixes they wait on are in).",
                 id="c004-safe-once-c005-gates-the-database"),
    # H001 on a `/health-check` route: C004's healthcheck probes it, and no H001 fix follows
    pytest.param({"docker-compose.yml": "services:\n  api:\n    build: ./api\n",
                  "api/app/main.py": APP.replace('"/health"', '"/health-check"')},
                 "(1 fixable with `fixer fix`, 1 settled by another finding's fix).",
                 id="settled-by-c004"),
])
def test_check_counts_a_list_as_waiting_only_for_safe_fixes(
        tmp_path: Path, files: dict[str, str], summary: str) -> None:
    """A `depends_on` list converted once another entry gets its healthcheck waits for that
    only while plain `fixer fix` makes it: a probe no rule repairs (redis-cli on a moved
    port) leaves it a person's job, and one that follows a fix only `--unsafe-fixes`
    applies is counted with that fix."""
    case = write_tree(tmp_path / "repo", {**WAITS_FILES, **files})
    code, _, err = run_cli("check", case)
    assert code == 1 and err.rstrip().endswith(summary), err


# -- a rule that crashes: a bug in fixer, not in the input --------------------------------------

CRASH_LINE = "fixer: internal error in rule D001 (detect): KeyError: 'x' — please report it"


def crash_rule(monkeypatch: pytest.MonkeyPatch, code: str, stage: str = "detect") -> None:
    """The real catalogue, with rule `code`'s detect (or fix) function raising KeyError('x')."""
    def boom(*_args: object) -> NoReturn:
        raise KeyError("x")

    rules = [dataclasses.replace(r, **{f"{stage}_fn": boom}) if r.code == code else r
             for r in discover()]
    monkeypatch.setattr(shared, "discover", lambda: rules)


def test_a_rule_crash_is_one_line_naming_the_rule_and_check_reports_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash_rule(monkeypatch, "D001")
    repo = service_tree(tmp_path)
    code, out, err = run_cli("check", repo, "--select", "P001,D001")
    assert code == 2
    assert [m["code"] for m in map(FINDING_LINE.match, out.splitlines()) if m] == ["P001"]
    assert CRASH_LINE in err.splitlines()
    # No place in the user's repository (nor in fixer's code) is named, and no traceback
    assert not re.search(r"^\S+:\d+: ", err, re.MULTILINE) and "Traceback" not in err
    assert err.rstrip().endswith("; 1 rule crashed (a bug in fixer).")


def test_verbose_shows_the_traceback_of_a_crash(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    crash_rule(monkeypatch, "D001")
    repo = service_tree(tmp_path)
    for command in ("check", "fix"):
        code, _, err = run_cli(command, repo, "--select", "P001,D001", "-v")
        assert code == 2 and CRASH_LINE in err
        after = err.split(CRASH_LINE, 1)[1]
        assert after.lstrip().startswith("Traceback (most recent call last):")
        assert 'raise KeyError("x")' in after and after.count("KeyError: 'x'") == 1


def test_a_rule_crash_does_not_block_apply_of_the_other_fixes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash_rule(monkeypatch, "D001")
    repo = service_tree(tmp_path)
    code, _, err = run_cli("fix", "--apply", repo, "--select", "P001,D001")
    assert code == 2  # an error happened, after the P001 fix was written
    assert (repo / "web/Dockerfile").read_text() == dockerfile(8001)
    assert CRASH_LINE in err.splitlines() and "Applied 1 fix." in err
    assert "Nothing was written" not in err


def test_input_errors_still_block_apply(tmp_path: Path) -> None:
    repo = service_tree(tmp_path, **{"broken__compose.yaml": "services:\n  a: [\n"})
    before = snapshot(repo)
    code, _, err = run_cli("fix", "--apply", repo, "--select", "P001")
    assert code == 2 and snapshot(repo) == before
    assert "Nothing was written: fix the input errors" in err
    assert "Would apply" not in err, err   # nothing is: the input errors stop it


def test_a_dry_run_says_when_apply_would_write_nothing(tmp_path: Path) -> None:
    """The diff shows fixes that `--apply` would refuse to write: the dry run says so."""
    repo = service_tree(tmp_path, **{"broken__compose.yaml": "services:\n  a: [\n"})
    code, out, err = run_cli("fix", repo, "--select", "P001")
    assert code == 2 and out.startswith("diff --git")
    assert "`fixer fix --apply` would write nothing while the input errors above remain." \
        in err.splitlines() and "Would apply" not in err
    clean = service_tree(tmp_path / "clean")
    assert "would write nothing" not in run_cli("fix", clean, "--select", "P001")[2]


@pytest.mark.slow   # a fresh interpreter
def test_check_imports_only_its_own_command() -> None:
    """`fixer check` loads neither the fix, report nor probe commands (nor what they use):
    on a small repository the imports were most of its time."""
    code = ("import sys; from fixer.cli import main; main(['check', sys.argv[1]]); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('fixer.'))))")
    done = subprocess.run([sys.executable, "-c", code, str(SEED_FLEET)], capture_output=True,
                          text=True, check=True)
    loaded = set(done.stdout.split())
    assert "fixer.cli.check" in loaded
    assert not loaded & {"fixer.cli.fix", "fixer.cli.report", "fixer.cli.probe",
                         "fixer.app.apply", "fixer.formats.diff", "fixer.formats.report"}


@pytest.mark.parametrize("argv, message", [
    (["check", "nowhere"], "nowhere: does not exist"),
    (["check", "--select", "X999"], "unknown rule code: X999"),
    (["check", "--output-file", "nowhere/x"], "nowhere/x: no such folder"),
    (["check", "--baseline", "missing.json"], "missing.json: no such file"),
], ids=["path", "select", "output-file", "baseline"])
def test_a_refused_request_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       argv: list[str], message: str) -> None:
    """What fixer refuses once the flags are read: one `fixer:` line, no usage banner."""
    monkeypatch.chdir(tmp_path)
    assert run_cli(*argv) == (2, "", f"fixer: {message}\n")


def test_a_gate_revealed_by_several_fixes_names_them_all(tmp_path: Path) -> None:
    """`web` waits for a, b and c, none with a healthcheck: the C003 fix of its list comes
    after the C004 fixes of all three, and both the fix output and the report say so."""
    waits = ("services:\n  a:\n    build: ./a\n  b:\n    build: ./b\n  c:\n    build: ./c\n"
             "  web:\n    build: ./web\n    depends_on:\n      - a\n      - b\n      - c\n")
    files = {"compose.yaml": waits}
    for name in ("a", "b", "c", "web"):
        files |= service_files(name, 8000)
    root = write_tree(tmp_path / "repo", files)
    code, _out, err = run_cli("fix", root)
    assert code == 1, err
    [revealed] = [line for line in err.splitlines() if "fix for a revealed finding" in line]
    assert "(revealed by the C004 fixes of a, b and c)" in revealed, err
    code, _out, err = run_cli("report", root, "-o", tmp_path / "report.md")
    assert "revealed once the C004 fixes of `a`, `b` and `c` are in: C003 `web`" in \
        (tmp_path / "report.md").read_text(encoding="utf-8"), err


@pytest.mark.parametrize(("case", "doubt"), [
    pytest.param("a-gate-whose-healthcheck-a-safe-fix-repairs-and-fixer-then-cannot-judge-"
                 "waits-for-unsafe-fixes",
                 "once the D003 fix of auth-service is in, fixer cannot tell whether "
                 "auth-service's healthcheck passes", id="an-app-fixer-reads-no-route-of"),
    pytest.param("a-gate-on-an-app-whose-port-a-setting-holds-once-curl-is-in-waits-for-"
                 "unsafe-fixes",
                 "once the D003 fix of api is in, fixer cannot tell whether api's healthcheck "
                 "passes: it probes port 8000, and fixer cannot tell which port api listens "
                 "on", id="a-port-a-setting-holds"),
])
def test_a_gate_fixer_cannot_judge_once_repaired_is_counted_with_the_unsafe_fixes(
        case: str, doubt: str) -> None:
    """D003 gives the service the curl its healthcheck runs; fixer cannot tell then whether
    it serves /health (it reads no app of it), or whether the probe reaches the port it
    listens on (`uvicorn.run(..., port=settings.run.port)`): C003's gate is unsafe then, so
    `check` counts it with the unsafe fixes, as `fix` and `fix --unsafe-fixes` then do (the
    port's was counted as a safe fix to come, which `fix` never made)."""
    before = GOLDEN / "C003-dependency-not-healthy" / case / "before"
    code, out, err = run_cli("check", before, "--select", "C003,D003", "--format", "json")
    [gate] = [f for f in json.loads(out)["findings"] if f["code"] == "C003"]
    assert gate["fixed_later"] == "unsafe", gate
    assert doubt in gate["reason"], gate
    code, out, err = run_cli("fix", before, "--select", "C003,D003")
    assert "condition: service_healthy" not in out, out
    assert "C003 unsafe fix available with --unsafe-fixes" in err, err
    code, out, err = run_cli("fix", before, "--select", "C003,D003", "--unsafe-fixes")
    assert "+        condition: service_healthy" in out, out


def test_a_short_list_entry_is_no_safer_once_repaired_than_its_siblings_gate() -> None:
    """`gw: depends_on: [a, b]`, both healthchecks needing D003's curl: C003 writes the list
    out whole once both are repaired, and b's gate is in doubt then (its /health takes a
    dependency), so a's entry too is counted with the unsafe fixes, not as a safe fix to
    come; `fix` then offers the list only with `--unsafe-fixes`."""
    case = GOLDEN / "C003-dependency-not-healthy" / ("a-short-list-waits-for-every-entrys-"
                                                     "repair-and-is-no-safer-than-its-least-"
                                                     "safe-gate") / "before"
    code, out, err = run_cli("check", case, "--select", "C003,D003", "--format", "json")
    gates = {f["message"].split()[3]: f for f in json.loads(out)["findings"]
             if f["code"] == "C003"}
    assert {name: f["fixed_later"] for name, f in gates.items()} == \
        {"a": "unsafe", "b": "unsafe"}, gates
    assert "once the D003 fixes of a and b are in, fixer cannot tell whether b's " \
        "healthcheck passes" in gates["a"]["reason"], gates["a"]
    code, out, err = run_cli("check", case, "--select", "C003,D003")
    assert "2 more with `--unsafe-fixes`" in err and "once the fixes" not in err, err
    code, out, err = run_cli("fix", case, "--select", "C003,D003")
    assert "condition: service_healthy" not in out, out


def test_a_revealed_finding_names_the_fix_that_revealed_it_not_one_in_its_file() -> None:
    """`worker` waits for `api` in both files; C004 gives `api` a healthcheck (in the base
    file) and C005 gives `db` one: both C003 findings on `worker` were revealed by C004,
    though C005's fix was the one to edit a file they are in (the base file's entry is
    found only once the override's is fixed)."""
    case = GOLDEN / "C005-database-not-healthchecked" / \
        "override-repeats-the-image-probe-goes-in-the-base" / "before"
    code, _out, err = run_cli("fix", case)
    assert code == 1, err
    revealed = [line for line in err.splitlines() if "C003 fix for a revealed finding" in line]
    assert len(revealed) == 2, err
    assert all("(revealed by the C004 fix of api)" in line for line in revealed), err


@pytest.mark.parametrize(("command", "said"), [
    ("check", "Exit 0 when nothing is found (at or above --severity), or with --exit-zero; 1 "
              "on findings"),
    ("fix", "Exit 0 when there is nothing to fix; 1 when there are fixes (the dry run's diff) "
            "or fixes were made (--apply)"),
])
def test_help_says_what_each_exit_code_means(command: str, said: str) -> None:
    code, out, _err = run_cli(command, "--help")
    words = " ".join(out.split())   # as wrapped for the terminal
    assert code == 0 and said in words and "; 2 on an error" in words, out


PING_BEHIND_A_DEPENDENCY = {
    "docker-compose.yml": 'services:\n  api:\n    build: .\n    ports:\n      - "8000:8000"\n',
    "Dockerfile": ("FROM python:3.12\nWORKDIR /code\nCOPY requirements.txt .\n"
                   "RUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\n"
                   'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'),
    "requirements.txt": "fastapi\nuvicorn\n", "app/__init__.py": "",
    "app/main.py": ("from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n"
                    "def get_settings() -> dict[str, str]:\n    return {}\n\n\n"
                    '@app.get("/ping")\ndef ping(settings: dict = Depends(get_settings)):\n'
                    '    return {"ping": "pong"}\n'),
}


def test_an_unsafe_fix_another_unsafe_fix_settles_says_so(tmp_path: Path) -> None:
    """H001's unsafe `/health` route yields to C004's unsafe probe of `/ping`: the run
    without `--unsafe-fixes` says that the run with it makes C004's fix instead, which then
    settles H001 (it promised a route that run does not add)."""
    repo = write_tree(tmp_path, PING_BEHIND_A_DEPENDENCY)
    _, _, err = run_cli("fix", repo)
    assert re.search(r"H001 unsafe fix available with --unsafe-fixes: Add a GET /health route "
                     r".*; with --unsafe-fixes, the C004 fix of api \(docker-compose\.yml:2\) "
                     r"goes first and leaves nothing to fix here", err), err
    _, diff, err = run_cli("fix", repo, "--unsafe-fixes")
    assert "/health" not in diff and "localhost:8000/ping" in diff, diff
    assert "1 finding is settled by another finding's fix" in err, err


def test_a_revealed_fix_names_the_fixes_of_other_codes_it_waits_for(tmp_path: Path) -> None:
    """A worker waits for db and api in one list: C005's probe of db reveals the C003
    finding, and C004's healthcheck of api is in the same fix's wait: both are named."""
    compose = ("services:\n  db:\n    image: postgres:16\n    environment:\n"
               "      POSTGRES_PASSWORD: pw\n  api:\n    build: ./api\n    ports:\n"
               "      - \"8000:8000\"\n    environment:\n"
               "      DATABASE_URL: postgresql://postgres:pw@db:5432/postgres\n"
               "    depends_on:\n      - db\n"
               "  worker:\n    build: ./api\n    command: python -m app.worker\n"
               "    depends_on:\n      - db\n      - api\n")
    case = write_tree(tmp_path / "repo", {**WAITS_FILES, "docker-compose.yml": compose})
    code, _, err = run_cli("fix", case)
    assert "revealed by the C005 fix of db and the C004 fix of api)" in err, err


def test_a_gate_reason_does_not_cite_the_example_line_this_run_writes(tmp_path: Path) -> None:
    """C006's fix of the run lists CORS_ORIGINS in a new .env.example with no value: the
    held C003 gate on api says nothing defines it, and that the line is this run's, not
    that the example documents it."""
    files = {"api/Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . .\n"
                               "RUN pip install fastapi uvicorn\n"
                               'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
             "api/app/__init__.py": "", "api/app/main.py": APP,
             "docker-compose.yml": "services:\n  api:\n    build: ./api\n    environment:\n"
                                   "      CORS_ORIGINS: ${CORS_ORIGINS}\n    healthcheck:\n"
                                   "      test: [\"CMD\", \"curl\", \"-f\", "
                                   "\"http://localhost:8000/health\"]\n  worker:\n"
                                   "    build: ./api\n    command: python -m app.worker\n"
                                   "    depends_on:\n      - api\n"}
    case = write_tree(tmp_path / "repo", files)
    _code, _out, err = run_cli("fix", case)
    assert "which nothing of the stack defines (this run's C006 fix lists it in " \
           ".env.example with no value)" in err, err
