"""`fixer fix --branch NAME --pr-body FILE`: the pull-request text matches the commits made."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixer.app import branch as branch_mode
from fixer.app.registry import choose, discover
from fixer.core.config import Config
from fixer.git import prbody
from kit import check
from support import REPO, SEED_FLEET, copy_tree, git, init_repo, make_repo, run_cli, write_tree
from test_branch import SELECT, commits, touched
from test_report import NO_DOCKERFILE, curl_on_slim

# Every test here commits on a branch through git, a few dozen git calls each: slow.
pytestmark = pytest.mark.slow

ROW = re.compile(r"^\| (\d+) \| (\w+) \| ([^|]+) \| (.+) \| ([\w-]+) \|$", re.M)
STAT = re.compile(r"^- `([^`]+)`: \+(\d+) -(\d+)$", re.M)


def sections(body: str) -> dict[str, str]:
    """Commit sha (12) -> its section of the body."""
    parts = re.split(r"^### \d+\. ", body, flags=re.M)[1:]
    found = {}
    for part in parts:
        sha = re.search(r"^Commit ([0-9a-f]{12}),", part, re.M)
        assert sha is not None, part
        found[sha.group(1)] = part
    return found


def numstat(repo: Path, commit: str) -> set[tuple[str, int, int]]:
    rows = git(repo, "diff", "--numstat", f"{commit}^", commit).splitlines()
    return {(path, int(added), int(removed))
            for added, removed, path in (row.split("\t") for row in rows)}


def test_table_row_per_commit_with_code_service_file_safety(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    body_file = tmp_path / "pr.md"
    code, _, err = run_cli("fix", repo, "--branch", "fix", "--pr-body", body_file, *SELECT)
    assert code == 1, err
    body = body_file.read_text()
    made = commits(repo, "HEAD", "fix")
    rows = ROW.findall(body)
    assert [int(r[0]) for r in rows] == list(range(1, len(made) + 1))
    for commit, (_, rule, service, files, safety) in zip(made, rows):
        trailer = git(repo, "log", "-1", "--format=%(trailers:key=Fixer-Rule,valueonly)", commit)
        assert rule == trailer.strip()
        assert re.findall(r"`([^`]+)`", files) == touched(repo, commit)
        assert service in {"web", "api", "worker"} and safety == "safe"
    # the engine's fix order: port rules (FIX_ORDER 10) before D001
    assert [r[2] for r in rows] == ["web", "worker", "api"]
    parts = sections(body)
    assert list(parts) == [c[:12] for c in made]
    for commit, part in zip(made, parts.values()):
        subject = git(repo, "log", "-1", "--format=%s", commit).strip()
        assert part.startswith(subject + "\n")
        assert "**What changed:** " in part and "**Why:** " in part
    assert "Published ports forward to nothing" in body, "the rule's why is quoted"
    # it claims what verification showed, not that commits are independent
    assert "verified each on the tree it makes" in body and "revert from the end" in body
    assert "reverted on its own" not in body


@pytest.mark.slow  # the whole seed fleet as a branch, git numstat per commit
def test_diff_statistics_match_git_numstat(tmp_path: Path) -> None:
    repo = copy_tree(SEED_FLEET, tmp_path / "fleet")
    init_repo(repo)
    body_file = tmp_path / "pr.md"
    assert run_cli("fix", repo, "--branch", "fix", "--pr-body", body_file)[0] == 1
    parts = sections(body_file.read_text())
    made = commits(repo, "HEAD", "fix")
    assert len(parts) == len(made)
    kinds = set()
    for commit in made:
        stats = {(p, int(a), int(r)) for p, a, r in STAT.findall(parts[commit[:12]])}
        assert stats == numstat(repo, commit), commit
        kinds |= {"added" if r == 0 else "removed" if a == 0 else "changed" for _, a, r in stats}
    assert kinds == {"added", "removed", "changed"}, "all kinds of change were compared"


def test_no_body_when_nothing_to_fix(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    body_file = tmp_path / "pr.md"
    code, _, err = run_cli("fix", repo, "--branch", "fix", "--pr-body", body_file,
                           "--select", "S001")
    assert code == 0, err
    assert not body_file.exists()


def test_pr_body_needs_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    code, _, err = run_cli("fix", repo, "--pr-body", tmp_path / "pr.md")
    assert code == 2 and "--pr-body needs --branch" in err


# -- revealed commits and repository-true impact -------------------------------------------------

ITEMS_APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\n'
             'def items() -> list[str]:\n    return []\n')
HEALTHY = "      api:\n        condition: service_healthy\n"
STARTED = "      - api\n"


def pr_body(root: Path, files: dict[str, str], *args: str) -> str:
    repo = write_tree(root / "repo", files)
    init_repo(repo)
    code, _, err = run_cli("fix", repo, "--branch", "fix", "--pr-body", root / "pr.md", *args)
    assert code == 1, err
    return (root / "pr.md").read_text()


def why_of(body: str, code: str) -> str:
    """The **Why:** line of the commit that fixes `code`."""
    [part] = [p for p in sections(body).values() if p.startswith(f"fix({code}):")]
    found = re.search(r"^\*\*Why:\*\* (.+)$", part, re.M)
    assert found is not None, part
    return found.group(1)


def test_a_revealed_commit_names_the_commit_that_reveals_it(tmp_path: Path) -> None:
    """S001 writes a python-slim Dockerfile (unsafe); only then can D003 see that the
    healthcheck's curl is missing from it: `fixer check` on the base shows S001 alone."""
    body = pr_body(tmp_path, NO_DOCKERFILE, "--unsafe-fixes")
    assert [row[:3] for row in ROW.findall(body)] == [("1", "S001", "api"), ("2", "D003", "api")]
    first, second = sections(body).values()
    assert "Revealed by" not in first
    assert ("**Revealed by commit 1 (S001 api):** `fixer check` on the base does not show this "
            "finding; it appears only once that commit is in.") in second
    assert "1 of them fixes a finding that appears only once an earlier commit is in" in body


