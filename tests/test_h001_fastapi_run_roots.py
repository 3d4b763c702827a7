"""A false positive of H001 on a maintained FastAPI template, and what it showed.

`fastapi run app/api/main.py` imports `api.main` with app/ on sys.path (app/ has no
`__init__.py`), and its `from app.api.router import api_router` works because the image sets
`ENV PYTHONPATH=/code`: the modules the image holds on PYTHONPATH are found after the import
root, whatever the command. Where a router still cannot be followed, a health route fixer reads
under a router's `/health` prefix counts; and slowapi's middleware limits every route only with
a limiter's default or application limits.
"""

from __future__ import annotations

import pytest

from fixer.facts.health.healthroute import Source, plan
from fixer.model import appmodule
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from kit import check, fix, tree

MAIN = ('import uvicorn\nfrom fastapi import FastAPI\n\nfrom app.api.router import api_router\n\n'
        'app = FastAPI()\napp.include_router(api_router, prefix="/api/v1")\n\n'
        'if __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n')
ROUTER = ('from fastapi import APIRouter\n\nfrom app.api.health import router as health_router\n\n'
          'api_router = APIRouter()\napi_router.include_router(health_router, prefix="/health")\n')
HEALTH = ('from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/")\n'
          'def health():\n    return {"status": "ok"}\n')
PROBE = ('    healthcheck:\n      test: ["CMD", "python", "-c", "import urllib.request; '
         "urllib.request.urlopen('http://localhost:8000/api/v1/health/')\"]\n")
FASTAPI_RUN = '["fastapi", "run", "app/api/main.py", "--port", "8000"]'


def template(cmd: str = FASTAPI_RUN, workdir: str = "/code", copy: str = "COPY app ./app",
             env: str = "ENV PYTHONPATH=/code\n", compose: str = "",
             files: dict[str, str] | None = None) -> dict[str, str]:
    """The template's service in svc/: its app/ folder holds no `__init__.py`."""
    dockerfile = (f"FROM python:3.12-slim\n{env}WORKDIR {workdir}\nCOPY requirements.txt .\n"
                  f"RUN pip install -r requirements.txt\n{copy}\nEXPOSE 8000\nCMD {cmd}\n")
    return {"docker-compose.yml": ("services:\n  api:\n    build: ./svc\n    ports:\n"
                                   f'      - "8000:8000"\n{compose}{PROBE}'),
            "svc/Dockerfile": dockerfile, "svc/requirements.txt": "fastapi[standard]\n",
            "svc/app/api/__init__.py": "", "svc/app/api/main.py": MAIN,
            "svc/app/api/router.py": ROUTER, "svc/app/api/health.py": HEALTH, **(files or {})}


def service_of(files: dict[str, str]) -> tuple[Workspace, BuiltService]:
    ws = Workspace.load(tree(files))
    [api] = list(ws.apps())
    assert isinstance(api, BuiltService)
    return ws, api


@pytest.mark.parametrize(("cmd", "workdir", "copy"), [
    pytest.param(FASTAPI_RUN, "/code", "COPY app ./app", id="fastapi-run"),
    pytest.param('["uvicorn", "main:app", "--app-dir", "app/api", "--port", "8000"]', "/code",
                 "COPY app ./app", id="uvicorn-app-dir"),
    pytest.param('["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "--chdir", "app/api", '
                 '"-b", "0.0.0.0:8000", "main:app"]', "/code", "COPY app ./app",
                 id="gunicorn-chdir"),
    pytest.param('["python", "-m", "api.main"]', "/code/app", "COPY app /code/app",
                 id="python-m"),
    pytest.param('["python", "app/api/main.py"]', "/code", "COPY app ./app", id="python-script"),
])
def test_the_router_is_followed_through_the_image_pythonpath(cmd: str, workdir: str,
                                                             copy: str) -> None:
    """Every command form puts PYTHONPATH on sys.path: `app.api.router` is the repository's
    svc/app/api/router.py, and the app serves the route the healthcheck probes."""
    files = template(cmd, workdir, copy)
    ws, api = service_of(files)
    module = appmodule.find(ws, api)
    assert module is not None and module.python_path == (("app", "svc"),), module
    health = plan(ws, api)
    assert (health.source, health.path) == (Source.SERVED, "/api/v1/health/"), health
    assert check(files, select="H001") == []


def test_compose_environment_and_a_relative_entry_count_too() -> None:
    """Compose's `environment` sets the container's PYTHONPATH too; `.` is the working
    directory the server starts in."""
    files = template(env="", compose="    environment:\n      PYTHONPATH: .\n")
    ws, api = service_of(files)
    assert plan(ws, api).source is Source.SERVED
    assert check(files, select="H001") == []


