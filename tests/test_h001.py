"""H001 missing-health-endpoint: what counts as a health route, and where the fix adds one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from mypy import api

from fixer.core.textfile import TextFile
from fixer.facts.health.mypyconfig import annotations_required

from kit import check, fix, read_folder
from support import GOLDEN, copy_tree, run_cli
from test_boot import health_status, running

APP = "from fastapi import APIRouter, FastAPI\n\n"
HEALTH = '\n\n@app.get("/health")\ndef health():\n    return {"status": "ok"}\n'


def service(files: Mapping[str, str | bytes], target: str = "app.main:app", extra: str = "",
            compose_extra: str = "") -> dict[str, str | bytes]:
    dockerfile = (f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{extra}"
                  f'CMD ["uvicorn", "{target}", "--port", "8000"]\n')
    return {"docker-compose.yml": f"services:\n  api:\n    build: ./svc\n{compose_extra}",
            "svc/Dockerfile": dockerfile, "svc/app/__init__.py": "", **files}


def fixed(files: dict[str, str | bytes], path: str = "svc/app/main.py") -> bytes:
    """The file after `fixer fix --select H001`, which must leave no H001 finding."""
    outcome = fix(files, select="H001")
    assert outcome.clean and outcome.applied, outcome
    assert check(outcome.tree, select="H001") == []
    return outcome.tree[path]


@pytest.mark.parametrize(("before", "after"), [
    pytest.param(APP + "app = FastAPI()\n", APP + "app = FastAPI()\n" + HEALTH, id="no-routes"),
    pytest.param(APP + "app = FastAPI()\nX = 1\n",
                 APP + "app = FastAPI()\n" + HEALTH + "\n\nX = 1\n", id="code-right-after"),
    pytest.param(APP + 'app = FastAPI()\n\n\n@app.get("/a")\ndef a():\n    return 1\n\n\nY = 2\n',
                 APP + 'app = FastAPI()\n\n\n@app.get("/a")\ndef a():\n    return 1\n' + HEALTH
                 + "\n\nY = 2\n", id="after-last-route"),
    pytest.param(APP + "app = FastAPI()\n\n\n@app.post('/health')\nasync def a():\n  return 1\n",
                 APP + "app = FastAPI()\n\n\n@app.post('/health')\nasync def a():\n  return 1\n"
                 "\n\n@app.get('/health')\nasync def health():\n  return {'status': 'ok'}\n",
                 id="post-only-async-2-spaces-single-quotes"),
    pytest.param(APP + 'app = FastAPI()\n\n\n@app.api_route("/health", methods=["POST"])\n'
                 "def health():\n    return 1\n",
                 APP + 'app = FastAPI()\n\n\n@app.api_route("/health", methods=["POST"])\n'
                 "def health():\n    return 1\n\n\n@app.get(\"/health\")\ndef health_check():\n"
                 '    return {"status": "ok"}\n', id="api-route-without-get-name-taken"),
    pytest.param(APP + "import health\nhealth_check = 1\napp = FastAPI()\n",
                 APP + "import health\nhealth_check = 1\napp = FastAPI()\n"
                 + HEALTH.replace("def health()", "def health_1()"), id="names-taken"),
    pytest.param(APP + "def create_app():\n  app = FastAPI()\n  return app\n",
                 APP + "def create_app():\n  app = FastAPI()\n\n  @app.get(\"/health\")\n"
                 "  def health():\n    return {\"status\": \"ok\"}\n\n  return app\n",
                 id="factory-command-names-it"),
    pytest.param(APP + 'router = APIRouter()\n\n\n@router.get("/users")\ndef users():\n'
                 '    return []\n\n\napp = FastAPI()\napp.include_router(router, prefix="/v1")\n'
                 "\nif __name__ == '__main__':\n    pass\n",
                 APP + 'router = APIRouter()\n\n\n@router.get("/users")\ndef users():\n'
                 '    return []\n\n\napp = FastAPI()\napp.include_router(router, prefix="/v1")\n'
                 + HEALTH + "\n\nif __name__ == '__main__':\n    pass\n",
                 id="router-without-health"),
    pytest.param(APP + "class Api(FastAPI):\n    pass\n\n\napp = Api(title='x')\n",
                 APP + "class Api(FastAPI):\n    pass\n\n\napp = Api(title='x')\n"
                 + HEALTH.replace('"', "'"), id="fastapi-subclass"),
    pytest.param(APP + "app = FastAPI()\n\n@app.get('/a')\ndef a():\n    return 1\n\n"
                 "@app.get('/b')\ndef b():\n    return 2\n",
                 APP + "app = FastAPI()\n\n@app.get('/a')\ndef a():\n    return 1\n\n"
                 "@app.get('/b')\ndef b():\n    return 2\n" + HEALTH[1:].replace('"', "'"),
                 id="one-blank-line-between-routes-kept"),
    pytest.param(APP + "app = FastAPI()\n\n@app.get('/a')\ndef a():\n    return 1\n\n\n"
                 "@app.get('/b')\ndef b():\n    return 2\n\n@app.get('/c')\ndef c():\n"
                 "    return 3\n",
                 APP + "app = FastAPI()\n\n@app.get('/a')\ndef a():\n    return 1\n\n\n"
                 "@app.get('/b')\ndef b():\n    return 2\n\n@app.get('/c')\ndef c():\n"
                 "    return 3\n" + HEALTH.replace('"', "'"), id="mixed-gaps-take-pep-8"),
    pytest.param(APP + "import fastapi\n\n\nclass Base(fastapi.FastAPI):\n    pass\n\n\n"
                 "class Api(Base):\n    pass\n\n\napp: Api = Api()\n",
                 APP + "import fastapi\n\n\nclass Base(fastapi.FastAPI):\n    pass\n\n\n"
                 "class Api(Base):\n    pass\n\n\napp: Api = Api()\n" + HEALTH,
                 id="subclass-of-a-subclass-annotated"),
    pytest.param(APP + "app = FastAPI()\n\n\n@app.get(app.swagger_ui_oauth2_redirect_url, "
                 "include_in_schema=False)\nasync def redirect():\n    return 1\n",
                 APP + "app = FastAPI()\n\n\n@app.get(app.swagger_ui_oauth2_redirect_url, "
                 "include_in_schema=False)\nasync def redirect():\n    return 1\n"
                 + HEALTH, id="non-literal-path-skipped"),
    pytest.param(APP + "from common.auth import router\n\napp = FastAPI()\n"
                 "app.include_router(router)\n",
                 APP + "from common.auth import router\n\napp = FastAPI()\n"
                 "app.include_router(router)\n" + HEALTH, id="router-not-followed-no-literal"),
    pytest.param(APP + "from app import settings\n\nrouter = APIRouter()\n\n\n"
                 "@router.get('/')\ndef index():\n    return 1\n\n\napp = FastAPI()\n"
                 "app.include_router(router, prefix=settings.API_PREFIX)\n",
                 APP + "from app import settings\n\nrouter = APIRouter()\n\n\n"
                 "@router.get('/')\ndef index():\n    return 1\n\n\napp = FastAPI()\n"
                 "app.include_router(router, prefix=settings.API_PREFIX)\n"
                 + HEALTH.replace('"', "'"), id="index-under-unknown-prefix"),
    pytest.param(APP + "app = FastAPI()\napp.state.db = None\napp.logger = print\n"
                 "app.dependency_overrides[print] = print\napp.add_middleware(object)\n",
                 APP + "app = FastAPI()\n" + HEALTH
                 + "\n\napp.state.db = None\napp.logger = print\n"
                 "app.dependency_overrides[print] = print\napp.add_middleware(object)\n",
                 id="attributes-set-after-creation"),
    pytest.param(APP + "from kit import Audit\n\n\nclass Api(FastAPI, Audit):\n"
                 "    def __init__(self, **kw):\n        super().__init__(**kw)\n"
                 "        self.started = True\n\n\napp = Api()\n",
                 APP + "from kit import Audit\n\n\nclass Api(FastAPI, Audit):\n"
                 "    def __init__(self, **kw):\n        super().__init__(**kw)\n"
                 "        self.started = True\n\n\napp = Api()\n" + HEALTH,
                 id="own-init-unread-base-after-fastapi"),
    pytest.param("from fastapi import FastAPI as BaseApp\nfrom kit import Audit\n\n\n"
                 "class Api(BaseApp, Audit):\n    pass\n\n\napp = Api()\n",
                 "from fastapi import FastAPI as BaseApp\nfrom kit import Audit\n\n\n"
                 "class Api(BaseApp, Audit):\n    pass\n\n\napp = Api()\n" + HEALTH,
                 id="fastapi-under-another-name"),
    pytest.param(b"\xef\xbb\xbf" + (APP + "app = FastAPI()").replace("\n", "\r\n").encode(),
                 b"\xef\xbb\xbf" + (APP + "app = FastAPI()\n" + HEALTH.rstrip("\n"))
                 .replace("\n", "\r\n").encode(), id="crlf-bom-no-final-newline"),
])
def test_h001_fixes(before: str | bytes, after: str | bytes) -> None:
    target = "app.main:create_app" if "create_app" in str(before) else "app.main:app"
    files = service({"svc/app/main.py": before}, target)
    if "create_app" in str(before):
        files["svc/Dockerfile"] = str(files["svc/Dockerfile"]).replace(
            '"--port"', '"--factory", "--port"')
    expected = after if isinstance(after, bytes) else after.encode()
    assert fixed(files) == expected


def test_h001_fix_in_factory_called_at_import() -> None:
    source = ("from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n"
              "    app = FastAPI()\n\n    @app.get('/a')\n    async def a():\n        return 1\n"
              "    return app\n\n\napi = create_app()\n")
    assert fixed(service({"svc/main.py": source}, "main:api"), "svc/main.py").decode() == source.replace(
        "return 1\n", "return 1\n\n    @app.get('/health')\n    async def health():\n"
        "        return {'status': 'ok'}\n\n")


ROUTER = "from fastapi import APIRouter\n\nrouter = APIRouter({args})\n\n\n@router.get({path})\ndef f():\n    return 1\n"


@pytest.mark.parametrize("files", [
    pytest.param({"svc/app/main.py": APP + 'app = FastAPI()\n\n\n@app.get("/health")\n'
                  "def h():\n    return 1\n"}, id="health"),
    *[pytest.param({"svc/app/main.py": APP + f'app = FastAPI()\n\n\n@app.get("{p}")\n'
                    "async def h():\n    return 1\n"}, id=p)
      for p in ("/healthz", "/livez", "/readyz", "/api/v2/health", "/health/")],
    pytest.param({"svc/app/main.py": APP + 'app = FastAPI()\n\n\n@app.api_route("/health", '
                  'methods=["GET", "HEAD"])\ndef h():\n    return 1\n'}, id="api-route-get"),
    pytest.param({"svc/app/main.py": APP + 'app = FastAPI()\napp.add_api_route("/healthz", '
                  "lambda: 1)\n"}, id="add-api-route"),
    pytest.param({"svc/app/main.py": APP + "from app.ops import router\n\napp = FastAPI()\n"
                  "app.include_router(router)\n",
                  "svc/app/ops.py": ROUTER.format(args='prefix="/ops"', path='"/health"')},
                 id="imported-router-prefix"),
    pytest.param({"svc/app/main.py": APP + "from .routers import ops\n\napp = FastAPI()\n"
                  'app.include_router(ops.router, prefix="/health")\n',
                  "svc/app/routers/__init__.py": "",
                  "svc/app/routers/ops.py": ROUTER.format(args="", path='""')},
                 id="include-prefix-relative-module"),
    pytest.param({"svc/app/main.py": APP + "import settings\n\napp = FastAPI()\n"
                  "app.include_router(router, prefix=settings.PREFIX)\n"
                  + ROUTER.format(args="", path='"/healthz"').split("\n", 2)[2]},
                 id="unknown-prefix-known-tail"),
    # the route is the prefix itself, and the prefix ends in /health as written
    pytest.param({"svc/app/main.py": APP + "from app.configs import API_PREFIX\n"
                  "from app.probes import router\n\napp = FastAPI()\n"
                  "app.include_router(router, prefix=f'{API_PREFIX}/health')\n",
                  "svc/app/probes.py": ROUTER.format(args="", path="''")},
                 id="f-string-prefix-ending-in-health"),
    pytest.param({"svc/app/main.py": APP + "from common.health import router\n\n"
                  "app = FastAPI()\napp.include_router(router)\n"}, id="router-from-other-package"),
    pytest.param({"svc/app/main.py": APP + "from common import probes\n\napp = FastAPI()\n"
                  "app.include_router(probes.health_router)\n"}, id="health-router-by-name"),
    pytest.param({"svc/app/main.py": APP + "from app.setup import register\n\napp = FastAPI()\n"
                  "register(app)\n",
                  "svc/app/setup.py": "def register(app):\n    app.get('/healthz')(lambda: 1)\n"},
                 id="routes-added-elsewhere-literal"),
    pytest.param({"svc/app/main.py": APP + "from app.config import settings\napp = FastAPI()\n"
                  "\n\n@app.get(settings.health_path)\ndef h():\n    return 1\n",
                  "svc/app/config.py": 'class Settings:\n    health_path = "/api/health"\n\n\n'
                  "settings = Settings()\n"}, id="non-literal-path-literal-elsewhere"),
    pytest.param({"svc/app/main.py": APP + "from .routers import router\n\napp = FastAPI()\n\n\n"
                  '@router.get("/health")\nasync def ping():\n    return 1\n\n\n'
                  "app.include_router(router)\n",
                  "svc/app/routers/__init__.py": "from fastapi import APIRouter\n\n"
                  "router = APIRouter()\n"}, id="imported-router-decorated-before-include"),
    pytest.param({"svc/app/main.py": APP + "v1 = FastAPI()\n\n\n@v1.get('/health')\n"
                  "def health():\n    return {}\n\n\napp = FastAPI()\napp.mount('/v1', v1)\n"},
                 id="mounted-sub-app-serves-it"),
    pytest.param({"svc/app/main.py": "app = object()\n"}, id="not-a-fastapi-app"),
    pytest.param({"svc/app/main.py": "from app.base import Api\n\napp = Api()\n",
                  "svc/app/base.py": APP + "class Api(FastAPI):\n    def __init__(self):\n"
                  "        super().__init__()\n        self.add_api_route('/livez', lambda: 1)\n"},
                 id="class-adds-it-in-init"),
    pytest.param({"svc/app/main.py": APP + "class Api(FastAPI):\n    def __init__(self):\n"
                  "        super().__init__()\n\n        @self.get('/health')\n"
                  "        def health():\n            return 1\n\n\napp = Api()\n"},
                 id="class-decorates-it-in-init"),
])
def test_h001_noop(files: dict[str, str]) -> None:
    assert check(service(files), select="H001") == []


@pytest.mark.parametrize(("init", "listed", "probed"), [
    pytest.param("from .constants import *\n", "", True, id="star-import"),
    pytest.param("from .constants import HEALTH_PATH\n", "", True, id="named-import"),
    pytest.param("from .constants import *\n", '__all__ = ["ITEMS_PATH"]\n', False,
                 id="all-leaves-it-out"),
    pytest.param("", "", True, id="the-module-star-imports-it"),
])
def test_a_route_path_imported_as_a_constant_is_read(init: str, listed: str,
                                                     probed: bool) -> None:
    """`@app.get(HEALTH_PATH)` with `from app.common import HEALTH_PATH`, which the package
    re-exports from its constants module: the route is `/healthz`, so C004's safe fix probes
    it. A star import binds only what the module's `__all__` lists: where it leaves the name
    out, the import fails, and fixer reads no route there."""
    imports = "from app.common.constants import *" if not init else \
        "from app.common import HEALTH_PATH"
    files = service({"svc/app/main.py": APP + f"{imports}\n\n"
                     "app = FastAPI()\n\n\n@app.get(HEALTH_PATH)\ndef h():\n    return 1\n",
                     "svc/app/common/__init__.py": init,
                     "svc/app/common/constants.py": f'{listed}HEALTH_PATH = "/healthz"\n'
                                                    'ITEMS_PATH = "/items"\n'},
                    compose_extra="    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n")
    outcome = fix(files, select="C004")
    assert ("http://localhost:8000/healthz" in (outcome.files.get("docker-compose.yml") or "")) \
        == probed, outcome.files


@pytest.mark.parametrize(("call", "known"), [
    pytest.param("register_tortoise(app, db_url=\"sqlite://db.sqlite3\", "
                 "add_exception_handlers=True)", True, id="tortoise-registers-no-route"),
    pytest.param("setup_admin(app)", False, id="a-package-fixer-does-not-know"),
])
def test_h001_a_call_handed_the_app_that_adds_no_route(call: str, known: bool) -> None:
    """`register_tortoise(app, ...)` registers start-up, shutdown and exception handlers,
    never a route: the routes fixer sees are all the app serves (so H002 can tell that a
    probed path is not served). A package's function fixer does not know may add one."""
    package = "tortoise.contrib.fastapi import register_tortoise" if known else \
        "admin_kit import setup_admin"
    files = service({"svc/app/main.py": APP + f"from {package}\n\napp = FastAPI()\n{call}\n"
                     "\n\n@app.get(\"/items\")\ndef items():\n    return []\n"})
    [found] = check(files, select="H001")
    assert ("may add routes" not in found.message) == known, found.message


