"""C003 dependency-not-healthy: a built service waits for a healthcheck that can pass, keeping
the file's style; explicit conditions and image services are the author's wiring."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from fixer.core.edits import TextEdit
from fixer.facts.envvars import documented
from fixer.model.depends import HEALTHY, set_conditions
from fixer.sources import compose_style
from fixer.sources.compose_edit import Unfixable
from fixer_rules.compose import c003_dependency_not_healthy as c003
from kit import Files, calls, check, fix, run_check

DB = ("  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_PASSWORD: example\n"
      "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n")
PLAIN = "  cache:\n    image: memcached:1.6-alpine\n"  # no healthcheck, and no rule gives it one
API = "services:\n  api:\n    build: ./api\n    depends_on:{deps}\n"
FASTAPI = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/health\")\n"
           "def health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n")
UVICORN = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'


def app_files(folder: str, base: str = "python:3.12") -> dict[str, str]:
    return {f"{folder}/Dockerfile": f"FROM {base}\nWORKDIR /app\nCOPY . .\n{UVICORN}",
            f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": FASTAPI}


def repo(compose: str, files: Files | None = None) -> dict[str, str | bytes]:
    return {"docker-compose.yml": compose, **app_files("api"), **(files or {})}


def fixed(compose: str, files: Files | None = None, select: str = "C003",
          unsafe: bool = False) -> tuple[bool, str]:
    """(whether a fix was applied, the compose file after the fixes)."""
    outcome = fix(repo(compose, files), select=select, unsafe=unsafe)
    assert outcome.clean, (outcome.failed, outcome.problems)
    return bool(outcome.applied), outcome.text("docker-compose.yml")


def depends(text: str, service: str = "api") -> object:
    return yaml.safe_load(text)["services"][service]["depends_on"]


@pytest.mark.parametrize(("deps", "expected", "changed"), [
    pytest.param("\n      - db\n      - cache  # why\n",
                 {"db": {"condition": "service_healthy"}, "cache": {"condition": "service_started"}},
                 "      db:\n        condition: service_healthy\n      cache:  # why\n", id="list"),
    pytest.param(" [cache, db]\n",
                 {"cache": {"condition": "service_started"}, "db": {"condition": "service_healthy"}},
                 "    depends_on: {cache: {condition: service_started}, db: {condition: "
                 "service_healthy}}\n", id="flow-list"),
    pytest.param("\n      db: {restart: true}\n",
                 {"db": {"restart": True, "condition": "service_healthy"}},
                 "      db: {restart: true, condition: service_healthy}\n", id="flow-entry"),
    pytest.param("\n      db:\n        required: true\n",
                 {"db": {"required": True, "condition": "service_healthy"}},
                 "        required: true\n        condition: service_healthy\n", id="no-condition"),
])
def test_c003_fixes(deps: str, expected: object, changed: str) -> None:
    applied, text = fixed(API.format(deps=deps) + DB + PLAIN)
    assert applied
    assert depends(text) == expected
    assert changed in text


def test_c003_gates_every_safe_entry_of_a_short_list_at_once() -> None:
    redis = "  cache:\n    image: redis:7\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n"
    applied, text = fixed(API.format(deps="\n      - db\n      - cache") + DB + redis)
    assert applied
    assert depends(text) == {"db": {"condition": "service_healthy"},
                             "cache": {"condition": "service_healthy"}}


def test_c003_fastapi_dependency_with_a_served_probe_is_safe() -> None:
    compose = (API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n    healthcheck:\n"
               "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health/\"]\n")
    applied, text = fixed(compose, app_files("auth"))
    assert applied and depends(text) == {"auth": {"condition": "service_healthy"}}


AUTH_PROBED = (API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n    healthcheck:\n"
               "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n")
STATIC = FASTAPI + "from fastapi.staticfiles import StaticFiles\n\napp.mount('/s', CALL)\n"


@pytest.mark.parametrize(("requirements", "doubt"), [
    ("fastapi>=0.112\nredis-om>=0.3\n",
     "fixer cannot tell whether auth's healthcheck passes: the CMD runs `fastapi run` (the "
     "FastAPI CLI), and no requirement names fastapi-cli: only redis-om, whose dependencies "
     "fixer does not know, may bring it"),
    ("fastapi[standard]>=0.112\nredis-om>=0.3\n", None),
])
def test_c003_gate_on_an_app_whose_server_only_an_unknown_requirement_may_bring(
        requirements: str, doubt: str | None) -> None:
    """`fastapi run` where `fastapi` leaves its CLI to the `standard` extra (0.112 on): S003
    says nothing while redis-om may bring it, and the gate cannot be shown to pass."""
    files = {"auth/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                                "RUN pip install -r requirements.txt\n"
                                'CMD ["fastapi", "run", "app/main.py", "--port", "8000"]\n',
             "auth/app/__init__.py": "", "auth/app/main.py": FASTAPI,
             "auth/requirements.txt": requirements}
    [finding] = check(repo(AUTH_PROBED, files), select="C003")
    assert finding.safety.value == ("safe" if doubt is None else "unsafe"), finding
    assert finding.reason == doubt, finding.reason


BESIDE = 'os.path.join(os.path.dirname(__file__), "static")'
MISSING = 'StaticFiles(directory="static") and the image has no static/'
BESIDE_MISSING = "StaticFiles in auth/app/main.py checks auth/app/static/, which the image"
UNREAD = 'StaticFiles(directory=os.environ["STATIC"]) in auth/app/main.py checks a folder ' \
    "fixer cannot read"


@pytest.mark.parametrize(("call", "files", "gate"), [
    pytest.param('StaticFiles(directory="static")', {}, MISSING, id="missing-folder"),
    pytest.param('StaticFiles(directory="static")', {"auth/static/site.css": ""}, "safe",
                 id="folder-copied"),
    pytest.param('StaticFiles(directory="static", check_dir=False)', {}, "safe",
                 id="check-dir-off"),
    pytest.param('StaticFiles(directory=os.environ["STATIC"])', {}, UNREAD, id="env-read"),
    pytest.param('StaticFiles(directory="static")',
                 {"auth/Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                                     f"RUN mkdir -p static\n{UVICORN}"}, "safe",
                 id="run-makes-it"),
    pytest.param(f"StaticFiles(directory={BESIDE})", {}, BESIDE_MISSING, id="beside-missing"),
    pytest.param(f"StaticFiles(directory={BESIDE})", {"auth/app/static/a.css": ""}, "safe",
                 id="beside-copied"),
    pytest.param('StaticFiles(directory=Path(__file__).resolve().parent / "static")', {},
                 BESIDE_MISSING, id="pathlib-beside-missing"),
    pytest.param('StaticFiles(directory=Path(__file__).parents[1] / "static")',
                 {"auth/static/a.css": "",
                  "auth/Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY app ./app\n"
                                     f"{UVICORN}"},
                 "StaticFiles in auth/app/main.py checks auth/static/, which the image",
                 id="pathlib-parent-not-copied"),
])
def test_c003_static_folder_missing_from_the_image_refuses_the_gate(
        call: str, files: dict[str, str], gate: str) -> None:
    """StaticFiles checks its folder when built: absent from the image, the app raises at
    import and no healthcheck passes (display-only); a folder fixer cannot read makes the
    gate unsafe."""
    imports = ("import os\n" if "os." in call else "") + \
        ("from pathlib import Path\n" if "Path(" in call else "")
    code = imports + STATIC.replace("CALL", call)
    applied, text = fixed(AUTH_PROBED, {**app_files("auth"), "auth/app/main.py": code, **files})
    assert applied is (gate == "safe")
    if gate != "safe":
        [left] = check(repo(AUTH_PROBED, {**app_files("auth"), "auth/app/main.py": code,
                                          **files}), select="C003")
        assert gate in (left.reason or "")
        assert left.fixable is (gate == UNREAD)


def test_c003_dockerfile_healthcheck_counts() -> None:
    dockerfile = ("FROM python:3.12 AS base\nHEALTHCHECK CMD curl -f http://localhost:8000/health\n"
                  f"FROM base\nWORKDIR /app\nCOPY . .\n{UVICORN}")
    files = {**app_files("auth"), "auth/Dockerfile": dockerfile}
    applied, text = fixed(API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n", files)
    assert applied and depends(text) == {"auth": {"condition": "service_healthy"}}


@pytest.mark.parametrize(("test", "base", "why"), [
    pytest.param('["CMD", "curl", "-f", "http://localhost:8000/status"]', "python:3.12",
                 "asks for /status, which the app does not serve", id="path-not-served"),
    pytest.param('["CMD", "curl", "-f", "http://localhost:9000/health"]', "python:3.12",
                 "probes port 9000", id="other-port"),
    pytest.param('["CMD", "curl", "-f", "http://localhost:8000/health"]', "python:3.12-slim",
                 "runs curl", id="tool-missing"),
])
def test_c003_a_healthcheck_that_cannot_pass_is_not_gated(test: str, base: str, why: str) -> None:
    compose = (API.format(deps="\n      - auth\n") + "  auth:\n    build: ./auth\n"
               f"    healthcheck:\n      test: {test}\n")
    files = repo(compose, app_files("auth", base))
    [finding] = check(files, select="C003")
    assert not finding.fixable
    assert why in finding.reason and "keep api from starting" in finding.reason
    assert fix(files, select="C003").files == {}


@pytest.mark.parametrize(("test", "base", "follows"), [
    pytest.param('["CMD", "curl", "-f", "http://localhost:9000/health"]', "python:3.12",
                 ("P001",), id="other-port"),
    pytest.param('["CMD", "curl", "-f", "http://localhost:9000/health"]', "python:3.12-slim",
                 ("D003", "P001"), id="tool-and-port"),
])
def test_c003_a_healthcheck_other_fixes_repair_waits_for_them(
        test: str, base: str, follows: tuple[str, ...]) -> None:
    """What the fix run does with it: the gate comes after the D003 and P001 fixes, so the
    check counts the finding as waiting, not as a person's job; run alone, C003 has no
    fixes to follow, and it is."""
    compose = (API.format(deps="\n      - auth\n") + "  auth:\n    build: ./auth\n"
               f"    healthcheck:\n      test: {test}\n")
    installs = {f"{name}/Dockerfile": f"FROM {base}\nWORKDIR /app\nCOPY . .\n"
                f"RUN pip install fastapi uvicorn\n{UVICORN}" for name in ("api", "auth")}
    files = repo(compose, {**app_files("auth", base), **installs})
    [alone] = check(files, select="C003")
    assert not alone.violation.waits
    assert alone.violation.follows == tuple((code, "auth") for code in follows)
    found = {f.code: f for f in check(files)}
    assert all(found[code].fixable for code in follows)
    assert found["C003"].violation.waits and not found["C003"].fixable
    assert f"`fixer fix` makes this change after the {' and '.join(follows)} " \
        f"fix{'es' if len(follows) > 1 else ''} of auth" in (found["C003"].reason or "")
    assert depends(fix(files).files["docker-compose.yml"] or "") == \
        {"auth": {"condition": "service_healthy"}}


@pytest.mark.parametrize("dependency", [
    pytest.param("  mailer:\n    image: example/mailer:2.3\n    healthcheck:\n"
                 "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8025/ready\"]\n",
                 id="unknown-image"),
    pytest.param("  cache:\n    image: redis:7\n    healthcheck:\n"
                 "      test: [\"CMD-SHELL\", \"/usr/local/bin/check.sh\"]\n", id="unknown-probe"),
])
def test_c003_unknown_healthcheck_is_unsafe(dependency: str) -> None:
    name = dependency.split(":", 1)[0].strip()
    compose = API.format(deps=f" [{name}]") + dependency
    assert fixed(compose) == (False, compose)
    [finding] = check(repo(compose), select="C003")
    assert finding.safety.value == "unsafe"
    assert (finding.fix_title or "").startswith(
        f"Wait for {name} to be healthy (fixer cannot tell whether {name}'s healthcheck passes")
    applied, text = fixed(compose, unsafe=True)
    assert applied and depends(text) == {name: {"condition": "service_healthy"}}


def test_c003_a_probe_on_an_interpolated_port_is_unsafe() -> None:
    """fixer judges the tool (curl is in the full image) but not the port: it cannot show
    that the healthcheck passes, so the gate is not safe."""
    probe = "http://localhost:${AUTH_PORT:-8000}/health"
    compose = (API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n    healthcheck:\n"
               f"      test: [\"CMD\", \"curl\", \"-f\", \"{probe}\"]\n")
    assert fixed(compose, app_files("auth")) == (False, compose)
    [finding] = check(repo(compose, app_files("auth")), select="C003")
    assert (finding.safety.value, finding.fix_title) == (
        "unsafe", "Wait for auth to be healthy (fixer cannot tell whether auth's healthcheck "
        "passes: the URL its `curl` asks is not one it reads)")


@pytest.mark.parametrize("deps", [
    pytest.param("\n      - cache\n", id="no-healthcheck"),
    pytest.param("\n      db:\n        condition: service_healthy\n", id="already-healthy"),
    pytest.param("\n      db:\n        condition: service_started\n", id="explicit-started"),
    pytest.param("\n      db:\n        condition: service_completed_successfully\n",
                 id="completed-successfully"),
    pytest.param("\n      - unknown\n", id="undefined-is-c002"),
])
def test_c003_noop(deps: str) -> None:
    compose = API.format(deps=deps) + DB + PLAIN
    assert fixed(compose) == (False, compose)
    assert check(repo(compose), select="C003") == []


def test_c003_a_healthcheck_an_override_resets_is_none() -> None:
    """`healthcheck: !reset {}` in the override removes db's: a `service_healthy` gate on it
    would stop `docker compose up` ("has no healthcheck configured")."""
    compose = API.format(deps="\n      - db\n") + DB
    files = {"docker-compose.override.yml": "services:\n  db:\n    healthcheck: !reset {}\n"}
    assert check(repo(compose, files), select="C003") == []


def test_c003_image_services_are_not_gated() -> None:
    compose = ("services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n"
               "    depends_on: [db]\n" + DB)
    assert check({"docker-compose.yml": compose}, select="C003") == []


def test_c003_disabled_healthcheck_is_none() -> None:
    compose = API.format(deps=" [db]") + DB.replace(
        "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n", "      disable: true\n")
    assert fixed(compose) == (False, compose)


def test_c003_anchor_is_display_only_and_named() -> None:
    compose = ("x-deps: &upstreams\n  depends_on: [db]\nservices:\n  api:\n    <<: *upstreams\n"
               "    build: ./api\n" + DB)
    outcome = fix(repo(compose), select="C003")
    assert outcome.files == {}
    [finding] = outcome.remaining
    assert not finding.fixable and "`&upstreams`" in finding.reason


def test_c003_short_list_waits_for_a_sibling_whose_healthcheck_cannot_pass() -> None:
    """Converting the list would pin the broken sibling to `service_started` for good; once its
    healthcheck is fixed (here by hand, in a run by D003), both are gated in one edit."""
    broken = ("  auth:\n    build: ./auth\n    healthcheck:\n"
              "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n")
    compose = API.format(deps="\n      - db\n      - auth\n") + DB + broken
    auth = app_files("auth", "python:3.12-slim")
    assert fixed(compose, auth) == (False, compose)
    assert [f.fixable for f in check(repo(compose, auth), select="C003")] == [False, False]
    auth["auth/Dockerfile"] = (
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
        f"curl && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\n{UVICORN}")
    applied, text = fixed(compose, auth)
    assert applied and depends(text) == {"db": {"condition": "service_healthy"},
                                         "auth": {"condition": "service_healthy"}}


REDIS = "  cache:\n    image: redis:7-alpine\n"  # no healthcheck: C005 gives it `redis-cli ping`
AUTH = "  auth:\n    build: ./auth\n"                # a FastAPI app: C004 gives it a healthcheck


@pytest.mark.parametrize(("sibling", "files", "other", "reason"), [
    pytest.param(AUTH, app_files("auth"), "C004", "waits until auth has a healthcheck (C004)",
                 id="app-without-healthcheck"),
    pytest.param(REDIS, {}, "C005", "waits until cache has a healthcheck (C005)",
                 id="database-without-healthcheck"),
])
def test_c003_short_list_waits_for_the_healthcheck_another_rule_adds(
        sibling: str, files: dict[str, str], other: str, reason: str) -> None:
    """Converting now would pin the sibling to `service_started`, and C003 never overrides an
    explicit condition: the list waits, and is converted once, after the other rule's fix."""
    name = sibling.split(":", 1)[0].strip()
    compose = API.format(deps=f"\n      - db\n      - {name}\n") + DB + sibling
    assert fixed(compose, files) == (False, compose)
    [finding] = check(repo(compose, files), select="C003")
    assert not finding.fixable and reason in finding.reason
    outcome = fix(repo(compose, files), select=("C003", other))
    assert outcome.clean and outcome.applied
    assert depends(outcome.text("docker-compose.yml")) == {
        "db": {"condition": "service_healthy"}, name: {"condition": "service_healthy"}}
    assert fix(outcome.tree, select=("C003", other)).files == {}


