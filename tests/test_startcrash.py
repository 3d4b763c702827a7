"""An app that imports a module its own package does not hold stops at start-up: no
healthcheck of it passes, so no gate on it is safe (fixer.facts.health.startcrash)."""

from __future__ import annotations

import pytest

from kit import check

DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /code\nRUN pip install fastapi uvicorn\n"
              "COPY . .\nEXPOSE 8000\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
APP = ('from fastapi import FastAPI\n\n{imports}\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health():\n    return {{"ok": True}}\n')


def files(imports: str, extra: dict[str, str] | None = None,
          dockerfile: str = DOCKERFILE) -> dict[str, str]:
    return {"docker-compose.yml": "services:\n  api:\n    build: ./api\n",
            "api/Dockerfile": dockerfile, "api/app/__init__.py": "",
            "api/app/db/__init__.py": "", "api/app/db/base.py": "Base = object\n",
            "api/app/main.py": APP.format(imports=imports), **(extra or {})}


def c004_reason(tree: dict[str, str]) -> str | None:
    [finding] = check(tree, select="C004")
    return None if finding.fixable else finding.reason


@pytest.mark.parametrize("imports", [
    "from app.db.base_class import Base\n",
    "import app.db.base_class\n",
    "from .db.base_class import Base\n",
])
def test_an_import_of_a_module_the_package_lacks_stops_the_app(imports: str) -> None:
    assert c004_reason(files(imports)) == (
        "the app stops at start-up: api/app/main.py:3 imports `app.db.base_class`, which "
        "api/app/db/ does not hold (ModuleNotFoundError)")


def test_a_module_the_app_imports_through_another_is_found_there_too() -> None:
    tree = files("from app import routes\n",
                 {"api/app/routes.py": "from app.db.session import engine\n"})
    assert c004_reason(tree) == (
        "the app stops at start-up: api/app/routes.py:1 imports `app.db.session`, which "
        "api/app/db/ does not hold (ModuleNotFoundError)")


@pytest.mark.parametrize(("imports", "extra", "dockerfile"), [
    pytest.param("from app.db.base import Base\n", {}, DOCKERFILE, id="present"),
    pytest.param("from app.db import base_class\n", {}, DOCKERFILE,
                 id="a-name-the-package-may-bind"),
    pytest.param("try:\n    from app.db.base_class import Base\nexcept ImportError:\n"
                 "    Base = object\n", {}, DOCKERFILE, id="guarded"),
    pytest.param("from app.db.models import Base\n",
                 {"api/app/db/models/__init__.py": "Base = object\n"}, DOCKERFILE,
                 id="a-package"),
    pytest.param("from app.db.fast import Base\n",
                 {"api/app/db/fast.cpython-312-x86_64-linux-gnu.so": "\x7fELF"}, DOCKERFILE,
                 id="a-compiled-extension"),
    pytest.param("from app.proto.orders_pb2 import Order\n",
                 {"api/app/proto/__init__.py": ""}, DOCKERFILE, id="a-generated-stub"),
    pytest.param("from app.db.schema import Base\n", {},
                 DOCKERFILE.replace("COPY . .\n",
                                    "COPY . .\nRUN python gen.py > app/db/schema.py\n"),
                 id="a-run-writes-it"),
    pytest.param("from app.plugins.billing import Base\n",
                 {"api/app/plugins/core.py": ""},
                 DOCKERFILE.replace("fastapi uvicorn", "fastapi uvicorn app"),
                 id="a-namespace-portion-an-installed-package-may-share"),
    pytest.param("from app.db.base_class import Base\n",
                 {"api/app/db/__init__.py": "from pkgutil import extend_path\n"
                                            "__path__ = extend_path(__path__, __name__)\n"},
                 DOCKERFILE, id="an-extended-path"),
    pytest.param("import requests\n", {}, DOCKERFILE, id="an-installed-package"),
])
def test_no_start_crash_where_python_may_find_the_module(
        imports: str, extra: dict[str, str], dockerfile: str) -> None:
    assert c004_reason(files(imports, extra, dockerfile)) is None


def test_a_volume_may_bring_the_module() -> None:
    """A named volume over the code may hold anything; a bind mount of the repository's own
    folder holds what the checkout does, which lacks the module too."""
    tree = files("from app.db.base_class import Base\n")
    lacking = c004_reason(tree)
    assert lacking is not None
    mounted = dict(tree)
    mounted["docker-compose.yml"] += "    volumes:\n      - code:/code\n"
    assert c004_reason(mounted) is None
    tree["docker-compose.yml"] += "    volumes:\n      - ./api:/code\n"
    assert c004_reason(tree) == lacking


