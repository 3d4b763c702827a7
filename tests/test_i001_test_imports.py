"""I001 and a test that imports the app module through its folder (`from api.main import app`)
where that module already imports a sibling absolutely (`from database import URL`): the
test's import fails on that line before the fix as after it, so it makes the fix no less
safe; where the test setup may put the folder itself on sys.path, the fix stays unsafe."""

from __future__ import annotations

import pytest

from kit import Files, check, fix

MAIN = '''from fastapi import FastAPI

from database import URL
from .helpers import title

app = FastAPI()


@app.get("/health")
def health():
    return {"status": title("ok"), "db": URL}
'''
DOCKERFILE = '''FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
'''
# the reason the fix was unsafe for, and stays unsafe for where the setup may widen sys.path
REASON = ("api/tests/conftest.py:1 imports `api.main` as part of the package `api`, where the "
          "absolute imports would fail")


def repo(changed: dict[str, str | None] | None = None) -> Files:
    """The service `uvicorn main:app` serves from api/, and a conftest importing `api.main`;
    `changed` replaces files, or drops those it maps to None."""
    files: dict[str, str | None] = {
        "compose.yaml": 'services:\n  api:\n    build: ./api\n    ports: ["8000:8000"]\n',
        "api/requirements.txt": "fastapi\nuvicorn\n", "api/Dockerfile": DOCKERFILE,
        "api/database.py": 'URL = "sqlite://"\n', "api/helpers.py": "def title(s):\n    return s\n",
        "api/main.py": MAIN, "api/tests/conftest.py": "from api.main import app\n",
        **(changed or {})}
    return {path: text for path, text in files.items() if text is not None}


def main_with(line: str) -> dict[str, str | None]:
    """api/main.py with `line` in place of `from database import URL`."""
    return {"api/main.py": MAIN.replace("from database import URL", line)}


def finding(files: Files) -> tuple[str, str | None]:
    [found] = check(files, select="I001")
    assert found.path == "api/main.py", found
    return found.safety.value, found.reason


@pytest.mark.parametrize("files", [
    pytest.param(repo(), id="from-import"),
    pytest.param(repo(main_with("import database\nURL = database.URL")), id="plain-import"),
    pytest.param(repo({"api/database.py": None, "api/database/__init__.py": 'URL = "x"\n'}),
                 id="sibling-package"),
    pytest.param(repo({"api/tests/conftest.py": None,
                       "tests/test_api.py": "from api.main import app\n"}),
                 id="test-at-the-repository-root"),
])
def test_a_test_import_that_fails_already_leaves_the_fix_safe(files: Files) -> None:
    assert finding(files) == ("safe", None)
    outcome = fix(files, select="I001")
    assert outcome.clean and "\nfrom helpers import title\n" in outcome.text("api/main.py")


@pytest.mark.parametrize("files", [
    pytest.param(repo({"tests/conftest.py": "import sys\n\nsys.path.insert(0, 'api')\n"}),
                 id="conftest-changes-sys-path"),
    pytest.param(repo({"pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["api"]\n'}),
                 id="pytest-pythonpath"),
    pytest.param(repo({".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n"
                                                   "      - run: PYTHONPATH=api pytest\n"}),
                 id="ci-sets-pythonpath"),
    pytest.param(repo({"api/conftest.py": ""}), id="conftest-in-the-folder"),
    pytest.param(repo({"api/tests/__init__.py": ""}), id="tests-package-in-the-folder"),
    pytest.param(repo({"api/pytest.ini": "[pytest]\n"}), id="pytest-rootdir-in-the-folder"),
    pytest.param(repo({"database.py": 'URL = "root"\n'}), id="sibling-also-at-the-root"),
    pytest.param(repo({"api/tests/database.py": 'URL = "test"\n'}),
                 id="sibling-also-beside-the-test"),
    pytest.param(repo({"api/requirements.txt": "fastapi\nuvicorn\ndatabase\n"}),
                 id="sibling-named-like-a-requirement"),
    pytest.param(repo({"api/database.py": None, "api/queue.py": "URL = 1\n",
                       **main_with("import queue\nURL = queue.URL")}),
                 id="sibling-named-like-the-standard-library"),
    pytest.param(repo(main_with("if True:\n    from database import URL")),
                 id="import-under-an-if"),
    pytest.param(repo(main_with("try:\n    from database import URL\n"
                                "except ImportError:\n    URL = None")),
                 id="import-a-try-guards"),
])
def test_the_fix_stays_unsafe_where_the_test_may_find_the_sibling(files: Files) -> None:
    assert finding(files) == ("unsafe", REASON)


@pytest.mark.parametrize(("path", "text", "line"), [
    pytest.param("scripts/smoke.py", "import sys\n\nsys.path.insert(0, 'api')\n"
                                     "from api.main import app\n", 4, id="changes-sys-path"),
    # `python api/worker.py` puts api/ itself on sys.path
    pytest.param("api/worker.py", "from api.main import app\n", 1, id="in-the-folder"),
])
def test_a_script_that_may_find_the_sibling_is_the_reason(path: str, text: str,
                                                          line: int) -> None:
    """The conftest's import fails either way and is no reason; the script's may work, and
    the fix would break it."""
    assert finding(repo({path: text})) == (
        "unsafe", f"{path}:{line} imports `api.main` as part of the package `api`, where the "
                  "absolute imports would fail")


def test_a_test_importing_a_module_without_the_sibling_import_keeps_the_fix_unsafe() -> None:
    """helpers.py's own relative import is fixed too, and it imports no sibling absolutely:
    `from api.helpers import title` works now and would fail after the fix."""
    files = repo({"api/helpers.py": "from .database import URL\n\n\ndef title(s):\n    return s\n",
                  "tests/test_helpers.py": "from api.helpers import title\n"})
    assert finding(files) == ("unsafe", "tests/test_helpers.py:1 imports `api.helpers` as part "
                                        "of the package `api`, where the absolute imports "
                                        "would fail")


def test_a_command_naming_the_module_still_makes_the_fix_unsafe() -> None:
    """A Makefile's or a Dockerfile's `python -m api.main` is no Python file whose imports
    fixer reads with its run's sys.path: the conftest is no reason, the command still is."""
    files = repo({"Makefile": "run:\n\tpython -m api.main\n"})
    assert finding(files) == ("unsafe", "Makefile:2 imports `api.main` as part of the package "
                                        "`api`, where the absolute imports would fail")
    files = repo({"Dockerfile.dev": 'FROM python:3.12-slim\nCOPY . .\n'
                                    'CMD ["python", "-m", "api.main"]\n'})
    assert finding(files) == ("unsafe", "Dockerfile.dev:3 imports `api.main` as part of the "
                                        "package `api`, where the absolute imports would fail")