FLASK = {"admin/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                             'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "admin:app"]\n',
         "admin/admin.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
MAILER = ("  mailer:\n    image: example/mailer:2.3\n    healthcheck:\n"
          "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8025/ready\"]\n")


def test_c003_every_entry_of_a_short_list_is_decided_in_one_fix() -> None:
    """db passes; a Flask admin has no healthcheck and no rule gives it one (`service_started`);
    mailer's healthcheck fixer cannot judge: gated too, so the whole conversion is unsafe."""
    compose = (API.format(deps="\n      - db\n      - admin\n      - mailer\n") + DB +
               "  admin:\n    build: ./admin\n" + MAILER)
    assert fixed(compose, FLASK) == (False, compose)
    titles = {f.fix_title for f in check(repo(compose, FLASK), select="C003")}
    assert titles == {"Wait for db and mailer to be healthy (fixer cannot tell whether mailer's "
                      "healthcheck passes: mailer runs example/mailer:2.3, whose routes fixer "
                      "does not read)"}
    applied, text = fixed(compose, FLASK, unsafe=True)
    assert applied
    assert depends(text) == {"db": {"condition": "service_healthy"},
                             "admin": {"condition": "service_started"},
                             "mailer": {"condition": "service_healthy"}}


def test_c003_builds_its_edits_only_when_the_fix_is_applied(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`fixer check` judges whether the conditions can be written (`conditions_refused`)
    without writing them: `set_conditions` runs only when the fix's edits are asked for."""
    built = calls(monkeypatch, c003, "set_conditions")
    [finding] = check(repo(API.format(deps="\n      - db\n      - cache") + DB + PLAIN),
                      select="C003")
    assert (finding.safety.value, built) == ("safe", [])
    edits = finding.edits()
    assert [name for name, _ in built] == ["set_conditions"]
    assert any(isinstance(e, TextEdit) and "condition: service_healthy" in e.text for e in edits)


@pytest.mark.parametrize(("deps", "reason"), [
    pytest.param("\n      - &x db\n      # a comment\n      - *x",
                 "cannot find the end of an aliased item", id="alias-after-a-comment"),
    pytest.param("\n      db: &c {}", "the collection is an anchor", id="anchored-empty-entry"),
    pytest.param(" &d [db]", "depends_on is not a plain flow list", id="anchored-flow-list"),
    pytest.param("\n      - db\n      - cache", None, id="short-list"),
    pytest.param("\n      db:\n        restart: true", None, id="long-form"),
])
def test_c003_judges_its_fix_where_the_edit_would_go(deps: str, reason: str | None) -> None:
    """What check reports as fixable, the edit writes; what it refuses, the edit refuses for
    the same reason: the judgement and the renderer share one account of the shapes."""
    outcome = run_check(repo(API.format(deps=deps) + DB + PLAIN), select="C003")
    assert {(f.fixable, f.reason) for f in outcome.findings} == {(reason is None, reason)}
    [(doc, definition)] = [d for s in outcome.workspace.services() if s.name == "api"
                           for d in s.definitions]
    style = compose_style.detect(doc)
    if reason is None:
        assert set_conditions(doc, definition, {"db": HEALTHY}, style)
        assert all(finding.edits() for finding in outcome.findings)
    else:
        with pytest.raises(Unfixable, match=re.escape(reason)):
            set_conditions(doc, definition, {"db": HEALTHY}, style)


# web waits for users, whose app imports a package outside its build context (I003): users
# stops at start-up, so a wait for it to be healthy would keep web from starting at all.
STOPPED_MAIN = ('from fastapi import FastAPI\n\nfrom shared.texts import GREETING{suppress}\n\n'
                'app = FastAPI()\n\n\n@app.get("/health")\ndef health() -> dict[str, str]:\n'
                '    return {{"status": GREETING}}\n')


def stopped_users(healthcheck: bool = True, suppress: str = "",
                  requirements: str = "fastapi\nuvicorn\n") -> dict[str, str]:
    probe = '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n'
    return {
        "docker-compose.yml": "services:\n  web:\n    build: ./web\n    depends_on:\n      - users\n"
                              "  users:\n    build: ./users\n" + (probe if healthcheck else ""),
        "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\n",
        "web/index.html": "<p>hi</p>\n",
        "users/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
                            "EXPOSE 8000\n"
                            'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
        "users/requirements.txt": requirements,
        "users/app/__init__.py": "", "users/app/main.py": STOPPED_MAIN.format(suppress=suppress),
        "shared/__init__.py": "", "shared/texts.py": "GREETING = 'ok'\n",
    }


def test_a_wait_for_a_service_that_stops_at_start_up_is_held() -> None:
    found = {f.code: f for f in check(stopped_users(), allow_errors=True)}
    held = found["C003"]
    assert not held.fixable and held.violation.held and not held.violation.waits
    assert (held.reason or "").startswith("the fix makes services wait for users to be healthy, "
                                          "and users stops at start-up (I003 at "
                                          "users/app/main.py:3)")
    # the author's `ignore` on the start-up finding is their call: the wait is offered again
    suppressed = stopped_users(suppress="  # fixer: ignore[I003]")
    assert [f.safety.value for f in check(suppressed, select="C003")] == ["safe"]


def test_each_held_entry_names_its_own_service_when_it_stops() -> None:
    """web waits for users and orders, which both stop at start-up. The fix converts the
    whole list, so both entries are held; each names its own service, not the first one."""
    files = stopped_users()
    files["docker-compose.yml"] = files["docker-compose.yml"].replace(
        "      - users\n", "      - users\n      - orders\n") + files["docker-compose.yml"][
        files["docker-compose.yml"].index("  users:"):].replace("users", "orders")
    files.update({path.replace("users/", "orders/"): text for path, text in files.items()
                  if path.startswith("users/")})
    held = {f.subject: f.reason or "" for f in check(files, allow_errors=True) if f.code == "C003"}
    assert held["depends_on users"].startswith("the fix makes services wait for users to be ")
    assert held["depends_on orders"].startswith("the fix makes services wait for orders to be ")
    assert "(I003 at orders/app/main.py:3)" in held["depends_on orders"]


def test_no_healthcheck_for_a_service_a_finding_stops() -> None:
    """users stops at start-up (I003): a healthcheck on it never passes, and it would make
    web's plain wait a C003 finding held in turn. C004 is held as that wait would be, with
    the stop as its reason, as C004 adds none where the app's own facts show the stop."""
    outcome = fix(stopped_users(healthcheck=False), select=("C003", "C004", "I003"))
    assert outcome.failed == [] and "healthcheck:" not in outcome.text("docker-compose.yml")
    assert [(f.code, f.violation.held) for f in outcome.remaining] == [("C004", True),
                                                                       ("I003", False)]
    [held] = [f for f in outcome.remaining if f.code == "C004"]
    assert (held.reason or "").startswith("users stops at start-up (I003 at "), held.reason
    assert (held.reason or "").endswith("): the healthcheck would never pass"), held.reason


def test_a_healthcheck_held_by_a_stop_that_may_be_says_may() -> None:
    """C009's database the server never creates may stop api at start-up: C004 is held, and
    its reason keeps the stop's own hedge."""
    compose = ("services:\n  api:\n    build: ./api\n    environment:\n"
               "      DATABASE_URL: postgresql://postgres:pw@db:5432/shop\n"
               "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: pw\n")
    found = {f.code: f for f in check(repo(compose), select=["C004", "C009"])}
    assert not found["C004"].fixable and found["C004"].reason == (
        "api may stop at start-up, or never be healthy (C009 at docker-compose.yml:5): the "
        "healthcheck may never pass"), found["C004"].reason


@pytest.mark.parametrize(("test", "files", "safe"), [
    pytest.param("pg_isready -U ${POSTGRES_USER}", {"db.env": "POSTGRES_USER=app\n"}, False,
                 id="env-file-only"),
    pytest.param("pg_isready -U $POSTGRES_USER", {}, False, id="unset-unbraced"),
    pytest.param("pg_isready -U ${POSTGRES_USER}", {".env": "POSTGRES_USER=app\n"}, True,
                 id="dotenv-sets-it"),
    pytest.param("pg_isready -U ${POSTGRES_USER}", {".env": "TAG=1\n"}, False,
                 id="dotenv-does-not-set-it"),
    pytest.param("pg_isready -U ${POSTGRES_USER:-postgres}", {}, True, id="default"),
    pytest.param("pg_isready -U $${POSTGRES_USER}", {"db.env": "POSTGRES_USER=app\n"}, True,
                 id="container-shell-reads-it"),
])
def test_no_safe_gate_on_a_healthcheck_compose_substitutes_empty(
        test: str, files: dict[str, str], safe: bool) -> None:
    """Compose interpolates `${VAR}` from the shell and `.env` only, never from an env_file:
    `pg_isready -U ` fails forever, and a gate on it stops `docker compose up`."""
    db = ("  db:\n    image: postgres:16-alpine\n    env_file: db.env\n    healthcheck:\n"
          f"      test: [\"CMD-SHELL\", \"{test}\"]\n")
    compose = API.format(deps="\n      - db") + db
    env = "POSTGRES_PASSWORD=example\n" + files.get("db.env", "")   # the server starts
    [found] = check(repo(compose, {**files, "db.env": env}), select="C003")
    assert (found.safety.value == "safe") == safe, found.reason
    if not safe:
        tail = ", and the .env does not set it" if ".env" in files else \
            "; the repository has no .env"
        assert "which Compose substitutes from the shell or the project's .env only (an " \
            f"env_file does not count){tail}" in (found.reason or ""), found.reason


# -- a dependency whose environment reads a variable nothing defines ----------------------------

AUTH = ("  auth:\n    build: ./auth\n{env}    healthcheck:\n"
        "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n")
WAITS_FOR_AUTH = API.format(deps="\n      - auth") + AUTH
UNDEFINED = ("its environment takes DATABASE_URL from `{written}`, which no .env, env_file or "
             "example file of the stack defines (C006): Compose substitutes an empty string, "
             "and auth may stop at start-up")
EMPTY = ("its environment takes DATABASE_URL from `${{DATABASE_URL}}`, which {example} "
         "documents with no value: a .env copied from it leaves DATABASE_URL empty, and auth "
         "may stop at start-up")


def auth_repo(env: str, files: Files | None = None) -> dict[str, str | bytes]:
    return repo(WAITS_FOR_AUTH.format(env=env), {**app_files("auth"), **(files or {})})


@pytest.mark.parametrize(("env", "files", "doubt"), [
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n", {},
                 UNDEFINED.format(written="${DATABASE_URL}"), id="mapping"),
    pytest.param("    environment:\n      - DATABASE_URL=$DATABASE_URL\n", {},
                 UNDEFINED.format(written="$DATABASE_URL"), id="list-unbraced"),
    pytest.param("    environment:\n      DATABASE_URL: postgresql://db/${DB_NAME}\n", {},
                 "its environment takes DATABASE_URL from `${DB_NAME}`, which no .env", id="part"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env.example": "# the database\nDATABASE_URL=\n"},
                 EMPTY.format(example=".env.example"), id="example-leaves-it-empty"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env.sample": "# DATABASE_URL=postgresql://db/auth\n"},
                 EMPTY.format(example=".env.sample"), id="example-comments-it-out"),
    pytest.param("", {"docker-compose.override.yml": "services:\n  auth:\n    environment:\n"
                                                     "      DATABASE_URL: ${DATABASE_URL}\n"},
                 UNDEFINED.format(written="${DATABASE_URL}"), id="in-the-override-file"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL:-sqlite://}\n", {}, None,
                 id="default"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL-sqlite://}\n", {}, None,
                 id="default-when-unset"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL:?set it}\n", {}, None,
                 id="required"),
    pytest.param("    environment:\n      DATABASE_URL: $$DATABASE_URL\n", {}, None, id="escaped"),
    pytest.param("    environment:\n      - DATABASE_URL\n", {}, None, id="passed-through"),
    pytest.param("    environment:\n      DATA: ${HOME}/data\n", {}, None, id="the-shell-sets-it"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env": "DATABASE_URL=postgresql://db/auth\n"}, None, id="dotenv-sets-it"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env": "DEBUG=1\nDATABASE_URL=\n"},
                 "its environment takes DATABASE_URL from `${DATABASE_URL}`, which .env sets "
                 "empty (`DATABASE_URL=`): Compose substitutes an empty string unless the shell "
                 "sets it, and auth may stop at start-up", id="dotenv-sets-it-empty"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env": "DATABASE_URL=\n", "deploy.sh": "echo DATABASE_URL=$URL >> .env\n"
                  "docker compose up -d\n"}, None, id="dotenv-empty-a-script-writes-it"),
    pytest.param("    env_file: auth.env\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {"auth.env": "DATABASE_URL=postgresql://db/auth\n"},
                 "its environment takes DATABASE_URL from `${DATABASE_URL}`, which only its "
                 "env_file auth.env sets: Compose fills `${...}` from the shell and the "
                 "project's .env alone", id="only-its-env-file-sets-it"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {".env.example": "DATABASE_URL=postgresql://db/auth\n"}, None,
                 id="example-sets-it"),
    pytest.param("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
                 {"Makefile": "up:\n\tDATABASE_URL=sqlite:// docker compose up\n"}, None,
                 id="the-script-that-runs-compose-sets-it"),
])
def test_no_safe_gate_on_a_dependency_whose_environment_compose_substitutes_empty(
        env: str, files: Files, doubt: str | None) -> None:
    """`DATABASE_URL: ${DATABASE_URL}` that nothing defines (C006 reports it): the app that
    reads it at import stops, and a gate on it stops the services that wait, which start
    without one. An example file counts when it gives the variable a value: a `.env` copied
    from `DATABASE_URL=` (C006's own fix writes that line) sets it empty. The service's
    env_file does not: Compose never interpolates from it, and the entry empties its value."""
    [found] = check(auth_repo(env, files), select="C003")
    assert (found.safety.value == "safe") == (doubt is None), found.reason
    if doubt is not None:
        assert (found.reason or "").startswith(
            f"fixer cannot tell whether auth's healthcheck passes: {doubt}"), found.reason