def test_an_unsafe_commit_says_what_to_review(tmp_path: Path) -> None:
    """S001's stock Dockerfile is unsafe: its section and its commit say why, and the
    commit subject leaves that reason to them."""
    body = pr_body(tmp_path, NO_DOCKERFILE, "--unsafe-fixes")
    first = next(iter(sections(body).values()))
    assert "**Review before merging (unsafe fix):** " in first
    subject, message = git(tmp_path / "repo", "log", "-1", "--format=%s%n%b",
                           commits(tmp_path / "repo", "HEAD", "fix")[0]).split("\n", 1)
    assert "Unsafe fix, to review: " in message and "(" not in subject.split(":", 1)[1]


# web waits for a and b to start; each has a healthcheck fixer cannot vouch for, each its own
TWO_DOUBTS = {
    "compose.yaml": "services:\n  a:\n    build: ./a\n  b:\n    build: ./b\n  web:\n"
                    "    build: ./web\n    ports: [\"8080:80\"]\n    depends_on:\n      - a\n"
                    "      - b\n",
    "a/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                    "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\n"
                    "EXPOSE 8000\nHEALTHCHECK CMD python -c \"import urllib.request;urllib."
                    "request.urlopen('http://localhost:8000/health')\"\n"
                    'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    "a/requirements.txt": "fastapi\nuvicorn\n", "a/app/__init__.py": "",
    "a/app/main.py": "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n"
                     "READY = False\n\n\n@app.get(\"/health\")\ndef health():\n"
                     "    if not READY:\n        raise HTTPException(503, \"starting\")\n"
                     "    return {\"status\": \"ok\"}\n",
    "b/Dockerfile": "FROM node:20-alpine\nWORKDIR /app\nCOPY server.js .\nEXPOSE 3000\n"
                    "HEALTHCHECK CMD wget -qO- http://localhost:3000/ready || exit 1\n"
                    'CMD ["node", "server.js"]\n',
    "b/server.js": "require('http').createServer((q, r) => r.end()).listen(3000);\n",
    "web/Dockerfile": "FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\n",
    "web/nginx.conf": "server {\n    listen 80;\n    location /a/ { proxy_pass http://a:8000/; }\n"
                      "    location /b/ { proxy_pass http://b:3000/; }\n}\n",
}


def test_an_unsafe_commit_that_settles_two_findings_gives_each_reason(tmp_path: Path) -> None:
    """One C003 commit writes web's entries for a and b: the reviewer is told why each may
    keep web from starting (a's 503, b's route fixer cannot read), not only a's."""
    body = pr_body(tmp_path, TWO_DOUBTS, "--unsafe-fixes")
    [part] = [p for p in sections(body).values() if p.startswith("fix(C003):")]
    review = part.split("**Review before merging (unsafe fix):**", 1)[1]
    assert "a's healthcheck passes" in review and "b's healthcheck passes" in review, part
    [commit] = commits(tmp_path / "repo", "HEAD", "fix")
    message = git(tmp_path / "repo", "log", "-1", "--format=%b", commit)
    reasons = message.split("Unsafe fix, to review:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [r.split(":")[0] for r in reasons] == [
        "- fixer cannot tell whether a's healthcheck passes",
        "- fixer cannot tell whether b's healthcheck passes"], message


def test_the_body_names_the_errors_the_branch_leaves(tmp_path: Path) -> None:
    """Without `--unsafe-fixes`, S001 (an error) stays: the body says the stack is still
    broken, with the finding, so that a merged branch is not read as a fixed stack."""
    tree = {**NO_DOCKERFILE, "compose.yaml": NO_DOCKERFILE["compose.yaml"] +
            "  web:\n    build: ./web\n",
            "web/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                              "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n",
            "web/requirements.txt": "fastapi\nuvicorn\n", "web/app/__init__.py": "",
            "web/app/main.py": NO_DOCKERFILE["api/app/main.py"]}
    body = pr_body(tmp_path, tree)
    assert re.search(r"\*\*Still broken after this branch \(\d+ errors?, ", body), body
    assert re.search(r"^- `compose\.yaml:\d+` S001: ", body, re.M), body


def test_a_stack_in_a_subfolder_names_files_from_the_repository_root(tmp_path: Path) -> None:
    """`fixer fix stacks/billing --branch`: the table, the diff statistics and the errors
    left name each file as the commits and their diffs do, from the repository's root."""
    tree = {**NO_DOCKERFILE, "compose.yaml": NO_DOCKERFILE["compose.yaml"] +
            "  web:\n    build: ./web\n",
            "web/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                              "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n",
            "web/requirements.txt": "fastapi\nuvicorn\n", "web/app/__init__.py": "",
            "web/app/main.py": NO_DOCKERFILE["api/app/main.py"]}
    repo = write_tree(tmp_path / "repo", {f"stacks/billing/{p}": t for p, t in tree.items()})
    init_repo(repo)
    body_file = tmp_path / "pr.md"
    code, _, err = run_cli("fix", repo / "stacks/billing", "--branch", "fix",
                           "--pr-body", body_file)
    assert code == 1, err
    body = body_file.read_text()
    made = commits(repo, "HEAD", "fix")
    rows = ROW.findall(body)
    assert made and len(rows) == len(made)
    for commit, row in zip(made, rows):
        assert re.findall(r"`([^`]+)`", row[3]) == touched(repo, commit)
        files = git(repo, "log", "-1", "--format=%b", commit).split("Files:\n")[1]
        assert [f"- {path}" for path in touched(repo, commit)] == \
            files.split("\n\n")[0].splitlines()
    for commit, part in zip(made, sections(body).values()):
        assert {path for path, _, _ in STAT.findall(part)} == set(touched(repo, commit))
    assert re.search(r"^- `stacks/billing/compose\.yaml:\d+` S001: ", body, re.M), body


