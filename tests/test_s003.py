"""S003 missing-server-dependency: the server the command runs (and FastAPI) must be declared."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path

import pytest

from fixer.facts.pydeps.brought import brought_by
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.install_paths import carried
from fixer.facts.pydeps.installed_parts import EVERY_PART, InstalledParts, installed_parts
from fixer.facts.pydeps.locked_parts import locked_releases
from fixer.facts.pydeps.pyproject_deps import optional_requirements, static_dependencies
from fixer.facts.pydeps.requirements import normalize, parse_requirement, pip_args, requirements_lines
from fixer.facts.pydeps.requirements import specifier_of, unreadable_lines
from fixer.facts.pydeps.versions import poetry_specifier, within
from fixer.model.rule import Finding
from kit import check, fix, read_folder
from support import GOLDEN

MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"
UVICORN = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n'
REQS_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                   "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n")
SLIM = "FROM python:3.12-slim\nWORKDIR /app\n"
BUILDER = "FROM python:3.12 AS builder\nWORKDIR /build\nCOPY requirements.txt .\n"
FASTAPI_ONLY = {"requirements.txt": "fastapi\n"}
PROJECT = '[project]\nname = "api"\nversion = "1"\n'


def repo(files: Mapping[str, str | bytes], command: str = "") -> dict[str, str | bytes]:
    """The compose file and the service folder `api/`, where `files` go (relative to it)."""
    service = {"app/__init__.py": "", "app/main.py": MAIN, **files}
    return {"docker-compose.yml": f"services:\n  api:\n    build: ./api\n{command}",
            **{f"api/{path}": data for path, data in service.items()}}


def fixed(files: Mapping[str, str | bytes]) -> dict[str, bytes]:
    """The repository after `fixer fix --select S003 --unsafe-fixes`, which must fix something."""
    outcome = fix(files, select="S003", unsafe=True)
    assert outcome.clean and outcome.applied, outcome
    return outcome.tree


def findings(files: Mapping[str, str | bytes]) -> list[Finding]:
    return check(files, select="S003")


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
def test_s003_fixes(files: dict[str, str], path: str, after: str) -> None:
    tree = fixed(repo(files))
    assert tree[f"api/{path}"].decode() == after
    assert findings(tree) == []


def test_utf16le_requirements_are_written_back_in_utf16le() -> None:
    before = codecs.BOM_UTF16_LE + "fastapi>=0.110\r\nhttpx>=0.27\r\n".encode("utf-16-le")
    tree = fixed(repo({"requirements.txt": before, "Dockerfile": REQS_DOCKERFILE + UVICORN}))
    after = tree["api/requirements.txt"]
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
    # the FastAPI CLI's `standard` extra (and `all`) brings uvicorn: a uvicorn CMD is served
    pytest.param({"requirements.txt": "fastapi[standard]>=0.112\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN}, "", id="fastapi-standard-brings-uvicorn"),
    pytest.param({"requirements.txt": "FastAPI[all]>=0.112\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN}, "", id="fastapi-all-brings-uvicorn"),
    # fastapi-cli requires uvicorn[standard] from 0.0.5 on: pinned there, or unpinned (pip
    # installs the newest)
    pytest.param({"requirements.txt": "fastapi\nfastapi-cli==0.0.7\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN}, "", id="fastapi-cli-0.0.7-brings-uvicorn"),
    pytest.param({"requirements.txt": "fastapi\nfastapi-cli\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN}, "", id="fastapi-cli-newest-brings-uvicorn"),
    # `command: fastapi` is a sub-command of the image's ENTRYPOINT script, not the FastAPI
    # CLI (which, given no `run` or `dev`, only prints its help)
    pytest.param({"requirements.txt": "fastapi\nuvicorn\n", "entrypoint.sh":
                  '#!/bin/sh\ncase "$1" in\n  fastapi) exec python -m uvicorn app.main:app ;;\n'
                  '  *) exec "$@" ;;\nesac\n', "Dockerfile": REQS_DOCKERFILE +
                  'ENTRYPOINT ["/srv/entrypoint.sh"]\n'}, "    command: fastapi\n",
                 id="bare-fastapi-word-for-an-entrypoint-script"),
    pytest.param({"deps/requirements.txt": "fastapi\nuvicorn\n", "Dockerfile": SLIM +
                  "COPY deps/requirements.txt /tmp/requirements.txt\nRUN python3 -m uv pip "
                  "install --system -r /tmp/requirements.txt\nCOPY . .\n" + UVICORN}, "",
                 id="python-m-uv-pip-install"),
])
def test_s003_noop(files: dict[str, str], command: str) -> None:
    assert findings(repo(files, command)) == []


UVICORN_WORKER = ('CMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "-b", "0.0.0.0:8000", '
                  '"app.main:app"]\n')


def test_uvicorn_worker_brings_gunicorn_from_0_2_0_on() -> None:
    """uvicorn-worker 0.2.0 and later require gunicorn and uvicorn; 0.1.0 declared none."""
    newest = repo({"requirements.txt": "fastapi\nuvicorn-worker\n",
                   "Dockerfile": REQS_DOCKERFILE + UVICORN_WORKER})
    assert findings(newest) == []
    first = repo({"requirements.txt": "fastapi\nuvicorn-worker==0.1.0\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN_WORKER})
    assert [f.code for f in findings(first)] == ["S003"]


WORKER_CLASS = 'worker_class = "uvicorn.workers.UvicornWorker"\n'


@pytest.mark.parametrize(("config", "extra", "missing"), [
    pytest.param(WORKER_CLASS, "", ["requirement:uvicorn"], id="literal"),
    pytest.param("import os\n\n" + WORKER_CLASS + "if os.getenv('SYNC'):\n"
                 "    worker_class = 'sync'\n", "", [], id="another-value-under-an-if"),
    pytest.param('worker_class = os.getenv("WORKER", "uvicorn.workers.UvicornWorker")\n', "", [],
                 id="not-a-literal"),
    pytest.param(WORKER_CLASS, '    environment:\n      GUNICORN_CMD_ARGS: "-k gevent"\n', [],
                 id="gunicorn-cmd-args-gives-the-worker"),
    pytest.param(WORKER_CLASS, '    environment:\n      GUNICORN_CMD_ARGS: "-c other.py"\n', [],
                 id="gunicorn-cmd-args-names-another-file"),
    pytest.param(WORKER_CLASS,
                 "    command: gunicorn -k uvicorn_worker.UvicornWorker app.main:app\n",
                 ["requirement:uvicorn-worker"], id="the-command-line-wins"),
])
def test_worker_class_of_the_default_config_file(config: str, extra: str,
                                                 missing: list[str]) -> None:
    files = {"requirements.txt": "fastapi\ngunicorn\n", "gunicorn.conf.py": config,
             "Dockerfile": REQS_DOCKERFILE + 'CMD ["gunicorn", "app.main:app"]\n'}
    assert [f.subject for f in findings(repo(files, extra))] == missing


def test_fastapi_cli_0_0_4_brings_uvicorn_only_with_its_standard_extra() -> None:
    bare = repo({"requirements.txt": "fastapi\nfastapi-cli==0.0.4\n",
                 "Dockerfile": REQS_DOCKERFILE + UVICORN})
    assert [f.code for f in findings(bare)] == ["S003"]
    extra = repo({"requirements.txt": "fastapi\nfastapi-cli[standard]==0.0.4\n",
                  "Dockerfile": REQS_DOCKERFILE + UVICORN})
    assert findings(extra) == []


def test_fastapi_run_without_the_cli_and_no_requirements_file() -> None:
    cli = repo({"requirements.txt": "fastapi>=0.110\n",
                "Dockerfile": REQS_DOCKERFILE + 'CMD ["fastapi", "run"]\n'})
    assert [f.message for f in findings(cli)] == [
        "the CMD runs `fastapi run` (the FastAPI CLI), but fastapi-cli is not declared "
        "(api/requirements.txt)"]
    found = findings(repo({"Dockerfile": "FROM python:3.12-slim\nCOPY . .\n" + UVICORN}))
    assert {f.fixable for f in found} == {False} and len(found) == 2


NOOP_CASES = sorted(p.parent for p in (GOLDEN / "S003-missing-server-dependency").glob("noop-*/args"))


@pytest.mark.parametrize("case", NOOP_CASES, ids=[c.name for c in NOOP_CASES])
def test_golden_noop_cases_have_no_finding_at_all(case: Path) -> None:
    """A display-only finding makes no diff either: the golden no-op cases must be silent."""
    assert findings(read_folder(case / "before")) == []


def test_pip_command_lines() -> None:
    args = pip_args(["--no-cache-dir", "--prefix=/install", "-r", "a.txt", "--requirement=b.txt",
                     "-rc.txt", "-c", "constraints.txt", "uvicorn[standard]", "-e", ".[server]"])
    assert args.files == ["a.txt", "b.txt", "c.txt"] and args.packages == ["uvicorn[standard]"]
    assert args.location == "/install" and args.project == frozenset({"server"})
    assert args.opaque is None and not args.no_index
    assert pip_args(["--user", "--no-index", "-f", "/w", "fastapi"]).location == "~/.local"
    assert pip_args(["--no-index", "--find-links", "/w", "fastapi"]).packages == ["fastapi"]
    assert pip_args(["-e", "git+https://github.com/o/r.git#egg=Lib"]).packages == ["Lib"]
    for opaque in (["/w/*"], ["./dist/api-1.0-py3-none-any.whl"], ["$PACKAGES"],
                   ["libs/common"], ["https://example.com/x.tar.gz"]):
        assert pip_args(opaque).opaque is not None, opaque
    # a variable in the version alone leaves the project known; anywhere else it is opaque
    versioned = ["poetry==$POETRY_VERSION", "uvicorn[standard]>=${UVICORN_VERSION:-0.29}"]
    assert pip_args(versioned).packages == versioned and pip_args(versioned).opaque is None
    for opaque in (["$PKG==1.0"], ["uvicorn$SUFFIX"], ["uvicorn[$EXTRAS]==1"],
                   ["uvicorn==`cat v`"], ["uvicorn==$(cat v)"], ["x @ https://h/$V.whl"],
                   ["uvicorn==1;python_version>'$PY'"]):
        assert pip_args(opaque).opaque is not None, opaque
    assert unreadable_lines("fastapi==0.110 --hash=sha256:ab\n-e ./libs/common\nx @ https://h/x.whl\n"
                            "./wheels/y.whl\n") == ["`./libs/common` is a path, a wildcard or an "
                                                     "archive", "`./wheels/y.whl` is a path, a "
                                                     "wildcard or an archive"]


@pytest.mark.parametrize(("install", "missing"), [
    pytest.param('"uvicorn[standard]==$UVICORN_VERSION"', [], id="server-itself"),
    pytest.param('"fastapi==${FASTAPI_VERSION}"', [], id="release-that-may-bring-it"),
    pytest.param('"gunicorn==$UVICORN_VERSION"', ["requirement:uvicorn"], id="another-package"),
])
def test_a_variable_in_the_version_leaves_the_package_known(install: str,
                                                            missing: list[str]) -> None:
    dockerfile = (f"{SLIM}ARG UVICORN_VERSION=0.30.1\nARG FASTAPI_VERSION=0.111.0\n"
                  f"COPY requirements.txt .\nRUN pip install -r requirements.txt {install}\n"
                  f"COPY . .\n{UVICORN}")
    found = findings(repo({"Dockerfile": dockerfile, **FASTAPI_ONLY}))
    assert [f.subject for f in found] == missing


def test_pyproject_static_dependencies_and_groups() -> None:
    assert static_dependencies(PROJECT) and static_dependencies('[tool.poetry.dependencies]\nx = "*"\n')
    assert not static_dependencies(PROJECT + 'dynamic = ["dependencies"]\n')
    assert not static_dependencies("[build-system]\nrequires = ['setuptools']\n")
    text = (PROJECT + '[project.optional-dependencies]\nserver = ["uvicorn"]\nx = ["httpx"]\n'
            '[dependency-groups]\ndev = ["pytest", {include-group = "lint"}]\n'
            '[tool.poetry.group.web.dependencies]\ngunicorn = "*"\n')
    assert optional_requirements(text, frozenset({"server"}), frozenset()) == [
        ("uvicorn", frozenset())]
    assert {n for n, _ in optional_requirements(text, None, None)} == {"uvicorn", "httpx",
                                                                        "pytest", "gunicorn"}
    assert optional_requirements(text, frozenset(), frozenset({"web"})) == [
        ("gunicorn", frozenset())]


@pytest.mark.parametrize(("location", "paths", "expected"), [
    ("/install", ["/install"], True), ("/install", ["/install/"], True),
    ("/usr/local", ["/usr/local/lib/python3.12/site-packages"], True),
    ("/opt/venv", ["/opt"], True), ("~/.local", ["/root/.local"], True),
    ("/install", ["/build"], False), ("/usr/local", ["/app"], False), (None, ["/"], False),
])
def test_copy_carries_installs(location: str | None, paths: list[str], expected: bool) -> None:
    assert carried(location, paths) is expected


@pytest.mark.parametrize("files", [
    pytest.param({"Dockerfile": SLIM + "ARG PACKAGES\nRUN pip install $PACKAGES\n" + UVICORN},
                 id="variable"),
    pytest.param({"Dockerfile": SLIM + "RUN pip install -r /deps/server.txt\n" + UVICORN},
                 id="requirements-file-not-found"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": SLIM + "COPY . .\nRUN pip install -r requirements.txt"
                  " ./wheels/*.whl\n" + UVICORN}, id="wheels-beside-requirements"),
    pytest.param({"requirements.txt": "fastapi\n-e ./libs/server\n", "Dockerfile": REQS_DOCKERFILE
                  + UVICORN}, id="requirements-line-is-a-path"),
    pytest.param({"pyproject.toml": PROJECT + 'dynamic = ["dependencies"]\n', "Dockerfile": SLIM +
                  "COPY . .\nRUN pip install .\n" + UVICORN}, id="dynamic-dependencies"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[project.optional-'
                  'dependencies]\nserver = ["uvicorn"]\n', "Dockerfile": SLIM + "COPY . .\n"
                  "RUN pip install '.[server]'\n" + UVICORN}, id="project-extra"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[dependency-groups]\n'
                  'dev = [{include-group = "serve"}]\nserve = ["uvicorn"]\n', "Dockerfile": SLIM +
                  "COPY . .\nRUN uv sync --frozen\n" + UVICORN}, id="uv-sync-default-group"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[dependency-groups]\n'
                  'serve = ["uvicorn"]\n', "Dockerfile": SLIM + "COPY . .\nRUN uv sync --frozen "
                  "--no-dev --group serve\n" + UVICORN}, id="uv-sync-named-group"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[dependency-groups]\n'
                  'dev = ["uvicorn"]\n', "Dockerfile": SLIM + "ARG UV_ARGS\nCOPY . .\nRUN uv sync "
                  "$UV_ARGS\n" + UVICORN}, id="uv-sync-options-unread"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": SLIM + "COPY . .\nRUN grep -v '^#' server.txt | "
                  "xargs pip install -r requirements.txt\n" + UVICORN}, id="xargs"),
    pytest.param({"Pipfile": "", "Dockerfile": SLIM + "COPY . .\nRUN pipenv install --system "
                  "--deploy\n" + UVICORN}, id="pipenv"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": "FROM python:3.12 AS builder\nCOPY requirements.txt"
                  " .\nRUN pip install --user -r requirements.txt\n" + SLIM + "COPY --from=builder "
                  "/root/.local /root/.local\nCOPY --from=ghcr.io/org/server-deps:1 /usr/local/lib/"
                  "python3.12/site-packages /usr/local/lib/python3.12/site-packages\n" + UVICORN},
                 id="site-packages-from-an-image"),
    pytest.param({"Dockerfile": "FROM python:3.12 AS deps\nCOPY . /src\nRUN pip install --target"
                  "=/deps /src\n" + SLIM + "COPY --from=deps /deps /deps\n" + UVICORN},
                 id="builder-installs-a-path"),
    pytest.param({"Dockerfile": "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install "
                  "-y python3-fastapi python3-uvicorn\nCOPY . /app\n" + UVICORN}, id="apt-packages"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": REQS_DOCKERFILE.replace(
                  "FROM python:3.12-slim", "ARG BASE\nFROM ${BASE}") + UVICORN}, id="base-image-is-a-variable"),
])
def test_s003_no_finding_when_the_image_may_hold_it(files: dict[str, str]) -> None:
    assert findings(repo(files)) == []


@pytest.mark.parametrize(("files", "path", "after"), [
    pytest.param({**FASTAPI_ONLY, "Dockerfile": BUILDER + "RUN python -m venv /opt/venv && /opt/venv"
                  "/bin/pip install -r requirements.txt\n" + SLIM + "COPY --from=builder /opt/venv "
                  "/opt/venv\nENV PATH=/opt/venv/bin:$PATH\n" + UVICORN},
                 "requirements.txt", "fastapi\nuvicorn\n", id="venv-copied"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": BUILDER + "ENV VIRTUAL_ENV=/opt/venv\nRUN pip "
                  "install -r requirements.txt\nFROM builder AS runtime\n" + UVICORN},
                 "requirements.txt", "fastapi\nuvicorn\n", id="built-from-builder"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": BUILDER + "RUN pip install -r requirements.txt\n"
                  + SLIM + "COPY --from=0 /usr/local/lib/python3.12/site-packages /usr/local/lib/"
                  "python3.12/site-packages\n" + UVICORN}, "requirements.txt",
                 "fastapi\nuvicorn\n", id="site-packages-copied"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": "FROM node:20 AS web\nRUN npm ci\n" + SLIM +
                  "COPY --from=web /web/dist ./static\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/\n"
                  "COPY requirements.txt .\nRUN uv pip install --system -r requirements.txt\n" + UVICORN},
                 "requirements.txt", "fastapi\nuvicorn\n", id="copies-that-are-no-packages"),
    pytest.param({**FASTAPI_ONLY, "Dockerfile": BUILDER + "RUN pip wheel -w /w -r requirements.txt\n"
                  + SLIM + "COPY --from=builder /w /w\nCOPY requirements.txt .\nRUN pip install "
                  "--no-index --find-links=/w -r requirements.txt\n" + UVICORN},
                 "requirements.txt", "fastapi\nuvicorn\n", id="no-index-wheels-of-the-same-file"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n', "Dockerfile": SLIM +
                  "COPY . .\nRUN uv sync --frozen --no-dev\n" + UVICORN}, "pyproject.toml",
                 PROJECT + 'dependencies = ["fastapi", "uvicorn"]\n', id="uv-sync"),
    pytest.param({"requirements.txt": "uvicorn\n", "Dockerfile": "FROM python:3.12 AS test\nRUN pip "
                  "install fastapi pytest\n" + REQS_DOCKERFILE + UVICORN}, "requirements.txt",
                 "uvicorn\nfastapi\n", id="a-stage-the-image-does-not-use"),
])
def test_s003_fixes_through_stages(files: dict[str, str], path: str, after: str) -> None:
    tree = fixed(repo(files))
    assert tree[f"api/{path}"].decode() == after
    assert findings(tree) == []


@pytest.mark.parametrize(("dockerfile", "reason"), [
    pytest.param(BUILDER + "RUN pip install --prefix=/install -r requirements.txt\n" + SLIM +
                 "COPY --from=builder /build /build\n" + UVICORN,
                 "the image copies /build from stage builder; fixer cannot tell that this carries "
                 "what builder installs", id="copy-elsewhere"),
    pytest.param(SLIM + "COPY wheels /w\nCOPY requirements.txt .\nRUN pip install --no-index "
                 "--find-links /w -r requirements.txt\n" + UVICORN,
                 "the image installs api/requirements.txt with --no-index from local wheels, "
                 "which would also need the new one", id="no-index"),
])
def test_s003_display_only_when_a_line_might_not_reach_the_image(dockerfile: str,
                                                                 reason: str) -> None:
    files = repo({**FASTAPI_ONLY, "Dockerfile": dockerfile})
    assert [(f.message, f.fixable) for f in findings(files)] == [
        ("the CMD runs uvicorn, but uvicorn is not declared (api/requirements.txt)", False)]
    outcome = fix(files, select="S003", unsafe=True)
    assert (outcome.diff, outcome.files, outcome.clean) == ("", {}, True)
    assert [f.reason for f in outcome.remaining] == [reason]


def test_a_script_that_calls_uvicorn_run_is_named_as_such() -> None:
    main = MAIN + 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run(app, port=8000)\n'
    files = repo({"app/main.py": main, **FASTAPI_ONLY,
                  "Dockerfile": REQS_DOCKERFILE + 'CMD ["python", "app/main.py"]\n'})
    [finding] = findings(files)
    assert finding.message.startswith(
        "the CMD runs a script that calls `uvicorn.run`, but uvicorn is not declared"), finding


@pytest.mark.parametrize(("lock", "command"), [("poetry.lock", "poetry add"), ("uv.lock", "uv add"),
                                               ("pdm.lock", "pdm add")])
def test_a_locked_pyproject_takes_no_line_from_fixer(lock: str, command: str) -> None:
    """A line added to pyproject.toml without a new lock breaks `poetry install` and
    `uv sync --locked`: the tool that writes the lock adds it."""
    files = repo({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n', lock: "# lock\n",
                  "Dockerfile": SLIM + "COPY . .\nRUN pip install --no-cache-dir .\n" + UVICORN})
    [finding] = findings(files)
    assert not finding.fixable and f"`{command}`" in (finding.reason or ""), finding
    del files[f"api/{lock}"]
    assert findings(files)[0].fixable   # the same project with no lock: the line is added


@pytest.mark.parametrize(("specifier", "expected"), [
    ("==0.111.0", True), ("==0.111.1", True), ("===0.111.0", True), ("==0.111.*", True),
    ("~=0.111.0", True), (">=0.111.0,<0.112", True), ("< 0.112.0, >= 0.111", True),
    (">=0.111,<=0.111.1", True), (">=0.111.0,<0.112,!=0.111.1", True),
    ("", False), (">=0.111", False), ("<0.112", False), ("~=0.111", False), ("==0.110.3", False),
    ("==0.112.0", False), ("==0.11", False), (">=0.110,<0.112", False), (">=0.111,<=0.112", False),
    ("==0.111.0rc1", False), ("==1!0.111.0", False), ("!=0.111.0", False),
])
def test_within_a_release_range(specifier: str, expected: bool) -> None:
    assert within(specifier, (0, 111), (0, 112)) is expected


@pytest.mark.parametrize(("constraint", "specifier"), [
    ("^0.111.0", ">=0.111.0,<0.112"), ("^0.111", ">=0.111,<0.112"), ("^1.2.3", ">=1.2.3,<2"),
    ("^0.0.3", ">=0.0.3,<0.0.4"), ("~0.111.0", ">=0.111.0,<0.112"), ("~1", ">=1,<2"),
    ("0.111.0", "==0.111.0"), ("0.111.*", "==0.111.*"), (">= 0.111, < 0.112", ">=0.111,<0.112"),
    ("~=0.111.0", "~=0.111.0"), ("*", ""), ("^0.111 || ^0.112", ""),
])
def test_poetry_constraints_as_pep440(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


@pytest.mark.parametrize(("spec", "specifier"), [
    ("fastapi==0.111.0", "==0.111.0"), ("FastAPI[all] (>=0.111, <0.112)", ">=0.111, <0.112"),
    ("fastapi==0.111.0 ; python_version >= '3.8'", "==0.111.0"),
    ("fastapi==0.111.0 --hash=sha256:ab", "==0.111.0"), ("fastapi", ""),
    ("fastapi @ https://example.com/fastapi-0.111.0.whl", ""),
])
def test_specifier_of_a_requirement(spec: str, specifier: str) -> None:
    assert specifier_of(spec) == specifier


def test_what_fastapi_brings_by_extra_and_release() -> None:
    both = frozenset({"uvicorn", "fastapi-cli"})
    assert brought_by("fastapi", frozenset({"standard"}), "") == both
    assert brought_by("fastapi", frozenset({"standard-no-fastapi-cloud-cli"}), "") == both
    assert brought_by("fastapi", frozenset(), "==0.111.1") == both
    assert brought_by("fastapi", frozenset(), ">=0.111") == frozenset()
    assert brought_by("fastapi", frozenset(), "==0.112.0") == frozenset()
    assert brought_by("starlette", frozenset({"standard"}), "==0.111.0") == frozenset()


FASTAPI_RUN = 'CMD ["fastapi", "run", "app/main.py", "--port", "8000"]\n'
POETRY = ('[tool.poetry]\nname = "api"\nversion = "1"\n\n[tool.poetry.dependencies]\n'
          'python = "^3.12"\nfastapi = {version}\n')
POETRY_INSTALL = SLIM + "RUN pip install poetry\nCOPY . .\nRUN poetry install --only main\n"


def lock_file(version: str) -> str:
    """poetry.lock, uv.lock and pdm.lock list packages alike."""
    return f'[[package]]\nname = "fastapi"\nversion = "{version}"\n\n[[package]]\nname = "uvicorn"\n' \
        'version = "0.30.1"\n'


@pytest.mark.parametrize("files", [
    pytest.param({"requirements.txt": "fastapi==0.111.0\n", "Dockerfile": REQS_DOCKERFILE +
                  FASTAPI_RUN}, id="pinned-to-0.111.0-runs-fastapi-run"),
    pytest.param({"requirements.txt": "fastapi~=0.111.0\n", "Dockerfile": REQS_DOCKERFILE +
                  UVICORN}, id="compatible-with-0.111.0-runs-uvicorn"),
    pytest.param({"Dockerfile": SLIM + "RUN pip install 'fastapi>=0.111,<0.112'\nCOPY . .\n" +
                  FASTAPI_RUN}, id="pip-install-a-range-inside-0.111"),
    pytest.param({"pyproject.toml": POETRY.format(version='"^0.111.0"'),
                  "Dockerfile": POETRY_INSTALL + FASTAPI_RUN}, id="poetry-caret-0.111"),
    pytest.param({"pyproject.toml": POETRY.format(version='{version = ">=0.100", extras = []}'),
                  "poetry.lock": lock_file("0.111.1"), "Dockerfile": POETRY_INSTALL + UVICORN},
                 id="wide-range-but-poetry-lock-pins-0.111.1"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi>=0.100"]\n', "uv.lock":
                  lock_file("0.111.0"), "Dockerfile": SLIM + "COPY . .\nRUN uv sync --frozen\n"
                  + UVICORN}, id="uv-lock-pins-0.111.0"),
])
def test_s003_fastapi_0_111_brings_uvicorn_and_the_cli(files: dict[str, str]) -> None:
    assert findings(repo(files)) == []


@pytest.mark.parametrize(("files", "need"), [
    pytest.param({"requirements.txt": "fastapi>=0.111\n", "Dockerfile": REQS_DOCKERFILE +
                  FASTAPI_RUN}, "fastapi-cli", id="range-not-capped"),
    pytest.param({"requirements.txt": "fastapi==0.112.0\n", "Dockerfile": REQS_DOCKERFILE +
                  UVICORN}, "uvicorn", id="0.112.0-moved-them-to-standard"),
    pytest.param({"requirements.txt": "fastapi==0.110.3\n", "Dockerfile": REQS_DOCKERFILE +
                  UVICORN}, "uvicorn", id="0.110.3-did-not-require-them"),
    pytest.param({"requirements.txt": "fastapi>=0.110,<0.112\n", "Dockerfile": REQS_DOCKERFILE +
                  UVICORN}, "uvicorn", id="range-admits-0.110"),
    # `pip install .` resolves anew: the lock beside the project pins nothing it installs
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi>=0.100"]\n', "uv.lock":
                  lock_file("0.111.0"), "Dockerfile": SLIM + "COPY . .\nRUN pip install .\n"
                  + UVICORN}, "uvicorn", id="lock-not-used-by-pip-install-dot"),
])
def test_s003_fastapi_outside_0_111_does_not_bring_them(files: dict[str, str], need: str) -> None:
    assert [f.subject for f in findings(repo(files))] == [f"requirement:{need}"]


LOCKED = {"requirements/lock/requirements.txt": "fastapi==0.115.6\nuvicorn==0.34.0\n"}
LOCK_COPY = SLIM + "COPY requirements/lock/requirements.txt ./requirements/lock/requirements.txt\n"


@pytest.mark.parametrize("files", [
    pytest.param({**LOCKED, "Dockerfile": LOCK_COPY + "RUN pip install uv && uv pip sync "
                  "./requirements/lock/requirements.txt --system\nCOPY . .\n" + UVICORN},
                 id="uv-pip-sync-a-file-in-a-folder"),
    pytest.param({**LOCKED, "Dockerfile": LOCK_COPY + "RUN uv pip sync --system --python "
                  "/usr/local/bin/python3 requirements/lock/requirements.txt\nCOPY . .\n" + UVICORN},
                 id="uv-pip-sync-options-first"),
    pytest.param({**LOCKED, "Dockerfile": LOCK_COPY + "RUN pip install pip-tools && pip-sync "
                  "requirements/lock/requirements.txt\nCOPY . .\n" + UVICORN},
                 id="pip-sync-a-file-in-a-folder"),
    pytest.param({"requirements.txt": "fastapi\nuvicorn\n", "Dockerfile": SLIM + "COPY "
                  "requirements.txt .\nRUN pip install pip-tools && pip-sync\nCOPY . .\n" + UVICORN},
                 id="pip-sync-reads-requirements-txt-by-default"),
    # a file fixer cannot find: what it installs is unknown, which is no finding
    pytest.param({"Dockerfile": SLIM + "RUN uv pip sync --system /deps/locked.txt\nCOPY . .\n"
                  + UVICORN}, id="uv-pip-sync-a-file-fixer-cannot-find"),
    pytest.param({"Dockerfile": SLIM + "ARG LOCK\nRUN pip-sync $LOCK\nCOPY . .\n" + UVICORN},
                 id="pip-sync-a-variable"),
])
def test_s003_sync_reads_its_files_like_pip_install_r(files: dict[str, str]) -> None:
    assert findings(repo(files)) == []


@pytest.mark.parametrize(("sync", "command"), [
    ("uv pip sync --system", "`uv pip sync`"), ("/opt/venv/bin/pip-sync", "`pip-sync`")])
def test_s003_a_synced_file_that_lacks_the_server_is_a_finding_to_fix_by_hand(
        sync: str, command: str) -> None:
    """A synced file is a compiled lock: a sync installs no dependency of its lines, so a
    line added alone (uvicorn without click and h11) would not start either."""
    files = repo({"requirements/lock/requirements.txt": "fastapi==0.115.6\n", "Dockerfile":
                  LOCK_COPY + f"RUN {sync} requirements/lock/requirements.txt\nCOPY . .\n"
                  + UVICORN})
    [finding] = findings(files)
    assert finding.message == ("the CMD runs uvicorn, but uvicorn is not declared "
                               "(api/requirements/lock/requirements.txt)")
    assert not finding.fixable and finding.reason == (
        f"the image installs api/requirements/lock/requirements.txt with {command}, which "
        "installs none of its lines' dependencies: add the package to the file it is compiled "
        "from, then compile it again")


def test_pip_sync_operands_are_requirements_files() -> None:
    args = pip_args(["--system", "./requirements/lock/requirements.txt", "-p", "3.12", "b.in"],
                    sync=True)
    assert args.files == ["./requirements/lock/requirements.txt", "b.in"]
    assert args.opaque is None and args.packages == []


GROUPS = (PROJECT + 'dependencies = ["fastapi"]\n[project.optional-dependencies]\nserver = '
          '["uvicorn"]\n[dependency-groups]\ndev = ["pytest"]\nlint = ["ruff"]\n')
POETRY_GROUPS = ('[tool.poetry.dependencies]\npython = "^3.12"\n'
                 '[tool.poetry.group.dev.dependencies]\npytest = "*"\n'
                 '[tool.poetry.group.docs]\noptional = true\n'
                 '[tool.poetry.group.docs.dependencies]\nmkdocs = "*"\n')
PDM_GROUPS = (PROJECT + 'dependencies = ["fastapi"]\n[project.optional-dependencies]\nserver = '
              '["uvicorn"]\n[tool.pdm.dev-dependencies]\ndev = ["pytest"]\nlint = ["ruff"]\n')


@pytest.mark.parametrize(("command", "text", "env", "extras", "groups"), [
    ("uv sync --frozen", GROUPS, {}, set(), {"dev"}),
    ("uv sync --no-dev", GROUPS, {}, set(), set()),
    ("uv sync --no-dev --group lint --extra server", GROUPS, {}, {"server"}, {"lint"}),
    ("uv sync --only-group lint", GROUPS, {}, set(), {"lint"}),
    ("uv sync --all-groups --no-group=dev --all-extras", GROUPS, {}, {"server"}, {"lint"}),
    ("uv sync --no-default-groups", GROUPS, {}, set(), set()),
    ("uv sync", GROUPS + '[tool.uv]\ndefault-groups = ["lint"]\n', {}, set(), {"lint"}),
    ("uv sync", GROUPS + '[tool.uv]\ndefault-groups = "all"\n', {}, set(), {"dev", "lint"}),
    ("uv sync --frozen", GROUPS, {"UV_NO_DEV": "1"}, None, None),
    ("uv sync $ARGS", GROUPS, {}, None, None),
    ("poetry install", POETRY_GROUPS, {}, set(), {"dev"}),
    ("poetry install --without dev,docs", POETRY_GROUPS, {}, set(), set()),
    ("poetry install --no-dev --with=docs", POETRY_GROUPS, {}, set(), {"docs"}),
    ("poetry install --only main", POETRY_GROUPS, {}, set(), set()),
    ("poetry install --all-groups -E server", POETRY_GROUPS, {}, {"server"}, {"dev", "docs"}),
    ("pdm install --check", PDM_GROUPS, {}, None, None),
    ("pdm install --prod", PDM_GROUPS, {}, set(), set()),
    ("pdm install --production -G server", PDM_GROUPS, {}, {"server"}, set()),
    ("pdm install -G lint", PDM_GROUPS, {}, set(), {"lint"}),
    ("pdm install --without lint", PDM_GROUPS, {}, {"server"}, {"dev"}),
    ("pdm install -dG lint", PDM_GROUPS, {}, None, None),
])
def test_the_extras_and_groups_an_install_takes(command: str, text: str, env: dict[str, str],
                                                extras: set[str] | None,
                                                groups: set[str] | None) -> None:
    parts = installed_parts(command.split(), env, text)
    assert parts.extras == (None if extras is None else frozenset(extras))
    assert parts.groups == (None if groups is None else frozenset(groups))


UV_LOCK = (
    'version = 1\n[[package]]\nname = "api"\nversion = "1"\nsource = { editable = "." }\n'
    'dependencies = [{ name = "fastapi", extra = ["standard"] }]\n'
    '[package.dev-dependencies]\ndev = [{ name = "pytest" }]\n'
    '[[package]]\nname = "fastapi"\nversion = "0.115.0"\ndependencies = [{ name = "starlette" }]\n'
    '[package.optional-dependencies]\nstandard = [{ name = "uvicorn" }]\n'
    '[[package]]\nname = "starlette"\nversion = "0.38.0"\n'
    '[[package]]\nname = "uvicorn"\nversion = "0.30.0"\n'
    '[[package]]\nname = "pytest"\nversion = "8.3.0"\n')
PDM_LOCK = ('[[package]]\nname = "fastapi"\nversion = "0.115.0"\ngroups = ["default"]\n'
            '[[package]]\nname = "uvicorn"\nversion = "0.30.0"\ngroups = ["dev"]\n')


def test_a_lock_pins_only_what_the_install_reaches() -> None:
    uv = TextFile("uv.lock", UV_LOCK)
    assert set(locked_releases(uv, InstalledParts())) == {"fastapi", "starlette", "uvicorn"}
    assert "pytest" in locked_releases(uv, InstalledParts(groups=frozenset({"dev"})))
    assert "pytest" in locked_releases(uv, EVERY_PART)
    pdm = TextFile("pdm.lock", PDM_LOCK)
    assert set(locked_releases(pdm, InstalledParts())) == {"fastapi"}
    assert set(locked_releases(pdm, InstalledParts(groups=frozenset({"dev"})))) == {"fastapi",
                                                                                    "uvicorn"}
    no_groups = TextFile("pdm.lock", PDM_LOCK.replace('groups = ["dev"]\n', ""))
    assert set(locked_releases(no_groups, InstalledParts())) == {"fastapi", "uvicorn"}


@pytest.mark.parametrize("files", [
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[dependency-groups]\n'
                  'dev = ["uvicorn>=0.30"]\n', "uv.lock": UV_LOCK.replace(
                      '{ name = "pytest" }', '{ name = "uvicorn" }').replace(
                      ', extra = ["standard"]', ""),
                  "Dockerfile": SLIM + "COPY . .\nRUN uv sync --frozen --no-dev\n" + UVICORN},
                 id="uv-no-dev"),
    pytest.param({"pyproject.toml": PROJECT + 'dependencies = ["fastapi"]\n[dependency-groups]\n'
                  'serve = ["uvicorn"]\n', "Dockerfile": SLIM + "COPY . .\nRUN uv sync --frozen\n"
                  + UVICORN}, id="uv-group-not-by-default"),
    pytest.param({"pyproject.toml": PDM_GROUPS.replace('dev = ["pytest"]', 'dev = ["uvicorn"]')
                  .replace('server = ["uvicorn"]', 'server = ["httpx"]'), "pdm.lock": PDM_LOCK,
                  "Dockerfile": SLIM + "COPY . .\nRUN pdm install --prod\n" + UVICORN},
                 id="pdm-prod"),
])
def test_s003_a_server_only_in_a_group_the_install_leaves_out(files: dict[str, str]) -> None:
    [finding] = findings(repo(files))
    assert "declared only in the dependency group `" in finding.message


def test_s003_the_uv_images_with_python_are_plain_python_bases() -> None:
    dockerfile = REQS_DOCKERFILE.replace("python:3.12-slim",
                                         "ghcr.io/astral-sh/uv:python3.12-bookworm-slim")
    found = findings(repo({**FASTAPI_ONLY, "Dockerfile": dockerfile + UVICORN}))
    assert [f.rule.code for f in found] == ["S003"]