def test_a_variable_c006_documents_leaves_the_gate_unsafe() -> None:
    """C006's fix writes `DATABASE_URL=` into a new `.env.example`: the next round's check
    must not take that for a value and write the gate after all."""
    outcome = fix(auth_repo("    environment:\n      DATABASE_URL: ${DATABASE_URL}\n"),
                  select=("C003", "C006"))
    assert outcome.clean and [f.code for f in outcome.applied] == ["C006"]
    assert "      - auth\n" in outcome.text("docker-compose.yml")
    assert "DATABASE_URL=\n" in outcome.text(".env.example")


def test_the_stacks_variables_are_read_once_and_only_for_a_bare_reference(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack check asks for every gated service each fix round: what defines the stack's
    variables is read once per stack, and not at all where no environment has `${VAR}`."""
    read = calls(monkeypatch, documented, "_stack_variables")
    check(auth_repo("    environment:\n      LOG_LEVEL: ${LOG_LEVEL:-info}\n"), select="C003")
    assert read == []
    env = "    environment:\n      DATABASE_URL: ${DATABASE_URL}\n"
    both = API.format(deps="\n      - auth\n      - users") + AUTH.format(env=env) + \
        AUTH.replace("auth", "users").format(env=env)
    found = check(repo(both, {**app_files("auth"), **app_files("users")}), select="C003")
    assert [f.safety.value for f in found] == ["unsafe", "unsafe"] and len(read) == 1


# -- a healthcheck that first runs minutes after its container starts ---------------------------

@pytest.mark.parametrize(("timings", "image_flags", "safe"), [
    pytest.param("      interval: 30s\n", "", True, id="docker-default-30s"),
    pytest.param("      interval: 5m\n", "", False, id="compose-interval-5m"),
    pytest.param("      interval: 1m30s\n", "", False, id="compose-interval-1m30s"),
    pytest.param("      interval: 5m\n      start_period: 1m\n      start_interval: 5s\n", "",
                 True, id="start-interval-within-a-start-period"),
    pytest.param("      interval: 5m\n      start_interval: 5s\n", "", False,
                 id="start-interval-without-a-start-period"),
    # from Docker Engine 25 on, a start period is probed every 5 s: late on older ones only
    pytest.param("      interval: 1m30s\n      start_period: 30s\n", "", False,
                 id="start-period-without-a-start-interval"),
    pytest.param("", "--interval=2m ", False, id="image-healthcheck-interval"),
    pytest.param("      interval: 10s\n", "--interval=2m ", True, id="compose-timing-wins"),
])
def test_a_gate_on_a_healthcheck_that_first_runs_late_is_unsafe(
        timings: str, image_flags: str, safe: bool) -> None:
    # Docker runs a healthcheck first one interval after its container starts: a service
    # gated on it starts that much later every time, which beyond Docker's own 30 s default
    # is the author's call
    probe = ("[\"CMD\", \"python\", \"-c\", \"import urllib.request; "
             "urllib.request.urlopen('http://localhost:8000/health')\"]")
    healthcheck = f"    healthcheck:\n      test: {probe}\n{timings}" if timings else ""
    compose = ("services:\n  web:\n    build: ./web\n    depends_on:\n      - api\n"
               f"  api:\n    build: ./api\n{healthcheck}")
    files = {**app_files("web"), "api/Dockerfile": (
        f"FROM python:3.12\nWORKDIR /app\nCOPY . .\nHEALTHCHECK {image_flags}CMD python -c "
        "\"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\"\n"
        f"{UVICORN}")}
    findings = check(repo(compose, files), select="C003")
    assert len(findings) == 1
    fix_of = findings[0].violation.fix
    assert fix_of is not None and (fix_of.safety.value == "safe") is safe
    if not safe:
        assert "healthcheck first runs" in fix_of.title
    engine = "on Docker Engine before 25" in fix_of.title
    assert engine is ("start_period" in timings and "start_interval" not in timings)


@pytest.mark.parametrize(("test", "doubt"), [
    pytest.param("[\"CMD\", \"python\", \"-c\", \"import requests; requests.get("
                 "'http://localhost:8000/health').raise_for_status()\"]",
                 "its Python probe imports requests, which the image may lack", id="requests"),
    pytest.param("[\"CMD\", \"curl\", \"-f\", \"https://localhost:8000/health\"]",
                 "it probes https://: the app may serve plain HTTP", id="https"),
])
def test_no_safe_gate_on_a_probe_fixer_cannot_vouch_for(test: str, doubt: str) -> None:
    """A Python probe that imports a package beyond the standard library fails on an image
    without it; an https:// probe of a plain-HTTP uvicorn fails every handshake."""
    compose = ("services:\n  web:\n    build: ./web\n    depends_on:\n      - api\n"
               f"  api:\n    build: ./api\n    healthcheck:\n      test: {test}\n")
    files = repo(compose, app_files("web"))
    [found] = check(files, select="C003")
    assert found.safety.value == "unsafe" and doubt in (found.reason or ""), found.reason


REDIS_MOVED = ("  cache:\n    image: redis:7-alpine\n    command: [\"redis-server\", \"--port\", "
               "\"6380\"]\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n")
WORKER = ("  worker:\n    build: ./api\n    command: python -m app.worker\n"
          "    depends_on: [db, api]\n")
DEPENDS_HEALTH = FASTAPI.replace("from fastapi import FastAPI",
                                 "from fastapi import Depends, FastAPI\n\n\n"
                                 "def session() -> object:\n    return object()\n").replace(
    "def health()", "def health(db: object = Depends(session))")


def test_c003_a_list_waiting_for_a_probe_no_rule_repairs_is_a_persons_job() -> None:
    """cache's `redis-cli ping` asks 6379 of a server on 6380, and no rule repairs it: the
    list naming db and cache waits for a person, not for a fix of the run."""
    compose = API.format(deps=" [db, cache]") + DB + REDIS_MOVED
    found = {f.subject: f for f in check(repo(compose))}
    db = found["depends_on db"]
    assert not db.fixable and db.violation.blocked and not db.violation.waits
    assert "which no fix of fixer repairs" in (db.reason or "")


def test_c003_a_list_waiting_for_an_unsafe_fix_says_so() -> None:
    """C004's probe of api's health route, which takes a session from `Depends`, is unsafe:
    plain `fixer fix` never applies it, so the worker's list does not wait for it."""
    compose = "services:\n  api:\n    build: ./api\n" + WORKER + DB
    files = repo(compose, {"api/app/main.py": DEPENDS_HEALTH,
                           "api/app/worker.py": "import time\n\ntime.sleep(60)\n"})
    # the two rules alone: the image installs nothing, which S003 reports as a stop
    found = {f.code: f for f in check(files, select=["C003", "C004"])}
    assert found["C004"].safety.value == "unsafe"
    waiting = found["C003"]
    assert not waiting.fixable and waiting.violation.blocked and not waiting.violation.waits
    assert waiting.violation.follows == (("C004", "api"),)
    assert "the C004 fix of api it waits for is unsafe" in (waiting.reason or "")
    safe = {f.code: f for f in check(repo(compose, {"api/app/worker.py": "import time\n"}),
                                     select=["C003", "C004"])}
    assert safe["C004"].safety.value == "safe" and safe["C003"].violation.waits


def test_waits_joined_keep_the_first_reason_unless_a_later_one_waits_for_a_person() -> None:
    from fixer_rules.compose.depends_plan import Wait
    c004 = Wait("waits until web has a healthcheck (C004)", (("C004", "web"),))
    d003 = Wait("waits until auth's healthcheck can pass", (("D003", "auth"), ("C004", "web")))
    person = Wait("waits until cache's healthcheck can pass (no fix)", (), by_hand=True)
    assert Wait.joined([]) is None
    assert Wait.joined([c004, d003]) == Wait(c004.reason, (("C004", "web"), ("D003", "auth")))
    joined = Wait.joined([c004, person, d003])
    assert joined == Wait(person.reason, (("C004", "web"), ("D003", "auth")), by_hand=True)
    # a thousand users of one database: one pass, each finding followed once
    many = Wait.joined([Wait(f"w{n}", (("C004", f"s{n % 10}"),)) for n in range(1000)])
    assert many is not None and len(many.follows) == 10 and many.reason == "w0"


def test_c003_in_each_of_two_stacks_names_its_own_stacks_unsafe_fix() -> None:
    """A dev and a prod file both define `cache`: the C005 fix each C003 entry waits for is
    the one of its own file, not the other stack's of the same service name."""
    case = Path(__file__).parent.parent / "golden" / "C003-dependency-not-healthy" / \
        "two-stacks-each-wait-for-their-own-c005-fix" / "before"
    files = {p.relative_to(case).as_posix(): p.read_text() for p in case.rglob("*")
             if p.is_file()}
    waiting = {f.path: f for f in check(files) if f.code == "C003"}
    for path in ("docker-compose.a.yml", "docker-compose.b.yml"):
        assert f"the C005 fix of cache it waits for is unsafe ({path}:3)" in \
            (waiting[path].reason or "")


def _golden(case: str) -> dict[str, str]:
    root = Path(__file__).parent.parent / "golden" / "C003-dependency-not-healthy" / case / \
        "before"
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*")
            if p.is_file()}


