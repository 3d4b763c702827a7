"""The stack check (RULES.md "Trust"): each property holding, broken and unknown on small real
trees, and a regression only where a property that did not fail before fails after."""

from __future__ import annotations


import pytest

from fixer import stackcheck
from fixer.core.config import Config
from fixer.stackcheck import Verdict
from fixer.model.workspace import Workspace
from kit import Files, tree

APP = ('from fastapi import FastAPI\n\nfrom app.routers import items\n\napp = FastAPI()\n'
       'app.include_router(items.router)\n\n\n@app.get("/health")\n'
       'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')
ROUTER = ('from fastapi import APIRouter\n\nfrom ..db import session\n\n'
          'router = APIRouter(prefix="/items")\n\n\n@router.get("/")\n'
          'def list_items() -> list[str]:\n    return session()\n')


def dockerfile(base: str = "python:3.12-slim", port: int = 8000, extra: str = "") -> str:
    return (f"FROM {base}\n{extra}WORKDIR /srv\nCOPY . .\n"
            f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{port}"]\n')


def api(folder: str = "api", **files: str) -> dict[str, str]:
    """A FastAPI service folder: app package with a router and a db module; `files` replace
    some, `__` standing for `/` and `_py` for `.py` (`app__main_py`)."""
    tree = {f"{folder}/Dockerfile": dockerfile(), f"{folder}/app/__init__.py": "",
            f"{folder}/app/main.py": APP, f"{folder}/app/db.py": "def session() -> list[str]:\n"
                                                                 "    return []\n",
            f"{folder}/app/routers/__init__.py": "", f"{folder}/app/routers/items.py": ROUTER}
    tree.update({f"{folder}/{k.replace('__', '/').replace('_py', '.py')}": v
                 for k, v in files.items()})
    return tree


GATED = """\
services:
  web:
    image: nginx:1.27-alpine
    depends_on:
      api:
        condition: service_healthy
  api:
    build: ./api
    healthcheck:
      test: {test}
      interval: 10s
"""
CURL = '["CMD", "curl", "-f", "http://localhost:8000/health"]'
SH_C_CURL = '["CMD", "sh", "-c", "exec curl -fsS http://localhost:8000/health || exit 1"]'
WGET_LOCALHOST = '["CMD", "wget", "-qO-", "http://localhost:8000/health"]'
PYTHON_PROBE = ('["CMD", "python", "-c", "import urllib.request; '
                "urllib.request.urlopen('http://127.0.0.1:8000/health')\"]")


def load(files: Files) -> Workspace:
    return Workspace.load(tree(files), Config())


def facts_of(files: Files, prop: str) -> dict[tuple[str | int, ...], stackcheck.Fact]:
    ws = load(files)
    found = stackcheck.facts(ws, {s.name for s in ws.stacks})
    return {k: f for k, f in found.items() if f.prop == prop}


def only(files: Files, prop: str) -> stackcheck.Fact:
    [fact] = facts_of(files, prop).values()
    return fact


def regressions(before: Files, after: Files) -> list[stackcheck.Breakage]:
    """What the change from `before` to `after` broke, judged as a fix round is: on the
    files it changed."""
    old, new = load(before), load(after)
    stacks = {s.name for s in old.stacks} | {s.name for s in new.stacks}
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    return stackcheck.regressions(old, new, stacks, changed)


# -- 1. healthcheck gates ----------------------------------------------------------------------

@pytest.mark.parametrize("base, extra, test, verdict, why", [
    pytest.param("python:3.12", "", CURL, Verdict.HOLDS, "", id="curl-on-full-python"),
    pytest.param("python:3.12-slim",
                 "RUN apt-get update && apt-get install -y --no-install-recommends curl\n",
                 CURL, Verdict.HOLDS, "", id="curl-installed"),
    pytest.param("python:3.12-slim", "", PYTHON_PROBE, Verdict.HOLDS, "", id="python-probe"),
    pytest.param("python:3.12-alpine", "", "wget -qO- http://127.0.0.1:8000/health || exit 1",
                 Verdict.HOLDS, "", id="busybox-wget-shell-form"),
    # BusyBox's wget asks for localhost at ::1 only, where `--host 0.0.0.0` does not listen
    pytest.param("python:3.12-alpine", "", WGET_LOCALHOST, Verdict.BROKEN,
                 "BusyBox's wget, which asks for localhost at ::1 only, and api binds 0.0.0.0",
                 id="busybox-wget-on-localhost"),
    pytest.param("python:3.12-alpine", "RUN apk add --no-cache wget\n", WGET_LOCALHOST,
                 Verdict.HOLDS, "", id="gnu-wget-on-localhost"),
    pytest.param("python:3.12-alpine", "", "wget -qO- http://localhost:8000/health || python -c "
                 "\"import urllib.request; "
                 "urllib.request.urlopen('http://127.0.0.1:8000/health')\"",
                 Verdict.HOLDS, "", id="busybox-wget-on-localhost-with-a-fallback"),
    pytest.param("python:3.12-slim", "", CURL, Verdict.BROKEN, "it runs curl", id="no-curl"),
    pytest.param("python:3.12", "", '["CMD", "curl", "-f", "http://localhost:8001/health"]',
                 Verdict.BROKEN, "it probes port 8001, and api listens on 8000", id="wrong-port"),
    pytest.param("python:3.12", "", '["CMD", "curl", "-f", "http://[::1]:8001/health"]',
                 Verdict.BROKEN, "it probes port 8001", id="wrong-port-on-ipv6-loopback"),
    pytest.param("python:3.12", "",
                 '["CMD", "curl", "-f", "http://localhost:8000/healthz"]', Verdict.BROKEN,
                 "it asks for /healthz, which the app does not serve", id="path-not-served"),
    pytest.param("python:3.12", "", '["CMD", "curl", "-f", "http://localhost:8000/health/"]',
                 Verdict.HOLDS, "", id="trailing-slash-served"),
    pytest.param("python:3.12", "", '["CMD", "curl", "-f", "http://localhost:8000/items/"]',
                 Verdict.HOLDS, "", id="router-route-with-prefix"),
    pytest.param("registry.example.com/base:3", "", CURL, Verdict.UNKNOWN, "",
                 id="unknown-image"),
    pytest.param("python:3.12", "", '["CMD", "curl", "-f", "http://localhost:${PORT}/health"]',
                 Verdict.UNKNOWN, "", id="interpolated-port-is-no-probe-fixer-judges"),
    # the path ends at the `}` of the default: `/health`, not `/health}`
    pytest.param("python:3.12", "",
                 '["CMD-SHELL", "curl -f ${PROBE_URL:-http://localhost:8000/health}"]',
                 Verdict.HOLDS, "", id="url-in-a-variable-default"),
    pytest.param("python:3.12", "",
                 '["CMD-SHELL", "curl -f ${PROBE_URL:-http://localhost:8000/healthz}"]',
                 Verdict.BROKEN, "it asks for /healthz, which", id="unserved-url-in-a-default"),
    pytest.param("python:3.12", "", '["CMD-SHELL", "curl -f http://localhost:8000/$HEALTH_PATH"]',
                 Verdict.UNKNOWN, "", id="path-in-a-variable-is-not-judged"),
    pytest.param("python:3.12-slim", "",
                 '["CMD", "curl", "-f", "http://localhost:${PORT}/health"]', Verdict.BROKEN,
                 "it runs curl", id="interpolated-port-still-judges-the-tool"),
    pytest.param("python:3.12-slim", "", '["CMD-SHELL", "pg_isready"]', Verdict.UNKNOWN, "",
                 id="a-tool-fixer-does-not-judge"),
    pytest.param("python:3.12-slim", "", SH_C_CURL, Verdict.BROKEN, "it runs curl",
                 id="curl-through-sh-c-on-slim"),
    pytest.param("python:3.12", "", SH_C_CURL, Verdict.HOLDS, "", id="curl-through-sh-c"),
    pytest.param("postgres:16-alpine", "", '["CMD-SHELL", "pg_isready -U app"]', Verdict.HOLDS,
                 "", id="a-database-image-runs-its-own-probe"),
    pytest.param("node:20-slim", "", PYTHON_PROBE, Verdict.UNKNOWN, "",
                 id="python-on-node-the-table-does-not-say"),
    pytest.param("node:20-slim", "", CURL, Verdict.BROKEN, "(Debian/Ubuntu) lacks",
                 id="curl-on-node-slim"),
    pytest.param("gcr.io/distroless/python3-debian12", "", PYTHON_PROBE, Verdict.HOLDS, "",
                 id="python-on-distroless-python"),
    pytest.param("gcr.io/distroless/base-debian12", "", PYTHON_PROBE, Verdict.BROKEN,
                 "it runs python, which its final stage (distroless) lacks",
                 id="python-on-distroless-base"),
])
def test_healthcheck_gate(base: str, extra: str, test: str, verdict: Verdict,
                          why: str) -> None:
    files = api(Dockerfile=dockerfile(base, extra=extra))
    repo = {"compose.yaml": GATED.format(test=test), **files}
    fact = only(repo, stackcheck.GATE)
    assert (fact.verdict, fact.path, fact.line, fact.services) == \
        (verdict, "compose.yaml", 6, ("api", "web"))
    assert why in fact.why


VERSIONED = APP.replace("app = FastAPI()\n", "class Api(FastAPI):\n"
                        "    def get(self, path: str, **kwargs: object) -> object:\n"
                        '        return super().get("/v1" + path, **kwargs)\n\n\n'
                        "app = Api()\n")


@pytest.mark.parametrize("probed, verdict", [
    pytest.param("/health", Verdict.UNKNOWN, id="app-get-on-a-class-that-redefines-get"),
    pytest.param("/items/", Verdict.HOLDS, id="router-route-is-no-app-get"),
])
def test_a_route_the_apps_class_may_change_is_not_vouched_for(probed: str,
                                                              verdict: Verdict) -> None:
    test = f'["CMD", "curl", "-f", "http://localhost:8000{probed}"]'
    files = api(Dockerfile=dockerfile("python:3.12"), app__main_py=VERSIONED)
    repo = {"compose.yaml": GATED.format(test=test), **files}
    assert only(repo, stackcheck.GATE).verdict is verdict


def test_a_gate_on_a_built_service_without_healthcheck_is_broken_on_an_image_unknown() -> None:
    compose = ("services:\n  web:\n    build: ./api\n    depends_on:\n      api: {condition: "
               "service_healthy}\n      cache: {condition: service_healthy}\n"
               "  api:\n    build: ./api\n  cache:\n    image: redis:7\n")
    repo = {"compose.yaml": compose, **api()}
    found = {f.services[0]: f for f in facts_of(repo, stackcheck.GATE).values()}
    assert found["api"].verdict is Verdict.BROKEN and "api has no healthcheck" in found["api"].why
    assert found["cache"].verdict is Verdict.UNKNOWN


def test_a_gate_added_on_a_healthcheck_that_cannot_pass_is_a_regression() -> None:
    before = GATED.format(test=CURL).replace(
        "    depends_on:\n      api:\n        condition: service_healthy\n",
        "    depends_on:\n      - api\n")
    old = {"compose.yaml": before, **api()}
    new = {"compose.yaml": GATED.format(test=CURL), **api()}
    [breakage] = regressions(old, new)
    assert breakage.message.startswith(
        "breaks the stack check (healthcheck gate): compose.yaml:6 web waits for api to be "
        "healthy but api's healthcheck cannot pass: it runs curl, which its final stage (")
    assert regressions(new, new) == []  # broken before and after: not this round's doing


def test_a_gate_unknown_before_and_broken_after_is_a_regression() -> None:
    """A base image fixer cannot judge, then one it can: the round made it checkable and broken."""
    compose = GATED.format(test=CURL)
    old = {"compose.yaml": compose, **api(
        Dockerfile=dockerfile("registry.example.com/base:3"))}
    new = {"compose.yaml": compose, **api()}
    assert only(old, stackcheck.GATE).verdict is Verdict.UNKNOWN
    [breakage] = regressions(old, new)
    assert breakage.prop == stackcheck.GATE and breakage.services == ("api", "web")


DEV_ON_8001 = ('services:\n  api:\n    command: ["uvicorn", "app.main:app", "--host", '
               '"0.0.0.0", "--port", "8001"]\n')
BASE_PROBING_8001 = """\
services:
  api:
    build: ./api
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/health"]
  web:
    image: nginx:1.27-alpine
{depends}"""
PROD_GATE = "services:\n  worker:\n    build: ./api\n    command: [\"python\", \"-m\", " \
    "\"app.db\"]\n{depends}"
WAITS = "    depends_on:\n      api:\n        condition: service_healthy\n"


def test_a_gate_in_an_overlay_is_judged_without_the_override_file() -> None:
    """`docker compose -f compose.yaml -f compose.prod.yaml` leaves compose.override.yaml
    out: the app runs the image's CMD on 8000 there, and the probe of the override's 8001
    never passes. A gate in the base file runs with the override (`docker compose up`)."""
    def repo(base_waits: str, prod_waits: str) -> dict[str, str]:
        return {"compose.yaml": BASE_PROBING_8001.format(depends=base_waits),
                "compose.override.yaml": DEV_ON_8001,
                "compose.prod.yaml": PROD_GATE.format(depends=prod_waits),
                **api(Dockerfile=dockerfile("python:3.12"))}

    found = {f.path: f for f in facts_of(repo(WAITS, WAITS), stackcheck.GATE).values()}
    assert found["compose.yaml"].verdict is Verdict.HOLDS
    prod = found["compose.prod.yaml"]
    assert prod.verdict is Verdict.BROKEN
    assert "it probes port 8001, and api listens on 8000 (where compose.prod.yaml runs, " \
        "without compose.override.yaml" in prod.why
    [breakage] = regressions(repo("", "    depends_on:\n      - api\n"), repo("", WAITS))
    assert breakage.path == "compose.prod.yaml" and breakage.services == ("api", "worker")


# -- 2. references -----------------------------------------------------------------------------

NGINX = ("server {\n    listen 80;\n    location / {\n        proxy_pass http://api:8001;\n"
         "    }\n}\n")
PROXIED = """\
services:
  proxy:
    image: nginx:1.27-alpine
    volumes:
      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
    ports:
      - "80:80"
  api:
    build: ./api
    ports:
      - "8001:8001"
  worker:
    image: example/worker:2
    environment:
      API_URL: http://api:8001/items
      QUEUE_URL: amqp://rabbit:5672
  rabbit:
    image: rabbitmq:3-management
"""


def proxied(port: int) -> dict[str, str]:
    return {"compose.yaml": PROXIED, "nginx/default.conf": NGINX,
            **api(Dockerfile=dockerfile(port=port))}


def test_references_hold_when_they_reach_the_listen_port() -> None:
    found = facts_of(proxied(8001), stackcheck.REFERENCE)
    verdicts = {(f.path, f.subject): f.verdict for f in found.values()}
    assert verdicts[("nginx/default.conf", "proxy_pass http://api:8001")] is Verdict.HOLDS
    assert verdicts[("compose.yaml", "8001:8001")] is Verdict.HOLDS
    assert any(f.subject.startswith("http://api:8001") and f.verdict is Verdict.HOLDS
               for f in found.values())
    # rabbit's port is its image's business: fixer knows no listen port for it
    assert all(f.verdict is Verdict.UNKNOWN for f in found.values() if f.services == ("rabbit",))


def test_a_reference_that_no_longer_reaches_its_port_is_a_regression() -> None:
    old, new = proxied(8001), proxied(8000)
    found = regressions(old, new)
    messages = sorted(b.message for b in found)
    assert "breaks the stack check (reference): nginx/default.conf:4 proxy_pass " \
           "http://api:8001 no longer reaches a port api listens on (api listens on 8000)" \
           in messages
    assert {b.path for b in found} == {"nginx/default.conf", "compose.yaml"}
    assert all(b.service == "api" for b in found)
    # the other way round the references start working: nothing broke
    assert regressions(new, old) == []


def test_references_to_a_service_with_no_known_port_are_unknown() -> None:
    cmd = 'CMD ["uvicorn", "app.main:app", "--port", "${PORT}"]\n'
    repo = proxied(8001)
    repo["api/Dockerfile"] = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n" + cmd
    found = facts_of(repo, stackcheck.REFERENCE)
    assert found and all(f.verdict is Verdict.UNKNOWN for f in found.values())


# -- 3. networks -------------------------------------------------------------------------------

NETWORKED = """\
services:
  web:
    build: ./api
    environment:
      DATABASE_URL: postgresql://app:secret@db:5432/app
    networks:
      - backend
{db}networks:
  backend: {{}}
"""
DB_DEFAULT = "  db:\n    image: postgres:17-alpine\n"
DB_BACKEND = "  db:\n    image: postgres:17-alpine\n    networks: [backend]\n"


def networked(db: str) -> dict[str, str]:
    return {"compose.yaml": NETWORKED.format(db=db), **api()}


def test_an_added_service_on_no_network_of_its_users_is_a_regression() -> None:
    old = networked("")
    [breakage] = regressions(old, networked(DB_DEFAULT))
    assert breakage.message == ("breaks the stack check (network): compose.yaml:8 db shares no "
                                "network with web, which names it (web: backend; db: default)")
    assert breakage.services == ("db", "web")
    assert regressions(old, networked(DB_BACKEND)) == []
    assert only(networked(DB_BACKEND), stackcheck.NETWORK).verdict \
        is Verdict.HOLDS


def test_host_networking_is_unknown() -> None:
    repo = {"compose.yaml": NETWORKED.format(db=DB_DEFAULT).replace(
        "    networks:\n      - backend\n", "    network_mode: host\n"), **api()}
    assert only(repo, stackcheck.NETWORK).verdict is Verdict.UNKNOWN


# -- 4. imports --------------------------------------------------------------------------------

SIMPLE = "services:\n  api:\n    build: ./api\n"


def imports_of(repo: Files) -> dict[str, stackcheck.Fact]:
    return {f.path: f for f in facts_of(repo, stackcheck.IMPORT).values()}


def test_the_import_path_follows_the_app_module_through_its_packages() -> None:
    repo = {"compose.yaml": SIMPLE, **api(app__unused_py="x = (\n")}
    found = imports_of(repo)
    assert sorted(found) == ["api/app/__init__.py", "api/app/db.py", "api/app/main.py",
                             "api/app/routers/__init__.py", "api/app/routers/items.py"]
    assert all(f.verdict is Verdict.HOLDS for f in found.values())  # unused.py is not imported


@pytest.mark.parametrize("router, why", [
    pytest.param(ROUTER.replace("def list_items()", "def list_items(:"), "SyntaxError",
                 id="syntax-error"),
    pytest.param("<<<<<<< HEAD\n" + ROUTER, "SyntaxError", id="conflict-markers"),
    pytest.param(ROUTER.replace("from ..db", "from ...db"), "climbs above the import root",
                 id="climbs-above-the-root"),
    pytest.param(ROUTER.replace("from ..db", "from ..database"), "names no module",
                 id="missing-module"),
    pytest.param(ROUTER + "\nreturn None\n", "'return' outside function", id="compile-only"),
])
def test_a_module_that_stops_importing_is_a_regression(router: str,
                                                       why: str) -> None:
    old = {"compose.yaml": SIMPLE, **api()}
    new = {"compose.yaml": SIMPLE,
                                          **api(app__routers__items_py=router)}
    assert imports_of(new)["api/app/routers/items.py"].verdict is Verdict.BROKEN
    [breakage] = regressions(old, new)
    assert breakage.message.startswith("breaks the stack check (import): "
                                       "api/app/routers/items.py:")
    assert "a module on api's import path no longer imports" in breakage.message
    assert why in breakage.message and breakage.service == "api"


def test_a_relative_import_in_a_top_level_module_is_broken() -> None:
    docker = dockerfile().replace("app.main:app", "main:app").replace("COPY . .", "COPY app .")
    repo = {"compose.yaml": SIMPLE, **api(
        Dockerfile=docker, app__main_py=APP.replace("from app.routers", "from .routers"))}
    found = imports_of(repo)
    assert found["api/app/main.py"].verdict is Verdict.BROKEN
    assert "relative import in a top-level module" in found["api/app/main.py"].why
    # still followed: what it imports is on the import path
    assert "api/app/routers/items.py" in found


def test_a_module_named_by_an_import_that_climbs_too_high_is_still_on_the_path() -> None:
    """`from ...config` in app/routers/items.py climbs above `app`: Python refuses it, but
    api/config.py is what the author meant to load (and what I001's absolute import will
    load), so it is judged too."""
    router = ROUTER.replace("from ..db import session", "from ..db import session\n"
                                                        "from ...config import SETTINGS")
    repo = {"compose.yaml": SIMPLE, **api(
        app__routers__items_py=router, config_py="SETTINGS = {}\n")}
    found = imports_of(repo)
    assert found["api/app/routers/items.py"].verdict is Verdict.BROKEN
    assert "climbs above the import root" in found["api/app/routers/items.py"].why
    assert found["api/config.py"].verdict is Verdict.HOLDS


def test_a_service_that_is_no_fastapi_app_has_no_import_facts() -> None:
    flask = "from flask import Flask\n\napp = Flask(__name__)\n"
    repo = {"compose.yaml": SIMPLE, **api(app__main_py=flask)}
    assert imports_of(repo) == {}


# -- which stacks a round changed ----------------------------------------------------------------

def test_changed_stacks_are_those_whose_files_the_round_edited() -> None:
    repo = {
        "shop/compose.yaml": "services:\n  api:\n    build: ../api\n    env_file: ../shop.env\n",
        "admin/docker-compose.yml": "services:\n  admin:\n    build: ./panel\n",
        "admin/panel/Dockerfile": dockerfile(), "shop.env": "X=1\n", **api()}
    ws = load(repo)
    assert stackcheck.changed_stacks(ws, {"api/app/main.py"}) == {"shop/compose.yaml"}
    assert stackcheck.changed_stacks(ws, {"shop.env"}) == {"shop/compose.yaml"}
    assert stackcheck.changed_stacks(ws, {"admin/.env", "admin/panel/Dockerfile"}) == \
        {"admin/docker-compose.yml"}
    assert stackcheck.changed_stacks(ws, {"README.md"}) == set()


def test_an_overlays_env_file_is_read_from_its_base_folder() -> None:
    """Compose resolves every `-f` file from the project directory: `./worker.env` in
    ci/docker-compose.ci.yml is shop/worker.env, whose URL is a reference of the stack."""
    repo = {
        "shop/compose.yaml": ("services:\n  api:\n    build: ../api\n    ports:\n"
                              "      - \"8000:8000\"\n  worker:\n    image: example/worker:2\n"),
        "ci/docker-compose.ci.yml": "services:\n  worker:\n    env_file: ./worker.env\n",
        "shop/worker.env": "API_URL=http://api:8000/items\n",
        "ci/worker.env": "API_URL=http://api:9000/items\n", **api()}
    ws = load(repo)
    assert stackcheck.changed_stacks(ws, {"shop/worker.env"}) == {"shop/compose.yaml"}
    assert stackcheck.changed_stacks(ws, {"ci/worker.env"}) == set()
    found = facts_of(repo, stackcheck.REFERENCE).values()
    assert {(f.path, f.subject, f.verdict) for f in found if f.path.endswith(".env")} == \
        {("shop/worker.env", "http://api:8000", Verdict.HOLDS)}


def test_a_file_the_round_did_not_touch_is_no_compile_regression() -> None:
    """S001 writes the Dockerfile that makes a service an app: its modules are judged for the
    first time, by the Python fixer runs on. One that does not compile here (3.12 syntax on a
    3.12 image) was not made so by the round."""
    module = "from fastapi import FastAPI\n\napp = FastAPI()\nx = f'{', '.join(['a'])}'\n"
    before = {"compose.yaml": SIMPLE, **api(app__main_py=module)}
    before.pop("api/Dockerfile")
    after = {"compose.yaml": SIMPLE, **api(app__main_py=module)}
    assert regressions(before, after) == []


HTTPX_PROBE = ('["CMD", "python", "-c", "import httpx; '
               "httpx.get('http://127.0.0.1:8000/health').raise_for_status()\"]")
INSTALLS_REQUIREMENTS = "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"


@pytest.mark.parametrize("extra, requirements, verdict", [
    pytest.param(INSTALLS_REQUIREMENTS, "fastapi\nuvicorn\nhttpx\n", Verdict.HOLDS,
                 id="listed-in-the-requirements-the-image-installs"),
    pytest.param(INSTALLS_REQUIREMENTS, "fastapi\nuvicorn\n", Verdict.UNKNOWN,
                 id="not-listed"),
    # the context's requirements.txt names httpx, but the image installs two packages alone
    pytest.param("RUN pip install fastapi uvicorn\n", "fastapi\nuvicorn\nhttpx\n",
                 Verdict.UNKNOWN, id="listed-in-requirements-nothing-installs"),
])
def test_a_python_probes_import_is_there_where_the_image_installs_it(
        extra: str, requirements: str, verdict: Verdict) -> None:
    files = {**api(Dockerfile=dockerfile(extra=extra)), "api/requirements.txt": requirements}
    fact = only({"compose.yaml": GATED.format(test=HTTPX_PROBE), **files}, stackcheck.GATE)
    assert fact.verdict is verdict, fact.why
    assert ("imports httpx" in fact.why) is (verdict is Verdict.UNKNOWN), fact.why
