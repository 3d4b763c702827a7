"""I003 import-outside-build-context: an app service imports a package of the repository
that its build context leaves out, and nothing installs it (display-only)."""

from __future__ import annotations

from typing import Any

import pytest

from fixer.model.rule import Finding
from kit import check, fix

COMPOSE = "services:\n  orders:\n    build: ./orders\n    ports:\n      - \"8000:8000\"\n{more}"
DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
              "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
MAIN = "from fastapi import FastAPI\n{imports}\napp = FastAPI()\n"
SHARED = {"shared/__init__.py": "", "shared/schemas.py": "class Order:\n    pass\n"}
FROM_SHARED = "from shared.schemas import Order\n"


def repo(imports: str = FROM_SHARED, files: dict[str, str] | None = None, more: str = "",
         requirements: str = "fastapi\nuvicorn\n") -> dict[str, str]:
    return {"docker-compose.yml": COMPOSE.format(more=more), "orders/Dockerfile": DOCKERFILE,
            "orders/requirements.txt": requirements, "orders/app/__init__.py": "",
            "orders/app/main.py": MAIN.format(imports=imports), **SHARED, **(files or {})}


def i003(files: dict[str, str]) -> list[Finding]:
    return check(files, select="I003")


def reported_with_no_fix(files: dict[str, str]) -> str:
    """`fixer fix --select I003` changes nothing; the reason the one finding gives."""
    outcome = fix(files, select="I003")
    [finding] = outcome.remaining
    assert (outcome.diff, outcome.clean, finding.fixable) == ("", True, False)
    return finding.reason or ""


@pytest.mark.parametrize("kwargs", [
    pytest.param({"requirements": "fastapi\nuvicorn\nshared==1.2\n"}, id="required-by-name"),
    pytest.param({"requirements": "fastapi\nacme-shared @ git+https://example.org/s.git\n",
                  "files": {"shared/pyproject.toml": '[project]\nname = "acme-shared"\n'}},
                 id="required-by-its-project-name"),
    pytest.param({"requirements": "fastapi\nshared @ file:///wheels/shared-1.0-py3-none-any.whl\n"},
                 id="installed-from-a-file-url"),
    pytest.param({"requirements": "fastapi\n-e ../shared\n"}, id="installed-by-path"),
    pytest.param({"more": "    volumes:\n      - ./shared:/app/shared:ro\n"}, id="bind-mounted"),
    pytest.param({"more": "    volumes:\n      - type: bind\n        source: .\n"
                          "        target: /workspace\n"}, id="repository-bind-mounted"),
    pytest.param({"more": "    volumes:\n      - ${SHARED_DIR}:/app/shared\n"},
                 id="mount-fixer-cannot-resolve"),
    pytest.param({"more": "    volumes:\n      - ../platform/shared:/app/shared\n"},
                 id="mount-from-outside-the-repository"),
    pytest.param({"imports": "try:\n    from shared.schemas import Order\nexcept ImportError:\n"
                             "    Order = None\n"}, id="guarded-by-try"),
    pytest.param({"imports": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                             "    from shared.schemas import Order\n"}, id="type-checking-only"),
    pytest.param({"imports": "def load():\n    from shared.schemas import Order\n"
                             "    return Order\n"}, id="inside-a-function"),
    pytest.param({"imports": "import logging\n", "files": {"logging/__init__.py": ""}},
                 id="standard-library-name"),
    pytest.param({"files": {"orders/shared/__init__.py": "",
                            "orders/shared/schemas.py": "Order = 1\n"}},
                 id="also-inside-the-context"),
    pytest.param({"imports": "from orders.app import config\n",
                  "files": {"orders/app/config.py": ""}}, id="package-holding-the-context"),
    pytest.param({"imports": "import httpx\n"}, id="not-in-the-repository"),
])
def test_i003_noop(kwargs: dict[str, Any]) -> None:
    assert i003(repo(**kwargs)) == []


def test_i003_noop_for_additional_contexts_and_non_app_services() -> None:
    files = repo(more="    build:\n      context: ./orders\n      additional_contexts:\n"
                      "        shared: ./shared\n")
    text = files["docker-compose.yml"].replace("    build: ./orders\n", "", 1)
    worker = ("  worker:\n    build: ./orders\n"
              "    command: [\"celery\", \"-A\", \"app.tasks\", \"worker\"]\n")
    files |= {"docker-compose.yml": text + worker,
              "orders/app/tasks.py": "from shared.schemas import Order\n"}
    assert i003(files) == []


@pytest.mark.parametrize(("kwargs", "package", "reason"), [
    pytest.param({}, "shared/", "(`context: .`, `dockerfile: orders/Dockerfile`)",
                 id="package-beside-the-service"),
    pytest.param({"files": {"shared/__init__.py": "", "shared/schemas.py": "",
                            "shared/events/topics.py": ""},
                  "imports": "from shared.events import topics\n"}, "shared/", "COPY shared/",
                 id="subpackage"),
    pytest.param({"imports": "import common\n", "files": {"common.py": "X = 1\n"}},
                 "common.py", "COPY common.py", id="module-file"),
    pytest.param({"files": {"shared/__init__.py": "", "shared/schemas.py": "",
                            "lib/__init__.py": "", "lib/money.py": ""},
                  "imports": "from lib.money import cents\n"}, "lib/",
                 "make `lib` a package", id="namespace-of-the-repository"),
    pytest.param({"requirements": "fastapi\nacme-tools\n",
                  "files": {"shared/pyproject.toml": '[project]\nname = "acme-shared"\n'}},
                 "shared/", "", id="another-project-required"),
])
def test_i003_reports(kwargs: dict[str, Any], package: str, reason: str) -> None:
    assert reason in reported_with_no_fix(repo(**kwargs))
    [finding] = i003(repo(**kwargs))
    assert (finding.path, finding.line, finding.fixable) == ("orders/app/main.py", 2, False)
    assert f"is {package}, outside the build context orders/ of orders" in finding.message
    assert finding.rule.severity.value == "error"