def test_c003_waits_for_the_repair_of_its_own_stack_only() -> None:
    """dev's api runs curl on a distroless image (D003, display-only), prod's on a slim one
    (D003, safe): dev's gate is a person's job, prod's waits for prod's D003 fix."""
    found = {f.path: f for f in check(_golden("another-stacks-repair-is-not-awaited"))
             if f.code == "C003"}
    dev, prod = found["dev/compose.yaml"], found["prod/compose.yaml"]
    assert not dev.violation.waits and "makes this change after" not in (dev.reason or "")
    assert prod.violation.waits


def test_c003_is_not_held_by_another_stacks_service_that_stops() -> None:
    """prod's api misses uvicorn (S003); dev's api does not stop, so dev's gate on it is made."""
    found = {f.path: f for f in check(_golden("another-stacks-stopped-service-holds-nothing"))
             if f.code == "C003"}
    assert found["dev/compose.yaml"].safety.value == "safe"


def test_the_reason_quotes_the_probed_path_as_the_healthcheck_writes_it() -> None:
    """The healthcheck probes `/api/utils/health-check/`, under a prefix fixer cannot read:
    the reason names that path, trailing slash and all, as a reviewer finds it."""
    files = {
        "compose.yml": (
            'services:\n  api:\n    build: .\n    ports: ["8000:8000"]\n    healthcheck:\n'
            '      test: ["CMD", "curl", "-f", "http://localhost:8000/api/utils/health-check/"]\n'
            "  worker:\n    build: .\n    command: [\"python\", \"-c\", \"import time; "
            "time.sleep(1e9)\"]\n    depends_on:\n      - api\n"),
        "Dockerfile": ("FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install fastapi "
                       "uvicorn\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", "
                       "\"0.0.0.0\", \"--port\", \"8000\"]\n"),
        "app/__init__.py": "", "app/config.py": 'PREFIX = "/api"\n',
        "app/utils.py": ('from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/utils")'
                         '\n\n\n@router.get("/health-check/")\ndef health_check() -> bool:\n'
                         "    return True\n"),
        "app/main.py": ("from fastapi import FastAPI\n\nfrom app import config, utils\n\n"
                        "app = FastAPI()\napp.include_router(utils.router, prefix=config.PREFIX)"
                        "\n")}
    [finding] = check(files, select="C003")
    assert "GET /api/utils/health-check/," in (finding.reason or ""), finding.reason


