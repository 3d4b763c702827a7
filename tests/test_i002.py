"""I002 relative-import: every relative import of a service, absolute from the import root;
off unless selected by its full code."""

from __future__ import annotations

import pytest

import fixer_rules.imports.i002_relative_import as i002
from fixer.model.workspace import Workspace
from kit import catalogue, check, codes, fix
COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def service(files: dict[str, str], target: str = "app.main:app",
            copy: str = "COPY . .") -> dict[str, str]:
    dockerfile = f'FROM python:3.12-slim\nWORKDIR /app\n{copy}\nCMD ["uvicorn", "{target}"]\n'
    # the modules the imports below name: one that names none fails either way (display-only)
    named = {"svc/app/db.py": "x = 1\n", "svc/app/api/users.py": "router = None\n",
             "svc/app/api/v1/__init__.py": "", "svc/app/api/v1/items.py": "y = 1\n"}
    return {"docker-compose.yml": COMPOSE, "svc/Dockerfile": dockerfile,
            "svc/app/__init__.py": "", "svc/app/main.py": APP, "svc/app/api/__init__.py": "",
            **named, **files}


def fixed(files: dict[str, str]) -> dict[str, bytes]:
    """The repository after `fixer fix --select I002`, which must fix something."""
    outcome = fix(files, select="I002")
    assert outcome.clean and outcome.applied, outcome
    return outcome.tree


@pytest.mark.parametrize(("path", "before", "after"), [
    pytest.param("svc/app/main.py", "from .db import x\n", "from app.db import x\n", id="sibling"),
    pytest.param("svc/app/main.py", "from . import db\n", "from app import db\n", id="dot"),
    pytest.param("svc/app/main.py", "from.db import x\n", "from app.db import x\n",
                 id="no-space-before-the-dots"),
    pytest.param("svc/app/api/users.py", "from..db import (a,\n" + " " * 17 + "b)\n",
                 "from app.db import (a,\n" + " " * 20 + "b)\n", id="no-space-aligned"),
    pytest.param("svc/app/api/users.py", "from ..db import x  # keep\n",
                 "from app.db import x  # keep\n", id="parent"),
    pytest.param("svc/app/api/users.py", "from .. import (\n    db,\n)\n",
                 "from app import (\n    db,\n)\n", id="parent-parens-kept"),
    pytest.param("svc/app/api/__init__.py", "from .users import router\n",
                 "from app.api.users import router\n", id="package-init"),
    pytest.param("svc/app/api/users.py", "def f():\n    from .v1 . items import y\n",
                 "def f():\n    from app.api.v1.items import y\n", id="nested-spaced"),
    # libcst alone gives back `x\n  `: the blank lines before a last line of spaces are kept
    pytest.param("svc/app/api/users.py", "from ..db import x\n\n  ",
                 "from app.db import x\n\n  ", id="blank-lines-before-a-last-line-of-spaces"),
    pytest.param("svc/app/api/users.py", "from ..db import x\r\n\r\n\r\n    \r\n\r\n",
                 "from app.db import x\r\n\r\n\r\n    \r\n\r\n", id="blank-tail-crlf"),
])
def test_i002_fixes(path: str, before: str, after: str) -> None:
    head = APP if path == "svc/app/main.py" else ""  # the app module stays a FastAPI app
    assert fixed(service({path: head + before}))[path].decode() == head + after


def test_i002_fixes_from_the_commands_import_root() -> None:
    tree = fixed(service({"svc/src/shop/__init__.py": "", "svc/src/shop/db.py": "",
                          "svc/src/shop/api.py":
                          APP + "from .db import x\n", "svc/scripts/seed.py": "from .x import y\n"},
                         target="shop.api:app", copy="COPY src/ ."))
    assert tree["svc/src/shop/api.py"].decode() == APP + "from shop.db import x\n"
    # outside the import root there is no absolute name: left alone
    assert tree["svc/scripts/seed.py"] == b"from .x import y\n"


@pytest.mark.parametrize("select", [
    pytest.param(None, id="default"), pytest.param("I", id="prefix"),
    pytest.param("ALL", id="all"),
])
def test_i002_noop_unless_selected_by_code(select: str | None) -> None:
    files = service({"svc/app/main.py": APP + "from .db import x\n"})
    assert [r.default for r in catalogue() if r.code == "I002"] == [False]
    assert "I002" not in codes(check(files, select=select))
    assert "I002" in codes(check(files, select="I002"))