@pytest.mark.parametrize(("main", "said"), [
    pytest.param("class Builder:\n    def __init__(self):\n        self.app = FastAPI()\n\n"
                 "    def create_app(self):\n        return self.app\n\n\n"
                 "builder = Builder()\napp = builder.create_app()\n",
                 "the app is built by `builder.create_app`, a method of an object the module "
                 "makes, which fixer does not follow", id="a-method-of-an-object-it-makes"),
    pytest.param("import app_kit\n\napp = app_kit.make_app()\n",
                 "the app is built by `app_kit.make_app`, which fixer cannot read",
                 id="a-function-of-a-package"),
])
def test_h001_says_why_it_sees_no_further_than_what_builds_the_app(main: str,
                                                                  said: str) -> None:
    """An app a method returns (`builder.create_app()`) is code fixer may hold but does not
    follow; one a package's function builds is code it cannot read: the note says which."""
    [found] = check(service({"svc/app/main.py": APP + main}), select="H001")
    assert said in found.message, found.message


def test_h001_noop_probed_path() -> None:
    probe = ('    healthcheck:\n      test: ["CMD-SHELL", "wget -qO- '
             'http://127.0.0.1:8000/status || exit 1"]\n')
    files = service({"svc/app/main.py": APP + 'app = FastAPI()\n\n\n@app.get("/status")'
                     "\ndef s():\n    return 1\n"}, compose_extra=probe)
    assert check(files, select="H001") == []


STATUS_PROBE = '["CMD", "curl", "-f", "http://localhost:8000/status"]'
# the probe that runs is the merged one: an overlay that sets only timings keeps the base's
# test, and a final stage built FROM an earlier one keeps that stage's HEALTHCHECK
PROBED_ELSEWHERE = [
    pytest.param({"docker-compose.override.yml": "services:\n  api:\n    healthcheck:\n"
                  "      interval: 30s\n"},
                 f"    healthcheck:\n      test: {STATUS_PROBE}\n", id="overlay-sets-interval"),
    pytest.param({"svc/Dockerfile": f"FROM python:3.12 AS base\nHEALTHCHECK CMD {STATUS_PROBE}\n"
                  "\nFROM base\nWORKDIR /app\nCOPY . .\n"
                  'CMD ["uvicorn", "app.main:app", "--port", "8000"]\n'},
                 "", id="inherited-healthcheck"),
]


@pytest.mark.parametrize(("files", "compose_extra"), PROBED_ELSEWHERE)
def test_h001_noop_path_probed_by_the_merged_healthcheck(files: dict[str, str],
                                                         compose_extra: str) -> None:
    main = APP + 'app = FastAPI()\n\n\n@app.get("/status")\ndef s():\n    return 1\n'
    assert check(service({"svc/app/main.py": main, **files}, compose_extra=compose_extra),
                 select="H001") == []


def test_h001_subclass_imported_from_the_import_root() -> None:
    base = "from fastapi import FastAPI\n\n\nclass Service(FastAPI):\n    pass\n"
    main = "from app.base import Service\n\napp = Service()\n"
    assert fixed(service({"svc/app/base.py": base, "svc/app/main.py": main})).decode() == (
        main + HEALTH)