def test_c003_gate_on_a_service_whose_database_is_never_created_is_held() -> None:
    """C009's finding holds the gate, and the reason says the service may stop (where the
    app connects decides it), not that it does."""
    from support import GOLDEN, run_cli
    before = GOLDEN / "C003-dependency-not-healthy" / \
        "a-dependency-whose-database-is-never-created" / "before"
    code, out, err = run_cli("check", before, "--select", "C003,C009", "--format", "json")
    found = {f["code"]: f for f in json.loads(out)["findings"]}
    assert code == 1, err
    assert found["C003"]["fix"] is None
    assert "back may stop at start-up, or never be healthy (C009 at docker-compose.yml:8): " \
        "then they would not start at all" in found["C003"]["reason"]


def test_c003_a_list_waiting_for_a_fix_that_never_comes_says_so() -> None:
    """api's app is built from settings fixer cannot read: C004 has no automatic fix, so
    the worker's list, which waits for api's healthcheck, is a person's job, and says why."""
    compose = "services:\n  api:\n    build: ./api\n" + WORKER + DB
    unread = "from fastapi import FastAPI\n\nfrom app.settings import options\n\n" \
        "app = FastAPI(**options())\n"
    files = repo(compose, {"api/app/main.py": unread,
                           "api/app/settings.py": "def options() -> dict:\n    return {}\n",
                           "api/app/worker.py": "import time\n"})
    found = {f.code: f for f in check(files)}
    assert not found["C004"].fixable
    waiting = found["C003"]
    assert not waiting.fixable and waiting.violation.blocked and not waiting.violation.waits
    assert "the C004 finding of api it waits for has no automatic fix (docker-compose.yml:2)" \
        in (waiting.reason or ""), waiting.reason


