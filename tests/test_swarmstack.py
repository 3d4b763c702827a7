"""Which compose files a build script deploys as a Swarm stack (`docker stack deploy -c`)."""

from __future__ import annotations

import pytest

from fixer.core.config import Config
from fixer.facts.image.swarmstack import list_only, swarm_deploy
from fixer.model.workspace import Workspace
from kit import Files, check, tree

COMPOSE = "services:\n  api:\n    image: nginx\n"


def load(files: Files) -> Workspace:
    return Workspace.load(tree(files), Config())


def deployed(script: str, body: str, composes: tuple[str, ...]) -> list[str]:
    files: dict[str, str] = {path: COMPOSE for path in composes}
    files[script] = body
    ws = load(files)
    return [path for path in composes if swarm_deploy(ws, path) is not None]


FILES = ("docker-compose.yml", "deploy/stack.yml", "docker-compose.prod.yml")


@pytest.mark.parametrize(("script", "body", "expected"), [
    pytest.param("Makefile", "deploy:\n\tdocker stack deploy -c docker-compose.yml app\n",
                 ["docker-compose.yml"], id="makefile"),
    pytest.param("Makefile", "deploy:\n\tdocker stack deploy --compose-file=./deploy/stack.yml "
                 "app\n", ["deploy/stack.yml"], id="long-option"),
    pytest.param("deploy/run.sh", "#!/bin/sh\ndocker stack deploy -c stack.yml \\\n"
                 "  -c ../docker-compose.prod.yml app\n",
                 ["deploy/stack.yml", "docker-compose.prod.yml"], id="script-folder-continued"),
    pytest.param(".github/workflows/cd.yml", "jobs:\n  d:\n    steps:\n      - run: cd deploy "
                 "&& docker stack deploy -c stack.yml app\n", ["deploy/stack.yml"],
                 id="ci-from-the-root-after-cd"),
    pytest.param("Makefile", "deploy:\n\tdocker stack deploy -c $(STACK_FILE) app\n",
                 list(FILES), id="a-variable-may-name-any"),
    pytest.param("deploy.sh", "cd infra\ndocker stack deploy -c stack.yml app\n",
                 ["deploy/stack.yml"], id="moved-folder-by-name"),
    pytest.param("Makefile", "deploy:\n\t# docker stack deploy -c docker-compose.yml app\n"
                 "\tdocker compose -f docker-compose.yml up -d\n", [], id="comment"),
    pytest.param("Makefile", "up:\n\tdocker compose -c docker-compose.yml up\n", [],
                 id="compose-is-no-stack-deploy"),
])
def test_the_files_a_stack_deploy_names(script: str, body: str, expected: list[str]) -> None:
    assert deployed(script, body, FILES) == expected


RENDER = ("#!/bin/sh\nset -e\nDOMAIN=${{DOMAIN?Variable not set}} \\\n{config}\n\n"
          "docker stack deploy -c docker-stack.yml --with-registry-auth app\n")


@pytest.mark.parametrize(("config", "expected"), [
    pytest.param("docker-compose \\\n-f docker-compose.yml \\\nconfig > docker-stack.yml",
                 ["docker-compose.yml"], id="continued-redirect"),
    pytest.param("docker compose -f docker-compose.prod.yml config -o docker-stack.yml",
                 ["docker-compose.prod.yml"], id="output-option"),
    pytest.param("docker compose config --output=docker-stack.yml",
                 ["docker-compose.yml"], id="default-files"),
    pytest.param("docker compose -f docker-compose.yml config > other.yml", [],
                 id="renders-another-file"),
    pytest.param("docker compose -f docker-compose.yml up -d > docker-stack.log", [],
                 id="no-config-command"),
])
def test_a_stack_file_a_config_command_renders_stands_for_its_compose_files(
        config: str, expected: list[str]) -> None:
    """`docker-compose -f docker-compose.yml config > docker-stack.yml`, then `docker stack
    deploy -c docker-stack.yml`: the long form written in docker-compose.yml reaches the
    deploy."""
    assert deployed("deploy.sh", RENDER.format(config=config),
                    FILES) == expected


def test_a_script_in_a_folder_renders_the_files_it_names_not_the_override() -> None:
    """`scripts/deploy.sh` runs `-f docker-compose.yml config` from the root, where that
    file is: it renders docker-compose.yml, and Compose, given `-f`, never loads the
    override file beside it (whose long forms reach no Swarm)."""
    files = (*FILES, "docker-compose.override.yml")
    assert deployed("scripts/deploy.sh", RENDER.format(
        config="docker-compose -f docker-compose.yml config > docker-stack.yml"),
        files) == ["docker-compose.yml"]