def test_why_names_the_services_that_wait_on_the_tree_the_fix_was_made_on(
        tmp_path: Path) -> None:
    body = pr_body(tmp_path / "a", curl_on_slim(HEALTHY), "--select", "D003")
    assert ("Here every service that waits for it to be healthy never starts: `web` (waits for "
            "`api`).") in why_of(body, "D003")
    assert "Revealed by" not in body and "of them fix" not in body
    # web waits for api only once the C003 commit after D003's is in: D003's commit claims
    # no waiting service, though the branch's last tree has one
    body = pr_body(tmp_path / "b", curl_on_slim(STARTED), "--select", "D003,C003")
    assert [row[1] for row in ROW.findall(body)] == ["D003", "C003"]
    assert "waits for" not in why_of(body, "D003")


def test_why_keeps_the_rules_claim_about_waiting_services_only_where_some_wait(
        tmp_path: Path) -> None:
    """H002's docs say every service that waits for the app with `service_healthy` never
    starts: said (with the names) where `web` waits so, left out where it only starts after."""
    files = {**curl_on_slim(HEALTHY), "api/app/main.py": ITEMS_APP}
    why = why_of(pr_body(tmp_path / "a", files, "--select", "H002"), "H002")
    assert why.startswith("the healthcheck of api asks for /health, which the app")
    assert "`web` (waits for `api`)" in why
    files = {**curl_on_slim(STARTED), "api/app/main.py": ITEMS_APP}
    body = pr_body(tmp_path / "b", files, "--select", "H002")
    assert why_of(body, "H002").startswith("the healthcheck of api asks for /health")
    assert "waits for it" not in body and "never starts" not in body


# an api with a healthcheck that passes, and a built `setup` that waits for it only to start;
# `{policy}`: setup's restart policy
WAITS_TO_START = {
    "compose.yaml": ("services:\n  api:\n    build: ./api\n    healthcheck:\n      test: "
                     "[\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n"
                     "  setup:\n    build: ./setup\n{policy}    depends_on:\n      - api\n"),
    "api/Dockerfile": ("FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install -r "
                       "requirements.txt\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\", "
                       "\"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n"),
    "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
    "api/app/main.py": ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                        '@app.get("/health")\ndef health() -> dict[str, str]:\n'
                        '    return {"status": "ok"}\n'),
    "setup/Dockerfile": 'FROM python:3.12-slim\nCOPY run.py .\nCMD ["python", "run.py"]\n',
    "setup/run.py": 'import urllib.request\n\nurllib.request.urlopen("http://api:8000/health")\n',
}
RACE = "(and restart until it wins the race)"


@pytest.mark.parametrize(("policy", "restarts"), [
    pytest.param("", False, id="compose-default-no"),
    pytest.param('    restart: "no"\n', False, id="no"),
    pytest.param("    restart: unless-stopped\n", True, id="unless-stopped"),
    pytest.param("    restart: on-failure:3\n", True, id="on-failure-3"),
    pytest.param("    restart: ${RESTART:-always}\n", True, id="unread-value"),
    pytest.param("    deploy:\n      restart_policy:\n        condition: none\n", False,
                 id="deploy-none"),
    pytest.param("    deploy:\n      restart_policy:\n        max_attempts: 3\n", True,
                 id="deploy-default-any"),
])
def test_c003_says_the_waiting_service_restarts_only_where_docker_restarts_it(
        tmp_path: Path, policy: str, restarts: bool) -> None:
    """C003's docs say a service may "crash (and restart until it wins the race)":
    true of a container with a restart policy, not of a one-shot job Compose never
    restarts (its default)."""
    files = {**WAITS_TO_START, "compose.yaml": WAITS_TO_START["compose.yaml"].format(
        policy=policy)}
    why = why_of(pr_body(tmp_path, files, "--select", "C003"), "C003")
    assert why.startswith("setup depends on api only for it to start"), why
    assert (RACE in why) is restarts, why
    assert "a service that connects at start-up without retrying may crash" in why, why


# the app's connection to the database of the C005 tests: what makes the race its own
USES_DB = "    environment:\n      DATABASE_URL: postgresql://postgres:example@db/postgres\n"


def test_c005_says_the_app_restarts_only_where_docker_restarts_one(tmp_path: Path) -> None:
    files = {**WAITS_TO_START, "compose.yaml": (
        "services:\n  api:\n    build: ./api\n{policy}    depends_on: [db]\n" + USES_DB +
        "  db:\n    image: postgres:17-alpine\n    environment:\n"
        "      POSTGRES_PASSWORD: example\n")}
    for name, policy, restarts in [("a", "", False), ("b", "    restart: always\n", True)]:
        tree = {**files, "compose.yaml": files["compose.yaml"].format(policy=policy)}
        why = why_of(pr_body(tmp_path / name, tree, "--select", "C005"), "C005")
        assert (RACE in why) is restarts and "the app's first connection may find it" in why, why


