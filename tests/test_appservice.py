"""Which built services are app services (RULES.md "App service"): FastAPI HTTP servers only."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.model.appservice import app_services
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from test_cli import APP, write_tree

FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"
DJANGO = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
# the name in fullwidth letters, which Python folds to `get_asgi_application` (NFKC): the
# module names no other framework's app in ASCII, yet serves one
DJANGO_FULLWIDTH = ("from django.core.asgi import \uff47et_asgi_application\nimport fastapi\n\n"
                    "application = \uff47et_asgi_application()\n")
FACTORY = "from app.factory import create_app\n\napp = create_app()\n"
FACTORY_MODULE = "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"
SUBCLASS = "from fastapi import FastAPI\n\n\nclass Api(FastAPI):\n    pass\n\n\napp = Api()\n"
BOT = "import telegram\n\nif __name__ == '__main__':\n    telegram.run()\n"
RUNNER = "import uvicorn\n\nuvicorn.run('app.main:app', host='0.0.0.0', port=8000)\n"
# the first argument picks the role: uvicorn for `api`, something else for any other word
DISPATCH = ("import sys\n\nimport uvicorn\n\nif sys.argv[1] == 'api':\n"
            "    uvicorn.run('app.main:app', host='0.0.0.0', port=8000)\nelse:\n"
            "    print('worker')\n")
ARGPARSE = ("import argparse\n\nimport uvicorn\n\nparser = argparse.ArgumentParser()\n"
            "parser.add_argument('--port', type=int, default=8000)\n"
            "uvicorn.run('app.main:app', host='0.0.0.0', port=parser.parse_args().port)\n")


def dockerfile(cmd: str) -> str:
    return f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD {cmd}\n"


UVICORN = '["uvicorn", "app.main:app", "--host", "0.0.0.0"]'
CASES: list[tuple[str, str, dict[str, str], bool]] = [
    ("uvicorn-fastapi", UVICORN, {"app/main.py": APP}, True),
    ("fastapi-subclass", UVICORN, {"app/main.py": SUBCLASS}, True),
    ("factory-in-another-module", UVICORN,
     {"app/main.py": FACTORY, "app/factory.py": FACTORY_MODULE}, True),
    ("gunicorn-uvicorn-worker",
     '["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]', {"app/main.py": APP},
     True),
    ("fastapi-run", '["fastapi", "run", "app/main.py"]', {"app/main.py": APP}, True),
    ("script-calls-uvicorn-run", '["python", "run.py"]', {"run.py": RUNNER, "app/main.py": APP},
     True),
    ("script-whose-argument-picks-a-role", '["python", "run.py", "api"]',
     {"run.py": DISPATCH, "app/main.py": APP}, False),
    ("script-with-options-only", '["python", "run.py", "--port", "8000"]',
     {"run.py": ARGPARSE, "app/main.py": APP}, True),
    ("script-given-a-word-it-never-reads", '["python", "run.py", "api"]',
     {"run.py": RUNNER, "app/main.py": APP}, True),
    ("python-m-own-module-runs-uvicorn", '["python", "-m", "app.main"]',
     {"app/main.py": "import uvicorn\n" + APP + "\nuvicorn.run(app, port=8000)\n"}, True),
    ("python-m-own-module-without-server", '["python", "-m", "app.main"]',
     {"app/main.py": APP}, False),
    ("gunicorn-sync-worker-flask", '["gunicorn", "-w", "2", "app.main:app"]',
     {"app/main.py": FLASK}, False),
    ("gunicorn-gevent-worker", '["gunicorn", "-k", "gevent", "app.main:app"]',
     {"app/main.py": APP}, False),
    ("django-wsgi", '["gunicorn", "app.main:application"]', {"app/main.py": DJANGO}, False),
    ("django-asgi-named-in-fullwidth", '["uvicorn", "app.main:application"]',
     {"app/main.py": DJANGO_FULLWIDTH}, False),
    ("telegram-bot-script", '["python", "bot.py"]', {"bot.py": BOT, "app/main.py": APP}, False),
    ("celery-worker", '["celery", "-A", "app.main", "worker"]', {"app/main.py": APP}, False),
    ("pytest-container", '["python", "-m", "pytest"]', {"app/main.py": APP}, False),
    # the server in the background while the suite runs: a test runner, which ends with it
    ("server-in-the-background-for-a-test-suite",
     '["sh", "-c", "uvicorn app.main:app --port 8000 > log 2>&1 & sleep 3; pytest tests"]',
     {"app/main.py": APP}, False),
    # ... not one that runs the suite once the server has stopped, nor a second server
    ("tests-after-the-server-stops",
     '["sh", "-c", "uvicorn app.main:app --port 8000 && pytest tests"]', {"app/main.py": APP},
     True),
    ("server-in-the-background-beside-a-worker",
     '["sh", "-c", "uvicorn app.main:app --port 8000 & python worker.py"]',
     {"app/main.py": APP}, True),
    ("uvicorn-starlette-only", UVICORN,
     {"app/main.py": "from starlette.applications import Starlette\n\napp = Starlette()\n"}, False),
    # the module the command names is missing (S005): a context that declares fastapi serves
    # a FastAPI app, however many Python files come before the one that imports it
    ("missing-module-context-declares-fastapi", '["uvicorn", "server.main:app"]',
     {"requirements.txt": "fastapi==0.115.0\nuvicorn\n",
      **{f"lib/m{i:03}.py": "X = 1\n" for i in range(250)}}, True),
    ("missing-module-context-declares-starlette", '["uvicorn", "server.main:app"]',
     {"requirements.txt": "starlette\nuvicorn\n"}, False),
]


@pytest.mark.parametrize(("cmd", "files", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_app_service(tmp_path: Path, cmd: str, files: dict[str, str], expected: bool) -> None:
    tree = {"compose.yaml": "services:\n  api:\n    build: ./api\n",
            "api/Dockerfile": dockerfile(cmd), "api/app/__init__.py": ""}
    tree.update({f"api/{path}": text for path, text in files.items()})
    ws = Workspace.load(Tree(FolderSource(write_tree(tmp_path, dict(tree)))))
    assert [s.name for s in app_services(ws)] == (["api"] if expected else [])


def test_one_shot_job_awaited_to_completion_is_not_an_app_service(tmp_path: Path) -> None:
    compose = ("services:\n  api:\n    build: ./api\n    depends_on:\n      migrate:\n"
               "        condition: service_completed_successfully\n"
               "  migrate:\n    build: ./api\n    command: uvicorn app.main:app\n")
    ws = Workspace.load(Tree(FolderSource(write_tree(tmp_path, {
        "compose.yaml": compose, "api/Dockerfile": dockerfile(UVICORN),
        "api/app/__init__.py": "", "api/app/main.py": APP}))))
    assert [s.name for s in ws.apps()] == ["api", "migrate"]
    assert [s.name for s in app_services(ws)] == ["api"]
