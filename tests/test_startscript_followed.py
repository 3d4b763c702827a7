"""The start script a container runs, followed to the server it starts: one compose's
`entrypoint:` names as well as one `command:` or the CMD names, and a Python program the
script runs (`python run.py`, whose `uvicorn.run` starts the server) with or without `exec`."""

from __future__ import annotations

import pytest

from fixer.model.listen import ListenPort
from fixer.model.workspace import Workspace
from kit import tree

DOCKERFILE = ("FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
              'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
RUN_PY = 'import uvicorn\n\nuvicorn.run("main:app", host="0.0.0.0", port=8003)\n'
SERVES_8003 = "uvicorn.run in api/run.py in api/start.sh"


def listen_of(runs: str, script: str) -> ListenPort:
    """The api service's port, its compose file running `/app/start.sh` by `runs`."""
    files = {"docker-compose.yml": f"services:\n  api:\n    build: ./api\n    {runs}\n",
             "api/Dockerfile": DOCKERFILE, "api/start.sh": "#!/bin/sh\n" + script,
             "api/run.py": RUN_PY, "api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
    ws = Workspace.load(tree(files))
    app = next(s for s in ws.apps() if s.name == "api").app
    assert app is not None
    return app.listen


@pytest.mark.parametrize("runs", [
    pytest.param('entrypoint: ["/app/start.sh"]', id="entrypoint"),
    pytest.param("entrypoint: /app/start.sh", id="entrypoint-string"),
    pytest.param('entrypoint: ["tini", "--", "/app/start.sh"]', id="entrypoint-through-tini"),
    pytest.param('command: ["/app/start.sh"]', id="command"),
])
def test_the_script_compose_runs_is_followed(runs: str) -> None:
    """The image's CMD (8000) does not run: compose's `entrypoint:` drops it, as `command:`
    replaces it."""
    listen = listen_of(runs, "exec uvicorn main:app --host 0.0.0.0 --port 8002\n")
    kind = runs.partition(":")[0]
    assert (listen.port, listen.origin, listen.sites) == (8002, f"{kind} in api/start.sh", ())
    assert listen.region is not None and listen.region.script


def test_an_entrypoint_script_edits_its_python_program_as_a_command_does() -> None:
    """The port in the Python program the script runs is edited whichever key runs it."""
    script = "python run.py\n"
    by_entrypoint = listen_of('entrypoint: ["/app/start.sh"]', script)
    by_command = listen_of('command: ["/app/start.sh"]', script)
    assert by_entrypoint.port == by_command.port == 8003
    assert by_entrypoint.sites == by_command.sites != ()
    assert by_entrypoint.sites[0].path == "api/run.py"


def test_an_entrypoint_script_that_starts_no_server_is_no_port() -> None:
    listen = listen_of('entrypoint: ["/app/start.sh"]', "alembic upgrade head\n")
    assert (listen.port, listen.origin) == (None, "none")


@pytest.mark.parametrize("script", [
    pytest.param("python run.py\n", id="plain"),
    pytest.param("exec python run.py\n", id="exec"),
    pytest.param("python /app/run.py\n", id="absolute-path"),
    pytest.param("/opt/venv/bin/python /app/run.py\n", id="venv-interpreter"),
    pytest.param("some-migration & python run.py\n", id="after-a-background-job"),
    pytest.param("set -e\npython -m app.wait_for_db\npython run.py\n", id="after-a-step"),
    pytest.param("python -m app.wait_for_db && python run.py\n", id="after-a-step-on-its-line"),
    pytest.param("python -m app.wait_for_db && exec python run.py\n",
                 id="exec-after-a-step-on-its-line"),
    pytest.param('if [ -n "$MIGRATE" ]; then\n  python migrate.py\nfi\npython run.py\n',
                 id="after-a-step-in-a-branch"),
    pytest.param("python run.py  # serves the app\n", id="comment-after-it"),
    # in the background beside a long-running command, as `uvicorn main:app &` is read
    pytest.param("python run.py &\nexec nginx -g 'daemon off;'\n", id="in-the-background"),
])
def test_a_python_program_the_script_ends_in_is_read(script: str) -> None:
    listen = listen_of('command: ["/app/start.sh"]', script)
    assert (listen.port, listen.origin) == (8003, SERVES_8003)
    assert [site.path for site in listen.sites] == ["api/run.py"]


@pytest.mark.parametrize(("script", "port"), [
    # the script goes on once the program ends: a step before the server
    pytest.param("python -m app.wait_for_db\nexec uvicorn main:app --port 8005\n", 8005,
                 id="step-before-a-server"),
    pytest.param("python run.py\necho stopped\n", None, id="a-command-after-it"),
    pytest.param("python run.py && echo stopped\n", None, id="a-command-after-it-on-its-line"),
    # two servers, whether the shell execs the Python one or not: which is the app is unknown
    pytest.param("uvicorn main:app --port 8005 &\nexec python run.py\n", None,
                 id="beside-a-server-with-exec"),
    pytest.param("uvicorn main:app --port 8005 &\npython run.py\n", None,
                 id="beside-a-server-without-exec"),
    # one the script runs in the background is a consumer beside the server in front
    pytest.param("python -m app.consumer &\nexec uvicorn main:app --port 8005\n", 8005,
                 id="in-the-background-beside-a-server"),
    pytest.param("uvicorn main:app --port 8005 &\npython -m app.consumer &\nwait -n\n", 8005,
                 id="both-in-the-background"),
    # each branch starts the same server on the same port: it is the server, as written
    pytest.param('if [ "$ENV" = dev ]; then\n  exec uvicorn main:app --port 8005 --reload\n'
                 "else\n  exec uvicorn main:app --port 8005 --workers 4\nfi\n", 8005,
                 id="the-same-server-in-each-branch"),
    pytest.param('if [ "$ENV" = dev ]; then\n  exec uvicorn main:app --port 8005 --reload\n'
                 "else\n  exec uvicorn main:app --port 8006\nfi\n", None,
                 id="branches-on-different-ports"),
    # the front end's assets built, or its dev server run beside, in each branch: steps and
    # a job beside the server, not another program instead of it
    pytest.param('if [ "$ENV" = dev ]; then\n  npm run dev -- --host 0.0.0.0 &\n'
                 "  exec uvicorn main:app --port 8005 --reload\nelse\n  npm ci\n"
                 "  npm run build\n  exec uvicorn main:app --port 8005 --workers 4\nfi\n",
                 8005, id="the-same-server-in-each-branch-beside-the-front-end"),
    pytest.param('if [ "$ENV" = dev ]; then\n  exec uvicorn main:app --port 8005 --reload\n'
                 "else\n  exec npm start\nfi\n", None, id="a-branch-running-node-instead"),
    # a Python program a branch runs in the background (a gRPC server when asked) beside the
    # server: a job beside it, as on a line of its own
    pytest.param('if [ "$GRPC" = true ]; then\n  python -u grpc_server.py &\nfi\n'
                 'if [ "$ENV" = dev ]; then\n  exec uvicorn main:app --port 8005 --reload\n'
                 "else\n  exec uvicorn main:app --port 8005 --workers 4\nfi\n", 8005,
                 id="a-background-job-in-a-branch-beside-the-same-server-in-each-branch"),
    pytest.param('if [ "$GRPC" = true ]; then\n  python -u grpc_server.py &\nfi\n'
                 "exec uvicorn main:app --port 8005\n", 8005,
                 id="a-background-job-in-a-branch-beside-the-server"),
    # the shell decides whether it runs
    pytest.param('if [ -n "$SERVE" ]; then\n  python run.py\nfi\n', None, id="in-a-branch"),
    # another branch runs a worker through `uv run`: which program starts is the shell's
    pytest.param('case "$ROLE" in\n  app)\n    uv run uvicorn main:app --port 8005 &\n    ;;\n'
                 "  worker)\n    exec uv run celery -A main.celery worker\n    ;;\nesac\n", None,
                 id="beside-a-branch-running-another-program-through-uv"),
    pytest.param('case "$ROLE" in\n  app) uv sync\n'
                 "    exec uv run uvicorn main:app --port 8005 ;;\n"
                 "  *) exec uv run uvicorn main:app --port 8005 --reload ;;\nesac\n", 8005,
                 id="branches-with-a-uv-step"),
])
def test_a_python_program_that_may_not_be_the_server(script: str, port: int | None) -> None:
    listen = listen_of('command: ["/app/start.sh"]', script)
    assert listen.port == port
    assert listen.origin != SERVES_8003


CASE_SCRIPT = ('case "$ROLE" in\n  "api"|web)\n    exec uvicorn main:app --port 8005\n    ;;\n'
               "  worker) exec celery -A main.celery worker ;;\n"
               "  *)\n    exec uvicorn main:app --port 8006\n    ;;\nesac\n")


@pytest.mark.parametrize(("role", "port"), [
    pytest.param("api", 8005, id="quoted-pattern"),
    pytest.param("web", 8005, id="second-pattern"),
    pytest.param("worker", None, id="a-branch-starting-no-server"),
    pytest.param("other", 8006, id="the-default-branch"),
])
def test_the_branch_the_services_variable_picks_is_read(role: str, port: int | None) -> None:
    """`case "$ROLE" in` picks one branch by the value the service's environment gives."""
    runs = f'command: ["/app/start.sh"]\n    environment:\n      ROLE: {role}'
    assert listen_of(runs, CASE_SCRIPT).port == port


def test_a_case_on_a_variable_nothing_sets_starts_no_server_fixer_names() -> None:
    assert listen_of('command: ["/app/start.sh"]', CASE_SCRIPT).port is None