def test_c005_counts_the_restart_policy_of_the_apps_only(tmp_path: Path) -> None:
    """An admin image that waits on the database and restarts says nothing of the app
    that connects: the app stays down when it crashes."""
    files = {**WAITS_TO_START, "compose.yaml": (
        "services:\n  api:\n    build: ./api\n    depends_on: [db]\n" + USES_DB +
        "  adminer:\n    image: adminer:4\n    restart: always\n    depends_on: [db]\n"
        "  db:\n    image: postgres:17-alpine\n    environment:\n"
        "      POSTGRES_PASSWORD: example\n")}
    why = why_of(pr_body(tmp_path, files, "--select", "C005"), "C005")
    assert RACE not in why and "the app's first connection may find it" in why, why


@pytest.mark.parametrize("connects", [True, False])
def test_c005_claims_the_race_only_where_the_app_names_the_database(
        tmp_path: Path, connects: bool) -> None:
    """An app whose only database URL is `127.0.0.1` (or none) never connects to the
    compose service: the wait only orders their start, and no crash is claimed."""
    url = "mongodb://mongo:27017/" if connects else "mongodb://127.0.0.1:27017/"
    files = {**WAITS_TO_START, "compose.yaml": (
        "services:\n  api:\n    build: ./api\n    depends_on: [mongo]\n"
        "    env_file: .env\n  mongo:\n    image: mongo:7.0\n"), ".env": f"MONGO_URI={url}\n"}
    why = why_of(pr_body(tmp_path, files, "--select", "C005"), "C005")
    assert ("the app's first connection may find it not ready" in why) is connects, why
    assert ("Nothing fixer reads of `api` names `mongo`: the wait may only order their start."
            in why) is not connects, why
    assert ("the most common start-up race" in why) is connects, why


@pytest.mark.parametrize(("code", "connects"), [
    pytest.param("db = object()\n", False, id="a-variable"),
    pytest.param('HOST = "db"\n', True, id="a-host-setting"),
    pytest.param('URL = "postgresql://app@db:5432/app"\n', True, id="a-url"),
])
def test_c005_a_variable_named_as_the_database_is_no_host(
        tmp_path: Path, code: str, connects: bool) -> None:
    """`db = SessionLocal()` in the app's code names no host: an app whose database URL
    points elsewhere (a managed database) never connects to the compose service `db`, and
    the gate is unsafe (it would hold the app back on a server it does not call); where its
    code names `db` it may call it, and the gate is safe."""
    files = {**WAITS_TO_START, "compose.yaml": (
        "services:\n  api:\n    build: ./api\n    depends_on: [db]\n    environment:\n"
        "      DATABASE_URL: postgresql://app:pw@pg.example.com/app\n  db:\n"
        "    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: pw\n"),
        "api/app/db.py": code}
    [finding] = check(files, select="C005")
    assert (finding.safety.value == "safe") is connects, finding.reason
    why = why_of(pr_body(tmp_path, files, "--select", "C005", "--unsafe-fixes"), "C005")
    assert ("the app's first connection may find it not ready" in why) is connects, why
    assert ("Nothing fixer reads of `api` names `db`: the wait may only order their start."
            in why) is not connects, why


@pytest.mark.parametrize(("expose", "stale"), [
    pytest.param("", False, id="none"), pytest.param("EXPOSE 9000\n", True, id="stale")])
