"""S002 missing-package-init: the package the command imports gets an empty `__init__.py`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import SEED_FLEET, copy_tree, run_cli

COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
# `python -m app.main`: the module starts the server itself
SCRIPT = ("import uvicorn\n" + APP + '\n\nif __name__ == "__main__":\n'
          '    uvicorn.run(app, host="0.0.0.0", port=8000)\n')


def service(root: Path, files: dict[str, str], cmd: str) -> Path:
    files = {"docker-compose.yml": COMPOSE,
             "svc/Dockerfile": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{cmd}\n", **files}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


def created(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("__init__.py")}


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
def test_s002_fixes(tmp_path: Path, cmd: str, module: str, marker: str) -> None:
    root = service(tmp_path, {module: SCRIPT if '"python"' in cmd else APP}, cmd)
    code, _, err = run_cli("fix", "--apply", root, "--select", "S002")
    assert code == 1, err
    assert created(root) == {marker}
    assert (root / marker).read_bytes() == b""


@pytest.mark.parametrize(("cmd", "files"), [
    pytest.param('CMD ["uvicorn", "main:app"]', {"svc/main.py": APP}, id="top-level-module"),
    pytest.param('CMD ["uvicorn", "app.main:app"]',
                 {"svc/app/main.py": APP, "svc/app/__init__.py": ""}, id="marked"),
    pytest.param('CMD ["python", "app/main.py"]', {"svc/app/main.py": SCRIPT}, id="script"),
    pytest.param('CMD ["fastapi", "run", "app/main.py"]', {"svc/app/main.py": APP},
                 id="fastapi-file"),
    pytest.param("", {"svc/app/main.py": APP}, id="no-command-guessed-module"),
])
def test_s002_noop(tmp_path: Path, cmd: str, files: dict[str, str]) -> None:
    root = service(tmp_path, files, cmd)
    before = created(root)
    code, out, err = run_cli("fix", "--apply", root, "--select", "S002")
    assert (code, created(root)) == (0, before), err + out


def test_s002_seed_fleet_only_notification_service(tmp_path: Path) -> None:
    root = copy_tree(SEED_FLEET, tmp_path / "fleet")
    code, out, _ = run_cli("check", "--format", "json", root, "--select", "S002")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(f["service"], f["path"]) for f in findings] == [
        ("notification_service", "notification_service/app/main.py")]
    before = created(root)
    code, _, err = run_cli("fix", "--apply", root, "--select", "S002")
    assert code == 1, err
    assert created(root) - before == {"notification_service/app/__init__.py"}
    assert (root / "notification_service/app/__init__.py").read_bytes() == b""
    assert run_cli("check", root, "--select", "S002")[0] == 0
