"""S003 missing-server-dependency: the server the command runs (and FastAPI) must be declared."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from fixer.requirements import normalize, parse_requirement, requirements_lines
from support import run_cli

MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"
UVICORN = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n'
REQS_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                   "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n")


def make_repo(root: Path, files: Mapping[str, str | bytes], command: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "docker-compose.yml").write_text(f"services:\n  api:\n    build: ./api\n{command}")
    for relative, data in {"api/app/__init__.py": "", "api/app/main.py": MAIN, **files}.items():
        path = root / "api" / relative if not relative.startswith("api/") else root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def fix(root: Path) -> int:
    code, _, err = run_cli("fix", "--apply", root, "--select", "S003", "--unsafe-fixes")
    assert code in (0, 1), err
    return code


def findings(root: Path) -> list[dict[str, object]]:
    _, out, _ = run_cli("check", root, "--select", "S003", "--format", "json")
    return list(json.loads(out)["findings"])


@pytest.mark.parametrize(("spec", "name", "extras"), [
    pytest.param("uvicorn[standard]>=0.29", "uvicorn", {"standard"}, id="extras-version"),
    pytest.param("Uvicorn_Worker==0.2 ; python_version >= '3.8'", "uvicorn-worker", set(),
                 id="normalized-marker"),
    pytest.param("fastapi @ https://example.com/fastapi.whl", "fastapi", set(), id="direct-url"),
    pytest.param("zope.interface", "zope-interface", set(), id="dots"),
])
def test_requirement_names(spec: str, name: str, extras: set[str]) -> None:
    assert parse_requirement(spec) == (name, frozenset(extras))


def test_requirements_lines_skip_options_and_follow_includes() -> None:
    text = ("# pinned\n-r base.txt\n--index-url https://pypi.org/simple\nhttps://x/y.whl\n"
            "-e git+https://github.com/org/lib.git#egg=My_Lib\nuvicorn  # server\n")
    entries, includes = requirements_lines(text)
    assert [e.name for e in entries] == ["my-lib", "uvicorn"] and includes == ["base.txt"]
    assert normalize("Fast.API") == "fast-api"


@pytest.mark.parametrize(("files", "path", "after"), [
    pytest.param({"requirements.txt": "fastapi\nhttpx", "Dockerfile": REQS_DOCKERFILE + UVICORN},
                 "requirements.txt", "fastapi\nhttpx\nuvicorn", id="no-final-newline"),
    pytest.param({"requirements.txt": "starlette\r\nuvicorn\r\n", "Dockerfile": REQS_DOCKERFILE + UVICORN},
                 "requirements.txt", "fastapi\r\nstarlette\r\nuvicorn\r\n", id="crlf-sorted"),
    pytest.param({"requirements.txt": "", "Dockerfile": REQS_DOCKERFILE + UVICORN},
                 "requirements.txt", "fastapi\nuvicorn\n", id="empty-file"),
    pytest.param({"requirements.txt": "fastapi\nuvicorn\n", "Dockerfile": REQS_DOCKERFILE +
                  'CMD ["gunicorn", "app.main:app", "-k", "uvicorn_worker.UvicornWorker"]\n'},
                 "requirements.txt", "fastapi\ngunicorn\nuvicorn\nuvicorn-worker\n",
                 id="gunicorn-worker-package"),
    pytest.param({"requirements.txt": "fastapi\n", "run.py": "import uvicorn\n"
                  "uvicorn.run('app.main:app', port=8000)\n",
                  "Dockerfile": REQS_DOCKERFILE + 'CMD ["python", "run.py"]\n'},
                 "requirements.txt", "fastapi\nuvicorn\n", id="script-calls-uvicorn-run"),
    pytest.param({"pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi"]\n',
                  "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nRUN pip install .\n" + UVICORN},
                 "pyproject.toml", '[project]\nname = "api"\ndependencies = ["fastapi", "uvicorn"]\n',
                 id="pep621-inline"),
    pytest.param({"pyproject.toml": "[project]\nname = 'api'\ndependencies = [\n  'fastapi'\n]\n",
                  "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nRUN pip install .\n" + UVICORN},
                 "pyproject.toml", "[project]\nname = 'api'\ndependencies = [\n  'fastapi',\n  'uvicorn'\n]\n",
                 id="pep621-no-trailing-comma"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\r\npython = "^3.12"\r\nuvicorn = "*"\r\n',
                  "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nRUN poetry install\n" + UVICORN},
                 "pyproject.toml",
                 '[tool.poetry.dependencies]\r\npython = "^3.12"\r\nuvicorn = "*"\r\nfastapi = "*"\r\n',
                 id="poetry-crlf"),
])
def test_s003_fixes(tmp_path: Path, files: dict[str, str], path: str, after: str) -> None:
    repo = make_repo(tmp_path, files)
    assert fix(repo) == 1
    assert (repo / "api" / path).read_bytes().decode() == after
    assert findings(repo) == []


def test_utf16le_requirements_are_written_back_in_utf16le(tmp_path: Path) -> None:
    before = codecs.BOM_UTF16_LE + "fastapi>=0.110\r\nhttpx>=0.27\r\n".encode("utf-16-le")
    repo = make_repo(tmp_path, {"requirements.txt": before, "Dockerfile": REQS_DOCKERFILE + UVICORN})
    assert fix(repo) == 1
    after = (repo / "api" / "requirements.txt").read_bytes()
    assert after.startswith(before)
    assert after == before + "uvicorn\r\n".encode("utf-16-le")


@pytest.mark.parametrize(("files", "command"), [
    pytest.param({"requirements.txt": "-r base.txt\n", "base.txt": "FastAPI\nUvicorn[standard]>=0.29\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN}, "", id="include-normalized"),
    pytest.param({"Dockerfile": "FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi "
                  "'uvicorn[standard]==0.30'\nCOPY . .\n" + UVICORN}, "", id="inline-pip-install"),
    pytest.param({"requirements.txt": "fastapi-cli\nfastapi\n",
                  "Dockerfile": REQS_DOCKERFILE + 'CMD ["fastapi", "run", "app/main.py"]\n'}, "",
                 id="fastapi-cli"),
    pytest.param({"requirements.txt": "fastapi\nhypercorn\n", "Dockerfile": REQS_DOCKERFILE + UVICORN},
                 "    command: hypercorn app.main:app --bind 0.0.0.0:8000\n", id="compose-command-wins"),
    pytest.param({"requirements.txt": "uvicorn\n", "app/main.py": "from starlette.applications import "
                  "Starlette\napp = Starlette()\n", "Dockerfile": REQS_DOCKERFILE + UVICORN}, "",
                 id="not-a-fastapi-app"),
])
def test_s003_noop(tmp_path: Path, files: dict[str, str], command: str) -> None:
    repo = make_repo(tmp_path, files, command)
    assert findings(repo) == []


def test_fastapi_run_without_the_cli_and_no_requirements_file(tmp_path: Path) -> None:
    cli = make_repo(tmp_path / "a", {"requirements.txt": "fastapi>=0.110\n",
                                     "Dockerfile": REQS_DOCKERFILE + 'CMD ["fastapi", "run"]\n'})
    assert [f["message"] for f in findings(cli)] == [
        "the CMD runs `fastapi run` (the FastAPI CLI), but fastapi-cli is not declared "
        "(api/requirements.txt)"]
    bare = make_repo(tmp_path / "b", {"Dockerfile": "FROM python:3.12-slim\nCOPY . .\n" + UVICORN})
    found = findings(bare)
    assert {f["fix"] is None for f in found} == {True} and len(found) == 2