@pytest.mark.parametrize("files", [
    pytest.param({"svc/app/main.py": APP + "import os\napp = FastAPI()\n\n\n"
                   "@app.get(os.environ['P'])\ndef h():\n    return 1\n"}, id="non-literal-path"),
    pytest.param({"svc/app/main.py": APP + "from app.setup import register\n\napp = FastAPI()\n"
                   "register(app)\n",
                   "svc/tests/test_health.py": "def test(client):\n    client.get('/health')\n"},
                 id="routes-added-elsewhere-literal-only-in-tests"),
])
def test_h001_reports_despite_unreadable_routes(files: dict[str, str]) -> None:
    """An unreadable route is skipped, not a reason to stay silent (issue 9, pattern 12)."""
    [finding] = check(service(files), select="H001")
    assert "serves no health route (GET /health) (" in finding.message


REDEFINED = "class Api(FastAPI):\n    {body}\n\n\napp = Api()\n"


@pytest.mark.parametrize(("main", "files", "reason"), [
    *[pytest.param(APP + REDEFINED.format(body=body), {}, f"redefines `{name}`", id=name)
      for name, body in (
          ("get", "def get(self, *, path, **kwargs):\n        return super().get(path, **kwargs)"),
          ("api_route", "def api_route(self, path, **kwargs):\n        return None"),
          ("add_api_route", "def add_api_route(self, path, endpoint, **kwargs):\n        pass"),
          ("route", "route = None"),
          ("router", "def __init__(self):\n        super().__init__()\n"
                     "        self.router = APIRouter(prefix='/v2')"),
          ("__getattribute__", "def __getattribute__(self, name):\n"
                               "        return object.__getattribute__(self, name)"))],
    pytest.param(APP + "from app.base import Base\n\n\nclass Api(Base):\n    pass\n\n\n"
                 "app = Api()\n", {"svc/app/base.py": APP + "class Base(FastAPI):\n"
                                   "    def get(self, **kwargs):\n        pass\n"},
                 "the app's class `Base` (svc/app/base.py:3) redefines `get`",
                 id="imported-base-redefines-get"),
    pytest.param(APP + "from kit.tracing import Traced\n\n\nclass Api(Traced, FastAPI):\n"
                 "    pass\n\n\napp = Api()\n", {}, "the app's class `Api` derives from "
                 "`kit.tracing.Traced`, which fixer cannot read", id="unread-base-before-fastapi"),
    pytest.param(APP + "import kit\n\n\nclass Api(kit.base(), FastAPI):\n    pass\n\n\n"
                 "app = Api()\n", {}, "derives from `kit.base()`", id="base-built-by-a-call"),
    pytest.param(APP + "from kit.web import ServiceApp\n\napp = ServiceApp(name='svc')\n", {},
                 "the app is built by `kit.web.ServiceApp`, which fixer cannot read",
                 id="unread-class"),
])
def test_h001_display_only_when_app_get_may_not_work(main: str, files: dict[str, str],
                                                     reason: str) -> None:
    """`@app.get("/health")` on a class whose `get` takes keywords only is a TypeError at
    import: the app would never start. No fix, and the reason says why (issue 9)."""
    repo = service({"svc/app/main.py": main, **files})
    [finding] = check(repo, select="H001")
    assert not finding.fixable
    assert "serves no health route (GET /health)" in finding.message
    outcome = fix(repo, select="H001")
    assert (outcome.diff, outcome.clean) == ("", True)
    why = outcome.remaining[0].reason or ""
    assert "fixer cannot vouch that a route added with `@app.get` works: " in why
    assert reason in why, why


def test_h001_configured_alternative_counts() -> None:
    """`/ping` is no health path by default (H001 offers `/health` beside it, unsafe: `/ping`
    reads as the app's health route); configured as an alternative it is one, and C004
    probes it."""
    ping = APP + 'app = FastAPI()\n\n\n@app.get("/ping")\ndef ping():\n    return "pong"\n'
    repo = service({"svc/app/main.py": ping},
                   compose_extra="    command: uvicorn app.main:app --host 0.0.0.0\n")
    paths = ("/ping", "/healthz")
    [finding] = check(repo, select="H001")
    assert finding.safety.value == "unsafe" and "serves GET /ping" in (finding.reason or "")
    assert check(repo, select="H001", health_paths=paths) == []
    outcome = fix(repo, select="C004", healthcheck_strategy="python", health_paths=paths)
    assert outcome.applied and "http://localhost:8000/ping" in outcome.diff


@pytest.mark.parametrize(("route", "like"), [
    pytest.param("/heartbeat", True, id="heartbeat"),
    pytest.param("/api/ping", True, id="ping"),
    pytest.param("/alive", True, id="alive"),
    pytest.param("/healthcheck", True, id="healthcheck"),
    pytest.param("/shipping", False, id="shipping-is-no-ping"),
    pytest.param("/orders/status", False, id="status"),
    pytest.param("/up", True, id="up-at-the-root"),
    pytest.param("/api/v1/status", True, id="status-at-the-api-root"),
    pytest.param("/jobs/up", False, id="up-deeper-is-something-else"),
    pytest.param("/ready", True, id="ready"),
    pytest.param("/health/live", True, id="under-a-health-folder"),
    pytest.param("/health/db", False, id="a-dependency-check-is-no-probe-route"),
])
def test_h001_a_route_that_reads_as_a_health_route_makes_the_added_one_unsafe(
        route: str, like: bool) -> None:
    main = APP + f'app = FastAPI()\n\n\n@app.get("{route}")\ndef probe():\n    return 1\n'
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.safety.value == ("unsafe" if like else "safe"), finding.reason


@pytest.mark.parametrize(("parameters", "like"), [
    pytest.param("phone: str, api_id: str", False, id="required-query-parameters"),
    pytest.param("verbose: bool = False", True, id="a-query-parameter-with-a-default"),
    pytest.param("request: Request", True, id="what-fastapi-hands-it"),
])
def test_h001_a_status_route_that_asks_the_request_for_input_is_no_health_route(
        parameters: str, like: bool) -> None:
    """`/api/v1/status` whose handler needs query parameters (a user's login state): a probe
    without them gets 422, so it is no health route and `/health` is added beside it."""
    main = (APP + "from fastapi import Request\n\napp = FastAPI()\n\n\n"
            f'@app.get("/api/v1/status")\nasync def auth_status({parameters}):\n    return 1\n')
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.safety.value == ("unsafe" if like else "safe"), finding.reason


def test_h001_display_only_beside_several_routes_that_read_as_health_routes() -> None:
    main = APP + ('app = FastAPI()\n\n\n@app.get("/health/live")\ndef live():\n    return 1\n'
                  '\n\n@app.get("/health/ready")\ndef ready():\n    return 1\n')
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert not finding.fixable
    # the message says what it serves, not only what it lacks; the reason, whose call it is
    assert finding.message.endswith("; it serves GET /health/live and /health/ready, which "
                                    "look like health routes: fixer counts one once the "
                                    "service's healthcheck probes it"), finding.message
    assert finding.reason == ("which of them is the health route is the author's call "
                              "(`health-paths` in the configuration counts a path as one)")


def shared_context(a_main: str, b_main: str) -> dict[str, str | bytes]:
    """Two apps of one package, both built from the repository's root folder."""
    compose = "services:\n" + "".join(
        f"  {name}:\n    build: .\n    command: uvicorn pkg.{name}.main:app --port 8000\n"
        for name in ("a", "b"))
    # it hands the app to a package fixer cannot read: it may add routes
    setup = "from plugins import register\n\n\ndef setup(app):\n    register(app)\n"
    return {"docker-compose.yml": compose,
            "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "x:app"]\n',
            "pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/b/__init__.py": "",
            "pkg/utils.py": setup, "pkg/a/main.py": a_main, "pkg/b/main.py": b_main}


def test_h001_another_apps_health_route_does_not_count_in_a_shared_build_context() -> None:
    """All services build from `.`; `setup(app)` may add routes, so a health path written
    in the code would count. The one in app a's own module is a's, not b's: b is reported.
    So is each app when neither has one, and the route H001 adds to one does not hide the
    other's finding (a real monorepo of six apps lost five fixes that way)."""
    plain = APP + "from pkg.utils import setup\n\napp = FastAPI()\nsetup(app)\n"
    files = shared_context(plain + HEALTH, plain)
    [finding] = check(files, select="H001")
    assert finding.path == "pkg/b/main.py"
    both = shared_context(plain, plain)
    assert sorted(f.path for f in check(both, select="H001")) == ["pkg/a/main.py",
                                                                  "pkg/b/main.py"]
    outcome = fix(both, select="H001")
    assert outcome.clean and len(outcome.applied) == 2
    for path in ("pkg/a/main.py", "pkg/b/main.py"):
        assert '@app.get("/health")' in outcome.tree[path].decode()


def test_h001_a_health_literal_in_a_module_both_apps_import_counts_for_both() -> None:
    helpers = 'HEALTH_PATH = "/health"\n'
    plain = (APP + "from pkg import paths\nfrom pkg.utils import setup\n\napp = FastAPI()\n"
             "setup(app)\n")
    files = {**shared_context(plain, plain), "pkg/paths.py": helpers}
    assert check(files, select="H001") == []


@pytest.mark.parametrize(("image", "head", "returns"), [
    ("python:3.8-slim", "", "dict"),              # evaluated at import: TypeError on 3.8
    # lazy, but FastAPI evaluates a route's annotations when it registers it: TypeError
    ("python:3.8-slim", "from __future__ import annotations\n", "dict"),
    ("ghcr.io/acme/base:7", "from __future__ import annotations\nNAMES: list[str] = []\n",
     "dict"),   # a lazy annotation proves no version
    ("ghcr.io/acme/base:7", "from __future__ import annotations\n\n\n@app.get('/a')\n"
     "def a() -> dict[str, int]:\n    return {}\n", "dict[str, str]"),   # a route's does
    # never evaluated: a local variable's annotation, one under TYPE_CHECKING
    ("ghcr.io/acme/base:7", "def count():\n    seen: dict[str, int] = {}\n    return seen\n",
     "dict"),
    ("ghcr.io/acme/base:7", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
     "    NAMES: list[str]\n", "dict"),
    # lazy: a route's return annotation beside `response_model=` is not evaluated either
    ("ghcr.io/acme/base:7", "from __future__ import annotations\n\n\n"
     "@app.get('/a', response_model=dict)\ndef a() -> dict[str, int]:\n    return {}\n", "dict"),
    # lazy: a decorated helper is no route, FastAPI evaluates nothing of it
    ("ghcr.io/acme/base:7", "from __future__ import annotations\nimport functools\n\n\n"
     "@functools.lru_cache()\ndef names() -> dict[str, str]:\n    return {}\n", "dict"),
    ("python:3.9", "", "dict[str, str]"),
    ("python:3.12-slim", "", "dict[str, str]"),
    # a tag that leads with the Python of an image built on python's
    ("tiangolo/uvicorn-gunicorn-fastapi:python3.11-slim", "", "dict[str, str]"),
    ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "", "dict[str, str]"),
    ("tiangolo/uvicorn-gunicorn-fastapi:python3.8", "", "dict"),
    ("ghcr.io/acme/base:7", "", "dict"),          # the image does not say its Python
    ("ghcr.io/acme/base:7", "NAMES: list[str] = []\n", "dict[str, str]"),  # the module does
])
def test_the_added_route_is_annotated_as_the_image_python_accepts(image: str, head: str,
                                                                   returns: str) -> None:
    # the file's routes are annotated, so the added one is too; `dict[str, str]` only where
    # it cannot stop the module at import
    source = (f"{head}from fastapi import FastAPI\n\napp = FastAPI()\n{head and chr(10)}\n\n"
              "@app.get('/items')\ndef items() -> list:\n    return []\n")
    files = service({"svc/app/main.py": source})
    files["svc/Dockerfile"] = str(files["svc/Dockerfile"]).replace("python:3.12-slim", image)
    assert f"def health() -> {returns}:\n".encode() in fixed(files)


