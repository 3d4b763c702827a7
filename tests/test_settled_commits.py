"""`fixer fix --branch NAME --pr-body FILE` where one fix settles other findings besides its
own: one C005 fix probes both databases a `depends_on` list names, one C003 fix writes out a
whole list. Its commit names each finding it settles (the message, a Fixer-Fingerprint
trailer each), the pull request's table names their services, and a finding that fix
reveals says it is revealed by the fix of all of them. Real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import APP, git, init_repo, run_cli, write_tree
from test_branch import commits, rev
from test_prbody import ROW, sections

# Every test here commits on a branch through git, a few dozen git calls each: slow.
pytestmark = pytest.mark.slow

BRANCH = "fixer/autofix"

SVC = {
    "svc/Dockerfile": (
        "FROM python:3.12\nWORKDIR /code\nCOPY . .\nRUN pip install fastapi uvicorn\n"
        "EXPOSE 8000\nHEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n"
        'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n'),
    "svc/main.py": APP,
    "svc/requirements.txt": "fastapi\nuvicorn\n",
}

# api waits for a broker and a database, neither with a healthcheck: the C005 fix of mq
# probes db too, and gates both. job is no app service: its plain entry on db becomes a
# C003 finding once db has its probe.
TWO_DATABASES = {
    "compose.yaml": (
        "services:\n  mq:\n    image: rabbitmq:3\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: pw\n"
        '  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
        "    depends_on:\n      - mq\n      - db\n"
        '  job:\n    build: ./svc\n    command: ["python", "-c", "print(1)"]\n'
        "    depends_on:\n      - db\n"),
    **SVC,
}

# both entries of proxy's list have a healthcheck: two C003 findings, one fix
TWO_ENTRIES = {
    "compose.yaml": (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD: pw\n    healthcheck:\n"
        '      test: ["CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1"]\n'
        "      interval: 10s\n      timeout: 5s\n      retries: 3\n      start_period: 10s\n"
        '  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
        '  proxy:\n    build: ./svc\n    ports:\n      - "8001:8000"\n'
        "    depends_on:\n      - db\n      - api\n"),
    **SVC,
}

# api's list names a broker with no healthcheck and an app with one: the C005 fix writes the
# list out and gates web as C003 would, which settles C003's finding on that entry
BROKER_AND_APP = {
    "compose.yaml": (
        "services:\n  mq:\n    image: rabbitmq:3\n"
        '  web:\n    build: ./svc\n    ports:\n      - "8001:8000"\n'
        '  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
        "    depends_on:\n      - mq\n      - web\n"),
    **SVC,
}


def repository(tmp_path: Path, files: dict[str, str], folder: str = "") -> Path:
    """The files committed in a new repository, in `folder` of it; the folder checked."""
    root = tmp_path / "repo"
    write_tree(root, {f"{folder}/{path}" if folder else path: text
                      for path, text in files.items()})
    init_repo(root)
    return root / folder if folder else root


def fix_branch(folder: Path, body: Path, *options: str) -> tuple[int, str]:
    code, _, err = run_cli("fix", folder, "--branch", BRANCH, "--pr-body", body, *options)
    return code, err


def checked(folder: Path) -> dict[tuple[str, str, str], str]:
    """(code, service, message) -> fingerprint of each finding `fixer check` reports."""
    out = run_cli("check", folder, "--format", "json")[1]
    return {(f["code"], f["service"], f["message"]): f["fingerprint"]
            for f in json.loads(out)["findings"]}


def message(repo: Path, commit: str) -> str:
    return git(repo, "log", "-1", "--format=%B", commit)


def fingerprints(repo: Path, commit: str) -> list[str]:
    """The Fixer-Fingerprint trailers as git itself parses them."""
    return git(repo, "log", "-1", "--format=%(trailers:key=Fixer-Fingerprint,valueonly)",
               commit).split()


def by_code(findings: dict[tuple[str, str, str], str], code: str,
            ) -> dict[str, tuple[str, str]]:
    """service -> (message, fingerprint) of the findings of one rule (one each here)."""
    return {service: (text, print_) for (rule, service, text), print_ in findings.items()
            if rule == code}


@pytest.mark.parametrize("folder", ["", "deploy"])
def test_c005_commit_names_the_other_database_it_probes(tmp_path: Path, folder: str) -> None:
    checked_folder = repository(tmp_path, TWO_DATABASES, folder)
    repo = tmp_path / "repo"
    c005 = by_code(checked(checked_folder), "C005")
    assert sorted(c005) == ["db", "mq"], c005
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(checked_folder, body_file)
    assert code == 1, err
    made = commits(repo, "HEAD", BRANCH)
    assert len(made) == 2, err   # C005 of mq (db's probe with it), then C003 of job
    first, second = (message(repo, commit) for commit in made)
    assert first.startswith("fix(C005): add a `rabbitmq-diagnostics` healthcheck to mq and a "
                            "`pg_isready` healthcheck to db"), first
    # both findings, by their message and by the fingerprint `fixer check` shows
    assert c005["mq"][0] in first and c005["db"][0] in first, first
    assert fingerprints(repo, made[0]) == [c005["mq"][1], c005["db"][1]], first
    assert len(fingerprints(repo, made[1])) == 1, second   # job's fix settles nothing else
    # the pull request: the row names both services, the revealed commit says by what
    body = body_file.read_text()
    rows = ROW.findall(body)
    assert [(r[1], r[2]) for r in rows] == [("C005", "mq, db"), ("C003", "job")], rows
    part = list(sections(body).values())[1]
    assert "**Revealed by commit 1 (C005 mq, db):**" in part, part
    assert "revealed by the C005 fix of mq and db" in err, err


def test_a_rerun_reads_a_commit_with_several_fingerprints_as_fixers(tmp_path: Path) -> None:
    """A commit with two Fixer-Fingerprint trailers is still fixer's: the same base again
    is up to date; a new base, the branch is made again, not left to a person."""
    repo = repository(tmp_path, TWO_DATABASES)
    body_file = tmp_path / "pr.md"
    assert fix_branch(repo, body_file)[0] == 1
    assert len(fingerprints(repo, commits(repo, "HEAD", BRANCH)[0])) == 2
    tip = rev(repo, BRANCH)
    code, err = fix_branch(repo, body_file)
    assert code == 0 and "is up to date" in err, err
    assert rev(repo, BRANCH) == tip
    (repo / "README.md").write_text("a line that moves nothing fixer looks at\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "docs")
    code, err = fix_branch(repo, body_file)
    assert code == 1 and "edited by a person" not in err, err
    assert len(commits(repo, "HEAD", BRANCH)) == 2 and rev(repo, BRANCH) != tip


def test_c003_commit_names_every_entry_of_the_list(tmp_path: Path) -> None:
    repo = repository(tmp_path, TWO_ENTRIES)
    c003 = checked(repo)
    assert sorted(key[:2] for key in c003) == [("C003", "proxy")] * 2, c003
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(repo, body_file)
    assert code == 1, err
    [made] = commits(repo, "HEAD", BRANCH)
    text = message(repo, made)
    assert text.startswith("fix(C003): wait for db and api to be healthy in proxy\n"), text
    for (_, _, said) in c003:
        assert said in text, text
    assert sorted(fingerprints(repo, made)) == sorted(c003.values()), text
    assert [(r[1], r[2]) for r in ROW.findall(body_file.read_text())] == [("C003", "proxy")]


def test_c005_commit_names_the_c003_finding_of_the_list_it_writes_out(tmp_path: Path) -> None:
    repo = repository(tmp_path, BROKER_AND_APP)
    found = checked(repo)
    assert sorted(key[:2] for key in found) == [("C003", "api"), ("C005", "mq")], found
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(repo, body_file)
    assert code == 1, err
    [made] = commits(repo, "HEAD", BRANCH)
    text = message(repo, made)
    assert all(said in text for (_, _, said) in found), text
    mq, api = (by_code(found, code) for code in ("C005", "C003"))
    assert fingerprints(repo, made) == [mq["mq"][1], api["api"][1]], text
    assert [(r[1], r[2]) for r in ROW.findall(body_file.read_text())] == [("C005", "mq, api")]


def test_report_names_every_service_of_the_fix_that_reveals(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "stack", TWO_DATABASES)
    out = run_cli("report", root)[1]
    assert re.search(r"then, revealed once the C005 fix of `mq` and `db` is in: C003 `job`",
                     out), out
    after = run_cli("report", root, "--after")[1]
    assert re.search(r"^\d+\. C003 `job`: Wait for db to be healthy \(revealed by the C005 "
                     r"fix of `mq` and `db`\)$", after, flags=re.M), after



# web gets its healthcheck from C004 first: worker's entry on web becomes a C003 finding the
# first check never had; then redis's probe (C005) reveals the entry on redis, whose C003 fix
# writes out worker's whole list, the entry on web too
REVEALED_ENTRY = {
    "compose.yaml": (
        'services:\n  web:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
        "    depends_on:\n      - redis\n  redis:\n    image: redis:7\n"
        "  worker:\n    build: ./svc\n    command: celery -A app.tasks worker\n"
        "    depends_on:\n      - redis\n      - web\n"),
    "svc/Dockerfile": SVC["svc/Dockerfile"].replace(
        "HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n", ""),
    "svc/main.py": APP, "svc/requirements.txt": "fastapi\nuvicorn\ncelery[redis]\n",
}


def test_a_commit_names_a_finding_an_earlier_fix_revealed_that_it_settles(
        tmp_path: Path) -> None:
    repo = repository(tmp_path, REVEALED_ENTRY)
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(repo, body_file)
    assert code == 1, err
    made = commits(repo, "HEAD", BRANCH)
    last = message(repo, made[-1])
    assert last.startswith("fix(C003): wait for redis and web to be healthy in worker\n"), last
    assert "worker depends on redis only for it to start" in last, last
    assert "- C003 worker: worker depends on web only for it to start" in last, last
    assert len(fingerprints(repo, made[-1])) == 2, last
    # it relies on both: the C004 commit revealed the entry on web, the C005 one its own
    subjects = [message(repo, commit).splitlines()[0] for commit in made[:2]]
    assert "It relies on earlier commits of the branch; reverting them leaves this one " \
           "short:\n" + "".join(f"- {s}\n" for s in subjects) in last, last
    # the settled entry is the one the C004 commit revealed: a check of that commit has it
    git(repo, "checkout", "-q", made[0])
    assert any(key[:2] == ("C003", "worker") and "on web" in key[2] for key in checked(repo))


# admin builds the same slim image as api: api's C004 fix installs curl in it, and admin's,
# made after it, adds only the healthcheck
SHARED_IMAGE = {
    "compose.yaml": ('services:\n  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
                     "  admin:\n    build: ./svc\n    command: uvicorn main:app --host 0.0.0.0 "
                     '--port 8001\n    ports:\n      - "8001:8001"\n'),
    "svc/Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install "
                       "--no-cache-dir -r requirements.txt\nEXPOSE 8000\n"
                       'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n'),
    "svc/main.py": APP, "svc/requirements.txt": "fastapi\nuvicorn\n",
}


def test_a_commit_made_on_top_of_an_earlier_one_says_so(tmp_path: Path) -> None:
    """Reverting api's commit would leave admin's healthcheck with no curl: admin's commit
    and its section of the pull request name the commit it relies on."""
    repo = repository(tmp_path, SHARED_IMAGE)
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(repo, body_file)
    assert code == 1, err
    first, second = commits(repo, "HEAD", BRANCH)
    subject = message(repo, first).splitlines()[0]
    assert "curl installed in svc/Dockerfile" in subject, subject
    text = message(repo, second)
    assert "curl" not in text.splitlines()[0], text
    assert f"It relies on an earlier commit of the branch; reverting it leaves this one " \
           f"short:\n- {subject}\n" in text, text
    assert "It relies on" not in message(repo, first)
    part = list(sections(body_file.read_text()).values())[1]
    assert "**Builds on commit 1 (C004 api):**" in part, part


def test_a_healthcheck_commit_names_the_h001_finding_that_yields_to_it(tmp_path: Path) -> None:
    """The app serves `/healthcheck`: C004 probes it, and H001's finding, which yields to
    that fix, is gone with it; the C004 commit says so."""
    repo = repository(tmp_path, {
        "compose.yaml": 'services:\n  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n',
        "svc/Dockerfile": SHARED_IMAGE["svc/Dockerfile"].replace("-slim", ""),
        "svc/main.py": APP.replace('"/health"', '"/healthcheck"'),
        "svc/requirements.txt": "fastapi\nuvicorn\n"})
    h001 = by_code(checked(repo), "H001")["api"]
    code, err = fix_branch(repo, tmp_path / "pr.md")
    assert code == 1, err
    [made] = commits(repo, "HEAD", BRANCH)
    text = message(repo, made)
    assert text.startswith("fix(C004):") and f"- H001 api: {h001[0]}" in text, text
    assert h001[1] in fingerprints(repo, made), text


GUARDED_HEALTH = ('from fastapi import APIRouter, Depends, FastAPI\n\n\ndef auth():\n'
                  '    return True\n\n\nhealth_router = APIRouter()\n\n\n'
                  '@health_router.get("")\ndef health_check():\n    return {"status": "ok"}\n'
                  '\n\napp = FastAPI()\napp.include_router(health_router, prefix="/health_check", '
                  'dependencies=[Depends(auth)])\n')


def test_a_healthcheck_on_the_route_an_unsafe_fix_adds_relies_on_it(tmp_path: Path) -> None:
    """The app's health-like route sits behind an auth dependency: C004 probes only the
    unguarded `/health` H001's unsafe fix adds. Its commit, made after H001's, says it relies
    on it, and its pull request section that it builds on it."""
    repo = repository(tmp_path, {
        "compose.yaml": 'services:\n  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n',
        "svc/Dockerfile": SHARED_IMAGE["svc/Dockerfile"].replace("-slim", ""),
        "svc/main.py": GUARDED_HEALTH, "svc/requirements.txt": "fastapi\nuvicorn\n"})
    body_file = tmp_path / "pr.md"
    code, err = fix_branch(repo, body_file, "--unsafe-fixes")
    assert code == 1, err
    first, second = commits(repo, "HEAD", BRANCH)
    subject = message(repo, first).splitlines()[0]
    assert subject.startswith("fix(H001):"), subject
    text = message(repo, second)
    assert text.startswith("fix(C004):") and f"reverting it leaves this one short:\n- " \
        f"{subject}\n" in text, text
    part = list(sections(body_file.read_text()).values())[1]
    assert "**Builds on commit 1 (H001 api):**" in part, part


def test_a_healthcheck_made_after_the_port_and_the_route_relies_on_both(
        tmp_path: Path) -> None:
    """gateway listens on 80 where compose says 81, and serves no health route: its
    healthcheck, made once P001 settles the port, probes the route H001 adds. Its commit
    names both commits it relies on."""
    repo = repository(tmp_path, {
        "compose.yaml": 'services:\n  gateway:\n    build: ./svc\n    ports:\n'
                        '      - "8081:81"\n',
        "svc/Dockerfile": "FROM python:3.12\nWORKDIR /code\nCOPY . .\n"
                          "RUN pip install fastapi uvicorn\nEXPOSE 80\n"
                          'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]\n',
        "svc/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/pets")\n'
                       "def pets():\n    return []\n",
        "svc/requirements.txt": "fastapi\nuvicorn\n"})
    code, err = fix_branch(repo, tmp_path / "pr.md")
    assert code == 1, err
    made = [message(repo, c) for c in commits(repo, "HEAD", BRANCH)]
    text = next(m for m in made if m.startswith("fix(C004)"))
    subjects = {m.splitlines()[0] for m in made}
    relied = text.split("leaves this one short:\n", 1)[1].split("\n\n", 1)[0]
    assert {line[2:] for line in relied.splitlines()} == \
        {s for s in subjects if s.startswith(("fix(P001)", "fix(H001)"))}, text


# web waits for orders and users: each probes a port its app does not listen on (P001),
# and users' app serves /health only in dead code (H001 adds it)
PROBED = ('    healthcheck:\n      test: ["CMD", "python3", "-c", "import urllib.request; '
          "urllib.request.urlopen('http://localhost:{port}/health')\"]\n")
SLIM = ('FROM python:3.11-slim\nWORKDIR /srv\nCOPY requirements.txt .\n'
        'RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\n'
        'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
DEAD_HEALTH = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\n'
               'def items():\n    return []\n\n    @app.get("/health")\n    def health():\n'
               '        return {"status": "ok"}\n')
WAITING_WEB = {
    "docker-compose.yml": ("services:\n  orders:\n    build: ./orders\n" + PROBED.format(port=9001)
                           + "  users:\n    build: ./users\n" + PROBED.format(port=8000)
                           + "  web:\n    build: ./web\n    depends_on:\n      - orders\n"
                           "      - users\n"),
    "orders/Dockerfile": SLIM, "orders/requirements.txt": "fastapi\nuvicorn\n",
    "orders/app/__init__.py": "", "orders/app/main.py": APP,
    "users/Dockerfile": SLIM, "users/requirements.txt": "fastapi\nuvicorn\n",
    "users/app/__init__.py": "", "users/app/main.py": DEAD_HEALTH,
    "web/Dockerfile": 'FROM python:3.11-slim\nCMD ["python", "-m", "http.server", "80"]\n',
}


def test_a_gate_on_several_services_relies_on_the_fixes_of_each(tmp_path: Path) -> None:
    """The C003 commit that makes web wait for orders and users names the commits that
    make each healthy: orders' port (P001) and users' route (H001)."""
    repo = repository(tmp_path, WAITING_WEB)
    code, err = fix_branch(repo, tmp_path / "pr.md")
    assert code == 1, err
    subjects = {message(repo, c).splitlines()[0]: c for c in commits(repo, "HEAD", BRANCH)}
    gate = next(c for s, c in subjects.items() if s.startswith("fix(C003)"))
    relied = message(repo, gate).split("leaves this one short:\n")[1].split("\n\n")[0]
    assert sorted(relied.splitlines()) == sorted(
        f"- {s}" for s in subjects if s.startswith(("fix(P001)", "fix(H001)"))), relied
    assert any(s.startswith("fix(H001)") for s in subjects), subjects


# a dev and a prod file, each with its db and redis that api waits for: each file's C005 fix
# probes both of its own databases, and settles its own redis finding, not the other file's
TWO_FILES = {
    "compose.yaml": ("services:\n  db:\n    image: postgres:16\n    environment:\n"
                     "      POSTGRES_PASSWORD: pw\n  redis:\n    image: redis:7\n"
                     "  api:\n    build: ./svc\n    depends_on:\n      - db\n      - redis\n"),
    "compose.prod.yaml": ("services:\n  db:\n    image: postgres:16\n    environment:\n"
                          "      POSTGRES_PASSWORD: pw\n  redis:\n"
                          "    image: redis:7\n  api:\n    build: ./svc\n    depends_on:\n"
                          "      - db\n      - redis\n"),
    **SVC,
}


def test_a_settled_finding_goes_to_the_fix_of_its_own_file(tmp_path: Path) -> None:
    repo = repository(tmp_path, TWO_FILES)
    out = run_cli("check", repo, "--select", "C005", "--format", "json")[1]
    by_file: dict[str, set[str]] = {}
    for f in json.loads(out)["findings"]:
        by_file.setdefault(f["path"], set()).add(f["fingerprint"])
    code, _, err = run_cli("fix", repo, "--select", "C005", "--branch", BRANCH)
    assert code == 1, err
    made = [set(fingerprints(repo, c)) for c in commits(repo, "HEAD", BRANCH)]
    assert sorted(map(sorted, made)) == sorted(map(sorted, by_file.values())), (made, by_file)


# backend has no healthcheck; worker's list names backend and redis: the C005 fix of redis
# goes after backend's C004 fix, for the C003 fix of worker's list it reveals, not its own
ORDER_ONLY = {
    "compose.yaml": (
        '  backend:\n    build: ./api\n    ports:\n      - "8000:8000"\n'
        "    depends_on:\n      - redis\n"
        '  worker:\n    build: ./api\n    command: ["celery", "-A", "tasks", "worker"]\n'
        "    depends_on:\n      - backend\n      - redis\n"
        "  redis:\n    image: redis:7\n").join(["services:\n", ""]),
    "api/Dockerfile": SVC["svc/Dockerfile"].replace(
        "HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n", ""),
    "api/main.py": APP,
    "api/requirements.txt": "fastapi\nuvicorn\n",
}


def test_a_fix_made_after_another_for_a_third_ones_sake_does_not_rely_on_it(
        tmp_path: Path) -> None:
    """Reverting backend's C004 commit leaves the C005 commit of redis whole (it gates
    backend on redis, which needs nothing of backend's healthcheck); only worker's C003
    commit, which writes backend's entry `service_healthy`, relies on it."""
    repo = repository(tmp_path, ORDER_ONLY)
    code, err = fix_branch(repo, tmp_path / "pr.md")
    assert code == 1, err
    texts = {message(repo, c).splitlines()[0]: message(repo, c)
             for c in commits(repo, "HEAD", BRANCH)}
    [c005] = [text for subject, text in texts.items() if subject.startswith("fix(C005)")]
    [c003] = [text for subject, text in texts.items() if subject.startswith("fix(C003)")]
    assert "It relies on" not in c005, c005
    assert "fix(C004)" in c003.split("It relies on", 1)[1], c003