def test_i002_display_only_above_the_root() -> None:
    files = service({"svc/app/api/users.py": "from ...db import x\n"})
    [finding] = check(files, select="I002")
    assert (finding.path, finding.fixable) == ("svc/app/api/users.py", False)
    assert "climbs above the import root" in (finding.reason or "")
    outcome = fix(files, select="I002")
    assert (outcome.diff, outcome.clean) == ("", True)


def renamed(files: dict[str, str]) -> dict[str, str]:
    """`COPY app ./shop` + `uvicorn shop.main:app`: the image names svc/app/ `shop`."""
    return service({"svc/app/main.py": APP + "from .db import x\n", "svc/app/db.py": "x = 1\n",
                    **files}, target="shop.main:app", copy="COPY app ./shop")


def test_i002_names_the_package_as_the_image_does() -> None:
    tree = fixed(renamed({"svc/app/api/users.py": "from ..db import x\n"}))
    assert tree["svc/app/main.py"].decode() == APP + "from shop.db import x\n"
    assert tree["svc/app/api/users.py"] == b"from shop.db import x\n"


@pytest.mark.parametrize(("path", "text", "where"), [
    pytest.param("svc/tests/test_main.py", "from app.main import app\n",
                 "svc/tests/test_main.py:1 imports `app.main`", id="test"),
    pytest.param("Makefile", "dev:\n\tcd svc && uvicorn app.main:app --reload\n",
                 "Makefile:2 imports `app.main`", id="makefile"),
])
def test_i002_unsafe_where_code_outside_the_image_imports_the_folder_by_its_name(
        path: str, text: str, where: str) -> None:
    [finding] = check(renamed({path: text}), select="I002")
    assert finding.safety.value == "unsafe", finding
    assert (finding.reason or "").startswith(where), finding.reason
    assert "where `shop` would not import" in (finding.reason or "")


def test_i002_an_import_of_a_module_the_folder_lacks_is_display_only() -> None:
    """`from .users import users` beside no users.py fails as written: no absolute name can
    be shown to resolve, so the file's imports stay as they are."""
    files = service({"svc/app/api/__init__.py": "from .missing import router\n"})
    [found] = [f for f in check(files, select="I002") if f.path == "svc/app/api/__init__.py"]
    assert not found.fixable
    assert "names a module svc/app/api/ does not hold" in (found.reason or ""), found.reason


def test_i002_unsafe_where_the_project_sorts_its_imports() -> None:
    """An import made absolute leaves the relative imports' group; the project's sorter
    (here ruff's I001, from the service's pyproject.toml) wants it elsewhere."""
    files = service({"svc/app/main.py": APP + "from app.api import users\n\nfrom .db import x\n",
                     "svc/pyproject.toml": "[tool.ruff.lint]\nextend-select = ['I']\n"})
    [found] = [f for f in check(files, select="I002") if f.path == "svc/app/main.py"]
    assert found.safety.value == "unsafe", found
    assert (found.reason or "").startswith(
        "svc/pyproject.toml (`[tool.ruff]`) has ruff's I001 sort the imports"), found.reason


def two_services_named_app() -> dict[str, str]:
    """Two services whose import root is a folder named `app`, and a test of the repository
    importing `app.main` through that folder's name."""
    files = {"tests/test_main.py": "from app.main import app\n"}
    compose = "services:\n"
    for name in ("orders", "users"):
        compose += f"  {name}:\n    build: ./{name}\n"
        files |= {f"{name}/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY app/ .\n'
                                        'CMD ["uvicorn", "main:app"]\n',
                  f"{name}/app/main.py": APP + "from .db import x\n", f"{name}/app/db.py": "x = 1\n"}
    return {"docker-compose.yml": compose, **files}


def test_i002_reads_what_the_repository_imports_once_for_every_service(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each service asks whether code of the repository imports its import root's folder by
    name: what the repository's files import is read once a run, not once a service (1,000
    services named `app` took 25 s to check)."""
    read: list[str] = []
    original = i002._read_imports

    def noting(ws: Workspace, root: str) -> dict[str, list[tuple[str, str, int]]]:
        read.append(root)
        return original(ws, root)

    monkeypatch.setattr(i002, "_read_imports", noting)
    found = check(two_services_named_app(), select="I002")
    assert sorted(f.path for f in found) == ["orders/app/main.py", "users/app/main.py"]
    assert all(f.safety.value == "display-only" and "tests/test_main.py:1 imports `app.main`"
               in f.reason for f in found), found
    assert read.count("") == 1