def test_h001_a_route_put_on_a_router_after_it_is_included_is_not_served() -> None:
    """`include_router` copies the router's routes when it runs: a decorator on the imported
    router below it adds a route the app never serves."""
    main = (APP + "from .routers import router\n\napp = FastAPI()\napp.include_router(router)\n"
            '\n\n@router.get("/health")\nasync def ping():\n    return 1\n')
    files = service({"svc/app/main.py": main, "svc/app/routers/__init__.py":
                     "from fastapi import APIRouter\n\nrouter = APIRouter()\n"})
    [finding] = check(files, select="H001")
    assert finding.code == "H001" and finding.fixable


@pytest.mark.parametrize(("body", "fixable"), [
    # a path returns the app before the last statement that adds routes: a route added
    # after it is never registered on that path
    pytest.param("    app = FastAPI()\n    app.include_router(router)\n    if DEBUG:\n"
                 "        app.include_router(router)\n        return app\n    return app\n",
                 False, id="return-inside-the-last-adder"),
    pytest.param("    app = FastAPI()\n    if DEBUG:\n        return app\n"
                 "    app.include_router(router)\n    return app\n", False,
                 id="return-before-the-last-adder"),
    # the decorated routes' own returns are not the factory's
    pytest.param("    app = FastAPI()\n\n    @app.get('/items')\n    def items():\n"
                 "        return []\n\n    return app\n", True, id="route-functions-return"),
])
def test_h001_a_factory_that_may_return_early(body: str, fixable: bool) -> None:
    main = (APP + "DEBUG = True\nrouter = APIRouter()\n\n\ndef create_app():\n" + body +
            "\n\napp = create_app()\n")
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.fixable is fixable
    if not fixable:
        assert "may return at line" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("created", "fixable"), [
    pytest.param("FastAPI(dependencies=[Depends(require_key)])", False, id="app-wide-auth"),
    pytest.param("FastAPI(dependencies=[])", True, id="none-given"),
    pytest.param("FastAPI(title='api')", True, id="no-dependencies"),
])
def test_h001_stands_back_from_app_wide_dependencies(created: str, fixable: bool) -> None:
    """Dependencies given to FastAPI() run before every route, an added one too: behind an
    API-key check the new /health answers 403, and a healthcheck on it never passes."""
    main = ("from fastapi import Depends, FastAPI, Header, HTTPException\n\n\n"
            "def require_key(x_key: str = Header(None)):\n    if x_key != 'k':\n"
            "        raise HTTPException(403)\n\n\n"
            f"app = {created}\n\n\n@app.get('/items')\ndef items():\n    return []\n")
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.fixable is fixable
    if not fixable:   # said as a doubt: fixer does not read what the dependency refuses
        assert "before every route" in (finding.reason or ""), finding.reason
        assert "(an auth check may refuse a probe)" in (finding.reason or ""), finding.reason


MIDDLEWARE_APP = ("from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n"
                  "from starlette.middleware.trustedhost import TrustedHostMiddleware\n"
                  "from starlette.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n{}\n\n"
                  "@app.get('/items')\ndef items():\n    return []\n")


@pytest.mark.parametrize(("middleware", "fixable"), [
    pytest.param("app.add_middleware(TrustedHostMiddleware, allowed_hosts=['api.example.com'])",
                 False, id="trusted-hosts-without-localhost"),
    pytest.param("app.add_middleware(TrustedHostMiddleware, allowed_hosts=['localhost', 'x.io'])",
                 True, id="trusted-hosts-with-localhost"),
    pytest.param("app.add_middleware(CORSMiddleware, allow_origins=['*'])", True, id="cors"),
    pytest.param("\n\n@app.middleware('http')\nasync def key(request: Request, call_next):\n"
                 "    if request.headers.get('x-key') != 'k':\n"
                 "        return JSONResponse({}, status_code=401)\n"
                 "    return await call_next(request)\n", False, id="refusing-middleware"),
    pytest.param("\n\n@app.middleware('http')\nasync def timing(request: Request, call_next):\n"
                 "    return await call_next(request)\n", True, id="passing-middleware"),
    # a header a probe never sends: any error status refuses it, not only 401 and 403
    pytest.param("\n\n@app.middleware('http')\nasync def tenant(request: Request, call_next):\n"
                 "    if request.headers.get('x-tenant-id') is None:\n"
                 "        return JSONResponse({'detail': 'tenant'}, status_code=400)\n"
                 "    return await call_next(request)\n", False, id="tenant-header-400"),
    pytest.param("\n\n@app.middleware('http')\nasync def tenant(request: Request, call_next):\n"
                 "    if 'x-tenant-id' not in request.headers:\n"
                 "        return JSONResponse({}, status.HTTP_422_UNPROCESSABLE_ENTITY)\n"
                 "    return await call_next(request)\n", False, id="status-name-422"),
    # an error handler answers only what failed: the probe passes through
    pytest.param("\n\n@app.middleware('http')\nasync def errors(request: Request, call_next):\n"
                 "    try:\n        return await call_next(request)\n"
                 "    except Exception:\n"
                 "        return JSONResponse({'detail': 'error'}, status_code=500)\n",
                 True, id="error-handler-500"),
    # safe methods pass on first: what it answers below is for other requests
    pytest.param("\n\n@app.middleware('http')\nasync def csrf(request: Request, call_next):\n"
                 "    if request.method in ('GET', 'HEAD', 'OPTIONS'):\n"
                 "        return await call_next(request)\n"
                 "    if request.headers.get('x-csrf-token') is None:\n"
                 "        return JSONResponse({}, status_code=403)\n"
                 "    return await call_next(request)\n", True, id="safe-methods-pass-first"),
    # a HEAD probe (`wget --spider`) is not let through
    pytest.param("\n\n@app.middleware('http')\nasync def csrf(request: Request, call_next):\n"
                 "    if request.method in ('GET',):\n"
                 "        return await call_next(request)\n"
                 "    if request.headers.get('x-csrf-token') is None:\n"
                 "        return JSONResponse({}, status_code=403)\n"
                 "    return await call_next(request)\n", False, id="only-get-passes-first"),
    # the headers it sets on the app's answer are no lookup a probe may fail
    pytest.param("\n\n@app.middleware('http')\nasync def errors(request: Request, call_next):\n"
                 "    try:\n        response: Response = await call_next(request)\n"
                 "        for key, value in {'x-a': '1'}.items():\n"
                 "            response.headers[key] = value\n"
                 "        return response\n"
                 "    except Exception:\n"
                 "        return JSONResponse({'detail': 'error'}, status_code=500)\n",
                 True, id="error-handler-sets-the-answers-headers"),
    # a header a probe never sends fails its lookup: the handler's status is what it gets
    pytest.param("\n\n@app.middleware('http')\nasync def key(request: Request, call_next):\n"
                 "    try:\n        token = request.headers['authorization'].split(' ')[1]\n"
                 "    except KeyError:\n        return JSONResponse({}, status_code=400)\n"
                 "    return await call_next(request)\n", False, id="missing-header-handler"),
    pytest.param("\n\n@app.middleware('http')\nasync def key(request: Request, call_next):\n"
                 "    try:\n        token = request.headers['authorization'].split(' ')[1]\n"
                 "    except Exception:\n        return JSONResponse({}, status_code=400)\n"
                 "    if token != 'k':\n        return JSONResponse({}, status_code=401)\n"
                 "    return await call_next(request)\n", False,
                 id="missing-header-400-before-wrong-token-401"),
    # a 500 it starts from and only logs, when `call_next` raises: it answers nothing
    pytest.param("\n\n@app.middleware('http')\nasync def log(request: Request, call_next):\n"
                 "    status_code: int = status.HTTP_500_INTERNAL_SERVER_ERROR\n"
                 "    try:\n        response = await call_next(request)\n"
                 "        status_code = response.status_code\n"
                 "    finally:\n        logger.info('done', status_code=status_code)\n"
                 "        print(f'{request.url.path} {status_code}')\n"
                 "    return response\n", True, id="logged-500"),
    # the same start, answered when a header is missing: the 500 refuses the probe
    pytest.param("\n\n@app.middleware('http')\nasync def key(request: Request, call_next):\n"
                 "    code = status.HTTP_500_INTERNAL_SERVER_ERROR\n"
                 "    logger.info('start', status_code=code)\n"
                 "    if request.headers.get('x-key') is None:\n"
                 "        return JSONResponse({}, status_code=code)\n"
                 "    return await call_next(request)\n", False, id="answered-500"),
    # a probe's GET sends no Content-Length: a size limit on a body never answers it
    pytest.param("\n\n@app.middleware('http')\nasync def size(request: Request, call_next):\n"
                 "    content_length = request.headers.get('Content-Length')\n"
                 "    if content_length:\n"
                 "        if int(content_length) > 1024:\n"
                 "            return JSONResponse({}, status_code=413)\n"
                 "    return await call_next(request)\n", True, id="body-size-limit-413"),
    pytest.param("\n\n@app.middleware('http')\nasync def size(request: Request, call_next):\n"
                 "    length = request.headers.get('content-length')\n"
                 "    if length and int(length) > 1024:\n"
                 "        return JSONResponse({}, status_code=413)\n"
                 "    return await call_next(request)\n", True,
                 id="body-size-limit-413-one-test"),
    # but one that refuses a request that says no length does refuse the probe
    pytest.param("\n\n@app.middleware('http')\nasync def size(request: Request, call_next):\n"
                 "    if not request.headers.get('content-length'):\n"
                 "        return JSONResponse({}, status_code=411)\n"
                 "    return await call_next(request)\n", False, id="length-required-411"),
    # what it answers in place of the app's own error: a health route's 200 passes through
    pytest.param("\n\n@app.middleware('http')\nasync def errors(request: Request, call_next):\n"
                 "    response = await call_next(request)\n"
                 "    if 400 <= response.status_code < 500:\n"
                 "        if response.status_code == 404:\n"
                 "            return JSONResponse({'detail': 'nothing here'}, status_code=404)\n"
                 "    return response\n", True, id="rewrites-the-apps-own-404"),
    # it checks a token only where the request brings one, which a probe never does
    pytest.param("\n\n@app.middleware('http')\nasync def token(request: Request, call_next):\n"
                 "    if request.method != 'OPTIONS' and request.headers.get('Authorization'):\n"
                 "        if not valid(request.headers['Authorization']):\n"
                 "            return JSONResponse({'detail': 'Invalid header'}, status_code=401)\n"
                 "    return await call_next(request)\n", True, id="token-checked-where-sent"),
])
def test_h001_stands_back_from_middleware_that_may_refuse_a_probe(middleware: str,
                                                                  fixable: bool) -> None:
    main = MIDDLEWARE_APP.format(middleware)
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.fixable is fixable, finding.reason
    if not fixable and "@app.middleware" in middleware:
        code = re.search(r"status_code=(\d+)|HTTP_(\d+)", middleware)
        assert code is not None
        assert f"can answer {code.group(1) or code.group(2)} before any route" in \
            (finding.reason or ""), finding.reason


