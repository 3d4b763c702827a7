"""I003's reason, the hint `fixer fix` prints (and a PR body lists) for its display-only
finding: the COPY it suggests names the package from the build context it suggests, and it
offers to install a library project only when pip can install it (golden findings record
messages, not reasons)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import run_cli, write_tree

COMPOSE = ("services:\n  auth:\n    build: ./services/auth\n  users:\n"
           "    build: ./services/users\n  gateway:\n    build: ./services/gateway\n"
           '    ports: ["8080:80"]\n    depends_on: [users, auth]\n')
APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health():\n    return {"status": "ok"}\n')
POETRY_APP_ONLY = ('[tool.poetry]\npackage-mode = false\n\n[tool.poetry.dependencies]\n'
                   'python = "^3.12"\n')
POETRY_PACKAGE = ('[tool.poetry]\nname = "acme-auth"\nversion = "0.1.0"\n\n[build-system]\n'
                  'requires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n')
PACKAGED = ('[project]\nname = "acme-auth"\nversion = "0.1.0"\n\n[build-system]\n'
            'requires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n')
BUILD = "build from services (`context: services`, `dockerfile: users/Dockerfile`)"
# what `COPY . .` asks once services/ is the context
MOVED = ", with `users/` before each of its other COPY sources (`.` becomes `users/`)"


def dockerfile(workdir: str = "/app", copy: str = "COPY . .", module: str = "main") -> str:
    return (f"FROM python:3.12\nWORKDIR {workdir}\nRUN pip install fastapi uvicorn\n{copy}\n"
            f'EXPOSE 8000\nCMD ["uvicorn", "{module}:app", "--host", "0.0.0.0", '
            '"--port", "8000"]\n')


def repository(pyproject: str, users: dict[str, str] | None = None) -> dict[str, str]:
    """users imports `utils`, which only services/auth/ holds, beside its pyproject.toml."""
    return {"compose.yaml": COMPOSE, "services/auth/Dockerfile": dockerfile(),
            "services/auth/main.py": APP, "services/auth/pyproject.toml": pyproject,
            "services/auth/utils/__init__.py": "def slug(s):\n    return s.lower()\n",
            "services/gateway/Dockerfile": "FROM nginx:1.27-alpine\n",
            **(users or {"services/users/Dockerfile": dockerfile(),
                         "services/users/main.py": "from utils import slug\n" + APP})}


def reason(tmp_path: Path, files: dict[str, str]) -> str:
    """The reason of the one I003 line `fixer fix` prints."""
    code, _, err = run_cli("fix", write_tree(tmp_path, files), "--select", "I003")
    [line] = [line for line in err.splitlines() if " I003 no automatic fix (" in line]
    assert code == 0, err
    return line.split(" I003 no automatic fix (", 1)[1].partition("): `")[0]


@pytest.mark.parametrize(("users", "copy", "moved"), [
    pytest.param(None, "`COPY auth/utils/ /app/utils/`", MOVED,
                 id="beside-the-module-in-workdir"),
    pytest.param({"services/users/Dockerfile": dockerfile("/srv", "COPY app ./app", "app.main"),
                  "services/users/app/__init__.py": "",
                  "services/users/app/main.py": "from utils import slug\n" + APP},
                 "`COPY auth/utils/ /srv/utils/`",
                 ", with `users/` before each of its other COPY sources (`app` becomes "
                 "`users/app`)", id="beside-the-package-of-the-module"),
    pytest.param({"services/users/Dockerfile": dockerfile(copy="COPY *.py ./"),
                  "services/users/main.py": "from utils import slug\n" + APP},
                 "COPY auth/utils/", ", with `users/` before each of its other COPY sources "
                 "(`*.py` becomes `users/*.py`)", id="import-root-fixer-cannot-tell"),
    pytest.param({"services/users/Dockerfile": "FROM python:3.12\nWORKDIR /app\n"
                  "RUN pip install fastapi uvicorn\nCOPY --from=ghcr.io/acme/app:1 /app /app\n"
                  'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
                  "services/users/main.py": "from utils import slug\n" + APP},
                 "COPY auth/utils/", "", id="nothing-copied-from-the-context"),
])
def test_the_copy_source_is_relative_to_the_suggested_context(
        tmp_path: Path, users: dict[str, str] | None, copy: str, moved: str) -> None:
    """COPY sources resolve from the build context, `services`: not services/auth/utils/.
    The destination is the folder the app module is imported from, where fixer can tell
    (a wildcard COPY it does not follow: no destination). The Dockerfile's own sources
    then sit below `users/` in that context (`COPY requirements.txt .` would take another
    file or none); a copy from another image needs no change."""
    assert reason(tmp_path, repository(PACKAGED, users)).endswith(
        f"{BUILD} and {copy} in the Dockerfile{moved}")


@pytest.mark.parametrize("pyproject", [
    pytest.param(POETRY_APP_ONLY, id="poetry-package-mode-false"),
    pytest.param("[tool.black]\nline-length = 100\n", id="tool-settings-only"),
])
def test_no_install_offered_for_a_project_pip_cannot_install(tmp_path: Path,
                                                            pyproject: str) -> None:
    """A Poetry project that says it is no package, or a pyproject.toml that only configures
    tools: installing `auth` would not give users `utils`; building from services would."""
    assert reason(tmp_path, repository(pyproject)) == \
        f"{BUILD} and `COPY auth/utils/ /app/utils/` in the Dockerfile{MOVED}"


@pytest.mark.parametrize(("pyproject", "name"), [
    pytest.param(PACKAGED, "acme-auth", id="project-and-build-system"),
    pytest.param('[project]\nname = "acme-auth"\nversion = "0.1.0"\n', "acme-auth",
                 id="project-built-by-the-legacy-backend"),
    pytest.param(POETRY_PACKAGE, "acme-auth", id="poetry-package"),
])
def test_install_offered_for_an_installable_project(tmp_path: Path, pyproject: str,
                                                    name: str) -> None:
    assert reason(tmp_path, repository(pyproject)) == (
        f"install the project `{name}` (services/auth/, which holds `utils`) with the "
        f"service's requirements, or {BUILD} and `COPY auth/utils/ /app/utils/` in the "
        f"Dockerfile{MOVED}")