def test_i003_nested_services_and_compose_in_a_folder() -> None:
    """The suggestion names the context as the compose file writes it, from its folder."""
    compose = "services:\n  orders:\n    build: ../services/orders\n"
    files = {"deploy/docker-compose.yml": compose, "services/orders/Dockerfile": DOCKERFILE,
             "services/orders/requirements.txt": "fastapi\n",
             "services/orders/app/__init__.py": "",
             "services/orders/app/main.py": MAIN.format(imports=FROM_SHARED + "import shared\n"),
             **SHARED}
    [finding] = i003(files)   # one finding per service and package
    assert "build from the repository root (`context: ..`, " \
           "`dockerfile: services/orders/Dockerfile`)" in reported_with_no_fix(files)
    assert finding.line == 2


def test_i003_names_the_stack_when_several_build_the_service() -> None:
    """A prod and a test file that each build the service, standalone: one finding per
    stack, each naming its file, not two identical lines."""
    files = repo(files={"docker-compose.test.yml": COMPOSE.format(more="")})
    messages = sorted(f.message for f in i003(files))
    assert len(messages) == 2
    assert "of orders in docker-compose.test.yml;" in messages[0]
    assert "of orders in docker-compose.yml;" in messages[1]


def test_i003_package_the_ignore_file_drops() -> None:
    """A package inside the context that `.dockerignore` drops is no more in the image than
    one outside it; a `!` line that re-includes it, or a bind mount, puts it back."""
    files = repo(files={"orders/.dockerignore": "*\n!requirements.txt\n!app/\n",
                        "orders/settings/__init__.py": "", "orders/settings/config.py": ""},
                 imports="from settings import config\n")
    [finding] = i003(files)
    assert "`settings` is orders/settings/, which orders/.dockerignore drops" in finding.message
    assert "a `!settings` line" in reported_with_no_fix(files)
    files["orders/.dockerignore"] += "!settings/\n"
    assert i003(files) == []
    files["orders/.dockerignore"] = "settings\n"
    assert i003(files | {"docker-compose.yml": COMPOSE.format(
        more="    volumes:\n      - ./orders:/app\n")}) == []


def test_i003_dockerfile_ignore_file_wins() -> None:
    """BuildKit reads `Dockerfile.dockerignore` beside the Dockerfile instead."""
    files = repo(files={"orders/.dockerignore": "settings/\n",
                        "orders/Dockerfile.dockerignore": "tests/\n",
                        "orders/settings/__init__.py": ""}, imports="import settings\n")
    assert i003(files) == []
    files["orders/Dockerfile.dockerignore"] = "settings\n"
    [finding] = i003(files)
    assert "which orders/Dockerfile.dockerignore drops" in finding.message


@pytest.mark.parametrize("layout", ["libs/common/common", "libs/common/src/common"])
def test_i003_package_of_a_library_project(layout: str) -> None:
    """`libs/common/common/` (or its `src/` layout) with `libs/common/pyproject.toml`: not the
    folder above the context, still outside it; the suggestion names the project."""
    project = {"libs/common/pyproject.toml": '[project]\nname = "acme-common"\n',
               f"{layout}/__init__.py": "", f"{layout}/money.py": "class Money: ...\n"}
    files = repo(files=project, imports="from common.money import Money\n")
    [finding] = i003(files)
    assert f"`common` is {layout}/, outside the build context orders/" in finding.message
    assert "install the project `acme-common` (libs/common/, which holds `common`)" in \
        reported_with_no_fix(files)
    assert i003(repo(files=project, imports="from common.money import Money\n",
                     requirements="fastapi\nacme-common==0.1\n")) == []


def test_i003_package_of_a_setup_py_project() -> None:
    files = repo(files={"libs/common/setup.py": "from setuptools import setup\n"
                                                 "setup(name='acme-common')\n",
                        "libs/common/common/__init__.py": ""}, imports="import common\n")
    assert "install the project `acme-common`" in reported_with_no_fix(files)


def test_a_copy_out_of_the_context_fails_the_build_not_the_start() -> None:
    """`COPY ../shared /app/shared` with the context orders/: no builder reaches out of the
    context, so the build fails there, and a service that waits for orders to be healthy
    would wait for an image that cannot be built, not for a crash at start-up."""
    dockerfile = DOCKERFILE.replace("COPY . .\n", "COPY ../shared /app/shared\nCOPY . .\n")
    waiting = "  web:\n    build: ./web\n    depends_on:\n      - orders\n"
    files = {**repo(more=waiting), "orders/Dockerfile": dockerfile.replace(
        "CMD", 'HEALTHCHECK CMD python -c "print(1)"\nCMD'),
        "web/Dockerfile": "FROM nginx:1.27-alpine\n"}
    [finding] = i003(files)
    assert "the Dockerfile's `COPY ../shared` reaches out of the context" in finding.message
    assert "ModuleNotFoundError" not in finding.message
    [gate] = [f for f in check(files, select=["C003", "I003"]) if f.code == "C003"]
    assert "orders cannot be built (I003 at" in (gate.reason or ""), gate.reason
