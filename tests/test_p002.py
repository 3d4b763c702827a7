"""P002's reasons where compose moves the port an image listens on, on real Dockerfile and
compose text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit import check
from support import GOLDEN, copy_tree, run_cli

APP = {"quotes/app/__init__.py": "",
       "quotes/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}


def test_p002_names_the_build_argument_that_moves_the_port() -> None:
    """Compose sets the build argument APP_PORT, which the image's `ENV PORT=${APP_PORT}`
    takes: the reason names the argument, not a PORT compose does not set."""
    files = {**APP,
             "compose.yaml": "services:\n  quotes:\n    build:\n      context: ./quotes\n"
                             "      args:\n        APP_PORT: 9000\n",
             "quotes/Dockerfile": "FROM python:3.12-slim\nARG APP_PORT=8000\n"
                                  "ENV PORT=${APP_PORT} \\\n    PYTHONUNBUFFERED=1\n"
                                  "COPY app ./app\nEXPOSE 8000\n"
                                  'CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 '
                                  '--port ${PORT}"]\n'}
    [finding] = check(files, select="P002")
    assert (finding.message, finding.fixable) == ("EXPOSE 8000 but the app listens on 9000",
                                                  False)
    assert finding.reason == (
        "the image's own port is 8000, which its EXPOSE documents; compose sets the build "
        "argument APP_PORT=9000 (the image's ENV PORT=${APP_PORT}) for quotes, which moves "
        "it to 9000: whether EXPOSE, which tools read as the image's port (`docker run -P`, "
        "a proxy that routes to the exposed port), should follow one deployment is the "
        "author's call")


ARG_PORT = {**APP,
            "compose.yaml": "services:\n  quotes:\n    build: ./quotes\n"
                            "    ports:\n      - \"8000:8000\"\n",
            "quotes/Dockerfile": "FROM python:3.12-slim\nARG PORT=8000\nENV PORT=${PORT}\n"
                                 "COPY app ./app\n"
                                 'CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 '
                                 '--port ${PORT}"]\n'}


@pytest.mark.parametrize(("path", "text", "line"), [
    ("Makefile", "release:\n\tdocker build --build-arg PORT=8080 -t quotes quotes\n", 2),
    (".github/workflows/release.yml",
     "jobs:\n  release:\n    steps:\n      - uses: docker/build-push-action@v6\n"
     "        with:\n          context: quotes\n          build-args: |\n"
     "            PYTHON=3.12\n            PORT=8080\n", 9),
])
def test_p002_stands_back_where_a_build_script_sets_the_port_argument(path: str, text: str,
                                                                      line: int) -> None:
    [finding] = check({**ARG_PORT, path: text}, select="P002")
    assert not finding.fixable
    assert (finding.reason or "").startswith(f"{path}:{line} builds the image with the build "
                                             "argument PORT set")


def test_p002_adds_expose_where_no_build_script_sets_the_argument() -> None:
    files = {**ARG_PORT, "Makefile": "# PORT=8080 is the release's\nrun:\n\tdocker run -p "
                                     "8000:8000 quotes\n"}
    [finding] = check(files, select="P002")
    assert finding.fixable and finding.reason is None


def _commanded(command: str) -> dict[str, str]:
    """quotes built from an image that starts nothing, run by compose's `command:`."""
    return {**APP, "compose.yaml": "services:\n  quotes:\n    build: ./quotes\n"
                                   f"    command: {command}\n",
            "quotes/Dockerfile": "FROM python:3.12-slim\nCOPY app ./app\nEXPOSE 8080\n"}


@pytest.mark.parametrize("command", [
    pytest.param('bash -c "\n      uvicorn app.main:app\n      --host 0.0.0.0 --port 8000\n'
                 '      "', id="quoted-over-several-lines"),
    pytest.param("uvicorn app.main:app\n      --port 8000", id="plain-over-several-lines"),
    pytest.param("\n      - uvicorn\n      - app.main:app\n      - --port\n      - '8000'",
                 id="block-list"),
])
def test_p002_reads_a_compose_command_over_several_lines_as_yaml_folds_it(command: str) -> None:
    """YAML folds a plain or quoted scalar written over several lines into one line: the
    option lines are the server's, not another process's."""
    [finding] = check(_commanded(command), select="P002")
    assert finding.message == "EXPOSE 8080 but the app listens on 8000"
    assert finding.fixable, finding.reason


def test_p002_a_literal_block_keeps_its_lines_as_commands() -> None:
    """A literal block keeps its line breaks: the shell runs each line as a command."""
    command = ('|\n      sh -c "python mock_api.py --port 9000\n'
               '      exec uvicorn app.main:app --host 0.0.0.0 --port 8000"')
    [finding] = check(_commanded(command), select="P002")
    assert not finding.fixable
    assert (finding.reason or "").startswith("the command also starts another process, "
                                             "which may be what listens on 9000")


def test_p002_names_the_unset_port_an_override_file_runs() -> None:
    """Compose's override file runs the app on `--port ${API_PORT}`: the reason names that
    port as written when no `.env` sets it, never `None`."""
    files = {**APP,
             "compose.yaml": "services:\n  quotes:\n    build: ./quotes\n",
             "compose.override.yaml": "services:\n  quotes:\n    command: [\"uvicorn\", "
                                      "\"app.main:app\", \"--port\", \"${API_PORT}\"]\n",
             "quotes/Dockerfile": "FROM python:3.12-slim\nCOPY app ./app\n"
                                  'CMD ["uvicorn", "app.main:app", "--port", "8000"]\n'}
    [finding] = check(files, select="P002")
    assert not finding.fixable
    assert finding.reason == (
        "quotes listens on `${API_PORT}` (not set) with compose.override.yaml and on 8000 "
        "without it: which port the image documents is the author's call")


