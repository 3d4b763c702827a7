"""I002 relative-import: every relative import of a service, absolute from the import root;
off unless selected by its full code."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from fixer.model.rule import Rule
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from support import run_cli

I002 = Rule.from_module(importlib.import_module("fixer_rules.imports.i002_relative_import"))
COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def service(root: Path, files: dict[str, str], target: str = "app.main:app",
            copy: str = "COPY . .") -> Path:
    dockerfile = f'FROM python:3.12-slim\nWORKDIR /app\n{copy}\nCMD ["uvicorn", "{target}"]\n'
    files = {"docker-compose.yml": COMPOSE, "svc/Dockerfile": dockerfile,
             "svc/app/__init__.py": "", "svc/app/main.py": APP,
             "svc/app/api/__init__.py": "", **files}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


@pytest.mark.parametrize(("path", "before", "after"), [
    pytest.param("svc/app/main.py", "from .db import x\n", "from app.db import x\n", id="sibling"),
    pytest.param("svc/app/main.py", "from . import db\n", "from app import db\n", id="dot"),
    pytest.param("svc/app/api/users.py", "from ..db import x  # keep\n",
                 "from app.db import x  # keep\n", id="parent"),
    pytest.param("svc/app/api/users.py", "from .. import (\n    db,\n)\n",
                 "from app import (\n    db,\n)\n", id="parent-parens-kept"),
    pytest.param("svc/app/api/__init__.py", "from .users import router\n",
                 "from app.api.users import router\n", id="package-init"),
    pytest.param("svc/app/api/users.py", "def f():\n    from .v1 . items import y\n",
                 "def f():\n    from app.api.v1.items import y\n", id="nested-spaced"),
])
def test_i002_fixes(tmp_path: Path, path: str, before: str, after: str) -> None:
    head = APP if path == "svc/app/main.py" else ""  # the app module stays a FastAPI app
    root = service(tmp_path, {path: head + before})
    code, _, err = run_cli("fix", "--apply", root, "--select", "I002")
    assert code == 1, err
    assert (root / path).read_text() == head + after


def test_i002_fixes_from_the_commands_import_root(tmp_path: Path) -> None:
    root = service(tmp_path, {"svc/src/shop/__init__.py": "", "svc/src/shop/api.py":
                              APP + "from .db import x\n", "svc/scripts/seed.py": "from .x import y\n"},
                   target="shop.api:app", copy="COPY src/ .")
    code, _, err = run_cli("fix", "--apply", root, "--select", "I002")
    assert code == 1, err
    assert (root / "svc/src/shop/api.py").read_text() == APP + "from shop.db import x\n"
    # outside the import root there is no absolute name: left alone
    assert (root / "svc/scripts/seed.py").read_text() == "from .x import y\n"


@pytest.mark.parametrize("args", [
    pytest.param((), id="default"), pytest.param(("--select", "I"), id="prefix"),
    pytest.param(("--select", "ALL"), id="all"),
])
def test_i002_noop_unless_selected_by_code(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = service(tmp_path, {"svc/app/main.py": APP + "from .db import x\n"})
    assert I002.default is False
    code, out, err = run_cli("check", "--format", "json", root, *args)
    assert '"I002"' not in out, err
    _code, out, _ = run_cli("check", "--format", "json", root, "--select", "I002")
    assert '"I002"' in out


def test_i002_display_only_above_the_root(tmp_path: Path) -> None:
    root = service(tmp_path, {"svc/app/api/users.py": "from ...db import x\n"})
    [finding] = I002.detect(Workspace.load(Tree(FolderSource(root))))
    assert (finding.path, finding.fixable) == ("svc/app/api/users.py", False)
    assert "climbs above the import root" in (finding.reason or "")
    code, diff, _ = run_cli("fix", root, "--select", "I002")
    assert (code, diff) == (0, "")