CSRF_CLASS = ("from fastapi.responses import JSONResponse\n"
              "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
              "class CSRFMiddleware(BaseHTTPMiddleware):\n"
              "    def __init__(self, app):\n        super().__init__(app)\n"
              "        self.safe_methods = {{'GET', 'HEAD', 'OPTIONS'}}\n\n"
              "    def _verify(self, request):\n"
              "        if request.url.path in ('/login',) or request.method in {methods}:\n"
              "            return None\n"
              "        if not request.headers.get('origin'):\n"
              "            return JSONResponse({{}}, status_code=403)\n"
              "        return None\n\n"
              "    async def dispatch(self, request, call_next):\n"
              "        refused = self._verify(request)\n"
              "        if refused:\n            return refused\n"
              "        return await call_next(request)\n")


@pytest.mark.parametrize(("methods", "fixable"), [("self.safe_methods", True),
                                                   ("('POST',)", False)])
def test_h001_a_csrf_check_that_lets_safe_methods_through_refuses_no_probe(
        methods: str, fixable: bool) -> None:
    """The class's check returns None for GET and HEAD (a set its `__init__` binds) before
    it looks at the Origin header: the 403 below answers other methods only."""
    main = ("from fastapi import FastAPI\n\nfrom app.csrf import CSRFMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(CSRFMiddleware)\n")
    files = service({"svc/app/main.py": main,
                     "svc/app/csrf.py": CSRF_CLASS.format(methods=methods)})
    [finding] = check(files, select="H001")
    assert finding.fixable is fixable, finding.reason


@pytest.mark.parametrize(("added", "said"), [
    pytest.param("app.add_middleware(HTTPSRedirectMiddleware)", "HTTPSRedirectMiddleware",
                 id="always"),
    pytest.param("if settings.HTTPS_ONLY:\n    app.add_middleware(HTTPSRedirectMiddleware)",
                 "where `settings.HTTPS_ONLY` holds, HTTPSRedirectMiddleware", id="on-a-setting"),
])
def test_h001_says_where_a_redirect_to_https_is_added_only_on_a_condition(added: str,
                                                                           said: str) -> None:
    main = ("from fastapi import FastAPI\nfrom fastapi.middleware.httpsredirect import "
            "HTTPSRedirectMiddleware\n\nfrom app.config import settings\n\napp = FastAPI()\n"
            f"{added}\n\n\n@app.get('/items')\ndef items():\n    return []\n")
    [finding] = check(service({"svc/app/main.py": main,
                               "svc/app/config.py": "class S:\n    HTTPS_ONLY = False\n\n\n"
                                                    "settings = S()\n"}), select="H001")
    assert not finding.fixable
    assert (finding.reason or "").startswith("fixer cannot vouch that a route added with "
                                             f"`@app.get` works: {said} answers"), finding.reason
    # curl without -L takes the 307 for a pass: the probe reaches no route, passing or not
    assert "so no `http://` probe reaches a route (curl takes the 307 for a pass" in \
        (finding.reason or "")


@pytest.mark.parametrize(("route", "fixable"), [
    pytest.param("/{slug}", False, id="root-parameter"),
    pytest.param("/{rest:path}", False, id="catch-all"),
    pytest.param("/pages/{slug}", True, id="under-a-prefix"),
    pytest.param("/{slug}/edit", True, id="longer-pattern"),
])
def test_h001_stands_back_where_an_earlier_route_answers_the_path(route: str,
                                                                  fixable: bool) -> None:
    """Starlette matches in order: `/{slug}` registered before an added `/health` answers it
    (a 404 from the page handler), and the healthcheck on it never passes."""
    main = APP + f"app = FastAPI()\n\n\n@app.get('{route}')\ndef page(slug: str = ''):\n" \
                 "    return {}\n"
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.fixable is fixable, finding.reason


@pytest.mark.slow  # mypy
def test_h001_route_in_a_strict_typed_module_passes_mypy_strict(tmp_path: Path) -> None:
    """Routes fixer cannot resolve (`setup_routes(app)`) leave the module's own functions to
    set the style: annotated there, the added handler is annotated, and `mypy --strict`
    (which the project runs) accepts the module before and after."""
    root = copy_tree(GOLDEN / "H001-missing-health-endpoint" /
                     "annotated-module-gets-an-annotated-route" / "before", tmp_path / "r")
    module = root / "svc" / "app" / "web.py"
    strict = ["--strict", "--ignore-missing-imports", str(module)]
    assert api.run(strict)[2] == 0
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1 and "def health() -> dict[str, str]:" in module.read_text(), err
    stdout, stderr, status = api.run(strict)
    assert status == 0, stdout + stderr


@pytest.mark.slow  # mypy
def test_h001_route_on_python_3_8_under_mypy_strict_names_typing_dict(tmp_path: Path) -> None:
    """On Python 3.8 (no `dict[str, str]`), `mypy --strict` rejects a bare `dict`: the
    route names `typing.Dict` as the module imports it, and mypy accepts the module after."""
    root = copy_tree(GOLDEN / "H001-missing-health-endpoint" /
                     "strict-mypy-on-python-3-8-names-typing-dict" / "before", tmp_path / "r")
    module = root / "orders" / "app" / "main.py"
    strict = ["--config-file", str(root / "mypy.ini"), "--ignore-missing-imports", str(module)]
    assert api.run(strict)[2] == 0
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1 and "def health() -> typing.Dict[str, str]:" in module.read_text(), err
    stdout, stderr, status = api.run(strict)
    assert status == 0, stdout + stderr


@pytest.mark.slow  # mypy
def test_h001_route_on_python_3_8_where_mypy_turns_off_type_arg_passes_it(
        tmp_path: Path) -> None:
    """`strict` with `disable_error_code = ["type-arg"]`: mypy accepts the bare `dict` the
    route returns, so the fix is safe, and mypy accepts the module after it."""
    root = copy_tree(GOLDEN / "H001-missing-health-endpoint" /
                     "mypy-turning-off-type-arg-on-python-3-8-is-safe" / "before", tmp_path / "r")
    module = root / "orders" / "app" / "main.py"
    typed = ["--config-file", str(root / "pyproject.toml"), str(module)]
    assert api.run(typed)[2] == 0
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1 and "def health() -> dict:" in module.read_text(), err
    stdout, stderr, status = api.run(typed)
    assert status == 0, stdout + stderr


@pytest.mark.parametrize(("config", "required"), [
    pytest.param("[mypy]\nstrict = True\n", True, id="strict"),
    pytest.param("[mypy]\ndisallow_any_generics = True\n", True, id="the-flag"),
    pytest.param("[mypy]\nstrict = True\ndisallow_any_generics = False\n", False,
                 id="turned-off-beside-strict"),
    pytest.param("[mypy]\nstrict = True\nallow_any_generics = True\n", False,
                 id="inverse-flag"),
    pytest.param("[mypy]\ndisallow_untyped_defs = True\n", False, id="annotations-only"),
    pytest.param("[mypy]\nstrict = True\ndisable_error_code = import, type-arg\n", False,
                 id="its-error-code-turned-off"),
    pytest.param("[mypy]\nstrict = True\ndisable_error_code = type-argument\n", True,
                 id="another-code-turned-off"),
    pytest.param("[mypy]\nstrict = True\nignore_errors = True\n", False,
                 id="every-error-ignored"),
])
def test_h001_route_on_python_3_8_is_unsafe_where_mypy_rejects_a_bare_dict(
        config: str, required: bool) -> None:
    """Without `typing` imported, a bare `dict` is all a 3.8 route can return; where mypy
    requires type parameters, the route fails the project's type check: unsafe."""
    main = APP + "app = FastAPI()\n\n\n@app.get('/items')\ndef items() -> list:\n" \
                 "    return []\n"
    files = service({"svc/app/main.py": main})
    files["mypy.ini"] = config
    files["svc/Dockerfile"] = str(files["svc/Dockerfile"]).replace("python:3.12", "python:3.8")
    [finding] = check(files, select="H001")
    assert finding.safety.value == ("unsafe" if required else "safe"), finding.reason
    assert ("`disallow_any_generics`" in (finding.reason or "")) is required


@pytest.mark.parametrize(("main", "reason"), [
    # a route whose last part names health, which H001 does not count: C004 probes it
    pytest.param(APP + 'app = FastAPI()\n\n\n@app.get("/api/v1/health-check/")\n'
                 "def check():\n    return {}\n",
                 "serves GET /api/v1/health-check/, which reads as its health route",
                 id="health-like-route"),
])
def test_h001_a_second_health_route_is_the_users_call(main: str, reason: str) -> None:
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.fixable and finding.safety.value == "unsafe"
    assert reason in (finding.reason or "")
    assert fix(service({"svc/app/main.py": main}), select="H001").applied == []


