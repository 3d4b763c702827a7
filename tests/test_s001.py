"""S001 missing-dockerfile: a case-only mismatch is corrected in compose; otherwise a standard
FastAPI Dockerfile is written that serves the app on the port compose expects."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from fixer.core.edits import splice
from fixer.facts.image import compose_build
from fixer.model.rule import Finding
from kit import calls, check, fix
from support import assert_compose_accepts, run_cli, write_tree

MAIN = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\n"
        "def health() -> dict[str, str]:\n    return {'status': 'ok'}\n")
DOCKERFILE = 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app"]\n'


def repo(compose: str, files: dict[str, str]) -> dict[str, str]:
    return {"docker-compose.yml": compose, **files}


def findings(files: dict[str, str | bytes]) -> list[Finding]:
    return check(files, select="S001")


def unchanged(files: dict[str, str], unsafe: bool = False) -> list[Finding]:
    """`fixer fix --select S001` changes nothing and fails nothing; what is left."""
    outcome = fix(files, select="S001", unsafe=unsafe)
    assert (outcome.diff, outcome.clean) == ("", True), outcome
    return outcome.remaining


REFERENCES = [
    pytest.param("services:\n  api:\n    build: api\n", "api/DockerFile",
                 "services:\n  api:\n    build:\n      context: api\n      dockerfile: DockerFile\n",
                 id="string-build"),
    # a name compose gives is matched exactly, but for `Dockerfile` (see below)
    pytest.param("services:\n  api:\n    build:\n      context: api\n      dockerfile: Dockerfile\n",
                 "api/DockerFile",
                 "services:\n  api:\n    build:\n      context: api\n"
                 "      dockerfile: DockerFile\n", id="explicit-default-name"),
    pytest.param("services:\n  api:\n    build:\n      context: api\n"
                 "      dockerfile: Dockerfile.prod\n", "api/dockerfile.prod",
                 "services:\n  api:\n    build:\n      context: api\n"
                 "      dockerfile: dockerfile.prod\n", id="no-fallback-for-another-name"),
    pytest.param("services:\n    api:\n        build: {context: api}\n", "api/DOCKERFILE",
                 "services:\n    api:\n        build: {context: api, dockerfile: DOCKERFILE}\n",
                 id="flow-mapping"),
    pytest.param("services:\n  api:\n    build:\n      args: {A: '1'}\n      context: .\n"
                 "      dockerfile: 'docker/Dockerfile.Prod'\n", "docker/Dockerfile.prod",
                 "services:\n  api:\n    build:\n      args: {A: '1'}\n      context: .\n"
                 "      dockerfile: 'docker/Dockerfile.prod'\n", id="quoted-subfolder-path"),
    pytest.param("services:\n  api:\n    build:\n      shm_size: 1gb\n", "DockerFile",
                 "services:\n  api:\n    build:\n      dockerfile: DockerFile\n"
                 "      shm_size: 1gb\n",
                 id="mapping-without-context"),
    # a folded `build:` is one value: it becomes `context:` on one line, and the keys after
    # it stay where they were (its end mark lies past its line break)
    pytest.param("services:\n  api:\n    build: >-\n      api\n    ports:\n      - 8000:8000\n",
                 "api/DockerFile",
                 "services:\n  api:\n    build:\n      context: api\n      dockerfile: DockerFile\n"
                 "    ports:\n      - 8000:8000\n", id="folded-build"),
]


@pytest.mark.parametrize(("compose", "file", "after"), REFERENCES)
def test_s001_fixes_the_reference(compose: str, file: str, after: str) -> None:
    files = repo(compose, {file: DOCKERFILE})
    assert findings(files)[0].safety.value == "safe"
    outcome = fix(files, select="S001")
    assert outcome.clean and outcome.applied
    assert outcome.files == {"docker-compose.yml": after}
    assert findings(outcome.tree) == []


@pytest.mark.parametrize(("compose", "file", "after"), REFERENCES)
def test_s001_builds_its_compose_edit_only_when_the_fix_is_applied(
        monkeypatch: pytest.MonkeyPatch, compose: str, file: str, after: str) -> None:
    """`fixer check` judges the reference edit (an alias, an interpolation, where the key
    goes) from the compose nodes and renders nothing: compose_build makes the edits only
    when the fix is built."""
    noted = calls(monkeypatch, compose_build, "TextEdit")
    [finding] = findings(repo(compose, {file: DOCKERFILE}))
    assert (finding.safety.value, noted) == ("safe", [])
    edits = list(finding.edits())
    made = [edit for _, edit in noted]
    assert edits == made and splice(compose, made) == after


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize(("compose", "file", "after"), REFERENCES)
def test_s001_compose_accepts_the_corrected_reference(tmp_path: Path, compose: str, file: str,
                                                      after: str) -> None:
    outcome = fix(repo(compose, {file: DOCKERFILE}), select="S001")
    assert outcome.text("docker-compose.yml") == after
    assert_compose_accepts(write_tree(tmp_path, outcome.tree))


@pytest.mark.parametrize(("compose", "files", "reason"), [
    pytest.param("services:\n  api:\n    build: ./api\n", {"api/DockerFile": "", "api/DOCKERFILE": ""},
                 "several files", id="two-case-variants"),
    pytest.param("services:\n  api:\n    build: ./gone\n", {"other/x": ""}, "does not exist",
                 id="missing-context"),
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n"
                 "      dockerfile: ..\\\\docker\\\\api.Dockerfile\n",
                 {"api/x": "", "docker/api.Dockerfile": DOCKERFILE},
                 "is written with `\\`, a Windows separator", id="backslash-path"),
    pytest.param("services:\n  api:\n    build:\n      context: .\\api\n"
                 "      dockerfile: Dockerfile\n", {"api/Dockerfile": DOCKERFILE},
                 "`.\\api` is written with `\\`", id="backslash-context"),
    pytest.param("services:\n  api:\n    build: ./inference\n", {"Inference/Dockerfile": ""},
                 "the build context inference does not exist; Inference differs from it only "
                 "in case", id="context-differs-only-in-case"),
    pytest.param("services:\n  orders:\n    build: ./orders\n",
                 {"1_orders/Dockerfile": DOCKERFILE, "2_payments/Dockerfile": DOCKERFILE},
                 "the build context orders does not exist; 1_orders/ beside it, named after it "
                 "with a prefix, holds Dockerfile: if the folder was renamed, point `build:` "
                 "at it", id="context-renamed-with-a-prefix"),
    pytest.param("x-build: &b\n  context: ./api\nservices:\n  api:\n    build: *b\n",
                 {"api/DockerFile": DOCKERFILE}, "YAML alias", id="alias"),
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ${DF:-Dockerfile}\n",
                 {"api/DockerFile": DOCKERFILE}, "interpolated", id="interpolated"),
    pytest.param("services:\n  api:\n    build: >-  # the API\n      api\n",
                 {"api/DockerFile": DOCKERFILE}, "comment on its header", id="folded-commented"),
    pytest.param("services:\n  web:\n    build: ./web\n", {"web/package.json": "{}\n"},
                 "holds package.json, not a FastAPI service", id="node-service"),
    pytest.param("services:\n  admin:\n    build: ./admin\n",
                 {"admin/main.py": "from flask import Flask\n\napp = Flask(__name__)\n",
                  "admin/requirements.txt": "flask\n"},
                 "admin/main.py builds no FastAPI app", id="flask-app"),
    # the author's recipe in a folder of the context says more than the module's kind
    pytest.param("services:\n  admin:\n    build: ./admin\n",
                 {"admin/main.py": "print('hello')\n", "admin/docker/Dockerfile.dev": DOCKERFILE},
                 "holds admin/docker/Dockerfile.dev", id="recipe-below-a-non-app-module"),
    # a relative context with one `..` too few: the Dockerfile it names is found from the
    # folder above, never the service's own recipe in the context
    pytest.param("services:\n  tests:\n    build:\n      context: ./orders\n"
                 "      dockerfile: orders/tests/docker/Dockerfile.test\n",
                 {"orders/tests/docker/Dockerfile.test": DOCKERFILE,
                  "orders/Dockerfile": DOCKERFILE, "orders/main.py": MAIN},
                 "the build context looks one level off: the Dockerfile it names exists from "
                 "the repository root (orders/tests/docker/Dockerfile.test)", id="context-off-one"),
    pytest.param("services:\n  tests:\n    build:\n      context: services/orders\n"
                 "      dockerfile: docker/Dockerfile\n",
                 {"docker/Dockerfile": DOCKERFILE, "services/orders/main.py": MAIN},
                 "looks 2 levels off: the Dockerfile it names exists from the repository root "
                 "(docker/Dockerfile)", id="context-off-two"),
    # a bare `Dockerfile` above the context is most often another service's
    pytest.param("services:\n  admin:\n    build:\n      context: ./admin\n"
                 "      dockerfile: Dockerfile\n",
                 {"Dockerfile": DOCKERFILE, "admin/main.py": "print('hello')\n"},
                 "admin/main.py builds no FastAPI app", id="bare-dockerfile-above"),
    # Podman's name, which Docker's builders do not look for
    pytest.param("services:\n  api:\n    build: ./api\n",
                 {"api/Containerfile": DOCKERFILE, "api/main.py": MAIN},
                 "holds api/Containerfile", id="containerfile"),
    # variants written with a dash or an underscore (`Dockerfile-dev`, `Dockerfile_prod`)
    # beside where the missing file would be: the author's recipes, as `Dockerfile.dev` is
    pytest.param("services:\n  api:\n    build: .\n",
                 {"Dockerfile-dev": DOCKERFILE, "Dockerfile_prod": DOCKERFILE,
                  "main.py": "from internal.app import create_app\n\napp = create_app()\n"},
                 "the build context holds 2 Dockerfiles (Dockerfile-dev, Dockerfile_prod)",
                 id="dash-and-underscore-variants"),
    # the dev file builds it from dev.Dockerfile, beside prod.Dockerfile: the dev file's
    # recipe is no answer for the prod file, which names none of them
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n"
                 "      dockerfile: Dockerfile\n",
                 {"docker-compose.dev.yml": "services:\n  api:\n    build:\n"
                  "      context: ./api\n      dockerfile: dev.Dockerfile\n",
                  "api/dev.Dockerfile": DOCKERFILE, "api/prod.Dockerfile": DOCKERFILE,
                  "api/main.py": MAIN},
                 "docker-compose.dev.yml builds api from api/dev.Dockerfile, and the build "
                 "context holds 2 Dockerfiles (api/dev.Dockerfile, api/prod.Dockerfile)",
                 id="another-file-builds-one-of-several-variants"),
    # a leading `/` typo: the file it meant is in the context, not the root Dockerfile
    pytest.param("services:\n  api:\n    build:\n      context: .\n"
                 "      dockerfile: /dev/Dockerfile\n",
                 {"dev/Dockerfile": DOCKERFILE, "Dockerfile": DOCKERFILE, "main.py": MAIN},
                 "`/dev/Dockerfile` is an absolute path, which Compose reads outside the build "
                 "context; dev/Dockerfile is in the context", id="leading-slash-typo"),
    # one context for all, each service's Dockerfile in its own folder: another service's
    # is never this one's recipe
    pytest.param("services:\n  users:\n    build:\n      context: .\n"
                 "      dockerfile: ./users/Dockerfile\n  orders:\n    build:\n"
                 "      context: .\n      dockerfile: ./orders/Dockerfile\n",
                 {"orders/Dockerfile": DOCKERFILE, "orders/main.py": MAIN},
                 "users/, the folder of its Dockerfile, is not in the repository: the "
                 "service's code is not there to build", id="service-folder-missing"),
    # the folder the path names is missing, not the code: the context holds the app, and a
    # Dockerfile of its own where there is one
    pytest.param("services:\n  api:\n    build:\n      context: .\n"
                 "      dockerfile: docker/Dockerfile\n",
                 {"Dockerfile": DOCKERFILE, "main.py": MAIN},
                 "the build context holds Dockerfile: point `build:` at the Dockerfile",
                 id="folder-missing-beside-the-contexts-own-dockerfile"),
    pytest.param("services:\n  api:\n    build:\n      context: .\n"
                 "      dockerfile: docker/prod/Dockerfile\n", {"main.py": MAIN},
                 "docker/prod/, the folder of its Dockerfile, is not in the repository",
                 id="folder-missing-beside-the-code"),
    pytest.param("services:\n  users:\n    build:\n      context: .\n"
                 "      dockerfile: ./users/Dockerfile\n  orders:\n    build:\n"
                 "      context: .\n      dockerfile: ./orders/Dockerfile\n",
                 {"orders/Dockerfile": DOCKERFILE, "orders/main.py": MAIN, "users/main.py": MAIN},
                 "the Dockerfiles in the build context are other services' (orders/Dockerfile "
                 "is what orders builds): none is users's", id="others-dockerfiles"),
])
def test_s001_display_only(compose: str, files: dict[str, str], reason: str) -> None:
    found = findings(repo(compose, files))
    assert len(found) == 1 and not found[0].fixable
    [left] = unchanged(repo(compose, files), unsafe=True)
    assert reason in (left.reason or "")


def test_s001_noop_when_the_dockerfile_exists_or_is_inline() -> None:
    present = repo("services:\n  api:\n    build: ./api\n", {"api/Dockerfile": DOCKERFILE})
    inline = repo("services:\n  api:\n    build:\n      context: ./api\n"
                  "      dockerfile_inline: FROM python:3.12-slim\n", {"api/main.py": MAIN})
    image_only = repo("services:\n  db:\n    image: postgres:17\n", {})
    for files in (present, inline, image_only):
        assert findings(files) == []


@pytest.mark.parametrize("context", ["https://github.com/acme/auth.git#main:svc",
                                     "git@github.com:acme/auth.git", "github.com/acme/auth"])
def test_s001_noop_for_a_remote_context(context: str) -> None:
    # Compose hands a git context to the builder (`config` leaves it as written)
    assert findings(repo(f"services:\n  auth:\n    build:\n      context: {context}\n",
                         {"github.com/readme.txt": "not the context\n"})) == []


@pytest.mark.parametrize(("compose", "files"), [
    pytest.param("services:\n  api:\n    build: ./api\n", {"api/dockerfile": DOCKERFILE},
                 id="string-build"),
    pytest.param("services:\n  api:\n    build:\n      shm_size: 1gb\n", {"dockerfile": DOCKERFILE},
                 id="root-context"),
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ''\n",
                 {"api/dockerfile": DOCKERFILE}, id="empty-name-is-the-default"),
    pytest.param("services:\n  api:\n    build:\n      context: api\n"
                 "      dockerfile: Dockerfile\n", {"api/dockerfile": DOCKERFILE},
                 id="default-name-written-out"),
    pytest.param("services:\n  api:\n    build:\n      context: .\n"
                 "      dockerfile: docker/api/Dockerfile\n",
                 {"docker/api/dockerfile": DOCKERFILE}, id="named-in-a-subfolder"),
])
def test_s001_noop_when_the_builders_fall_back_to_lowercase(compose: str,
                                                           files: dict[str, str]) -> None:
    """When the Dockerfile is named `Dockerfile` (by default or written out), BuildKit,
    buildx and the classic builder read `dockerfile` beside it when there is no
    `Dockerfile` (moby#10858): the build works, there is nothing to fix."""
    assert findings(repo(compose, files)) == []
    assert unchanged(repo(compose, files), unsafe=True) == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def generated_repo(port: int) -> dict[str, str]:
    compose = (f"services:\n  billing:\n    build: ./billing\n    ports:\n      - \"{port}:{port}\"\n"
               f"    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:{port}/health\"]\n")
    return repo(compose, {"billing/app/__init__.py": "", "billing/app/main.py": MAIN,
                          "billing/requirements.txt": "fastapi\nuvicorn\n"})


def generated(port: int) -> dict[str, bytes]:
    """The repository after `fixer fix --select S001 --unsafe-fixes` wrote its Dockerfile."""
    outcome = fix(generated_repo(port), select="S001", unsafe=True)
    assert outcome.clean and outcome.applied, outcome
    return outcome.tree


def test_generated_dockerfile_satisfies_the_port_rules() -> None:
    files = generated_repo(8010)
    assert findings(files)[0].safety.value == "unsafe"
    assert unchanged(files)  # unsafe: not by default
    after = generated(8010)
    text = after["billing/Dockerfile"].decode()
    assert text.startswith("FROM python:3.12-slim\n") and "EXPOSE 8010\n" in text
    assert check(after, select=("S001", "P001", "P002")) == []
    assert fix(after, select="S001", unsafe=True).diff == ""


@pytest.mark.slow
def test_generated_cmd_serves_the_app_on_the_compose_port(tmp_path: Path) -> None:
    """Run the generated CMD as the container would (in the folder COPY puts at WORKDIR) and
    call the health route on the port compose publishes."""
    port = free_port()
    repo = write_tree(tmp_path, generated(port))
    cmd = next(line for line in (repo / "billing" / "Dockerfile").read_text().splitlines()
               if line.startswith("CMD "))
    argv = json.loads(cmd[len("CMD "):])
    assert argv[0] == "uvicorn"
    argv = [sys.executable, "-m", "uvicorn", *argv[1:]]
    argv[argv.index("--host") + 1] = "127.0.0.1"  # loopback only in tests
    server = subprocess.Popen(argv, cwd=repo / "billing", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        body = _get(f"http://127.0.0.1:{port}/health", deadline=time.monotonic() + 20)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert json.loads(body) == {"status": "ok"}
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    assert compose["services"]["billing"]["ports"] == [f"{port}:{port}"]


def _get(url: str, deadline: float) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            assert time.monotonic() < deadline, f"nothing answers on {url}"
            time.sleep(0.2)


@pytest.mark.parametrize("recipe", ["app/Dockerfile", "docker/api.Dockerfile", "AuthDockerfile",
                                    "Dockerfile.prod"])
def test_s001_writes_no_stock_dockerfile_beside_the_authors_recipe(recipe: str) -> None:
    """compose names a Dockerfile that is not there, but the context holds the author's own
    under another name or folder: a stock file would replace it (D001 would then delete
    theirs as a stray copy). Display-only, naming it."""
    files = repo("services:\n  api:\n    build: ./api\n",
                 {f"api/{recipe}": DOCKERFILE, "api/app/__init__.py": "",
                  "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"})
    [finding] = findings(files)
    assert not finding.fixable and f"holds api/{recipe}" in (finding.reason or ""), finding


@pytest.mark.parametrize(("dockerfile", "dotenv", "reported"), [
    # Compose refuses to run without APP_ENV: each deployment gives it, no file is missing
    pytest.param("Dockerfile.${APP_ENV:?set APP_ENV}", None, False, id="required-unset"),
    pytest.param("Dockerfile.$APP_ENV", None, False, id="bare-unset"),
    pytest.param("Dockerfile.${APP_ENV}", "APP_ENV=staging\n", True, id="set-by-dotenv"),
    pytest.param("Dockerfile.${APP_ENV:-staging}", None, True, id="default"),
])
def test_s001_a_dockerfile_named_by_an_unset_variable(dockerfile: str, dotenv: str | None,
                                                      reported: bool) -> None:
    files = {"compose.yaml": "services:\n  api:\n    build:\n      context: ./backend\n"
                             f"      dockerfile: {dockerfile}\n",
             "backend/Dockerfile.dev": "FROM python:3.12\n",
             "backend/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
             **({".env": dotenv} if dotenv else {})}
    assert [f.code for f in check(files, select="S001")] == (["S001"] if reported else [])


@pytest.mark.parametrize(("makefile", "reported"), [
    pytest.param("up:\n\tdocker compose --project-directory . -f infra/docker-compose.yml up\n",
                 False, id="project-directory-root"),
    pytest.param("up:\n\tdocker compose -f infra/docker-compose.yml up\n", True,
                 id="no-project-directory"),
])
def test_s001_reads_the_project_directory_the_scripts_give(makefile: str, reported: bool) -> None:
    """Compose run with `--project-directory .` resolves `context: .` from the root: the
    Dockerfile is there, not missing."""
    files = {"infra/docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n"
                                         "      dockerfile: infra/Dockerfile\n",
             "infra/Dockerfile": "FROM python:3.12\n", "Makefile": makefile,
             "src/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
    assert [f.code for f in check(files, select="S001")] == (["S001"] if reported else [])


BACKEND = "services:\n  backend:\n    build:\n      context: backend\n"
DEV = "  backend-dev:\n    extends:\n{}    build:\n      target: dev\n"


@pytest.mark.parametrize("compose", [
    pytest.param({"docker-compose.yml": BACKEND, "docker-compose.dev.yml": "services:\n" + DEV
                  .format("      file: docker-compose.yml\n      service: backend\n")},
                 id="other-file"),
    pytest.param({"docker-compose.yml": BACKEND + DEV.format("      service: backend\n")},
                 id="same-file"),
])
def test_s001_stands_back_for_a_service_that_extends_another(compose: dict[str, str]) -> None:
    """`extends:` merges the extended service's build under the service's own: a `build:`
    that only sets `target` keeps `context: backend`, so no context '.' is judged."""
    files = {**compose, "backend/Dockerfile": DOCKERFILE, "backend/app/main.py": MAIN}
    assert findings(files) == []


@pytest.mark.parametrize(("gitmodules", "reported"), [
    pytest.param('[submodule "auth"]\n\tpath = services/auth\n\turl = ../auth.git\n', False,
                 id="declared-submodule"),
    pytest.param('[submodule "mail"]\n\tpath = services/mail\n\turl = ../mail.git\n', True,
                 id="another-submodule"),
    pytest.param(None, True, id="no-gitmodules"),
])
def test_s001_a_context_in_a_submodule_comes_with_it(gitmodules: str | None,
                                                     reported: bool) -> None:
    """A clone without `git submodule update --init` lacks the submodule's files: its
    Dockerfile comes with the submodule, and is no defect of the repository."""
    files = {"docker-compose.yml": "services:\n  auth:\n    build: ./services/auth\n"}
    if gitmodules is not None:
        files[".gitmodules"] = gitmodules
    assert [f.code for f in check(files, select="S001")] == (["S001"] if reported else [])


def test_s001_points_at_the_dockerfile_it_names() -> None:
    """At the `dockerfile:` value, not at the `context:` line above it."""
    compose = ("services:\n  api:\n    build:\n      context: .\n"
               "      dockerfile: api/dockerfile\n")
    files = {"compose.yaml": compose, "api/Dockerfile": "FROM python:3.12-slim\n"}
    [finding] = check(files, select="S001")
    assert (finding.line, finding.column) == (5, 19)


TYPO_BASE = ("services:\n  db:\n    image: postgres:16\n  api:\n    build:\n"
             "      context: ./svc\n      dockerfile: api-typo/Dockerfile\n")
CI_DB = "  db:\n    ports: []\n"


@pytest.mark.parametrize(("base", "overlay", "makefile", "reported"), [
    pytest.param("docker-compose.yml", "    build:\n      context: ./svc\n"
                 "      dockerfile: api/Dockerfile\n" + CI_DB, None, True,
                 id="default-base-overlay-also-of-an-image-service"),
    pytest.param("docker-compose.yml", "    build:\n      dockerfile: api/Dockerfile\n", None,
                 True, id="default-base-overlay-only-swaps-the-dockerfile"),
    pytest.param("docker-compose.base.yml", "    build:\n      context: ./svc\n"
                 "      dockerfile: api/Dockerfile\n" + CI_DB, None, False,
                 id="base-only-given-with-its-overlay"),
    pytest.param("docker-compose.base.yml", "    build:\n      context: ./svc\n"
                 "      dockerfile: api/Dockerfile\n" + CI_DB,
                 "up:\n\tdocker compose -f docker-compose.base.yml up\n", True,
                 id="a-script-runs-the-base-alone"),
    pytest.param("docker-compose.base.yml", "    build:\n      context: ./svc\n"
                 "      dockerfile: api/Dockerfile\n" + CI_DB,
                 "up:\n\tdocker compose -f docker-compose.base.yml -f docker-compose.ci.yml up\n",
                 False, id="a-script-runs-the-base-with-its-overlay"),
])
def test_s001_judges_the_base_as_it_runs_without_a_build_overlay(
        base: str, overlay: str, makefile: str | None, reported: bool) -> None:
    """`docker compose up` builds docker-compose.yml's Dockerfile whatever a `-f` overlay
    builds instead: the base file runs alone too, and is judged so."""
    files = {base: TYPO_BASE, "docker-compose.ci.yml": "services:\n  api:\n" + overlay,
             "svc/api/Dockerfile": DOCKERFILE, "svc/api/app/main.py": MAIN,
             **({"Makefile": makefile} if makefile else {})}
    found = [(f.path, f.line) for f in findings(files)]
    assert found == ([(base, 7)] if reported else [])


def test_a_compose_file_that_builds_the_service_from_an_existing_dockerfile_is_named() -> None:
    """The base names `orders/Dockerfile`, which is gone; the CI overlay builds the same
    context from `orders-service/Dockerfile`: the reason points there rather than saying
    the service's code is not in the repository."""
    case = Path(__file__).parent.parent / "golden" / "S001-missing-dockerfile" / \
        "noop-a-ci-overlay-builds-it-from-the-dockerfile-that-exists" / "before"
    files = {str(p.relative_to(case)): p.read_text(encoding="utf-8")
             for p in case.rglob("*") if p.is_file()}
    [finding] = check(files, select="S001")
    assert finding.reason == (
        "docker-compose.ci.yml builds orders from services/orders-service/Dockerfile: point "
        "`build.dockerfile` at it (`dockerfile: orders-service/Dockerfile`)"), finding.reason


@pytest.mark.parametrize(("extra", "said"), [
    ({".gitignore": ".env\n"}, True),
    ({".gitignore": ".env\n", ".dockerignore": ".env\n"}, False),
    ({}, False)])
def test_s001_stock_dockerfile_names_a_secrets_file_its_copy_would_take(
        tmp_path: Path, extra: dict[str, str], said: bool) -> None:
    """`COPY . .` with no .dockerignore puts a `.env` git keeps out of the repository into
    the image: the unsafe fix's reason says so, where git ignores one in the context."""
    root = write_tree(tmp_path, repo("services:\n  api:\n    build: .\n    ports: ['8000:8000']\n",
                                     {"app/__init__.py": "", "app/main.py": MAIN,
                                      "requirements.txt": "fastapi\nuvicorn\n", **extra}))
    code, out, err = run_cli("check", root, "--select", "S001", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert finding["fix"]["safety"] == "unsafe", (code, err)
    assert ("its `COPY . .` would put .env, which git ignores, into the image"
            in (finding["reason"] or "")) == said, finding["reason"]


def test_s001_a_context_with_no_requirements_is_said_to_each_service_building_it() -> None:
    """api and worker build one context that lists no requirements and whose code imports
    celery: api's fix is display-only for it, so the worker's reason says the same, not
    that api's fix writes the file."""
    files = {"compose.yaml": "services:\n  worker:\n    build: ./src\n"
                             "    command: celery --app=tasks worker\n  api:\n"
                             "    build: ./src\n    ports: [\"8001:8001\"]\n"
                             "    command: uvicorn main:app --host 0.0.0.0 --port 8001\n",
             "src/main.py": "from fastapi import FastAPI\n\nfrom tasks import app as jobs\n\n"
                            "app = FastAPI()\n",
             "src/tasks.py": "from celery import Celery\n\napp = Celery('tasks')\n"}
    found = check(files, select="S001")
    assert [f.service for f in found] == ["worker", "api"]
    assert all((f.reason or "").startswith("the build context has no requirements.txt")
               for f in found), [f.reason for f in found]


def test_s001_a_missing_dockerfile_folder_beside_the_code_does_not_say_the_code_is_missing(
        ) -> None:
    compose = ("services:\n  api:\n    build:\n      context: .\n"
               "      dockerfile: docker/prod/Dockerfile\n")
    [left] = unchanged(repo(compose, {"main.py": MAIN}), unsafe=True)
    assert "docker/prod/, the folder of its Dockerfile, is not in the repository" in \
        (left.reason or "")
    assert "code is not there" not in (left.reason or ""), left.reason


@pytest.mark.parametrize(("files", "base"), [
    ({"billing/pyproject.toml": "[project]\nname = 'billing'\nrequires-python = '>=3.13'\n"},
     "python:3.13-slim"),
    ({"billing/.python-version": "3.14\n"}, "python:3.14-slim"),
    # an older floor keeps the stock base
    ({"billing/pyproject.toml": "[project]\nname = 'billing'\nrequires-python = '>=3.9'\n"},
     "python:3.12-slim"),
])
def test_generated_dockerfile_runs_the_python_the_project_asks_for(
        files: dict[str, str], base: str) -> None:
    outcome = fix({**generated_repo(8010), **files}, select="S001", unsafe=True)
    assert outcome.clean and outcome.applied, outcome
    assert outcome.tree["billing/Dockerfile"].decode().startswith(f"FROM {base}\n")


def test_a_command_run_through_a_project_runner_gets_no_stock_dockerfile() -> None:
    compose = ("services:\n  api:\n    build: ./api\n    command: >\n      bash -lc \"\n"
               "      uv run uvicorn app.main:app --host 0.0.0.0 --port 8000\n      \"\n")
    files = repo(compose, {"api/app/__init__.py": "", "api/app/main.py": MAIN,
                           "api/pyproject.toml": "[project]\nname = 'api'\n"})
    [left] = unchanged(files, unsafe=True)
    assert "its compose `command:` runs `uv run`, which a stock Dockerfile's image" in \
        (left.reason or "")