@pytest.mark.parametrize(("env", "copy", "files"), [
    pytest.param("ENV PYTHONPATH=/opt/lib\n", "COPY app ./app", {}, id="entry-no-copy-fills"),
    pytest.param("", "COPY app ./app", {}, id="no-pythonpath"),
    pytest.param("ENV PYTHONPATH=/code\n", "COPY app ./app\nCOPY extra/app/api ./app/api",
                 {"svc/extra/app/api/router.py": ROUTER}, id="package-from-two-folders"),
])
def test_an_entry_fixer_cannot_map_is_no_root(env: str, copy: str,
                                              files: dict[str, str]) -> None:
    """Only what the COPYs put on PYTHONPATH counts, under its own name and from one folder:
    elsewhere fixer does not guess, and the router stays unfollowed."""
    repo = template(env=env, copy=copy, files=files)
    ws, api = service_of(repo)
    module = appmodule.find(ws, api)
    assert module is not None and module.python_path == (), module
    [finding] = check(repo, select="H001")
    assert "the router `api_router` could not be followed" in finding.message, finding.message


def test_a_copy_under_another_name_is_no_root() -> None:
    """`COPY app ./src` holds no `app` on PYTHONPATH: `from app.api.router` fails in the image,
    and the repository's app/ is not what it would import."""
    repo = template(cmd='["fastapi", "run", "src/api/main.py", "--port", "8000"]',
                    copy="COPY app ./src")
    ws, api = service_of(repo)
    module = appmodule.find(ws, api)
    assert module is not None and module.python_path == (), module
    assert len(check(repo, select="H001")) == 1


def test_a_module_imported_through_pythonpath_runs_in_its_package() -> None:
    """`uvicorn main:app` from /code/app with PYTHONPATH=/code imports app/routers/items.py as
    `app.routers.items`: its `from ..db import get_db` resolves there, and I001 says nothing
    (seen from the import root app/ it would climb above `routers`)."""
    repo = {"docker-compose.yml": "services:\n  api:\n    build: ./svc\n",
            "svc/Dockerfile": ('FROM python:3.12-slim\nENV PYTHONPATH=/code\nWORKDIR /code/app\n'
                               'COPY app /code/app\nCMD ["uvicorn", "main:app", "--port", '
                               '"8000"]\n'),
            "svc/app/__init__.py": "", "svc/app/db.py": "def get_db():\n    return None\n",
            "svc/app/main.py": ("from fastapi import FastAPI\n\nfrom app.routers import items\n"
                                "\napp = FastAPI()\napp.include_router(items.router)\n"),
            "svc/app/routers/__init__.py": "",
            "svc/app/routers/items.py": ('from fastapi import APIRouter\n\nfrom ..db import '
                                         'get_db\n\nrouter = APIRouter()\n')}
    ws, api = service_of(repo)
    module = appmodule.find(ws, api)
    assert module is not None
    assert appmodule.import_packages(ws, module)["svc/app/routers/items.py"] == "app.routers"
    assert check(repo, select="I001") == []


def test_pythonpath_reaches_nothing_outside_the_build_context() -> None:
    """An entry names a folder the image does not hold (`shared/` is beside the build
    context): it is no root, and I003 still reports the import of `shared`."""
    repo = {"docker-compose.yml": "services:\n  api:\n    build: ./svc\n",
            "svc/Dockerfile": ('FROM python:3.12-slim\nENV PYTHONPATH=/code:/code/shared\n'
                               'WORKDIR /code\nCOPY app ./app\nCMD ["uvicorn", "app.main:app", '
                               '"--port", "8000"]\n'),
            "svc/requirements.txt": "fastapi\n", "svc/app/__init__.py": "",
            "svc/app/main.py": ("from fastapi import FastAPI\n\nfrom shared.schemas import Order"
                                "\n\napp = FastAPI()\n"),
            "shared/__init__.py": "", "shared/schemas.py": "class Order:\n    pass\n"}
    ws, api = service_of(repo)
    module = appmodule.find(ws, api)
    assert module is not None and module.python_path == (), module
    [finding] = check(repo, select="I003")
    assert "`shared` is shared/" in finding.message, finding.message


REAL = {"svc/app/api/main.py": (
    "from fastapi import FastAPI\nfrom slowapi.middleware import SlowAPIMiddleware\n\n"
    "from app.api.router import api_router\nfrom app.core.cors import add_cors_middleware\n"
    "from app.core.limiter import limiter\n\n\ndef create_application() -> FastAPI:\n"
    "    application = FastAPI()\n    application.state.limiter = limiter\n"
    "    application.add_middleware(SlowAPIMiddleware)\n"
    "    add_cors_middleware(application, ['*'])\n"
    '    application.include_router(api_router, prefix="/api/v1")\n    return application\n\n\n'
    "app = create_application()\n"),
    "svc/app/core/__init__.py": "",
    "svc/app/core/cors.py": (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n\n"
        "def add_cors_middleware(application: FastAPI, origins: list[str]) -> None:\n"
        "    application.add_middleware(CORSMiddleware, allow_origins=origins)\n"),
    "svc/app/core/limiter.py": ("from slowapi import Limiter\nfrom slowapi.util import "
                                "get_remote_address\n\nlimiter = Limiter(key_func="
                                "get_remote_address)\n")}