@pytest.mark.parametrize("main", [
    pytest.param(APP + 'app = FastAPI()\n\n\n@app.get("/items")\ndef items():\n    return []\n',
                 id="served-routes-only"),
])
def test_h001_stays_safe_without_a_route_that_reads_as_health(main: str) -> None:
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert finding.safety.value == "safe" and finding.reason is None


def test_h001_app_created_under_the_main_guard_gets_no_route() -> None:
    """The guard runs the server before its end: a route added after it is never served."""
    main = (APP + "import uvicorn\n\nif __name__ == \"__main__\":\n    app = FastAPI()\n\n"
            '    @app.get("/items")\n    def items():\n        return []\n\n'
            '    uvicorn.run(app, port=8000)\n')
    files = service({"svc/app/main.py": main})
    files["svc/Dockerfile"] = str(files["svc/Dockerfile"]).replace(
        'CMD ["uvicorn", "app.main:app", "--port", "8000"]', 'CMD ["python", "app/main.py"]')
    [finding] = check(files, select="H001")
    assert not finding.fixable and '`if __name__ == "__main__":`' in (finding.reason or "")


CLASS_APP = ("from fastapi import FastAPI\n{imports}\napp = FastAPI()\napp.add_middleware({added})\n\n\n"
             "@app.get('/items')\ndef items():\n    return []\n")
DISPATCH = ("from fastapi import HTTPException, status\nfrom fastapi.responses import JSONResponse\n"
            "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
            "class {name}({base}):\n    async def dispatch(self, request, call_next):\n"
            "        if request.url.path.startswith(('/login', '/docs')):\n"
            "            return await call_next(request)\n"
            "        if not request.headers.get('Authorization'):\n"
            "            {refusal}\n        return await call_next(request)\n")
REFUSAL = "return JSONResponse({'detail': 'no'}, status_code=401)"


@pytest.mark.parametrize(("imports", "added", "modules"), [
    pytest.param("from app.guard import TokenMiddleware\n", "TokenMiddleware",
                 {"guard": DISPATCH.format(name="TokenMiddleware", base="BaseHTTPMiddleware",
                                           refusal=REFUSAL)}, id="imported-class"),
    pytest.param("from app import guard\n", "guard.TokenMiddleware",
                 {"guard": DISPATCH.format(name="TokenMiddleware", base="BaseHTTPMiddleware",
                                           refusal=REFUSAL)}, id="module-attribute"),
    pytest.param("from app.guard import KeyMiddleware\n", "KeyMiddleware",
                 {"guard": DISPATCH.format(
                     name="KeyMiddleware", base="BaseHTTPMiddleware",
                     refusal="raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)")},
                 id="http-exception-403"),
    pytest.param("from app.guard import KeyMiddleware\n", "KeyMiddleware",
                 {"guard": DISPATCH.format(name="Checking", base="BaseHTTPMiddleware",
                                           refusal=REFUSAL)
                  + "\n\nclass KeyMiddleware(Checking):\n    pass\n"}, id="readable-base"),
    pytest.param("from app.guard import KeyMiddleware\n", "KeyMiddleware",
                 {"guard": "class KeyMiddleware:\n    def __init__(self, app):\n"
                  "        self.app = app\n\n    async def __call__(self, scope, receive, send):\n"
                  "        if scope['type'] == 'http' and scope['path'] != '/login':\n"
                  "            await send({'type': 'http.response.start', 'status': 403,"
                  " 'headers': []})\n            await send({'type': 'http.response.body'})\n"
                  "            return\n        await self.app(scope, receive, send)\n"},
                 id="asgi-call"),
])
def test_h001_stands_back_from_a_middleware_class_that_answers_401_or_403(
        imports: str, added: str, modules: dict[str, str]) -> None:
    """`app.add_middleware(X)` runs X before routing: a class of the app's own code whose
    `dispatch`/`__call__` refuses a request without a token refuses the probe too."""
    files = service({"svc/app/main.py": CLASS_APP.format(imports=imports, added=added),
                     **{f"svc/app/{name}.py": text for name, text in modules.items()}})
    [finding] = check(files, select="H001")
    assert not finding.fixable, finding
    assert re.search(r"answer 40[13] before any route", finding.reason or ""), finding.reason
    assert "svc/app/guard.py:" in (finding.reason or ""), finding.reason
    [probe] = check(files, select="C004")
    assert not probe.fixable and "answer 40" in (probe.reason or ""), probe.reason


def test_h001_middleware_class_defined_beside_the_app_is_read() -> None:
    main = (DISPATCH.format(name="TokenMiddleware", base="BaseHTTPMiddleware", refusal=REFUSAL)
            + CLASS_APP.format(imports="", added="TokenMiddleware"))
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert not finding.fixable and "svc/app/main.py:" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("imports", "added", "modules", "fixable"), [
    # a readable class that passes every request on keeps the fix safe
    pytest.param("from app.timing import TimingMiddleware\n", "TimingMiddleware",
                 {"timing": "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
                  "class TimingMiddleware(BaseHTTPMiddleware):\n"
                  "    async def dispatch(self, request, call_next):\n"
                  "        return await call_next(request)\n"}, True, id="readable-passing"),
    # a class of an installed package: only its name can say it authenticates
    pytest.param("from tokens_kit import TokenMiddleware\n", "TokenMiddleware", {}, True,
                 id="unreadable-by-name-harmless"),
    pytest.param("from tokens_kit import JWTAuthMiddleware\n", "JWTAuthMiddleware", {}, False,
                 id="unreadable-named-auth"),
])
def test_h001_middleware_class_that_shows_no_refusal(imports: str, added: str,
                                                     modules: dict[str, str],
                                                     fixable: bool) -> None:
    files = service({"svc/app/main.py": CLASS_APP.format(imports=imports, added=added),
                     **{f"svc/app/{name}.py": text for name, text in modules.items()}})
    [finding] = check(files, select="H001")
    assert finding.fixable is fixable, finding.reason


@pytest.mark.slow  # a real uvicorn
def test_h001_route_goes_to_the_package_python_imports(tmp_path: Path) -> None:
    """`uvicorn api:app` beside both `api/` and `api.py` imports the package: the route
    fixer adds there answers 200 on the server the command starts."""
    root = copy_tree(GOLDEN / "H001-missing-health-endpoint" /
                     "package-shadows-the-module-beside-it" / "before", tmp_path / "r")
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1, err
    log = tmp_path / "server.log"
    with running(root, log) as (process, port):
        assert health_status(process, port, log) == 200


@pytest.mark.parametrize(("target", "fixed_by_h001"), [
    # a bind mount serves the folder: fixer does not follow it, and the file it guesses is
    # the named module's own
    pytest.param("app.main:app", True, id="guess-is-the-named-module"),
    # the command names a module the folder does not hold: the guess is another file
    pytest.param("src.app.main:app", False, id="guess-is-another-file"),
])
def test_h001_a_guessed_module_serves_only_when_the_command_names_it(
        target: str, fixed_by_h001: bool) -> None:
    files = service({"svc/app/main.py": APP + "app = FastAPI()\n"},
                    compose_extra="    volumes:\n      - ./svc:/srv\n"
                                  f"    command: uvicorn {target} --port 8000\n")
    files["svc/Dockerfile"] = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\n" \
                              'CMD ["uvicorn", "x:y"]\n'
    files["svc/requirements.txt"] = "fastapi\nuvicorn\n"
    found = check(files, select="H001")
    assert [f.fixable for f in found] == ([True] if fixed_by_h001 else [])


def test_h001_route_quotes_follow_the_route_decorators() -> None:
    """Single quotes in a config dict outnumber the routes' double quotes: the routes say
    how a route looks here."""
    main = (APP + "CONFIG = {'a': 'b', 'c': 'd', 'e': 'f'}\napp = FastAPI()\n\n\n"
            '@app.post("/setup")\ndef setup():\n    return {"done": True}\n')
    added = fixed(service({"svc/app/main.py": main})).decode()
    assert '@app.get("/health")' in added and 'return {"status": "ok"}' in added


def test_h001_the_dict_follows_the_handlers_strings() -> None:
    """The routes write their paths in single quotes and return dicts in double quotes:
    the new route does each as they do."""
    main = (APP + "app = FastAPI()\n\n\n"
            "@app.get('/')\ndef index():\n    return {\"message\": \"Hello\"}\n")
    added = fixed(service({"svc/app/main.py": main})).decode()
    assert "@app.get('/health')" in added and 'return {"status": "ok"}' in added


AUTH_MIDDLEWARE = ("from starlette.middleware.base import BaseHTTPMiddleware\n"
                   "from starlette.responses import JSONResponse\n\n\n"
                   "class Guard(BaseHTTPMiddleware):\n"
                   "    async def dispatch(self, request, call_next):\n"
                   "        return JSONResponse({}, status_code=401)\n\n\n")


@pytest.mark.parametrize(("main", "files", "reason"), [
    pytest.param(APP + "from app.auth import mount\n\napp = FastAPI()\nmount(app)\n",
                 {"svc/app/auth.py": AUTH_MIDDLEWARE + "def mount(app):\n"
                                                      "    app.add_middleware(Guard)\n"},
                 "the middleware `Guard` (svc/app/auth.py:5) can answer 401 before any route",
                 id="helper-of-the-repo"),
    pytest.param(APP + "from app import auth\n\napp = FastAPI()\nauth.mount(app)\n",
                 {"svc/app/auth.py": AUTH_MIDDLEWARE + "def mount(app):\n"
                                                      "    app.add_middleware(Guard)\n"},
                 "the middleware `Guard` (svc/app/auth.py:5) can answer 401 before any route",
                 id="function-of-an-imported-module"),
    pytest.param(APP + "from platform_kit import setup_auth\n\napp = FastAPI()\n"
                 "setup_auth(app)\n", {},
                 "`setup_auth(app)`, which fixer does not read, may add middleware",
                 id="installed-auth-helper"),
])
def test_h001_unsafe_when_a_helper_may_add_middleware(main: str, files: dict[str, str],
                                                     reason: str) -> None:
    """A helper the app is passed to may mount an auth middleware that answers 401 before
    any route: the added `/health` would refuse the probe, and C004's healthcheck with it."""
    repo = service({"svc/app/main.py": main, **files})
    [finding] = check(repo, select="H001")
    assert not finding.fixable or finding.safety.value == "unsafe"
    assert reason in (finding.reason or ""), finding.reason
    assert fix(repo, select="H001").diff == ""


