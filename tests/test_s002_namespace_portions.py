"""S002: a namespace package spread over several folders keeps its fix display-only, whether
the code builds the module's name at run time or another folder of that name is on the path."""

from __future__ import annotations

import pytest

from kit import check

COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
ROUTER = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"


def service(files: dict[str, str], dockerfile: str = "") -> dict[str, str]:
    """A service serving `acme.main:app` from svc/acme/, which has no `__init__.py`."""
    return {"docker-compose.yml": COMPOSE,
            "svc/Dockerfile": "FROM python:3.12-slim\nWORKDIR /code\n" + dockerfile +
            'COPY . .\nCMD ["uvicorn", "acme.main:app", "--host", "0.0.0.0"]\n',
            "svc/requirements.txt": "fastapi\nuvicorn\n", **files}


def the_reason(files: dict[str, str]) -> str:
    [finding] = check(files, select="S002")
    assert finding.fixable is False, finding
    return finding.reason or ""


@pytest.mark.parametrize("loads", [
    pytest.param('importlib.import_module(f"acme.plugins.{name}")', id="f-string"),
    pytest.param('importlib.import_module("acme.plugins." + name)', id="concatenated"),
    pytest.param('importlib.import_module("acme.plugins.%s" % name)', id="percent-format"),
    pytest.param('importlib.import_module("acme.plugins.{}".format(name))', id="str-format"),
    pytest.param('__import__(\n        f"acme.plugins.{name}", fromlist=["router"])',
                 id="dunder-import-over-lines"),
    pytest.param('importlib.import_module(dotted)', id="name-assigned-first"),
])
def test_s002_display_only_where_a_name_built_at_run_time_names_a_module_elsewhere(
        loads: str) -> None:
    """`acme.plugins` comes from an installed distribution that shares `acme`: svc/acme/
    does not hold it, and an `__init__.py` there would hide it."""
    main = (APP + "import importlib\n\nfor name in ('billing',):\n"
            "    dotted = f'acme.plugins.{name}'\n"
            f"    app.include_router({loads}.router)\n")
    assert the_reason(service({"svc/acme/main.py": main})) == (
        "svc/acme/main.py imports `acme.plugins.…` (a name built at run time), which "
        "svc/acme/ does not hold, nor any folder fixer sees on the image's import path: "
        "unless an installed distribution shares the `acme` namespace (an `__init__.py` "
        "would hide it), that import fails")


def test_s002_names_the_folder_that_holds_the_plugins_of_a_name_built_at_run_time() -> None:
    """A Dockerfile's `ENV PYTHONPATH=/code:/code/extensions` merges
    svc/extensions/acme/ into the namespace, and it holds `acme.plugins`."""
    files = service({"svc/acme/main.py": APP + "import importlib\n"
                     "plugin = importlib.import_module(f'acme.plugins.{NAME}')\n",
                     "svc/extensions/acme/plugins/billing.py": ROUTER},
                    "ENV PYTHONPATH=/code:/code/extensions\n")
    assert the_reason(files) == (
        "svc/acme/main.py imports `acme.plugins.…` (a name built at run time), which "
        "svc/acme/ does not hold: the repository's svc/extensions/acme/ shares the `acme` "
        "namespace (the container has it at /code/extensions/acme/, on PYTHONPATH), and "
        "an `__init__.py` would hide it")


@pytest.mark.parametrize(("dockerfile", "compose", "folder", "where"), [
    pytest.param("ENV PYTHONPATH=/code:/code/extensions\n", COMPOSE, "svc/extensions/acme",
                 "/code/extensions/acme/, on PYTHONPATH", id="dockerfile-env"),
    pytest.param("", COMPOSE + "    environment:\n      - PYTHONPATH=/code:/code/extensions\n",
                 "svc/extensions/acme", "/code/extensions/acme/, on PYTHONPATH",
                 id="compose-environment"),
    pytest.param("COPY extensions/acme /usr/local/lib/python3.12/site-packages/acme\n",
                 COMPOSE, "svc/extensions/acme",
                 "/usr/local/lib/python3.12/site-packages/acme/, on the import path",
                 id="copied-into-site-packages"),
])
def test_s002_display_only_where_another_folder_of_the_package_is_on_the_import_path(
        dockerfile: str, compose: str, folder: str, where: str) -> None:
    """No import names the other folder's modules (they are loaded by a name read from the
    environment): the folder on the import path is the evidence."""
    main = APP + "import importlib, os\n\nimportlib.import_module(os.environ['PLUGIN'])\n"
    files = {**service({"svc/acme/main.py": main,
                        "svc/extensions/acme/plugins/billing.py": ROUTER}, dockerfile),
             "docker-compose.yml": compose}
    assert the_reason(files) == (
        f"the repository's {folder}/ shares the `acme` namespace (the container has it at "
        f"{where}), and an `__init__.py` in svc/acme/ would hide it")


def test_s002_display_only_where_a_namespace_subfolder_lacks_the_module() -> None:
    """svc/acme/plugins/ has no `__init__.py` either: `acme.plugins.billing` may come from
    another portion of `acme.plugins`, which only a namespace `acme` reaches."""
    files = service({"svc/acme/main.py": APP + "from acme.plugins import billing\n",
                     "svc/acme/plugins/core.py": ROUTER})
    assert the_reason(files).startswith(
        "svc/acme/main.py imports `acme.plugins.billing`, which svc/acme/ does not hold, ")