def test_p002_calls_an_expose_stale_only_where_one_is_written(
        tmp_path: Path, expose: str, stale: bool) -> None:
    files = {**WAITS_TO_START, "compose.yaml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].replace("EXPOSE 8000\n", expose)}
    why = why_of(pr_body(tmp_path, files, "--select", "P002"), "P002")
    assert ("A stale one points them at a dead port." in why) is stale, why
    assert ("`docker run -P` publishes no port" in why) is not stale, why
    # the port may be the server's default, which no command names
    assert "find it in the command" not in why, why


def test_c005_reads_the_restart_policy_of_the_stack_the_finding_is_in(tmp_path: Path) -> None:
    """Two stacks each define `api`; only the root one restarts. The C005 finding is in the
    test stack, whose `api` has no restart policy: its Why does not say it restarts."""
    files = {**WAITS_TO_START,
             "compose.yaml": ("services:\n  api:\n    build: ./api\n    restart: always\n"
                              "    depends_on: [db]\n  db:\n    image: postgres:17\n"
                              "    environment: {POSTGRES_PASSWORD: pw}\n    healthcheck: "
                              "{test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]}\n"),
             "api/compose.test.yml": ("services:\n  api:\n    build: .\n    depends_on: [db]\n"
                                      + USES_DB + "  db:\n    image: postgres:17\n"
                                      "    environment: {POSTGRES_PASSWORD: pw}\n")}
    why = why_of(pr_body(tmp_path, files, "--select", "C005"), "C005")
    assert "the app's first connection may find it" in why and RACE not in why, why


def test_s001_names_the_case_only_where_the_names_differ_in_case(tmp_path: Path) -> None:
    """compose names `api/dockerfile`, the file is `api/Dockerfile`: the Why says a name
    that differs only in case breaks on Linux, and quotes no name it does not have."""
    files = {**WAITS_TO_START, "compose.yaml": ("services:\n  api:\n    build:\n"
                                                "      context: .\n"
                                                "      dockerfile: api/dockerfile\n")}
    files["api/Dockerfile"] = files["api/Dockerfile"].replace("COPY . .", "COPY api/ .")
    why = why_of(pr_body(tmp_path / "a", files, "--select", "S001"), "S001")
    assert "differs from the file's only in case" in why and "DockerFile" not in why, why
    body = pr_body(tmp_path / "b", NO_DOCKERFILE, "--select", "S001", "--unsafe-fixes")
    assert "only in case" not in why_of(body, "S001")


# auth and users with no healthcheck; users imports `utils` from auth's folder (I003: it stops
# at start-up); gateway waits for both only to start
HELD = {
    "compose.yaml": ("services:\n  auth:\n    build: ./services/auth\n  users:\n"
                     "    build: ./services/users\n  gateway:\n    build: ./services/gateway\n"
                     "    depends_on:\n      - users\n      - auth\n"),
    **{f"services/{name}/Dockerfile": ("FROM python:3.12\nWORKDIR /app\nRUN pip install fastapi "
                                       "uvicorn\nCOPY . .\nEXPOSE 8000\nCMD [\"uvicorn\", "
                                       "\"main:app\", \"--host\", \"0.0.0.0\", \"--port\", "
                                       "\"8000\"]\n") for name in ("auth", "users")},
    "services/auth/main.py": WAITS_TO_START["api/app/main.py"],
    "services/auth/utils/__init__.py": "def slug(s: str) -> str:\n    return s.lower()\n",
    "services/auth/pyproject.toml": '[project]\nname = "auth"\nversion = "1"\n',
    "services/gateway/Dockerfile": "FROM nginx:1.27-alpine\n",
    "services/users/main.py": "from utils import slug\n\n" + WAITS_TO_START["api/app/main.py"],
}


def test_the_intro_accounts_for_a_finding_held_back_by_a_defect_of_the_base(
        tmp_path: Path) -> None:
    """auth's C004 healthcheck makes gateway's `depends_on` a C003 finding, which no commit
    can fix while users stops at start-up (I003; users itself gets no healthcheck, which
    would never pass): the intro's account of what may appear after a commit names that
    case, and the branch's tip shows it."""
    body = pr_body(tmp_path, HELD, "--select", "C003,C004,I003")
    assert [row[1] for row in ROW.findall(body)] == ["C004"], body
    assert ("or one held back by a defect the base already has (a gate on a service that "
            "stops at start-up)") in body
    git(tmp_path / "repo", "checkout", "-q", "fix")
    code, out, err = run_cli("check", tmp_path / "repo", "--select", "C003,C004,I003")
    assert code == 1 and err.rstrip().endswith("(3 to fix by hand)."), err
    assert out.count(" C003 [warning] gateway depends on ") == 1, out
    assert out.count(" C004 [warning] users has no healthcheck") == 1, out


@pytest.mark.parametrize(("env_file", "stops"), [
    pytest.param("    env_file:\n      - .env\n", True, id="required"),
    pytest.param("    env_file:\n      - path: .env\n        required: false\n", False,
                 id="optional"),
    pytest.param("", False, id="none"),
])
def test_c006_says_compose_stops_where_a_required_env_file_is_missing(
        tmp_path: Path, env_file: str, stops: bool) -> None:
    """Where a service's `env_file` requires the project's `.env` and the repository has none
    (it is gitignored), Compose stops before it substitutes anything: the stock "the stack
    starts with an empty value" is false there. (The example file exists: a new one is
    for the services' authors to write there, and C006 writes none.)"""
    files = {"compose.yaml": ("services:\n  db:\n    image: postgres:17-alpine\n" + env_file +
                              "    environment:\n      POSTGRES_PASSWORD: ${DB_PASS}\n"),
             ".gitignore": ".env\n", ".env.example": "POSTGRES_USER=app\n"}
    why = why_of(pr_body(tmp_path, files, "--select", "C006"), "C006")
    assert ("Compose stops until someone writes one" in why) is stops, why
    assert ("a value the stack needs (a password, a host, a port, an image tag) may be empty"
            in why) is not stops, why
    assert "And no `.env.example` lists it for the next person to set." in why


# -- the size cap ------------------------------------------------------------------------------

MORE = re.compile(r"^\*\*…and (\d+) more fix(?:es)?\*\* \(commits (\d+) to (\d+) of `([^`]+)`\): "
                  r"see the report artifact; each commit's message says what it changes and "
                  r"why\.$", re.M)


def assert_well_formed(body: str, total: int) -> int:
    """Whole table rows and whole sections for the first commits, numbered from 1, and a
    count of the rest that adds up to `total`; returns how many commits the body shows."""
    table = [line for line in body.splitlines() if line.startswith("|")]
    rows = ROW.findall(body)
    assert len(table) == len(rows) + 2, "every table line is a whole row"
    shown = len(rows)
    assert [int(r[0]) for r in rows] == list(range(1, shown + 1))
    parts = re.split(r"^### \d+\. ", body, flags=re.M)[1:]
    assert len(parts) == shown
    assert all(STAT.search(part) for part in parts), "each section ends with its statistics"
    assert "```" not in body
    more = MORE.findall(body)
    if shown == total:
        assert more == []
    else:
        assert [tuple(map(int, m[:3])) for m in more] == [(total - shown, shown + 1, total)]
        assert f"|\n\n**…and {total - shown} more" in body, "a blank line ends the table"
    return shown


def test_the_body_stops_at_whole_commits_below_the_limit(tmp_path: Path) -> None:
    """Every limit from the bare heading to more than the whole body: never over it, always
    whole rows and sections, more of them as the limit grows."""
    repo = make_repo(tmp_path / "repo")
    said: list[str] = []
    done = branch_mode.run(repo, branch_mode.BranchRequest("fix"),
                           choose(discover(), ["P001", "D001"], None), Config(), said.append)
    full = prbody.render(done.made, "fix", done.result, Config())
    assert assert_well_formed(full, 3) == 3
    shown = []
    for limit in range(1000, len(full) + 1000, 50):
        body = prbody.render(done.made, "fix", done.result, Config(), limit=limit)
        assert len(body) <= limit
        shown.append(assert_well_formed(body, 3))
    assert shown == sorted(shown) and {0, 1, 2, 3} <= set(shown)


@pytest.mark.slow  # a 60-service generated fleet, a commit per fix
def test_a_large_fleet_body_fits_github(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_monorepo.py"), "60", str(fleet),
                    "--seed-defects"], check=True, capture_output=True, timeout=120)
    init_repo(fleet)
    body_file = tmp_path / "pr.md"
    code, _, err = run_cli("fix", fleet, "--branch", "fix", "--pr-body", body_file)
    assert code == 1, err
    body = body_file.read_text()
    total = len(commits(fleet, "HEAD", "fix"))
    assert total > 150
    assert len(body) < 65_536
    shown = assert_well_formed(body, total)
    assert 50 < shown < total


