"""I001 relative-import-in-script: top-level modules get absolute imports from the import root."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from fixer.sources.python import absolute_module
from fixer.sources.relative_imports import guarded_lines
from kit import check, fix
from support import write_tree
from test_boot import DEADLINE, health_status, running

COMPOSE = "services:\n  api:\n    build: ./svc\n"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
# `python main.py` / `python -m main`: the module starts the server itself
RUN = '\n\nif __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n'
# the command, and the app module around the statements under test
UVICORN = '"uvicorn", "main:app"'
def app_module(body: str, cmd: str = UVICORN) -> str:
    """A real FastAPI app module holding `body`; a script also calls uvicorn.run."""
    if cmd == UVICORN:
        return APP + body
    return "import uvicorn\n" + APP + body + RUN


def service(files: dict[str, bytes | str], cmd: str = UVICORN) -> dict[str, bytes | str]:
    return {"docker-compose.yml": COMPOSE,
            "svc/Dockerfile": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [{cmd}]\n",
            "svc/db.py": "x = 1\n", "svc/models.py": "", **files}


def fixed(source: bytes | str, cmd: str = UVICORN, path: str = "svc/main.py") -> bytes:
    outcome = fix(service({"svc/main.py": app_module("", cmd), path: source}, cmd), select="I001")
    assert outcome.clean, outcome
    return outcome.tree[path]


def unchanged(files: dict[str, bytes | str]) -> None:
    """`fixer fix --select I001` changes nothing, and fails nothing."""
    outcome = fix(files, select="I001")
    assert (outcome.diff, outcome.clean) == ("", True)


@pytest.mark.parametrize(("before", "after"), [
    pytest.param("from .db import x\n", "from db import x\n", id="module"),
    pytest.param("from . import models\n", "import models\n", id="package-dot"),
    pytest.param("from . import models as m, db\n", "import models as m\nimport db\n",
                 id="aliases"),
    pytest.param("from . import (models,\n    db,)\n", "import models\nimport db\n",
                 id="parens-one-line-per-name"),
    pytest.param("# the tables\nfrom . import (\n    models,\n    db,\n)  # noqa: F401\n",
                 "# the tables\nimport models  # noqa: F401\nimport db  # noqa: F401\n",
                 id="names-split-comments-kept"),
    pytest.param("def f():\n    from . import models, db\n    return db\n",
                 "def f():\n    import models\n    import db\n    return db\n",
                 id="names-split-indented"),
    pytest.param("x = 1; from . import models, db\n", "x = 1; import models; import db\n",
                 id="names-split-beside-a-statement"),
    pytest.param("from .db import (  # the engine\n    x,  # and its name\n)\n",
                 "from db import (  # the engine\n    x,  # and its name\n)\n",
                 id="comments-kept"),
    pytest.param("import os; from .db import x  # why\n", "import os; from db import x  # why\n",
                 id="semicolon"),
    pytest.param("def f():\n    from . import db\n    return db\n",
                 "def f():\n    import db\n    return db\n", id="inside-function"),
    pytest.param("from . db import x\n", "from db import x\n", id="space-after-dot"),
    pytest.param("from.db import x\n", "from db import x\n", id="no-space-before-the-dot"),
    pytest.param("from. import db\n", "import db\n", id="no-space-before-a-lone-dot"),
    pytest.param(b"\xef\xbb\xbffrom fastapi import FastAPI\r\nimport os\r\nfrom .db import x\r\n",
                 b"\xef\xbb\xbffrom fastapi import FastAPI\r\nimport os\r\nfrom db import x\r\n",
                 id="crlf-bom"),
    pytest.param("from .db import x", "from db import x", id="no-final-newline"),
])
def test_i001_fixes(before: str | bytes, after: str | bytes) -> None:
    # str cases: the statements under test follow a FastAPI app's first lines
    source = before if isinstance(before, bytes) else app_module(before)
    expected = after if isinstance(after, bytes) else app_module(after).encode()
    assert fixed(source) == expected


@pytest.mark.parametrize(("cmd", "path"), [
    pytest.param('"python", "main.py"', "svc/main.py", id="python-script"),
    pytest.param('"python", "-m", "main"', "svc/main.py", id="python-m-top-level"),
    pytest.param(UVICORN, "svc/db.py", id="sibling-of-top-level-app"),
])
def test_i001_fixes_every_top_level_module(cmd: str, path: str) -> None:
    def wrap(body: str) -> str:
        return app_module(body, cmd) if path == "svc/main.py" else body
    after = fixed(wrap("from .models import x\n"), cmd, path)
    assert after == wrap("from models import x\n").encode()


@pytest.mark.parametrize(("cmd", "path"), [
    pytest.param('"uvicorn", "app.main:app"', "svc/app/main.py", id="package-module"),
    pytest.param('"python", "-m", "app.main"', "svc/app/main.py", id="python-m-package"),
    pytest.param('"uvicorn", "main:app"', "svc/app/routes.py", id="module-inside-package"),
])
def test_i001_noop_inside_packages(cmd: str, path: str) -> None:
    source = "from .db import x\nfrom . import models\n"
    files = service({path: source, "svc/app/__init__.py": "",
                     "svc/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}, cmd)
    assert check(files, select="I001") == []


@pytest.mark.parametrize(("source", "reason"), [
    pytest.param("from .logging import setup\n", "standard library", id="stdlib-shadow"),
    pytest.param("from . import json\n", "standard library", id="stdlib-shadow-import"),
    pytest.param("from ..db import x\n", "climbs above the import root", id="above-root"),
    pytest.param("from . import *\n", "has no absolute form", id="star"),
    pytest.param("from . import (db,  # note\n    models)\n", "comments", id="comment-in-parens"),
])
def test_i001_display_only(source: str, reason: str) -> None:
    files = service({"svc/main.py": app_module(source)})
    [finding] = check(files, select="I001")
    assert (finding.path, finding.line, finding.fixable) == ("svc/main.py", 4, False)
    assert reason in (finding.reason or "")
    unchanged(files)


@pytest.mark.parametrize(("cmd", "advice"), [
    pytest.param('"uvicorn", "main:app", "--host", "0.0.0.0"',
                 "serve `app.main:app` from the folder that holds app/, in the image too "
                 "(`COPY app ./app`)", id="server"),
    pytest.param('"python", "main.py"', "run it as a module of the package (`python -m "
                 "app.main`) from the folder that holds app/", id="script"),
])
def test_a_module_that_imports_its_own_folder_is_told_how_to_run(cmd: str, advice: str) -> None:
    """`COPY app /app` flattens the package: a server is told to serve the module by its
    dotted name with the folder kept, not to run it with `python -m` (it has no main)."""
    files = {"docker-compose.yml": COMPOSE,
             "svc/Dockerfile": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY app /app\n"
                               f"CMD [{cmd}]\n",
             "svc/app/__init__.py": "", "svc/app/db.py": "x = 1\n",
             "svc/app/main.py": app_module("from app.db import x\n",
                                           UVICORN if "uvicorn" in cmd else cmd)}
    [finding] = check(files, select="I001")
    assert advice in (finding.reason or ""), finding.reason


def test_a_module_that_also_imports_its_folders_modules_bare_is_told_to_import_from_it(
        ) -> None:
    """`from routers import items` beside `from app.db import x`: served from the folder
    above app/, the bare import would stop it in turn, so the advice is the other one."""
    files = {"docker-compose.yml": COMPOSE,
             "svc/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY app /app\n"
                               "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
             "svc/app/__init__.py": "", "svc/app/db.py": "x = 1\n",
             "svc/app/routers/__init__.py": "", "svc/app/routers/items.py": "y = 1\n",
             "svc/app/main.py": app_module("from routers import items\nfrom app.db import x\n",
                                           UVICORN)}
    [finding] = check(files, select="I001")
    assert finding.reason == (
        "import from svc/app/ itself: served from the folder above it, `from routers import "
        "items` (svc/app/main.py:4) would no longer find what it imports"), finding.reason


@pytest.mark.parametrize(("package", "level", "module", "expected"), [
    ("", 1, "db", "db"), ("", 1, None, ""), ("", 2, "db", None),
    ("app", 1, "db", "app.db"), ("app", 1, None, "app"), ("app", 2, None, None),
    ("app.api", 2, "db", "app.db"), ("app.api", 1, "v1.users", "app.api.v1.users"),
])
def test_absolute_module(package: str, level: int, module: str | None,
                         expected: str | None) -> None:
    assert absolute_module(package, level, module) == expected


def test_i001_noop_for_siblings_of_a_package_root() -> None:
    # The root folder is a package: its modules may be imported through it (PYTHONPATH).
    files = service({"svc/main.py": APP, "svc/__init__.py": "", "svc/routes.py": "from .db import x\n"})
    assert check(files, select="I001") == []


# -- the whole import path, in one fix ----------------------------------------------------------

ROUTED_MAIN = '''from fastapi import FastAPI

from .database import engine
from .routers import items

app = FastAPI(title="inventory")
app.include_router(items.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "engine": engine}
'''
ITEMS = '''from fastapi import APIRouter

from ..database import engine  # the shared engine
from .schemas import Item

router = APIRouter(prefix="/items")


@router.get("/")
def list_items() -> list[Item]:
    return [Item(name=engine)]
'''


def routed_service(items: str = ITEMS) -> dict[str, bytes | str]:
    dockerfile = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
                  'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
    return service({"svc/Dockerfile": dockerfile, "svc/main.py": ROUTED_MAIN,
                          "svc/database.py": 'engine = "sqlite"\n',
                          "svc/routers/__init__.py": "", "svc/routers/items.py": items,
                          "svc/routers/schemas.py": "from pydantic import BaseModel\n\n\n"
                                                    "class Item(BaseModel):\n    name: str\n"})


@pytest.mark.slow
def test_i001_fixes_every_module_on_the_import_path_and_the_service_boots(
        tmp_path: Path) -> None:
    files = routed_service()
    with running(write_tree(tmp_path / "before", files) / "svc", tmp_path / "before.log") as (
            process, _port):
        assert process.wait(timeout=DEADLINE) != 0
    assert "attempted relative import with no known parent package" in \
        (tmp_path / "before.log").read_text()
    [finding] = check(files, select="I001")
    assert (finding.path, finding.line, finding.fixable) == ("svc/main.py", 3, True)
    assert "svc/routers/items.py" in finding.message
    outcome = fix(files, select="I001")
    assert outcome.clean and outcome.applied
    assert outcome.text("svc/main.py") == ROUTED_MAIN.replace(
        "from .database", "from database").replace("from .routers", "from routers")
    # the import that climbed above `routers` is absolute; the one inside it is kept
    assert outcome.text("svc/routers/items.py") == ITEMS.replace("from ..database",
                                                                 "from database")
    svc = write_tree(tmp_path / "after", outcome.tree) / "svc"
    with running(svc, tmp_path / "after.log") as (process, port):
        assert health_status(process, port, tmp_path / "after.log") == 200
    assert check(outcome.tree, select="I001") == []


def test_i001_display_only_when_one_module_on_the_path_cannot_be_fixed() -> None:
    files = routed_service(ITEMS.replace("from ..database", "from ...database"))
    [finding] = check(files, select="I001")
    assert (finding.path, finding.fixable) == ("svc/main.py", False)
    assert finding.reason == "svc/routers/items.py: `...database` climbs above the import root"
    unchanged(files)


def test_i001_noop_when_the_app_is_imported_as_a_package() -> None:
    # `app.main:app`: `..database` from app.routers.items stays inside `app`
    files = service({
        "svc/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n'
                          'CMD ["uvicorn", "app.main:app"]\n',
        "svc/app/__init__.py": "", "svc/app/main.py": ROUTED_MAIN,
        "svc/app/database.py": "engine = 1\n", "svc/app/routers/__init__.py": "",
        "svc/app/routers/items.py": ITEMS})
    assert check(files, select="I001") == []


CONFLICTED_ITEMS = ITEMS.replace("    return [Item(name=engine)]\n", """<<<<<<< HEAD
    return [Item(name=engine)]
