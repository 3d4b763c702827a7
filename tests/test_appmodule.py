"""The app module and import root, resolved from the command and the WORKDIR the build copies to."""

from __future__ import annotations

import ast

import pytest

from fixer.model import appmodule
from fixer.sources.python import bound_names
from fixer.sources.python_modules import binding, string_value
from fixer.model.workspace import Workspace
from kit import tree

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def resolve(dockerfile: str, files: dict[str, str],
            service: str = "build: ./svc\n") -> appmodule.AppModule | None:
    compose = "services:\n  api:\n    " + service.replace("\n", "\n    ").rstrip() + "\n"
    ws = Workspace.load(tree({"docker-compose.yml": compose, "svc/Dockerfile": dockerfile,
                              **files}))
    [api] = [s for s in ws.apps()]
    return appmodule.find(ws, api)


def cmd(*argv: str) -> str:
    return "CMD [" + ", ".join(f'"{a}"' for a in argv) + "]\n"


BASE = "FROM python:3.12-slim\nWORKDIR /app\n"
UVICORN = cmd("uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000")

# (dockerfile, files, expected (path, root, module, attr, package, from_command))
CASES = [
    pytest.param(BASE + "COPY . .\n" + UVICORN, {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", "app", "app", True), id="copy-all"),
    pytest.param(BASE + "COPY app ./app\n" + UVICORN, {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", "app", "app", True), id="copy-app-folder"),
    pytest.param(BASE + "COPY ./src/ .\n" + cmd("uvicorn", "main:api"),
                 {"svc/src/main.py": APP, "svc/main.py": APP},
                 ("svc/src/main.py", "svc/src", "main", "api", "", True), id="copy-src-contents"),
    pytest.param("FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\n"
                 + cmd("uvicorn", "src.main:app"), {"svc/src/main.py": APP},
                 ("svc/src/main.py", "svc", "src.main", "app", "src", True), id="src-package"),
    pytest.param(BASE + "COPY . .\n" + cmd("python", "main.py"), {"svc/main.py": APP},
                 ("svc/main.py", "svc", "main", None, "", True), id="python-script"),
    pytest.param(BASE + "COPY . .\n" + cmd("python", "-m", "app.main"), {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", None, "app", True), id="python-m"),
    pytest.param(BASE + "COPY . .\n" + cmd("uvicorn", "main:app", "--app-dir", "src"),
                 {"svc/src/main.py": APP},
                 ("svc/src/main.py", "svc/src", "main", "app", "", True), id="app-dir"),
    pytest.param("FROM python:3.12-slim\nCOPY . /srv\n"
                 + cmd("sh", "-c", "cd /srv && exec uvicorn main:app --port ${PORT:-8000}"),
                 {"svc/main.py": APP}, ("svc/main.py", "svc", "main", "app", "", True),
                 id="sh-c-cd"),
    pytest.param(BASE + "COPY . .\n" + cmd("uvicorn", "--factory", "app.main:create_app"),
                 {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", "create_app", "app", True), id="factory"),
    pytest.param(BASE + "COPY . .\n" + cmd("uvicorn", "app:app"), {"svc/app/__init__.py": APP},
                 ("svc/app/__init__.py", "svc", "app", "app", "app", True), id="package-module"),
    pytest.param("FROM python:3.12-slim AS build\nWORKDIR /build\nCOPY . .\n"
                 "FROM python:3.12-slim\nWORKDIR /srv\nCOPY --from=build /build/src ./\n"
                 + cmd("uvicorn", "shop.api:app"), {"svc/src/shop/api.py": APP},
                 ("svc/src/shop/api.py", "svc/src", "shop.api", "app", "shop", True),
                 id="copy-from-stage"),
    pytest.param(BASE + "COPY . .\n" + cmd("fastapi", "run", "app/main.py"),
                 {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc/app", "main", None, "", True), id="fastapi-file"),
    pytest.param(BASE + "COPY . .\n" + cmd("fastapi", "run", "app/main.py"),
                 {"svc/app/main.py": APP, "svc/app/__init__.py": ""},
                 ("svc/app/main.py", "svc", "app.main", None, "app", True),
                 id="fastapi-file-package"),
    # a package folder: fastapi-cli imports the package, the app in its `__init__.py`
    pytest.param(BASE + "COPY . .\n" + cmd("fastapi", "run", "app", "--port", "8000"),
                 {"svc/app/__init__.py": APP},
                 ("svc/app/__init__.py", "svc", "app", None, "app", True), id="fastapi-package"),
    pytest.param(BASE + "COPY . .\n" + cmd("fastapi", "run", "--host", "0.0.0.0", "src/app/"),
                 {"svc/src/app/__init__.py": APP},
                 ("svc/src/app/__init__.py", "svc/src", "app", None, "app", True),
                 id="fastapi-package-in-a-folder"),
    # No usable command: guessed, and marked as guessed.
    pytest.param(BASE + "COPY . .\n", {"svc/main.py": APP},
                 ("svc/main.py", "svc", "main", None, "", False), id="no-cmd-guess-main"),
    pytest.param(BASE + "COPY . .\n" + cmd("celery", "-A", "tasks", "worker"),
                 {"svc/app/main.py": APP, "svc/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", None, "app", False), id="guess-app-first"),
    # `COPY app .` puts main.py at /app/main.py: `app.main` is not in the image.
    pytest.param(BASE + "COPY app .\n" + UVICORN, {"svc/app/main.py": APP},
                 ("svc/app/main.py", "svc", "app.main", None, "app", False),
                 id="copy-contents-breaks-package"),
    # PYTHONPATH's folders come after the working directory, as Python searches them
    pytest.param(BASE + "COPY . .\nENV PYTHONPATH=/app/service:$PYTHONPATH\n"
                 + cmd("uvicorn", "main:app"), {"svc/service/main.py": APP, "svc/src/main.py": APP},
                 ("svc/service/main.py", "svc/service", "main", "app", "", True),
                 id="image-pythonpath"),
    pytest.param("FROM python:3.12-slim AS base\nENV PYTHONPATH=service\nFROM base\nWORKDIR /app\n"
                 "COPY . .\n" + cmd("uvicorn", "main:app"), {"svc/service/main.py": APP},
                 ("svc/service/main.py", "svc/service", "main", "app", "", True),
                 id="relative-pythonpath-of-the-base-stage"),
]


@pytest.mark.parametrize(("dockerfile", "files", "expected"), CASES)
def test_find(dockerfile: str, files: dict[str, str],
              expected: tuple[str, str, str, str | None, str, bool]) -> None:
    found = resolve(dockerfile, files)
    assert found is not None
    assert (found.path, found.root, found.module, found.attr, found.package,
            found.from_command) == expected


SRC_PROJECT = "[project]\nname = \"shop\"\nversion = \"1\"\n"
SRC_COPY = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY pyproject.toml ./\nCOPY src ./src\n"


@pytest.mark.parametrize(("dockerfile", "pyproject", "expected"), [
    # the image installs the project of its own context: `shop` is in site-packages, and
    # its source is the project's package folder, `src/` by convention
    pytest.param(SRC_COPY + "RUN pip install --no-cache-dir .\n", SRC_PROJECT,
                 ("svc/src/shop/api.py", "svc/src"), id="pip-install-dot"),
    pytest.param(SRC_COPY + "RUN python -m pip install -e .\n", SRC_PROJECT,
                 ("svc/src/shop/api.py", "svc/src"), id="pip-install-editable"),
    pytest.param(SRC_COPY + "RUN uv sync --frozen --no-dev\n", SRC_PROJECT,
                 ("svc/src/shop/api.py", "svc/src"), id="uv-sync"),
    pytest.param(SRC_COPY.replace("src ./src", "lib ./lib") + "RUN poetry install\n",
                 SRC_PROJECT + "[tool.poetry]\npackages = [{include = \"shop\", from = \"lib\"}]\n",
                 ("svc/lib/shop/api.py", "svc/lib"), id="poetry-packages-from"),
    pytest.param(SRC_COPY.replace("src ./src", "code ./code") + "RUN pip install .\n",
                 SRC_PROJECT + "[tool.setuptools.packages.find]\nwhere = [\"code\"]\n",
                 ("svc/code/shop/api.py", "svc/code"), id="setuptools-where"),
    # the project itself is not installed, or not from the build context
    pytest.param(SRC_COPY + "RUN poetry install --no-root\n", SRC_PROJECT, None,
                 id="poetry-no-root"),
    pytest.param(SRC_COPY + "RUN uv sync --no-install-project\n", SRC_PROJECT, None,
                 id="uv-sync-no-install-project"),
    pytest.param(SRC_COPY + "RUN pip install -r requirements.txt\n", SRC_PROJECT, None,
                 id="requirements-only"),
    pytest.param("FROM python:3.12-slim\nWORKDIR /srv\nCOPY src ./src\nRUN pip install .\n",
                 SRC_PROJECT, None, id="pyproject-not-copied-where-pip-runs"),
])
def test_installed_project(dockerfile: str, pyproject: str,
                           expected: tuple[str, str] | None) -> None:
    folder = "lib" if "lib ./lib" in dockerfile else "code" if "code ./code" in dockerfile \
        else "src"
    found = resolve(dockerfile + cmd("uvicorn", "shop.api:app"),
                    {"svc/pyproject.toml": pyproject, f"svc/{folder}/shop/__init__.py": "",
                     f"svc/{folder}/shop/api.py": APP})
    read = (found.path, found.root) if found is not None and found.from_command else None
    assert read == expected


def test_compose_command_and_working_dir() -> None:
    found = resolve("FROM python:3.12-slim\nCOPY . /opt/svc\n",
                    {"svc/api/server.py": APP},
                    "build: ./svc\nworking_dir: /opt/svc/api\ncommand: uvicorn server:app\n")
    assert found is not None
    assert (found.path, found.root, found.module) == ("svc/api/server.py", "svc/api", "server")


def test_context_is_repository_root() -> None:
    found = resolve(BASE + "COPY . .\n" + cmd("uvicorn", "svc.app.main:app"),
                    {"svc/app/main.py": APP},
                    "build:\n  context: .\n  dockerfile: svc/Dockerfile\n")
    assert found is not None
    assert (found.path, found.root, found.package) == ("svc/app/main.py", "", "svc.app")


def test_missing_module_is_none() -> None:
    assert resolve(BASE + "COPY . .\n" + UVICORN, {"svc/README.md": "x"}) is None


def test_another_module_is_no_guess_for_the_one_the_command_names() -> None:
    """`uvicorn main:app` where the image holds no `main`: `src/main.py` is another module."""
    assert resolve(BASE + "COPY . .\n" + cmd("uvicorn", "main:app"),
                   {"svc/src/main.py": APP}) is None


def test_a_module_no_copy_brings_is_no_guess() -> None:
    """`COPY app ./app` and `uvicorn main:app`: the image holds no `main`, and the folder's
    own `main.py` is not in it either; fixer reads no module into that service."""
    assert resolve(BASE + "COPY app ./app\n" + cmd("uvicorn", "main:app"),
                   {"svc/main.py": APP, "svc/app/__init__.py": ""}) is None


def test_compose_pythonpath() -> None:
    found = resolve(BASE + "COPY . .\n" + cmd("uvicorn", "main:app"),
                    {"svc/service/main.py": APP},
                    "build: ./svc\nenvironment:\n  PYTHONPATH: /app/service\n")
    assert found is not None and found.path == "svc/service/main.py"


def test_bind_mount_without_copy_reads_the_context() -> None:
    found = resolve(BASE + "RUN pip install fastapi uvicorn\n" + UVICORN,
                    {"svc/app/main.py": APP})
    assert found is not None
    assert (found.path, found.root, found.from_command) == ("svc/app/main.py", "svc", True)


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("a = 1\nb: int = 2\nc += 3\n", {"a", "b", "c"}, id="plain"),
    pytest.param("d, (e, *f) = g\n[h, i] = j\n", {"d", "e", "f", "h", "i"}, id="unpacking"),
    pytest.param("app.logger = log\nstate[key] = 1\nx.y[z] += 1\n", set(), id="parts-of-objects"),
])
def test_bound_names_are_plain_names(source: str, expected: set[str]) -> None:
    assert bound_names(ast.parse(source).body) == expected


def test_binding_is_not_an_attribute_or_item_set_later() -> None:
    tree = ast.parse('PATH = "/health"\napp = FastAPI()\napp.logger = log\n'
                     "app.state.db = None\nEXEMPT[PATH] = True\n")
    created = binding(tree.body, "app")
    assert isinstance(created, ast.Assign) and ast.unparse(created.value) == "FastAPI()"
    assert string_value(tree, ast.Name("PATH")) == "/health"


def _serve(call: str) -> str:
    return f'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run({call})\n'


SCRIPT = BASE + "COPY . .\n" + cmd("python", "serve.py")
SELF_SERVED = APP + _serve('"serve:app", port=8000')


@pytest.mark.parametrize(("dockerfile", "files", "expected"), [
    pytest.param(SCRIPT, {"svc/serve.py": _serve('"app.main:app", port=8060'),
                          "svc/app/main.py": APP, "svc/app/__init__.py": ""},
                 ("svc/app/main.py", "app.main", "app", False, "svc/serve.py"), id="named"),
    pytest.param(SCRIPT, {"svc/serve.py": _serve('app="app.main:build", factory=True'),
                          "svc/app/main.py": APP},
                 ("svc/app/main.py", "app.main", "build", True, "svc/serve.py"), id="factory"),
    # sys.path[0] is the script's own folder, not the working directory
    pytest.param(BASE + "COPY . .\n" + cmd("python", "bin/serve.py"),
                 {"svc/bin/serve.py": _serve('"main:app"'), "svc/bin/main.py": APP,
                  "svc/main.py": APP},
                 ("svc/bin/main.py", "main", "app", False, "svc/bin/serve.py"),
                 id="beside-the-script"),
    # the script itself: its own app, by the name the call gives
    pytest.param(SCRIPT, {"svc/serve.py": SELF_SERVED, "svc/app/main.py": APP},
                 ("svc/serve.py", "serve", "app", False, None), id="names-itself"),
    # a module the image does not hold, a name fixer cannot read, and a folder `app_dir=`
    # puts first: the script stays the app module
    pytest.param(BASE + "COPY serve.py .\n" + cmd("python", "serve.py"),
                 {"svc/serve.py": _serve('"app.main:app"'), "svc/app/main.py": APP},
                 ("svc/serve.py", "serve", None, False, None), id="not-in-the-image"),
    pytest.param(SCRIPT, {"svc/serve.py": "TARGET = 'app.main:app'\n" + _serve("TARGET"),
                          "svc/app/main.py": APP},
                 ("svc/serve.py", "serve", None, False, None), id="not-a-literal"),
    pytest.param(SCRIPT, {"svc/serve.py": _serve('"main:app", app_dir="app"'),
                          "svc/app/main.py": APP, "svc/main.py": APP},
                 ("svc/serve.py", "serve", None, False, None), id="app-dir"),
])
def test_script_serves_the_module_it_names(
        dockerfile: str, files: dict[str, str],
        expected: tuple[str, str, str | None, bool, str | None]) -> None:
    """`python serve.py` whose `uvicorn.run("app.main:app")` names another module: uvicorn
    serves that module, imported from the script's folder."""
    found = resolve(dockerfile, files)
    assert found is not None
    assert (found.path, found.module, found.attr, found.factory, found.runner) == expected


MISSING_MODULE = {
    "compose.yaml": "services:\n  api:\n    build: ./api\n",
    "api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install fastapi uvicorn\n"
                      'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    "api/app/__init__.py": "",
    "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
}


def _missing(files: dict[str, str]) -> str | None:
    ws = Workspace.load(tree(files))
    [service] = ws.services()
    return appmodule.missing_module(ws, service)


def test_a_command_module_the_image_lacks_is_named() -> None:
    # `uvicorn main:app` in /app, where `COPY . .` puts app/main.py, not main.py
    assert _missing(MISSING_MODULE) == (
        "the command serves `main:app`, and fixer finds no main.py in /app, where it runs, "
        "nor on the image's import path, so the app may stop at start-up")


def test_a_bind_mount_of_a_repository_folder_lacking_the_module_brings_none() -> None:
    """`./api:/app` brings what the checkout holds in api/: no main.py there either."""
    files = {**MISSING_MODULE,
             "compose.yaml": "services:\n  api:\n    build: ./api\n    volumes: [./api:/app]\n"}
    assert _missing(files) == _missing(MISSING_MODULE)
    assert _missing({**files, "api/main.py": "from app.main import app\n"}) is None


@pytest.mark.parametrize("change", [
    {"api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},   # found
    {"compose.yaml": "services:\n  api:\n    build: ./api\n    volumes: [code:/app]\n"
                     "volumes:\n  code:\n"},   # a named volume: whatever it holds
    {"api/Dockerfile": MISSING_MODULE["api/Dockerfile"].replace(
        "WORKDIR /app\n", "WORKDIR /app\nENV PYTHONPATH=/app/app\n")},
])
def test_what_may_bring_the_module_says_nothing(change: dict[str, str]) -> None:
    assert _missing({**MISSING_MODULE, **change}) is None


def _s005(files: dict[str, str]) -> list[str]:
    from fixer.app.registry import discover
    [rule] = [r for r in discover() if r.code == "S005"]
    return [v.message for v in rule.detect(Workspace.load(tree(files)))]


@pytest.mark.parametrize("install", [
    "RUN pip install --no-cache-dir ./libs/core",
    "RUN pip install dist/api-1.0-py3-none-any.whl",
    "RUN python -m pip install -e .",
    "RUN python setup.py install",
    "RUN uv sync --frozen --package api",
    "RUN poetry install --only main",
    "RUN pip install git+https://example.com/org/app.git",
    "RUN git clone https://example.com/org/app.git /app/app",
    "RUN mkdir -p /app && cp -r /tmp/src/app /app/",
    "RUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /app",
    'RUN ["git", "clone", "https://example.com/org/app.git", "."]',
])
def test_code_the_image_installs_as_a_package_may_bring_the_module(install: str) -> None:
    """S005 stays silent where a RUN installs code of the build context: the module may
    import from site-packages, where fixer does not follow it."""
    assert _s005(MISSING_MODULE) != []
    dockerfile = MISSING_MODULE["api/Dockerfile"].replace("COPY . .\n", f"COPY . .\n{install}\n")
    assert _s005({**MISSING_MODULE, "api/Dockerfile": dockerfile}) == []


@pytest.mark.parametrize("install", [
    "RUN pip install --no-cache-dir -r requirements.txt",
    "RUN pip install fastapi==0.115.0 'uvicorn[standard]'",
    "RUN apt-get update && apt-get install -y --no-install-recommends curl git",
    "RUN apk add --no-cache curl tar",
])
def test_requirements_from_an_index_do_not_bring_the_module(install: str) -> None:
    dockerfile = MISSING_MODULE["api/Dockerfile"].replace("COPY . .\n", f"COPY . .\n{install}\n")
    assert _s005({**MISSING_MODULE, "api/Dockerfile": dockerfile}) != []


START_SCRIPT_IMAGE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                      "RUN chmod +x start.sh\nCMD [\"./start.sh\"]\n")


@pytest.mark.parametrize(("script", "found"), [
    pytest.param("cd /app/api\nexec uvicorn main:app --host 0.0.0.0\n", "svc/api/main.py",
                 id="a-literal-folder"),
    pytest.param("DIR=$PWD\ncd /tmp\ncd $DIR\nexec uvicorn main:app --host 0.0.0.0\n",
                 "svc/main.py", id="back-to-where-pwd-was-read"),
    pytest.param("cd api\nHERE=$(pwd)\ncd /\ncd \"$HERE\"\nexec uvicorn main:app\n",
                 "svc/api/main.py", id="pwd-read-after-a-move"),
    pytest.param("ROOT=/app/api\ncd ${ROOT}\nexec uvicorn main:app --host 0.0.0.0\n",
                 "svc/api/main.py", id="a-variable-set-to-a-folder"),
    pytest.param("ROOT=\"$(dirname \"$0\")/api\"\ncd \"$ROOT\"\nexec uvicorn main:app\n",
                 None, id="a-folder-fixer-cannot-tell"),
    pytest.param("APP_PATH=main.py\ncd /tmp\nexec fastapi run \"$APP_PATH\" --host 0.0.0.0\n",
                 None, id="the-server-line-runs-after-the-move-not-the-assignment"),
])
def test_a_start_script_moves_to_the_folder_its_variables_hold(script: str,
                                                               found: str | None) -> None:
    files = {"svc/start.sh": "#!/bin/sh\nset -e\n" + script, "svc/main.py": APP,
             "svc/api/main.py": APP}
    module = resolve(START_SCRIPT_IMAGE, files)
    assert (module.path if module is not None else None) == found


@pytest.mark.parametrize(("script", "why"), [
    pytest.param('if [ "$ENV" = dev ]; then\n  cd /app/api\nfi\nexec uvicorn main:app\n',
                 "the server starts in a folder a branch of its start script decides",
                 id="a-move-in-a-branch"),
    pytest.param("ROOT=\"$(dirname \"$0\")/api\"\ncd \"$ROOT\"\nexec uvicorn main:app\n",
                 "the server starts after `cd $ROOT`, a folder fixer cannot tell",
                 id="a-variable-fixer-cannot-read"),
])
def test_why_the_module_a_start_script_serves_is_unknown(script: str, why: str) -> None:
    files = {"svc/start.sh": "#!/bin/sh\nset -e\n" + script, "svc/main.py": APP}
    ws = Workspace.load(tree({"docker-compose.yml": "services:\n  api:\n    build: ./svc\n",
                              "svc/Dockerfile": START_SCRIPT_IMAGE, **files}))
    [api] = list(ws.apps())
    assert appmodule.find(ws, api) is None
    assert (appmodule.unfound_module(ws, api) or "").startswith(why)