@pytest.mark.parametrize(("command", "requests"), [
    pytest.param("celery -A tasks worker --concurrency=$CONCURRENCY", False, id="worker"),
    # a script that starts no server fixer finds: a queue consumer
    pytest.param("python consume.py $QUEUE", False, id="consumer-script"),
    pytest.param("uvicorn app.main:app --host 0.0.0.0 --port $PORT", True, id="server")])
def test_d002_says_requests_are_dropped_only_where_a_server_runs(
        tmp_path: Path, command: str, requests: bool) -> None:
    """A Celery worker serves no requests: what a hard kill cuts short is its work."""
    files = {**WAITS_TO_START, "compose.yaml": "services:\n  api:\n    build: ./api\n"
             "    environment: {PORT: '8000', CONCURRENCY: '2'}\n",
             "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].rsplit("CMD", 1)[0]
             + f"CMD {command}\n", "api/consume.py": "import time\n\ntime.sleep(60)\n"}
    why = why_of(pr_body(tmp_path, files, "--select", "D002", "--unsafe-fixes"), "D002")
    assert ("dropping in-flight requests" in why) is requests, why
    assert ("cutting short the work in hand" in why) is not requests, why


@pytest.mark.parametrize(("above", "merges", "tools"), [
    pytest.param({}, "any other `src/app` folder under a `sys.path` entry merges into it",
                 False, id="src-no-package"),
    pytest.param({"api/src/__init__.py": ""}, None, True, id="src-a-package"),
    pytest.param({"api/src/__init__.py": "", "api/src/app/tasks.py": "from .main import app\n"},
                 None, True, id="src-a-package-importing-relatively")])
def test_s002_names_the_folders_that_merge_and_tools_only_where_the_fix_helps(
        tmp_path: Path, above: dict[str, str], merges: str | None, tools: bool) -> None:
    """For `src.app`, other `src/app` folders merge into it while `src/` is no package
    either (and none does below a regular `src`), not any `app`; and while `src/` is no
    package, the tools that skip it still do after the fix. Relative imports are named
    where a module of the package has one (or where nothing else would be said)."""
    files = {key: value for key, value in WAITS_TO_START.items() if not key.startswith("api/app")}
    files |= {"compose.yaml": "services:\n  api:\n    build: ./api\n",
              "api/src/app/main.py": WAITS_TO_START["api/app/main.py"],
              "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].replace("app.main:app",
                                                                           "src.app.main:app"),
              **above}
    why = why_of(pr_body(tmp_path, files, "--select", "S002"), "S002")
    assert "any other `app` folder" not in why and ("merges into it" in why) is bool(merges), why
    assert merges is None or merges in why, why
    assert ("`find_packages`" in why) is tools, why
    relative = "api/src/app/tasks.py" in above or (merges is None and not tools)
    assert ("relative imports inside it depend on how it happened to be found" in why) is \
        relative, why


@pytest.mark.parametrize("command", [True, False])
def test_d002_says_where_the_cmd_runs_when_compose_replaces_it(
        tmp_path: Path, command: bool) -> None:
    """Every service built from the image sets its own `command:`: the shell-form CMD runs
    only where the image runs without one."""
    own = '    command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'
    files = {**WAITS_TO_START,
             "compose.yaml": "services:\n  api:\n    build: ./api\n" + (own if command else ""),
             "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].rsplit("CMD", 1)[0]
             + "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n"}
    why = why_of(pr_body(tmp_path, files, "--select", "D002"), "D002")
    assert ("every service built from it sets its own `command:`" in why) is command, why


@pytest.mark.parametrize(("page", "calls"), [
    pytest.param('<script>fetch("http://localhost:8000/health")</script>\n', False,
                 id="static-page"),
    pytest.param('<script>fetch("http://api:8000/health")</script>\n', True, id="calls-api"),
    pytest.param('<script>fetch("http://localhost:8000/api/items")</script>\n', False,
                 id="a-path-segment-named-like-it")])
def test_c003_says_calls_may_fail_only_where_the_service_names_the_dependency(
        tmp_path: Path, page: str, calls: bool) -> None:
    """A static site that only depends on the API makes no call to it from its container
    (the browser calls localhost): its Why says nothing it reads names the API."""
    files = {**WAITS_TO_START,
             "compose.yaml": WAITS_TO_START["compose.yaml"].format(policy="").replace(
                 "  setup:\n    build: ./setup\n", "  web:\n    build: ./web\n"),
             "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\n",
             "web/index.html": page}
    why = why_of(pr_body(tmp_path, files, "--select", "C003"), "C003")
    assert ("its first calls to the dependency may fail" in why) is calls, why
    assert ("Nothing fixer reads of `web` names `api`" in why) is not calls, why


