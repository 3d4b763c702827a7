"""S004 unparsable-module: a file on an app service's import path that does not compile
(display-only); the other rules and fixes go on around it."""

from __future__ import annotations

import pytest

from fixer.model.rule import Finding
from kit import Files, check, codes, fix

COMPOSE = "services:\n  api:\n    build: ./api\n    ports:\n      - \"8000:8000\"\n"
MAIN = ("from fastapi import FastAPI\n\nfrom app import helpers\n\napp = FastAPI()\n\n\n"
        "@app.get(\"/health\")\ndef health():\n    return {\"status\": \"ok\"}\n")
CONFLICT = ("def total(items):\n<<<<<<< HEAD\n    return sum(items)\n=======\n"
            "    return sum(items, 0)\n>>>>>>> feature/start\n")
# nested quotes in an f-string: Python 3.12 accepts them (PEP 701), 3.11 does not
PEP701 = 'SETTINGS = {"env": "prod"}\nBANNER = f"api ({SETTINGS["env"]})"\n'


def dockerfile(image: str, port: int = 8000) -> str:
    return (f"FROM {image}\nWORKDIR /srv\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\n"
            f"EXPOSE {port}\n"
            f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{port}"]\n')


def repo(files: dict[str, str], image: str = "python:3.11-slim",
         compose: str = COMPOSE) -> dict[str, str]:
    return {"docker-compose.yml": compose, "api/Dockerfile": dockerfile(image),
            "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
            "api/app/main.py": MAIN, "api/app/helpers.py": "X = 1\n", **files}


def findings(files: Files) -> list[Finding]:
    """S004's findings; the kit fails the test on input errors, and a module that does not
    parse is none."""
    return check(files, select="S004")


@pytest.mark.parametrize(("files", "image"), [
    pytest.param({}, "python:3.11-slim", id="compiles"),
    pytest.param({"api/app/unused.py": CONFLICT, "api/scripts/old.py": "print 'x'\n"},
                 "python:3.11-slim", id="not-on-the-import-path"),
    pytest.param({"api/app/helpers.py": PEP701}, "python:3.13-slim",
                 id="syntax-the-image-python-accepts"),
    pytest.param({"api/app/helpers.py": 'D = {"k": 1}\nMD = f"`{D["k"]}` <> 0"\n'},
                 "python:3.13-slim", id="backtick-in-a-string-is-no-python2"),
    pytest.param({"api/app/helpers.py": "def f(:\n    pass\n"}, "python:3-slim",
                 id="image-python-unknown-plain-error-not-judged"),
    pytest.param({"api/app/main.py": "from flask import Flask\napp = Flask(__name__)\n"
                  "<<<<<<< HEAD\n"}, "python:3.11-slim", id="not-an-app-service"),
])
def test_s004_noop(files: dict[str, str], image: str) -> None:
    assert findings(repo(files, image)) == []


@pytest.mark.parametrize(("files", "image", "path", "line", "says"), [
    pytest.param({"api/app/helpers.py": CONFLICT}, "python:3.11-slim", "api/app/helpers.py", 2,
                 "(merge-conflict marker `<<<<<<< HEAD`): IndentationError: expected an "
                 "indented block", id="conflict-in-imported-module"),
    pytest.param({"api/app/main.py": MAIN + CONFLICT}, "python:3-slim", "api/app/main.py", 12,
                 "merge-conflict marker", id="conflict-whatever-the-image-python"),
    pytest.param({"api/app/helpers.py": "import sys\nprint 'usage: %s' % sys.argv[0]\n"},
                 "python:3.13", "api/app/helpers.py", 2, "(Python 2 syntax)", id="python2-print"),
    pytest.param({"api/app/helpers.py": "try:\n    pass\nexcept OSError, e:\n    pass\n"},
                 "python:3.11-slim", "api/app/helpers.py", 3,
                 "(Python 2 syntax): SyntaxError: multiple exception types must be "
                 "parenthesized", id="python2-except"),
    pytest.param({"api/app/helpers.py": "def differ(a, b):\n    return a <> b\n"},
                 "python:3-slim", "api/app/helpers.py", 2, "(Python 2 syntax)",
                 id="python2-operator-whatever-the-image-python"),
    pytest.param({"api/app/helpers.py": "def f(:\n    pass\n"}, "python:3.11-slim",
                 "api/app/helpers.py", 1, "does not compile: SyntaxError: invalid syntax",
                 id="syntax-error-image-not-newer"),
    pytest.param({"api/app/helpers.py": "import os\n\nif not os.environ.get('DEBUG'):\n"
                  "    return\n"}, "python:3.11-slim", "api/app/helpers.py", 4,
                 "does not compile: SyntaxError: 'return' outside function",
                 id="parses-but-does-not-compile"),
    pytest.param({"api/app/helpers.py": '"""Helpers\n=======\n"""\ndef f(:\n    pass\n'},
                 "python:3.11-slim", "api/app/helpers.py", 4,
                 "does not compile: SyntaxError", id="docstring-underline-is-no-conflict-marker"),
    pytest.param({"api/app/main.py": MAIN.replace("from app import helpers",
                                                  "from .routers import items"),
                  "api/app/routers/__init__.py": "", "api/app/routers/items.py": "x = (\n"},
                 "python:3.11-slim", "api/app/routers/items.py", 1, "was never closed",
                 id="through-a-relative-import"),
])
def test_s004_reports(files: dict[str, str], image: str, path: str, line: int,
                      says: str) -> None:
    [finding] = findings(repo(files, image))
    assert (finding.path, finding.line, finding.fixable) == (path, line, False)
    assert says in finding.message and finding.rule.severity.value == "error"
    assert finding.message.endswith("api cannot import `app.main` and stops at start-up")


def test_s004_a_shared_file_is_one_finding_naming_every_service() -> None:
    compose = COMPOSE + "  admin:\n    build: ./api\n    ports:\n      - \"9000:8000\"\n"
    [finding] = findings(repo({"api/app/helpers.py": CONFLICT}, compose=compose))
    assert "api, admin cannot import `app.main` and stop at start-up" in finding.message


def test_s004_other_rules_read_around_it_and_fixes_go_on() -> None:
    """Every rule runs on a service whose app module does not parse; a fix for the same
    service applies, and the finding stays for a person."""
    files = repo({"api/app/main.py": MAIN + CONFLICT,
                  "api/Dockerfile": dockerfile("python:3.11-slim", 8080)})
    assert {"S004", "P001"} <= set(codes(check(files)))
    outcome = fix(files, select=("S004", "P001"))
    assert outcome.clean and outcome.applied
    assert '"--port", "8000"]' in outcome.text("api/Dockerfile")
    assert [f.path for f in findings(outcome.tree)] == ["api/app/main.py"]


# PEP 758: Python 3.14 reads `except A, B:` (no `as`) as a list of types; 3.13 rejects it
EXCEPT_LIST = ("def to_int(value):\n    try:\n        return int(value)\n"
               "    except ValueError, TypeError:\n        return None\n")


@pytest.mark.parametrize("image", ["python:3.14-alpine", "python:3.15-slim", "python:3-slim"])
def test_s004_an_except_list_is_no_finding_where_the_image_may_run_3_14(image: str) -> None:
    assert findings(repo({"api/app/helpers.py": EXCEPT_LIST}, image)) == []


@pytest.mark.parametrize(("image", "helpers", "line", "says"), [
    pytest.param("python:3.13-slim", EXCEPT_LIST, 4, "(Python 2 syntax): SyntaxError: multiple "
                 "exception types must be parenthesized", id="image-runs-3.13"),
    pytest.param("python:3.12", EXCEPT_LIST, 4, "(Python 2 syntax)", id="image-runs-3.12"),
    # past the list, 3.14 still rejects the rest of a Python 2 module
    pytest.param("python:3.14-slim", EXCEPT_LIST.replace("return None", 'print "bad", value'),
                 5, "(Python 2 syntax): SyntaxError: Missing parentheses in call to 'print'",
                 id="python2-print-after-the-list"),
    pytest.param("python:3-slim", EXCEPT_LIST + "\n\nOLD = x <> 1\n", 8, "(Python 2 syntax)",
                 id="python2-operator-after-the-list"),
    pytest.param("python:3.14-slim", EXCEPT_LIST + "<<<<<<< HEAD\n", 6, "merge-conflict marker",
                 id="conflict-after-the-list"),
])
def test_s004_an_except_list_stays_a_finding_where_3_14_rejects_the_file(
        image: str, helpers: str, line: int, says: str) -> None:
    [finding] = findings(repo({"api/app/helpers.py": helpers}, image))
    assert (finding.path, finding.line) == ("api/app/helpers.py", line)
    assert says in finding.message, finding.message


def test_s004_an_except_list_on_3_14_does_not_stop_the_service_for_other_rules() -> None:
    """With no S004 finding the service is not "stopped at start-up": a fix that makes
    another service wait for it to be healthy is offered, not held (it is on 3.13)."""
    compose = ("services:\n  web:\n    build: ./web\n    depends_on:\n      - api\n"
               + COMPOSE.removeprefix("services:\n") + '    healthcheck:\n      test: ["CMD", '
               '"python", "-c", "import urllib.request; urllib.request.urlopen(\'http://'
               'localhost:8000/health\')"]\n')
    helpers = {"api/app/helpers.py": EXCEPT_LIST, "web/index.html": "<p>hi</p>\n",
               "web/Dockerfile": "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\n"}
    newer = {f.code: f for f in check(repo(helpers, "python:3.14-slim", compose),
                                      select=("S004", "C003"))}
    assert list(newer) == ["C003"] and newer["C003"].fixable and not newer["C003"].violation.held
    older = {f.code: f for f in check(repo(helpers, "python:3.13-slim", compose),
                                      select=("S004", "C003"))}
    assert set(older) == {"S004", "C003"} and not older["C003"].fixable
    assert "api's healthcheck cannot pass: the app stops at start-up: api/app/helpers.py" in \
        (older["C003"].reason or ""), older["C003"].reason


def test_s004_an_except_list_says_both_readings_apart() -> None:
    """`except A, B:` binds B in Python 2 and lists two types in Python 3.14: the reason
    names the fix for each, where a `print "x"` asks to port the module."""
    [listed] = findings(repo({"api/app/helpers.py": EXCEPT_LIST}, "python:3.13-slim"))
    assert "`except (A, B):` where it lists types" in (listed.reason or "")
    [printed] = findings(repo({"api/app/helpers.py": "print 'x'\n"}, "python:3.13-slim"))
    assert printed.reason == "port the module to Python 3"