def test_the_templates_factory_with_its_helpers_serves_the_probe() -> None:
    """As on the template: a factory hands the app to `add_cors_middleware` and includes the
    router, both imported through PYTHONPATH, and adds slowapi's middleware with a limiter
    that has no default limits. Fixer reads them all: no route may be unseen, and the probe's
    route is served."""
    files = template(files=REAL)
    ws, api = service_of(files)
    assert plan(ws, api).source is Source.SERVED
    assert check(files, select="H001") == []


@pytest.mark.parametrize(("include", "router", "served"), [
    pytest.param('api.include_router(health, prefix="/health")', HEALTH, "…/health/",
                 id="include-with-a-prefix"),
    pytest.param("api.include_router(health)", HEALTH.replace("APIRouter()", 'APIRouter('
                 'prefix="/health")').replace('get("/")', 'get("")'), "…/health",
                 id="router-created-with-a-prefix"),
])
def test_a_health_route_under_an_unread_routers_prefix_is_no_path_to_probe(
        include: str, router: str, served: str) -> None:
    """The app includes a router a function builds, which fixer does not follow; the
    router it includes under the prefix `/health` serves the prefix itself. The app has a
    health route (no H001), at a path whose front fixer cannot see: C004 probes none."""
    files = template(files={"svc/app/api/main.py": (
        "from fastapi import FastAPI\n\nfrom app.api.router import build_router\n\n"
        'app = FastAPI()\napp.include_router(build_router(), prefix="/api/v1")\n'),
        "svc/app/api/router.py": (
            "from fastapi import APIRouter\n\nfrom app.api.health import router as health\n\n\n"
            f"def build_router() -> APIRouter:\n    api = APIRouter()\n    {include}\n"
            "    return api\n"), "svc/app/api/health.py": router})
    files["docker-compose.yml"] = files["docker-compose.yml"].replace(PROBE, "")
    ws, api = service_of(files)
    health = plan(ws, api)
    assert health.source is Source.UNREADABLE and f"`{served}`" in health.why, health
    assert check(files, select="H001") == []
    [finding] = check(files, select="C004")
    assert "fixer cannot tell which path to probe" in (finding.reason or ""), finding.reason


LIMITED = {"svc/app/api/main.py": (
    "from fastapi import FastAPI\nfrom slowapi.middleware import SlowAPIMiddleware\n\n"
    "from app.core.limiter import limiter\n\napp = FastAPI()\napp.state.limiter = limiter\n"
    "app.add_middleware(SlowAPIMiddleware)\n"), "svc/app/core/__init__.py": ""}


@pytest.mark.parametrize(("limiter", "safe"), [
    pytest.param("Limiter(key_func=get_remote_address)", True, id="no-limits"),
    pytest.param("Limiter(key_func=get_remote_address, default_limits=[])", True,
                 id="empty-default-limits"),
    pytest.param('Limiter(key_func=get_remote_address, default_limits=["10/minute"])', False,
                 id="default-limits"),
    pytest.param('Limiter(key_func=get_remote_address, application_limits=["1000/hour"])',
                 False, id="application-limits"),
    pytest.param('Limiter(get_remote_address, ["10/minute"])', False, id="positional-limits"),
    pytest.param("Limiter(key_func=get_remote_address, **OPTIONS)", False, id="spread-keywords"),
    pytest.param('Limiter(key_func=get_remote_address, config_filename="limits.env")', False,
                 id="configuration-file"),
    pytest.param("make_limiter()", False, id="built-by-another-call"),
])
def test_slowapi_limits_the_health_route_only_with_limits_for_every_route(limiter: str,
                                                                          safe: bool) -> None:
    """The limiter `app.state.limiter` is given, imported from another module: without
    default or application limits, SlowAPIMiddleware limits only the routes decorated with
    `@limiter.limit`, so a new /health is not limited; with them, or where fixer cannot read
    them, it may be answered 429."""
    module = ("from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n"
              f"from app.core.options import OPTIONS, make_limiter\n\nlimiter = {limiter}\n")
    files = template(files={**LIMITED, "svc/app/core/limiter.py": module,
                               "svc/app/core/options.py": "OPTIONS = {}\n"})
    files["docker-compose.yml"] = files["docker-compose.yml"].replace(PROBE, "")
    [finding] = check(files, select="H001")
    assert finding.fixable is safe, finding
    assert ("to every route, the health route too" in (finding.reason or "")) is not safe
    outcome = fix(files, select="H001")
    assert ('@app.get("/health")' in outcome.diff) is safe, outcome.diff