def test_c003_reads_no_lock_file_as_naming_the_dependency(tmp_path: Path) -> None:
    """A 250 kB package-lock.json in the frontend's context is no bundle that may call the
    API: it lists packages. The Why still says nothing the frontend reads names the API."""
    files = {**WAITS_TO_START,
             "compose.yaml": WAITS_TO_START["compose.yaml"].format(policy="").replace(
                 "  setup:\n    build: ./setup\n", "  web:\n    build: ./web\n"),
             "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\n",
             "web/index.html": "<p>hi</p>\n",
             "web/package-lock.json": '{"lockfileVersion": 3, "x": "' + "x" * 250_000 + '"}\n'}
    why = why_of(pr_body(tmp_path, files, "--select", "C003"), "C003")
    assert "Nothing fixer reads of `web` names `api`" in why, why


@pytest.mark.parametrize(("loop", "waits"), [
    ('until python -c "import socket; socket.create_connection((\'db\', 5432))"; do\n'
     "  sleep 2\ndone\n", True),
    ("", False),
    # a waiter for another service of the stack: it waits for that one, not the database
    ("./wait-for-it.sh broker:5672 --timeout=30\n", False),
    # a waiter the script defines as a function: its body says which server it waits for
    ("wait_for_db() {\n  python -c \"import psycopg2; psycopg2.connect('')\"\n}\n"
     "until wait_for_db; do sleep 2; done\n", True),
    ("wait_for_db() {\n  python -c \"import pika; pika.BlockingConnection()\"\n}\n"
     "until wait_for_db; do sleep 2; done\n", False)])
def test_c005_says_an_app_whose_entrypoint_waits_does_wait(tmp_path: Path, loop: str,
                                                          waits: bool) -> None:
    """The image's ENTRYPOINT script loops until the database answers, then runs the CMD:
    the app does wait; only Compose cannot hold it back, and no crash is claimed."""
    files = {**WAITS_TO_START,
             "compose.yaml": ("services:\n  api:\n    build: ./api\n    restart: always\n"
                              "    depends_on: [db]\n" + USES_DB + "  db:\n"
                              "    image: postgres:17-alpine\n"
                              "    environment:\n      POSTGRES_PASSWORD: example\n"
                              "  broker:\n    image: rabbitmq:3\n"),
             "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].replace(
                 "CMD", 'ENTRYPOINT ["/srv/entrypoint.sh"]\nCMD'),
             "api/entrypoint.sh": f"#!/bin/sh\nset -e\n{loop}exec \"$@\"\n"}
    body = pr_body(tmp_path, files, "--select", "C005")
    why = why_of(body, "C005")
    assert ("the app's first connection may find it not ready" in why) is not waits, why
    assert ("The start script of `api` waits on its own" in why) is waits, why
    assert ("Compose cannot hold api back until it accepts connections" in body) is waits, body


@pytest.mark.parametrize(("base", "hands_over"), [
    pytest.param("python:3.12-alpine", True, id="busybox-sh"),
    pytest.param("python:3.12-slim", False, id="dash")])
def test_d002_says_when_the_shell_hands_the_command_its_process(
        tmp_path: Path, base: str, hands_over: bool) -> None:
    """BusyBox sh, Alpine's `/bin/sh`, execs a lone command of `sh -c`: the app is PID 1
    already, and neither the finding nor the Why may say the shell is; dash keeps itself."""
    files = {**WAITS_TO_START, "compose.yaml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": WAITS_TO_START["api/Dockerfile"].replace(
                 "FROM python:3.12", f"FROM {base}").rsplit("CMD", 1)[0]
             + "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n"}
    body = pr_body(tmp_path, files, "--select", "D002")
    why = why_of(body, "D002")
    assert ("the shell is PID 1" in why) is not hands_over, why
    assert ("(BusyBox, on this Alpine base), which hands a lone command its process" in why) \
        is hands_over, why


@pytest.mark.parametrize("imports", [False, True])
def test_c003_does_not_count_the_dependencys_own_module_in_a_shared_context(
        tmp_path: Path, imports: bool) -> None:
    """Both services build from one folder: the producer's module names `producer` (its own
    variable), which says nothing of the consumer calling it; a consumer module that names
    the host does."""
    consumer = 'import urllib.request\n\nurllib.request.urlopen("http://producer:8000/")\n' \
        if imports else "import time\n\nwhile True:\n    time.sleep(60)\n"
    files = {"compose.yaml": ("services:\n  producer:\n    build: ./app\n"
                              "    command: uvicorn producer:app --host 0.0.0.0 --port 8000\n"
                              "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
                              "\"http://localhost:8000/health\"]\n  consumer:\n    build: ./app\n"
                              "    command: python consumer.py\n    depends_on:\n"
                              "      - producer\n"),
             "app/Dockerfile": ("FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                                "RUN pip install fastapi uvicorn\nEXPOSE 8000\n"),
             "app/producer.py": ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                                 '@app.get("/health")\ndef health():\n    return {}\n\n\n'
                                 '@app.post("/producer")\ndef producer():\n    return {}\n'),
             "app/consumer.py": consumer}
    why = why_of(pr_body(tmp_path, files, "--select", "C003"), "C003")
    assert ("its first calls to the dependency may fail" in why) is imports, why
    assert ("Nothing fixer reads of `consumer` names `producer`" in why) is not imports, why