@pytest.mark.parametrize(("image", "fixable", "why"), [
    pytest.param("mongo:5.0", True, "", id="mongo-5-ships-the-mongo-shell"),
    pytest.param("mongo:7.0", False, "mongo 6 images ship `mongosh`, not the `mongo` shell",
                 id="mongo-7-does-not"),
])
def test_c003_a_probe_an_echo_feeds_is_judged_by_the_command_after_it(
        image: str, fixable: bool, why: str) -> None:
    """`echo '...' | mongo ...`: the echo answers 0 whatever happens; whether the gate can
    pass is the mongo shell's to say, as the image's version ships it or not."""
    mongo = (f"  mongodb:\n    image: {image}\n    healthcheck:\n      test: echo "
             "'db.runCommand(\"ping\").ok' | mongo localhost:27017/test --quiet\n")
    [finding] = check(repo(API.format(deps="\n      - mongodb\n") + mongo), select="C003")
    assert bool(finding.fixable) is fixable, finding
    assert why in (finding.reason or ""), finding.reason
    assert "`echo`" not in (finding.reason or ""), finding.reason


def test_c003_a_rival_definition_whose_image_has_a_healthcheck_is_no_unchecked_one() -> None:
    """docker-compose.local.yml also defines web, built from a Dockerfile whose HEALTHCHECK
    probes it: no reason says that file defines web "with no healthcheck"."""
    dockerfile = ("FROM node:22-alpine\nWORKDIR /app\nRUN apk add --no-cache curl\nCOPY . .\n"
                  "EXPOSE 3000\nHEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\n"
                  'CMD ["node", "server.js"]\n')
    web = ("services:\n  web:\n    build:\n      context: ./web\n      dockerfile: {}\n"
           '    ports:\n      - "3000:3000"\n')
    files = {"docker-compose.yml": web.format("Dockerfile"),
             "docker-compose.local.yml": web.format("Dockerfile.local"),
             "proxy/docker-compose.proxy.yml": "services:\n  proxy:\n    build:\n"
                                               "      context: ./proxy\n    depends_on:\n"
                                               "      - web\n",
             "web/Dockerfile": dockerfile, "web/Dockerfile.local": dockerfile,
             "web/server.js": "", "proxy/Dockerfile": "FROM nginx:alpine\n"}
    [found] = check(files, select="C003")
    assert "with no healthcheck" not in (found.reason or ""), found.reason
    files["web/Dockerfile.local"] = dockerfile.replace(
        "HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\n", "")
    [found] = check(files, select="C003")
    assert "docker-compose.local.yml also defines web, with no healthcheck" in \
        (found.reason or ""), found.reason