=======
    return [Item(name=engine.upper())]
>>>>>>> feature/upper-names
""")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python reads PEP 701 f-strings")
def test_i001_reason_when_only_fixers_python_cannot_read_a_module() -> None:
    # python:3.12 reads the f-string that fixer's older Python rejects: the service may
    # start, so the reason does not say it will not; fixer still cannot see the imports
    files = routed_service(ITEMS + 'LABEL = f"{", ".join(["a"])}"\n')
    [finding] = check(files, select="I001")
    assert finding.fixable is False
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert (finding.reason or "") == (
        f"fixer's Python {running} cannot read svc/routers/items.py:12 (SyntaxError: "
        "f-string: expecting '}'), which the image's newer Python may accept: fixer cannot "
        "see its imports")
    assert check(files, select="S004") == []


def test_i001_display_only_when_a_module_on_the_path_does_not_compile() -> None:
    # items.py's `from ..database` is hidden behind its conflict markers: fixing main.py
    # alone would leave the service failing at start-up
    files = routed_service(CONFLICTED_ITEMS)
    [finding] = check(files, select="I001")
    assert (finding.path, finding.line, finding.fixable) == ("svc/main.py", 3, False)
    assert (finding.reason or "").startswith(
        "svc/routers/items.py:11 does not compile (IndentationError: expected an indented "
        "block after function definition on line 10): fixer cannot see its imports")
    unchanged(files)
    # the same file, and only it, is what S004 reports
    assert [(f.path, f.line) for f in check(files, select="S004")] == [("svc/routers/items.py", 11)]


@pytest.mark.parametrize("handler", ["except ImportError:", "except (ImportError, ValueError):",
                                     "except ModuleNotFoundError:", "except Exception:",
                                     "except:"])
def test_i001_noop_for_a_relative_import_whose_failure_a_try_catches(handler: str) -> None:
    """`try: from .db import x` / `except ImportError: from db import x`: run as a
    top-level module, the relative import fails and the fallback imports; nothing stops,
    and rewriting the first branch would only make both branches the same."""
    guarded = f"try:\n    from .db import x\n{handler}\n    from db import x\n"
    unchanged(service({"svc/main.py": app_module(guarded)}))
    assert check(service({"svc/main.py": app_module(guarded)}), select="I001") == []


def test_i001_a_try_that_catches_another_error_guards_nothing() -> None:
    source = "try:\n    from .db import x\nexcept KeyError:\n    x = 0\n"
    assert b"    from db import x\n" in fixed(app_module(source))


def test_i001_only_the_unguarded_imports_of_a_module_are_rewritten() -> None:
    source = ("try:\n    from .db import x\nexcept ImportError:\n    from db import x\n"
              "from . import models\n")
    text = fixed(app_module(source)).decode()
    assert "try:\n    from .db import x\nexcept ImportError:\n    from db import x\n" in text
    assert "\nimport models\n" in text


def test_i001_a_stand_in_for_a_module_of_the_root_is_rewritten_with_the_others() -> None:
    """`except ImportError: x = None` at the top level: the import fails every time, so
    once the service starts the name is always None; where `db` is a module of the import
    root it is rewritten and counted, and one naming no module there is left alone."""
    source = ("try:\n    from .db import x\nexcept ImportError:\n    x = None\n"
              "try:\n    from .cache import hit\nexcept ImportError:\n    hit = None\n"
              "from . import models\n")
    [finding] = check(service({"svc/main.py": app_module(source)}), select="I001")
    assert finding.message.startswith("relative import `from . import models` (and 1 more)")
    text = fixed(app_module(source)).decode()
    assert "try:\n    from db import x\nexcept ImportError:\n    x = None\n" in text
    assert "    from .cache import hit\n" in text and "\nimport models\n" in text


def test_i001_a_stand_in_alone_is_no_finding() -> None:
    """The service starts, and no other import stops it: I002's policy, not I001's error."""
    source = "try:\n    from .db import x\nexcept ImportError:\n    x = None\n"
    assert check(service({"svc/main.py": app_module(source)}), select="I001") == []


@pytest.mark.parametrize(("cmd", "advice"), [
    pytest.param('"python", "main.py"', "running `python -m svc.main` keeps both", id="script"),
    pytest.param(UVICORN, None, id="served-module"),
])
def test_the_fix_is_unsafe_where_the_folder_is_a_package(cmd: str, advice: str | None) -> None:
    """`svc/__init__.py`: other code may import `svc.main`, where the absolute import fails.
    The reason says how to run the module as part of its package instead."""
    files = service({"svc/__init__.py": "", "svc/main.py": app_module("from .db import x\n", cmd)},
                    cmd)
    [finding] = check(files, select="I001")
    assert finding.safety.value == "unsafe", finding
    assert "svc/__init__.py makes `svc` a package" in (finding.reason or "")
    if advice is None:   # a server's folder above may not be in the image (`COPY svc/ .`)
        assert "keeps both" not in (finding.reason or ""), finding.reason
    else:
        assert advice in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("test", "branch"), [
    ("__package__", "body"),
    ("not __package__", "orelse"),
    ("__package__ is None or __package__ == ''", "orelse"),
    ("__package__ in (None, '')", "orelse"),
    ("__package__ is not None and __package__ != ''", "body"),
    ("__spec__ is None", None),   # set under `uvicorn main:app`, where `__package__` is ''
    ("__package__ or DEBUG", None),
])
def test_a_package_guard_leaves_its_package_branch_alone(test: str, branch: str | None) -> None:
    source = (f"if {test}:\n    from .models import Item\nelse:\n"
              "    from .models import Item as Other\n")
    guarded = guarded_lines(ast.parse(source))
    assert guarded == ({2} if branch == "body" else {4} if branch == "orelse" else set())


def flat_copy(files: dict[str, bytes | str]) -> dict[str, bytes | str]:
    """`COPY app/ .` + `uvicorn main:app`: app/ holds no `__init__.py`, so a command outside
    the image may serve it as the namespace package `app`."""
    return {"docker-compose.yml": "services:\n  api:\n    build: ./svc\n",
            "svc/Dockerfile": 'FROM python:3.12-slim\nWORKDIR /code\nCOPY app/ .\n'
                              'CMD ["uvicorn", "main:app"]\n',
            "svc/app/main.py": app_module("from .db import x\n"), "svc/app/db.py": "x = 1\n",
            **files}


@pytest.mark.parametrize(("path", "text", "where"), [
    pytest.param("Makefile", "dev:\n\tcd svc && uvicorn app.main:app --reload\n", "Makefile:2",
                 id="makefile-cd"),
    pytest.param("svc/scripts/dev.sh", 'cd "$(dirname "$0")/.."\nexec python -m app.main\n',
                 "svc/scripts/dev.sh:2", id="script-in-the-service"),
    pytest.param("svc/Procfile", "web: uvicorn app.main:app --port $PORT\n", "svc/Procfile:1",
                 id="procfile"),
    pytest.param("svc/tox.ini", "[testenv]\ncommands = python -m app.main\n", "svc/tox.ini:2",
                 id="tox"),
    pytest.param(".github/workflows/ci.yml",
                 "jobs:\n  t:\n    steps:\n      - run: uvicorn app.main:app &\n"
                 "        working-directory: svc\n", ".github/workflows/ci.yml:4", id="workflow"),
])
def test_the_fix_is_unsafe_where_a_command_outside_the_image_names_a_module(
        path: str, text: str, where: str) -> None:
    [finding] = check(flat_copy({path: text}), select="I001")
    assert finding.safety.value == "unsafe", finding
    assert (finding.reason or "").startswith(f"{where} imports `app."), finding.reason


@pytest.mark.parametrize(("path", "text"), [
    pytest.param("Makefile", "dev:\n\tcd other && uvicorn app.main:app --reload\n",
                 id="makefile-cd-elsewhere"),
    pytest.param("other/run.sh", "uvicorn app.main:app\n", id="script-of-another-service"),
])
def test_a_command_run_from_another_folder_leaves_the_fix_safe(path: str, text: str) -> None:
    [finding] = check(flat_copy({path: text, "other/app/main.py": APP}), select="I001")
    assert finding.safety.value == "safe", finding.reason


def test_i001_an_absolute_import_of_what_the_local_module_defines_is_no_shadowing() -> None:
    """`from database import SessionLocal` beside `from .database import engine`: the local
    `database` defines SessionLocal, so the absolute import means the local module, which it
    finds at the top level; no installed `database` is shadowed."""
    body = ("from .database import engine\n\n\ndef session():\n"
            "    from database import SessionLocal\n    return SessionLocal, engine\n")
    files = service({"svc/main.py": app_module(body),
                     "svc/database.py": "SessionLocal = None\nengine = None\n"})
    [finding] = check(files, select="I001")
    assert finding.fixable and finding.reason is None


@pytest.mark.parametrize("absolute", [
    pytest.param("from database.session import SessionLocal\n", id="a-submodule-of-it"),
    pytest.param("from database import session\n", id="a-submodule-named-from-it"),
])
def test_i001_an_absolute_import_of_the_local_package_is_no_shadowing(absolute: str) -> None:
    """`from database.session import SessionLocal` (or `from database import session`)
    beside database/session.py: the local package is what it means."""
    body = f"from .database import engine\n\n\ndef session():\n    {absolute}"
    files = service({"svc/main.py": app_module(body + "    return engine\n"),
                     "svc/database/__init__.py": "engine = None\n",
                     "svc/database/session.py": "SessionLocal = None\n"})
    [finding] = check(files, select="I001")
    assert finding.fixable and finding.reason is None


@pytest.mark.parametrize(("requirements", "shadowed"), [
    pytest.param("fastapi\nuvicorn\n", False, id="nothing-installed-by-the-name"),
    pytest.param("fastapi\nuvicorn\nconfig\n", True, id="a-package-installed-by-the-name"),
])
def test_i001_a_name_shadows_only_a_package_the_image_installs(requirements: str,
                                                              shadowed: bool) -> None:
    """`from config import Config` where config.py takes Config from elsewhere: it shadows
    an installed `config` only where the image installs one."""
    body = "from .config import settings\n\n\ndef get():\n    from config import Config\n" \
        "    return Config, settings\n"
    files = service({"svc/main.py": app_module(body),
                     "svc/config.py": "from pydantic import BaseModel as Config\nsettings = 1\n",
                     "svc/requirements.txt": requirements})
    files["svc/Dockerfile"] = files["svc/Dockerfile"].replace(
        "COPY . .\n", "COPY . .\nRUN pip install -r requirements.txt\n")
    [finding] = check(files, select="I001")
    assert (not finding.fixable) is shadowed, finding.reason