def _packaged_services(names: str, regular: str) -> dict[str, str]:
    """One app service per letter of `names`, those in `regular` with an `app/__init__.py`."""
    compose = "services:\n" + "".join(f"  {n}:\n    build: ./{n}\n" for n in names)
    files = {"compose.yaml": compose}
    for name in names:
        files |= {f"{name}/Dockerfile": DOCKERFILE_APP, f"{name}/requirements.txt": "fastapi\n",
                  f"{name}/app/main.py": APP_MAIN}
        files |= {f"{name}/app/__init__.py": ""} if name in regular else {}
    return files


DOCKERFILE_APP = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install fastapi "
                  "uvicorn\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", "
                  "\"0.0.0.0\", \"--port\", \"8000\"]\n")
APP_MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def health_service(folder: str, dockerfile: str) -> dict[str, str]:
    """A service folder whose app serves `/health`, built by `dockerfile`."""
    return {f"{folder}/Dockerfile": dockerfile, f"{folder}/requirements.txt": "fastapi\n",
            f"{folder}/app/__init__.py": "",
            f"{folder}/app/main.py": APP_MAIN + "\n\n@app.get(\"/health\")\ndef health():\n"
                                               "    return {}\n"}


@pytest.mark.parametrize(("regular", "convention"), [
    pytest.param("", False, id="none-regular-before-the-branch"),
    pytest.param("c", False, id="a-minority-regular"),
    pytest.param("bcd", True, id="most-regular"),
])
def test_s002_names_the_fleets_convention_only_where_the_repository_has_one(
        tmp_path: Path, regular: str, convention: bool) -> None:
    """"The fleet's convention is a regular package" is said of the repository as it was:
    not where the packages regular before a commit are those the branch's earlier commits
    made so, nor where most of the repository's packages are namespace packages. `e` has no
    Dockerfile: its S002 appears only once S001's commit writes one, on a tree where the
    branch's first S002 commits made the other packages regular."""
    files = _packaged_services("abcde", regular)
    del files["e/Dockerfile"]
    body = pr_body(tmp_path, files, "--select", "S001,S002", "--unsafe-fixes")
    whys = [why_of_section(part) for part in sections(body).values()
            if part.startswith("fix(S002)")]
    assert len(whys) == 5 - len(regular), body
    assert all(("The fleet's convention is a regular package" in why) is convention
               for why in whys), body


def why_of_section(part: str) -> str:
    found = re.search(r"^\*\*Why:\*\* (.+)$", part, re.M)
    assert found is not None, part
    return found.group(1)


def test_a_revealed_c003_does_not_say_the_healthcheck_was_already_there(tmp_path: Path) -> None:
    """`b` has no healthcheck until the branch's C004 commit adds one; only then may `a` wait
    for it healthy (C003). The C003 section says an earlier commit adds the healthcheck."""
    compose = "services:\n  a:\n    build: ./a\n    depends_on:\n      - b\n  b:\n    build: ./b\n"
    files = {"compose.yaml": compose}
    for name in "ab":
        files |= health_service(name, DOCKERFILE_APP.replace("slim", "bookworm"))
    # another stack's `b`, with a healthcheck of its own, is another container
    files["other/compose.yaml"] = ("services:\n  b:\n    image: redis:7\n    healthcheck:\n"
                                   "      test: [\"CMD\", \"redis-cli\", \"ping\"]\n")
    why = why_of(pr_body(tmp_path, files, "--select", "C003,C004"), "C003")
    assert "already there" not in why, why
    assert "The healthcheck an earlier commit of this branch adds says when the dependency " \
        "is ready." in why, why


def test_a_commit_builds_on_the_fix_that_took_over_its_edit_not_on_its_neighbours(
        tmp_path: Path) -> None:
    """The first check's C004 fix of `svc` (in its own compose file) would install curl in its
    Dockerfile; D003's commit installs it first, and P002's adds EXPOSE there too. The C004
    commit builds on D003's, not on P002's."""
    files = {"docker-compose.yml": "services:\n  svc:\n    build: ./svc\n    healthcheck:\n"
                                   "      test: [\"CMD-SHELL\", \"curl -f "
                                   "http://localhost:8002/health || exit 1\"]\n",
             "svc/docker-compose.yml": "services:\n  svc:\n    build: .\n    ports:\n"
                                       "      - \"8002:8002\"\n",
             **health_service("svc", DOCKERFILE_APP.replace("EXPOSE 8000\n", "").replace(
                 "8000", "8002"))}
    body = pr_body(tmp_path, files, "--select", "C004,D003,P002")
    [c004] = [part for part in sections(body).values() if part.startswith("fix(C004)")]
    assert "**Builds on commit" in c004 and "(D003 svc)" in c004, c004
    assert "P002" not in c004, c004


def test_fixes_the_first_check_held_for_the_port_build_on_the_port_fix(tmp_path: Path) -> None:
    """compose calls `api` on 8000, its CMD listens on 8080: P001 moves the app to 8000, and
    the first check held P002's EXPOSE and C004's probe, which write that port, until then.
    Their commits build on P001's: without it they name a port nothing listens on."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n    ports:\n"
                             "      - \"8001:8000\"\n",
             **health_service("api", DOCKERFILE_APP.replace("EXPOSE 8000\n", "").replace(
                 "\"8000\"", "\"8080\""))}
    body = pr_body(tmp_path, files, "--select", "P001,P002,C004")
    parts = {part.split("\n", 1)[0][:9]: part for part in sections(body).values()}
    assert set(parts) == {"fix(P001)", "fix(P002)", "fix(C004)"}, body
    for code in ("P002", "C004"):
        assert "**Builds on commit 1 (P001 api):**" in parts[f"fix({code})"], parts