def test_c003_names_a_database_that_stops_before_a_variable_left_empty() -> None:
    """A postgres 18 volume at the old data path stops the database at its first start, a
    sure hazard; a variable Compose leaves empty is only a doubt (the app may never read
    it): the reason names the database."""
    compose = (API.format(deps=" [db]") + "    environment:\n      - FLAG=${FLAG}\n"
               "  web:\n    build: ./api\n    depends_on:\n      - api\n"
               "  db:\n    image: postgres:18-alpine\n    environment:\n"
               "      POSTGRES_PASSWORD: example\n    volumes:\n"
               "      - data:/var/lib/postgresql/data\n    healthcheck:\n"
               "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n"
               "volumes:\n  data:\n")
    files = {"api/Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY . .\n{UVICORN}"
             "HEALTHCHECK CMD curl -f http://localhost:8000/health\n"}
    found = [f for f in check(repo(compose, files), select="C003") if "web" in f.message]
    assert [(f.safety.value, f.fix_title) for f in found] == [(
        "unsafe", "Wait for api to be healthy (fixer cannot tell whether api's healthcheck "
        "passes: api depends on db, and db mounts a volume at /var/lib/postgresql/data, "
        "which the postgres image from 18 on (`postgres:18-alpine`) refuses at its first "
        "start, its data having moved to /var/lib/postgresql/18/docker: api may stop or "
        "wait with it, its healthcheck failing)")]


@pytest.mark.parametrize(("env_file", "safety"), [
    pytest.param("    env_file: .env\n", "safe", id="required"),
    pytest.param("    env_file:\n      - path: .env\n        required: false\n", "unsafe",
                 id="optional"),
])
def test_c003_a_probe_variable_the_template_of_a_required_dotenv_sets(env_file: str,
                                                                      safety: str) -> None:
    """Compose refuses to run the stack without the `.env` a service loads as a required
    env_file: the one it runs with is made from `.env.example`, which sets the probe's
    variable. An optional one proves nothing."""
    compose = (API.format(deps=" [db]") + env_file + "  db:\n    image: postgres:17\n"
               + env_file + "    healthcheck:\n"
               "      test: [\"CMD-SHELL\", \"pg_isready -U ${POSTGRES_USER} -d ${POSTGRES_DB}\"]\n")
    files = {".env.example": "POSTGRES_USER=app\nPOSTGRES_PASSWORD=pw\nPOSTGRES_DB=app\n"}
    [finding] = check(repo(compose, files), select="C003")
    assert finding.safety.value == safety, finding.fix_title