@pytest.mark.parametrize("path, text", [
    ("Makefile", "web:\n\tdocker build --build-arg PORT=3000 -t web ./web && docker push web\n"),
    (".github/workflows/web.yml",
     "jobs:\n  web:\n    steps:\n      - uses: docker/build-push-action@v6\n"
     "        with:\n          context: ./web\n          build-args: |\n"
     "            PORT=3000\n      - uses: docker/build-push-action@v6\n"
     "        with:\n          context: ./docs\n"),
])
def test_p002_a_build_argument_of_another_image_does_not_count(path: str, text: str) -> None:
    [finding] = check({**ARG_PORT, path: text}, select="P002")
    assert finding.fixable and finding.reason is None


def test_p002_names_the_service_whose_word_makes_the_shared_script_start_a_server() -> None:
    """`celery.sh worker` and `celery.sh flower` run one script on the app's image; only the
    `flower` branch starts a server: the reason names flower, not the worker listed first."""
    case = GOLDEN / "P002-expose-mismatch/image-shared-with-the-server-a-script-starts-for-one-word"
    code, out, err = run_cli("check", case / "before", "--select", "P002", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert (finding["reason"] or "").startswith(
        "flower builds the same image and runs `/srv/docker/celery.sh flower` "
        "(docker/celery.sh starts a server for some of its arguments)"), (code, err, finding)


@pytest.mark.parametrize(("cmd", "says"), [
    # fixer read the CMD and found no port in it, which the reason says (not "cannot read")
    ('["celery", "-A", "app.worker", "worker"]',
     "runs `celery -A app.worker worker`, in which fixer finds no port"),
    # no port to find in a script that is not there: the reason says it is missing
    ('["bash", "start-api.sh"]', "runs `bash start-api.sh`, a script the repository does not "
                                 "hold"),
])
def test_p002_what_the_images_own_command_runs_is_said(cmd: str, says: str) -> None:
    """The image's own CMD runs no server fixer reads and compose's `command:` runs uvicorn
    on 8000: the reason says what the CMD runs, as fixer read it."""
    files = {**APP,
             "compose.yaml": "services:\n  quotes:\n    build: ./quotes\n"
                             "    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n"
                             "    ports:\n      - \"8000:8000\"\n",
             "quotes/Dockerfile": f"FROM python:3.12-slim\nCOPY . ./\nCMD {cmd}\n"}
    [finding] = check(files, select="P002")
    assert finding.fixable is False
    assert (finding.reason or "").startswith(
        f"the image's own CMD {says}; quotes's `command:` listens on 8000"), finding.reason


def test_p002_an_emptied_entrypoint_leaves_the_command_named() -> None:
    """`entrypoint: ""` clears the image's, and the `command:` runs alone: the reason names
    the command, where the port is written."""
    files = {**APP,
             "compose.yaml": "services:\n  quotes:\n    build: ./quotes\n    entrypoint: \"\"\n"
                             "    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n",
             "quotes/Dockerfile": "FROM python:3.12-slim\nCOPY app ./app\n"
                                  'CMD ["celery", "-A", "app.worker", "worker"]\n'}
    [finding] = check(files, select="P002")
    assert "quotes's `command:` listens on 8000" in (finding.reason or ""), finding.reason


def test_p002_a_word_that_names_the_program_too_picks_its_branch_only(tmp_path: Path) -> None:
    """The worker's word is `celery`, which every line of the script runs: the branch the
    word picks starts the worker, and the one `flower` picks starts the server."""
    case = GOLDEN / "P002-expose-mismatch/image-shared-with-the-server-a-script-starts-for-one-word"
    root = copy_tree(case / "before", tmp_path / "repo")
    (root / "docker" / "celery.sh").write_text(
        '#!/bin/bash\n\nif [[ "${1}" == "celery" ]]; then\n'
        "    celery --app=app.tasks.celery:celery worker -l INFO\n"
        'elif [[ "${1}" == "flower" ]]; then\n'
        "    celery --app=app.tasks.celery:celery flower\nfi\n")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace('celery.sh", "worker', 'celery.sh", "celery'))
    code, out, err = run_cli("check", root, "--select", "P002", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert (finding["reason"] or "").startswith("flower builds the same image"), finding


@pytest.mark.parametrize("read", ['int(os.getenv("PORT", 8000))',
                                  'int(os.environ.get("APP_PORT", "8000"))'])
def test_the_default_of_the_apps_own_port_variable_is_no_second_server(read: str) -> None:
    """`port = int(os.getenv("PORT", 8000))` at the top of the module, then
    `uvicorn.run(app, port=port)`: 8000 is the app's own port, not another server's."""
    variable = "APP_PORT" if "APP_PORT" in read else "PORT"
    files = {"compose.yaml": f'services:\n  api:\n    build: .\n    environment:\n'
                             f'      {variable}: "9000"\n    ports:\n      - "9000:9000"\n',
             "Dockerfile": f"FROM python:3.12\nENV {variable}=8000\nWORKDIR /code\nCOPY . .\n"
                           "RUN pip install fastapi uvicorn\nEXPOSE 8000\n"
                           'CMD ["python", "main.py"]\n',
             "main.py": f"import os\n\nimport uvicorn\nfrom fastapi import FastAPI\n\n"
                        f"port = {read}\n\napp = FastAPI()\n\n\n"
                        'if __name__ == "__main__":\n'
                        '    uvicorn.run(app, host="0.0.0.0", port=port)\n'}
    [finding] = check(files, select="P002")
    assert finding.reason is not None
    assert finding.reason.startswith("the image's own port is 8000, which its EXPOSE documents")
