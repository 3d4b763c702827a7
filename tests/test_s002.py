"""S002 missing-package-init: the package the command imports gets an empty `__init__.py`."""

from __future__ import annotations

import pytest

from kit import FixOutcome, check, fix

COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
# `python -m app.main`: the module starts the server itself
SCRIPT = ("import uvicorn\n" + APP + '\n\nif __name__ == "__main__":\n'
          '    uvicorn.run(app, host="0.0.0.0", port=8000)\n')


def service(files: dict[str, str], cmd: str) -> dict[str, str]:
    return {"docker-compose.yml": COMPOSE,
            "svc/Dockerfile": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{cmd}\n", **files}


def fixed(files: dict[str, str] | dict[str, bytes]) -> FixOutcome:
    return fix(files, select="S002")


@pytest.mark.parametrize(("cmd", "module", "marker"), [
    pytest.param('CMD ["uvicorn", "app.main:app"]', "svc/app/main.py", "svc/app/__init__.py",
                 id="uvicorn"),
    pytest.param('CMD ["python", "-m", "app.main"]', "svc/app/main.py", "svc/app/__init__.py",
                 id="python-m"),
    pytest.param('CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "api.v1.server:app"]',
                 "svc/api/v1/server.py", "svc/api/v1/__init__.py", id="gunicorn-deep-module"),
    pytest.param("CMD uvicorn src.main:app --port 8000", "svc/src/main.py",
                 "svc/src/__init__.py", id="shell-form"),
])
def test_s002_fixes(cmd: str, module: str, marker: str) -> None:
    outcome = fixed(service({module: SCRIPT if '"python"' in cmd else APP}, cmd))
    assert outcome.clean and outcome.applied
    assert outcome.files == {marker: ""}
    assert outcome.tree[marker] == b""


@pytest.mark.parametrize(("cmd", "files"), [
    pytest.param('CMD ["uvicorn", "main:app"]', {"svc/main.py": APP}, id="top-level-module"),
    pytest.param('CMD ["uvicorn", "app.main:app"]',
                 {"svc/app/main.py": APP, "svc/app/__init__.py": ""}, id="marked"),
    pytest.param('CMD ["python", "app/main.py"]', {"svc/app/main.py": SCRIPT}, id="script"),
    pytest.param('CMD ["fastapi", "run", "app/main.py"]', {"svc/app/main.py": APP},
                 id="fastapi-file"),
    pytest.param("", {"svc/app/main.py": APP}, id="no-command-guessed-module"),
])
def test_s002_noop(cmd: str, files: dict[str, str]) -> None:
    outcome = fixed(service(files, cmd))
    assert (outcome.files, outcome.applied, outcome.clean) == ({}, [], True)


def test_s002_seed_fleet_only_notification_service(seed_fleet: dict[str, bytes],
                                                    seed_fleet_fixed: FixOutcome) -> None:
    assert [(f.service, f.path) for f in check(seed_fleet, select="S002")] == [
        ("notification_service", "notification_service/app/main.py")]
    created = [path for path in seed_fleet_fixed.files if path.endswith("__init__.py")]
    assert created == ["notification_service/app/__init__.py"]
    assert seed_fleet_fixed.files[created[0]] == ""
    assert check(seed_fleet_fixed.tree, select="S002") == []


@pytest.mark.parametrize("call", [
    pytest.param('importlib.import_module("acme.money")', id="import-module"),
    pytest.param("import_module('acme.money.units')", id="import-module-imported"),
    pytest.param('__import__("acme.money", fromlist=["cents"])', id="dunder-import"),
])
def test_s002_display_only_where_a_string_names_a_module_of_the_namespace(call: str) -> None:
    """The module a string names is imported too: `acme.money` from an installed
    distribution that shares `acme`, which an `__init__.py` in svc/acme/ would hide."""
    files = service({"svc/acme/main.py": APP,
                     "svc/acme/prices.py": f"import importlib\nmoney = {call}\n"},
                    'CMD ["uvicorn", "acme.main:app"]')
    [finding] = check(files, select="S002")
    assert finding.fixable is False, finding
    assert "svc/acme/prices.py imports `acme.money`" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("dockerfile", "why"), [
    pytest.param("COPY libs/core /opt/core\nENV PYTHONPATH=/opt/core\n",
                 ": the repository's libs/core/app/ shares the `app` namespace (the container "
                 "has it at /opt/core/app/, on PYTHONPATH), and an `__init__.py` would hide it",
                 id="copied-onto-pythonpath"),
    # the library is in the repository but not where the container imports from: no folder
    # is named, and the reason does not pretend that a distribution provides the module
    pytest.param("COPY libs/core /opt/core\n",
                 ", nor any folder fixer sees on the image's import path: unless an installed "
                 "distribution shares the `app` namespace (an `__init__.py` would hide it), "
                 "that import fails", id="not-on-the-path"),
])
def test_s002_names_the_repositorys_folder_that_shares_the_namespace(dockerfile: str,
                                                                      why: str) -> None:
    """A monorepo's library merged into the service's `app` namespace through PYTHONPATH:
    the reason names it, not a distribution that may not exist."""
    files = {"docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n"
                                   "      dockerfile: services/api/Dockerfile\n",
             "services/api/Dockerfile": "FROM python:3.12-slim\n" + dockerfile +
             "WORKDIR /srv\nCOPY services/api/app ./app\n"
             'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
             "services/api/requirements.txt": "fastapi\nuvicorn\n",
             "services/api/app/main.py": "from app.common.db import connect\n" + APP,
             "libs/core/app/common/db.py": "def connect() -> str:\n    return 'db'\n"}
    [finding] = check(files, select="S002")
    assert finding.fixable is False, finding
    assert finding.reason == ("services/api/app/main.py imports `app.common`, which "
                              f"services/api/app/ does not hold{why}")


@pytest.mark.parametrize(("run", "found"), [
    pytest.param("RUN test -f /app/api_service/__init__.py || touch /app/api_service/__init__.py",
                 [], id="absolute"),
    pytest.param("RUN touch api_service/__init__.py", [], id="relative-to-the-workdir"),
    pytest.param("RUN touch /app/other/__init__.py", ["S002"], id="another-package"),
])
def test_s002_none_where_the_image_build_writes_the_init(run: str, found: list[str]) -> None:
    """`COPY app ./api_service` then a `RUN` that writes its `__init__.py`: the image holds
    a regular package, whatever the repository's folder lacks."""
    files = {"docker-compose.yml": COMPOSE, "svc/app/main.py": APP,
             "svc/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY app ./api_service\n"
                               f"{run}\n"
                               'CMD ["uvicorn", "api_service.main:app", "--host", "0.0.0.0"]\n'}
    assert [f.code for f in check(files, select="S002")] == found