def test_a_copy_that_puts_the_module_in_the_package_holds_it() -> None:
    """`COPY messaging/ app/messaging/`: the image has the module the repository keeps
    beside the package, not in it."""
    tree = files("from app.messaging.rabbitmq import Client\n",
                 {"api/messaging/rabbitmq.py": "Client = object\n"},
                 DOCKERFILE.replace("COPY . .\n",
                                    "COPY app/ app/\nCOPY messaging/ app/messaging/\n"))
    assert c004_reason(tree) is None
    tree["api/Dockerfile"] = DOCKERFILE.replace("COPY . .\n", "COPY app/ app/\n")
    assert c004_reason(tree) == (
        "the app stops at start-up: api/app/main.py:3 imports `app.messaging.rabbitmq`, which "
        "api/app/ does not hold (ModuleNotFoundError)")


def test_a_package_the_image_takes_from_elsewhere_is_not_judged_by_the_stale_copy() -> None:
    """The service folder keeps an old `shared/`; the image copies the repository's."""
    tree = files("from shared.events import Event\n", {"api/shared/__init__.py": ""})
    tree["docker-compose.yml"] = ("services:\n  api:\n    build:\n      context: .\n"
                                  "      dockerfile: api/Dockerfile\n")
    tree["api/Dockerfile"] = DOCKERFILE.replace(
        "COPY . .\n", "COPY shared ./shared\nCOPY api/app ./app\n")
    tree["shared/__init__.py"] = ""
    tree["shared/events.py"] = "Event = object\n"
    assert c004_reason(tree) is None


def unbound(main: str) -> dict[str, str]:
    tree = files("")
    tree["api/app/main.py"] = main
    return tree


def test_an_app_made_by_a_name_the_module_never_binds_stops_the_app() -> None:
    main = "from fastapi import FastApi\n\napp = FastAPI()\n"
    assert c004_reason(unbound(main)) == (
        "the app stops at start-up: api/app/main.py:3 calls `FastAPI`, which the module never "
        "binds (NameError)")


@pytest.mark.parametrize("main", [
    pytest.param("import fastapi\n\napp = fastapi.FastAPI()\n", id="on-its-module"),
    pytest.param("from fastapi import *\n\napp = FastAPI()\n", id="a-star-import"),
    pytest.param("try:\n    from fastapi import FastAPI\nexcept ImportError:\n    raise\n\n"
                 "app = FastAPI()\n", id="bound-in-a-block"),
    pytest.param("from fastapi import FastAPI as API\n\nFastAPI = API\napp = FastAPI()\n",
                 id="assigned"),
    pytest.param("import fastapi\n\n\ndef FastAPI():\n    return fastapi.FastAPI()\n\n\n"
                 "app = FastAPI()\n", id="a-function-of-that-name"),
])
def test_an_app_made_by_a_name_the_module_binds_is_no_crash(main: str) -> None:
    reason = c004_reason(unbound(main))
    assert reason is None or "NameError" not in reason, reason


BESIDE = {"api/app/db/helpers.py": "def greeting():\n    return 'hi'\n"}


def beside_files(extra: dict[str, str] | None = None, dockerfile: str = DOCKERFILE,
                 imports: str = "from helpers import greeting\n") -> dict[str, str]:
    tree = files("from app.db.session import engine\n",
                 {"api/app/db/session.py": f"{imports}engine = None\n", **BESIDE,
                  **(extra or {})}, dockerfile)
    return tree


def test_a_bare_import_of_a_module_beside_the_importer_stops_the_app() -> None:
    assert c004_reason(beside_files()) == (
        "the app stops at start-up: api/app/db/session.py:1 imports `helpers` by its bare "
        "name, which only the module's own folder api/app/db/ holds, not the import root "
        "(ModuleNotFoundError: Python 3 imports no module beside the importer by its bare "
        "name)")