def test_h001_stands_back_beside_a_health_like_path_a_helper_may_serve() -> None:
    """`route.include_routers(app)` includes a router fixer does not follow, whose prefix
    reads as a health route: a second `/health` beside it is the author's call."""
    main = APP + "from app import route\n\napp = FastAPI()\nroute.include_routers(app)\n"
    route = ("from app import status\n\nROUTERS = [status.router]\n\n\n"
             "def include_routers(app):\n    for router in ROUTERS:\n"
             "        app.include_router(router)\n")
    status = ('from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/healthcheck")\n\n\n'
              '@router.get("/")\ndef check():\n    return {"status": "ok"}\n')
    repo = service({"svc/app/main.py": main, "svc/app/route.py": route,
                    "svc/app/status.py": status})
    [finding] = check(repo, select="H001")
    assert not finding.fixable or finding.safety.value == "unsafe"
    assert "`/healthcheck`, which reads as a health route" in (finding.reason or "")
    assert fix(repo, select="H001").diff == ""


def test_h001_names_a_health_prefix_as_a_prefix() -> None:
    """A router fixer does not follow has `prefix="/health"`: its routes are `/health/...`,
    so the code names no `/health` route, and the reason says the literal is a prefix."""
    main = APP + "from app import route\n\napp = FastAPI()\nroute.include_routers(app)\n"
    route = ("from app import probes\n\nROUTERS = [probes.router]\n\n\n"
             "def include_routers(app):\n    for router in ROUTERS:\n"
             "        app.include_router(router)\n")
    probes = ('from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/health")\n\n\n'
              '@router.get("/live")\ndef live():\n    return {"status": "ok"}\n')
    repo = service({"svc/app/main.py": main, "svc/app/route.py": route,
                    "svc/app/probes.py": probes})
    [finding] = check(repo, select="H001")
    assert "`/health` as a router's prefix, which reads" in (finding.reason or ""), finding
    assert fix(repo, select="H001").diff == ""


ROUTERS = {"svc/app/health.py": 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n'
                                '@router.get("/health")\ndef health():\n    return {}\n',
           "svc/app/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n"}


@pytest.mark.parametrize(("loop", "served"), [
    pytest.param("for module in [items, health]:\n    app.include_router(module.router)\n",
                 True, id="list-of-modules"),
    pytest.param("for router, prefix in ((items.router, '/v1'), (health.router, '')):\n"
                 "    app.include_router(router, prefix=prefix)\n", True,
                 id="tuples-of-router-and-prefix"),
    pytest.param("for router, prefix in ((items.router, '/v1'), (health.router, '/v1')):\n"
                 "    app.include_router(router, prefix=prefix)\n", True,
                 id="prefix-ending-in-health"),
    pytest.param("for module in [items, *EXTRA]:\n    app.include_router(module.router)\n",
                 False, id="starred-item"),
    pytest.param("for module in (items, health):\n    if module.router.routes:\n"
                 "        app.include_router(module.router)\n", False, id="body-with-a-branch"),
    pytest.param("for module in modules():\n    app.include_router(module.router)\n", False,
                 id="loop-over-a-call"),
])
def test_h001_follows_routers_included_in_a_loop_over_a_literal(loop: str, served: bool) -> None:
    """A loop over a literal tuple or list that only includes routers runs each include
    once per item: followed as written out, C004 probes the route it serves. Any other loop
    leaves its routes unknown: `/health` is only a literal of its code (unsafe)."""
    main = (APP + "from app import health, items\nfrom app.extra import EXTRA, modules\n\n"
            "app = FastAPI()\n\n" + loop)
    repo = service({"svc/app/main.py": main, **ROUTERS,
                    "svc/app/extra.py": "EXTRA = []\n\n\ndef modules() -> list[object]:\n"
                                        "    return []\n"})
    assert check(repo, select="H001") == []
    [finding] = check(repo, select="C004")
    assert ("not a route fixer sees it serve" in (finding.reason or "")) is not served, finding


@pytest.mark.parametrize(("block", "served"), [
    pytest.param("if DEBUG:\n    @app.get('/health')\n    def health():\n        return {}\n",
                 False, id="if"),
    pytest.param("if DEBUG:\n    pass\nelse:\n    app.include_router(router)\n", False,
                 id="include-in-an-else"),
    pytest.param("try:\n    app.get('/health')(health)\nexcept ValueError:\n    pass\n",
                 False, id="try-body"),
    pytest.param("try:\n    pass\nfinally:\n    app.include_router(router)\n", True,
                 id="finally"),
    pytest.param("if True:\n    app.include_router(router)\n", True, id="constant-test"),
    pytest.param("with open(__file__):\n    app.include_router(router)\n", True, id="with"),
])
def test_h001_a_route_added_under_a_condition_is_unsure(block: str, served: bool) -> None:
    """A route registered on some runs only (`if DEBUG:`) is no health route fixer may count
    or probe; one in a block that always runs (`finally`, `with`, `if True:`) is served."""
    main = (APP + "import os\n\nDEBUG = os.getenv('DEBUG') == '1'\nrouter = APIRouter()\n\n\n"
            "@router.get('/health')\ndef health():\n    return {}\n\n\napp = FastAPI()\n"
            + block)
    findings = check(service({"svc/app/main.py": main}), select="H001")
    assert (findings == []) is served, findings
    if not served:
        [finding] = findings
        assert finding.safety.value == "unsafe", finding
        assert "under a condition fixer cannot settle (svc/app/main.py:" in (finding.reason or "")


def test_h001_a_route_in_the_block_that_creates_the_app_is_served() -> None:
    """Routes added in the `if __name__ == "__main__":` block that creates the app run
    whenever the app exists."""
    main = (APP + "import uvicorn\n\nif __name__ == '__main__':\n    app = FastAPI()\n\n"
            "    @app.get('/health')\n    def health():\n        return {}\n\n"
            "    uvicorn.run(app)\n")
    repo = service({"svc/app/main.py": main}, target="app.main:app")
    assert check(repo, select="H001") == []


def test_h001_a_helper_that_adds_no_middleware_keeps_the_fix_safe() -> None:
    main = APP + "from app.pages import add_pages\n\napp = FastAPI()\nadd_pages(app)\n"
    pages = "def add_pages(app):\n    app.title = 'svc'\n"
    [finding] = check(service({"svc/app/main.py": main, "svc/app/pages.py": pages}),
                      select="H001")
    assert finding.safety.value == "safe", finding.reason


@pytest.mark.parametrize(("body", "fixable"), [
    pytest.param("if DIST.exists():\n    app.mount('/', StaticFiles(directory=DIST, html=True))\n"
                 "else:\n    @app.get('/')\n    def index():\n        return {}\n", False,
                 id="catch-all-mount-inside-a-block"),
    pytest.param("@app.get('/items')\ndef items():\n    return []\n\n\n"
                 "app.mount('/', StaticFiles(directory=DIST, html=True))\n", True,
                 id="mount-after-the-routes"),
])
def test_h001_a_route_a_catch_all_mount_would_answer_first_is_not_added(body: str,
                                                                        fixable: bool) -> None:
    """Starlette matches in order: a `/health` added after `app.mount("/", ...)` is never
    reached (404 from the static files)."""
    main = (APP + "from pathlib import Path\n\nfrom fastapi.staticfiles import StaticFiles\n\n"
            "DIST = Path('dist')\napp = FastAPI()\n\n\n" + body)
    [finding] = check(service({"svc/app/main.py": main}), select="H001")
    assert (finding.safety.value == "safe") is fixable, finding.reason


@pytest.mark.parametrize(("main", "files", "named"), [
    pytest.param(APP + "import uvicorn\n\napp = FastAPI()\n\nif __name__ == '__main__':\n"
                 "    uvicorn.run(app, host='0.0.0.0')\n", {}, None, id="uvicorn-run"),
    pytest.param(APP + "from uvicorn import run\n\napp = FastAPI()\nrun(app)\n", {}, None,
                 id="run-imported-from-uvicorn"),
    pytest.param(APP + "from app.setup import configure_logging\n\napp = FastAPI()\n"
                 "configure_logging(app)\n",
                 {"svc/app/setup.py": "import logging\n\n\ndef configure_logging(app):\n"
                                      "    app.state.log = logging.getLogger('api')\n"},
                 None, id="helper-that-adds-no-route"),
    pytest.param(APP + "from app.setup import configure, register_routers\n\napp = FastAPI()\n"
                 "configure(app)\nregister_routers(app)\n",
                 {"svc/app/setup.py": "from plugins import routers\n\n\n"
                                      "def configure(app):\n    app.state.ready = True\n\n\n"
                                      "def register_routers(app):\n"
                                      "    for router in routers():\n"
                                      "        app.include_router(router)\n"},
                 "`register_routers(app)` may add routes", id="the-helper-that-adds-routes"),
    pytest.param(APP + "from app.setup import setup\n\napp = FastAPI()\nsetup(app)\n",
                 {"svc/app/setup.py": "from plugins import register\n\n\n"
                                      "def setup(app):\n    register(app)\n"},
                 "`setup(app)` may add routes", id="helper-that-hands-the-app-on"),
])
def test_h001_names_only_a_call_that_may_add_routes(main: str, files: dict[str, str],
                                                    named: str | None) -> None:
    """Serving the app (`uvicorn.run(app)`) or a helper of the repository that touches no
    route adds none: only a call that may add routes makes them unknown, and is named."""
    repo = service({"svc/app/main.py": main, **files})
    [finding] = check(repo, select="H001")
    if named is None:
        assert "may add routes" not in finding.message + (finding.reason or "")
        assert finding.fixable and finding.safety.value == "safe"
    else:
        assert named in finding.message, finding.message