def test_the_reason_says_the_file_is_rendered() -> None:
    ws = load({"docker-compose.yml": COMPOSE, "deploy.sh": RENDER.format(
        config="docker-compose -f docker-compose.yml config > docker-stack.yml")})
    assert list_only(ws, "docker-compose.yml") == (
        "`docker stack deploy -c docker-stack.yml --with-registry-auth app` (deploy.sh:6) "
        "deploys docker-compose.yml through the file a `config` command renders from it as a "
        "Swarm stack, whose schema takes `depends_on` only as a list of names: the long form "
        "would stop that deploy (Swarm ignores `depends_on`)")


def test_the_reason_names_the_command_and_its_line() -> None:
    ws = load({"docker-compose.yml": COMPOSE,
               "Makefile": "build:\n\tdocker compose build\n\n"
                           "deploy:\n\tdocker stack deploy -c docker-compose.yml shop\n"})
    assert list_only(ws, "docker-compose.yml") == (
        "`docker stack deploy -c docker-compose.yml shop` (Makefile:5) deploys "
        "docker-compose.yml as a Swarm stack, whose schema takes `depends_on` only as a list "
        "of names: the long form would stop that deploy (Swarm ignores `depends_on`)")


APP = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/health\")\n"
       "def health():\n    return {\"status\": \"ok\"}\n")
DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt .\n"
              "RUN pip install -r requirements.txt\nCOPY app ./app\nEXPOSE 8000\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
HEALTHCHECK = ('    healthcheck:\n      test: ["CMD", "python", "-c", "import urllib.request; '
               "urllib.request.urlopen('http://127.0.0.1:8000/health')\"]\n")


def stack(deploy: str) -> dict[str, str]:
    """web waits for api, which has a healthcheck, with a short list."""
    return {"docker-compose.yml": "services:\n  api:\n    build: ./api\n" + HEALTHCHECK +
                                  "  web:\n    build: ./web\n    depends_on:\n      - api\n",
            "Makefile": f"deploy:\n\t{deploy}\n",
            **{f"{s}/{name}": text for s in ("api", "web") for name, text in
               (("Dockerfile", DOCKERFILE), ("requirements.txt", "fastapi\nuvicorn\n"),
                ("app/__init__.py", ""), ("app/main.py", APP))}}


def test_c003_leaves_a_swarm_stacks_list_alone() -> None:
    """The long form would stop `docker stack deploy`; deployed otherwise, it is a finding."""
    assert [f.code for f in check(stack("docker stack deploy -c docker-compose.yml app"),
                                  select="C003")] == []
    assert [f.code for f in check(stack("docker compose -f docker-compose.yml up -d"),
                                  select="C003")] == ["C003"]


SWARM_REASON = ("`docker stack deploy -c docker-compose.yml app` (Makefile:2) deploys "
                "docker-compose.yml as a Swarm stack, whose schema takes `depends_on` only as "
                "a list of names: the long form would stop that deploy (Swarm ignores "
                "`depends_on`)")


def test_c005_and_c001_write_no_long_form_into_a_swarm_stack() -> None:
    """C005 would gate api's list on the probe it gives db; C001 would add a `depends_on`
    mapping beside the database it adds: both display-only, with the command named."""
    files = stack("docker stack deploy -c docker-compose.yml app")
    files["docker-compose.yml"] = (
        "services:\n  db:\n    image: postgres:17-alpine\n    environment:\n"
        "      POSTGRES_PASSWORD: example\n  api:\n    build: ./api\n" + HEALTHCHECK +
        "    environment:\n      DATABASE_URL: postgresql://postgres:example@db:5432/postgres\n"
        "    depends_on:\n      - db\n")
    [c005] = check(files, select="C005")
    assert (c005.fixable, c005.reason) == (False, f"the depends_on of api stays as written: "
                                                  f"{SWARM_REASON}")
    files["docker-compose.yml"] = (
        "services:\n  api:\n    build: ./api\n" + HEALTHCHECK +
        "    environment:\n      DATABASE_URL: postgresql://app:secret@pg:5432/app\n")
    [c001] = check(files, select="C001")
    assert (c001.fixable, c001.reason) == (False, f"api cannot be made to wait for pg: "
                                                  f"{SWARM_REASON}")