@pytest.mark.parametrize(("extra", "dockerfile", "imports"), [
    pytest.param({}, DOCKERFILE.replace("COPY . .\n", "COPY . .\nENV PYTHONPATH=/code/app/db\n"),
                 "from helpers import greeting\n", id="pythonpath"),
    pytest.param({"api/app/__init__.py": "import sys, os\n"
                                         "sys.path.append(os.path.dirname(__file__) + '/db')\n"},
                 DOCKERFILE, "from helpers import greeting\n", id="sys-path-changed"),
    pytest.param({}, DOCKERFILE.replace("fastapi uvicorn", "fastapi uvicorn helpers"),
                 "from helpers import greeting\n", id="installed-by-that-name"),
    pytest.param({}, DOCKERFILE.replace("COPY . .\n", "COPY . .\nCOPY app/db/helpers.py .\n"),
                 "from helpers import greeting\n", id="copied-to-the-root"),
    pytest.param({"api/app/db/json.py": ""}, DOCKERFILE, "from json import loads\n",
                 id="standard-library"),
    pytest.param({}, DOCKERFILE, "from .helpers import greeting\n", id="relative"),
])
def test_no_start_crash_where_the_module_beside_may_be_found(
        extra: dict[str, str], dockerfile: str, imports: str) -> None:
    assert c004_reason(beside_files(extra, dockerfile, imports)) is None


@pytest.mark.parametrize(("imports", "extra", "lacks"), [
    pytest.param("from app.plugins.billing import Base\n", {"api/app/plugins/core.py": ""},
                 ("app.plugins.billing", "api/app/plugins/"), id="a-namespace-portion"),
    pytest.param("from .database import engine\n", {"api/app/__init__.py": None},
                 ("app.database", "api/app/"), id="a-top-level-namespace-package"),
])
def test_a_namespace_package_nothing_else_can_add_to_is_all_it_has(
        imports: str, extra: dict[str, str | None], lacks: tuple[str, str]) -> None:
    """No `__init__.py`, and nothing installed by the package's name nor a PYTHONPATH that
    could add a portion: its folders in the import root are all Python searches."""
    tree = {path: text for path, text in {**files(imports), **extra}.items()
            if text is not None}
    assert c004_reason(tree) == (
        f"the app stops at start-up: api/app/main.py:3 imports `{lacks[0]}`, which "
        f"{lacks[1]} does not hold (ModuleNotFoundError)")


COPIES_MAIN = DOCKERFILE.replace("COPY . .\n", "COPY app/__init__.py app/main.py ./app/\n")


def test_a_module_no_copy_takes_stops_the_app() -> None:
    tree = files("from app.db import base\n", dockerfile=COPIES_MAIN)
    assert c004_reason(tree) == (
        "the app stops at start-up: api/app/main.py:3 imports `app.db`, which the image does "
        "not hold: no COPY of api/Dockerfile takes api/app/db/__init__.py (ModuleNotFoundError)")


def test_a_module_the_dockerignore_drops_stops_the_app() -> None:
    tree = files("from app.db import base\n", {"api/.dockerignore": "app/db\n"})
    assert c004_reason(tree) == (
        "the app stops at start-up: api/app/main.py:3 imports `app.db`, which the image does "
        "not hold: the build context's .dockerignore drops api/app/db/__init__.py "
        "(ModuleNotFoundError)")


@pytest.mark.parametrize("dockerfile", [
    pytest.param(COPIES_MAIN.replace("COPY app/", "COPY --from=builder /src/app/db ./app/db\n"
                                                  "COPY app/"), id="a-copy-from-a-stage"),
    pytest.param(COPIES_MAIN.replace("COPY app/__init__.py", "COPY app/*.py"), id="a-glob"),
    pytest.param(COPIES_MAIN.replace("python:3.12-slim", "acme/api-base:1"),
                 id="an-unknown-base-image"),
    pytest.param(COPIES_MAIN.replace("EXPOSE", "ENV PYTHONPATH=/opt/shared\nEXPOSE"),
                 id="a-pythonpath"),
    pytest.param(COPIES_MAIN.replace("fastapi uvicorn", "fastapi uvicorn app"),
                 id="installed-by-that-name"),
])
def test_no_start_crash_where_the_image_may_hold_the_module(dockerfile: str) -> None:
    assert c004_reason(files("from app.db import base\n", dockerfile=dockerfile)) is None


def test_a_volume_may_bring_a_module_no_copy_takes() -> None:
    tree = files("from app.db import base\n", dockerfile=COPIES_MAIN)
    tree["docker-compose.yml"] = ("services:\n  api:\n    build: ./api\n    volumes:\n"
                                  "      - ./api/app:/code/app\n")
    assert c004_reason(tree) is None