@pytest.mark.parametrize(("exempt", "fixable", "named"), [
    pytest.param("request.url.path == '/health'", True, "", id="equals-the-added-path"),
    pytest.param("request.url.path in ['/health', '/metrics']", True, "", id="in-a-list"),
    pytest.param("request.url.path.startswith('/health')", True, "", id="prefix"),
    pytest.param("request.url.path == '/healthz'", False, "", id="another-health-path"),
    pytest.param("request.url.path in OPEN", True, "OPEN = frozenset(['/health', '/docs'])\n",
                 id="in-a-module-constant"),
    pytest.param("request.url.path in self.OPEN", True, "    OPEN = ('/health',)\n",
                 id="in-a-class-attribute"),
    pytest.param("request.url.path in OPEN", False, "OPEN = ['/docs']\n",
                 id="constant-without-the-health-path"),
    pytest.param("re.match(r'^/health$', request.url.path)", True, "import re\n",
                 id="a-regular-expression"),
    pytest.param("any(p.match(request.url.path) for p in PUBLIC)", True,
                 "import re\nPUBLIC = [re.compile(r'^/docs'), re.compile(r'^/health$')]\n",
                 id="any-compiled-pattern-of-a-constant"),
    pytest.param("any(p.match(request.url.path) for p in PUBLIC)", False,
                 "import re\nPUBLIC = [re.compile(r'^/docs')]\n",
                 id="patterns-without-the-health-path"),
])
def test_h001_a_middleware_that_lets_the_health_path_through_refuses_no_probe(
        exempt: str, fixable: bool, named: str) -> None:
    """A key check that returns `call_next` first for the health path answers the probe:
    the route H001 adds there, and C004's probe of it, are safe. One that exempts another
    path keeps the doubt. The paths may be a collection the module or the class names."""
    guard = DISPATCH.replace("request.url.path.startswith(('/login', '/docs'))", exempt)
    if named.startswith("    "):   # a class attribute
        guard = guard.replace("    async def dispatch", named + "\n    async def dispatch")
    else:
        guard = named + guard
    files = service({"svc/app/main.py": CLASS_APP.format(imports="from app.guard import Key\n",
                                                           added="Key"),
                     "svc/app/guard.py": guard.format(name="Key", base="BaseHTTPMiddleware",
                                                      refusal=REFUSAL)})
    [finding] = check(files, select="H001")
    assert finding.fixable is fixable and (not fixable or finding.safety.value == "safe")
    [probe] = check(files, select="C004")
    assert probe.fixable is fixable, probe.reason


PREDICATE_GUARD = """\
import re

from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

PUBLIC = [re.compile(r"^/health$")]


class Key(BaseHTTPMiddleware):
    def _is_public(self, path: str) -> bool:
        \"\"\"Whether the path needs no key.\"\"\"
        return any(pattern.match(path) for pattern in PUBLIC)

    async def dispatch(self, request, call_next):
        path = request.url.path
        is_public = self._is_public(path)
{between}        if is_public:
            return await call_next(request)
        if not request.headers.get("Authorization"):
            return JSONResponse({{"detail": "no"}}, status_code=401)
        return await call_next(request)
"""


@pytest.mark.parametrize(("between", "fixable"), [
    pytest.param("", True, id="a-predicate-of-the-class-bound-to-a-name"),
    # bound again in a block: what the name holds there is not known
    pytest.param("        if request.headers.get('X-Strict'):\n            is_public = False\n",
                 False, id="the-name-bound-again-in-a-block"),
])
def test_h001_a_middleware_that_asks_a_predicate_of_its_own(between: str,
                                                            fixable: bool) -> None:
    """`is_public = self._is_public(path)`, then `if is_public: return await call_next(...)`:
    the one-line predicate matches /health against the module's patterns, so a probe of
    the route H001 adds passes; a name bound again in a block before its test is not read."""
    files = service({"svc/app/main.py": CLASS_APP.format(imports="from app.guard import Key\n",
                                                           added="Key"),
                     "svc/app/guard.py": PREDICATE_GUARD.format(between=between)})
    [finding] = check(files, select="H001")
    assert finding.fixable is fixable and (not fixable or finding.safety.value == "safe"), \
        finding.reason


def test_h001_quotes_the_call_that_may_add_routes_as_written() -> None:
    """The app handed to an installed package's function beside another argument: the
    message shows the call with both, not `setup_thing(app)`, and says whose code names no
    health path (the service's: the package's is not in the repository)."""
    main = ("from fastapi import FastAPI\nfrom somelib.integrations import setup_thing\n\n\n"
            "def create_app() -> FastAPI:\n    container = object()\n    app = FastAPI()\n"
            "    setup_thing(container, app)\n    return app\n\n\napp = create_app()\n")
    files: dict[str, str | bytes] = {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n",
        "api/Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n'
                          'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
        "api/requirements.txt": "fastapi\nuvicorn\nsomelib\n", "api/main.py": main}
    [finding] = check(files, select="H001")
    assert "(`setup_thing(container, app)` may add routes; the service's code names no " \
           "/health path)" in finding.message, finding.message


def test_the_fix_names_every_service_that_runs_the_app() -> None:
    """One route serves both services that run the app: the fix's title, a commit's
    subject, names them both, not only the first."""
    compose = ('services:\n  api:\n    build: ./svc\n    ports:\n      - "8000:8000"\n'
               "  admin:\n    build: ./svc\n    command: uvicorn app.main:app --host 0.0.0.0 "
               '--port 8001\n    ports:\n      - "8001:8001"\n')
    files = {"compose.yaml": compose, "svc/requirements.txt": "fastapi\nuvicorn\n",
             "svc/Dockerfile": ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r "
                                "requirements.txt\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\","
                                " \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n"),
             "svc/app/__init__.py": "",
             "svc/app/main.py": ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                                 '@app.get("/items")\ndef items():\n    return []\n')}
    [found] = check(files, select="H001")
    assert found.fix_title == "Add a GET /health route to the app that api and admin run"
    [alone] = check({**files, "compose.yaml": compose.split("  admin:")[0]}, select="H001")
    assert alone.fix_title == "Add a GET /health route"
    # one name in two stacks (a dev file beside the base) is one service, named once
    [twice] = check({**files, "compose.yaml": compose.split("  admin:")[0],
                     "compose.dev.yml": compose.split("  admin:")[0]}, select="H001")
    assert twice.fix_title == "Add a GET /health route", twice.fix_title


def test_a_router_in_a_module_fixer_cannot_parse_says_where() -> None:
    """The router's module does not parse for fixer (here for no Python at all; in the
    repository that taught it, `type X = ...` on a Python older than 3.12): the message
    names the file and line, not only that the router could not be followed."""
    files = {"compose.yaml": ('services:\n  api:\n    build: ./svc\n    ports:\n'
                              '      - "8000:8000"\n'),
             "svc/requirements.txt": "fastapi\nuvicorn\n",
             "svc/Dockerfile": ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r "
                                "requirements.txt\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\","
                                " \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n"),
             "svc/app/__init__.py": "", "svc/app/routers/__init__.py": "",
             "svc/app/routers/auth.py": ("from fastapi import APIRouter\n\nrouter = APIRouter()\n"
                                         "def token( -> str:\n    return 'x'\n"),
             "svc/app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import auth\n\n"
                                 "app = FastAPI()\napp.include_router(auth.router)\n")}
    found = [f for f in check(files, select="H001")]
    assert len(found) == 1, found
    assert "the router `auth.router` could not be followed: fixer's Python " in found[0].message
    assert "cannot read svc/app/routers/auth.py:4 (SyntaxError" in found[0].message


@pytest.mark.parametrize(("module", "said"), [
    pytest.param("from fastapi import APIRouter\n\nrouter = APIRouter()\n<<<<<<< HEAD\n"
                 "X = 1\n=======\nX = 2\n>>>>>>> feature\n",
                 "svc/app/routers/auth.py:4 does not compile (a merge-conflict marker "
                 "`<<<<<<< HEAD`)", id="conflict-marker"),
    pytest.param("from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
                 "def token() -> str:\n\n",
                 "svc/app/routers/auth.py:7 does not compile (IndentationError",
                 id="indentation"),
])
def test_a_router_module_no_python_reads_is_not_blamed_on_fixers_python(module: str,
                                                                        said: str) -> None:
    """A merge conflict or a missing block is no newer syntax: no Python reads the file."""
    files = {"compose.yaml": 'services:\n  api:\n    build: ./svc\n',
             "svc/requirements.txt": "fastapi\nuvicorn\n",
             "svc/Dockerfile": ("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r "
                                "requirements.txt\nCMD [\"uvicorn\", \"app.main:app\", "
                                "\"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n"),
             "svc/app/__init__.py": "", "svc/app/routers/__init__.py": "",
             "svc/app/routers/auth.py": module,
             "svc/app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import auth\n\n"
                                 "app = FastAPI()\napp.include_router(auth.router)\n")}
    [found] = check(files, select="H001")
    assert said in found.message and "fixer's Python" not in found.message, found.message


def test_a_helper_that_only_registers_middleware_adds_no_routes() -> None:
    """`setup_logging(app)` registers an `@app.middleware("http")` function that reads a
    context variable (`request_id.get()`, no route's `get`): it is said to add no routes,
    and its 500 placeholder, replaced by `call_next`'s answer, refuses no probe."""
    case = GOLDEN / "H001-missing-health-endpoint" / \
        "helper-middleware-replaces-a-500-placeholder" / "before"
    [finding] = check(read_folder(case), select="H001")
    assert finding.message == "the app `app` in api/app/main.py serves no health route " \
        "(GET /health)", finding.message
    assert finding.safety.value == "safe" and finding.fixable


@pytest.mark.parametrize(("root", "like"), [
    ('@app.get("/", tags=["Health"])\ndef root():\n    return {}\n', True),
    ('@app.get("/", summary="Health Check")\ndef root():\n    return {}\n', True),
    ('@app.get("/")\ndef root():\n    """Health check endpoint"""\n    return {}\n', True),
    ('@app.get("/", tags=["patients"])\ndef root():\n    """Patient health records."""\n'
     '    return {}\n', False)])
def test_h001_a_route_tagged_or_described_as_the_health_check_reads_as_one(
        root: str, like: bool) -> None:
    """`GET /` tagged `Health`, summed up or documented as the health check reads as the
    health route: H001 adds no second one beside it, and counts it once probed."""
    [finding] = check(service({"svc/app/main.py": APP + "app = FastAPI()\n\n\n" + root}),
                      select="H001")
    assert ("it serves GET /, which looks like one" in finding.message) == like, finding
    assert (finding.safety.value == "safe") != like, finding


@pytest.mark.parametrize(("config", "required"), [
    pytest.param('[tool.mypy]\ndisallow_untyped_defs = true\n', True, id="the-flag"),
    pytest.param('[tool.mypy]\nstrict = true\ndisable_error_code = ["no-untyped-def"]\n',
                 False, id="its-error-code-turned-off"),
    pytest.param('[tool.mypy]\nstrict = true\ndisable_error_code = ["type-arg"]\n', True,
                 id="another-code-turned-off"),
])
def test_mypy_requires_annotations_unless_their_error_code_is_off(config: str,
                                                                  required: bool) -> None:
    """`disallow_untyped_defs` errors carry the code `no-untyped-def`: a configuration that
    turns that code off accepts an unannotated route."""
    files = {"pyproject.toml": TextFile("pyproject.toml", config)}
    assert annotations_required(files.get, "svc") is required
